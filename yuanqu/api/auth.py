"""API authentication: bearer tokens (for scripts) and the browser session (with CSRF).

The token table belongs to accounts, a floor above the API root: accounts registers the lookup here from
``AccountsConfig.ready()`` (:func:`register_token_lookup`), so this module imports no higher app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

_token_lookup: Callable[[str], Any] | None = None


def register_token_lookup(lookup: Callable[[str], Any]) -> None:
    """Set the function that maps a raw bearer token to its active user (or None)."""
    global _token_lookup
    _token_lookup = lookup


class TokenAuth(HttpBearer):
    """``Authorization: Bearer yq_…``; only the token's SHA-256 is stored."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if _token_lookup is None:
            raise ImproperlyConfigured("no API token lookup registered (accounts is not installed)")
        user = _token_lookup(token)
        if user is None:
            return None
        request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """The logged-in browser session; CSRF is enforced for unsafe methods."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None
