"""Middleware: who is asking from where (for the audit log); no cached copies of signed-in pages."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from .deployment import client_address, is_trusted
from .request_context import RequestMeta, reset_request_meta, set_request_meta


def client_ip(request: HttpRequest) -> str | None:
    """The client address, as :class:`TrustedProxyMiddleware` has established it."""
    return request.META.get("REMOTE_ADDR") or None


class TrustedProxyMiddleware:
    """Believes X-Forwarded-For and X-Forwarded-Proto only from the proxies in settings.TRUSTED_PROXIES.

    From a trusted peer, REMOTE_ADDR becomes the right-most untrusted hop of X-Forwarded-For (the address the
    first trusted proxy saw) and the scheme that of X-Forwarded-Proto, so HTTPS redirects, HSTS, secure
    cookies and the audit's IP are right behind nginx. From anyone else both headers are dropped, so no code
    below can be fooled by a forged one. gunicorn is given the same list (``forwarded_allow_ips``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.proxies = tuple(getattr(settings, "TRUSTED_PROXIES", ()))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        peer = meta.get("REMOTE_ADDR")
        if is_trusted(peer, self.proxies):
            meta["REMOTE_ADDR"] = client_address(peer, meta.get("HTTP_X_FORWARDED_FOR", ""), self.proxies)
            # The proxy next to us appends its view last; a list means a chain, whose nearest hop is ours.
            proto = meta.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                meta["wsgi.url_scheme"] = proto
        else:
            meta.pop("HTTP_X_FORWARDED_FOR", None)
            meta.pop("HTTP_X_FORWARDED_PROTO", None)
        return self.get_response(request)


class SessionRenewalMiddleware:
    """The idle timeout: a signed-in session's expiry moves SESSION_COOKIE_AGE ahead when it is used, written at
    most once per SESSION_RENEW_SECONDS.

    Django's ``SESSION_SAVE_EVERY_REQUEST`` writes the session row (one UPDATE and one commit) on every request;
    at a reporting deadline that is two writes per submission that change nothing but the expiry (issue 13,
    bench/load). With this middleware a session ends between SESSION_COOKIE_AGE − SESSION_RENEW_SECONDS and
    SESSION_COOKIE_AGE after its last use (29–30 idle minutes by default). Anonymous sessions are not renewed.
    It stands right after SessionMiddleware, so the session it marks as changed is saved on the way out.
    """

    KEY = "_renewed"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.interval = int(getattr(settings, "SESSION_RENEW_SECONDS", 60))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and request.COOKIES.get(settings.SESSION_COOKIE_NAME):
            from django.contrib.auth import SESSION_KEY

            now = int(time.time())
            if SESSION_KEY in session and now - int(session.get(self.KEY, 0)) >= self.interval:
                session[self.KEY] = now  # modified: SessionMiddleware saves it with a new expiry
        return self.get_response(request)


class RequestContextMiddleware:
    """Makes the request's IP and user agent available to services while it is served."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        token = set_request_meta(
            RequestMeta(
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
                channel=channel,
            )
        )
        try:
            return self.get_response(request)
        finally:
            reset_request_meta(token)


class NoStoreWhenAuthenticatedMiddleware:
    """Tells browsers and proxies to keep no copy of what a signed-in user was shown (等保三级 剩余信息保护).

    Every response to a signed-in session or to an API token (pages with personal data, exports, JSON) gets
    ``Cache-Control: no-store`` (with Django's never-cache set: ``no-cache, must-revalidate, private``,
    ``Expires``), so the back button on a shared computer, a disk cache or a proxy never shows it again after
    log-out. Static files are served before this middleware and stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
            add_never_cache_headers(response)
        return response


class RefusalAuditMiddleware:
    """Audits every request refused for its role (等保三级 安全审计: each refused attempt to exceed a role): a view
    that answered :class:`~yuanqu.core.services.RoleRefused` (a 404 to the user) or raised ``PermissionDenied``.
    The view's own transaction has ended by then, so the record stays while nothing else was written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        from .services import audit_refused_request

        audit_refused_request(request, exception)
