"""Writing the audit log. Services call :func:`record` inside their own transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import ipaddress
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.db.models.fields.files import FieldFile

from . import audit_chain
from .models import AuditEvent
from .request_context import current_request_meta
from .text import mask_email, mask_phone

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

#: Fields never copied into before/after snapshots.
SECRET_FIELDS = frozenset({"password", "token_hash"})


#: Keys of before/after values that hold personal data, stored masked (个人信息保护).
PHONE_KEYS = frozenset({"phone", "mobile", "telephone", "tel", "contact_phone", "fax"})
EMAIL_KEYS = frozenset({"email", "contact_email", "e_mail"})
ID_KEYS = frozenset({"id_number", "id_card", "id_card_number", "identity_number", "passport_number"})
#: Personal data recognised by its shape wherever it appears in a value (a free-text note, a search term).
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_ID_RE = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01])\d{3}[\dXx]"
                    r"(?![0-9A-Za-z])")
_NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?")
#: Keys whose values are codes, never personal data (a USCC can look like an ID number).
CODE_KEYS = frozenset({"uscc", "code", "credit_code", "region_code", "industry_code"})
_MOBILE_RE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9]\d{9}(?![0-9A-Za-z])")


def mask_id_number(value: str) -> str:
    """``110101199003071234`` → ``110***********1234``: the first 3 and last 4 characters kept."""
    value = value.strip()
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


def mask_text(text: str) -> str:
    """``text`` with every e-mail address, resident ID number and mobile number in it masked.

    A value that is a number as a whole (an amount in 元 written as a string) is left alone.
    """
    if _NUMBER_RE.fullmatch(text):
        return text
    text = _EMAIL_RE.sub(lambda m: mask_email(m.group()), text)
    text = _ID_RE.sub(lambda m: mask_id_number(m.group()), text)
    return _MOBILE_RE.sub(lambda m: mask_phone(m.group()), text)


def mask_personal(value: Any, key: str = "") -> Any:
    """A before/after value with personal data masked: by its key (phone, email, id_number …) and by its shape."""
    if isinstance(value, dict):
        return {k: mask_personal(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_personal(v, key) for v in value]
    if not isinstance(value, str) or not value:
        return value
    name = key.lower()
    if name in CODE_KEYS or name.endswith("_id"):
        return value
    if name in PHONE_KEYS:
        return mask_phone(value)
    if name in EMAIL_KEYS:
        return mask_email(value)
    if name in ID_KEYS:
        return mask_id_number(value)
    return mask_text(value)


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
    Personal data in ``before``/``after`` and in the object's label are stored masked. The event is
    linked into the hash chain under the chain's writer lock, held until the transaction ends.
    """
    meta = current_request_meta()
    if action == AuditEvent.Action.UPDATE:
        before, after = diff(before, after)
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        region_code = region_code or region_of(obj)
    _collect(action, object_type, str(object_id), before, after)
    event = AuditEvent(
        actor=actor if actor is not None and actor.pk else None,
        actor_username=(actor.username if actor is not None and actor.pk else username)[:150],
        role=getattr(actor, "role", "") or "",
        ip=_ip(meta.ip),
        user_agent=(meta.user_agent or "")[:300],
        channel=(meta.channel or "")[:10],
        action=action,
        object_type=object_type[:60],
        object_id=str(object_id)[:64],
        object_repr=mask_text(object_repr[:200]),
        # Stored as they will read back (JSON round trip), so the hash computed now verifies later.
        before=_normalised(mask_personal(before)),
        after=_normalised(mask_personal(after)),
        region_code=(region_code or (getattr(actor, "region_id", "") or ""))[:6],
    )
    # No savepoint of its own inside the caller's transaction: the chain's lock is held from here to the commit,
    # and every round trip saved in between is time every other writer waits (issue 13, bench/load).
    with transaction.atomic(savepoint=False):
        event.prev_hash = audit_chain.lock_head()
        event.hash = audit_chain.event_hash(audit_chain.values_of(event), event.prev_hash)
        event.save()
    return event


class Written:
    """What the writes inside :func:`collecting` did: rows created and rows updated, with their raw before/after.

    An import batch keeps this so it can be reverted (``tabular.services.batch_revert``). ``created`` keeps the
    order of first creation per model, so a revert deletes children before the parents they point at.
    """

    def __init__(self) -> None:
        self.created: dict[str, list[Any]] = {}
        self.updated: dict[str, dict[str, list[dict[str, Any]]]] = {}

    def add_created(self, label: str, pks: list[Any]) -> None:
        self.created.setdefault(label, []).extend(pks)

    def add_updated(self, label: str, pk: Any, before: dict[str, Any], after: dict[str, Any]) -> None:
        """Note an update; the first before and the last after of an object are what count."""
        if str(pk) in {str(p) for p in self.created.get(label, ())}:
            return  # created in the same run: deleting it undoes its updates too
        known = self.updated.setdefault(label, {}).get(str(pk))
        if known is None:
            self.updated[label][str(pk)] = [dict(before), dict(after)]
            return
        first, last = known
        for key, value in before.items():
            first.setdefault(key, value)
        last.update(after)

    def as_json(self) -> dict[str, Any]:
        """A JSON-safe form (a list of pairs keeps the order, which PostgreSQL's jsonb would not for keys)."""
        updated = {}
        for label, objects in self.updated.items():
            rows = {}
            for pk, (before, after) in objects.items():
                b, a = diff(_normalised(before), _normalised(after))
                if b or a:
                    rows[pk] = [b, a]
            if rows:
                updated[label] = rows
        return {"created": [[label, pks] for label, pks in self.created.items() if pks], "updated": updated}


_collector: ContextVar[Written | None] = ContextVar("audit_collector", default=None)


@contextmanager
def collecting() -> Iterator[Written]:
    """Note every create and update :func:`record` writes inside the block (and what a fast path reports with
    :func:`note_created`), unmasked, for an import batch to keep for its revert."""
    written = Written()
    token = _collector.set(written)
    try:
        yield written
    finally:
        _collector.reset(token)


def note_created(label: str, pks: list[Any]) -> None:
    """A fast path that writes rows without an event each reports the rows it created (if anyone collects)."""
    written = _collector.get()
    if written is not None:
        written.add_created(label, list(pks))


def note_updated(label: str, pk: Any, before: dict[str, Any], after: dict[str, Any]) -> None:
    """A fast path reports a row it updated: the stored values of the fields it changed, before and after."""
    written = _collector.get()
    if written is not None:
        written.add_updated(label, pk, {k: _json_value(v) for k, v in before.items()},
                            {k: _json_value(v) for k, v in after.items()})


def _collect(action: str, object_type: str, object_id: str, before: dict[str, Any] | None,
             after: dict[str, Any] | None) -> None:
    written = _collector.get()
    if written is None or not object_type or not object_id:
        return
    if action == AuditEvent.Action.CREATE:
        written.add_created(object_type, [object_id])
    elif action in (AuditEvent.Action.UPDATE, AuditEvent.Action.STAGE) and (before or after):
        written.add_updated(object_type, object_id, before or {}, after or {})


def _ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return ipaddress.ip_address(value).compressed
    except ValueError:
        return None


def _normalised(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False))


def record_download(*, actor: User, filename: str, obj: models.Model | None = None, object_type: str = "",
                    size: int | None = None, kind: str = "") -> AuditEvent:
    """Audit a file download (a briefing, an evidence file, an import's error rows or template), in its own
    transaction: a download changes nothing, so there is no surrounding one."""
    after: dict[str, Any] = {"file": filename}
    if size is not None:
        after["bytes"] = size
    if kind:
        after["kind"] = kind
    with transaction.atomic():
        return record(actor=actor, action=AuditEvent.Action.DOWNLOAD, obj=obj, object_type=object_type,
                      object_repr=filename[:200], after=after)


def record_personal_read(*, actor: User, obj: models.Model, fields: list[str], where: str) -> AuditEvent:
    """Audit that ``actor`` was shown ``fields`` of ``obj`` unmasked (个人信息 read in full), on page ``where``."""
    with transaction.atomic():
        return record(actor=actor, action=AuditEvent.Action.VIEW_PERSONAL, obj=obj,
                      after={"fields": sorted(fields), "where": where})
