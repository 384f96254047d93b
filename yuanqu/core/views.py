"""Overview page, health check and the auditor's log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from yuanqu.core.types import AuthedRequest
from yuanqu.enterprises.models import Enterprise, Settlement, signed_q, stage_q
from yuanqu.parks.models import Park, Unit

from .listing import Column, Filter, ListSpec, run_list
from .models import AuditEvent
from .roles import Role
from .selectors import audit_events_for


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The landing page: what the user's scope holds, in a few numbers."""
    user = request.user
    if user.role == Role.AUDITOR:
        return redirect("core:audit")
    if user.role == Role.REGION_ADMIN:
        return redirect("accounts:users")
    if user.role == Role.ENTERPRISE_USER:
        return redirect("enterprises:detail", pk=user.enterprise_id)
    parks = Park.objects.visible_to(user)
    settlements = Settlement.objects.visible_to(user)
    stage_counts = settlements.counts_by_stage()
    units = Unit.objects.visible_to(user)
    unit_counts = units.aggregate(total=Count("id"), vacant=Count("id", filter=Q(status=Unit.Status.VACANT)))
    park_rows = parks.annotate(
        signed=Count("settlements", filter=signed_q(prefix="settlements__")),
        moved_in=Count("settlements", filter=stage_q(Settlement.Stage.MOVED_IN, prefix="settlements__")),
    ).order_by("-moved_in", "name")
    return render(request, "core/home.html", {
        "park_count": parks.count(),
        "enterprise_count": Enterprise.objects.visible_to(user).count(),
        "stage_counts": list(stage_counts.items()),
        "unit_counts": unit_counts,
        "park_rows": park_rows,
    })


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for the reverse proxy; reveals nothing else."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


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
    if request.user.role != Role.AUDITOR:
        raise Http404
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
