"""Import pages: upload, mapping, preview with the row report, progress, error rows, commit; templates."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yuanqu.core import audit
from yuanqu.core.listing import paginate
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.types import AuthedRequest

from . import engine, revert, services, tasks
from .export import template_xlsx
from .forms import UploadForm
from .models import ImportBatch
from .reader import ImportRefused
from .registry import get_importer, importers_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS_LABELS = {
    "new": gettext_lazy("New"),
    "update": gettext_lazy("Update"),
    "unchanged": gettext_lazy("Unchanged"),
    "error": gettext_lazy("Error"),
    "warning": gettext_lazy("Warning"),
}
STATUS_COLORS = {"new": "green", "update": "blue", "unchanged": "secondary", "error": "red", "warning": "yellow"}


def _may_import(request: AuthedRequest) -> None:
    if not importers_for(request.user):
        raise Http404


def _download(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _run_in_background(batch: ImportBatch) -> bool:
    return batch.size > int(getattr(settings, "TABULAR_SYNC_MAX_BYTES", 512 * 1024))


@login_required
def imports(request: AuthedRequest) -> HttpResponse:
    """Upload a spreadsheet; below, the batches imported before."""
    _may_import(request)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = engine.start_batch(
                actor=request.user,
                entity=form.cleaned_data["entity"],
                filename=upload.name,
                data=upload.read(),
                park=form.cleaned_data.get("park"),
            )
        except ImportRefused as exc:
            form.add_error("file", exc.message)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            return redirect("tabular:batch", pk=batch.pk)
    batches = ImportBatch.objects.visible_to(request.user).select_related("created_by").defer("content", "report")
    return render(
        request,
        "tabular/imports.html",
        {
            "form": form,
            "batches": batches[:50],
            "importers": importers_for(request.user),
            "labels": {i.entity: i.label for i in importers_for(request.user)},
        },
    )


@login_required
def batch_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A batch: its mapping (while it can still change), the row report, and what was imported."""
    batch = get_visible_or_404(ImportBatch.objects.defer("content"), request.user, pk=pk)
    importer = engine.importer_for(batch)
    editable = batch.created_by_id == request.user.pk and batch.status != ImportBatch.Status.COMMITTED
    status = request.GET.get("status", "")
    rows = [r for r in batch.report if not status or r[1] == status]
    paging = paginate(request, rows, 50)
    page = paging["page_obj"]
    fields = [(f.name, f.header()) for f in importer.fields]
    chosen = engine.mapping_defaults(batch)
    # a date is typed; a choice (the designation of a whole 认定名单) is picked from its labels
    defaults = [{"name": f.name, "header": f.header(), "value": chosen.get(f.name, ""), "help": f.help,
                 "choices": [(str(v), str(label)) for v, label in f.choices() if v != ""] if f.kind == "choice"
                 and f.choices else None}
                for f in importer.fields if f.ask_default]
    units = importer.units()
    columns = []
    for c in batch.columns:
        field = batch.mapping.get(str(c["index"]), "")
        unit = engine.column_unit(importer, c, field)  # the header's, or the table's 「单位：亿元」
        columns.append({**c, "field": field, "percent": int(100 * c["confidence"]), "by_user": field != c["field"],
                        "unit": unit,
                        # the unit the column's numbers are converted to, when it differs from theirs
                        "to_unit": units.get(field, "") if unit and units.get(field, "") not in ("", unit) else ""})
    counts = batch.counts or {}
    # whether this user may revert it now (the rows themselves are checked when the user asks)
    revertible = batch.status == ImportBatch.Status.COMMITTED and revert.may_revert(request.user, batch)
    revert_refusal = revert.refusal(request.user, batch) if revertible else ""
    written = batch.written or {}
    return render(
        request,
        "tabular/batch.html",
        {
            "batch": batch,
            "importer": importer,
            "editable": editable,
            "columns": columns,
            "fields": fields,
            "problems": engine.mapping_problems(batch) if editable else [],
            **paging,
            "rows": [
                {
                    "line": r[0],
                    "status": r[1],
                    "label": STATUS_LABELS.get(r[1], r[1]),
                    "color": STATUS_COLORS.get(r[1]),
                    "reasons": r[3],
                    "key": r[4],
                    "cells": r[6] if len(r) > 6 and r[6] else [],
                    "stored": r[2] == "update",
                }
                for r in page.object_list
            ],
            "defaults": defaults,
            "to_accept": counts.get("to_accept", 0),
            "status": status,
            "status_labels": [(k, v, counts.get(k, 0)) for k, v in STATUS_LABELS.items()],
            "to_write": counts.get("new", 0) + counts.get("update", 0) + counts.get("warning", 0),
            "entity_label": importer.label,
            "revertible": revertible,
            "revert_refusal": revert_refusal,
            "revert_deadline": revert.deadline(batch),
            "revert_blockers": request.session.pop(f"revert_blockers_{batch.pk}", None),
            "written_new": sum(len(pks) for _label, pks in written.get("created", [])),
            "written_updated": sum(len(rows) for rows in written.get("updated", {}).values()),
        },
    )


@login_required
def batch_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    """The progress bar (htmx polls it while the batch runs; when done it reloads the page)."""
    batch = get_visible_or_404(ImportBatch.objects.defer("content", "report"), request.user, pk=pk)
    response = render(request, "tabular/_progress.html", {"batch": batch})
    if not batch.running and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def batch_mapping(request: AuthedRequest, pk: int) -> HttpResponse:
    """Choose the sheet or confirm the mapping, then check every row (the preview)."""
    batch = get_visible_or_404(ImportBatch.objects.editable_by(request.user), request.user, pk=pk)
    if batch.status == ImportBatch.Status.COMMITTED:
        raise Http404
    sheet = request.POST.get("sheet")
    if sheet and sheet != batch.sheet and sheet in batch.sheets:
        engine.analyse(batch, actor=request.user, sheet=sheet)
        messages.info(request, _("Sheet %(name)s chosen; check the mapping.") % {"name": sheet})
        return redirect("tabular:batch", pk=pk)
    mapping = {str(c["index"]): request.POST.get(f"col_{c['index']}", "") for c in batch.columns}
    importer = engine.importer_for(batch)
    defaults = {f.name: request.POST.get(f"default_{f.name}", "") for f in importer.fields if f.ask_default}
    engine.set_mapping(batch, {k: v for k, v in mapping.items() if v}, actor=request.user, defaults=defaults)
    problems = engine.mapping_problems(batch)
    if problems:
        for p in problems:
            messages.error(request, p)
        return redirect("tabular:batch", pk=pk)
    if _run_in_background(batch):
        services.batch_start(batch=batch)
        tasks.preview_batch.enqueue(batch.pk, request.user.pk)
    else:
        engine.preview(batch, actor=request.user)
    return redirect("tabular:batch", pk=pk)


@login_required
@require_POST
def batch_commit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Import the batch's valid rows, all in one transaction."""
    batch = get_visible_or_404(ImportBatch.objects.editable_by(request.user), request.user, pk=pk)
    if batch.status != ImportBatch.Status.PREVIEWED:
        messages.error(request, _("Check the rows before importing them."))
        return redirect("tabular:batch", pk=pk)
    accept = request.POST.get("accept_warnings") == "1"
    if (batch.counts or {}).get("to_accept") and not accept:
        messages.error(request, _("Some rows look cut off: check them and tick “I have checked the warnings” "
                                  "before importing."))
        return redirect(reverse("tabular:batch", args=[pk]) + "?status=warning")
    if _run_in_background(batch):
        services.batch_start(batch=batch, total=batch.progress_total)
        tasks.commit_batch.enqueue(batch.pk, request.user.pk, accept)
        return redirect("tabular:batch", pk=pk)
    batch = engine.commit(batch, actor=request.user, accept_warnings=accept)
    if batch.status == ImportBatch.Status.COMMITTED:
        c = batch.counts
        messages.success(
            request,
            _(
                "Imported: %(new)d new, %(update)d updated, %(unchanged)d unchanged, "
                "%(error)d rows with errors left out."
            )
            % {
                "new": c.get("new", 0),
                "update": c.get("update", 0),
                "unchanged": c.get("unchanged", 0),
                "error": c.get("error", 0),
            },
        )
    else:
        messages.error(request, batch.error)
    return redirect("tabular:batch", pk=pk)


@login_required
@require_POST
def batch_revert(request: AuthedRequest, pk: int) -> HttpResponse:
    """Revert a committed batch as a whole, or say what blocks it (nothing changes then)."""
    batch = get_visible_or_404(ImportBatch.objects.defer("content", "report"), request.user, pk=pk)
    if not revert.may_revert(request.user, batch):
        raise Http404
    try:
        services.batch_revert(actor=request.user, batch=batch)
    except services.RevertRefused as exc:
        blockers = list(exc.reasons)
        if exc.more:
            blockers.append(_("… and %(n)d more.") % {"n": exc.more})
        request.session[f"revert_blockers_{batch.pk}"] = blockers
        messages.error(request, _("The import was not reverted; nothing was changed."))
    else:
        messages.success(request, _("The import was reverted: the rows it added were deleted and the rows it "
                                    "changed got their earlier values back."))
    return redirect("tabular:batch", pk=pk)


@login_required
def batch_errors(request: AuthedRequest, pk: int) -> HttpResponse:
    """The rows with errors as .xlsx, with a reason column: fix them and import the file again."""
    batch = get_visible_or_404(ImportBatch.objects.all(), request.user, pk=pk)
    name = batch.filename.rsplit(".", 1)[0]
    suffix = _("errors")
    filename = f"{name}-{suffix}.xlsx"
    audit.record_download(actor=request.user, obj=batch, filename=filename, kind="import_errors")
    return _download(engine.error_rows_xlsx(batch), filename)


@login_required
def template(request: AuthedRequest) -> HttpResponse:
    """An empty .xlsx template of an entity, with header comments and drop-down lists."""
    _may_import(request)
    importer = get_importer(request.GET.get("entity", "enterprises"))
    if importer is None or not importer.allowed(request.user):
        raise Http404
    suffix = _("template")
    filename = f"{importer.label}-{suffix}.xlsx"
    audit.record_download(actor=request.user, object_type="tabular.Template", filename=filename, kind="template")
    return _download(template_xlsx(importer), filename)


def context_labels() -> dict[str, Any]:
    return {"status_labels": STATUS_LABELS}
