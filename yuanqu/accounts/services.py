"""Every write to accounts: log-in bookkeeping, user administration, API tokens."""

from __future__ import annotations

import datetime as dt
import secrets
import string
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from yuanqu.core import audit
from yuanqu.core.models import AuditEvent, Region
from yuanqu.core.roles import GRANTABLE_BY_REGION_ADMIN, SERVER_MANAGED, Role
from yuanqu.core.scoping import region_contains, region_within
from yuanqu.core.services import UNSET, Unset, assign, save_created, save_updated
from yuanqu.enterprises.models import Enterprise
from yuanqu.enterprises.selectors import ENTERPRISE_NOT_FOUND
from yuanqu.parks.models import Park

from .models import ApiToken, User


def generate_password(length: int = 16) -> str:
    """A random password with all four character classes, for new accounts."""
    alphabet = string.ascii_letters + string.digits + "#%+=-_"
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(length))
        if (any(c.islower() for c in pw) and any(c.isupper() for c in pw)
                and any(c.isdigit() for c in pw) and any(c in "#%+=-_" for c in pw)):
            return pw


def login_attempt(*, request: HttpRequest | None, username: str, password: str) -> User:
    """Check credentials, with lock-out after repeated failures; every attempt is audited.

    Raises ValidationError with one message for an unknown user and a wrong password alike.
    The error is raised only after the transaction commits, so a failure's count and audit
    event are kept rather than rolled back with the exception.
    """
    with transaction.atomic():
        result = _login_check(request=request, username=username, password=password)
    if isinstance(result, ValidationError):
        raise result
    return result


def _login_check(*, request: HttpRequest | None, username: str, password: str) -> User | ValidationError:
    """The user on success, else the error to raise once the failure has been counted and audited."""
    user = User.objects.select_for_update().filter(username=username).first()
    if user is not None and user.is_locked:
        audit.record(actor=None, username=username, action=AuditEvent.Action.LOGIN_FAILED,
                     object_type="accounts.User", object_id=str(user.pk), object_repr=username,
                     after={"reason": "locked"}, region_code=user.region_id)
        return ValidationError(_("The account is locked after repeated failed log-ins. Try again later."),
                               code="locked")
    authenticated = authenticate(request, username=username, password=password)
    if authenticated is None:
        if user is not None:
            user.failed_logins += 1
            fields = ["failed_logins"]
            if user.failed_logins >= settings.LOGIN_MAX_FAILURES:
                user.locked_until = timezone.now() + dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
                user.failed_logins = 0
                fields.append("locked_until")
            user.save(update_fields=fields)
        audit.record(actor=None, username=username[:150], action=AuditEvent.Action.LOGIN_FAILED,
                     object_type="accounts.User", object_id=str(user.pk) if user else "", object_repr=username[:200],
                     after={"reason": "bad credentials"}, region_code=user.region_id if user else "")
        return ValidationError(_("Wrong user name or password."), code="invalid_login")
    assert isinstance(authenticated, User)
    if authenticated.failed_logins or authenticated.locked_until:
        authenticated.failed_logins = 0
        authenticated.locked_until = None
        authenticated.save(update_fields=["failed_logins", "locked_until"])
    audit.record(actor=authenticated, action=AuditEvent.Action.LOGIN, obj=authenticated)
    return authenticated


@transaction.atomic
def logout_record(*, user: User) -> None:
    """Audit a log-out."""
    audit.record(actor=user, action=AuditEvent.Action.LOGOUT, obj=user)


def _check_grant(
    *, actor: User, target: User | None, role: str, region: Region, parks: Iterable[Park],
    enterprise: Enterprise | None,
) -> None:
    if actor.role != Role.REGION_ADMIN:
        raise PermissionDenied("only a region admin manages users")
    if target is not None and target.pk == actor.pk:
        raise ValidationError(_("Nobody can change their own role or scope."), code="self_grant")
    if target is not None and target.role not in GRANTABLE_BY_REGION_ADMIN:
        raise ValidationError(_("Administrator and auditor accounts are managed on the server only."),
                              code="protected_account")
    if role not in GRANTABLE_BY_REGION_ADMIN:
        raise ValidationError({"role": [ValidationError(
            _("A system administrator may grant only business roles; administrator and auditor "
              "accounts are created on the server."), code="role_not_grantable")]})
    if not region_within(region.code, actor):
        raise ValidationError({"region": [ValidationError(_("The region is outside your own."), code="region")]})
    for park in parks:
        if not region_contains(region.code, park.region_id):
            raise ValidationError({"parks": [ValidationError(
                _("%(park)s is outside the user's region.") % {"park": park.name}, code="park_region")]})
    if role == Role.PARK_OPERATOR and not list(parks):
        raise ValidationError({"parks": [ValidationError(_("A park operator needs at least one park."),
                                                         code="required")]})
    if role == Role.ENTERPRISE_USER and enterprise is None:
        raise ValidationError({"enterprise": [ValidationError(_("An enterprise user needs an enterprise."),
                                                              code="required")]})
    # An enterprise's accounts are issued by the region it is registered in, not by every region it once
    # settled in (issue 12 M5); the same words as an unknown code, so nothing is learnt about it.
    if role == Role.ENTERPRISE_USER and enterprise is not None and not region_within(enterprise.region_id, actor):
        raise ValidationError({"enterprise": [ValidationError(ENTERPRISE_NOT_FOUND, code="not_found")]})


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str = "",
    region: Region,
    role: str = "",
    display_name: str = "",
    email: str = "",
    phone: str = "",
    enterprise: Enterprise | None = None,
    is_active: bool = True,
    password: str | None = None,
    parks: Iterable[Park] = (),
) -> tuple[User, str]:
    """Create a business user in the actor's region; returns the user and its first password."""
    parks = list(parks)
    if role != Role.ENTERPRISE_USER:
        enterprise = None
    _check_grant(actor=actor, target=None, role=role, region=region, parks=parks, enterprise=enterprise)
    user = User(username=username, display_name=display_name, email=email, phone=phone, role=role, region=region,
                enterprise=enterprise, is_active=is_active)
    password = password or generate_password()
    validate_password(password, user)
    user.set_password(password)
    save_created(actor=actor, obj=user, m2m={"parks": parks if role == Role.PARK_OPERATOR else []})
    return user, password


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    username: str | Unset = UNSET,
    display_name: str | Unset = UNSET,
    email: str | Unset = UNSET,
    phone: str | Unset = UNSET,
    role: str | Unset = UNSET,
    region: Region | Unset = UNSET,
    enterprise: Enterprise | None | Unset = UNSET,
    is_active: bool | Unset = UNSET,
    parks: Iterable[Park] | None = None,
) -> User:
    """Change a user's details, role or scope, within what the actor may grant; only the fields given change."""
    if not User.objects.visible_to(actor).filter(pk=user.pk).exists():
        raise PermissionDenied("user outside scope")
    new_role = user.role if role is UNSET else role
    park_list = list(parks) if parks is not None else list(user.parks.all())
    if new_role != Role.ENTERPRISE_USER:
        enterprise = None
    _check_grant(actor=actor, target=user, role=new_role, region=user.region if region is UNSET else region,
                 parks=park_list, enterprise=user.enterprise if enterprise is UNSET else enterprise)
    before = audit.snapshot(user)
    assign(user, username=username, display_name=display_name, email=email, phone=phone, role=role, region=region,
           enterprise=enterprise, is_active=is_active)
    return save_updated(actor=actor, obj=user, before=before,
                        m2m={"parks": park_list if new_role == Role.PARK_OPERATOR else []})


@transaction.atomic
def user_reset_password(*, actor: User, user: User) -> str:
    """Give a business user a new random password (shown once) and unlock the account.

    Never an administrator's or auditor's account, whoever asks: those are reset on the server only
    (:func:`user_reset_on_server`), so no web role can take over another of the 三权分立 split.
    """
    if not User.objects.visible_to(actor).filter(pk=user.pk).exists() or user.pk == actor.pk:
        raise PermissionDenied("user outside scope")
    if user.role in SERVER_MANAGED:
        raise PermissionDenied("administrator and auditor accounts are reset on the server only")
    password = generate_password()
    user.set_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.save(update_fields=["password", "failed_logins", "locked_until"])
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=user, before={"password": "***"},
                 after={"password": "reset"})
    return password


@transaction.atomic
def user_create_on_server(*, role: str, region: Region, username: str, password: str | None = None,
                          parks: Iterable[Park] = (), enterprise: Enterprise | None = None,
                          display_name: str = "") -> tuple[User, str]:
    """Create any account from the server's command line (the only way to make admins and auditors)."""
    user = User(username=username, role=role, region=region, enterprise=enterprise, display_name=display_name)
    password = password or generate_password()
    validate_password(password, user)
    user.set_password(password)
    save_created(actor=None, obj=user, m2m={"parks": list(parks)})
    return user, password


def _on_server(username: str) -> User:
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None:
        raise ValidationError(_("No account has this user name."), code="not_found")
    return user


@transaction.atomic
def user_reset_on_server(*, username: str, password: str | None = None) -> str:
    """Reset any account's password from the server's command line, and unlock it; returns the new password.

    The only way to reset an administrator's or auditor's password (``yuanqu resetpassword``). Audited with no
    actor (the server), in the account's region, so the region's auditor reads it.
    """
    user = _on_server(username)
    password = password or generate_password()
    validate_password(password, user)
    user.set_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.save(update_fields=["password", "failed_logins", "locked_until"])
    audit.record(actor=None, username="(server)", action=AuditEvent.Action.UPDATE, obj=user,
                 before={"password": "***"}, after={"password": "reset on the server"})
    return password


@transaction.atomic
def user_unlock_on_server(*, username: str) -> User:
    """Lift a lock-out from the server's command line, keeping the password (``yuanqu unlock``); audited."""
    user = _on_server(username)
    before = {"locked_until": user.locked_until.isoformat() if user.locked_until else None,
              "failed_logins": user.failed_logins}
    user.failed_logins = 0
    user.locked_until = None
    user.save(update_fields=["failed_logins", "locked_until"])
    audit.record(actor=None, username="(server)", action=AuditEvent.Action.UPDATE, obj=user, before=before,
                 after={"locked_until": None, "failed_logins": 0})
    return user


@transaction.atomic
def token_create(*, actor: User, name: str, days: int | None = 90) -> tuple[ApiToken, str]:
    """Issue an API token for the actor; the raw token is returned once and never stored."""
    raw = "yq_" + secrets.token_urlsafe(32)
    token = ApiToken(user=actor, name=name, prefix=raw[3:11], token_hash=ApiToken.hash(raw),
                     expires_at=timezone.now() + dt.timedelta(days=days) if days else None)
    save_created(actor=actor, obj=token)
    return token, raw


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> None:
    """Revoke one of the actor's own API tokens."""
    if token.user_id != actor.pk:
        raise PermissionDenied("not your token")
    before = audit.snapshot(token)
    token.revoked = True
    save_updated(actor=actor, obj=token, before=before)
