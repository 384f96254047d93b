"""The counted months follow every write to settlements, whatever path made it (the trigger marks the park)."""

from __future__ import annotations

import datetime as dt

from yuanqu.enterprises.models import Settlement
from yuanqu.figures import selectors as fig
from yuanqu.figures import snapshots
from yuanqu.figures.models import DirtyPark, ParkMonth
from yuanqu.figures.periods import Period


def _moved_in(world, year: int, month: int) -> int:
    return fig.stock(fig.scope_for(world.users["region_staff"]), Period.month(year, month))["moved_in"].value


def test_it_sees_a_change_made_behind_the_services_back(world):
    """A queryset update (no service, no save) and a delete still reach the counted months."""
    before = _moved_in(world, 2025, 6)
    assert ParkMonth.objects.exists() and not DirtyPark.objects.exists()
    moved = Settlement.objects.filter(park__region_id="370213", moved_in_on__isnull=False).order_by("pk").first()
    assert moved is not None and moved.moved_in_on <= dt.date(2025, 6, 30)
    Settlement.objects.filter(pk=moved.pk).update(moved_in_on=dt.date(2025, 7, 1))
    assert DirtyPark.objects.filter(park_id=moved.park_id).exists()
    assert _moved_in(world, 2025, 6) == before - 1
    Settlement.objects.filter(pk=moved.pk).update(moved_in_on=moved.moved_in_on)
    assert _moved_in(world, 2025, 6) == before


def test_a_month_that_ends_is_counted_on_the_next_read(world):
    """The count runs through the last month that has ended; a new month ending recounts every park."""
    snapshots.refresh(today=dt.date(2025, 3, 15))
    assert not ParkMonth.objects.filter(year=2025, month__gte=3).exists()
    snapshots.refresh(today=dt.date(2025, 8, 2))
    assert ParkMonth.objects.filter(year=2025, month=7).exists()
