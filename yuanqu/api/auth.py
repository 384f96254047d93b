"""API authentication: bearer tokens (for scripts) and the browser session (with CSRF).

The tokens belong to the accounts app (a floor above this one), which hands its lookup to
:func:`set_token_lookup` from its ``AppConfig.ready``; until then no bearer token is accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

_token_lookup: Callable[[str], Any] | None = None


def set_token_lookup(lookup: Callable[[str], Any]) -> None:
    """Use ``lookup`` (raw token → its active user, or None) to authenticate bearer tokens."""
    global _token_lookup
    _token_lookup = lookup


class TokenAuth(HttpBearer):
    """``Authorization: Bearer yq_…``; the lookup compares the token's SHA-256 with the stored ones."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = _token_lookup(token) if _token_lookup is not None else None
        if user is None:
            return None
        request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """The logged-in browser session; CSRF is enforced for unsafe methods."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None
