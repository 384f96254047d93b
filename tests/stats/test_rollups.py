"""Incremental rollups always agree with a rebuild from raw values (run on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Sum

from yuanqu.core.demo import make_uscc
from yuanqu.core.models import IndustryCode, Region
from yuanqu.enterprises import services as ent
from yuanqu.parks.models import Park
from yuanqu.stats import rollups, selectors, services
from yuanqu.stats.models import Indicator, RegionRollup, Report, Rollup
from yuanqu.stats.services import Entry

CELL_FIELDS = ("park_id", "indicator_id", "year", "month", "segment", "value", "ytd", "reporters")


def _cells() -> list[tuple]:
    return sorted(Rollup.objects.values_list(*CELL_FIELDS))


def _entries(report: Report, rng: random.Random, scale: Decimal) -> dict[int, Entry]:
    out = {}
    for ind in selectors.indicators_for(report):
        if rng.random() < 0.1 and not ind.required:
            out[ind.pk] = Entry(no_data=True, no_data_reason="本期未发生")
        elif ind.code == "tax_local":
            out[ind.pk] = Entry(value=Decimal("1.00"))
        else:
            out[ind.pk] = Entry(value=(scale * Decimal(rng.randint(90, 110)) / 100).quantize(Decimal("0.01")),
                                explanation="核实无误")
    return out


def test_incremental_rollups_equal_a_rebuild_through_approvals_returns_and_corrections(world):
    rng = random.Random(7)
    staff, operator = world.users["region_staff"], world.users["park_operator"]
    # Three more enterprises in 信联天地, moved in early in 2024, of two industries, one 规上.
    for i, (code, above) in enumerate((("6513", True), ("2710", False), ("7320", True))):
        e = ent.enterprise_create(actor=staff, uscc=make_uscc(random.Random(100 + i), "370213"),
                                  name=f"青岛汇总测试{i}有限公司", industry=IndustryCode.objects.get(pk=code),
                                  region=world.licang, is_above_scale=above)
        s = ent.settlement_create(actor=staff, enterprise=e, park=world.xltd, signed_on=dt.date(2024, 1, 2))
        ent.settlement_advance(actor=staff, settlement=s, to_stage="moved_in", on=dt.date(2024, 1, 20))
    rounds = [services.round_open(actor=staff, region=world.licang, frequency="month", year=2024, month=m,
                                  deadline=dt.date(2024, m + 1, 10)) for m in (1, 2, 3)]
    for rnd in rounds:
        for report in Report.objects.filter(round=rnd).select_related("round", "enterprise"):
            actor = staff
            cumulative = Decimal(100 * rnd.month)
            services.report_save(actor=actor, report=report, entries=_entries(report, rng, cumulative), submit=True)
            services.report_park_review(actor=operator, report=report)
            if rng.random() < 0.8:
                services.report_approve(actor=staff, report=report)
            _agree()
    # A correction: February is returned after approval, changed and approved again; March moves with it.
    feb = Report.objects.filter(round=rounds[1], status=Report.Status.APPROVED).first()
    assert feb is not None
    services.report_return(actor=staff, report=feb, reason="产值口径有误")
    _agree()
    services.report_save(actor=world.users["region_staff"], report=feb,
                          entries=_entries(feb, rng, Decimal("150")), submit=True)
    services.report_park_review(actor=operator, report=feb)
    services.report_approve(actor=staff, report=feb)
    _agree()
    output = Indicator.objects.get(code="output")
    parks = world.xltd.__class__.objects.filter(pk=world.xltd.pk)
    assert selectors.park_period_matrix(output, 2024, parks) == {
        k: v for k, v in selectors.park_period_matrix_raw(output, 2024, parks).items()}


def _agree() -> None:
    """The park cells kept incrementally equal a rebuild, and the region cells kept by difference equal the
    park cells summed."""
    assert rollups.region_mismatches() == []
    assert _cells() == _rebuilt()


def test_region_cells_follow_a_park_that_moves_region_or_goes(stats_world):
    world = stats_world
    assert RegionRollup.objects.filter(region_code="370213").exists()
    assert rollups.region_mismatches() == []
    before, before_other = _region_ytd("370213"), _region_ytd("370212")
    park = world.smyz
    park_ytd = Rollup.objects.filter(park=park, segment="all").aggregate(t=Sum("ytd"))["t"]
    assert park_ytd
    other = Region.objects.get(pk="370212")
    park.region = other
    park.save()
    assert rollups.region_mismatches() == []
    assert _region_ytd("370213") == before - park_ytd
    assert _region_ytd("370212") == before_other + park_ytd
    assert _region_ytd("3702") == _region_ytd("370213") + _region_ytd("370212")
    # A park deleted: the signal takes its cells out of its regions, then the cascade removes them.
    rollups.park_deleting(sender=type(park), instance=park)
    Rollup.objects.filter(park=park).delete()
    assert rollups.region_mismatches() == []
    assert _region_ytd("370212") == before_other
    park.region = world.licang
    park.save()
    assert rollups.region_mismatches() == []


def test_a_region_cell_with_no_value_reads_as_none_not_zero(stats_world):
    """SUM over nothing is NULL: a region whose parks reported no value for a cell says 「—」, not 0."""
    from yuanqu.figures import selectors as fig
    from yuanqu.figures.periods import Period

    scope = fig.scope_for(stats_world.users["region_staff"])
    assert scope.whole_region == stats_world.licang.pk
    got = fig.indicator(scope, Period.month(2019, 6), "output")
    assert got is not None and got.value is None and got.ytd is None
    operator = fig.scope_for(stats_world.users["park_operator"])
    assert operator.whole_region == ""
    # Parks narrowed any other way than by a park filter are not the whole region either.
    staff = stats_world.users["region_staff"]
    narrowed = fig.FigureScope(user=staff, region_code=staff.region_id,
                               parks=Park.objects.visible_to(staff).exclude(pk=stats_world.smyz.pk))
    assert narrowed.whole_region == ""


def _region_ytd(code: str) -> Decimal:
    return RegionRollup.objects.filter(region_code=code, segment="all").aggregate(t=Sum("ytd"))["t"] or Decimal(0)


def _rebuilt() -> list[tuple]:
    incremental = _cells()
    rollups.rebuild()
    rebuilt = _cells()
    # Put the incremental state back so the sequence goes on from it, not from the rebuild.
    Rollup.objects.all().delete()
    Rollup.objects.bulk_create([Rollup(**dict(zip(CELL_FIELDS, row, strict=True))) for row in incremental])
    return rebuilt
