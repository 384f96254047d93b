"""Every write to leads, their contacts and follow-ups: the pool, duplicates, merges and conversion."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yuanqu.core import archive, audit
from yuanqu.core.models import AuditEvent, IndustryCode, Region
from yuanqu.core.roles import CONFIGURERS, EDIT_PARK, Role
from yuanqu.core.scoping import region_within
from yuanqu.core.services import UNSET, Unset, assign, delete_audited, require_role, save_created, save_updated
from yuanqu.core.text import normalize_name, normalize_uscc, pinyin_keys
from yuanqu.core.validators import clean_phone
from yuanqu.enterprises import services as ent_services
from yuanqu.enterprises.models import Enterprise, EnterpriseRequest, Settlement
from yuanqu.enterprises.selectors import enterprise_lookup
from yuanqu.parks.models import Park

from .models import (
    Case,
    CaseMeasure,
    CaseMeeting,
    FollowUp,
    Lead,
    LeadContact,
    Project,
    ProjectMonth,
    ProjectStage,
    RegionSetting,
    StageChange,
    StageEvidence,
)
from .selectors import find_duplicates, stale_leads

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

def _not_in_future(field: str, day: dt.date | None) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: [ValidationError(_("The date cannot be in the future."), code="future")]})


def _require_editable(*, actor: User, lead: Lead) -> None:
    if not Lead.objects.editable_by(actor).filter(pk=lead.pk).exists():
        raise PermissionDenied("lead not editable")


def _check_park(*, actor: User, park: Park | None) -> None:
    """The target park must be one the actor may see; an operator's lead must target its own park."""
    if park is None:
        if getattr(actor, "role", None) == Role.PARK_OPERATOR:
            raise ValidationError({"target_park": [ValidationError(_("Choose the park the lead is for."),
                                                                   code="required")]})
        return
    if not Park.objects.visible_to(actor).filter(pk=park.pk).exists():
        raise ValidationError({"target_park": [ValidationError(_("This park is outside your scope."),
                                                               code="scope")]})


def _prepare(lead: Lead) -> None:
    lead.uscc = normalize_uscc(lead.uscc or "")
    lead.name = (lead.name or "").strip()
    lead.name_key = normalize_name(lead.name)
    lead.name_pinyin, lead.name_initials = pinyin_keys(lead.name)


@transaction.atomic
def lead_create(
    *,
    actor: User,
    name: str = "",
    uscc: str = "",
    industry: IndustryCode | None = None,
    region: Region | None = None,
    target_park: Park | None = None,
    source: str = Lead.Source.OTHER,
    intended_investment_wan: Decimal | None = None,
    expected_jobs: int | None = None,
    note: str = "",
    contacts: Iterable[dict[str, Any]] = (),
    claim: bool = True,
    allow_duplicate: bool = False,
) -> Lead:
    """Record a lead. The creator owns it unless ``claim`` is False (then it goes to the pool).

    A lead matching one the actor can see (USCC, normalised name or contact phone) is refused with
    the code ``duplicate`` unless ``allow_duplicate``; the form then offers to merge instead.
    """
    require_role(actor, EDIT_PARK)
    contacts = [c for c in contacts if c.get("name")]
    lead = Lead(name=name, uscc=uscc, industry=industry, region=region, target_park=target_park, source=source,
                intended_investment_wan=intended_investment_wan, expected_jobs=expected_jobs, note=note)
    if lead.region_id is None:
        lead.region_id = lead.target_park.region_id if lead.target_park else actor.region_id
    if not region_within(lead.region_id, actor):
        raise ValidationError({"region": [ValidationError(_("This region is outside your scope."), code="scope")]})
    _check_park(actor=actor, park=lead.target_park)
    _prepare(lead)
    if not allow_duplicate:
        phones = [c.get("phone", "") for c in contacts]
        dups = find_duplicates(actor=actor, name=lead.name, uscc=lead.uscc, phones=phones)
        if dups:
            raise ValidationError(
                _("A similar lead exists already: %(names)s. Merge into it, or confirm this is a different company.")
                % {"names": "、".join(d.name for d in dups)}, code="duplicate")
    if claim:
        lead.owner = actor
        lead.owned_since = timezone.now()
    save_created(actor=actor, obj=lead)
    for contact in contacts:
        lead_contact_create(actor=actor, lead=lead, **contact)
    return lead


@transaction.atomic
def lead_update(
    *,
    actor: User,
    lead: Lead,
    name: str | Unset = UNSET,
    uscc: str | Unset = UNSET,
    industry: IndustryCode | None | Unset = UNSET,
    region: Region | Unset = UNSET,
    target_park: Park | None | Unset = UNSET,
    source: str | Unset = UNSET,
    intended_investment_wan: Decimal | None | Unset = UNSET,
    expected_jobs: int | None | Unset = UNSET,
    note: str | Unset = UNSET,
) -> Lead:
    """Change a lead's record; only the fields given change (its status changes only through
    :func:`lead_set_status`)."""
    _require_editable(actor=actor, lead=lead)
    before = audit.snapshot(lead)
    assign(lead, name=name, uscc=uscc, industry=industry, region=region, target_park=target_park, source=source,
           intended_investment_wan=intended_investment_wan, expected_jobs=expected_jobs, note=note)
    if not region_within(lead.region_id, actor):
        raise ValidationError({"region": [ValidationError(_("This region is outside your scope."), code="scope")]})
    _check_park(actor=actor, park=lead.target_park)
    _prepare(lead)
    return save_updated(actor=actor, obj=lead, before=before)


@transaction.atomic
def lead_set_status(*, actor: User, lead: Lead, status: str, reason: str = "") -> Lead:
    """Move a lead along 新线索 → 已接洽 → 洽谈中 → 已签约, or mark it 已流失 with a reason.

    Signed and lost are final. A lost lead keeps its reason; the database refuses one without.
    """
    _require_editable(actor=actor, lead=lead)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if status not in Lead.Status.values:
        raise ValidationError({"status": [ValidationError(_("Unknown status."), code="invalid")]})
    if not lead.is_open:
        raise ValidationError({"status": [ValidationError(
            _("The lead is %(status)s already; it cannot change any more.") % {"status": lead.get_status_display()},
            code="final")]})
    if status == Lead.Status.LOST and not reason.strip():
        raise ValidationError({"reason": [ValidationError(_("Give the reason the lead was lost."),
                                                          code="required")]})
    before = audit.snapshot(lead)
    lead.status = status
    lead.lost_reason = reason.strip() if status == Lead.Status.LOST else ""
    lead.full_clean()
    lead.save()
    audit.record(actor=actor, action=AuditEvent.Action.STAGE, obj=lead, before=before, after=audit.snapshot(lead))
    return lead


@transaction.atomic
def lead_claim(*, actor: User, lead: Lead) -> Lead:
    """Take a lead from the pool.

    One conditional UPDATE (… WHERE owner IS NULL) decides between two people claiming at the
    same moment: the second one gets a clear error, never the lead.
    """
    _require_editable(actor=actor, lead=lead)
    before = audit.snapshot(lead)
    now = timezone.now()
    taken = Lead.objects.filter(pk=lead.pk, owner__isnull=True, status__in=Lead.OPEN).update(
        owner=actor, owned_since=now, updated_at=now)
    if not taken:
        raise ValidationError(_("Someone else claimed this lead a moment ago, or it is no longer in the pool."),
                              code="claimed")
    lead.refresh_from_db()
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=lead, before=before, after=audit.snapshot(lead))
    return lead


@transaction.atomic
def lead_release(*, actor: User, lead: Lead) -> Lead:
    """Put a lead back into the pool: its owner may, and district staff may for any lead."""
    _require_editable(actor=actor, lead=lead)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.owner_id is None:
        raise ValidationError(_("The lead is in the pool already."), code="in_pool")
    if lead.owner_id != actor.pk and actor.role != Role.REGION_STAFF:
        raise ValidationError(_("Only the owner or district staff can release this lead."), code="not_owner")
    before = audit.snapshot(lead)
    lead.owner = None
    lead.owned_since = None
    return save_updated(actor=actor, obj=lead, before=before)


@transaction.atomic
def return_stale_leads(*, today: dt.date | None = None) -> int:
    """Return to the pool every owned lead with no follow-up for its region's N days; audited as the system."""
    count = 0
    for lead in stale_leads(today=today).select_for_update():
        before = audit.snapshot(lead)
        lead.owner = None
        lead.owned_since = None
        lead.full_clean()
        lead.save()
        audit.record(actor=None, username="system", action=AuditEvent.Action.UPDATE, obj=lead, before=before,
                     after=audit.snapshot(lead))
        count += 1
    return count


def _phone(value: str) -> str:
    """The phone as stored (digits), or the field's error: the form and the API refuse alike."""
    try:
        return clean_phone(value)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.error_list}) from None


@transaction.atomic
def lead_contact_create(
    *, actor: User, lead: Lead, name: str = "", title: str = "", phone: str = "", email: str = "",
) -> LeadContact:
    """Add a contact person to a lead."""
    _require_editable(actor=actor, lead=lead)
    contact = LeadContact(lead=lead, name=name, title=title, phone=_phone(phone), email=email)
    return save_created(actor=actor, obj=contact)


@transaction.atomic
def lead_contact_update(
    *,
    actor: User,
    contact: LeadContact,
    name: str | Unset = UNSET,
    title: str | Unset = UNSET,
    phone: str | Unset = UNSET,
    email: str | Unset = UNSET,
) -> LeadContact:
    """Change a lead's contact person; only the fields given change (a masked phone is never written back)."""
    _require_editable(actor=actor, lead=contact.lead)
    before = audit.snapshot(contact)
    assign(contact, name=name, title=title, phone=UNSET if phone is UNSET else _phone(phone), email=email)
    contact.phone = (contact.phone or "").replace(" ", "").replace("-", "")
    return save_updated(actor=actor, obj=contact, before=before)


@transaction.atomic
def lead_contact_delete(*, actor: User, contact: LeadContact) -> None:
    """Remove a lead's contact person; the audit event keeps its last values."""
    _require_editable(actor=actor, lead=contact.lead)
    delete_audited(actor=actor, obj=contact)


@transaction.atomic
def region_setting_set(*, actor: User, lead_stale_days: int) -> RegionSetting:
    """Set N, the days after which an owned lead without follow-up returns to the pool, for the actor's region.

    A business rule: district staff (who run the pipeline) set it; the system administrator does not (三权分立).
    """
    require_role(actor, CONFIGURERS)
    setting = RegionSetting.objects.select_for_update().filter(region_id=actor.region_id).first()
    if setting is None:
        setting = RegionSetting(region_id=actor.region_id, lead_stale_days=lead_stale_days)
        return save_created(actor=actor, obj=setting)
    before = audit.snapshot(setting)
    setting.lead_stale_days = lead_stale_days
    return save_updated(actor=actor, obj=setting, before=before)


@transaction.atomic
def follow_up_create(
    *,
    actor: User,
    lead: Lead,
    kind: str = "",
    on: dt.date | None = None,
    participants: str = "",
    leader: str = "",
    summary: str = "",
    next_step: str = "",
    next_step_on: dt.date | None = None,
) -> FollowUp:
    """Log a follow-up on a lead (a leader one-to-one docking names its leader); it refreshes the lead's last
    contact and next-step dates.

    A new lead that gets its first follow-up counts as contacted (已接洽).
    """
    _require_editable(actor=actor, lead=lead)
    follow_up = FollowUp(lead=lead, author=actor, kind=kind, participants=participants, leader=leader,
                         summary=summary, next_step=next_step, next_step_on=next_step_on)
    assign(follow_up, on=on)  # None when not given, so full_clean names the missing date
    _not_in_future("on", follow_up.on)
    save_created(actor=actor, obj=follow_up)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    before = audit.snapshot(lead)
    latest = lead.follow_ups.order_by("-on", "-id").first()
    lead.last_follow_up_on = latest.on if latest else None
    lead.next_step_on = latest.next_step_on if latest else None
    if lead.status == Lead.Status.NEW:
        lead.status = Lead.Status.CONTACTED
    save_updated(actor=actor, obj=lead, before=before)
    return follow_up


@transaction.atomic
def lead_merge(*, actor: User, source: Lead, target: Lead) -> Lead:
    """Fold a duplicate ``source`` into ``target``: every follow-up and contact moves over, blanks are filled.

    The source is deleted; both sides are audited, the deletion naming the lead it went into.
    """
    _require_editable(actor=actor, lead=source)
    _require_editable(actor=actor, lead=target)
    if source.pk == target.pk:
        raise ValidationError({"target": [ValidationError(_("Choose another lead."), code="same")]})
    if source.enterprise_id or source.settlement_id or source.projects.exists():
        raise ValidationError(_("A converted lead cannot be merged away."), code="converted")
    before = audit.snapshot(target)
    for fu in FollowUp.objects.filter(lead=source):
        fu_before = audit.snapshot(fu)
        fu.lead = target
        save_updated(actor=actor, obj=fu, before=fu_before)
    for contact in LeadContact.objects.filter(lead=source):
        c_before = audit.snapshot(contact)
        contact.lead = target
        save_updated(actor=actor, obj=contact, before=c_before)
    for field in ("uscc", "industry", "target_park", "intended_investment_wan", "expected_jobs", "owner"):
        if getattr(target, field) in (None, "") and getattr(source, field) not in (None, ""):
            setattr(target, field, getattr(source, field))
    if target.owner_id and not target.owned_since:
        target.owned_since = source.owned_since or timezone.now()
    if source.note:
        target.note = (target.note + "\n" + source.note).strip()
    latest = target.follow_ups.order_by("-on", "-id").first()
    target.last_follow_up_on = latest.on if latest else None
    target.next_step_on = latest.next_step_on if latest else None
    save_updated(actor=actor, obj=target, before=before)
    source_before = audit.snapshot(source)
    audit.record(actor=actor, action=AuditEvent.Action.DELETE, obj=source, before=source_before,
                 after={"merged_into": target.pk})
    source.delete()
    return target


@transaction.atomic
def lead_convert(
    *, actor: User, lead: Lead, park: Park, signed_on: dt.date, uscc: str = "", name: str = "",
) -> Settlement | EnterpriseRequest:
    """Turn a lead into a settlement at 签约 in ``park``, registering the enterprise if it is new.

    The lead becomes 已签约 and keeps links to the enterprise and the settlement it became. A code registered
    outside the actor's scope files a request for district staff instead (returned; the lead is unchanged).
    """
    _require_editable(actor=actor, lead=lead)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.settlement_id is not None:
        raise ValidationError(_("This lead has been converted already."), code="converted")
    if lead.status == Lead.Status.LOST:
        raise ValidationError(_("A lost lead cannot be converted."), code="lost")
    code = normalize_uscc(uscc or lead.uscc)
    if not code:
        raise ValidationError({"uscc": [ValidationError(
            _("Give the unified social credit code of the registered company."), code="required")]})
    # Converted again once a request was approved: the settlement the approval made is the lead's.
    known = enterprise_lookup(user=actor, uscc=code)
    approved = Settlement.objects.active().filter(enterprise=known, park=park).first() if known else None
    if approved is not None:
        result: Settlement | EnterpriseRequest = approved
    else:
        # The one path of signing by code: an enterprise in the actor's scope is signed; district staff register
        # a code registered nowhere and sign it; any other code becomes a request district staff decide
        # (carrying the lead's name, industry and region to register it from). The lead stays open until
        # then, and is converted again once the enterprise is in scope.
        result = ent_services.enterprise_sign_by_uscc(
            actor=actor, uscc=code, park=park, signed_on=signed_on,
            register={"name": (name or lead.name).strip(), "industry": lead.industry, "region": lead.region})
    if isinstance(result, EnterpriseRequest):
        return result
    settlement, enterprise = result, result.enterprise
    before = audit.snapshot(lead)
    lead.enterprise = enterprise
    lead.settlement = settlement
    lead.uscc = code
    lead.status = Lead.Status.SIGNED
    lead.lost_reason = ""
    save_updated(actor=actor, obj=lead, before=before)
    return settlement



@transaction.atomic
def lead_convert_project(
    *, actor: User, lead: Lead, name: str, total_investment_wan: Any, level: str = Project.Level.DISTRICT,
    park: Park | None = None, fixed_asset_investment_wan: Any = None,
) -> Project:
    """Turn a lead into a project whose investor is the lead (and its enterprise, once it has one).

    The lead becomes 已签约 if it was still open; it keeps the link through ``Project.investor_lead``.
    """
    _require_editable(actor=actor, lead=lead)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status == Lead.Status.LOST:
        raise ValidationError(_("A lost lead cannot be converted."), code="lost")
    project = project_create(
        actor=actor, name=name, investor_lead=lead, investor_enterprise=lead.enterprise,
        park=park or lead.target_park, industry=lead.industry, level=level,
        total_investment_wan=total_investment_wan, fixed_asset_investment_wan=fixed_asset_investment_wan)
    if lead.status != Lead.Status.SIGNED:
        before = audit.snapshot(lead)
        lead.status = Lead.Status.SIGNED
        save_updated(actor=actor, obj=lead, before=before)
    return project


# --- Key projects (重点项目) -------------------------------------------------------------------

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


def sniff_evidence(head: bytes) -> str:
    """The content type of an evidence file judged by its first bytes, or '' if it is no PDF or image."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return ""


def _check_evidence(files: Iterable[Any]) -> list[tuple[Any, str]]:
    checked = []
    for f in files:
        name = getattr(f, "name", "") or "file"
        if f.size > MAX_EVIDENCE_BYTES:
            raise ValidationError({"evidence": [ValidationError(
                _("%(name)s is larger than 20 MB.") % {"name": name}, code="too_large")]})
        f.seek(0)
        kind = sniff_evidence(f.read(16))
        f.seek(0)
        if not kind:
            raise ValidationError({"evidence": [ValidationError(
                _("%(name)s is not a PDF or an image (judged by its content, not its name).") % {"name": name},
                code="file_type")]})
        checked.append((f, kind))
    return checked


def _require_project_editable(*, actor: User, project: Project) -> None:
    if not Project.objects.editable_by(actor).filter(pk=project.pk).exists():
        raise PermissionDenied("project not editable")


@transaction.atomic
def project_create(
    *,
    actor: User,
    name: str = "",
    investor_enterprise: Enterprise | None = None,
    investor_lead: Lead | None = None,
    park: Park | None = None,
    region: Region | None = None,
    industry: IndustryCode | None = None,
    level: str = Project.Level.DISTRICT,
    total_investment_wan: Decimal | None = None,
    fixed_asset_investment_wan: Decimal | None = None,
    note: str = "",
) -> Project:
    """Register a project: district staff anywhere in the region, a park operator in its own park."""
    require_role(actor, EDIT_PARK)
    project = Project(name=name, investor_enterprise=investor_enterprise, investor_lead=investor_lead, park=park,
                      region=region, industry=industry, level=level,
                      fixed_asset_investment_wan=fixed_asset_investment_wan, note=note)
    # None when not given (an imported row may lack it), so full_clean names the missing amount.
    assign(project, total_investment_wan=total_investment_wan)
    if project.region_id is None:
        project.region_id = project.park.region_id if project.park else actor.region_id
    if not region_within(project.region_id, actor):
        raise ValidationError({"region": [ValidationError(_("This region is outside your scope."), code="scope")]})
    if project.park is None and actor.role == Role.PARK_OPERATOR:
        raise ValidationError({"park": [ValidationError(_("Choose the park of the project."), code="required")]})
    if project.park is not None and not Park.objects.editable_by(actor).filter(pk=project.park.pk).exists():
        raise ValidationError({"park": [ValidationError(_("This park is outside your scope."), code="scope")]})
    save_created(actor=actor, obj=project)
    for stage in Project.ORDER:
        save_created(actor=actor, obj=ProjectStage(project=project, stage=stage))
    return project


@transaction.atomic
def project_update(
    *,
    actor: User,
    project: Project,
    name: str | Unset = UNSET,
    investor_enterprise: Enterprise | None | Unset = UNSET,
    investor_lead: Lead | None | Unset = UNSET,
    park: Park | None | Unset = UNSET,
    industry: IndustryCode | None | Unset = UNSET,
    level: str | Unset = UNSET,
    total_investment_wan: Decimal | Unset = UNSET,
    fixed_asset_investment_wan: Decimal | None | Unset = UNSET,
    note: str | Unset = UNSET,
) -> Project:
    """Change a project's record; only the fields given change. Used by the import.

    The region is fixed when the project is registered, and the stage changes only through stage changes.
    """
    _require_project_editable(actor=actor, project=project)
    before = audit.snapshot(project)
    assign(project, name=name, investor_enterprise=investor_enterprise, investor_lead=investor_lead, park=park,
           industry=industry, level=level, total_investment_wan=total_investment_wan,
           fixed_asset_investment_wan=fixed_asset_investment_wan, note=note)
    if project.park is not None and not Park.objects.editable_by(actor).filter(pk=project.park.pk).exists():
        raise ValidationError({"park": [ValidationError(_("This park is outside your scope."), code="scope")]})
    return save_updated(actor=actor, obj=project, before=before)


@transaction.atomic
def project_follow_up_create(
    *,
    actor: User,
    project: Project,
    kind: str = "",
    on: dt.date | None = None,
    participants: str = "",
    leader: str = "",
    summary: str = "",
    next_step: str = "",
    next_step_on: dt.date | None = None,
) -> FollowUp:
    """Log a visit, call, meeting or one-to-one docking (naming its leader) on a project (by whoever may change
    the project)."""
    _require_project_editable(actor=actor, project=project)
    follow_up = FollowUp(project=project, author=actor, kind=kind, participants=participants, leader=leader,
                         summary=summary, next_step=next_step, next_step_on=next_step_on)
    assign(follow_up, on=on)  # None when not given, so full_clean names the missing date
    _not_in_future("on", follow_up.on)
    return save_created(actor=actor, obj=follow_up)


@transaction.atomic
def project_plan(*, actor: User, project: Project, plans: dict[str, dt.date | None]) -> Project:
    """Set the planned date of stages (district staff, or the park's operator)."""
    _require_project_editable(actor=actor, project=project)
    for stage, planned in plans.items():
        row = ProjectStage.objects.get(project=project, stage=stage)
        before = audit.snapshot(row)
        row.planned_on = planned
        save_updated(actor=actor, obj=row, before=before)
    return project


def _check_move(project: Project, to_stage: str, on: dt.date, reason: str) -> None:
    if to_stage not in Project.Stage.values:
        raise ValidationError({"to_stage": [ValidationError(_("Unknown stage."), code="invalid")]})
    _not_in_future("on", on)
    if project.stage == Project.Stage.TERMINATED:
        raise ValidationError({"to_stage": [ValidationError(_("The project is terminated."), code="final")]})
    if to_stage == Project.Stage.TERMINATED:
        if not reason.strip():
            raise ValidationError({"reason": [ValidationError(_("Give the reason the project was terminated."),
                                                              code="required")]})
        return
    if Project.ORDER.index(to_stage) <= Project.ORDER.index(project.stage):
        raise ValidationError({"to_stage": [ValidationError(
            _("A project only moves forward; it is at %(stage)s already. To stop it, terminate it with a reason.")
            % {"stage": project.get_stage_display()}, code="backwards")]})
    earlier = ProjectStage.objects.filter(project=project, stage__in=Project.ORDER[:Project.ORDER.index(to_stage)],
                                          actual_on__gt=on).first()
    if earlier is not None:
        raise ValidationError({"on": [ValidationError(
            _("The date cannot be before the project reached %(stage)s.") % {"stage": earlier.get_stage_display()},
            code="before_previous")]})


def _apply(*, actor: User, change: StageChange) -> None:
    project = Project.objects.select_for_update().get(pk=change.project_id)
    _check_move(project, change.to_stage, change.on, change.reason)
    before = audit.snapshot(project)
    project.stage = change.to_stage
    if change.to_stage == Project.Stage.TERMINATED:
        project.terminated_reason = change.reason.strip()
    else:
        row = ProjectStage.objects.get(project=project, stage=change.to_stage)
        row_before = audit.snapshot(row)
        row.actual_on = change.on
        save_updated(actor=actor, obj=row, before=row_before)
    project.full_clean()
    project.save()
    audit.record(actor=actor, action=AuditEvent.Action.STAGE, obj=project, before=before,
                 after=audit.snapshot(project))


@transaction.atomic
def stage_change_submit(
    *, actor: User, project: Project, to_stage: str, on: dt.date, reason: str = "", evidence: Iterable[Any] = (),
) -> StageChange:
    """Ask to move a project to ``to_stage`` reached on ``on``, with evidence files.

    District staff's change takes effect at once; a park operator's waits for their approval.
    """
    _require_project_editable(actor=actor, project=project)
    files = _check_evidence(evidence)
    _check_move(project, to_stage, on, reason)
    if StageChange.objects.filter(project=project, status=StageChange.Status.PENDING).exists():
        raise ValidationError(_("A stage change of this project is awaiting approval already."), code="pending")
    change = StageChange(project=project, to_stage=to_stage, on=on, reason=reason.strip(), requested_by=actor)
    save_created(actor=actor, obj=change)
    for f, kind in files:
        ev = StageEvidence(change=change, file=f, original_name=(getattr(f, "name", "") or "file")[:200],
                           content_type=kind, size=f.size)
        save_created(actor=actor, obj=ev)
    if actor.role == Role.REGION_STAFF:
        _decide(actor=actor, change=change, status=StageChange.Status.APPROVED)
        _apply(actor=actor, change=change)
    return change


def _decide(*, actor: User, change: StageChange, status: str, reason: str = "") -> None:
    before = audit.snapshot(change)
    change.status = status
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.return_reason = reason.strip()
    save_updated(actor=actor, obj=change, before=before)


def _pending_for_staff(*, actor: User, change: StageChange) -> StageChange:
    """Only district staff decide, never on their own request, and only once."""
    if getattr(actor, "role", None) != Role.REGION_STAFF \
            or not StageChange.objects.visible_to(actor).filter(pk=change.pk).exists():
        raise PermissionDenied("only district staff decide stage changes")
    change = StageChange.objects.select_for_update().get(pk=change.pk)
    if change.requested_by_id == actor.pk:
        raise ValidationError(_("You cannot decide on your own request."), code="own_request")
    if change.status != StageChange.Status.PENDING:
        raise ValidationError(_("This request has been decided already."), code="decided")
    return change


@transaction.atomic
def stage_change_approve(*, actor: User, change: StageChange) -> StageChange:
    """Approve a park operator's stage change; the project moves now."""
    change = _pending_for_staff(actor=actor, change=change)
    _decide(actor=actor, change=change, status=StageChange.Status.APPROVED)
    _apply(actor=actor, change=change)
    return change


@transaction.atomic
def stage_change_return(*, actor: User, change: StageChange, reason: str) -> StageChange:
    """Send a park operator's stage change back with a reason; the project stays where it is."""
    change = _pending_for_staff(actor=actor, change=change)
    if not reason.strip():
        raise ValidationError({"reason": [ValidationError(_("Give the reason for returning the request."),
                                                          code="required")]})
    _decide(actor=actor, change=change, status=StageChange.Status.RETURNED, reason=reason)
    return change


@transaction.atomic
def project_month_set(
    *, actor: User, project: Project, month: dt.date, planned_wan: Any, completed_wan: Any,
) -> ProjectMonth:
    """Record a month's planned and completed investment (万元); the month is kept as its first day."""
    _require_project_editable(actor=actor, project=project)
    first = month.replace(day=1)
    if first > timezone.localdate().replace(day=1) and completed_wan:
        raise ValidationError({"completed_wan": [ValidationError(
            _("Completed investment cannot be recorded for a future month."), code="future")]})
    row = ProjectMonth.objects.filter(project=project, month=first).first()
    if row is None:
        row = ProjectMonth(project=project, month=first, planned_wan=planned_wan, completed_wan=completed_wan)
        return save_created(actor=actor, obj=row)
    before = audit.snapshot(row)
    row.planned_wan, row.completed_wan = planned_wan, completed_wan
    return save_updated(actor=actor, obj=row, before=before)


# --- Cases (一事一议 / 一企一议) ------------------------------------------------------------------


@transaction.atomic
def case_create(
    *, actor: User, title: str, kind: str, request: str, enterprise: Enterprise | None = None,
    lead: Lead | None = None, project: Project | None = None,
) -> Case:
    """Open a case about an enterprise, a lead or a project the actor may see (district staff)."""
    require_role(actor, [Role.REGION_STAFF])
    for field, obj, qs in (("enterprise", enterprise, Enterprise.objects), ("lead", lead, Lead.objects),
                           ("project", project, Project.objects)):
        if obj is not None and not qs.visible_to(actor).filter(pk=obj.pk).exists():
            raise ValidationError({field: [ValidationError(_("This is outside your scope."), code="scope")]})
    park = (project.park if project else None) or (lead.target_park if lead else None)
    if park is None and enterprise is not None:
        settlement = enterprise.settlements.active().first()
        park = settlement.park if settlement else None
    case = Case(title=title, kind=kind, request=request, enterprise=enterprise, lead=lead, project=project,
                park=park, region_id=actor.region_id)
    return save_created(actor=actor, obj=case)


def _require_case_editable(*, actor: User, case: Case) -> None:
    if not Case.objects.editable_by(actor).filter(pk=case.pk).exists():
        raise PermissionDenied("case not editable")


@transaction.atomic
def case_advance(*, actor: User, case: Case, status: str) -> Case:
    """Move a case forward: 受理 → 研究 → 议定 → 落实 → 办结."""
    _require_case_editable(actor=actor, case=case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if status not in Case.ORDER or Case.ORDER.index(status) <= Case.ORDER.index(case.status):
        raise ValidationError({"status": [ValidationError(_("A case only moves forward."), code="backwards")]})
    before = audit.snapshot(case)
    case.status = status
    case.full_clean()
    case.save()
    audit.record(actor=actor, action=AuditEvent.Action.STAGE, obj=case, before=before, after=audit.snapshot(case))
    return case


@transaction.atomic
def case_meeting_create(*, actor: User, case: Case, on: dt.date, minutes: str, attendees: str = "",
                        decisions: str = "") -> CaseMeeting:
    """Record a meeting on a case with its minutes and decisions."""
    _require_case_editable(actor=actor, case=case)
    _not_in_future("on", on)
    meeting = CaseMeeting(case=case, on=on, minutes=minutes, attendees=attendees, decisions=decisions)
    return save_created(actor=actor, obj=meeting)


@transaction.atomic
def case_measure_create(*, actor: User, case: Case, text: str, owner: str, due_on: dt.date) -> CaseMeasure:
    """Add an agreed measure with its owner and due date."""
    _require_case_editable(actor=actor, case=case)
    return save_created(actor=actor, obj=CaseMeasure(case=case, text=text, owner=owner, due_on=due_on))


@transaction.atomic
def case_measure_done(*, actor: User, measure: CaseMeasure, on: dt.date) -> CaseMeasure:
    """Mark a measure done on a date (not in the future)."""
    _require_case_editable(actor=actor, case=measure.case)
    _not_in_future("on", on)
    before = audit.snapshot(measure)
    measure.done_on = on
    return save_updated(actor=actor, obj=measure, before=before)



#: Who archives, restores and deletes (core.archive): DESIGN.md's roles.
ARCHIVE_ROLES = EDIT_PARK

def lead_archive(*, actor: User, lead: Lead, reason: str) -> Lead:
    """Archive a lead with a reason (district staff, or its park's operator): it leaves every list and figure."""
    return archive.archive(actor=actor, obj=lead, reason=reason, roles=ARCHIVE_ROLES)  # type: ignore[no-any-return]


def lead_restore(*, actor: User, lead: Lead) -> Lead:
    """Bring an archived lead back."""
    return archive.restore(actor=actor, obj=lead, roles=ARCHIVE_ROLES)  # type: ignore[no-any-return]


def lead_delete(*, actor: User, lead: Lead) -> None:
    """Delete a lead for good, only while it has no history (core.archive.history)."""
    archive.hard_delete(actor=actor, obj=lead, roles=ARCHIVE_ROLES)


def project_archive(*, actor: User, project: Project, reason: str) -> Project:
    """Archive a project with a reason (district staff, or its park's operator): it leaves every list and figure."""
    return archive.archive(actor=actor, obj=project, reason=reason, roles=ARCHIVE_ROLES)  # type: ignore[no-any-return]


def project_restore(*, actor: User, project: Project) -> Project:
    """Bring an archived project back."""
    return archive.restore(actor=actor, obj=project, roles=ARCHIVE_ROLES)  # type: ignore[no-any-return]


def project_delete(*, actor: User, project: Project) -> None:
    """Delete a project for good, only while it has no history (core.archive.history)."""
    archive.hard_delete(actor=actor, obj=project, roles=ARCHIVE_ROLES)
