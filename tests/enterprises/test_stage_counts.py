"""One count of settlements by stage: now from the stored stage, or at the end of a day from the dated steps."""

from __future__ import annotations

import datetime as dt

from yuanqu.enterprises import services as ent
from yuanqu.enterprises.models import Settlement


def _licang(world):
    return Settlement.objects.filter(park__region__code__startswith=world.licang.code)


def test_it_counts_the_stored_stage_now(world):
    # 信联天地: one moved in, one fitting out; 生命药洲: one signed.
    counts = _licang(world).counts_by_stage()
    assert counts == {"signed": 1, "fitout": 1, "moved_in": 1, "exited": 0}
    assert (counts.signed, counts.moved_in) == (3, 1)


def test_it_reads_a_past_day_from_the_dated_steps(world):
    # Signed 2024-03-01; 青岛信达软件 fitted out 2024-04-01 and moved in 2024-06-01; 装修中 fitted out 2024-05-01.
    assert _licang(world).counts_by_stage(on=dt.date(2024, 2, 29)) == {"signed": 0, "fitout": 0, "moved_in": 0,
                                                                        "exited": 0}
    assert _licang(world).counts_by_stage(on=dt.date(2024, 4, 15)) == {"signed": 2, "fitout": 1, "moved_in": 0,
                                                                        "exited": 0}
    may = _licang(world).counts_by_stage(on=dt.date(2024, 5, 31))
    assert may == {"signed": 1, "fitout": 2, "moved_in": 0, "exited": 0} and may.signed == 3
    # A step dated on the day itself has happened by the end of that day.
    assert _licang(world).counts_by_stage(on=dt.date(2024, 6, 1)).moved_in == 1
    # Today (or later) is the stored stage.
    assert _licang(world).counts_by_stage(on=dt.date.today()) == _licang(world).counts_by_stage()


def test_an_exit_counts_from_its_date_and_a_skipped_step_is_no_step(world):
    staff = world.users["region_staff"]
    ent.settlement_advance(actor=staff, settlement=world.st_smyz, to_stage="exited", on=dt.date(2024, 9, 1),
                           reason="迁出")
    before, after = (_licang(world).counts_by_stage(on=day) for day in (dt.date(2024, 8, 31), dt.date(2024, 9, 1)))
    assert before["signed"] == 1 and before["exited"] == 0 and before.signed == 3
    assert after["signed"] == 0 and after["exited"] == 1 and after.signed == 2
    assert _licang(world).counts_by_stage().signed == 2


def test_it_counts_per_park_with_the_same_rule(world):
    grid = _licang(world).counts_by_park_and_stage(on=dt.date(2024, 5, 31))
    assert grid[world.xltd.pk] == {"signed": 0, "fitout": 2, "moved_in": 0, "exited": 0}
    assert grid[world.smyz.pk].signed == 1
    assert _licang(world).counts_by_park_and_stage()[world.xltd.pk].moved_in == 1
