"""Writes of briefings: request one (saved with its parameters) and regenerate it.

Writing the text, the .docx and the .pdf (WeasyPrint, python-docx: seconds) is never done inside the
transaction that saves the request: the task ``generate_briefing`` is enqueued once it commits, and the
page shows the briefing as queued until the worker has written it (rule 10 of DESIGN.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction

from yuanqu.core import audit
from yuanqu.core.models import AuditEvent, Region
from yuanqu.core.roles import TENANT_READERS, Role
from yuanqu.core.scoping import region_within
from yuanqu.core.services import require_role
from yuanqu.parks.models import Park

from .models import Briefing
from .tasks import generate_briefing

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

#: Roles that may request a briefing: district staff and leaders (a briefing is a reading of the data, not a
#: change to it), and park operators for their own parks.
REQUEST_ROLES = TENANT_READERS


def _check_scope(*, actor: User, region: Region | None, park: Park | None) -> Region:
    require_role(actor, REQUEST_ROLES)
    if park is not None:
        if not Park.objects.visible_to(actor).filter(pk=park.pk).exists():
            raise PermissionDenied("park out of scope")
        return park.region
    if actor.role == Role.PARK_OPERATOR or region is None or not region_within(region.code, actor):
        raise PermissionDenied("region out of scope")
    return region


def _schedule(briefing: Briefing) -> None:
    """Enqueue the writing of ``briefing`` for when the caller's transaction commits (never if it rolls back)."""
    briefing_id = briefing.pk
    transaction.on_commit(lambda: generate_briefing.enqueue(briefing_id))


@transaction.atomic
def briefing_request(*, actor: User, year: int, month: int, park: Park | None = None,
                     region: Region | None = None) -> Briefing:
    """Save a briefing's parameters (scope and period); the task worker writes it once this commits."""
    region = _check_scope(actor=actor, region=region, park=park)
    briefing = Briefing(region=region, park=park, year=year, month=month, created_by=actor)
    briefing.full_clean()
    briefing.save()
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, obj=briefing, after=audit.snapshot(briefing))
    _schedule(briefing)
    return briefing


@transaction.atomic
def briefing_regenerate(*, actor: User, briefing: Briefing) -> Briefing:
    """Queue the briefing to be written again from today's data, with the parameters it was saved with."""
    _check_scope(actor=actor, region=briefing.region, park=briefing.park)
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
