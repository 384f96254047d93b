"""Scoped reads of 亩均效益评价: runs, results (an enterprise user sees its own, and only once published), class
history per enterprise, the distribution of classes, and :func:`grade_fact` — the class an enterprise holds for a
year with the differentiated measures it triggers, which the policies module (or anything else) can read."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from yuanqu.core.roles import ENTERPRISE_SIDE
from yuanqu.enterprises.models import Enterprise

from .method import INDICATORS
from .models import Evaluation, Result

GRADES = ("A", "B", "C", "D", "T")
PUBLISHED = (Evaluation.Stage.PUBLICIZED, Evaluation.Stage.FINAL)


def results_for(user: Any, evaluation: Evaluation | None = None) -> QuerySet[Result]:
    """The results the user may read: by scope, and for an enterprise user only those published (公示 or 定级)."""
    qs = Result.objects.visible_to(user).select_related("enterprise", "park", "evaluation")
    if evaluation is not None:
        qs = qs.filter(evaluation=evaluation)
    if getattr(user, "role", None) in ENTERPRISE_SIDE:
        qs = qs.filter(evaluation__stage__in=PUBLISHED, evaluation__trial=False)
    return qs


def distribution(results: QuerySet[Result]) -> dict[str, int]:
    """Counts of A/B/C/D/T among ``results`` (every class present, zero or not)."""
    counts = Counter(results.order_by().values_list("grade", flat=True))
    return {g: counts.get(g, 0) for g in GRADES}


def category_names(evaluation: Evaluation) -> dict[str, str]:
    return {c["code"]: c["name"] for c in evaluation.method.spec.get("categories", [])}


def indicator_columns(evaluation: Evaluation) -> list[tuple[str, str, str]]:
    """(code, name, unit) of every indicator any category of the run's method uses, in first-use order."""
    seen: dict[str, tuple[str, str, str]] = {}
    for cat in evaluation.method.spec.get("categories", []):
        for item in cat["indicators"]:
            spec = INDICATORS[item["code"]]
            seen.setdefault(item["code"], (item["code"], spec["name"], spec["unit"]))
    return list(seen.values())


def history(user: Any, enterprise: Enterprise) -> list[Result]:
    """The enterprise's published results, latest year first (class history)."""
    return list(results_for(user).filter(enterprise=enterprise, evaluation__stage__in=PUBLISHED,
                                         evaluation__trial=False).order_by("-evaluation__year", "-evaluation_id"))


def _final_grades(enterprise: Enterprise) -> dict[int, str]:
    """{year: class} of the enterprise's graded (定级), non-trial evaluations; the latest run of a year counts."""
    out: dict[int, str] = {}
    for year, grade in (Result.objects.filter(enterprise=enterprise, evaluation__stage=Evaluation.Stage.FINAL,
                                              evaluation__trial=False)
                        .order_by("evaluation__year", "evaluation_id").values_list("evaluation__year", "grade")):
        out[year] = grade
    return out


def grade_fact(enterprise: Enterprise, year: int) -> dict[str, Any] | None:
    """The enterprise's final class for ``year``, how many years in a row it has held it, and the measures of the
    run's method that this triggers (the one for the most years in a row not above the count: a fourth D year
    keeps the third year's surcharge). None when the enterprise has no final class for the year. Read without a
    user: it is the fact other modules (惠企政策 eligibility) ask about."""
    grades = _final_grades(enterprise)
    grade = grades.get(year)
    if grade is None:
        return None
    in_row = 0
    while grades.get(year - in_row) == grade:
        in_row += 1
    result = (Result.objects.filter(enterprise=enterprise, evaluation__year=year,
                                     evaluation__stage=Evaluation.Stage.FINAL, evaluation__trial=False)
              .select_related("evaluation__method").order_by("-evaluation_id").first())
    assert result is not None
    measures = [m for m in result.evaluation.method.spec.get("measures", []) if m["grade"] == grade]
    applicable = [m for m in measures if m["years_in_row"] <= in_row]
    top = max((m["years_in_row"] for m in applicable), default=None)
    chosen = [m for m in applicable if m["years_in_row"] == top]
    return {"grade": grade, "year": year, "years_in_row": in_row,
            "measures": [{"measure": m["measure"], "amount": Decimal(m["amount"]) if m.get("amount") else None,
                          "unit": m.get("unit", "")} for m in chosen],
            "source": f"{result.evaluation}（{result.evaluation.method}）"}
