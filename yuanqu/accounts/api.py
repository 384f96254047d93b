"""What the accounts app gives the REST API: the user behind a bearer token (handed to
:mod:`yuanqu.api.auth` from :class:`yuanqu.accounts.apps.AccountsConfig`)."""

from __future__ import annotations

from django.utils import timezone

from .models import ApiToken, User


def token_user(token: str) -> User | None:
    """The active user of an unrevoked, unexpired token issued since the user's last password change; only the
    token's SHA-256 is stored."""
    row = ApiToken.objects.select_related("user").filter(token_hash=ApiToken.hash(token), revoked=False).first()
    if row is None or not row.user.is_active:
        return None
    if row.expires_at is not None and row.expires_at <= timezone.now():
        return None
    # A token issued before the password last changed is dead, whichever way the password changed (the services
    # also mark such tokens revoked; a server-side ``changepassword`` does not).
    changed = row.user.password_changed_at
    if changed is not None and row.created_at < changed:
        return None
    # Bookkeeping, not a business write: no audit event for every call.
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user
