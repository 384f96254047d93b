"""The statistics endpoints of the REST API (/api/stats/): the dictionary, reports, review, aggregates.

Same scopes and services as the pages: an object outside the caller's scope is a 404; a refused
input is a 422 with the reasons by field (``v_<indicator id>`` for a value, ``e_<id>`` for a
missing explanation), in the caller's language.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import StringConstraints

from yuanqu.api.api import ERRORS, Pagination
from yuanqu.api.schemas import Id, In, Month, Year
from yuanqu.core.forms import parse_number_input
from yuanqu.core.roles import BUSINESS_ROLES, EDIT_PARK, REPORT_FILLERS, TENANT_READERS, Role
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_role
from yuanqu.core.types import AuthedRequest
from yuanqu.parks.models import Park

from . import queries, selectors, services
from .models import Indicator, Report, months_of
from .services import Entry


class IndicatorOut(Schema):
    """An indicator of the dictionary."""

    id: int
    code: str
    name: str
    unit: str
    frequency: str
    aggregation: str
    basis: str
    department: str
    audience: str
    part_of: int | None = Field(alias="part_of_id")
    required: bool
    min_value: Decimal | None
    max_value: Decimal | None
    change_threshold_pct: Decimal | None
    change_action: str
    decimals: int
    active: bool


class ReportOut(Schema):
    """A statistics report: whose, for which period and park, and where it stands."""

    id: int
    round: int = Field(alias="round_id")
    year: int = Field(alias="round.year")
    month: int = Field(alias="round.month")
    frequency: str = Field(alias="round.frequency")
    enterprise: int = Field(alias="enterprise_id")
    enterprise_name: str = Field(alias="enterprise.name")
    park: int = Field(alias="park_id")
    status: str
    locked: bool = Field(alias="round.locked")
    submitted_at: dt.datetime | None
    park_reviewed_at: dt.datetime | None
    approved_at: dt.datetime | None
    return_reason: str


class ReportValueOut(Schema):
    """One value of a report (``value`` is null for 无数据 or not answered)."""

    indicator: str
    value: Decimal | None
    no_data: bool
    no_data_reason: str
    explanation: str
    warning: str


class ReportDetailOut(ReportOut):
    """A report with its values."""

    values: list[ReportValueOut]


class EntryIn(In):
    """One indicator's entry: a number (a string may use full-width digits and separators), or 无数据."""

    indicator: str = Field(max_length=50, description="indicator code, e.g. output")
    value: Decimal | Annotated[str, StringConstraints(max_length=100)] | None = None
    no_data: bool = False
    no_data_reason: str = Field("", max_length=200)
    explanation: str = Field("", max_length=500)


class EntriesIn(In):
    """The entries of a report; ``submit`` submits it, otherwise it is saved as a draft."""

    entries: list[EntryIn] = Field(max_length=500)
    submit: bool = False


class ReasonIn(In):
    """A reason (for returning a report)."""

    reason: str = Field(max_length=300)


class AggregateRowOut(Schema):
    """One park's figures for the period (or the total, with ``park`` null)."""

    park: int | None
    name: str
    value: Decimal | None
    ytd: Decimal | None
    yoy_pct: Decimal | None = Field(description="同比 of 累计: % (个百分点 for a rate)")
    mom_pct: Decimal | None = Field(description="环比: % (个百分点 for a rate)")
    reporters: int
    expected: int | None
    reported: int | None
    completion_pct: Decimal | None
    per_mu: Decimal | None


class AggregatesOut(Schema):
    """Aggregates of one indicator and period over the caller's parks."""

    indicator: str
    unit: str
    year: int
    month: int
    segment: str
    provisional: bool = Field(description="快报（初步数）：本期统计轮次尚未全部锁定")
    mark: str = Field(description="快报标注（含完成率）；终数时为空")
    parks: list[AggregateRowOut]
    total: AggregateRowOut


router = Router(tags=["statistics"])


@router.get("/indicators", response=list[IndicatorOut])
def list_indicators(request: AuthedRequest, active: bool = True) -> Any:
    """The indicator dictionary (active indicators unless ``active=false``)."""
    qs = Indicator.objects.visible_to(request.user)
    return list(qs.filter(active=True) if active else qs)


class ReportFilter(In):
    """Query parameters of the report list."""

    round: Id | None = None
    status: str = ""
    park: Id | None = None
    enterprise: Id | None = None


@router.get("/reports", response=list[ReportOut])
@paginate(Pagination)
def list_reports(request: AuthedRequest, filters: Query[ReportFilter]) -> Any:
    """Reports the caller may see, by round, status, park or enterprise."""
    qs = queries.reports_for_list(request.user)
    if filters.round is not None:
        qs = qs.filter(round_id=filters.round)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.park is not None:
        qs = qs.filter(park_id=filters.park)
    if filters.enterprise is not None:
        qs = qs.filter(enterprise_id=filters.enterprise)
    return qs.order_by("-round__year", "-round__month", "pk")


def _detail(report: Report) -> Report:
    report.values_out = [  # type: ignore[attr-defined]
        {"indicator": v.indicator.code, "value": v.value, "no_data": v.no_data, "no_data_reason": v.no_data_reason,
         "explanation": v.explanation, "warning": v.warning}
        for v in report.values.select_related("indicator").order_by("indicator__sort_order", "indicator__code")]
    return report


def _report(request: AuthedRequest, report_id: Id) -> Report:
    return get_visible_or_404(Report.objects.select_related("round", "enterprise", "park"), request.user,
                              pk=report_id)


class _DetailOut(ReportDetailOut):
    @staticmethod
    def resolve_values(obj: Any) -> list[dict[str, Any]]:
        return list(getattr(obj, "values_out", []))


@router.get("/reports/{report_id}", response={200: _DetailOut, **ERRORS})
def get_report(request: AuthedRequest, report_id: Id) -> Any:
    """One report with its values."""
    require_role(request.user, BUSINESS_ROLES)
    return _detail(_report(request, report_id))


@router.post("/reports/{report_id}/entries", response={200: _DetailOut, **ERRORS})
def save_report_entries(request: AuthedRequest, report_id: Id, payload: EntriesIn) -> Any:
    """Save the report's entries as a draft, or submit them (``submit: true``); indicators left out keep
    what was saved before."""
    require_role(request.user, REPORT_FILLERS)
    report = _report(request, report_id)
    by_code = {ind.code: ind for ind in selectors.indicators_for(report)}
    # The service saves every indicator of the report: what the call leaves out keeps its stored entry.
    entries: dict[int, Entry] = {
        v.indicator_id: Entry(value=v.value, no_data=v.no_data, no_data_reason=v.no_data_reason,
                              explanation=v.explanation) for v in report.values.all()}
    errors: dict[str, list[str]] = {}
    for item in payload.entries:
        ind = by_code.get(item.indicator)
        if ind is None:
            errors.setdefault("entries", []).append(
                _("The report does not ask for the indicator %(code)s.") % {"code": item.indicator})
            continue
        try:
            value = parse_number_input(item.value, unit=ind.unit)
        except ValidationError as exc:
            errors[f"v_{ind.pk}"] = [f"{ind.name}: {m}" for m in exc.messages]
            continue
        entries[ind.pk] = Entry(value=None if item.no_data else value, no_data=item.no_data,
                                no_data_reason=item.no_data_reason, explanation=item.explanation)
    if errors:
        raise ValidationError(errors)
    report = services.report_save(actor=request.user, report=report, entries=entries, submit=payload.submit)
    return _detail(_report(request, report.pk))


@router.post("/reports/{report_id}/park-review", response={200: ReportOut, **ERRORS})
def park_review_report(request: AuthedRequest, report_id: Id) -> Any:
    """The park's first review (初审): submitted → awaiting the district."""
    require_role(request.user, EDIT_PARK)
    return services.report_park_review(actor=request.user, report=_report(request, report_id))


@router.post("/reports/{report_id}/approve", response={200: ReportOut, **ERRORS})
def approve_report(request: AuthedRequest, report_id: Id) -> Any:
    """The district's approval (终审): the values enter the aggregates."""
    require_role(request.user, (Role.REGION_STAFF,))
    return services.report_approve(actor=request.user, report=_report(request, report_id))


@router.post("/reports/{report_id}/return", response={200: ReportOut, **ERRORS})
def return_report(request: AuthedRequest, report_id: Id, payload: ReasonIn) -> Any:
    """Return a report to the enterprise with a reason (退回)."""
    require_role(request.user, EDIT_PARK)
    return services.report_return(actor=request.user, report=_report(request, report_id), reason=payload.reason)


class AggregateFilter(In):
    """Query parameters of the aggregates: indicator code, period, park, segment (all / above)."""

    indicator: str = Field("", max_length=50)
    year: Year | None = None
    month: Month | None = None
    park: Id | None = None
    segment: str = "all"


def _row(park: Park | None, name: str, row: queries.AggregateRow) -> dict[str, Any]:
    c = row.completion
    return {"park": park.pk if park else None, "name": name, "value": row.figure.value, "ytd": row.figure.ytd,
            "yoy_pct": _round(row.yoy), "mom_pct": _round(row.mom), "reporters": row.figure.reporters,
            "expected": c.expected if c else None, "reported": c.reported if c else None,
            "completion_pct": _round(c.rate) if c else None, "per_mu": _round(row.per_mu, 4)}


def _round(value: Decimal | None, places: int = 2) -> Decimal | None:
    return None if value is None else round(Decimal(value), places)


@router.get("/aggregates", response={200: AggregatesOut, **ERRORS})
def get_aggregates(request: AuthedRequest, filters: Query[AggregateFilter]) -> Any:
    """An indicator by park for a period, with 累计, 同比, 环比, reporters, completion and 亩均, and the total."""
    require_role(request.user, TENANT_READERS)
    parks: QuerySet[Park] = Park.objects.visible_to(request.user)
    indicators = Indicator.objects.visible_to(request.user)
    if filters.indicator:
        # A NUL cannot be in a code, and PostgreSQL refuses it in a query: answer as for any unknown code.
        indicator = None if "\x00" in filters.indicator else indicators.filter(code=filters.indicator).first()
        if indicator is None:
            raise ValidationError({"indicator": [_("No indicator has the code %(code)s.")
                                                 % {"code": filters.indicator}]})
    else:
        indicator = indicators.active().first()
        if indicator is None:
            raise Http404
    if filters.park is not None:
        parks = parks.filter(pk=filters.park)
        if not parks.exists():
            raise Http404
    if filters.segment not in ("all", "above"):
        raise ValidationError({"segment": [_("The segment is all or above.")]})
    if filters.year is None or filters.month is None:
        year, month = queries.default_period(indicator, parks, getattr(request.user, "region_id", ""))
    else:
        year, month = filters.year, filters.month
        if not 2000 <= year <= 2100:
            raise ValidationError({"year": [_("Enter a year between 2000 and 2100.")]})
        if month not in months_of(indicator.frequency):
            raise ValidationError({"month": [_("%(name)s has no period ending in month %(month)s.")
                                             % {"name": indicator.name, "month": month}]})
    data = queries.aggregates(request.user, indicator, year, month, parks, filters.segment)
    assert data.total is not None
    return {"indicator": indicator.code, "unit": indicator.unit, "year": year, "month": month,
            "segment": filters.segment, "provisional": data.provisional, "mark": data.mark,
            "parks": [_row(r.park, r.label, r) for r in data.rows],
            "total": _row(None, str(data.total.label), data.total)}

