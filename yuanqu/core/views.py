"""Health check and the auditor's log."""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from yuanqu.core.services import require_page_role
from yuanqu.core.types import AuthedRequest

from . import audit_display as display
from .listing import Column, Filter, ListSpec, run_list
from .models import AuditEvent
from .pickers import PickerInputError, industry_matches, picker_error, picker_query, picker_response
from .roles import AUDIT_READERS, Role
from .selectors import audit_events_for, audit_object_types
from .text import halfwidth

logger = logging.getLogger(__name__)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for the load balancer: the process answers. Touches no database, reveals nothing else."""
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers and every migration is applied; else 503 with the reason."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        pending = pending_migrations(connection)
    except DatabaseError:
        logger.exception("readyz: database unreachable")
        return JsonResponse({"status": "unavailable", "reason": "database", "detail": "数据库无法连接"}, status=503)
    if pending:
        return JsonResponse({"status": "unavailable", "reason": "migrations",
                             "detail": f"有 {len(pending)} 个数据库迁移尚未执行，请运行 yuanqu upgrade",
                             "pending": pending}, status=503)
    return JsonResponse({"status": "ok"})


@login_required
@require_GET
def pick_industry(request: AuthedRequest) -> JsonResponse:
    """The industry picker: GB/T 4754 classes (小类) by code, name, full pinyin or initials, each with its path
    (门类 › 大类 › 中类); ``levels=2,3`` for divisions and groups. Shared reference data: any signed-in user."""
    try:
        q = picker_query(request.GET)
        raw_levels = request.GET.get("levels", "4")
        levels = {int(v) for v in raw_levels.split(",") if v.strip() in {"1", "2", "3", "4"}}
        if not levels or len(raw_levels) > 20:
            raise PickerInputError(_("Unknown industry level."))
    except PickerInputError as exc:
        return picker_error(exc)
    return picker_response(industry_matches(q, levels=levels))


def pending_migrations(conn: BaseDatabaseWrapper) -> list[str]:
    """The migrations on disk that the database has not applied, as ``app.name``."""
    executor = MigrationExecutor(conn)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def _audit_spec(request: AuthedRequest, notes: list[str]) -> ListSpec:
    types: list[tuple[str, str]] = []

    def type_options(r: AuthedRequest) -> list[tuple[str, str]]:
        # Asked twice per request by run_list (to check the value, then to draw the menu): read once.
        if not types:
            types.extend(display.object_type_choices(audit_object_types(r.user)))
        return types

    return ListSpec(
        filters=[
            Filter("action", _("Action"), AuditEvent.Action.choices),
            Filter("role", _("Role"), Role.choices),
            Filter("object_type", _("Object type"), type_options),
        ],
        sorts={"at": ("at", "id")},
        default_sort="-at",
        search=lambda qs, q: display.search(qs, q, region=request.user.region_id, notes=notes),
        columns=lambda r: [
            Column(f"{_('Time')}（{display.zone_label()}）", lambda e: display.local_datetime(e.at)),
            Column(_("User"), lambda e: e.actor_username),
            Column(_("Role"), lambda e: display.role_label(e.role)),
            Column(_("IP address"), lambda e: e.ip),
            Column(_("Channel"), lambda e: display.view(e).channel),
            Column(_("Action"), lambda e: display.action_of(e)[1]),
            Column(_("Object type"), lambda e: display.type_label(e.object_type)),
            Column(_("Object id"), lambda e: e.object_id),
            Column(_("Object"), lambda e: e.object_repr),
            Column(_("Summary"), lambda e: display.summary(e)),
            Column(_("Before"), lambda e: _changes_text(e, before=True)),
            Column(_("After"), lambda e: _changes_text(e, before=False)),
            Column(_("Full name"), lambda e: e.actor.display_name if e.actor is not None else ""),
            Column(_("Object type code"), lambda e: e.object_type),
        ],
        export_name="audit-log",
        per_page=50,
    )


def _changes_text(event: AuditEvent, *, before: bool) -> str:
    """A before or after of the export, one "字段：值" per line (related objects by number)."""
    stored = event.before if before else event.after
    if stored is None:
        return ""
    return "\n".join(f"{row.label}：{row.before if before else row.after}" for row in display.field_rows(event))


#: The earliest and latest dates the date filter accepts (a year 1 or 9999 date has no local midnight in UTC).
DATE_RANGE = (dt.date(1900, 1, 1), dt.date(2999, 12, 31))
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def _date_param(request: HttpRequest, name: str, label: str, notes: list[str]) -> dt.date | None:
    """The date of query parameter ``name`` (2026-01-31, 2026/1/31, 2026年1月31日), or None with a note saying
    why it was left out."""
    raw = halfwidth(request.GET.get(name, "")).strip()
    if not raw:
        return None
    match = _DATE.fullmatch(raw)
    try:
        if match is None:
            raise ValueError(raw)
        value = dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        notes.append(_("%(field)s “%(value)s” is not a date. Write it as year-month-day, e.g. 2026-01-31; this "
                       "condition was left out.") % {"field": label, "value": raw[:20]})
        return None
    if not DATE_RANGE[0] <= value <= DATE_RANGE[1]:
        notes.append(_("%(field)s %(value)s lies outside the years 1900–2999; this condition was left out.")
                     % {"field": label, "value": value.isoformat()})
        return None
    return value


def _local_midnight(day: dt.date) -> dt.datetime:
    """The start of ``day`` in the deployment's time zone: the date filter compares ``at`` with it, on its index."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    """The audit log, filterable and exportable, for the auditor of the region only.

    Dates are days in the deployment's time zone, compared as ``at >= start 00:00 AND at < (end + 1) 00:00`` on
    the time index; the actor filter by ``actor_id IN (…)`` on its index, the search also by the stored names
    (:func:`yuanqu.core.audit_display.search`). A filter that cannot be read is left out with a note.
    """
    require_page_role(request.user, AUDIT_READERS)
    qs = audit_events_for(request.user).select_related("actor")
    notes: list[str] = []
    start = _date_param(request, "from", _("Start date"), notes)
    end = _date_param(request, "to", _("End date"), notes)
    if start is not None and end is not None and start > end:
        notes.append(_("The start date %(start)s is after the end date %(end)s, so no event can match.")
                     % {"start": start.isoformat(), "end": end.isoformat()})
    if start is not None:
        qs = qs.filter(at__gte=_local_midnight(start))
    if end is not None:
        qs = qs.filter(at__lt=_local_midnight(end + dt.timedelta(days=1)))
    actor = request.GET.get("actor", "").strip()[:100]
    if actor:
        # Accounts found by name or pinyin: actor_id IN (…), on its index. None found: the user name as typed
        # (a failed log-in under an unknown name, an account since removed).
        ids = display.matching_actor_ids(actor, request.user.region_id)
        if not ids:
            notes.append(_("No account's name, user name or pinyin matches “%(actor)s”; events under that exact user "
                           "name are shown.") % {"actor": actor})
        qs = qs.filter(actor_id__in=ids) if ids else qs.filter(actor_username=actor)
    context = {
        "date_from": request.GET.get("from", "")[:20], "date_to": request.GET.get("to", "")[:20], "actor": actor,
        "notes": notes, "zone": display.zone_label(),
    }
    return run_list(request, qs, _audit_spec(request, notes), "core/audit_list.html", context)


@login_required
def audit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One audit event: who, when (local time), what, and its before/after as a table of field labels."""
    require_page_role(request.user, AUDIT_READERS)
    event = audit_events_for(request.user).select_related("actor").filter(pk=pk).first()
    if event is None:
        raise Http404
    names = display.related_names(event)
    return render(request, "core/audit_detail.html", {
        "event": event, "view": display.view(event), "rows": display.field_rows(event, names),
        "has_before": event.before is not None, "has_after": event.after is not None,
        "has_related": bool(names), "zone": display.zone_label(),
        "raw_before": display.raw_json(event.before), "raw_after": display.raw_json(event.after),
    })
