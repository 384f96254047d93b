"""The home page: where each role starts, and for the business roles what their scope holds, in a few numbers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render

from yuanqu.core.registry import panels, todos
from yuanqu.core.registry import search as search_registry
from yuanqu.core.roles import Role
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.types import AuthedRequest
from yuanqu.enterprises.models import Enterprise, Settlement, signed_q, stage_q
from yuanqu.parks.models import Park, Unit
from yuanqu.stats.models import Report

#: How many matches of each kind the header's search shows; the lists behind "more" hold the rest.
SEARCH_LIMIT = 8
#: A query shorter than this matches too much to be useful (one pinyin letter); two Chinese characters are fine.
SEARCH_MIN_CHARS = 2


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The landing page: what the user's scope holds, in a few numbers."""
    user = request.user
    if user.role == Role.AUDITOR:
        return redirect("core:audit")
    if user.role == Role.REGION_ADMIN:
        return redirect("accounts:users")
    if user.role == Role.ENTERPRISE_USER:
        return _enterprise_home(request)
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
        "todos": todos.for_user(user),
    })


def _enterprise_home(request: AuthedRequest) -> HttpResponse:
    """An enterprise user's 工作台: its own profile in brief, what waits for it, its latest reports."""
    user = request.user
    enterprise = get_visible_or_404(Enterprise.objects.all(), user, pk=user.enterprise_id)
    settlements = (Settlement.objects.visible_to(user).filter(enterprise=enterprise).select_related("park")
                   .order_by("-signed_on"))
    reports = (Report.objects.visible_to(user).filter(enterprise=enterprise).select_related("round", "park")
               .order_by("-round__year", "-round__month")[:6])
    return render(request, "site/enterprise_home.html", {
        "enterprise": enterprise, "settlements": settlements, "reports": reports, "todos": todos.for_user(user),
        # The cards higher apps add to an enterprise's page (the policies it qualifies for and why, …).
        "panels": panels.render("enterprise", request, enterprise),
    })


@login_required
def search(request: AuthedRequest) -> HttpResponse:
    """The header's search: parks, enterprises, leads and projects the user may see, by name, pinyin, initials or
    USCC, each kind from the app that owns it (and through its scope)."""
    q = " ".join(request.GET.get("q", "").split())[:100].replace("\x00", "")
    groups = []
    too_short = bool(q) and len(q) < SEARCH_MIN_CHARS
    if q and not too_short:
        for provider in search_registry.providers():
            hits = provider.find(request.user, q, SEARCH_LIMIT + 1)
            if hits:
                groups.append({"label": provider.label, "hits": hits[:SEARCH_LIMIT], "more": len(hits) > SEARCH_LIMIT})
    return render(request, "site/search.html", {"q": q, "search_q": q, "groups": groups, "too_short": too_short})
