"""Health check and the auditor's log."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from yuanqu.core.services import require_page_role
from yuanqu.core.types import AuthedRequest

from .listing import Column, Filter, ListSpec, run_list
from .models import AuditEvent
from .pickers import PickerInputError, industry_matches, picker_error, picker_query, picker_response
from .roles import Role
from .selectors import audit_events_for

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


def _audit_spec() -> ListSpec:
    return ListSpec(
        filters=[
            Filter("action", _("Action"), AuditEvent.Action.choices),
            Filter("role", _("Role"), Role.choices),
            Filter("object_type", _("Object type"), lambda r: [
                (t, t) for t in audit_events_for(r.user).order_by().values_list("object_type", flat=True).distinct()
                if t]),
        ],
        sorts={"at": ("at", "id")},
        default_sort="-at",
        search=lambda qs, q: qs.filter(Q(actor_username__icontains=q) | Q(object_repr__icontains=q)
                                       | Q(ip__startswith=q) if _looks_like_ip(q) else
                                       Q(actor_username__icontains=q) | Q(object_repr__icontains=q)),
        columns=lambda r: [
            Column(_("Time"), lambda e: e.at),
            Column(_("User"), lambda e: e.actor_username),
            Column(_("Role"), lambda e: Role(e.role).label if e.role in Role.values else e.role),
            Column(_("IP address"), lambda e: e.ip),
            Column(_("Channel"), lambda e: e.channel),
            Column(_("Action"), lambda e: e.get_action_display()),
            Column(_("Object type"), lambda e: e.object_type),
            Column(_("Object id"), lambda e: e.object_id),
            Column(_("Object"), lambda e: e.object_repr),
            Column(_("Before"), lambda e: "" if e.before is None else str(e.before)),
            Column(_("After"), lambda e: "" if e.after is None else str(e.after)),
        ],
        export_name="audit-log",
        per_page=50,
    )


def _looks_like_ip(q: str) -> bool:
    return all(ch.isdigit() or ch in ".:abcdef" for ch in q.lower())


@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    """The audit log, filterable and exportable, for the auditor of the region only."""
    require_page_role(request.user, Role.AUDITOR)
    qs = audit_events_for(request.user)
    start, end = request.GET.get("from", ""), request.GET.get("to", "")
    if start:
        qs = qs.filter(at__date__gte=start) if _is_date(start) else qs
    if end:
        qs = qs.filter(at__date__lte=end) if _is_date(end) else qs
    return run_list(request, qs, _audit_spec(), "core/audit_list.html", {"date_from": start, "date_to": end})


def _is_date(value: str) -> bool:
    import datetime as dt

    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@login_required
def audit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One audit event with its full before/after."""
    event = audit_events_for(request.user).filter(pk=pk).first()
    if event is None:
        raise Http404
    return render(request, "core/audit_detail.html", {"event": event})
