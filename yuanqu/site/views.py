"""The home page: where each role starts, and for the business roles what their scope holds, in a few numbers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render

from yuanqu.core.roles import Role
from yuanqu.core.types import AuthedRequest
from yuanqu.enterprises.models import Enterprise, Settlement, signed_q, stage_q
from yuanqu.parks.models import Park, Unit


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
    return render(request, "site/home.html", {
        "park_count": parks.count(),
        "enterprise_count": Enterprise.objects.visible_to(user).count(),
        "stage_counts": list(stage_counts.items()),
        "unit_counts": unit_counts,
        "park_rows": park_rows,
    })
