"""What a signed-in session still owes before it may use the app: a second factor, a new password.

The rules (issue 12, M6; 等保三级 身份鉴别):

- the roles in ``settings.OTP_REQUIRED_ROLES`` (region admin, auditor, region staff, leader) must verify a TOTP
  code, or a recovery code, in every session; one without a device enrols first. Any other user who has enrolled
  a device verifies it too;
- a password someone else chose (``must_change_password``) or one older than ``settings.PASSWORD_MAX_AGE_DAYS``
  is changed before anything else.

:class:`yuanqu.accounts.middleware.IdentityMiddleware` sends the session to the step it owes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

OTP_SETUP = "accounts:otp_setup"
OTP_VERIFY = "accounts:otp_verify"
PASSWORD_CHANGE = "accounts:password_change"


def otp_required_for_role(role: str) -> bool:
    """Whether the role must use a second factor (settings.OTP_REQUIRED_ROLES)."""
    return role in settings.OTP_REQUIRED_ROLES


def has_totp(user: Any) -> bool:
    """Whether the user has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def otp_owed(user: Any) -> bool:
    """Whether a log-in of ``user`` is complete only after a second factor."""
    return otp_required_for_role(user.role) or user_has_device(user)


def password_expired(user: Any, now: dt.datetime | None = None) -> bool:
    """Whether the password is older than ``PASSWORD_MAX_AGE_DAYS`` (never, when that is 0)."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days or user.password_changed_at is None:
        return False
    return user.password_changed_at + dt.timedelta(days=days) <= (now or timezone.now())


def password_change_due(user: Any) -> bool:
    """Whether the user must choose a new password before going on."""
    return bool(user.must_change_password) or password_expired(user)


def _identity_state(user: Any) -> tuple[Any, ...]:
    """What :func:`pending_step` depends on that a request can change: the second factor verified, the password."""
    verified = getattr(user, "is_verified", None)  # installed by OTPMiddleware
    return (verified is not None and bool(verified()), bool(user.must_change_password), user.password,
            user.password_changed_at)


def pending_step_for_request(request: Any) -> str | None:
    """:func:`pending_step` of the request's user, worked out once per request (IdentityMiddleware asks, then the
    menu's context processor; each asking cost the queries for the user's devices). Worked out again if the
    request itself verified a second factor or changed the password in between."""
    user = request.user
    if not user.is_authenticated:
        return None
    state = _identity_state(user)
    memo = getattr(request, "_yuanqu_identity_step", None)
    if memo is not None and memo[0] is user and memo[1] == state:
        return memo[2]  # type: ignore[no-any-return]
    step = pending_step(user)
    request._yuanqu_identity_step = (user, state, step)
    return step


def pending_step(user: Any) -> str | None:
    """The URL name of the step the signed-in ``user`` (as OTPMiddleware left it) owes, or None."""
    if not user.is_authenticated:
        return None
    verified = getattr(user, "is_verified", None)  # installed by OTPMiddleware
    if verified is None or not verified():
        if user_has_device(user):
            return OTP_VERIFY
        if otp_required_for_role(user.role):
            return OTP_SETUP
    if password_change_due(user):
        return PASSWORD_CHANGE
    return None
