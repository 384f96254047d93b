"""Writing the audit log. Services call :func:`record` inside their own transaction."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models.fields.files import FieldFile

from .models import AuditEvent
from .request_context import current_request_meta

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

#: Fields never copied into before/after snapshots.
SECRET_FIELDS = frozenset({"password", "token_hash"})


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):  # an uploaded file is recorded by its stored name
        return value.name
    if isinstance(value, list | tuple | set):
        return [_json_value(v) for v in value]
    return value


def snapshot(obj: models.Model, *, m2m: bool = True) -> dict[str, Any]:
    """The field values of ``obj`` as JSON, for an audit event's before/after."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in SECRET_FIELDS:
            continue
        data[field.attname] = _json_value(getattr(obj, field.attname))
    if m2m and obj.pk is not None:
        for field in obj._meta.many_to_many:
            data[field.name] = sorted(_json_value(v) for v in getattr(obj, field.name).values_list("pk", flat=True))
    return data


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, so update events stay short and readable."""
    before = before or {}
    after = after or {}
    keys = [k for k in after if before.get(k) != after.get(k)] + [k for k in before if k not in after]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


#: Where a row's region is found, for rows that do not carry it themselves.
REGION_PATHS = ("region_id", "park.region_id", "building.park.region_id", "settlement.park.region_id",
                "enterprise.region_id", "unit.building.park.region_id", "report.park.region_id")


def region_of(obj: models.Model) -> str:
    """The region an object belongs to, so the auditor of that region sees its events."""
    for path in REGION_PATHS:
        value: Any = obj
        for attr in path.split("."):
            value = getattr(value, attr, None)
            if value is None:
                break
        if value:
            return str(value)
    return ""


def record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    region_code: str = "",
    username: str = "",
) -> AuditEvent:
    """Append one audit event for ``actor`` doing ``action`` to ``obj``.

    Call it inside the transaction of the change, so the change and its record commit together.
    """
    meta = current_request_meta()
    if action == AuditEvent.Action.UPDATE:
        before, after = diff(before, after)
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        region_code = region_code or region_of(obj)
    event = AuditEvent(
        actor=actor if actor is not None and actor.pk else None,
        actor_username=(actor.username if actor is not None and actor.pk else username)[:150],
        role=getattr(actor, "role", "") or "",
        ip=meta.ip,
        user_agent=meta.user_agent,
        channel=meta.channel,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=before,
        after=after,
        region_code=region_code or (getattr(actor, "region_id", "") or ""),
    )
    event.save()
    return event
