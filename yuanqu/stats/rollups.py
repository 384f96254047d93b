"""The rollups dashboards read: approved values summed per park, indicator, period and segment, and the
same summed per region.

``refresh`` recomputes the cells one approval touches (incrementally, in the approval's
transaction); ``rebuild`` recomputes every cell from raw values. Both run the same SQL, with or
without a restriction, so the two always agree (a test checks it on SQLite and PostgreSQL).

**Region cells** (:class:`RegionRollup`) hold the park cells of every park of a region summed, for each
2-, 4- and 6-digit region code, so a city-wide figure reads one row, not a thousand. ``refresh`` keeps them by
difference in the same transaction: it reads a park's old cells, writes the new ones and adds (new − old) to
its regions' cells with an additive upsert (additions commute, so concurrent approvals in one city cannot lose
each other's). A sum of nothing is NULL, as SQL's SUM is: each region cell counts the park cells that had a
value (``value_parks``/``ytd_parks``) and reads NULL when none had. Moving or deleting a park moves its cells
out of the old regions (:func:`move_park`, from the Park signals). ``rebuild`` recomputes them from the park
cells, and :func:`region_mismatches` checks the two agree.

**Archived rows** (``core.archive``) count nowhere: an archived enterprise's approved values are left out of its
parks' cells (the SELECT joins the enterprise), and an archived park's cells out of its regions' cells (it has no
region while archived, :func:`_park_region`). Archiving or restoring recomputes what it touched in the same
transaction, from the Enterprise and Park signals beside the region moves (:func:`refresh_enterprise`,
:func:`move_park`), so the cells always equal a rebuild.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from yuanqu.enterprises.models import Enterprise
from yuanqu.parks.models import Park

from .models import RegionRollup, Report, ReportValue, Rollup

#: The region code lengths cells are kept for: province, city, county.
REGION_LEVELS = (2, 4, 6)

#: (segment expression, condition, extra GROUP BY column) over the grouped values ``g`` of :func:`_select`
_SEGMENTS = (
    ("'all'", "", ""),
    ("'above'", "WHERE g.above_scale", ""),
    ("'ind:' || g.industry_section", "WHERE g.industry_section <> ''", ", g.industry_section"),
)


def _select(where: str) -> str:
    """The park cells of the approved values matching ``where``: the values are read and joined once, summed by
    park, indicator, period and the report's two segment columns (``g``), and each segment's cells are summed from
    those few groups. A sum of sums is NULL exactly when every value was, as the one sum would be."""
    parts = []
    for segment, condition, group in _SEGMENTS:
        parts.append(
            f"SELECT g.park_id, g.indicator_id, g.year, g.month, {segment} AS segment, "
            "SUM(g.value), SUM(g.ytd), SUM(g.reporters) "
            f"FROM g {condition} GROUP BY g.park_id, g.indicator_id, g.year, g.month{group}"
        )
    return (
        "WITH g AS MATERIALIZED (SELECT v.park_id, v.indicator_id, v.year, v.month, r.above_scale, r.industry_section, "
        "SUM(v.period_value) AS value, SUM(v.ytd_value) AS ytd, COUNT(*) AS reporters "
        "FROM stats_reportvalue v JOIN stats_report r ON r.id = v.report_id "
        "JOIN enterprises_enterprise e ON e.id = v.enterprise_id "
        f"WHERE r.status = %s AND e.archived_at IS NULL {where} "
        "GROUP BY v.park_id, v.indicator_id, v.year, v.month, r.above_scale, r.industry_section) "
        + " UNION ALL ".join(parts)
    )


_INSERT = ("INSERT INTO stats_rollup (park_id, indicator_id, year, month, segment, value, ytd, reporters) ")


Cell = tuple[int, str, int, int]  # indicator, segment, year, month
Sums = list[Any]  # value, ytd, reporters, parks with a value, parks with a 累计


def _park_cells(park_id: int, **filters: Any) -> dict[Cell, Sums]:
    rows = Rollup.objects.filter(park_id=park_id, **filters).values_list(
        "indicator_id", "segment", "year", "month", "value", "ytd", "reporters")
    return {(i, seg, y, m): [v or Decimal(0), t or Decimal(0), n, int(v is not None), int(t is not None)]
            for i, seg, y, m, v, t, n in rows}


def region_codes(code: str) -> list[str]:
    """The region cells a park of region ``code`` adds to: its 2-, 4- and 6-digit prefixes."""
    return [code[:n] for n in REGION_LEVELS if len(code) >= n]


def _park_region(park_id: int) -> str:
    """The region whose cells the park's cells are in: none ("") while the park is archived."""
    return Park.objects.filter(pk=park_id, archived_at__isnull=True).values_list("region_id", flat=True).first() or ""


_UPSERT = (
    "INSERT INTO stats_regionrollup (region_code, indicator_id, segment, year, month, value, ytd, reporters, "
    "value_parks, ytd_parks) VALUES {rows} "
    "ON CONFLICT (region_code, indicator_id, segment, year, month) DO UPDATE SET "
    "value = stats_regionrollup.value + EXCLUDED.value, ytd = stats_regionrollup.ytd + EXCLUDED.ytd, "
    "reporters = stats_regionrollup.reporters + EXCLUDED.reporters, "
    "value_parks = stats_regionrollup.value_parks + EXCLUDED.value_parks, "
    "ytd_parks = stats_regionrollup.ytd_parks + EXCLUDED.ytd_parks"
)


def _add_to_regions(codes: Sequence[str], delta: dict[Cell, Sums]) -> None:
    """Add ``delta`` to the cells of each region in ``codes`` (in key order, so concurrent writers lock the
    rows in the same order)."""
    changes = sorted((cell, d) for cell, d in delta.items() if any(d))
    if not changes or not codes:
        return
    rows, params = [], []
    for code in sorted(codes):
        for (ind, seg, y, m), d in changes:
            rows.append("(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")
            params += [code, ind, seg, y, m, *d]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start:start + 500]
            cursor.execute(_UPSERT.format(rows=", ".join(chunk)), params[start * 10:(start + len(chunk)) * 10])


def _difference(new: dict[Cell, Sums], old: dict[Cell, Sums]) -> dict[Cell, Sums]:
    out: dict[Cell, Sums] = defaultdict(lambda: [Decimal(0), Decimal(0), 0, 0, 0])
    for cells, sign in ((new, 1), (old, -1)):
        for cell, sums in cells.items():
            out[cell] = [a + sign * b for a, b in zip(out[cell], sums, strict=True)]
    return out


def refresh(*, park_id: int, indicator_ids: Sequence[int], year: int, month: int) -> None:
    """Recompute the cells of one park and period for the given indicators, and add the change to the park's
    regions' cells."""
    if not indicator_ids:
        return
    marks = ", ".join(["%s"] * len(indicator_ids))
    where = f"AND v.park_id = %s AND v.year = %s AND v.month = %s AND v.indicator_id IN ({marks})"
    params: list[Any] = [Report.Status.APPROVED, park_id, year, month, *indicator_ids]
    cell_filter = {"year": year, "month": month, "indicator_id__in": list(indicator_ids)}
    with transaction.atomic():
        old = _park_cells(park_id, **cell_filter)
        Rollup.objects.filter(park_id=park_id, **cell_filter).delete()
        with connection.cursor() as cursor:
            cursor.execute(_INSERT + _select(where), params)
        _add_to_regions(region_codes(_park_region(park_id)), _difference(_park_cells(park_id, **cell_filter), old))


def move_park(park_id: int, old_code: str, new_code: str) -> None:
    """A park moved from region ``old_code`` to ``new_code`` ("" for none: created or deleted): its cells
    leave the regions it left and join those it entered."""
    left = [c for c in region_codes(old_code) if c not in region_codes(new_code)]
    entered = [c for c in region_codes(new_code) if c not in region_codes(old_code)]
    if not (left or entered):
        return
    cells = _park_cells(park_id)
    with transaction.atomic():
        _add_to_regions(left, _difference({}, cells))
        _add_to_regions(entered, cells)


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
            cursor.execute(_INSERT + _select(""), [Report.Status.APPROVED])
        rebuild_regions()
        return Rollup.objects.count()


_REGION_SELECT = (
    "SELECT {code}, r.indicator_id, r.segment, r.year, r.month, COALESCE(SUM(r.value), 0), "
    "COALESCE(SUM(r.ytd), 0), SUM(r.reporters), COUNT(r.value), COUNT(r.ytd) "
    "FROM stats_rollup r JOIN parks_park p ON p.id = r.park_id WHERE LENGTH(p.region_id) >= %s "
    "AND p.archived_at IS NULL "
    "GROUP BY {code}, r.indicator_id, r.segment, r.year, r.month"
)


def rebuild_regions() -> None:
    """Recompute every region cell from the park cells."""
    with transaction.atomic():
        RegionRollup.objects.all().delete()
        with connection.cursor() as cursor:
            for n in REGION_LEVELS:
                code = f"SUBSTR(p.region_id, 1, {int(n)})"
                cursor.execute("INSERT INTO stats_regionrollup (region_code, indicator_id, segment, year, month, "
                               "value, ytd, reporters, value_parks, ytd_parks) " + _REGION_SELECT.format(code=code),
                               [n])


def region_mismatches() -> list[str]:
    """The region cells that differ from their park cells summed (empty when the two agree)."""
    expected: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    with connection.cursor() as cursor:
        for n in REGION_LEVELS:
            cursor.execute(_REGION_SELECT.format(code=f"SUBSTR(p.region_id, 1, {int(n)})"), [n])
            for code, ind, seg, y, m, v, t, rep, vp, tp in cursor.fetchall():
                expected[(code, ind, seg, y, m)] = (v, t, rep, vp, tp)
    found = {(r.region_code, r.indicator_id, r.segment, r.year, r.month):
             (r.value, r.ytd, r.reporters, r.value_parks, r.ytd_parks)
             for r in RegionRollup.objects.all()}
    zero = (Decimal(0), Decimal(0), 0, 0, 0)

    def exact(sums: tuple[Any, ...]) -> tuple[Any, ...]:
        return (*(Decimal(str(x)).quantize(Decimal("0.0001")) for x in sums[:2]), *sums[2:])

    bad = []
    for key in sorted(set(expected) | set(found), key=str):
        if exact(expected.get(key, zero)) != exact(found.get(key, zero)):
            bad.append(f"{key}: {found.get(key)} != {expected.get(key)}")
    return bad


def park_saving(sender: Any, instance: Park, **kwargs: Any) -> None:
    """Before a park is saved: note the region its cells are in now (None: a new park, or a raw load)."""
    known = instance.pk is not None and not kwargs.get("raw") and Park.objects.filter(pk=instance.pk).exists()
    instance._rollup_region = _park_region(instance.pk) if known else None  # type: ignore[attr-defined]


def park_saved(sender: Any, instance: Park, **kwargs: Any) -> None:
    """After: a park that changed region takes its cells along; one archived (core.archive) takes them out of its
    regions, one restored puts them back, in the archive's own transaction."""
    old = getattr(instance, "_rollup_region", None)
    new = "" if instance.archived_at is not None else (instance.region_id or "")
    if old is not None and old != new:
        move_park(instance.pk, old, new)


def enterprise_saving(sender: Any, instance: Enterprise, **kwargs: Any) -> None:
    """Before an enterprise is saved: note whether it was archived (None: a new one, or a raw load)."""
    was: bool | None = None
    if instance.pk is not None and not kwargs.get("raw"):
        rows = list(Enterprise.objects.filter(pk=instance.pk).values_list("archived_at", flat=True))
        was = (rows[0] is not None) if rows else None
    instance._rollup_archived = was  # type: ignore[attr-defined]


def enterprise_saved(sender: Any, instance: Enterprise, **kwargs: Any) -> None:
    """After: an enterprise archived or restored (core.archive) leaves or re-enters every cell its approved values
    feed, in the archive's own transaction."""
    was = getattr(instance, "_rollup_archived", None)
    if was is not None and was != (instance.archived_at is not None):
        refresh_enterprise(instance.pk)


def refresh_enterprise(enterprise_id: int) -> None:
    """Recompute the cells an enterprise's approved values feed (each park and period it has values for)."""
    touched: dict[tuple[int, int, int], set[int]] = defaultdict(set)
    for park_id, year, month, indicator_id in (
            ReportValue.objects.filter(enterprise_id=enterprise_id, report__status=Report.Status.APPROVED)
            .order_by().values_list("park_id", "year", "month", "indicator_id").distinct()):
        touched[(park_id, year, month)].add(indicator_id)
    for (park_id, year, month), ids in sorted(touched.items()):
        refresh(park_id=park_id, indicator_ids=sorted(ids), year=year, month=month)


def park_deleting(sender: Any, instance: Park, **kwargs: Any) -> None:
    """Before a park is deleted (its cells go with it): take them out of its regions."""
    move_park(instance.pk, _park_region(instance.pk), "")
