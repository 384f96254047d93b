"""Helpers every app's services share: role checks and audited create/update/delete."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models

from . import audit
from .models import AuditEvent

M = TypeVar("M", bound=models.Model)


def require_role(actor: Any, roles: Iterable[str]) -> None:
    """Refuse the write unless ``actor`` holds one of ``roles``."""
    if not getattr(actor, "is_authenticated", False) or actor.role not in set(roles):
        raise PermissionDenied("role not allowed")


def require_editable(queryset: Any, actor: Any, obj: models.Model) -> None:
    """Refuse the write unless ``obj`` is among the rows ``actor`` may change (``editable_by``)."""
    if not queryset.editable_by(actor).filter(pk=obj.pk).exists():
        raise PermissionDenied(f"{obj._meta.label} not editable")


def apply_changes(obj: M, data: dict[str, Any], fields: Iterable[str]) -> None:
    """Copy the keys of ``data`` that are in ``fields`` onto ``obj``."""
    allowed = set(fields)
    for key, value in data.items():
        if key in allowed:
            setattr(obj, key, value)


def save_created(*, actor: Any, obj: M, m2m: dict[str, Iterable[Any]] | None = None) -> M:
    """Validate, insert and audit a new row (call inside the service's transaction)."""
    obj.full_clean()
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, obj=obj, after=audit.snapshot(obj))
    return obj


def save_updated(
    *, actor: Any, obj: M, before: dict[str, Any], m2m: dict[str, Iterable[Any]] | None = None
) -> M:
    """Validate, update and audit a changed row; ``before`` is its snapshot from before the change."""
    obj.full_clean()
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    # Re-read what was stored (e.g. 350.5 comes back as 350.50) so the diff shows real changes only.
    obj.refresh_from_db()
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=obj, before=before, after=audit.snapshot(obj))
    return obj


def delete_audited(*, actor: Any, obj: models.Model) -> None:
    """Delete and audit a row, keeping its last values in the event."""
    before = audit.snapshot(obj)
    audit.record(actor=actor, action=AuditEvent.Action.DELETE, obj=obj, before=before)
    obj.delete()
