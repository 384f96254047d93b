"""Background tasks of briefings (run by ``db_worker``; enqueued by the services once their transaction commits)."""

from __future__ import annotations

from django_tasks import task

from .models import Briefing
from .render import render_briefing


@task()
def generate_briefing(briefing_id: int) -> str:
    """Write a queued briefing: its text, .docx and .pdf; returns its status."""
    briefing = Briefing.objects.filter(pk=briefing_id).select_related("region", "park").first()
    if briefing is None:
        return "missing"
    return render_briefing(briefing).status
