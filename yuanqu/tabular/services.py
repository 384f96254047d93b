"""Every write to an import batch: its transitions from upload to committed or failed.

Uploaded → (mapping) → validating → previewed → committing → committed, or failed. The engine
(:mod:`yuanqu.tabular.engine`) reads, maps and checks; these functions store what it found, each in its own
transaction. What a user does to a batch (upload, choose a sheet, confirm a mapping, commit) is audited; the
engine's own steps (checking, progress, a failure) only change the batch. The data a commit writes and its one
audit event are written by :func:`batch_commit` inside the caller's transaction, so they stand or fall together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from yuanqu.core import audit
from yuanqu.core.models import AuditEvent
from yuanqu.core.registry import changes

from . import revert
from .models import ImportBatch, SavedMapping
from .registry import get_importer

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

#: The fields of a batch an audit event shows (the file's bytes and the row report are kept on the batch).
AUDITED = ("entity", "filename", "fmt", "size", "sha256", "sheet", "default_park_id", "mapping")


def _state(batch: ImportBatch) -> dict[str, Any]:
    return {name: getattr(batch, name) for name in AUDITED}


def _record(*, actor: User, batch: ImportBatch, action: str, before: dict[str, Any] | None = None) -> None:
    audit.record(actor=actor, action=action, obj=batch, object_repr=batch.filename, before=before,
                 after=_state(batch), region_code=batch.region_code)


@transaction.atomic
def batch_create(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Store an uploaded file as a batch, with the table and mapping the engine found in it (one audit event).

    ``batch`` is the engine's unsaved batch: the file checked, its sheet read and its columns mapped, so a batch
    is never stored half-analysed.
    """
    importer = get_importer(batch.entity)
    if importer is None or not importer.allowed(actor):
        raise PermissionDenied("import not allowed")
    park = batch.default_park
    if park is not None and not type(park).objects.editable_by(actor).filter(pk=park.pk).exists():  # type: ignore[attr-defined]
        raise PermissionDenied("park not editable")
    batch.created_by = actor
    batch.region_code = actor.region_id or ""
    batch.status = ImportBatch.Status.UPLOADED
    batch.save()
    _record(actor=actor, batch=batch, action=AuditEvent.Action.CREATE)
    return batch


@transaction.atomic
def batch_analysed(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Store a new analysis of the batch (another sheet chosen by ``actor``): its table, columns and mapping."""
    _require_own(actor=actor, batch=batch)
    before = ImportBatch.objects.filter(pk=batch.pk).values(*AUDITED).get()
    batch.status = ImportBatch.Status.UPLOADED
    batch.save(update_fields=["sheet", "header_rows", "columns", "signature", "mapping", "mapping_source", "status",
                              "updated_at"])
    _record(actor=actor, batch=batch, action=AuditEvent.Action.UPDATE, before=before)
    return batch


@transaction.atomic
def batch_set_mapping(
    *, actor: User, batch: ImportBatch, mapping: dict[str, str], remember: bool = True,
    defaults: dict[str, str] | None = None,
) -> ImportBatch:
    """Use ``mapping`` (column index → field) for the batch, and remember it for files with the same header.

    Unknown columns and fields, and a field mapped twice, are dropped: the mapping form offers only valid ones.
    ``defaults`` (field → value) fill the empty cells of fields that offer one (``FieldSpec.ask_default``: a
    signing date); they hold for this batch only (stored under ``"=field"`` keys) and are not remembered.
    """
    _require_own(actor=actor, batch=batch)
    importer = get_importer(batch.entity)
    if importer is None:
        raise PermissionDenied("import not allowed")
    valid = {f.name for f in importer.fields}
    columns = {str(c["index"]) for c in batch.columns}
    clean_map: dict[str, str] = {}
    for col, fieldname in mapping.items():
        if col in columns and fieldname in valid and fieldname not in clean_map.values():
            clean_map[col] = fieldname
    before = _state(batch)
    offered = {f.name for f in importer.fields if f.ask_default}
    extra = {f"={k}": str(v).strip()[:40] for k, v in (defaults or {}).items() if k in offered and str(v).strip()}
    batch.mapping = {**clean_map, **extra}
    batch.mapping_source = "user"
    batch.save(update_fields=["mapping", "mapping_source", "updated_at"])
    if remember:
        saved = SavedMapping.objects.filter(entity=batch.entity, signature=batch.signature,
                                            region_code=batch.region_code).first()
        saved_before = audit.snapshot(saved) if saved is not None else None
        saved, created = SavedMapping.objects.update_or_create(
            entity=batch.entity, signature=batch.signature, region_code=batch.region_code,
            defaults={"mapping": clean_map, "saved_by": actor})
        # The saved mapping applies to the next file of this shape in the region: its change is audited too.
        audit.record(actor=actor, action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
                     obj=saved, object_repr=f"{batch.entity}: {batch.filename}"[:200], before=saved_before,
                     after=audit.snapshot(saved), region_code=batch.region_code)
    _record(actor=actor, batch=batch, action=AuditEvent.Action.UPDATE, before=before)
    return batch


@transaction.atomic
def batch_start(*, batch: ImportBatch, status: str = ImportBatch.Status.VALIDATING, total: int = 0) -> ImportBatch:
    """Mark the batch as being checked (``validating``) or written (``committing``), its progress at zero.

    Also called before a background task is queued, so the page shows the batch as running at once.
    """
    assert status in (ImportBatch.Status.VALIDATING, ImportBatch.Status.COMMITTING)
    batch.status, batch.progress_done, batch.progress_total = status, 0, total
    ImportBatch.objects.filter(pk=batch.pk).update(status=status, progress_done=0, progress_total=total,
                                                   updated_at=timezone.now())
    return batch


def batch_progress(*, batch: ImportBatch, done: int, total: int) -> None:
    """Store how far the running step is, for the page's progress bar.

    One UPDATE in autocommit (no transaction of its own: it must be visible to the page at once, and it runs
    only outside the commit's transaction).
    """
    batch.progress_done, batch.progress_total = done, total
    ImportBatch.objects.filter(pk=batch.pk).update(progress_done=done, progress_total=total)


@transaction.atomic
def batch_previewed(*, batch: ImportBatch, counts: dict[str, int], report: list[list[Any]]) -> ImportBatch:
    """Store the row report of a check; nothing of the data is written."""
    batch.counts, batch.report = counts, report
    batch.status = ImportBatch.Status.PREVIEWED
    batch.progress_done = batch.progress_total = counts.get("total", 0)
    batch.error = ""
    batch.save(update_fields=["counts", "report", "skipped", "status", "progress_done", "progress_total", "error",
                              "updated_at"])
    return batch


@transaction.atomic
def batch_commit(*, actor: User, batch: ImportBatch, label: str, counts: dict[str, int], report: list[list[Any]],
                 written: int, undo: dict[str, Any] | None = None) -> ImportBatch:
    """Mark the batch committed and write its one audit event (DESIGN.md, rule 6).

    Call it in the transaction that wrote the batch's rows: the rows, the event and the batch's new state
    commit together or not at all.
    """
    _require_own(actor=actor, batch=batch)
    audit.record(
        actor=actor, action=AuditEvent.Action.IMPORT, object_type=label, object_id=str(batch.pk),
        object_repr=batch.filename,
        after={"batch": batch.pk, "entity": batch.entity, "file": batch.filename, "sha256": batch.sha256,
               "sheet": batch.sheet, "rows": counts["total"], "new": counts["new"], "update": counts["update"],
               "unchanged": counts["unchanged"], "error": counts["error"], "warning": counts["warning"],
               "skipped": len(batch.skipped)},
    )
    batch.counts, batch.report = counts, report
    batch.status = ImportBatch.Status.COMMITTED
    batch.committed_at = timezone.now()
    batch.progress_done = batch.progress_total = written
    batch.error = ""
    batch.written = undo or {}
    batch.save(update_fields=["counts", "report", "skipped", "status", "committed_at", "progress_done",
                              "progress_total", "error", "written", "updated_at"])
    return batch


@transaction.atomic
def batch_fail(*, batch: ImportBatch, error: str) -> ImportBatch:
    """Mark the batch failed with the reason; its mapping and last row report stay as they were."""
    batch.status, batch.error = ImportBatch.Status.FAILED, error
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.FAILED, error=error,
                                                   updated_at=timezone.now())
    return batch


def _require_own(*, actor: User, batch: ImportBatch) -> None:
    if batch.created_by_id != actor.pk:
        raise PermissionDenied("not your batch")


class RevertRefused(Exception):
    """A batch that cannot be reverted: ``reasons`` name what blocks it (in the user's language); nothing changed."""

    def __init__(self, reasons: list[str], more: int = 0) -> None:
        super().__init__("；".join(reasons))
        self.reasons = reasons
        self.more = more


@transaction.atomic
def batch_revert(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Undo a committed batch as a whole: delete the rows it created, put back the values of the rows it updated.

    Allowed to the user who imported it and to district staff of its region, within ``IMPORT_REVERT_DAYS``, and
    only while nothing depends on its rows (:mod:`yuanqu.tabular.revert`); otherwise :class:`RevertRefused` names
    the blockers and nothing changes. One transaction and one audit event (``revert``, naming the batch and the
    counts); the batch becomes ``reverted``. Figures follow by themselves: settlements' park months are marked by
    the database trigger, and enterprise listeners hear of the enterprises that changed.
    """
    # the batch row is locked, so two reverts of the same batch cannot both pass the checks
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    plan = revert.plan(actor, locked)
    if not plan.ok:
        raise RevertRefused(plan.problems, plan.more)
    deleted: dict[str, int] = {}
    restored: dict[str, int] = {}
    enterprises: set[int] = set()
    try:
        # rows the batch updated get their before-values back (before any deletion, as they may point at new rows)
        for model, rows in plan.updated:
            label = model._meta.label
            for pk, obj in model._base_manager.in_bulk(list(rows)).items():
                before = rows[pk][0]
                names, m2m = [], []
                for key, value in before.items():
                    f = revert.field_of(model, key)
                    if f is None:
                        continue
                    if f.many_to_many:
                        m2m.append((f, value or []))
                    else:
                        setattr(obj, f.attname, f.to_python(value))
                        names.append(f.attname)
                obj.full_clean(validate_unique=False)
                if names:
                    if revert.field_of(model, "updated_at") is not None:
                        names.append("updated_at")
                    obj.save(update_fields=names)
                for f, pks in m2m:
                    getattr(obj, f.name).set(pks)
                restored[label] = restored.get(label, 0) + 1
                if label == "enterprises.Enterprise":
                    enterprises.add(int(pk))
        # rows it created go, children (written later) before the rows they point at
        for model, pks in reversed(plan.created):
            label = model._meta.label
            for chunk in revert._chunks(pks):
                model._base_manager.filter(pk__in=chunk).delete()
            deleted[label] = deleted.get(label, 0) + len(pks)
            if label == "enterprises.Enterprise":
                enterprises.update(int(p) for p in pks)
    except (ProtectedError, RestrictedError) as exc:
        objs = list(exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects)[:1]
        what = f"{objs[0]._meta.verbose_name}“{objs[0]}”" if objs else ""
        raise RevertRefused([_("A row of this import is still used by %(what)s.") % {"what": what}]) from exc
    except ValidationError as exc:
        raise RevertRefused([_("A row cannot get its values back: %(why)s") % {"why": "；".join(exc.messages)}]
                            ) from exc
    audit.record(
        actor=actor, action=AuditEvent.Action.REVERT, object_type="tabular.ImportBatch", object_id=str(locked.pk),
        object_repr=locked.filename, region_code=locked.region_code,
        before={"status": locked.status},
        after={"batch": locked.pk, "entity": locked.entity, "file": locked.filename, "status": "reverted",
               "deleted": deleted, "restored": restored},
    )
    locked.status = ImportBatch.Status.REVERTED
    locked.reverted_at = timezone.now()
    locked.reverted_by = actor
    locked.save(update_fields=["status", "reverted_at", "reverted_by", "updated_at"])
    if enterprises:
        changes.changed("enterprise", *sorted(enterprises))
    batch.status, batch.reverted_at, batch.reverted_by = locked.status, locked.reverted_at, actor
    return locked
