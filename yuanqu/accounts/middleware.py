"""Keeps a signed-in session on the step it owes (second factor, new password) until it is done."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode

from .identity import pending_step_for_request

#: Pages a session may open whatever it owes: leaving, and the language switch.
ALWAYS_OPEN = frozenset({"accounts:login", "accounts:logout", "set_language", "healthz"})


class IdentityMiddleware:
    """After AuthenticationMiddleware and django-otp's OTPMiddleware: a session that owes a step reaches that
    step's page only; every other page redirects there, and the API does not take the session at all (a bearer
    token is not a session and is unaffected)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        step = pending_step_for_request(request)
        if step is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            request.user = AnonymousUser()
            return self.get_response(request)
        try:
            name = resolve(request.path_info).view_name
        except Resolver404:
            name = ""
        if name == step or name in ALWAYS_OPEN:
            return self.get_response(request)
        url = reverse(step)
        if request.method == "GET" and request.path != "/":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
