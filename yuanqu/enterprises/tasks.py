"""Background tasks of enterprises (run by ``db_worker``; the systemd timer runs the command daily)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def designation_expiry() -> list[int]:
    """Refresh the 高企/专精特新/listing cache of enterprises whose designations changed standing since the last
    run (a 高企 past its 有效期); the ids of the enterprises changed."""
    return services.designation_flags_daily()
