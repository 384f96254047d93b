"""Writes of briefings: request one (saved with its parameters), regenerate it, and the generation itself.

A small scope is written in the request; a large one (more parks than ``BRIEFING_SYNC_MAX_PARKS``) is
handed to the task worker (``generate_briefing``), and the page shows it as queued until it is ready.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from yuanqu.core import audit
from yuanqu.core.models import AuditEvent, Region
from yuanqu.core.roles import TENANT_READERS, Role
from yuanqu.core.scoping import region_within
from yuanqu.core.services import require_role
from yuanqu.parks.models import Park

from . import generator, render
from .models import Briefing

log = logging.getLogger(__name__)

#: Roles that may request a briefing: district staff and leaders (a briefing is a reading of the data, not a
#: change to it), and park operators for their own parks.
REQUEST_ROLES = TENANT_READERS


def sync_max_parks() -> int:
    """Above this many parks a briefing is written by the task worker, not in the request."""
    return int(getattr(settings, "BRIEFING_SYNC_MAX_PARKS", 20))


def _check_scope(actor: Any, region: Region | None, park: Park | None) -> Region:
    require_role(actor, REQUEST_ROLES)
    if park is not None:
        if not Park.objects.visible_to(actor).filter(pk=park.pk).exists():
            raise PermissionDenied("park out of scope")
        return park.region
    if actor.role == Role.PARK_OPERATOR or region is None or not region_within(region.code, actor):
        raise PermissionDenied("region out of scope")
    return region


def _schedule(briefing: Briefing) -> None:
    parks = 1 if briefing.park_id else Park.objects.in_region(briefing.region_id).count()
    if parks > sync_max_parks():
        from .tasks import generate_briefing

        transaction.on_commit(lambda: generate_briefing.enqueue(briefing.pk))
    else:
        generate(briefing)


@transaction.atomic
def briefing_request(*, actor: Any, year: int, month: int, park: Park | None = None,
                     region: Region | None = None) -> Briefing:
    """Save a briefing's parameters (scope and period) and write it, now or in the background."""
    region = _check_scope(actor, region, park)
    briefing = Briefing(region=region, park=park, year=year, month=month, created_by=actor)
    briefing.full_clean()
    briefing.save()
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, obj=briefing, after=audit.snapshot(briefing))
    _schedule(briefing)
    return briefing


@transaction.atomic
def briefing_regenerate(*, actor: Any, briefing: Briefing) -> Briefing:
    """Write the briefing again from today's data, with the parameters it was saved with."""
    _check_scope(actor, briefing.region, briefing.park)
    if not Briefing.objects.visible_to(actor).filter(pk=briefing.pk).exists():
        raise PermissionDenied("briefing out of scope")
    briefing = Briefing.objects.select_for_update().get(pk=briefing.pk)
    before = {"status": briefing.status, "generated_at": audit._json_value(briefing.generated_at)}
    briefing.status, briefing.error = Briefing.Status.QUEUED, ""
    briefing.save(update_fields=["status", "error", "updated_at"])
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=briefing, before=before,
                 after={"status": briefing.status, "regenerate": True})
    _schedule(briefing)
    return briefing


def generate(briefing: Briefing) -> Briefing:
    """Write the content, the .docx and the .pdf of ``briefing`` (the task and small requests call this)."""
    Briefing.objects.filter(pk=briefing.pk).update(status=Briefing.Status.RUNNING)
    try:
        content = generator.write(briefing)
        docx = render.docx_bytes(content)
        pdf = render.pdf_bytes(content)
    except Exception as exc:  # the request or worker must survive; the page shows the failure
        log.exception("briefing %s failed", briefing.pk)
        Briefing.objects.filter(pk=briefing.pk).update(status=Briefing.Status.FAILED, error=str(exc)[:500])
        briefing.refresh_from_db()
        return briefing
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    for field in (briefing.docx, briefing.pdf):
        if field:
            field.delete(save=False)
    briefing.docx.save(f"briefing-{briefing.pk}-{stamp}.docx", ContentFile(docx), save=False)
    briefing.pdf.save(f"briefing-{briefing.pk}-{stamp}.pdf", ContentFile(pdf), save=False)
    briefing.content, briefing.title = content, content["title"]
    briefing.status, briefing.error, briefing.generated_at = Briefing.Status.DONE, "", timezone.now()
    briefing.save()
    return briefing
