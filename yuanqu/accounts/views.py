"""Log-in and log-out, the region admin's user management, and personal API tokens."""

from __future__ import annotations

import datetime as dt
from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice

from yuanqu.core.forms import attach_errors, call_service, save_edit
from yuanqu.core.listing import Column, Filter, ListSpec, run_list
from yuanqu.core.roles import SERVER_MANAGED, USER_ADMINS, Role
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import record_refusal, require_role_audited
from yuanqu.core.types import AuthedRequest

from . import identity, services
from .forms import LoginForm, OTPCodeForm, OwnDetailsForm, PasswordChangeForm, TokenForm, UserForm
from .models import ApiToken, User


def login_view(request: AuthedRequest) -> HttpResponse:
    """Log in with the password; failures are counted by user name + address and by address (django-axes), and
    audited. A role that needs a second factor goes on to it (IdentityMiddleware sends the session there)."""
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_attempt(request=request, username=form.cleaned_data["username"],
                                          password=form.cleaned_data["password"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            login(request, user)
            services.session_started(request=request, user=user)
            if not identity.otp_owed(user):
                services.session_limit_enforce(request=request, user=user)
            return redirect(_safe_next(request))
    return render(request, "accounts/login.html", {"form": form})


@login_required
def otp_setup(request: AuthedRequest) -> HttpResponse:
    """Enrol an authenticator app: a QR code (SVG, drawn here) and the key as text; a code from the app
    confirms it, and the ten recovery codes are shown once."""
    user = request.user
    if identity.has_totp(user):
        return redirect("accounts:security")
    device = services.otp_device_for_setup(user=user)
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = call_service(form, lambda: services.otp_confirm(request=request, user=user, device=device,
                                                                 code=form.cleaned_data["code"]))
        if codes is not None:
            services.session_limit_enforce(request=request, user=user)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _safe_next(request)})
    secret = b32encode(device.bin_key).decode()
    # segno writes the SVG (attributes only: no script, no style attribute); the account name is in the modules only.
    qr = segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#1d273b", light="#ffffff",
                                                             title=str(_("QR code")))
    return render(request, "accounts/otp_setup.html", {
        "form": form, "qr_svg": mark_safe(qr),
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "required": identity.otp_required_for_role(user.role),
    })


def _safe_next(request: AuthedRequest) -> str:
    nxt = request.GET.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return nxt
    return reverse("home")


@login_required
def otp_verify(request: AuthedRequest) -> HttpResponse:
    """The second step of a log-in: a code of the authenticator app, or one of the recovery codes."""
    user = request.user
    if user.is_verified() or not user_has_device(user):  # type: ignore[attr-defined]  # set by OTPMiddleware
        return redirect(_safe_next(request))
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(form, lambda: services.otp_verify(request=request, user=user,
                                                          code=form.cleaned_data["code"])) is not None:
            services.session_limit_enforce(request=request, user=user)
            return redirect(_safe_next(request))
    return render(request, "accounts/otp_verify.html", {"form": form})


@login_required
def password_change(request: AuthedRequest) -> HttpResponse:
    """The user changes their own password (also when it was set by someone else, or has expired)."""
    user = request.user
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(form, lambda: services.password_change(
            request=request, user=user, old_password=form.cleaned_data["old_password"],
            new_password=form.cleaned_data["new_password1"]))
        if done is not None:
            messages.success(request, _("Your password has been changed. Your API tokens were revoked and your "
                                        "other sessions ended."))
            return redirect(_safe_next(request))
    reason = ""
    if user.must_change_password:
        reason = _("Your password was set by someone else. Choose your own before going on.")
    elif identity.password_expired(user):
        reason = _("Your password is older than %(days)d days. Choose a new one before going on.") % {
            "days": settings.PASSWORD_MAX_AGE_DAYS}
    return render(request, "accounts/password_change.html", {"form": form, "reason": reason})


@login_required
def security(request: AuthedRequest) -> HttpResponse:
    """The user's own account: second factor, recovery codes left, password age and expiry, and its own contact
    details (name, e-mail, phone), which every role may keep current."""
    user = User.objects.get(pk=request.user.pk)  # the model row, not the request's lazy object: the form edits it
    details = OwnDetailsForm(request.POST or None, instance=user)
    if request.method == "POST" and details.is_valid():
        if save_edit(details, user, lambda fresh: services.own_details_update(
                actor=request.user, **{k: details.cleaned_data[k] for k in OwnDetailsForm.Meta.fields})) is not None:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:security")
    static = StaticDevice.objects.filter(user=user).first()
    expires = None
    if settings.PASSWORD_MAX_AGE_DAYS and user.password_changed_at:
        expires = user.password_changed_at + dt.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)
    return render(request, "accounts/security.html", {
        "has_totp": identity.has_totp(user), "required": identity.otp_required_for_role(user.role),
        "codes_left": static.token_set.count() if static else 0, "password_expires": expires, "details": details,
    })


@login_required
@require_POST
def recovery_codes(request: AuthedRequest) -> HttpResponse:
    """New recovery codes (shown once; the old ones stop working)."""
    try:
        codes = services.otp_recovery_codes_renew(user=request.user)
    except PermissionDenied:
        return redirect("accounts:otp_setup")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("accounts:security")})


@require_POST
def logout_view(request: AuthedRequest) -> HttpResponse:
    """Log out (POST only, so a link cannot log anyone out)."""
    if request.user.is_authenticated:
        services.logout_record(user=request.user, session_key=request.session.session_key)
    logout(request)
    return redirect("accounts:login")


def _admin_only(request: AuthedRequest, attempt: str = "user_admin") -> None:
    """User administration is the system administrator's; another role's attempt is audited, then a 404."""
    try:
        require_role_audited(request.user, USER_ADMINS, attempt=attempt, object_type="accounts.User")
    except PermissionDenied as exc:
        raise Http404 from exc


def _business_account(request: AuthedRequest, pk: int, attempt: str) -> User:
    """The business account ``pk`` of the admin's region, or a 404. An administrator's or auditor's account is
    never edited, reset or unlocked through the web app (only by the server's commands): the attempt is
    audited, then answered as if the account were not there."""
    _admin_only(request, attempt)
    target = get_visible_or_404(User.objects.all(), request.user, pk=pk)
    if target.role in SERVER_MANAGED:
        record_refusal(actor=request.user, attempt=attempt, obj=target)
        raise Http404
    return target


def _user_spec() -> ListSpec:
    return ListSpec(
        filters=[Filter("role", _("Role"), Role.choices), Filter("is_active", _("Active"),
                                                                  [("1", _("Yes")), ("0", _("No"))])],
        sorts={"username": ("username",), "last_login": ("last_login",)},
        default_sort="username",
        search=lambda qs, q: qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q)),
        columns=lambda r: [
            Column(_("User name"), lambda u: u.username),
            Column(_("Full name"), lambda u: u.display_name),
            Column(_("Role"), lambda u: u.get_role_display()),
            Column(_("Region"), lambda u: u.region_id),
            Column(_("Active"), lambda u: u.is_active),
            Column(_("Last log-in"), lambda u: u.last_login),
        ],
        export_name="users",
    )


@login_required
def user_list(request: AuthedRequest) -> HttpResponse:
    """The accounts of the admin's region."""
    _admin_only(request, "user_list")
    return run_list(request, User.objects.visible_to(request.user).select_related("region"), _user_spec(),
                    "accounts/user_list.html")


def _user_data(form: UserForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["enterprise"] = data.pop("enterprise_uscc", None)
    data.pop("parks", None)
    return data


@login_required
def user_create(request: AuthedRequest) -> HttpResponse:
    """Create a business account; its first password is shown once."""
    _admin_only(request, "user_create")
    form = UserForm(request.POST or None, actor=request.user, initial={"region": request.user.region_id})
    if request.method == "POST" and form.is_valid():
        result = call_service(form, lambda: services.user_create(
            actor=request.user, parks=form.cleaned_data["parks"], **_user_data(form)))
        if result is not None:
            user, password = result
            return render(request, "accounts/password_once.html", {"target": user, "password": password})
    return render(request, "accounts/form.html", {"form": form, "title": _("New user")})


@login_required
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change a business account's details, role or scope."""
    target = _business_account(request, pk, "user_update")
    form = UserForm(request.POST or None, instance=target, actor=request.user)
    if request.method == "POST" and form.is_valid():
        if save_edit(form, target, lambda fresh: services.user_update(
                actor=request.user, user=fresh, parks=form.cleaned_data["parks"], **_user_data(form))) is not None:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:users")
    return render(request, "accounts/form.html", {"form": form, "title": target.username, "target": target})


@login_required
@require_POST
def user_reset_password(request: AuthedRequest, pk: int) -> HttpResponse:
    """Issue a new random password for a business account (shown once), which also unlocks it."""
    target = _business_account(request, pk, "user_reset_password")
    try:
        password = services.user_reset_password(actor=request.user, user=target)
    except PermissionDenied as exc:
        raise Http404 from exc
    return render(request, "accounts/password_once.html", {"target": target, "password": password})


@login_required
def token_list(request: AuthedRequest) -> HttpResponse:
    """The user's own API tokens, and a form for a new one (shown once)."""
    form = TokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        _token, raw = services.token_create(actor=request.user, name=form.cleaned_data["name"],
                                            days=form.cleaned_data["days"])
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "accounts/tokens.html", {"form": form, "tokens": tokens, "raw": raw})


@login_required
@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    """Revoke one of the user's own tokens."""
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:tokens")
