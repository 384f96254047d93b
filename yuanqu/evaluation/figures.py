"""亩均效益评价 as a figure group: the class distribution (A/B/C/D, and T not evaluated) of the latest published
evaluation of the period's year or before, for the scope (its parks, its industry, one enterprise). Registered with
:func:`yuanqu.figures.selectors.register_group` from this app's ``ready()``, so the cockpit (by park), a park's
dashboard (by category), the briefing (a paragraph with the 口径 in the 附注), ``/api/figures/`` and the figures
export show the same numbers. A 试算 is never counted: only runs in 公示 or 定级."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.db.models import QuerySet

from yuanqu.figures.periods import Period
from yuanqu.figures.selectors import Column, Figure, FigureGroup, FigureScope, register_group

from .models import Evaluation, Result
from .selectors import GRADES, PUBLISHED, category_names

SOURCE = "亩均效益评价结果（已公示或已定级的评价，不含试算）"


def latest(scope: FigureScope, period: Period) -> Evaluation | None:
    """The scope region's latest published evaluation of the period's year or an earlier one."""
    key = f"evaluation:{period.year}"
    if key not in scope._cache:
        qs = (Evaluation.objects.visible_to(scope.user) if scope.user is not None
              else Evaluation.objects.in_region(scope.region_code))
        scope._cache[key] = (qs.filter(stage__in=PUBLISHED, trial=False, year__lte=period.year)
                             .select_related("method").order_by("-year", "-pk").first())
    return scope._cache[key]  # type: ignore[no-any-return]


def results(scope: FigureScope, evaluation: Evaluation) -> QuerySet[Result]:
    """The evaluation's results in the scope: its parks (unless region-wide), industry, enterprise."""
    qs = (Result.objects.visible_to(scope.user) if scope.user is not None else Result.objects.all())
    qs = qs.filter(evaluation=evaluation)
    if not scope.region_wide:
        qs = qs.filter(park_id__in=scope.park_ids)
    if scope.section:
        qs = qs.filter(enterprise__industry__section=scope.section)
    if scope.industry:
        qs = qs.filter(enterprise__industry_id__startswith=scope.industry)
    if scope.enterprise is not None:
        qs = qs.filter(enterprise=scope.enterprise)
    return qs


def figures(scope: FigureScope, period: Period) -> dict[str, Figure]:
    run = latest(scope, period)
    counts: Counter[str] = Counter()
    label = "—"
    final = True
    if run is not None:
        counts = Counter(results(scope, run).order_by().values_list("grade", flat=True))
        label = f"{run.year}年（{run.get_stage_display()}）"
        final = run.stage == Evaluation.Stage.FINAL
    evaluated = sum(counts[g] for g in "ABCD")
    what = f"最近一次已公示的亩均效益评价：{label}"
    out = [Figure("evaluation_evaluated", "亩均评价参评企业", evaluated, "家",
                  f"{what}中参加评价（A—D类）的企业数。", SOURCE, final)]
    for g in GRADES:
        out.append(Figure(f"evaluation_{g.lower()}", f"{g}类企业" if g != "T" else "不参评（T类）企业", counts[g], "家",
                          f"{what}中评为{g}类的企业数" + ("（公用事业、投产不满规定年限、政策性搬迁等不参评）。"
                                                      if g == "T" else "。"), SOURCE, final,
                          note="" if final else "公示中，等级可能因申诉调整"))
    return {f.key: f for f in out}


def columns(by: str) -> list[Column]:
    first = Column("label", "园区" if by == "park" else "评价类别", "text")
    return [first, *[Column(g.lower(), f"{g}类") for g in GRADES]]


def breakdown(scope: FigureScope, period: Period, by: str = "detail") -> list[dict[str, Any]]:
    """Counts by class per park (``park``) or per category (``detail``)."""
    run = latest(scope, period)
    if run is None:
        return []
    key, name = ("park_id", "park__name") if by == "park" else ("category", "category")
    names = category_names(run)
    rows: dict[Any, dict[str, Any]] = defaultdict(lambda: {g.lower(): 0 for g in GRADES})
    labels: dict[Any, str] = {}
    for r in results(scope, run).order_by().values(key, name, "grade"):
        labels[r[key]] = (r[name] or "—") if by == "park" else names.get(r[key], "不在评价类别内")
        rows[r[key]][r["grade"].lower()] += 1
    return sorted(({"label": labels[k], **v} for k, v in rows.items()), key=lambda r: (-r["a"], r["label"]))


def register() -> None:
    register_group(FigureGroup(key="evaluation", title="亩均效益评价等级分布", order=30, figures=figures,
                               breakdown=breakdown, columns=columns, url_name="evaluation:runs"))
