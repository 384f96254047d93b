"""The figures layer: every number shown for a scope and a period, computed here once (DESIGN rule 11).

- **Stock** figures (parks in operation, enterprises signed / fitting out / moved in) are counted at the
  period's end from the dated stages, so a past period's figure does not drift as settlements move on.
- **Flow** figures (new signings, move-ins, exits, new leads, projects reaching a stage, signed investment)
  count what happened within the period.
- **Indicator** figures (工业总产值, 税收 …) sum the approved values (via the rollups where the scope allows,
  else the raw values) with 累计, 同比, 环比 (个百分点 for rates), reporters, completion (已报/应报), the 规上
  subset and 亩均. A period whose round is not locked is **provisional** (快报): every figure over it says
  so, and its growth is also given like-for-like (同口径: the enterprises approved in both years).

Each figure carries its 口径 (definition, source, final or not), which pages show on hover, the API returns
and briefings print in their 附注. The 口径 texts are Chinese by nature (statistical definitions), like the
bulletins that quote them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from yuanqu.core.models import IndustryCode
from yuanqu.core.numbers import change, pct_points, share
from yuanqu.core.roles import ENTERPRISE_SIDE
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.enterprises.models import Enterprise, Settlement, SettlementQuerySet, StageCounts
from yuanqu.investment.models import Lead, Project, ProjectStage
from yuanqu.parks.models import Park, Unit
from yuanqu.stats.models import Indicator, RegionRollup, Report, ReportValue, Rollup, Round, Target, months_of
from yuanqu.stats.rollups import REGION_LEVELS
from yuanqu.stats.selectors import Completion, provisional_mark

from . import snapshots
from .periods import Period

#: Units that can be let: the vacancy rate is vacant area over these.
LETTABLE = (Unit.Status.VACANT, Unit.Status.RESERVED, Unit.Status.LEASED, Unit.Status.SOLD)
#: Key projects: every level above an ordinary project.
KEY_LEVELS = (Project.Level.NATIONAL, Project.Level.PROVINCE, Project.Level.CITY, Project.Level.DISTRICT)

SOURCE_SETTLEMENTS = "入驻登记（签约、装修、入驻、退出各步骤的日期）"
SOURCE_REPORTS = "企业统计报表（经审核通过的数据）"
SOURCE_PROJECTS = "重点项目库（各阶段实际达到日期）"
SOURCE_LEADS = "招商线索库"
SOURCE_PARKS = "园区登记"
SOURCE_UNITS = "楼宇单元登记（当前状态）"


@dataclass(frozen=True)
class Figure:
    """One number with its 口径: what it counts, where it comes from, and whether it is final."""

    key: str
    label: str
    value: Decimal | int | None
    unit: str
    definition: str
    source: str
    final: bool = True
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "value": self.value, "unit": self.unit,
                "definition": self.definition, "source": self.source, "final": self.final,
                "provisional": not self.final, "note": self.note}


@dataclass
class FigureScope:
    """Where figures are counted: parks already scoped to the user (or to a briefing's region), narrowed by
    park, industry section (门类) or class (代码前缀), or one enterprise."""

    user: Any
    region_code: str
    parks: QuerySet[Park]
    park: Park | None = None
    section: str = ""
    industry: str = ""
    enterprise: Enterprise | None = None
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def narrowed_by_enterprise_attributes(self) -> bool:
        return bool(self.section or self.industry or self.enterprise)

    @property
    def region_wide(self) -> bool:
        """No park filter: leads and projects without a park count too."""
        return self.park is None

    @property
    def park_ids(self) -> list[int]:
        """The scope's parks, read once (as the user may see them): every park-level table is filtered by this
        list, so each figure's query needs no join back to the parks and their regions."""
        if "park_ids" not in self._cache:
            parks = self.parks if self.user is None else self.parks & Park.objects.visible_to(self.user)
            self._cache["park_ids"] = list(parks.order_by().values_list("pk", flat=True))
        return self._cache["park_ids"]  # type: ignore[no-any-return]

    @property
    def whole_region(self) -> str:
        """The region code when the scope is every park of the user's (or briefing's) region and nothing
        narrower, else "": such a scope reads the region cells (one row, not a park's each) and filters the
        park tables by the region code instead of a list of a thousand ids. Decided by comparing the scope's
        parks with the region's, so a scope built any other way never takes this path by mistake."""
        if "whole_region" not in self._cache:
            code = self.region_code or ""
            whole = ""
            if (len(code) in REGION_LEVELS and self.park is None
                    and getattr(self.user, "role", None) not in ENTERPRISE_SIDE):
                # Two EXISTS in the database, no list of ids: no park of the region outside the scope, and no
                # park of the scope outside the region.
                parks = self.parks if self.user is None else self.parks & Park.objects.visible_to(self.user)
                region = Park.objects.in_region(code)
                same = (not region.exclude(pk__in=parks.order_by().values("pk")).exists()
                        and not parks.exclude(pk__in=region.order_by().values("pk")).exists())
                whole = code if same else ""
            self._cache["whole_region"] = whole
        return self._cache["whole_region"]  # type: ignore[no-any-return]

    def park_q(self, path: str = "park") -> Q:
        """The scope's parks as a condition on the park at ``path``."""
        if self.whole_region:
            # an archived park leaves every figure (core.archive), as it leaves the scope's park list
            return Q(**{f"{path}__region__code__startswith": self.whole_region,
                        f"{path}__archived_at__isnull": True})
        return Q(**{f"{path}_id__in": self.park_ids})

    def _in_scope(self, qs: Any) -> Any:
        """Rows of the scope's parks; an enterprise user's own rows only (its scope is narrower than a park)."""
        qs = qs.filter(self.park_q())
        if self.user is not None and getattr(self.user, "role", None) in ENTERPRISE_SIDE:
            qs = qs.visible_to(self.user)
        return qs

    def settlements(self) -> SettlementQuerySet:
        qs = self._in_scope(Settlement.objects.all())
        # an archived enterprise's settlements leave the counts (core.archive)
        return qs.filter(self._enterprise_q("enterprise__"),  # type: ignore[no-any-return]
                         enterprise__archived_at__isnull=True)

    def _enterprise_q(self, prefix: str) -> Q:
        q = Q()
        if self.section:
            q &= Q(**{f"{prefix}industry__section": self.section})
        if self.industry:
            q &= Q(**{f"{prefix}industry_id__startswith": self.industry})
        if self.enterprise is not None:
            q &= Q(**{f"{prefix}pk": self.enterprise.pk})
        return q

    def _narrowed(self, qs: Any, enterprise_field: str) -> Any:
        """Leads or projects of the scope: the user's (or the region's), in its parks unless region-wide, of its
        industry and enterprise."""
        qs = qs if self.region_wide else qs.in_parks(self.parks)
        if self.section:
            qs = qs.filter(industry__section=self.section)
        if self.industry:
            qs = qs.filter(industry_id__startswith=self.industry)
        if self.enterprise is not None:
            qs = qs.filter(**{enterprise_field: self.enterprise})
        return qs

    def leads(self) -> QuerySet[Lead]:
        qs = Lead.objects.visible_to(self.user) if self.user is not None else Lead.objects.in_region(self.region_code)
        return self._narrowed(qs, "enterprise")  # type: ignore[no-any-return]

    def projects(self) -> QuerySet[Project]:
        qs = (Project.objects.visible_to(self.user) if self.user is not None
              else Project.objects.in_region(self.region_code))
        return self._narrowed(qs, "investor_enterprise")  # type: ignore[no-any-return]

    def rollups(self) -> QuerySet[Rollup]:
        return self._in_scope(Rollup.objects.all())  # type: ignore[no-any-return]

    def values(self) -> QuerySet[ReportValue]:
        """The approved values of the scope (raw), for figures the rollups cannot give."""
        # an archived enterprise's values leave every figure, as they leave the rollups (stats.rollups)
        qs = self._in_scope(ReportValue.objects.all()).filter(report__status=Report.Status.APPROVED,
                                                               enterprise__archived_at__isnull=True)
        if self.section:
            qs = qs.filter(report__industry_section=self.section)
        if self.industry:
            qs = qs.filter(enterprise__industry_id__startswith=self.industry)
        if self.enterprise is not None:
            qs = qs.filter(enterprise=self.enterprise)
        return qs

    def reports(self) -> QuerySet[Report]:
        # an archived enterprise is neither expected nor counted in the completion (已报/应报)
        qs = self._in_scope(Report.objects.all()).filter(enterprise__archived_at__isnull=True)
        if self.section:
            qs = qs.filter(industry_section=self.section)
        if self.industry:
            qs = qs.filter(enterprise__industry_id__startswith=self.industry)
        if self.enterprise is not None:
            qs = qs.filter(enterprise=self.enterprise)
        return qs

    def rounds(self) -> QuerySet[Round]:
        """The reporting rounds that cover the scope: its park's region, or the scope's region."""
        region = self.park.region_id if self.park is not None else self.region_code
        return Round.objects.in_region(region)

    def indicator(self, code: str) -> Indicator | None:
        key = f"ind:{code}"
        if key not in self._cache:
            self._cache[key] = Indicator.objects.filter(code=code).first()
        return self._cache[key]  # type: ignore[no-any-return]

    def describe(self) -> str:
        """The scope in words, for 口径 and document titles."""
        parts = [self.park.name if self.park is not None else "全部园区"]
        if self.section:
            parts.append(IndustryCode.objects.filter(pk=self.section).values_list("name", flat=True).first()
                         or self.section)
        if self.industry:
            parts.append(IndustryCode.objects.filter(pk=self.industry).values_list("name", flat=True).first()
                         or self.industry)
        if self.enterprise is not None:
            parts.append(self.enterprise.name)
        return " · ".join(parts)


def scope_for(user: Any, *, park: Any = None, section: str = "", industry: str = "",
              enterprise: Any = None) -> FigureScope:
    """The figures scope of ``user``, narrowed as asked; a park or enterprise outside it is a 404 (ids or
    objects accepted), an unknown industry code too."""
    parks = Park.objects.visible_to(user)
    park_obj: Park | None = None
    if park not in (None, ""):
        park_obj = park if isinstance(park, Park) else get_visible_or_404(Park.objects.all(), user, pk=park)
        if not parks.filter(pk=park_obj.pk).exists():
            raise Http404
        parks = parks.filter(pk=park_obj.pk)
    ent: Enterprise | None = None
    if enterprise not in (None, ""):
        ent = (enterprise if isinstance(enterprise, Enterprise)
               else get_visible_or_404(Enterprise.objects.all(), user, pk=enterprise))
        if not Enterprise.objects.visible_to(user).filter(pk=ent.pk).exists():
            raise Http404
    section = (section or "").strip().upper()
    industry = (industry or "").strip()
    if section and not IndustryCode.objects.filter(pk=section, level=IndustryCode.Level.SECTION).exists():
        raise Http404
    if industry and not IndustryCode.objects.filter(pk=industry).exists():
        raise Http404
    return FigureScope(user=user, region_code=getattr(user, "region_id", "") or "", parks=parks, park=park_obj,
                       section=section, industry=industry, enterprise=ent)


def scope_for_region(region_code: str, park: Park | None = None) -> FigureScope:
    """The figures of a region (or one of its parks) read on its own behalf: briefings, scheduled exports."""
    parks = Park.objects.filter(pk=park.pk) if park is not None else Park.objects.in_region(region_code)
    return FigureScope(user=None, region_code=region_code, parks=parks, park=park)


# --------------------------------------------------------------------------- periods: default, status


@dataclass
class PeriodStatus:
    """Whether a period's statistics are final: every round of it locked. Otherwise 快报 (provisional), with the
    completion of its last round (counted when first asked for: the charts only need the flag)."""

    period: Period
    rounds: int
    locked: int
    last_rounds: list[int] = field(default_factory=list)
    reports: QuerySet[Report] | None = None
    _completion: Completion | None = field(default=None, repr=False)

    @property
    def final(self) -> bool:
        return self.rounds > 0 and self.locked == self.rounds

    @property
    def provisional(self) -> bool:
        return not self.final

    @property
    def completion(self) -> Completion:
        """已报/应报 of the period's last round in the scope."""
        if self._completion is None:
            completion = Completion()
            if self.last_rounds and self.reports is not None:
                for status, n in (self.reports.filter(round_id__in=self.last_rounds).order_by().values_list("status")
                                  .annotate(n=Count("pk")).values_list("status", "n")):
                    completion.expected += n
                    completion.reported += n if status in Report.REPORTED else 0
                    completion.approved += n if status == Report.Status.APPROVED else 0
            self._completion = completion
        return self._completion

    @property
    def mark(self) -> str:
        """快报 with its completion, or "" when final: what every surface shows beside the period."""
        if self.final:
            return ""
        return provisional_mark(self.completion if self.rounds else None)


def period_status(scope: FigureScope, period: Period, frequency: str = "month") -> PeriodStatus:
    """The rounds ``period`` is stated from (at ``frequency``, in the scope's region) and the completion of the
    last: for a period from January, its last month's round (which reports the 累计); else every month's."""
    key = f"status:{period}:{frequency}"
    if key in scope._cache:
        return scope._cache[key]  # type: ignore[no-any-return]
    months = [m for m in period.months if m in months_of(frequency)]
    if period.is_year_to_date and months:
        # A period from January is stated by its last month's 累计, reported in that month's round alone.
        months = months[-1:]
    rounds = list(scope.rounds().filter(frequency=frequency, year=period.year, month__in=months)
                  .values_list("pk", "month", "locked"))
    covered = {m for _pk, m, _locked in rounds}
    locked = sum(1 for _pk, _m, is_locked in rounds if is_locked)
    last = [pk for pk, m, _locked in rounds if m == max(months, default=0)]
    # A month of the period with no round at all is not final either.
    result = PeriodStatus(period=period, rounds=len(rounds) + len(set(months) - covered), locked=locked,
                          last_rounds=last, reports=scope.reports())
    scope._cache[key] = result
    return result


def default_period(scope: FigureScope, today: dt.date | None = None) -> Period:
    """The period pages and new briefings open on: January to the latest locked monthly round of the region
    (its figures are final); else the latest month with approved data; else last month."""
    locked = (scope.rounds().filter(frequency="month", locked=True).order_by("-year", "-month")
              .values_list("year", "month").first())
    if locked:
        return Period.to_month(*locked)
    found = scope.rollups().filter(segment="all").order_by("-year", "-month").values_list("year", "month").first()
    if found:
        return Period.to_month(*found)
    today = today or timezone.localdate()
    last = today.replace(day=1) - dt.timedelta(days=1)
    return Period.to_month(last.year, last.month)


def open_periods(scope: FigureScope) -> list[Period]:
    """The monthly rounds still open, latest first: one click away from the default, marked 快报."""
    return [Period.to_month(y, m) for y, m in scope.rounds().filter(frequency="month", locked=False)
            .order_by("-year", "-month").values_list("year", "month")[:3]]


# --------------------------------------------------------------------------- stock and flow figures


def _counted(scope: FigureScope, on: dt.date) -> bool:
    """Whether the counted months (``ParkMonth``) can answer for the scope at ``on``: a month that has ended,
    for whole parks (an industry or an enterprise narrows below a park) read by a park-side or district user."""
    # The counted months know nothing of archiving: while an enterprise is archived, count from the rows.
    usable = (snapshots.counted(on) and not scope.narrowed_by_enterprise_attributes
              and not Enterprise.objects.filter(archived_at__isnull=False).exists()
              and getattr(scope.user, "role", None) not in ENTERPRISE_SIDE)
    if usable and "refreshed" not in scope._cache:
        snapshots.refresh()  # once per scope (one request): the reads below then skip the check
        scope._cache["refreshed"] = True
    return usable


def stage_counts(scope: FigureScope, on: dt.date) -> StageCounts:
    """Settlements of the scope by stage at the end of day ``on`` (the one count every surface uses): from the
    counted months at a month's end, else from the dated steps of the rows."""
    key = f"stages:{on}"
    if key not in scope._cache:
        scope._cache[key] = (snapshots.stage_counts(scope.park_q(), on) if _counted(scope, on)
                             else scope.settlements().counts_by_stage(on=on))
    return scope._cache[key]  # type: ignore[no-any-return]


def stage_counts_by_park(scope: FigureScope, on: dt.date) -> dict[int, StageCounts]:
    key = f"stages_by_park:{on}"
    if key not in scope._cache:
        scope._cache[key] = (snapshots.stage_counts_by_park(scope.park_q(), on) if _counted(scope, on)
                             else scope.settlements().counts_by_park_and_stage(on=on))
    return scope._cache[key]  # type: ignore[no-any-return]


def parks_operating(scope: FigureScope, on: dt.date) -> int:
    """Parks in operation at ``on``: status 运营 and opened on or before ``on`` (or with no opening date)."""
    return scope.parks.filter(Q(opened_on__isnull=True) | Q(opened_on__lte=on),
                              status=Park.Status.OPERATING).count()


def stock(scope: FigureScope, period: Period) -> dict[str, Figure]:
    """The stock figures at the period's end."""
    end = min(period.end, timezone.localdate())
    day = f"{end.year}年{end.month}月{end.day}日"
    counts = stage_counts(scope, end)
    waiting = counts.signed - counts.moved_in
    units = Unit.objects.filter(scope.park_q("building__park"), status__in=LETTABLE).aggregate(
        area=Sum("area_m2"), vacant_area=Sum("area_m2", filter=Q(status=Unit.Status.VACANT)),
        vacant=Count("id", filter=Q(status=Unit.Status.VACANT)))
    today = timezone.localdate()
    now = f"{today.year}年{today.month}月{today.day}日"
    out = [
        Figure("parks_operating", "运营园区", parks_operating(scope, end), "个",
               f"截至{day}状态为运营、且开园日期不晚于该日（或未填开园日期）的园区数；不随行业筛选变化。",
               SOURCE_PARKS),
        Figure("parks", "园区总数", scope.parks.count(), "个", "登记在册的园区（含规划、在建），不随期间变化。",
               SOURCE_PARKS),
        Figure("signed", "签约企业", counts.signed, "家",
               f"截至{day}已签约且尚未退出的企业数（含装修中、已入驻），按各步骤的日期计算。", SOURCE_SETTLEMENTS),
        Figure("fitout", "装修中企业", counts.get(Settlement.Stage.FITOUT, 0), "家",
               f"截至{day}已开始装修、尚未入驻的企业数。", SOURCE_SETTLEMENTS),
        Figure("moved_in", "入驻企业", counts.moved_in, "家",
               f"截至{day}已入驻且尚未退出的企业数。", SOURCE_SETTLEMENTS),
        Figure("waiting", "已签约未入驻企业", waiting, "家",
               f"截至{day}已签约（含装修中）、尚未入驻的企业数。", SOURCE_SETTLEMENTS),
        Figure("vacant_units", "空置单元", units["vacant"] or 0, "个",
               f"单元的当前状态（{now}），不随所选期间变化：单元状态没有历史记录。", SOURCE_UNITS),
        Figure("vacant_area", "空置面积", units["vacant_area"] or Decimal(0), "平方米",
               f"状态为空置的单元面积之和，当前状态（{now}），不随所选期间变化。", SOURCE_UNITS),
        Figure("lettable_area", "可租售面积", units["area"] or Decimal(0), "平方米",
               f"状态为空置、预留、已租、已售的单元面积之和，当前状态（{now}）。", SOURCE_UNITS),
        Figure("vacancy_rate", "空置率",
               share(units["vacant_area"] or 0, units["area"]) if units["area"] else None, "%",
               f"空置面积 ÷ 可租售面积（空置、预留、已租、已售单元），当前状态（{now}）。", SOURCE_UNITS),
    ]
    return {f.key: f for f in out}


def _signed_projects(scope: FigureScope, period: Period) -> QuerySet[Project]:
    return scope.projects().filter(pk__in=ProjectStage.objects.filter(
        stage=Project.Stage.SIGNED, actual_on__range=(period.start, period.end)).values("project_id"))


def _day_start(day: dt.date) -> dt.datetime:
    """The first instant of ``day`` in the site's time zone: a range on a timestamp that its index serves (a
    ``__date`` lookup converts every row first)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def flows(scope: FigureScope, period: Period) -> dict[str, Figure]:
    """What happened within the period."""
    start, end = period.start, period.end
    span = f"{period.label}内"
    if _counted(scope, end):
        moves = snapshots.flows(scope.park_q(), period.year, period.first, period.last)
    else:
        moves = scope.settlements().aggregate(
            signed=Count("id", filter=Q(signed_on__range=(start, end))),
            moved_in=Count("id", filter=Q(moved_in_on__range=(start, end))),
            exited=Count("id", filter=Q(exited_on__range=(start, end))))
    signed_projects = _signed_projects(scope, period).aggregate(n=Count("id"), amount=Sum("total_investment_wan"))
    leads = scope.leads()
    new_leads = leads.filter(created_at__gte=_day_start(start), created_at__lt=_day_start(end + dt.timedelta(days=1))
                             ).count()
    converted = leads.filter(settlement__signed_on__range=(start, end), status=Lead.Status.SIGNED).aggregate(
        n=Count("id"), amount=Sum("intended_investment_wan"))
    reached = dict(ProjectStage.objects.filter(project__in=scope.projects(), actual_on__range=(start, end))
                   .order_by().values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))
    out = [
        Figure("new_signed", "新签约企业", moves["signed"], "家", f"{span}签约入园的企业数（按签约日期）。",
               SOURCE_SETTLEMENTS),
        Figure("new_moved_in", "新入驻企业", moves["moved_in"], "家", f"{span}入驻的企业数（按入驻日期）。",
               SOURCE_SETTLEMENTS),
        Figure("exits", "退出企业", moves["exited"], "家", f"{span}退出园区的企业数（按退出日期）。",
               SOURCE_SETTLEMENTS),
        Figure("new_leads", "新增招商线索", new_leads, "条", f"{span}录入系统的招商线索数（按录入日期）。",
               SOURCE_LEADS),
        Figure("signed_projects", "新签约项目", signed_projects["n"] or 0, "个",
               f"{span}达到「签约」阶段的项目数（按实际签约日期）。", SOURCE_PROJECTS),
        Figure("signed_investment", "签约投资额", signed_projects["amount"] or Decimal(0), "万元",
               f"{span}达到「签约」阶段的项目计划总投资之和（按实际签约日期）；不含未建项目的招商线索，"
               "见「线索签约意向投资额」。", SOURCE_PROJECTS),
        Figure("lead_signed", "签约落地线索", converted["n"] or 0, "条",
               f"{span}转为入园签约的招商线索数（按入园签约日期）。", SOURCE_LEADS),
        Figure("lead_signed_investment", "线索签约意向投资额", converted["amount"] or Decimal(0), "万元",
               f"{span}转为入园签约的招商线索的意向投资额之和（按入园签约日期）。", SOURCE_LEADS),
    ]
    for stage in Project.ORDER[1:]:
        out.append(Figure(f"projects_{stage}", f"项目{Project.Stage(stage).label}", reached.get(stage, 0), "个",
                          f"{span}实际达到「{Project.Stage(stage).label}」阶段的项目数。", SOURCE_PROJECTS))
    return {f.key: f for f in out}


def key_projects_by_stage(scope: FigureScope, on: dt.date) -> dict[str, dict[str, Any]]:
    """Key projects (区级以上) by the stage reached at the end of ``on``: count and total investment.

    A project's stage at a date is the furthest stage whose actual date is on or before it; a project with no
    dated stage by then is 在谈 if it was entered by then, and a terminated one drops out from its date."""
    key = f"key_projects:{on}"
    if key not in scope._cache:
        scope._cache[key] = _key_projects_by_stage(scope, on)
    return scope._cache[key]  # type: ignore[no-any-return]


def _key_projects_by_stage(scope: FigureScope, on: dt.date) -> dict[str, dict[str, Any]]:
    stages = (*Project.ORDER, Project.Stage.TERMINATED)
    furthest = Max(Case(*[When(stages__stage=stage, stages__actual_on__lte=on, then=Value(i))
                          for i, stage in enumerate(stages)], output_field=IntegerField()))
    known = ExpressionWrapper(Q(created_at__lt=_day_start(on + dt.timedelta(days=1))), output_field=BooleanField())
    rows = (scope.projects().filter(level__in=KEY_LEVELS).order_by().values("pk")
            .annotate(rank=furthest, known=known).values_list("rank", "total_investment_wan", "known"))
    out: dict[str, dict[str, Any]] = {s: {"count": 0, "amount": Decimal(0)} for s in Project.ORDER}
    for rank, amount, was_known in rows:
        # No stage reached by then: 在谈, if the project was known at the time.
        if rank is None:
            if not was_known:
                continue
            rank = 0
        stage = stages[rank]
        if stage == Project.Stage.TERMINATED:
            continue
        out[stage]["count"] += 1
        out[stage]["amount"] += amount or 0
    return out


# --------------------------------------------------------------------------- indicator figures


@dataclass
class IndicatorFigure:
    """One indicator over a scope and a period, with its comparisons and its 口径."""

    code: str
    name: str
    unit: str
    is_rate: bool
    period: Period
    value: Decimal | None = None  # the period (for a range from January: the 累计)
    ytd: Decimal | None = None  # 累计, January to the period's last month
    last_year: Decimal | None = None
    last_year_ytd: Decimal | None = None
    previous: Decimal | None = None  # 环比 base
    reporters: int = 0
    above_ytd: Decimal | None = None  # 规上 subset, 累计
    per_mu: Decimal | None = None  # 亩均 of the 累计 (万元/亩)
    status: PeriodStatus | None = None
    like_for_like: Decimal | None = None  # 同口径 growth, provisional periods only
    like_for_like_reporters: int = 0

    @property
    def final(self) -> bool:
        return self.status is not None and self.status.final

    @property
    def provisional(self) -> bool:
        return not self.final

    @property
    def yoy(self) -> Decimal | None:
        """同比 of the period (% for an amount, 个百分点 for a rate)."""
        return change(self.value, self.last_year, self.is_rate)

    @property
    def ytd_yoy(self) -> Decimal | None:
        return change(self.ytd, self.last_year_ytd, self.is_rate)

    @property
    def mom(self) -> Decimal | None:
        return change(self.value, self.previous, self.is_rate)

    @property
    def growth_unit(self) -> str:
        return "个百分点" if self.is_rate else "%"

    @property
    def definition(self) -> str:
        base = (f"{self.period.label}{self.name}：经审核通过的企业报表数据加总（{self.unit}）；累计为1月至"
                f"{self.period.last}月；同比为与上年同期相比")
        base += "（个百分点）。" if self.is_rate else "的增减幅度。"
        if self.provisional:
            base += "本期统计尚未结束，为快报（初步数）；同口径增速只比较两年同期均有审核数据的企业。"
        return base

    def figures(self) -> list[Figure]:
        final = self.final
        note = self.status.mark if self.status is not None else ""
        src = SOURCE_REPORTS
        out = [
            Figure(f"{self.code}.value", f"{self.name}（{self.period.label}）", self.value, self.unit,
                   self.definition, src, final, note),
            Figure(f"{self.code}.ytd", f"{self.name}本年累计", self.ytd, self.unit,
                   f"1月至{self.period.last}月累计。" + ("快报。" if not final else ""), src, final, note),
            Figure(f"{self.code}.yoy", f"{self.name}同比", self.yoy, self.growth_unit,
                   "与上年同期相比（全部报送企业，原口径）。", src, final, note),
            Figure(f"{self.code}.ytd_yoy", f"{self.name}累计同比", self.ytd_yoy, self.growth_unit,
                   "本年累计与上年同期累计相比（原口径）。", src, final, note),
            Figure(f"{self.code}.mom", f"{self.name}环比", self.mom, self.growth_unit,
                   "与上一期（上月或上季度）相比；区间和全年无环比。", src, final, note),
            Figure(f"{self.code}.reporters", f"{self.name}报送企业", self.reporters, "家",
                   "本期有审核通过数据的企业数。", src, final, note),
        ]
        if self.status is not None:
            c = self.status.completion
            out.append(Figure(f"{self.code}.completion", "报送完成率（已报/应报）", c.rate, "%",
                              f"本期末轮次已报送（含待审核）{c.reported}户，应报{c.expected}户。", src, final, note))
        if self.provisional:
            out.append(Figure(f"{self.code}.like_for_like", f"{self.name}同口径同比", self.like_for_like,
                              self.growth_unit,
                              f"只比较两年同期均有审核数据的{self.like_for_like_reporters}家企业（同口径）。",
                              src, final, note))
        if self.above_ytd is not None:
            out.append(Figure(f"{self.code}.above_ytd", f"规上企业{self.name}累计", self.above_ytd, self.unit,
                              "规模以上企业的本年累计。", src, final, note))
        if self.per_mu is not None:
            out.append(Figure(f"{self.code}.per_mu", f"亩均{self.name}", self.per_mu, f"{self.unit}/亩",
                              "本年累计 ÷ 填有用地面积的园区用地面积之和（亩）。", src, final, note))
        return out


def _add(a: Decimal | None, b: Any) -> Decimal | None:
    if b is None:
        return a
    return Decimal(b) + (a or Decimal(0))


def _use_rollups(scope: FigureScope) -> bool:
    """Rollups hold sums per park and section; an industry class or an enterprise needs the raw values."""
    return not (scope.industry or scope.enterprise)


def _months_needed(ind: Indicator, period: Period) -> list[int]:
    """The months whose cells state ``period``: the last alone for a period from January (its 累计), every
    month of it otherwise."""
    months = [m for m in period.months if m in months_of(ind.frequency)]
    summed = ind.aggregation == Indicator.Aggregation.SUM
    return months[-1:] if (period.is_year_to_date or not summed) else months


def _cells(scope: FigureScope, ind: Indicator, years: Iterable[int], segment: str,
           by_park: bool = False, months: Iterable[int] | None = None) -> dict[tuple[Any, ...], list[Any]]:
    """(park?, year, month) → [value, ytd, reporters] of the scope, summed by the database from the rollups
    (or, for an industry class or an enterprise, from the raw approved values)."""
    years = list(set(years))
    group = ("park_id", "year", "month") if by_park else ("year", "month")
    cells: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [None, None, 0])
    if _use_rollups(scope) and not (scope.section and segment == "above") and not by_park and scope.whole_region:
        # Every park of a region: its region cells, one row a month.
        seg = f"ind:{scope.section}" if scope.section else segment
        region_rows = RegionRollup.objects.filter(region_code=scope.whole_region, indicator=ind, segment=seg,
                                                  year__in=years)
        if months is not None:
            region_rows = region_rows.filter(month__in=list(months))
        for y, m, v, t, n, with_value, with_ytd in region_rows.values_list(
                "year", "month", "value", "ytd", "reporters", "value_parks", "ytd_parks"):
            cells[(y, m)] = [v if with_value else None, t if with_ytd else None, n]
        return cells
    if _use_rollups(scope) and not (scope.section and segment == "above"):
        seg = f"ind:{scope.section}" if scope.section else segment
        qs: Any = scope.rollups().filter(indicator=ind, segment=seg, year__in=years)
        if months is not None:
            qs = qs.filter(month__in=list(months))
        rows = qs.order_by().values(*group).annotate(v=Sum("value"), ytd=Sum("ytd"), n=Sum("reporters"))
    else:
        # 规上 within a section, an industry class or one enterprise: only the raw values know.
        qs = scope.values().filter(indicator=ind, year__in=years)
        if months is not None:
            qs = qs.filter(month__in=list(months))
        if segment == "above":
            qs = qs.filter(report__above_scale=True)
        rows = qs.order_by().values(*group).annotate(v=Sum("period_value"), ytd=Sum("ytd_value"),
                                                     n=Count("id", filter=Q(ytd_value__isnull=False)))
    for row in rows:
        cells[tuple(row[g] for g in group)] = [row["v"], row["ytd"], row["n"] or 0]
    return cells


def _fill(fig: IndicatorFigure, ind: Indicator, cells: dict[tuple[Any, ...], list[Any]],
          prefix: tuple[Any, ...] = ()) -> None:
    period = fig.period
    ends = months_of(ind.frequency)
    months = [m for m in period.months if m in ends]
    last = max(months, default=None)
    summed = ind.aggregation == Indicator.Aggregation.SUM

    def value_of(year: int) -> Decimal | None:
        if last is None:
            return None
        if not summed:
            return cells.get((*prefix, year, last), [None])[0]
        total: Decimal | None = None
        for m in months:
            total = _add(total, cells.get((*prefix, year, m), [None])[0])
        return total

    if last is None:
        return
    now = cells.get((*prefix, period.year, last), [None, None, 0])
    before = cells.get((*prefix, period.year - 1, last), [None, None, 0])
    fig.ytd, fig.reporters = now[1], now[2]
    fig.last_year_ytd = before[1]
    if summed and period.is_year_to_date:
        # A period from January is its 累计: one number, not a sum of months that may have gaps.
        fig.value, fig.last_year = fig.ytd, fig.last_year_ytd
    else:
        fig.value, fig.last_year = value_of(period.year), value_of(period.year - 1)


def _previous_value(scope: FigureScope, ind: Indicator, period: Period, segment: str) -> Decimal | None:
    prev = period.previous()
    if prev is None:
        return None
    cells = _cells(scope, ind, [prev.year], segment, months=_months_needed(ind, prev))
    fig = IndicatorFigure(code=ind.code, name=ind.name, unit=ind.unit, is_rate=ind.is_rate, period=prev)
    _fill(fig, ind, cells)
    return fig.value


def _like_for_like(scope: FigureScope, ind: Indicator, period: Period, segment: str) -> tuple[Decimal | None, int]:
    """同口径 growth: this period against last year's over the enterprises approved in both."""
    months = [m for m in period.months if m in months_of(ind.frequency)]
    if not months:
        return None, 0
    last = max(months)
    base = scope.values().filter(indicator=ind)
    if segment == "above":
        base = base.filter(report__above_scale=True)
    both_years = Q(year=period.year) | Q(year=period.year - 1)
    ytd_basis = ind.aggregation == Indicator.Aggregation.SUM and period.is_year_to_date
    field_name = "ytd_value" if ytd_basis or ind.aggregation != Indicator.Aggregation.SUM else "period_value"
    in_months = Q(month=last) if (ytd_basis or ind.aggregation != Indicator.Aggregation.SUM) else Q(month__in=months)
    reported_now = base.filter(year=period.year, month=last, enterprise_id=OuterRef("enterprise_id"),
                               ytd_value__isnull=False)
    reported_before = base.filter(year=period.year - 1, month=last, enterprise_id=OuterRef("enterprise_id"),
                                  ytd_value__isnull=False)
    rows = (base.filter(both_years, in_months).filter(Exists(reported_now), Exists(reported_before))
            .order_by().values("year").annotate(total=Sum(field_name), n=Count("enterprise_id", distinct=True)))
    totals = {r["year"]: (r["total"], r["n"]) for r in rows}
    now, before = totals.get(period.year, (None, 0)), totals.get(period.year - 1, (None, 0))
    return change(now[0], before[0], ind.is_rate), now[1]


def indicator(scope: FigureScope, period: Period, ind: Indicator | str, segment: str = "all") -> IndicatorFigure | None:
    """One indicator's figures for the scope and period (None for an unknown code)."""
    if isinstance(ind, str):
        found = scope.indicator(ind)
        if found is None:
            return None
        ind = found
    fig = IndicatorFigure(code=ind.code, name=ind.name, unit=ind.unit, is_rate=ind.is_rate, period=period)
    _fill(fig, ind, _cells(scope, ind, [period.year, period.year - 1], segment, months=_months_needed(ind, period)))
    fig.previous = _previous_value(scope, ind, period, segment)
    fig.status = period_status(scope, period, ind.frequency)
    if segment == "all":
        above = _cells(scope, ind, [period.year], "above", months=_months_needed(ind, period)[-1:])
        months = [m for m in period.months if m in months_of(ind.frequency)]
        if months:
            fig.above_ytd = above.get((period.year, max(months)), [None, None])[1]
    if fig.ytd is not None and not scope.narrowed_by_enterprise_attributes:
        mu = scope.parks.filter(land_area_mu__gt=0).aggregate(mu=Sum("land_area_mu"))["mu"]
        if mu and ind.aggregation == Indicator.Aggregation.SUM:
            fig.per_mu = fig.ytd / Decimal(mu)
    if fig.provisional:
        fig.like_for_like, fig.like_for_like_reporters = _like_for_like(scope, ind, period, segment)
    return fig


def indicators(scope: FigureScope, period: Period, codes: Iterable[str] | None = None) -> list[IndicatorFigure]:
    """The figures of several indicators (the active monthly and quarterly ones by default)."""
    if codes is None:
        inds = list(Indicator.objects.filter(active=True).order_by("sort_order", "code"))
    else:
        wanted = list(codes)
        by_code = {i.code: i for i in Indicator.objects.filter(code__in=wanted)}
        inds = [by_code[c] for c in wanted if c in by_code]
    out = []
    for ind in inds:
        fig = indicator(scope, period, ind)
        if fig is not None:
            out.append(fig)
    return out


def by_park(scope: FigureScope, period: Period, code: str) -> list[tuple[Park, IndicatorFigure]]:
    """One figure per park of the scope (largest 累计 first), from one read of the cells."""
    key = f"by_park:{period}:{code}"
    if key not in scope._cache:
        scope._cache[key] = _by_park(scope, period, code)
    return list(scope._cache[key])


def ytd_by_park(scope: FigureScope, period: Period, code: str) -> dict[int, Decimal]:
    """park id → 累计 at the period's last month, for parks that have one: what :func:`by_park` states as each
    figure's ``ytd``, read from the same cells without building a figure per park (maps and bars of a thousand
    parks)."""
    key = f"ytd_by_park:{period}:{code}"
    if key not in scope._cache:
        ind = scope.indicator(code)
        months = [m for m in period.months if ind is not None and m in months_of(ind.frequency)]
        out: dict[int, Decimal] = {}
        if ind is not None and months:
            cells = _cells(scope, ind, [period.year], "all", by_park=True, months=months[-1:])
            out = {park: row[1] for (park, _y, _m), row in cells.items() if row[1] is not None}
        scope._cache[key] = out
    return dict(scope._cache[key])


def _by_park(scope: FigureScope, period: Period, code: str) -> list[tuple[Park, IndicatorFigure]]:
    ind = scope.indicator(code)
    if ind is None:
        return []
    cells = _cells(scope, ind, [period.year, period.year - 1], "all", by_park=True,
                   months=_months_needed(ind, period))
    status = period_status(scope, period, ind.frequency)
    out = []
    for park in scope.parks.order_by("name"):
        fig = IndicatorFigure(code=ind.code, name=ind.name, unit=ind.unit, is_rate=ind.is_rate, period=period,
                              status=status)
        _fill(fig, ind, cells, (park.pk,))
        if park.land_area_mu and fig.ytd is not None and ind.aggregation == Indicator.Aggregation.SUM:
            fig.per_mu = fig.ytd / Decimal(park.land_area_mu)
        out.append((park, fig))
    out.sort(key=lambda pf: pf[1].ytd if pf[1].ytd is not None else Decimal("-1e30"), reverse=True)
    return out


def by_section(scope: FigureScope, period: Period, code: str) -> list[tuple[str, str, IndicatorFigure]]:
    """One figure per GB/T 4754 section (门类), largest 累计 first."""
    ind = scope.indicator(code)
    if ind is None:
        return []
    status = period_status(scope, period, ind.frequency)
    grouped: dict[str, dict[tuple[Any, ...], list[Any]]] = defaultdict(lambda: defaultdict(lambda: [None, None, 0]))
    cell_filter = {"indicator": ind, "segment__startswith": "ind:", "year__in": [period.year, period.year - 1],
                   "month__in": _months_needed(ind, period)}
    if scope.whole_region:
        for seg, y, m, v, t, n, with_value, with_ytd in RegionRollup.objects.filter(
                region_code=scope.whole_region, **cell_filter).values_list(
                "segment", "year", "month", "value", "ytd", "reporters", "value_parks", "ytd_parks"):
            if with_value or with_ytd or n:
                grouped[seg[4:]][(y, m)] = [v if with_value else None, t if with_ytd else None, n]
    else:
        rows = (scope.rollups().filter(**cell_filter).order_by().values("segment", "year", "month")
                .annotate(v=Sum("value"), ytd=Sum("ytd"), n=Sum("reporters")))
        for row in rows:
            grouped[row["segment"][4:]][(row["year"], row["month"])] = [row["v"], row["ytd"], row["n"] or 0]
    names = dict(IndustryCode.objects.filter(level=IndustryCode.Level.SECTION, code__in=list(grouped))
                 .values_list("code", "name"))
    out = []
    for section, cells in grouped.items():
        fig = IndicatorFigure(code=ind.code, name=ind.name, unit=ind.unit, is_rate=ind.is_rate, period=period,
                              status=status)
        _fill(fig, ind, cells)
        out.append((section, names.get(section, section), fig))
    out.sort(key=lambda r: r[2].ytd if r[2].ytd is not None else Decimal("-1e30"), reverse=True)
    return out


def monthly_series(scope: FigureScope, year: int, code: str, until: int = 12) -> list[dict[str, Any]]:
    """The months of ``year`` up to ``until`` with value and 累计 beside last year's, each month marked
    final or 快报 (for trend charts)."""
    ind = scope.indicator(code)
    if ind is None:
        return []
    cells = _cells(scope, ind, [year, year - 1], "all")
    locked = {m: is_locked for m, is_locked in scope.rounds().filter(frequency=ind.frequency, year=year)
              .values_list("month", "locked")}
    out = []
    for m in months_of(ind.frequency):
        if m > until:
            break
        now, before = cells.get((year, m), [None, None, 0]), cells.get((year - 1, m), [None, None, 0])
        out.append({"month": m, "value": now[0], "ytd": now[1], "reporters": now[2], "last_year": before[0],
                    "last_year_ytd": before[1], "final": bool(locked.get(m))})
    return out


@dataclass(frozen=True)
class TargetProgress:
    """An annual target against its indicator's 累计 at the period's end, beside the share of the year elapsed
    (时序进度): a target is behind when its completion is below the year elapsed."""

    code: str
    name: str
    unit: str
    period: Period
    target: Decimal
    done: Decimal | None
    final: bool

    @property
    def pct(self) -> Decimal | None:
        """Completion of the annual target (%)."""
        return share(self.done, self.target)

    @property
    def elapsed_pct(self) -> Decimal:
        """Share of the year elapsed at the period's end (%): 时序进度."""
        return share(self.period.last, 12) or Decimal(0)

    @property
    def gap(self) -> Decimal | None:
        """Completion minus the year elapsed, in 个百分点 (negative: behind)."""
        return pct_points(self.pct, self.elapsed_pct)

    @property
    def definition(self) -> str:
        return (f"{self.name}目标完成率：1月至{self.period.last}月累计 ÷ {self.period.year}年年度目标；"
                f"时序进度为{self.period.last}/12（{self.elapsed_pct:.1f}%）。" + ("" if self.final else "快报。"))


def target_progress(scope: FigureScope, period: Period) -> list[TargetProgress]:
    """The annual targets of the scope for the period's year (its park's, or its region's own), each against
    the indicator's 累计 at the period's end. None for a scope narrowed by industry or enterprise: targets are
    set for whole parks and regions."""
    if scope.narrowed_by_enterprise_attributes:
        return []
    targets = Target.objects.filter(year=period.year).select_related("indicator").order_by(
        "indicator__sort_order", "indicator__code")
    if scope.user is not None:
        targets = targets.visible_to(scope.user)
    targets = (targets.filter(park=scope.park) if scope.park is not None
               else targets.filter(region_id=scope.region_code, park__isnull=True))
    out = []
    for target in targets:
        fig = indicator(scope, period, target.indicator)
        if fig is None:
            continue
        out.append(TargetProgress(code=fig.code, name=fig.name, unit=fig.unit, period=period, target=target.value,
                                  done=fig.ytd, final=fig.final))
    return out


@dataclass(frozen=True)
class Column:
    """A column of a figure group's breakdown table: the row's key, its heading, and how its value is shown
    (``text``, ``count``, ``percent`` or ``amount`` in the unit the heading names)."""

    key: str
    label: str
    kind: str = "count"


@dataclass(frozen=True)
class FigureGroup:
    """A group of figures another module of this layer adds (服务诉求, 科技服务 …): shown by the cockpit and the
    park dashboard as a section of cards, by a briefing as a paragraph, returned by the API and written by the
    figures export under ``key``. ``breakdown`` gives the same figures by a dimension for the section's table:
    ``park`` on the cockpit, ``detail`` on a park's dashboard (the group's own finer dimension: service, field …);
    ``columns`` names that table's columns for the dimension."""

    key: str
    title: str
    order: int
    figures: Callable[[FigureScope, Period], dict[str, Figure]]
    breakdown: Callable[[FigureScope, Period, str], list[dict[str, Any]]] | None = None
    columns: Callable[[str], list[Column]] | None = None
    #: The URL name of the page listing the rows counted (for the section's link).
    url_name: str = ""


#: The figure groups registered by the modules of this layer (from ``FiguresConfig.ready``), by key.
GROUPS: dict[str, FigureGroup] = {}


def register_group(group: FigureGroup) -> FigureGroup:
    """Add a figure group; a key registered twice is a programming error."""
    if group.key in GROUPS:
        raise ValueError(f"figure group {group.key} registered twice")
    GROUPS[group.key] = group
    return group


def groups() -> list[FigureGroup]:
    """The registered figure groups, in order."""
    return sorted(GROUPS.values(), key=lambda g: g.order)


#: The figure sets every scope has, besides the registered groups: what :func:`all_figures` may be limited to.
CORE_SETS = ("stock", "flow", "indicator")


def all_figures(scope: FigureScope, period: Period, codes: Iterable[str] | None = None,
                only: Iterable[str] | None = None) -> dict[str, Any]:
    """Every figure of the scope and period: what the API returns and exports write. ``only`` limits it to
    some of :data:`CORE_SETS` and the registered groups' keys (the others are neither computed nor returned);
    a key that is neither is a programming error here (the API refuses it first, in Chinese)."""
    wanted = None if only is None else set(only)
    if wanted is not None and (unknown := wanted - set(CORE_SETS) - set(GROUPS)):
        raise ValueError(f"unknown figure sets {sorted(unknown)}")

    def chosen(key: str) -> bool:
        return wanted is None or key in wanted

    status = period_status(scope, period)
    return {
        "period": period,
        "status": status,
        "stock": list(stock(scope, period).values()) if chosen("stock") else [],
        "flow": list(flows(scope, period).values()) if chosen("flow") else [],
        "indicators": indicators(scope, period, codes) if chosen("indicator") else [],
        "groups": [(g, list(g.figures(scope, period).values())) for g in groups() if chosen(g.key)],
    }
