"""Scoped reads for investment promotion, with contacts' personal data masked by role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from yuanqu.core import audit
from yuanqu.core.registry import SearchHit, Todo
from yuanqu.core.roles import EDIT_PARK, Role
from yuanqu.core.text import mask_email, mask_phone, normalize_name, normalize_uscc

from .models import (
    FollowUp,
    Lead,
    LeadContact,
    LeadQuerySet,
    Project,
    ProjectMonth,
    ProjectQuerySet,
    RegionSetting,
)

if TYPE_CHECKING:
    from yuanqu.accounts.models import User


def may_see_personal_data(user: Any) -> bool:
    """Prospects' phones and e-mails in full: district staff only (they run the pipeline)."""
    return bool(getattr(user, "role", None) == Role.REGION_STAFF)


def contacts_for(user: Any, lead: Lead) -> list[dict[str, Any]]:
    """A lead's contacts, with phone and e-mail masked as the user's role requires."""
    full = may_see_personal_data(user)
    rows = [
        {"contact": c,
         "phone": c.phone if full or not c.phone else mask_phone(c.phone),
         "email": c.email if full or not c.email else mask_email(c.email)}
        for c in LeadContact.objects.visible_to(user).filter(lead=lead)
    ]
    shown = sorted({f for r in rows for f in ("phone", "email") if full and r[f]})
    if shown:  # a read of personal data in full is audited (个人信息保护)
        audit.record_personal_read(actor=user, obj=lead, fields=shown, where="lead")
    return rows


def leads_for_list(user: Any) -> LeadQuerySet:
    """Leads the user may see, for list pages."""
    return Lead.objects.visible_to(user).select_related("owner", "target_park", "industry")


def pool_for(user: Any) -> LeadQuerySet:
    """Open leads without an owner the user may see (公海)."""
    return leads_for_list(user).pool()


def due_for(user: Any) -> LeadQuerySet:
    """The user's own open leads whose next step is due today or earlier."""
    return leads_for_list(user).open().filter(owner=user, next_step_on__lte=timezone.localdate())


def due_projects_for(user: Any) -> ProjectQuerySet:
    """Projects still under way whose latest follow-up is the user's and has its next step due today or earlier.

    Projects have no owner: whoever logged the latest follow-up owes its next step.
    """
    latest = FollowUp.objects.filter(project=OuterRef("pk")).order_by("-on", "-id")
    return (Project.objects.visible_to(user).exclude(stage__in=[Project.Stage.TERMINATED, Project.Stage.FULL])
            .select_related("park")
            .annotate(next_on=Subquery(latest.values("next_step_on")[:1]),
                      next_step_text=Subquery(latest.values("next_step")[:1]),
                      next_author=Subquery(latest.values("author")[:1]))
            .filter(next_author=user.pk, next_on__lte=timezone.localdate()).order_by("next_on", "pk"))


def due_count(user: Any) -> int:
    """How many of the user's leads and projects have a next step due, for the navigation."""
    if getattr(user, "role", None) not in EDIT_PARK:
        return 0
    return due_for(user).count() + due_projects_for(user).count()


def followup_todos(user: Any) -> list[Todo]:
    """The 工作台 line for leads and projects whose next step is due."""
    n = due_count(user)
    return [Todo(gettext("Follow-ups due"), n, reverse("investment:due"))] if n else []


def stale_for(user: Any) -> QuerySet[Lead]:
    """Owned open leads the user may see that will return to the pool: no follow-up for N days."""
    return stale_leads(leads_for_list(user))  # type: ignore[no-any-return]


def follow_ups_for(user: Any, lead: Lead) -> QuerySet[FollowUp]:
    """A lead's follow-ups, newest first."""
    return FollowUp.objects.visible_to(user).filter(lead=lead).select_related("author")


def project_follow_ups_for(user: Any, project: Project) -> QuerySet[FollowUp]:
    """A project's follow-ups, newest first."""
    return FollowUp.objects.visible_to(user).filter(project=project).select_related("author")


def projects_for_list(user: Any) -> ProjectQuerySet:
    """Projects the user may see, with an ``overdue`` count of stages past their planned date and not reached."""
    today = timezone.localdate()
    late = Q(stages__planned_on__lt=today, stages__actual_on__isnull=True)
    return Project.objects.visible_to(user).select_related("park", "industry", "investor_enterprise").annotate(
        overdue=Count("stages", filter=late & ~Q(stage=Project.Stage.TERMINATED)))


def timeline(project: Project) -> list[dict[str, Any]]:
    """The project's stages in order, planned against actual, each flagged when overdue."""
    today = timezone.localdate()
    rows = {s.stage: s for s in project.stages.all()}
    out = []
    for stage in Project.ORDER:
        row = rows.get(stage)
        planned, actual = (row.planned_on, row.actual_on) if row else (None, None)
        out.append({"stage": stage, "label": Project.Stage(stage).label, "planned": planned, "actual": actual,
                    "overdue": bool(planned and not actual and planned < today
                                    and project.stage != Project.Stage.TERMINATED),
                    "current": project.stage == stage})
    return out


def months_with_ytd(project: Project, year: int) -> dict[str, Any]:
    """A year's monthly planned and completed investment (万元), with year-to-date sums."""
    rows = list(ProjectMonth.objects.filter(project=project, month__year=year).order_by("month"))
    return {
        "rows": rows,
        "ytd_planned": sum((r.planned_wan for r in rows), Decimal(0)),
        "ytd_completed": sum((r.completed_wan for r in rows), Decimal(0)),
    }


def find_duplicates(
    *, actor: User, name: str = "", uscc: str = "", phones: Iterable[str] = (), exclude_pk: Any = None
) -> list[Lead]:
    """Leads the actor may see with the same USCC, the same normalised name or a shared contact phone."""
    cond = Q()
    uscc = normalize_uscc(uscc or "")
    if uscc:
        cond |= Q(uscc=uscc)
    key = normalize_name(name)
    if key:
        cond |= Q(name_key=key)
    phones = [p for p in phones if p]
    if phones:
        cond |= Q(pk__in=LeadContact.objects.filter(phone__in=phones).values("lead_id"))
    if not cond:
        return []
    return list(Lead.objects.visible_to(actor).filter(cond).exclude(pk=exclude_pk).distinct()
                .select_related("owner", "target_park"))


def stale_leads(qs: Any = None, *, today: dt.date | None = None) -> Any:
    """Owned open leads whose last follow-up (or the claim, if none since) is older than their region's N days."""
    today = today or timezone.localdate()
    base = (qs if qs is not None else Lead.objects.all()).open().filter(owner__isnull=False)
    cond = Q(pk__in=[])
    for region_code in base.values_list("region_id", flat=True).distinct():
        cutoff = today - dt.timedelta(days=RegionSetting.stale_days_for(region_code))
        active_since = Q(last_follow_up_on__gte=cutoff) | Q(owned_since__date__gte=cutoff)
        cond |= Q(region_id=region_code) & ~active_since
    return base.filter(cond)


def lead_search_hits(user: User, q: str, limit: int) -> list[SearchHit]:
    """Leads the user sees whose company name, pinyin, initials or USCC match ``q``."""
    rows = Lead.objects.visible_to(user).search(q).order_by("-updated_at")[:limit]
    return [SearchHit(kind="lead", pk=lead.pk, label=lead.name, detail=str(lead.get_status_display()),
                      url=reverse("investment:lead_detail", args=[lead.pk])) for lead in rows]


def project_search_hits(user: User, q: str, limit: int) -> list[SearchHit]:
    """Projects the user sees whose name matches ``q`` (or, for a USCC, whose investor has it)."""
    q = q.strip()
    if not q:
        return []
    match = Q(name__icontains=q) | Q(investor_enterprise__uscc__startswith=q.upper())
    rows = Project.objects.visible_to(user).filter(match).select_related("park").order_by("name")[:limit]
    return [SearchHit(kind="project", pk=p.pk, label=p.name,
                      detail=" · ".join(x for x in (p.park.name if p.park else "", str(p.get_stage_display())) if x),
                      url=reverse("investment:project_detail", args=[p.pk])) for p in rows]
