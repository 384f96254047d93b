"""Background tasks of briefings (run by ``db_worker``; enqueued by the services once their transaction commits)."""

from __future__ import annotations

from django_tasks import task

from .models import Briefing
from .render import render_briefing, render_files


@task()
def generate_briefing(briefing_id: int) -> str:
    """Write a queued draft from the data: its text, .docx and .pdf; returns its status."""
    briefing = Briefing.objects.filter(pk=briefing_id).select_related("region", "park").first()
    if briefing is None:
        return "missing"
    return render_briefing(briefing).status


@task()
def render_briefing_files(briefing_id: int) -> str:
    """Render the .docx and .pdf of a briefing from its stored text (after an edit or its issue)."""
    briefing = Briefing.objects.filter(pk=briefing_id).select_related("region", "park").first()
    if briefing is None:
        return "missing"
    return render_files(briefing).status
