"""What the accounts app gives the REST API: the user behind a bearer token (handed to
:mod:`yuanqu.api.auth` from :class:`yuanqu.accounts.apps.AccountsConfig`)."""

from __future__ import annotations

from django.utils import timezone

from .models import ApiToken, User


def token_user(token: str) -> User | None:
    """The active user of an unrevoked, unexpired token; only the token's SHA-256 is stored."""
    row = ApiToken.objects.select_related("user").filter(token_hash=ApiToken.hash(token), revoked=False).first()
    if row is None or not row.user.is_active:
        return None
    if row.expires_at is not None and row.expires_at <= timezone.now():
        return None
    # Bookkeeping, not a business write: no audit event for every call.
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user
