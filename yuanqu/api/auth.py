"""API authentication: bearer tokens (for scripts) and the browser session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from yuanqu.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    """``Authorization: Bearer yq_…``; only the token's SHA-256 is stored."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = (ApiToken.objects.select_related("user")
               .filter(token_hash=ApiToken.hash(token), revoked=False).first())
        if row is None or not row.user.is_active:
            return None
        if row.expires_at is not None and row.expires_at <= timezone.now():
            return None
        # Bookkeeping, not a business write: no audit event for every call.
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


class ActiveSessionAuth(SessionAuth):
    """The logged-in browser session; CSRF is enforced for unsafe methods."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None
