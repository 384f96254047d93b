"""Archived rows leave every figure (issue 14 item 1): archiving an enterprise takes its approved values out of its
parks' and regions' rollup cells, archiving a park takes its cells out of its regions' cells, in the archive's own
transaction; restoring puts back exactly what was there. Checked against a brute-force count of the raw values and
against a rebuild (run on SQLite and PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from tests.conftest import World
from yuanqu.enterprises import services as ent
from yuanqu.figures import selectors as fig
from yuanqu.figures.periods import Period
from yuanqu.parks import services as park_services
from yuanqu.stats import rollups
from yuanqu.stats.models import RegionRollup, Report, ReportValue, Rollup

CELL_FIELDS = ("park_id", "indicator_id", "year", "month", "segment", "value", "ytd", "reporters")
JUNE = Period.month(2025, 6)
H1 = Period.to_month(2025, 6)


def _figures(world: World, **scope: object) -> dict[str, tuple[Decimal | None, Decimal | None]]:
    """(value of June 2025, 累计 1—6月) of every indicator, as the cockpit shows them."""
    out = {}
    s = fig.scope_for(world.users["region_staff"], **scope)  # type: ignore[arg-type]
    for f in fig.indicators(s, JUNE):
        out[f.code] = (f.value, f.ytd)
    for f in fig.indicators(fig.scope_for(world.users["region_staff"], **scope), H1):  # type: ignore[arg-type]
        out[f"{f.code}:1-6"] = (f.value, f.ytd)
    return out


def _own(**where: object) -> dict[str, tuple[Decimal, Decimal]]:
    """Brute force: the approved June 2025 values of the rows ``where`` selects, summed per indicator."""
    rows = (ReportValue.objects.filter(report__status=Report.Status.APPROVED, year=2025, month=6, **where)
            .values_list("indicator__code").annotate(v=Sum("period_value"), t=Sum("ytd_value")))
    return {code: (v or Decimal(0), t or Decimal(0)) for code, v, t in rows}


def _minus(before: tuple[Decimal | None, Decimal | None], own: tuple[Decimal, Decimal]) -> tuple[Decimal, Decimal]:
    return ((before[0] or Decimal(0)) - own[0], (before[1] or Decimal(0)) - own[1])


def _zero(pair: tuple[Decimal | None, Decimal | None]) -> tuple[Decimal, Decimal]:
    return (pair[0] or Decimal(0), pair[1] or Decimal(0))


def _cells() -> list[tuple]:
    return sorted(Rollup.objects.values_list(*CELL_FIELDS))


def _regions() -> list[tuple]:
    """The region cells with something in them (a cell kept by difference may fall to all zeros, which reads as
    none, where a rebuild has no row)."""
    return sorted(row for row in RegionRollup.objects.values_list(
        "region_code", "indicator_id", "segment", "year", "month", "value", "ytd", "reporters", "value_parks",
        "ytd_parks") if any(row[7:]))


def _agrees_with_a_rebuild() -> None:
    """The cells kept through archive and restore equal a rebuild from raw values (which drops archived rows
    by itself), and the region cells equal the park cells summed."""
    assert rollups.region_mismatches() == []
    kept, kept_regions = _cells(), _regions()
    rollups.rebuild()
    assert _cells() == kept
    assert _regions() == kept_regions


def test_an_archived_enterprise_leaves_the_region_and_park_figures_and_restore_brings_them_back(
        stats_world: World) -> None:
    world = stats_world
    staff = world.users["region_staff"]
    region_before, park_before = _figures(world), _figures(world, park=world.smyz.pk)
    cells_before, regions_before = _cells(), _regions()
    own = _own(enterprise=world.ent_smyz)
    assert own["output"] == (Decimal("2000"), Decimal("2000"))  # the world's 生命药洲 report
    assert region_before["output"] == (Decimal("3200"), Decimal("3200"))

    ent.enterprise_archive(actor=staff, enterprise=world.ent_smyz, reason="误录的外区企业")

    region_after, park_after = _figures(world), _figures(world, park=world.smyz.pk)
    for code, values in own.items():
        assert _zero(region_after[code]) == _minus(region_before[code], values), code
        assert _zero(region_after[f"{code}:1-6"])[1] == _minus(region_before[f"{code}:1-6"], values)[1], code
        assert _zero(park_after[code]) == _minus(park_before[code], values), code
    assert region_after["output"] == (Decimal("1200"), Decimal("1200"))
    # Its reports are no longer expected either (completion 已报/应报).
    scope = fig.scope_for(staff)
    assert not scope.reports().filter(enterprise=world.ent_smyz).exists()
    assert not scope.values().filter(enterprise=world.ent_smyz).exists()
    _agrees_with_a_rebuild()

    ent.enterprise_restore(actor=staff, enterprise=world.ent_smyz)
    assert _figures(world) == region_before
    assert _figures(world, park=world.smyz.pk) == park_before
    assert _cells() == cells_before and _regions() == regions_before
    _agrees_with_a_rebuild()


def test_an_archived_park_leaves_the_region_figures_and_restore_brings_them_back(stats_world: World) -> None:
    world = stats_world
    staff = world.users["region_staff"]
    region_before = _figures(world)
    cells_before, regions_before = _cells(), _regions()
    own = _own(park=world.xltd)
    assert own["output"] == (Decimal("1200"), Decimal("1200"))

    park_services.park_archive(actor=staff, park=world.xltd, reason="园区已撤销")

    region_after = _figures(world)
    for code, values in own.items():
        assert _zero(region_after[code]) == _minus(region_before[code], values), code
    assert region_after["output"] == (Decimal("2000"), Decimal("2000"))
    # The park's own cells stay (for its restore); only its regions' cells lose them.
    assert _cells() == cells_before
    assert RegionRollup.objects.filter(region_code="370213", segment="all", year=2025, month=6,
                                       indicator__code="output").get().ytd == Decimal("2000")
    _agrees_with_a_rebuild()

    park_services.park_restore(actor=staff, park=world.xltd)
    assert _figures(world) == region_before
    assert _regions() == regions_before
    _agrees_with_a_rebuild()


def test_a_refresh_while_an_enterprise_is_archived_keeps_it_out(stats_world: World) -> None:
    """What an approval runs (``refresh_report``) leaves an archived enterprise's values out; restore counts them."""
    world = stats_world
    staff = world.users["region_staff"]
    before = _cells()
    ent.enterprise_archive(actor=staff, enterprise=world.ent_smyz, reason="核查中")
    archived = _cells()
    assert archived != before
    rollups.refresh_report(Report.objects.get(pk=world.report_smyz.pk))
    assert _cells() == archived
    _agrees_with_a_rebuild()
    ent.enterprise_restore(actor=staff, enterprise=world.ent_smyz)
    assert _cells() == before
