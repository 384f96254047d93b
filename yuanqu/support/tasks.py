"""Background tasks of enterprise services (run by ``db_worker``; the systemd timer runs the command)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def check_deadlines() -> list[int]:
    """Warn before deadlines and escalate breaches; (warned, escalated)."""
    return list(services.check_deadlines())
