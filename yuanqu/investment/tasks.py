"""Background tasks of investment promotion (run by ``db_worker``; schedule them daily with cron)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def return_stale_leads() -> int:
    """Return idle owned leads to the pool (公海); the count returned."""
    return services.return_stale_leads()
