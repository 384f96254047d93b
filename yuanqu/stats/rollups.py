"""The rollups dashboards read: approved values summed per park, indicator, period and segment.

``refresh`` recomputes the cells one approval touches (incrementally, in the approval's
transaction); ``rebuild`` recomputes every cell from raw values. Both run the same SQL, with or
without a restriction, so the two always agree (a test checks it on SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction

from .models import Report, Rollup

#: (segment expression, condition, extra GROUP BY column)
_SEGMENTS = (
    ("'all'", "", ""),
    ("'above'", "AND r.above_scale", ""),
    ("'ind:' || r.industry_section", "AND r.industry_section <> ''", ", r.industry_section"),
)


def _select(where: str) -> str:
    parts = []
    for segment, condition, group in _SEGMENTS:
        parts.append(
            f"SELECT v.park_id, v.indicator_id, v.year, v.month, {segment} AS segment, "
            "SUM(v.period_value), SUM(v.ytd_value), COUNT(*) "
            "FROM stats_reportvalue v JOIN stats_report r ON r.id = v.report_id "
            f"WHERE r.status = %s {condition} {where} "
            f"GROUP BY v.park_id, v.indicator_id, v.year, v.month{group}"
        )
    return " UNION ALL ".join(parts)


_INSERT = ("INSERT INTO stats_rollup (park_id, indicator_id, year, month, segment, value, ytd, reporters) ")


def refresh(*, park_id: int, indicator_ids: Sequence[int], year: int, month: int) -> None:
    """Recompute the cells of one park and period for the given indicators."""
    if not indicator_ids:
        return
    marks = ", ".join(["%s"] * len(indicator_ids))
    where = f"AND v.park_id = %s AND v.year = %s AND v.month = %s AND v.indicator_id IN ({marks})"
    params: list[Any] = []
    for _ in _SEGMENTS:
        params += [Report.Status.APPROVED, park_id, year, month, *indicator_ids]
    with transaction.atomic():
        Rollup.objects.filter(park_id=park_id, year=year, month=month, indicator_id__in=indicator_ids).delete()
        with connection.cursor() as cursor:
            cursor.execute(_INSERT + _select(where), params)


def refresh_report(report: Report) -> None:
    """Recompute the cells one report's values feed."""
    indicator_ids = list(report.values.values_list("indicator_id", flat=True))
    refresh(park_id=report.park_id, indicator_ids=indicator_ids, year=report.round.year, month=report.round.month)


def rebuild(park_ids: Iterable[int] | None = None) -> int:
    """Recompute every cell from raw values (``yuanqu rebuild_rollups``); returns the number of cells."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Check deferred foreign keys now, or TRUNCATE refuses to run after writes in this transaction.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("TRUNCATE stats_rollup")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            Rollup.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(_INSERT + _select(""), [Report.Status.APPROVED] * len(_SEGMENTS))
        return Rollup.objects.count()
