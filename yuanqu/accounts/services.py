"""Every write to accounts: log-in, second factor, passwords and sessions, user administration, API tokens."""

from __future__ import annotations

import base64
import datetime as dt
import secrets
import string
from collections.abc import Iterable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import verify_token as otp_verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from yuanqu.core import audit
from yuanqu.core.models import AuditEvent, Region
from yuanqu.core.request_context import current_request_meta
from yuanqu.core.roles import GRANTABLE_BY_REGION_ADMIN, SERVER_MANAGED, Role
from yuanqu.core.scoping import region_contains, region_within
from yuanqu.core.services import UNSET, Unset, assign, save_created, save_updated
from yuanqu.enterprises.models import Enterprise
from yuanqu.enterprises.selectors import ENTERPRISE_NOT_FOUND
from yuanqu.parks.models import Park

from .lockout import LOCKED_MESSAGE, username_unlock
from .models import ApiToken, PasswordHistory, User, UserSession


def generate_password(length: int = 16) -> str:
    """A random password with all four character classes, for new accounts."""
    alphabet = string.ascii_letters + string.digits + "#%+=-_"
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(length))
        if (any(c.islower() for c in pw) and any(c.isupper() for c in pw)
                and any(c.isdigit() for c in pw) and any(c in "#%+=-_" for c in pw)):
            return pw


def login_attempt(*, request: HttpRequest, username: str, password: str) -> User:
    """Check credentials through django-axes (lock-out by user name + address and by address); every attempt
    is audited.

    Raises ValidationError with one message for an unknown user and a wrong password alike, and one lock-out
    message whether the user name exists or not. The error is raised only after the transaction commits, so a
    failure's count and audit event are kept rather than rolled back with the exception.
    """
    with transaction.atomic():
        result = _login_check(request=request, username=username, password=password)
    if isinstance(result, ValidationError):
        raise result
    return result


def _login_check(*, request: HttpRequest, username: str, password: str) -> User | ValidationError:
    """The user on success, else the error to raise once the failure has been counted and audited."""
    user = User.objects.filter(username=username).first()
    authenticated = authenticate(request, username=username, password=password)
    if authenticated is None:
        locked = bool(getattr(request, "axes_locked_out", False))
        audit.record(actor=None, username=username[:150], action=AuditEvent.Action.LOGIN_FAILED,
                     object_type="accounts.User", object_id=str(user.pk) if user else "", object_repr=username[:200],
                     after={"reason": "locked" if locked else "bad credentials"},
                     region_code=user.region_id if user else "")
        if locked:
            return ValidationError(str(LOCKED_MESSAGE), code="locked")
        return ValidationError(_("Wrong user name or password."), code="invalid_login")
    assert isinstance(authenticated, User)
    audit.record(actor=authenticated, action=AuditEvent.Action.LOGIN, obj=authenticated,
                 after={"factor": "password"})
    return authenticated


@transaction.atomic
def logout_record(*, user: User, session_key: str | None = None) -> None:
    """Audit a log-out and forget the session."""
    if session_key:
        UserSession.objects.filter(user=user, session_key=session_key).delete()
    audit.record(actor=user, action=AuditEvent.Action.LOGOUT, obj=user)


# --- sessions -------------------------------------------------------------------------------------------


def _session_store() -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_started(*, request: HttpRequest, user: User) -> None:
    """Remember that the request's (new) session is ``user``'s, so it can be ended from elsewhere."""
    key = request.session.session_key
    if not key:
        request.session.save()
        key = request.session.session_key
    meta = current_request_meta()
    UserSession.objects.update_or_create(session_key=key, defaults={
        "user": user, "created_at": timezone.now(), "ip": meta.ip, "user_agent": meta.user_agent})


def _end_sessions(*, actor: User | None, user: User, sessions: list[UserSession], reason: str) -> int:
    store = _session_store()
    for row in sessions:
        store(session_key=row.session_key).delete()
    UserSession.objects.filter(pk__in=[row.pk for row in sessions]).delete()
    if sessions:
        audit.record(actor=actor, action=AuditEvent.Action.LOGOUT, obj=user,
                     after={"reason": reason, "sessions_ended": len(sessions)})
    return len(sessions)


@transaction.atomic
def session_limit_enforce(*, request: HttpRequest, user: User) -> int:
    """End the user's oldest sessions beyond the role's limit (``settings.SESSION_LIMITS``): the newest log-in
    wins. Called once a log-in is complete (after the second factor), so a stolen password alone cannot end
    the owner's session. Returns how many sessions were ended; each ending is audited."""
    limit = settings.SESSION_LIMITS.get(user.role)
    if not limit:
        return 0
    others = list(UserSession.objects.filter(user=user).exclude(session_key=request.session.session_key)
                  .order_by("-created_at", "-id"))
    return _end_sessions(actor=user, user=user, sessions=others[limit - 1:], reason="session limit")


# --- passwords ------------------------------------------------------------------------------------------


def _password_set(*, user: User, password: str, by_other: bool) -> int:
    """Validate (rules and history), set, remember the hash and revoke the user's API tokens; returns how many
    tokens were revoked. ``user`` must hold the stored password still (the history check reads it)."""
    validate_password(password, user)
    user.set_password(password)
    user.must_change_password = by_other
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    PasswordHistory.objects.create(user=user, password=user.password,
                                   created_at=user.password_changed_at or timezone.now())
    keep = list(user.password_history.values_list("pk", flat=True)[:max(settings.PASSWORD_HISTORY, 1)])
    user.password_history.exclude(pk__in=keep).delete()
    return ApiToken.objects.filter(user=user, revoked=False).update(revoked=True)


@transaction.atomic
def password_change(*, request: HttpRequest, user: User, old_password: str, new_password: str) -> User:
    """The user changes their own password: the current one is asked for, the new one must pass the rules and
    differ from the last ``PASSWORD_HISTORY``; the user's API tokens are revoked and every other session ends
    (this one stays signed in)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(old_password):
        raise ValidationError({"old_password": [ValidationError(_("The current password is not correct."),
                                                                code="password_incorrect")]})
    try:
        revoked = _password_set(user=user, password=new_password, by_other=False)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.error_list}) from exc
    old_key = request.session.session_key
    update_session_auth_hash(request, user)  # keeps this session signed in, under a new key
    key = request.session.session_key
    if old_key and key:
        UserSession.objects.filter(user=user, session_key=old_key).update(session_key=key)
    others = list(UserSession.objects.filter(user=user).exclude(session_key=key))
    ended = _end_sessions(actor=user, user=user, sessions=others, reason="password changed")
    audit.record(actor=user, action=AuditEvent.Action.UPDATE, obj=user, before={"password": "***"},
                 after={"password": "changed", "tokens_revoked": revoked, "sessions_ended": ended})
    return user


def _end_all_sessions(*, actor: User | None, user: User, reason: str) -> int:
    return _end_sessions(actor=actor, user=user, sessions=list(UserSession.objects.filter(user=user)),
                         reason=reason)


# --- second factor (django-otp) -------------------------------------------------------------------------


def otp_device_for_setup(*, user: User) -> TOTPDevice:
    """The authenticator the user is enrolling: the unconfirmed one already shown, or a new random key.

    Bookkeeping of an enrolment in progress, not yet a change of the account: it is audited when confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=str(_("Authenticator app")), confirmed=False)
    return device


def _otp_code(raw: str) -> str:
    return "".join(ch for ch in raw if ch.isalnum()).lower()


#: How a stored recovery code begins: what django-otp keeps in ``StaticToken.token`` is ``RECOVERY_HASH_PREFIX``
#: and 15 characters of an HMAC-SHA256 of the code, never the code (django-otp 1.7 stores static tokens in the
#: clear; its issue #68 asks for hashing, not implemented). A plain code (base32, lower case) never has it.
RECOVERY_HASH_PREFIX = "$"
#: The HMAC's salt; the key is derived from SECRET_KEY (Django's salted_hmac), which lives outside the database.
RECOVERY_HASH_SALT = "yuanqu.accounts.recovery_code"


def recovery_code_hash(code: str) -> str:
    """What is stored for recovery code ``code``: a keyed hash that fits django-otp's 16-character column.

    90 bits of HMAC-SHA256 under a key the database does not hold: a copy of the database (a backup, an
    injection) yields no usable code, and the codes cannot be brute-forced from it without SECRET_KEY. Changing
    SECRET_KEY invalidates the codes (as it does sessions); users then get new ones from their security page.
    """
    digest = salted_hmac(RECOVERY_HASH_SALT, code.strip().lower(), algorithm="sha256").digest()
    return RECOVERY_HASH_PREFIX + base64.urlsafe_b64encode(digest).decode()[:15]


def recovery_codes_issue(*, user: User) -> list[str]:
    """Replace the user's recovery codes (django-otp static tokens) with ``OTP_RECOVERY_CODES`` new ones, shown
    once. Call inside the caller's transaction."""
    device, _created = StaticDevice.objects.get_or_create(user=user, defaults={"name": str(_("Recovery codes"))})
    device.token_set.all().delete()
    codes: list[str] = []
    while len(codes) < settings.OTP_RECOVERY_CODES:
        code = StaticToken.random_token()
        if not code.isdigit() and code not in codes:  # all digits would be taken for a code of the app
            codes.append(code)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=recovery_code_hash(code)) for code in codes])
    return codes


@transaction.atomic
def otp_confirm(*, request: HttpRequest, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm an enrolment with a code from the app: the device becomes the user's authenticator, the session
    is verified, and the recovery codes are issued (returned once)."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(_otp_code(code)):
        audit.record(actor=user, action=AuditEvent.Action.LOGIN_FAILED, obj=user,
                     after={"reason": "bad second factor", "step": "enrolment"})
        raise ValidationError({"code": [ValidationError(_("The code is not correct. Check the time on your "
                                                          "phone and enter the code now shown."),
                                                        code="otp_invalid")]})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = recovery_codes_issue(user=user)
    otp_login(request, device)
    audit.record(actor=user, action=AuditEvent.Action.UPDATE, obj=user, before={"second_factor": None},
                 after={"second_factor": "totp", "recovery_codes": len(codes)})
    audit.record(actor=user, action=AuditEvent.Action.LOGIN, obj=user, after={"factor": "totp"})
    return codes


@transaction.atomic
def otp_recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes for a user with an authenticator (the old ones stop working); audited."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise PermissionDenied("no authenticator")
    codes = recovery_codes_issue(user=user)
    audit.record(actor=user, action=AuditEvent.Action.UPDATE, obj=user, before={"recovery_codes": "***"},
                 after={"recovery_codes": "renewed"})
    return codes


def otp_verify(*, request: HttpRequest, user: User, code: str) -> Device:
    """Verify the session's second factor with a code of the app or a recovery code (used once).

    django-otp throttles each device after a wrong code (1 s, 2 s, 4 s …); a wrong code is audited. The error is
    raised after the failure's bookkeeping commits."""
    with transaction.atomic():
        result = _otp_check(request=request, user=user, code=_otp_code(code))
    if isinstance(result, ValidationError):
        raise result
    return result


def _otp_check(*, request: HttpRequest, user: User, code: str) -> Device | ValidationError:
    # A code of the app is digits only; a recovery code has letters (django-otp's static tokens are base32). Each
    # goes to its own kind of device, so a recovery code never counts as a wrong code of the app (its throttle).
    kind = TOTPDevice if code.isdigit() else StaticDevice
    devices: list[Device] = list(kind.objects.filter(user=user, confirmed=True))
    throttled = False
    for device in devices:
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            throttled = True
            continue
        # A recovery code is looked up by its hash (django-otp compares what it is given with the stored token).
        token = recovery_code_hash(code) if isinstance(device, StaticDevice) else code
        if code and otp_verify_token(user, device.persistent_id, token) is not None:
            otp_login(request, device)
            factor = "totp" if isinstance(device, TOTPDevice) else "recovery code"
            after: dict[str, Any] = {"factor": factor}
            if isinstance(device, StaticDevice):
                after["recovery_codes_left"] = device.token_set.count()
            audit.record(actor=user, action=AuditEvent.Action.LOGIN, obj=user, after=after)
            return device
    audit.record(actor=user, action=AuditEvent.Action.LOGIN_FAILED, obj=user,
                 after={"reason": "throttled" if throttled else "bad second factor"})
    if throttled:
        return ValidationError({"code": [ValidationError(_("Too many wrong codes. Wait a few seconds and try "
                                                           "again."), code="otp_throttled")]})
    return ValidationError({"code": [ValidationError(_("The code is not correct."), code="otp_invalid")]})


@transaction.atomic
def otp_reset_on_server(*, user: User) -> int:
    """Remove the user's authenticator and recovery codes (from the server's command line only); the user
    enrols again at the next log-in. Every session of the user ends. Returns how many devices were removed."""
    removed = sum(model.objects.filter(user=user).delete()[0] for model in (TOTPDevice, StaticDevice))
    _end_all_sessions(actor=None, user=user, reason="second factor reset")
    audit.record(actor=None, username="server", action=AuditEvent.Action.UPDATE, obj=user,
                 before={"second_factor": "***"}, after={"second_factor": "reset on the server"})
    return removed


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
                enterprise=enterprise, is_active=is_active, must_change_password=True)
    password = password or generate_password()
    validate_password(password, user)
    user.set_password(password)
    save_created(actor=actor, obj=user, m2m={"parks": parks if role == Role.PARK_OPERATOR else []})
    PasswordHistory.objects.create(user=user, password=user.password)
    return user, password


@transaction.atomic
def own_details_update(*, actor: User, display_name: str | Unset = UNSET, email: str | Unset = UNSET,
                       phone: str | Unset = UNSET) -> User:
    """A user's own contact details — name, e-mail, phone — which every account may keep current itself, the
    system administrator and the auditor too (their role, region and scope stay the server's or a region admin's
    to change). Validated and audited like any change."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("not signed in")
    user = User.objects.select_for_update().get(pk=actor.pk)
    before = audit.snapshot(user)
    assign(user, display_name=display_name, email=email, phone=phone)
    return save_updated(actor=actor, obj=user, before=before)


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
    """Give a user a new random password (shown once, to be changed at the next log-in) and unlock the account;
    the user's API tokens are revoked and every session of the user ends.

    Never an administrator's or auditor's account, whoever asks: those are reset on the server only
    (:func:`user_reset_on_server`), so no web role can take over another of the 三权分立 split.
    """
    if not User.objects.visible_to(actor).filter(pk=user.pk).exists() or user.pk == actor.pk:
        raise PermissionDenied("user outside scope")
    if user.role in SERVER_MANAGED:
        raise PermissionDenied("administrator and auditor accounts are reset on the server only")
    return user_password_issue(actor=actor, user=user)


@transaction.atomic
def user_password_issue(*, actor: User | None, user: User, password: str | None = None) -> str:
    """Set a password chosen by someone other than the user (a random one unless given), who must change it at
    the next log-in; the user name is unlocked, the API tokens revoked and every session of the user ended. No
    scope check: the web view checks it (:func:`user_reset_password`), a server command runs as the operator
    (``actor`` None)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    password = password or generate_password()
    revoked = _password_set(user=user, password=password, by_other=True)
    ended = _end_all_sessions(actor=actor, user=user, reason="password reset")
    username_unlock(user.username)
    audit.record(actor=actor, username="" if actor else "server", action=AuditEvent.Action.UPDATE, obj=user,
                 before={"password": "***"},
                 after={"password": "reset", "tokens_revoked": revoked, "sessions_ended": ended})
    return password


@transaction.atomic
def user_create_on_server(*, role: str, region: Region, username: str, password: str | None = None,
                          parks: Iterable[Park] = (), enterprise: Enterprise | None = None,
                          display_name: str = "", must_change_password: bool = True) -> tuple[User, str]:
    """Create any account from the server's command line (the only way to make admins and auditors).

    The password is chosen by whoever runs the command, so the user changes it at the first log-in, unless
    ``must_change_password`` is False (the demo, whose runner is also its user)."""
    user = User(username=username, role=role, region=region, enterprise=enterprise, display_name=display_name,
                must_change_password=must_change_password)
    password = password or generate_password()
    validate_password(password, user)
    user.set_password(password)
    save_created(actor=None, obj=user, m2m={"parks": list(parks)})
    PasswordHistory.objects.create(user=user, password=user.password)
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
    # Changed at the next log-in, the user name unlocked, tokens revoked, sessions ended; audited as the server.
    return user_password_issue(actor=None, user=user, password=password)


@transaction.atomic
def user_unlock_on_server(*, username: str) -> User:
    """Lift a lock-out from the server's command line, keeping the password (``yuanqu unlock``); audited."""
    user = _on_server(username)
    username_unlock(user.username)
    audit.record(actor=None, username="(server)", action=AuditEvent.Action.UPDATE, obj=user,
                 after={"unlocked": "on the server"})
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
