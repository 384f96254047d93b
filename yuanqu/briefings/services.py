"""Writes of briefings: request one, edit its text, issue it, write it again.

A briefing is a draft → edited → issued document. Staff's edits are stored apart from the generated text, so
writing a draft again from new data keeps them; issuing numbers the briefing (第N期 per region and year of issue),
locks it and records who issued it; an issued briefing is never changed, and writing it again makes a new draft.

Writing the text, the .docx and the .pdf (WeasyPrint, python-docx: seconds) is never done inside the transaction
that saves the change: a task is enqueued once it commits, and the page shows the briefing as queued until the
worker has written it (rule 10 of DESIGN.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yuanqu.core import audit
from yuanqu.core.models import AuditEvent, Region
from yuanqu.core.roles import EDIT_REGION, TENANT_READERS, Role
from yuanqu.core.scoping import region_within
from yuanqu.core.services import UNSET, Unset, require_role
from yuanqu.figures.periods import Period
from yuanqu.parks.models import Park

from .models import Briefing, default_issuer, split_paragraphs
from .tasks import generate_briefing, render_briefing_files

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

#: Roles that may request a briefing: district staff and leaders (a briefing is a reading of the data, not a
#: change to it), and park operators for their own parks.
REQUEST_ROLES = TENANT_READERS
#: Roles that edit and issue briefings: district staff (a bulletin is the district's document).
EDIT_ROLES = EDIT_REGION
#: The longest text of one section, in characters.
MAX_SECTION_CHARS = 5000


def _check_scope(*, actor: User, region: Region | None, park: Park | None) -> Region:
    require_role(actor, REQUEST_ROLES)
    if park is not None:
        if not Park.objects.visible_to(actor).filter(pk=park.pk).exists():
            raise PermissionDenied("park out of scope")
        return park.region
    if actor.role == Role.PARK_OPERATOR or region is None or not region_within(region.code, actor):
        raise PermissionDenied("region out of scope")
    return region


def _check_period(period: Period) -> None:
    """A period that has not ended by this month is refused: its figures would all be missing."""
    today = timezone.localdate()
    if period.start > today:
        raise ValidationError({"year": _("The period has not begun yet.")}, code="future")
    if (period.year, period.last) > (today.year, today.month):
        raise ValidationError({"month": _("The period has not ended yet.")}, code="unfinished")


def _schedule(briefing: Briefing, *, rewrite: bool) -> None:
    """Enqueue the writing (``rewrite``: from the data) or the rendering of ``briefing`` for when the caller's
    transaction commits (never if it rolls back)."""
    briefing_id = briefing.pk
    task = generate_briefing if rewrite else render_briefing_files
    transaction.on_commit(lambda: task.enqueue(briefing_id))


def _editable(actor: User, briefing: Briefing) -> Briefing:
    """The briefing's row, locked until the caller's transaction ends, if ``actor`` may edit it."""
    require_role(actor, EDIT_ROLES)
    if not Briefing.objects.editable_by(actor).filter(pk=briefing.pk).exists():
        raise PermissionDenied("briefing not editable")
    # No select_related: PostgreSQL cannot lock the nullable side (the park) of an outer join.
    return Briefing.objects.select_for_update().get(pk=briefing.pk)


def _issued_error(briefing: Briefing) -> ValidationError:
    return ValidationError(
        _("This briefing was issued as %(number)s and can no longer be changed. Write it again from the current "
          "data to make a new draft.") % {"number": briefing.issue_label}, code="issued")


@transaction.atomic
def briefing_request(*, actor: User, period: Period, park: Park | None = None, region: Region | None = None,
                     bulletin_name: str | Unset = UNSET, issuer: str | Unset = UNSET) -> Briefing:
    """Save a draft briefing's parameters (scope and period); the task worker writes it once this commits."""
    region = _check_scope(actor=actor, region=region, park=park)
    _check_period(period)
    briefing = Briefing(region=region, park=park, year=period.year, first_month=period.first, month=period.last,
                        period_kind=period.kind, created_by=actor, issuer=default_issuer(region.name))
    if bulletin_name is not UNSET:
        briefing.bulletin_name = bulletin_name
    if issuer is not UNSET:
        briefing.issuer = issuer
    briefing.full_clean()
    briefing.save()
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, obj=briefing, after=audit.snapshot(briefing))
    _schedule(briefing, rewrite=True)
    return briefing


@transaction.atomic
def briefing_edit(*, actor: User, briefing: Briefing, sections: Mapping[str, str] | Unset = UNSET,
                  bulletin_name: str | Unset = UNSET, issuer: str | Unset = UNSET) -> Briefing:
    """Change a draft's text, section by section (``sections``: key → text, one paragraph per line; empty or
    the generated text itself: the generated text), its bulletin name or its 编发单位. The generated text is
    kept as it is; the files are rendered again once this commits. An issued briefing is refused."""
    locked = _editable(actor, briefing)
    if locked.is_issued:
        raise _issued_error(locked)
    if not locked.is_written:
        raise ValidationError(_("The briefing is still being written. Edit it once it is ready."), code="pending")
    before = {"edits": dict(locked.edits), "bulletin_name": locked.bulletin_name, "issuer": locked.issuer}
    if sections is not UNSET:
        generated = {s["key"]: s["paragraphs"] for s in locked.content.get("sections", [])}
        unknown = sorted(set(sections) - set(generated))
        if unknown:
            raise ValidationError(_("Unknown section: %(keys)s.") % {"keys": ", ".join(unknown)}, code="section")
        edits = dict(locked.edits)
        errors: dict[str, list[ValidationError]] = {}
        for key, text in sections.items():
            paragraphs = split_paragraphs(text or "")
            if "\x00" in (text or ""):
                errors[f"section_{key}"] = [ValidationError(_("The text contains a null character (NUL)."),
                                                            code="null")]
            elif len("\n".join(paragraphs)) > MAX_SECTION_CHARS:
                errors[f"section_{key}"] = [ValidationError(
                    _("A section may hold at most %(limit)d characters.") % {"limit": MAX_SECTION_CHARS},
                    code="max_length")]
            elif not paragraphs or paragraphs == generated[key]:
                edits.pop(key, None)
            else:
                edits[key] = "\n".join(paragraphs)
        if errors:
            raise ValidationError(errors)  # type: ignore[arg-type]
        locked.edits = edits
    if bulletin_name is not UNSET:
        locked.bulletin_name = bulletin_name.strip()
    if issuer is not UNSET:
        locked.issuer = issuer.strip()
    after = {"edits": dict(locked.edits), "bulletin_name": locked.bulletin_name, "issuer": locked.issuer}
    if after == before:
        return locked
    locked.full_clean()
    locked.status, locked.error = Briefing.Status.QUEUED, ""
    locked.save(update_fields=["edits", "bulletin_name", "issuer", "status", "error", "updated_at"])
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=locked, before=before, after=after)
    _schedule(locked, rewrite=False)
    return locked


@transaction.atomic
def briefing_issue(*, actor: User, briefing: Briefing) -> Briefing:
    """Issue a written draft: give it the next number of its region in this year (第N期), lock it, and render
    its files again with the number in the masthead.

    The briefing's row is locked (``select_for_update``) before it is read, so a second issue of the same
    briefing (another tab) waits and then finds it issued; the region's row is locked while the number is
    taken, so two briefings of a region issued at once take two numbers; the database's unique constraint on
    (region, year, number) stands behind both."""
    locked = _editable(actor, briefing)
    if locked.is_issued:
        raise ValidationError(_("This briefing was issued already, as %(number)s.") % {"number": locked.issue_label},
                              code="issued")
    if not locked.is_written or locked.status != Briefing.Status.DONE:
        raise ValidationError(_("The briefing is still being written. Issue it once it is ready."), code="pending")
    Region.objects.select_for_update().filter(pk=locked.region_id).first()
    now = timezone.now()
    year = timezone.localtime(now).year
    taken = (Briefing.objects.filter(region_id=locked.region_id, issue_year=year,
                                     lifecycle=Briefing.Lifecycle.ISSUED)
             .aggregate(n=Max("issue_number"))["n"] or 0)
    locked.lifecycle, locked.issue_year, locked.issue_number = Briefing.Lifecycle.ISSUED, year, taken + 1
    locked.issued_at, locked.issued_by = now, actor
    locked.status, locked.error = Briefing.Status.QUEUED, ""
    locked.full_clean()
    try:
        with transaction.atomic():
            locked.save(update_fields=["lifecycle", "issue_year", "issue_number", "issued_at", "issued_by",
                                       "status", "error", "updated_at"])
    except IntegrityError as exc:
        raise ValidationError(_("Another briefing took this issue number at the same moment. Issue it again."),
                              code="number_taken") from exc
    audit.record(actor=actor, action=AuditEvent.Action.STAGE, obj=locked,
                 before={"lifecycle": Briefing.Lifecycle.DRAFT},
                 after={"lifecycle": locked.lifecycle, "issue_year": year, "issue_number": locked.issue_number,
                        "issue_label": locked.issue_label})
    _schedule(locked, rewrite=False)
    return locked


@transaction.atomic
def briefing_regenerate(*, actor: User, briefing: Briefing) -> Briefing:
    """Write the briefing again from today's data, with the parameters it was saved with.

    A draft is written again in place (staff's edits are kept: they are stored apart). An issued briefing is
    never changed: a new draft with the same parameters, name, 编发单位 and 下步工作 is made from it and
    returned."""
    _check_scope(actor=actor, region=briefing.region, park=briefing.park)
    if not Briefing.objects.visible_to(actor).filter(pk=briefing.pk).exists():
        raise PermissionDenied("briefing out of scope")
    locked = Briefing.objects.select_for_update().get(pk=briefing.pk)
    if locked.is_issued:
        draft = Briefing(region=locked.region, park=locked.park, year=locked.year, first_month=locked.first_month,
                         month=locked.month, period_kind=locked.period_kind, bulletin_name=locked.bulletin_name,
                         issuer=locked.issuer, derived_from=locked, created_by=actor,
                         edits={k: v for k, v in locked.edits.items() if k == "next_steps"})
        draft.full_clean()
        draft.save()
        audit.record(actor=actor, action=AuditEvent.Action.CREATE, obj=draft, after=audit.snapshot(draft))
        _schedule(draft, rewrite=True)
        return draft
    before: dict[str, Any] = {"status": locked.status, "generated_at": audit._json_value(locked.generated_at)}
    locked.status, locked.error = Briefing.Status.QUEUED, ""
    locked.save(update_fields=["status", "error", "updated_at"])
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=locked, before=before,
                 after={"status": locked.status, "regenerate": True})
    _schedule(locked, rewrite=True)
    return locked
