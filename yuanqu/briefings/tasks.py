"""Background tasks of briefings (run by ``db_worker``)."""

from __future__ import annotations

from django_tasks import task

from . import services
from .models import Briefing


@task()
def generate_briefing(briefing_id: int) -> str:
    """Write a queued briefing (a large scope); returns its status."""
    briefing = Briefing.objects.filter(pk=briefing_id).select_related("region", "park").first()
    if briefing is None:
        return "missing"
    return services.generate(briefing).status
