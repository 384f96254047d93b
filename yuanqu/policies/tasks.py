"""Background tasks of the policies app (run by ``db_worker``; enqueued once the writing transaction commits)."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from yuanqu.enterprises.models import Enterprise

from . import services


@task()
def rematch_enterprises(enterprise_ids: list[int]) -> int:
    """Re-match enterprises whose data changed (registry record, designations, parks, approved statistics) against
    the published clauses of their region: their matches and traces are brought up to date, the newly eligible
    are notified and 免申即享 applications are made. Returns how many clause evaluations ran."""
    n = 0
    for enterprise in Enterprise.objects.filter(pk__in=enterprise_ids).order_by("pk"):
        with transaction.atomic():
            n += services.match_enterprise(enterprise=enterprise)
    return n


def enterprise_changed(enterprise_ids: list[int]) -> None:
    """The change listener (``core.registry.changes``): queue the re-match."""
    rematch_enterprises.enqueue(enterprise_ids)
