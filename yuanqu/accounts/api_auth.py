"""The API's bearer tokens, checked against the accounts' token table; registered with ``yuanqu.api.auth``."""

from __future__ import annotations

from django.utils import timezone

from .models import ApiToken, User


def user_for_token(raw: str) -> User | None:
    """The active user a bearer token ``yq_…`` belongs to, or None if it is unknown, revoked or expired.

    Only the token's SHA-256 is stored. Marking the token used is bookkeeping, not a business write: no audit
    event for every call.
    """
    row = (ApiToken.objects.select_related("user")
           .filter(token_hash=ApiToken.hash(raw), revoked=False).first())
    if row is None or not row.user.is_active:
        return None
    if row.expires_at is not None and row.expires_at <= timezone.now():
        return None
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user
