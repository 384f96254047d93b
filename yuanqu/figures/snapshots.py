"""Counted months of settlements (``ParkMonth``): kept current and read.

Before a read, :func:`refresh` rebuilds the parks the trigger marked dirty, and counts the months that have
ended since the last count. A park's months are counted from its settlements' dated steps with the rule of
:func:`yuanqu.enterprises.models.stage_q` (the latest step dated on or before the day, later ones not yet
taken), one settlement at a time, so the counted months and a count over the raw rows agree by construction;
the property tests in ``tests/figures`` check it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from yuanqu.enterprises.models import Settlement, StageCounts

from .models import DirtyPark, ParkMonth, SnapshotState

STEPS = ("signed", "fitout", "moved_in", "exited")
FIRST = (2000, 1)


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def last_ended(today: dt.date | None = None) -> tuple[int, int]:
    """The last month that has ended."""
    today = today or timezone.localdate()
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def _stage_at(dates: tuple[dt.date | None, ...], on: dt.date) -> str | None:
    """The stage at the end of ``on``: the latest step dated on or before it, with no later step taken by then."""
    found = None
    for i, day in enumerate(dates):
        if day is not None and day <= on and all(d is None or d > on for d in dates[i + 1:]):
            found = STEPS[i]
    return found


def _count(park_ids: list[int], through: tuple[int, int]) -> list[ParkMonth]:
    """The counted months of ``park_ids`` from each park's first signing to ``through``.

    A settlement's stage changes only at its step dates, so it is evaluated at the end of each month holding a
    step and held until the next such month: a difference array per park and stage, summed month by month.
    """
    last = through[0] * 12 + through[1] - 1
    delta: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0] * 7))
    for park_id, *dates in (Settlement.objects.filter(park_id__in=park_ids).order_by()
                            .values_list("park_id", "signed_on", "fitout_on", "moved_in_on", "exited_on")):
        steps = tuple(dates)
        changes = sorted({d.year * 12 + d.month - 1 for d in steps if d is not None})
        changes = [k for k in changes if k <= last]
        cells = delta[park_id]
        for i, k in enumerate(changes):
            stage = _stage_at(steps, month_end(k // 12, k % 12 + 1))
            until = changes[i + 1] if i + 1 < len(changes) else last + 1
            if stage is not None:
                at = STEPS.index(stage)
                cells[k][at] += 1
                cells[until][at] -= 1
        for at, day in ((4, steps[0]), (5, steps[2]), (6, steps[3])):
            if day is not None and day.year * 12 + day.month - 1 <= last:
                cells[day.year * 12 + day.month - 1][at] += 1
    out: list[ParkMonth] = []
    for park_id, cells in delta.items():
        if not cells:
            continue
        running = [0, 0, 0, 0]
        for k in range(min(cells), last + 1):
            change = cells.get(k)
            if change is not None:
                running = [running[i] + change[i] for i in range(4)]
            flows = change[4:] if change is not None else [0, 0, 0]
            if any(running) or any(flows):
                out.append(ParkMonth(park_id=park_id, year=k // 12, month=k % 12 + 1, signed=running[0],
                                     fitout=running[1], moved_in=running[2], exited=running[3],
                                     new_signed=flows[0], new_moved_in=flows[1], new_exits=flows[2]))
    return out


def refresh(today: dt.date | None = None) -> tuple[int, int]:
    """Rebuild the dirty parks (all of them when months have ended since the last count); the month counted
    through. Cheap when nothing changed: two indexed reads."""
    through = last_ended(today)
    state = SnapshotState.objects.filter(key="settlements").values_list("year", "month").first()
    if state == through and not DirtyPark.objects.exists():
        return through
    with transaction.atomic():
        state_row, _new = SnapshotState.objects.select_for_update().get_or_create(key="settlements")
        whole = (state_row.year, state_row.month) != through
        if whole:
            DirtyPark.objects.all().delete()
            ParkMonth.objects.all().delete()
            park_ids = list(Settlement.objects.order_by().values_list("park_id", flat=True).distinct())
        else:
            # Take the marks first: a writer committing meanwhile marks its park again, for the next read.
            park_ids = list(DirtyPark.objects.values_list("park_id", flat=True))
            DirtyPark.objects.filter(park_id__in=park_ids).delete()
            ParkMonth.objects.filter(park_id__in=park_ids).delete()
        for start in range(0, len(park_ids), 200):
            ParkMonth.objects.bulk_create(_count(park_ids[start:start + 200], through), batch_size=5000)
        state_row.year, state_row.month = through
        state_row.save(update_fields=["year", "month"])
    return through


def counted(on: dt.date, today: dt.date | None = None) -> bool:
    """Whether ``on`` is the end of a month the snapshot counts (a month that has ended)."""
    return on == month_end(on.year, on.month) and (on.year, on.month) <= last_ended(today)


def stage_counts(parks: Q, on: dt.date) -> StageCounts:
    """Settlements of the parks (a condition on ``park``) by stage at the end of the month ending ``on``
    (``counted(on)`` must hold, and :func:`refresh` have run in this request)."""
    row = ParkMonth.objects.filter(parks, year=on.year, month=on.month).aggregate(
        **{s: Sum(s) for s in STEPS})
    return StageCounts({s: row[s] or 0 for s in STEPS})


def stage_counts_by_park(parks: Q, on: dt.date) -> dict[int, StageCounts]:
    return {park: StageCounts(zip(STEPS, counts, strict=True)) for park, *counts in ParkMonth.objects.filter(
        parks, year=on.year, month=on.month).values_list("park_id", *STEPS)}


def flows(parks: Q, year: int, first: int, last: int) -> dict[str, Any]:
    """Steps taken in the parks (a condition on ``park``) within months ``first``…``last`` of ``year`` (every
    one ended)."""
    row = ParkMonth.objects.filter(parks, year=year, month__gte=first, month__lte=last).aggregate(
        signed=Sum("new_signed"), moved_in=Sum("new_moved_in"), exited=Sum("new_exits"))
    return {k: v or 0 for k, v in row.items()}
