"""Dashboards (驾驶舱): the region cockpit, the park dashboard, the enterprise profile, their chart data
(JSON, one endpoint per chart) and the list of enterprise values the statistics charts click through to."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from yuanqu.core.export import export_response
from yuanqu.core.listing import Column, Filter, ListSpec, run_list
from yuanqu.core.models import IndustryCode
from yuanqu.core.registry import cockpit_cards, panels
from yuanqu.core.roles import TENANT_READERS, Role
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_page_role
from yuanqu.core.types import AuthedRequest
from yuanqu.enterprises.models import Enterprise, Settlement
from yuanqu.figures import selectors as figure_layer
from yuanqu.investment.models import Case, Project
from yuanqu.parks.models import Park
from yuanqu.stats.models import Indicator, Report, ReportValue

from . import selectors
from .selectors import Scope

DASHBOARD_ROLES = TENANT_READERS
PROFILE_ROLES = (*DASHBOARD_ROLES, Role.ENTERPRISE_USER)


def _int(value: str | None, low: int, high: int) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if low <= number <= high else None


def _scope(request: AuthedRequest, park: Park | None = None) -> Scope:
    """The user's parks, narrowed by ``park`` (or the ?park= filter, 404 outside the scope), and the period."""
    parks = Park.objects.visible_to(request.user)
    if park is None and request.GET.get("park"):
        park = get_visible_or_404(Park.objects.all(), request.user, pk=request.GET["park"])
    if park is not None:
        parks = parks.filter(pk=park.pk)
    year = _int(request.GET.get("year"), 2000, 2100)
    month = _int(request.GET.get("month"), 1, 12)
    if year is None or month is None:
        default = selectors.default_period(parks, request.user.region_id or "", request.user)
        year = year or default[0]
        month = month or (default[1] if year == default[0] else 12)
    return Scope(user=request.user, parks=parks, year=year, month=month, park=park,
                 region_code=request.user.region_id or "")


def _period_choices(scope: Scope) -> dict[str, Any]:
    """The year and month choices, the open rounds one click away (快报), and the latest final period."""
    today = selectors.today()
    park = {"park": scope.park.pk} if scope.park else {}
    final = figure_layer.default_period(scope.fig)
    open_periods = [{"label": p.label, "query": urlencode({"year": p.year, "month": p.last, **park})}
                    for p in figure_layer.open_periods(scope.fig) if (p.year, p.last) != (scope.year, scope.month)]
    final_query = (urlencode({"year": final.year, "month": final.last, **park})
                   if (final.year, final.last) != (scope.year, scope.month) else "")
    return {"years": list(range(today.year, today.year - 6, -1)), "months": list(range(1, 13)),
            "open_periods": open_periods, "final_query": final_query}


@login_required
def cockpit(request: AuthedRequest) -> HttpResponse:
    """The region cockpit: KPI cards and charts, with period and park filters. An operator's covers its parks."""
    require_page_role(request.user, DASHBOARD_ROLES)
    scope = _scope(request)
    if request.GET.get("export") in ("xlsx", "csv"):
        return _figures_export(request, scope)
    return render(request, "dashboards/cockpit.html", {
        "scope": scope, "kpi": selectors.kpis(scope), "charts": list(selectors.COCKPIT_CHARTS),
        "extra_cards": [c for c in (card.compute(scope.fig, scope.period) for card in cockpit_cards.cards()) if c],
        "sections": selectors.figure_sections(scope, "park"),
        "park_choices": Park.objects.visible_to(request.user).order_by("name_pinyin").values_list("pk", "name"),
        "query": scope.params(), **_period_choices(scope),
        # Cards registered by apps below the dashboards (policies: 兑现金额, 免申即享, agreements).
        "panels": panels.render("cockpit", request),
    })


def _figures_export(request: AuthedRequest, scope: Scope) -> HttpResponse:
    """Every figure of the cockpit's scope and period, with its unit, 口径 and status (终数 or 快报), as a sheet:
    the same numbers as the cards and /api/figures/."""
    data = figure_layer.all_figures(scope.fig, scope.period)
    status: figure_layer.PeriodStatus = data["status"]
    groups = [(_("Stock at the period's end"), data["stock"]), (_("Flow within the period"), data["flow"])]
    groups += [(ind.name, ind.figures()) for ind in data["indicators"]]
    groups += [(group.title, items) for group, items in data["groups"]]
    rows: list[list[Any]] = []
    for group, items in groups:
        for f in items:
            value = round(f.value, 4) if isinstance(f.value, Decimal) else f.value
            rows.append([group, f.label, value, f.unit, "终数" if f.final else "快报", f.definition, f.source])
    if status.provisional:
        rows.append([_("Note"), f"{scope.period.label}{status.mark}", None, "", "快报", "", ""])
    headers = [_("Group"), _("Figure"), _("Value"), _("Unit"), _("Status"), _("Definition (口径)"), _("Source")]
    park = {"park": scope.park.pk} if scope.park else {}
    return export_response(actor=request.user, fmt=request.GET["export"],
                           name=f"figures-{scope.year}-{scope.month:02d}", headers=headers, rows=rows,
                           object_type="figures", filters={"year": scope.year, "month": scope.month, **park})


@login_required
@require_GET
def chart_data(request: AuthedRequest, chart: str) -> JsonResponse:
    """One chart of the cockpit as an ECharts option (JSON), for the page's period and park filters."""
    require_page_role(request.user, DASHBOARD_ROLES)
    if chart not in selectors.CHARTS:
        raise Http404
    return JsonResponse(selectors.CHARTS[chart](_scope(request)))


@login_required
def park_dashboard(request: AuthedRequest, pk: int) -> HttpResponse:
    """One park: occupancy, enterprises by stage and industry, reporting completion, output trend, leads
    and projects."""
    require_page_role(request.user, DASHBOARD_ROLES)
    park = get_visible_or_404(Park.objects.all(), request.user, pk=pk)
    scope = _scope(request, park)
    return render(request, "dashboards/park.html", {
        "scope": scope, "park": park, "summary": selectors.park_summary(scope), "charts": list(selectors.PARK_CHARTS),
        "sections": selectors.figure_sections(scope, "detail"),
        "query": scope.params(), **_period_choices(scope),
    })


@login_required
@require_GET
def park_chart_data(request: AuthedRequest, pk: int, chart: str) -> JsonResponse:
    """One chart of a park's dashboard (JSON)."""
    require_page_role(request.user, DASHBOARD_ROLES)
    park = get_visible_or_404(Park.objects.all(), request.user, pk=pk)
    if chart not in selectors.PARK_CHARTS:
        raise Http404
    return JsonResponse(selectors.PARK_CHARTS[chart](_scope(request, park)))


def _profile_year(request: AuthedRequest) -> int:
    return _int(request.GET.get("year"), 2000, 2100) or selectors.today().year


@login_required
def enterprise_profile(request: AuthedRequest, pk: int) -> HttpResponse:
    """企业画像: the enterprise's indicators against its park's median, its settlements, projects and cases."""
    require_page_role(request.user, PROFILE_ROLES)
    enterprise = get_visible_or_404(Enterprise.objects.all(), request.user, pk=pk)
    year = _profile_year(request)
    profile = selectors.enterprise_profile(enterprise, year)
    if not profile:  # nothing approved this year or last: show the latest year with data
        latest = (ReportValue.objects.filter(enterprise=enterprise, report__status=Report.Status.APPROVED)
                  .order_by("-year").values_list("year", flat=True).first())
        if latest and latest != year:
            year, profile = latest, selectors.enterprise_profile(enterprise, latest)
    settlements = Settlement.objects.visible_to(request.user).filter(enterprise=enterprise).select_related("park")
    projects = cases = None
    if request.user.role in DASHBOARD_ROLES:
        projects = Project.objects.visible_to(request.user).filter(investor_enterprise=enterprise)
        cases = Case.objects.visible_to(request.user).filter(
            Q(enterprise=enterprise) | Q(project__investor_enterprise=enterprise)).distinct()
    return render(request, "dashboards/enterprise.html", {
        "enterprise": enterprise, "year": year, "year_str": str(year), "year_prev": year - 1, "profile": profile,
        "settlements": settlements,
        "projects": projects, "cases": cases,
    })


@login_required
@require_GET
def enterprise_chart_data(request: AuthedRequest, pk: int, code: str) -> JsonResponse:
    """One indicator of an enterprise against its park's median (JSON)."""
    require_page_role(request.user, PROFILE_ROLES)
    enterprise = get_visible_or_404(Enterprise.objects.all(), request.user, pk=pk)
    if code not in selectors.PROFILE_INDICATORS:
        raise Http404
    return JsonResponse(selectors.chart_enterprise(enterprise, _profile_year(request), code))


def _figures_spec(unit: str) -> ListSpec:
    return ListSpec(
        filters=[
            Filter("park", _("Park"), lambda r: list(Park.objects.visible_to(r.user).values_list("pk", "name"))),
            Filter("section", _("Industry section"), lambda r: list(IndustryCode.objects.filter(
                level=IndustryCode.Level.SECTION).values_list("code", "name")), "report__industry_section"),
            Filter("above", _("Above designated size"), [("1", _("Yes")), ("0", _("No"))], "report__above_scale"),
        ],
        sorts={"ytd": ("ytd_value",), "value": ("period_value",), "name": ("enterprise__name_pinyin",)},
        default_sort="-ytd",
        search=lambda qs, q: qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__name_initials__contains=q)),
        columns=lambda r: [
            Column(_("Enterprise"), lambda v: v.enterprise.name),
            Column(_("Park"), lambda v: v.park.name),
            Column(_("For the period (%(unit)s)") % {"unit": unit}, lambda v: v.period_value),
            Column(_("Year to date (%(unit)s)") % {"unit": unit}, lambda v: v.ytd_value),
        ],
        export_name="figures",
    )


@login_required
def figures(request: AuthedRequest) -> HttpResponse:
    """The approved enterprise values behind a statistics chart: one indicator and period, by park and
    industry."""
    require_page_role(request.user, DASHBOARD_ROLES)
    scope = _scope(request)
    indicator = Indicator.objects.filter(code=request.GET.get("indicator") or "output").first()
    if indicator is None:
        raise Http404
    qs = (ReportValue.objects.visible_to(request.user).filter(indicator=indicator, year=scope.year,
                                                              month=scope.month,
                                                              report__status=Report.Status.APPROVED)
          .select_related("enterprise", "park"))
    return run_list(request, qs, _figures_spec(indicator.unit), "dashboards/figures.html", {
        "indicator": indicator, "scope": scope,
        "indicators": Indicator.objects.active().values_list("code", "name"),
        "hidden_params": [("indicator", indicator.code), ("year", scope.year), ("month", scope.month)],
        "kept_params": [(k, request.GET[k]) for k in ("park", "section", "above", "q", "sort") if request.GET.get(k)],
        **_period_choices(scope),
    })
