"""Stock and flow counts of settlements per park and month, materialised so a figure over a thousand parks reads a
thousand small rows through an index instead of scanning every settlement (DESIGN rule 11 at city scale).

``ParkMonth`` holds, for each park and each month that has ended, the settlements at each stage at the month's
end (from the dated steps, the rule of :func:`yuanqu.enterprises.models.stage_q`) and the steps taken within the
month. It is derived data: a database trigger on ``enterprises_settlement`` marks a park dirty (``DirtyPark``)
on every insert, update or delete, whatever wrote it (a service, an importer's fast path, a migration), and
:mod:`yuanqu.figures.snapshots` rebuilds the dirty parks before the next read.
"""

from __future__ import annotations

from django.db import models


class ParkMonth(models.Model):
    """One park's settlements at the end of one month (by stage) and within it (steps taken)."""

    park = models.ForeignKey("parks.Park", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    signed = models.PositiveIntegerField(default=0)
    fitout = models.PositiveIntegerField(default=0)
    moved_in = models.PositiveIntegerField(default=0)
    exited = models.PositiveIntegerField(default=0)
    new_signed = models.PositiveIntegerField(default=0)
    new_moved_in = models.PositiveIntegerField(default=0)
    new_exits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "month", "park"], name="park_month_once")]

    def __str__(self) -> str:
        return f"{self.park_id} {self.year}-{self.month:02d}"


class DirtyPark(models.Model):
    """A park whose settlements changed since its months were counted (written by the database trigger)."""

    park_id = models.IntegerField(primary_key=True)

    def __str__(self) -> str:
        return str(self.park_id)


class SnapshotState(models.Model):
    """The last month every park's months are counted through (one row)."""

    key = models.CharField(max_length=20, unique=True)
    year = models.PositiveSmallIntegerField(default=0)
    month = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.year}-{self.month:02d}"
