"""Whether a committed import batch can be reverted, and what blocks it (reads only; the revert is
:func:`yuanqu.tabular.services.batch_revert`).

A batch keeps what its commit wrote (``ImportBatch.written``: the rows it created, in order, and the before and
after values of the rows it updated). It can be reverted as a whole by the user who imported it or by district
staff of its region, within ``settings.IMPORT_REVERT_DAYS`` of its commit, and only while nothing depends on what it
wrote:

- a row it created or updated was not changed since (its ``updated_at``, its audit events, its current values);
- no row outside the batch points at a row it created (a settlement of an imported enterprise, a project in an
  imported park, a user given an imported park). Rows that point at it and were written in the batch's own
  transaction (a project's first stage, a settlement of an imported enterprise) are part of what it wrote.

The models are reached by their labels and their ``_meta``, so this floor-1 module names no app above it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from yuanqu.core.models import AuditEvent
from yuanqu.core.roles import EDIT_REGION
from yuanqu.core.scoping import region_contains

from .models import ImportBatch
from .registry import get_importer

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

#: How many blockers a refusal names (the rest are counted).
BLOCKERS_SHOWN = 10
#: Keys per query when checking many rows.
CHUNK = 2000
#: Audit actions that change nothing (a read or a download of an imported row does not block its revert).
READS = (AuditEvent.Action.VIEW_PERSONAL, AuditEvent.Action.DOWNLOAD, AuditEvent.Action.EXPORT)


@dataclass
class Plan:
    """What a revert would do, or why it cannot: ``problems`` (the reasons, in the user's language) and
    ``more`` (blockers found beyond those named)."""

    problems: list[str] = field(default_factory=list)
    more: int = 0
    created: list[tuple[type[models.Model], list[Any]]] = field(default_factory=list)
    updated: list[tuple[type[models.Model], dict[Any, tuple[dict[str, Any], dict[str, Any]]]]] = field(
        default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def block(self, message: str) -> None:
        if len(self.problems) < BLOCKERS_SHOWN:
            self.problems.append(message)
        else:
            self.more += 1

    @property
    def full(self) -> bool:
        return len(self.problems) >= BLOCKERS_SHOWN


def deadline(batch: ImportBatch) -> dt.datetime | None:
    """Until when the batch may be reverted."""
    if batch.committed_at is None:
        return None
    return batch.committed_at + dt.timedelta(days=int(getattr(settings, "IMPORT_REVERT_DAYS", 7)))


def may_revert(user: User | Any, batch: ImportBatch) -> bool:
    """Whether ``user`` is one who may revert ``batch``: the one who imported it, or district staff of its region."""
    if not getattr(user, "is_authenticated", False):
        return False
    if batch.created_by_id == user.pk:
        return True
    return user.role in EDIT_REGION and region_contains(user.region_id, batch.region_code)


def refusal(user: User | Any, batch: ImportBatch, *, now: dt.datetime | None = None) -> str:
    """Why ``batch`` cannot be reverted by anyone now, before its rows are looked at ('' if it may be)."""
    if batch.status == ImportBatch.Status.REVERTED:
        return _("This import has already been reverted.")
    if batch.status != ImportBatch.Status.COMMITTED:
        return _("Only an import that was committed can be reverted.")
    importer = get_importer(batch.entity)
    if importer is not None and not importer.revertible:
        return str(importer.revert_refusal)
    if not may_revert(user, batch):
        return _("Only the user who imported this file, or district staff, may revert it.")
    end = deadline(batch)
    if end is not None and (now or timezone.now()) > end:
        return _("An import can be reverted within %(days)d days of its commit; this one was committed on "
                 "%(day)s.") % {"days": int(getattr(settings, "IMPORT_REVERT_DAYS", 7)),
                                 "day": timezone.localtime(batch.committed_at).date().isoformat()}
    if not batch.written.get("created") and not batch.written.get("updated"):
        return _("This import wrote nothing that can be reverted (or it was imported before imports kept "
                 "what they wrote).")
    return ""


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _name(model: type[models.Model], obj: models.Model | None = None, pk: Any = None) -> tuple[str, str]:
    return str(model._meta.verbose_name), (str(obj) if obj is not None else f"#{pk}")[:60]


def _has_times(model: type[models.Model]) -> bool:
    names = {f.name for f in model._meta.concrete_fields}
    return {"created_at", "updated_at"} <= names


def _pks(model: type[models.Model], raw: list[Any]) -> list[Any]:
    pk = model._meta.pk
    assert pk is not None
    return [pk.to_python(v) for v in raw]


def plan(user: User | Any, batch: ImportBatch, *, now: dt.datetime | None = None) -> Plan:
    """What reverting ``batch`` would delete and restore, and everything that blocks it."""
    result = Plan()
    why = refusal(user, batch, now=now)
    if why:
        result.problems.append(why)
        return result
    committed = batch.committed_at
    assert committed is not None
    created_sets: dict[str, set[Any]] = {}
    for label, raw in batch.written.get("created", []):
        model = apps.get_model(label)
        pks = list(dict.fromkeys(_pks(model, raw)))
        result.created.append((model, pks))
        created_sets.setdefault(label, set()).update(pks)
    for label, rows in batch.written.get("updated", {}).items():
        model = apps.get_model(label)
        result.updated.append((model, {model._meta.pk.to_python(k): (v[0], v[1])  # type: ignore[union-attr]
                                       for k, v in rows.items()}))
    for model, pks in result.created:
        _check_changed(result, model, pks, committed)
        _check_dependents(result, model, pks, committed, created_sets)
        if result.full:
            break
    for model, rows in result.updated:
        if result.full:
            break
        _check_updated(result, model, rows, committed)
    return result


def _changed_since(model: type[models.Model], pks: list[Any], committed: dt.datetime) -> set[Any]:
    """The rows among ``pks`` written after the commit: by their ``updated_at`` or by an audit event."""
    out: set[Any] = set()
    label = model._meta.label
    for chunk in _chunks(pks):
        if _has_times(model):
            out.update(model._base_manager.filter(pk__in=chunk, updated_at__gt=committed).values_list("pk", flat=True))
        ids = (AuditEvent.objects.filter(object_type=label, object_id__in=[str(p) for p in chunk], at__gt=committed)
               .exclude(action__in=READS).values_list("object_id", flat=True))
        out.update(_pks(model, list(ids)))
    return out


def _check_changed(result: Plan, model: type[models.Model], pks: list[Any], committed: dt.datetime) -> None:
    changed = _changed_since(model, pks, committed)
    if not changed:
        return
    objs = model._base_manager.in_bulk(sorted(changed)[: BLOCKERS_SHOWN])
    for pk in sorted(changed):
        kind, name = _name(model, objs.get(pk), pk)
        result.block(_("%(kind)s “%(name)s” was changed after the import.") % {"kind": kind, "name": name})


def _relations(model: type[models.Model]) -> list[Any]:
    """Every relation that points at ``model`` (foreign keys, one-to-ones and many-to-manys of other models)."""
    out = []
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and rel.is_relation):
            continue
        related = rel.related_model
        if related is None or related._meta.auto_created or related is ImportBatch or related is AuditEvent:
            continue  # an automatic many-to-many table is reached through its model; a batch names its park only
        out.append(rel)
    return out


def _check_dependents(result: Plan, model: type[models.Model], pks: list[Any], committed: dt.datetime,
                      created: dict[str, set[Any]]) -> None:
    """Rows outside the batch that point at a row the batch created."""
    for rel in _relations(model):
        related: type[models.Model] = rel.related_model
        mine = created.get(related._meta.label, set())
        for chunk in _chunks(pks):
            qs = related._base_manager.filter(**{f"{rel.field.name}__in": chunk})
            if _has_times(related):
                # written in the batch's own transaction: part of what it wrote (a project's first stage …)
                qs = qs.exclude(created_at__lte=committed, updated_at__lte=committed)
            refs = qs.values_list("pk", rel.field.name).distinct()[: BLOCKERS_SHOWN * 4]
            found = [(pk, target) for pk, target in refs if pk not in mine]
            if not found:
                continue
            others = related._base_manager.in_bulk([pk for pk, _t in found])
            targets = model._base_manager.in_bulk([t for _pk, t in found])
            for pk, target in found:
                kind, name = _name(model, targets.get(target), target)
                other_kind, other = _name(related, others.get(pk), pk)
                result.block(_("%(kind)s “%(name)s” is used by %(other_kind)s “%(other)s”, added after the import.")
                             % {"kind": kind, "name": name, "other_kind": other_kind, "other": other})
            if result.full:
                return


def _check_updated(result: Plan, model: type[models.Model], rows: dict[Any, tuple[dict[str, Any], dict[str, Any]]],
                   committed: dt.datetime) -> None:
    """Rows the batch updated must still hold what it wrote, or their before-values cannot simply come back."""
    pks = list(rows)
    changed = _changed_since(model, pks, committed)
    for chunk in _chunks(pks):
        for pk, obj in model._base_manager.in_bulk(chunk).items():
            after = rows[pk][1]
            if pk in changed or any(not holds(obj, k, v) for k, v in after.items()):
                kind, name = _name(model, obj, pk)
                result.block(_("%(kind)s “%(name)s” was changed after the import.") % {"kind": kind, "name": name})
        missing = set(chunk) - set(model._base_manager.filter(pk__in=chunk).values_list("pk", flat=True))
        for pk in sorted(missing):
            kind, name = _name(model, None, pk)
            result.block(_("%(kind)s “%(name)s” was deleted after the import.") % {"kind": kind, "name": name})


def field_of(model: type[models.Model], key: str) -> Any:
    """The field an audit snapshot's key names: a concrete field by its attname, or a many-to-many by its name."""
    for f in model._meta.concrete_fields:
        if f.attname == key:
            return f
    for f in model._meta.many_to_many:
        if f.name == key:
            return f
    return None


def python_value(f: Any, value: Any) -> Any:
    """A snapshot's JSON value as the field's Python value (a list of pks for a many-to-many)."""
    if f.many_to_many:
        return sorted(str(v) for v in value or [])
    return f.to_python(value)


def holds(obj: models.Model, key: str, value: Any) -> bool:
    """Whether ``obj`` still holds ``value`` (a snapshot's JSON value) in the field ``key``; unknown keys hold."""
    f = field_of(type(obj), key)
    if f is None:
        return True
    if f.many_to_many:
        current = sorted(str(v) for v in getattr(obj, f.name).values_list("pk", flat=True))
    else:
        current = getattr(obj, f.attname)
    try:
        return bool(python_value(f, value) == current)
    except Exception:  # noqa: BLE001 — a value that no longer parses is not what was written
        return False
