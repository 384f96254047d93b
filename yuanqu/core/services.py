"""Helpers every app's services share: role checks, the UNSET default of updates, audited create/update/delete."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final, Literal, NoReturn, TypeVar

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models, transaction
from django.http import Http404

from . import audit
from .models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from yuanqu.accounts.models import User

M = TypeVar("M", bound=models.Model)


class _Unset(enum.Enum):
    """The type of :data:`UNSET`: one member, so ``x is UNSET`` narrows the type of ``x``."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


#: The default of an update service's field parameters: "not given, leave the field as it is".
#: ``None`` cannot play this part, since setting a nullable field to None is a real change.
UNSET: Final = _Unset.UNSET
#: The annotation of a parameter that may be left UNSET: ``name: str | Unset = UNSET``.
Unset = Literal[_Unset.UNSET]


def require_role(actor: User | AnonymousUser | None, roles: Iterable[str]) -> None:
    """Refuse the write unless ``actor`` holds one of ``roles``."""
    if not getattr(actor, "is_authenticated", False) or getattr(actor, "role", None) not in set(roles):
        raise PermissionDenied("role not allowed")


def record_refusal(
    *, actor: User, attempt: str, action: str = AuditEvent.Action.UPDATE, obj: models.Model | None = None,
    object_type: str = "", object_id: str = "", object_repr: str = "",
) -> None:
    """Audit an attempt to act beyond one's role (三权分立, 等保三级): who tried ``attempt`` on which object.

    Written in a transaction of its own and before the refusal is raised, so the record stays while the refused
    write does not happen: call it where the role is checked, outside the refused service's transaction. The
    event carries the attempted ``action`` and ``after = {"refused": attempt}`` (the audit model's actions are
    kept as they are).
    """
    with transaction.atomic():
        audit.record(actor=actor, action=action, obj=obj, object_type=object_type, object_id=object_id,
                     object_repr=object_repr, after={"refused": attempt})


class RoleRefused(Http404):
    """A page or endpoint the user's role may not use: answered 404 (nothing is confirmed to exist), and audited
    as a refused attempt by ``RefusalAuditMiddleware`` (or the API's handler)."""


def require_page_role(user: Any, *roles: str | Iterable[str]) -> None:
    """The one role check of a page or an endpoint: refuse (:class:`RoleRefused`, a 404 audited as a refused
    attempt) unless ``user`` holds one of ``roles``, given as role codes or collections of them.

    ``require_page_role(request.user, Role.REGION_STAFF)``, ``require_page_role(request.user, LIST_ROLES)``.
    Services check with :func:`require_role` (a ``PermissionDenied`` inside a write).
    """
    allowed: set[str] = set()
    for r in roles:
        allowed.update((r,) if isinstance(r, str) else r)
    if getattr(user, "role", None) not in allowed:
        raise RoleRefused


def refuse_page() -> NoReturn:
    """Refuse a page whose role check passed but whose service said no (a ``PermissionDenied`` from a write): the
    same audited 404 as :func:`require_page_role`."""
    raise RoleRefused


class AuditedRefusal(PermissionDenied):
    """A refusal already audited where it was decided (:func:`require_role_audited`): not audited twice."""


def audit_refused_request(request: Any, exc: Exception) -> None:
    """Audit a request refused for its role (等保三级: every refused attempt to exceed a role is recorded):
    the method and path tried, by whom. Called outside the view's transaction, so the record stays."""
    user = getattr(request, "user", None)
    if isinstance(exc, AuditedRefusal) or not getattr(user, "is_authenticated", False):
        return
    if not isinstance(exc, RoleRefused | PermissionDenied):
        return
    record_refusal(actor=user,  # type: ignore[arg-type]  # authenticated: a User
                   attempt=f"{request.method} {request.path}"[:300], object_type="url")


def require_role_audited(actor: User, roles: Iterable[str], *, attempt: str, obj: models.Model | None = None,
                         object_type: str = "") -> None:
    """:func:`require_role` for a role boundary of the 三权分立 split: a refusal is audited first."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("role not allowed")
    if actor.role not in set(roles):
        record_refusal(actor=actor, attempt=attempt, obj=obj, object_type=object_type)
        raise AuditedRefusal("role not allowed")


def require_editable(queryset: Any, actor: User, obj: models.Model) -> None:
    """Refuse the write unless ``obj`` is among the rows ``actor`` may change (``editable_by``)."""
    if not queryset.editable_by(actor).filter(pk=obj.pk).exists():
        raise PermissionDenied(f"{obj._meta.label} not editable")


def assign(obj: models.Model, **values: Any) -> None:
    """Set the given fields of ``obj``; values left :data:`UNSET` are skipped.

    The services spell out their fields as typed keyword parameters and pass them on here, so this
    helper refuses a name that is not a field of the model (a TypeError, as a misspelt keyword is)
    rather than setting a stray attribute that would never be saved.
    """
    for name, value in values.items():
        if value is UNSET:
            continue
        try:
            obj._meta.get_field(name)
        except FieldDoesNotExist:
            raise TypeError(f"{obj._meta.label} has no field {name!r}") from None
        setattr(obj, name, value)


def save_created(*, actor: User | None, obj: M, m2m: dict[str, Iterable[Any]] | None = None) -> M:
    """Validate, insert and audit a new row (call inside the service's transaction)."""
    obj.full_clean()
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, obj=obj, after=audit.snapshot(obj))
    return obj


def save_updated(
    *, actor: User | None, obj: M, before: dict[str, Any], m2m: dict[str, Iterable[Any]] | None = None
) -> M:
    """Validate, update and audit a changed row; ``before`` is its snapshot from before the change.

    A change that changes nothing (an empty PATCH, a form saved as it was) writes nothing: no save, no
    ``updated_at``, no audit event.
    """
    obj.full_clean()
    if _unchanged(obj, m2m):
        return obj
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    # Re-read what was stored (e.g. 350.5 comes back as 350.50) so the diff shows real changes only.
    obj.refresh_from_db()
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=obj, before=before, after=audit.snapshot(obj))
    return obj


def _unchanged(obj: models.Model, m2m: dict[str, Iterable[Any]] | None) -> bool:
    """Whether ``obj`` (validated) and ``m2m`` hold exactly what is stored (compared by value, not by the audit
    snapshot, which may mask personal data)."""
    fields = [f for f in obj._meta.concrete_fields if f.attname != "updated_at"]
    stored = type(obj)._base_manager.filter(pk=obj.pk).values(*(f.attname for f in fields)).first()
    if stored is None or any(stored[f.attname] != getattr(obj, f.attname) for f in fields):
        return False
    for name, values in (m2m or {}).items():
        wanted = {getattr(v, "pk", v) for v in values}
        if wanted != set(getattr(obj, name).values_list("pk", flat=True)):
            return False
    return True


def delete_audited(*, actor: User, obj: models.Model) -> None:
    """Delete and audit a row, keeping its last values in the event."""
    before = audit.snapshot(obj)
    audit.record(actor=actor, action=AuditEvent.Action.DELETE, obj=obj, before=before)
    obj.delete()
