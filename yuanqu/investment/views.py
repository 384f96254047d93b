"""Investment-promotion pages: leads, the shared pool, follow-ups, due and stale lists, the board."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuanqu.core import archive, audit
from yuanqu.core.forms import call_service, save_edit
from yuanqu.core.listing import Column, Filter, ListSpec, date_range, run_list
from yuanqu.core.models import IndustryCode
from yuanqu.core.roles import CONFIGURERS, EDIT_PARK, TENANT_READERS, Role
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_page_role, require_role_audited
from yuanqu.core.text import pinyin_keys
from yuanqu.core.types import AuthedRequest
from yuanqu.enterprises.models import EnterpriseRequest
from yuanqu.enterprises.services import REQUEST_FILED
from yuanqu.parks.models import Park

from . import selectors, services
from .forms import (
    CaseForm,
    ConvertForm,
    FollowUpForm,
    LeadContactEditForm,
    LeadContactForm,
    LeadForm,
    LeadProjectForm,
    MeasureDoneForm,
    MeasureForm,
    MeetingForm,
    MergeForm,
    MonthForm,
    PlanForm,
    ProjectForm,
    RegionSettingForm,
    StageChangeForm,
    StatusForm,
)
from .models import (
    Case,
    CaseMeasure,
    Lead,
    LeadContact,
    Project,
    ProjectStage,
    RegionSetting,
    StageChange,
    StageEvidence,
)

LIST_ROLES = TENANT_READERS
WRITE_ROLES = EDIT_PARK


def _park_choices(request: AuthedRequest) -> list[tuple[Any, str]]:
    return list(Park.objects.visible_to(request.user).values_list("pk", "name"))


def _owners(rows: Any, path: str) -> list[tuple[Any, str]]:
    """Each person owning some of ``rows`` once (no ordering column in the DISTINCT), by name; people who share a
    display name (a bureau's account name) are told apart by their user name."""
    people = rows.filter(**{f"{path}__isnull": False}).order_by().values_list(
        f"{path}_id", f"{path}__display_name", f"{path}__username").distinct()
    names = [(pk, display or username, username) for pk, display, username in people]
    shared = {n for n in (label for _pk, label, _u in names) if sum(1 for _p, lab, _u in names if lab == n) > 1}
    return sorted(((pk, f"{label}（{username}）" if label in shared else label) for pk, label, username in names),
                  key=lambda choice: pinyin_keys(choice[1])[0])


def _owner_choices(request: AuthedRequest) -> list[tuple[Any, str]]:
    return _owners(selectors.leads_for_list(request.user), "owner")


def _section_choices(request: AuthedRequest) -> list[tuple[Any, str]]:
    """GB/T 4754 sections (门类), as the enterprise list offers them."""
    return list(IndustryCode.objects.filter(level=1).values_list("code", "name"))


def _project_owner_choices(request: AuthedRequest) -> list[tuple[Any, str]]:
    return _owners(selectors.projects_for_list(request.user), "investor_lead__owner")


def _lead_period(request: AuthedRequest, qs: QuerySet[Lead]) -> tuple[QuerySet[Lead], dict[str, Any]]:
    start, end, shown = date_range(request)
    if start:
        qs = qs.filter(created_at__date__gte=start)
    if end:
        qs = qs.filter(created_at__date__lte=end)
    return qs, {**shown, "label": _("Created between")}


def _project_period(request: AuthedRequest, qs: QuerySet[Project]) -> tuple[QuerySet[Project], dict[str, Any]]:
    """Projects signed within the period (the actual date of their 签约 stage)."""
    start, end, shown = date_range(request)
    if start or end:
        signed = ProjectStage.objects.filter(stage=Project.Stage.SIGNED, actual_on__isnull=False)
        if start:
            signed = signed.filter(actual_on__gte=start)
        if end:
            signed = signed.filter(actual_on__lte=end)
        qs = qs.filter(pk__in=signed.values("project"))
    return qs, {**shown, "label": _("Signed between")}


def _apply_filters(request: AuthedRequest, qs: QuerySet[Any], filters: list[Filter]) -> tuple[QuerySet[Any], list[Any]]:
    """Narrow ``qs`` by drop-down filters the way list pages do; return what the form shows."""
    shown = []
    for f in filters:
        options = f.options(request)
        value = request.GET.get(f.name, "").strip()
        if value and value in {str(k) for k, _label in options}:
            qs = qs.filter(**{f.lookup or f.name: value})
        else:
            value = ""
        shown.append((f, options, value))
    return qs, shown


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(m for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(exc.messages)


def _lead_spec() -> ListSpec:
    return ListSpec(
        filters=[
            Filter("status", _("Status"), Lead.Status.choices),
            Filter("source", _("Source"), Lead.Source.choices),
            Filter("park", _("Target park"), _park_choices, "target_park"),
            Filter("section", _("Industry section"), _section_choices, "industry__section"),
            Filter("owner", _("Owner"), _owner_choices, "owner"),
        ],
        sorts={"name": ("name_pinyin",), "created": ("created_at",), "investment": ("intended_investment_wan",),
               "last": ("last_follow_up_on",), "due": ("next_step_on",)},
        default_sort="-created",
        search=lambda qs, q: qs.search(q),
        columns=lambda r: [
            Column(_("Company"), lambda x: x.name),
            Column(_("Unified social credit code"), lambda x: x.uscc),
            Column(_("Status"), lambda x: x.get_status_display()),
            Column(_("Source"), lambda x: x.get_source_display()),
            Column(_("Target park"), lambda x: x.target_park.name if x.target_park else ""),
            Column(_("Industry"), lambda x: x.industry.name if x.industry else ""),
            Column(_("Intended investment (10k yuan)"), lambda x: x.intended_investment_wan),
            Column(_("Expected jobs"), lambda x: x.expected_jobs),
            Column(_("Owner"), lambda x: str(x.owner) if x.owner else _("Shared pool")),
            Column(_("Last follow-up"), lambda x: x.last_follow_up_on),
            Column(_("Next step due"), lambda x: x.next_step_on),
            Column(_("Reason lost"), lambda x: x.lost_reason),
        ],
        export_name="leads",
    )


def _leads_page(request: AuthedRequest, qs: QuerySet[Lead], title: str, which: str,
               extra: dict[str, Any] | None = None) -> HttpResponse:
    require_page_role(request.user, LIST_ROLES)
    qs, period = _lead_period(request, qs)
    return run_list(request, qs, _lead_spec(), "investment/lead_list.html", {
        "title": title, "which": which, "can_create": request.user.role in WRITE_ROLES,
        "today": timezone.localdate(), "period": period, **(extra or {})})


@login_required
def lead_list(request: AuthedRequest) -> HttpResponse:
    """All leads in scope, with filters, pinyin search, sort, pagination and export."""
    require_page_role(request.user, LIST_ROLES)
    if request.GET.get("archived") == "1":
        return archive.archived_page(request, Lead.objects.archived().visible_to(request.user), title=_("Leads"),
                                     list_url="investment:leads", roles=services.ARCHIVE_ROLES)
    return _leads_page(request, selectors.leads_for_list(request.user), _("Leads"), "all",
                       {"archived_filter": True})


@login_required
def lead_pool(request: AuthedRequest) -> HttpResponse:
    """The shared pool (公海): open leads without an owner, to be claimed."""
    require_page_role(request.user, LIST_ROLES)
    return _leads_page(request, selectors.pool_for(request.user), _("Shared pool"), "pool")


@login_required
def lead_due(request: AuthedRequest) -> HttpResponse:
    """My leads whose next step is due today or earlier."""
    require_page_role(request.user, WRITE_ROLES)
    return _leads_page(request, selectors.due_for(request.user), _("My due follow-ups"), "due",
                       {"due_projects": selectors.due_projects_for(request.user)})


@login_required
def lead_stale(request: AuthedRequest) -> HttpResponse:
    """Owned leads without a follow-up for N days; they return to the pool on their own."""
    require_page_role(request.user, LIST_ROLES)
    return _leads_page(request, selectors.stale_for(request.user), _("Stale leads"), "stale")


def _lead_data(form: LeadForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    for name in ("contact_name", "contact_phone", "to_pool", "allow_duplicate"):
        data.pop(name, None)
    return data


@login_required
def lead_create(request: AuthedRequest) -> HttpResponse:
    """Record a lead. A likely duplicate is shown with a link to it, to merge rather than create."""
    require_page_role(request.user, WRITE_ROLES)
    form = LeadForm(request.POST or None, user=request.user, creating=True,
                    initial={"region": request.user.region_id, "target_park": request.GET.get("park")})
    duplicates: list[Lead] = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        contacts = [{"name": d["contact_name"], "phone": d["contact_phone"]}] if d["contact_name"] else []
        lead = call_service(form, lambda: services.lead_create(
            actor=request.user, contacts=contacts, claim=not d["to_pool"], allow_duplicate=d["allow_duplicate"],
            **_lead_data(form)))
        if lead is not None:
            messages.success(request, _("Lead %(name)s recorded.") % {"name": lead.name})
            return redirect("investment:lead_detail", pk=lead.pk)
        duplicates = selectors.find_duplicates(actor=request.user, name=d["name"], uscc=d["uscc"],
                                              phones=[d["contact_phone"]])
    return render(request, "investment/form.html", {"form": form, "title": _("New lead"), "duplicates": duplicates})


@login_required
def lead_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A lead: its record, owner, contacts (masked by role), follow-ups, and what it became."""
    lead = get_visible_or_404(Lead.objects.select_related("owner", "target_park", "industry", "region",
                                                          "enterprise", "settlement"), request.user, pk=pk)
    editable = Lead.objects.editable_by(request.user).filter(pk=pk).exists()
    return render(request, "investment/lead_detail.html", {
        "lead": lead,
        "contacts": selectors.contacts_for(request.user, lead),
        "follow_ups": selectors.follow_ups_for(request.user, lead),
        "duplicates": selectors.find_duplicates(actor=request.user, name=lead.name, uscc=lead.uscc,
                                               phones=lead.contacts.values_list("phone", flat=True),
                                               exclude_pk=lead.pk) if editable else [],
        "can_edit": editable,
        "archive_url": reverse("investment:lead_archive", args=[pk])
        if archive.may_archive(request.user, lead, services.ARCHIVE_ROLES) else "",
        "merge_form": MergeForm(user=request.user, lead=lead) if editable else None,
        "statuses": [s for s in Lead.Status if s.value != lead.status],
        "projects": selectors.projects_for_list(request.user).filter(investor_lead=lead),
        "today": timezone.localdate(),
    })


@login_required
def lead_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Edit a lead's record."""
    lead = get_visible_or_404(Lead.objects.editable_by(request.user), request.user, pk=pk)
    form = LeadForm(request.POST or None, instance=lead, user=request.user, creating=False)
    if request.method == "POST" and form.is_valid():
        if save_edit(form, lead, lambda fresh: services.lead_update(actor=request.user, lead=fresh,
                                                            **_lead_data(form))) is not None:
            messages.success(request, _("Changes saved."))
            return redirect("investment:lead_detail", pk=pk)
    return render(request, "investment/form.html", {"form": form, "lead": lead,
                                                    "title": _("Edit %(name)s") % {"name": lead.name}})


def _post_action(request: AuthedRequest, pk: int, action: Callable[[Lead], Any], done: str) -> HttpResponse:
    """Run a one-button service on an editable lead; errors come back as a message."""
    lead = get_visible_or_404(Lead.objects.editable_by(request.user), request.user, pk=pk)
    try:
        action(lead)
        messages.success(request, done)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except PermissionDenied as exc:
        raise Http404 from exc
    return redirect("investment:lead_detail", pk=pk)


@login_required
@require_POST
def lead_claim(request: AuthedRequest, pk: int) -> HttpResponse:
    """Take a lead from the pool."""
    return _post_action(request, pk, lambda lead: services.lead_claim(actor=request.user, lead=lead),
                        _("The lead is yours now."))


@login_required
@require_POST
def lead_release(request: AuthedRequest, pk: int) -> HttpResponse:
    """Put a lead back into the pool."""
    return _post_action(request, pk, lambda lead: services.lead_release(actor=request.user, lead=lead),
                        _("The lead is back in the shared pool."))


@login_required
@require_POST
def lead_status(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change a lead's status (已流失 with a reason)."""
    form = StatusForm(request.POST)

    def act(lead: Lead) -> Any:
        if not form.is_valid():
            raise ValidationError(" ".join(" ".join(str(m) for m in e) for e in form.errors.values()))
        return services.lead_set_status(actor=request.user, lead=lead, status=form.cleaned_data["status"],
                                        reason=form.cleaned_data["reason"])

    return _post_action(request, pk, act, _("Status updated."))


@login_required
@require_POST
def lead_merge(request: AuthedRequest, pk: int) -> HttpResponse:
    """Merge this lead into another one; go to the lead that remains."""
    source = get_visible_or_404(Lead.objects.editable_by(request.user), request.user, pk=pk)
    form = MergeForm(request.POST, user=request.user, lead=source)
    if not form.is_valid():
        messages.error(request, " ".join(" ".join(str(m) for m in e) for e in form.errors.values()))
        return redirect("investment:lead_detail", pk=pk)
    try:
        target = services.lead_merge(actor=request.user, source=source, target=form.cleaned_data["target"])
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("investment:lead_detail", pk=pk)
    messages.success(request, _("Merged into %(name)s.") % {"name": target.name})
    return redirect("investment:lead_detail", pk=target.pk)


@login_required
def lead_convert(request: AuthedRequest, pk: int) -> HttpResponse:
    """Convert a lead into a settlement at 签约 (and a new enterprise if needed)."""
    lead = get_visible_or_404(Lead.objects.editable_by(request.user), request.user, pk=pk)
    form = ConvertForm(request.POST or None, user=request.user, initial={
        "uscc": lead.uscc, "name": lead.name, "park": lead.target_park_id, "signed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        settlement = call_service(form, lambda: services.lead_convert(
            actor=request.user, lead=lead, park=d["park"], signed_on=d["signed_on"], uscc=d["uscc"], name=d["name"]))
        if isinstance(settlement, EnterpriseRequest):
            # The same words whatever the code named; the lead is converted once staff approve.
            messages.info(request, str(REQUEST_FILED[EnterpriseRequest.Kind.SETTLE]))
            return redirect("investment:lead_detail", pk=pk)
        if settlement is not None:
            messages.success(request, _("Converted: %(name)s signed into %(park)s.")
                             % {"name": settlement.enterprise.name, "park": settlement.park.name})
            return redirect("investment:lead_detail", pk=pk)
    return render(request, "investment/form.html", {"form": form, "lead": lead,
                                                    "title": _("Convert to a settlement")})


@login_required
def contact_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add a contact to a lead."""
    lead = get_visible_or_404(Lead.objects.editable_by(request.user), request.user, pk=pk)
    form = LeadContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(form, lambda: services.lead_contact_create(actor=request.user, lead=lead,
                                                                    **form.cleaned_data)) is not None:
            messages.success(request, _("Contact added."))
            return redirect("investment:lead_detail", pk=pk)
    return render(request, "investment/form.html", {"form": form, "lead": lead, "title": _("New contact")})


@login_required
def contact_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Edit a lead's contact; who sees the phone and e-mail masked edits the name and title only."""
    contact = get_visible_or_404(LeadContact.objects.editable_by(request.user).select_related("lead"),
                                 request.user, pk=pk)
    full = selectors.may_see_personal_data(request.user)
    form = LeadContactEditForm(request.POST or None, instance=contact, full=full)
    if request.method == "POST" and form.is_valid():
        if save_edit(form, contact, lambda fresh: services.lead_contact_update(actor=request.user, contact=fresh,
                                                                    **form.cleaned_data)) is not None:
            messages.success(request, _("Changes saved."))
            return redirect("investment:lead_detail", pk=contact.lead_id)
    return render(request, "investment/form.html", {"form": form, "lead": contact.lead, "title": contact.name})


@login_required
@require_POST
def contact_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    """Remove a lead's contact."""
    contact = get_visible_or_404(LeadContact.objects.editable_by(request.user).select_related("lead"),
                                 request.user, pk=pk)
    services.lead_contact_delete(actor=request.user, contact=contact)
    messages.success(request, _("Contact removed."))
    return redirect("investment:lead_detail", pk=contact.lead_id)


@login_required
def lead_convert_project(request: AuthedRequest, pk: int) -> HttpResponse:
    """Turn a lead into a key project; the project names the lead (and its enterprise) as investor."""
    lead = get_visible_or_404(Lead.objects.editable_by(request.user), request.user, pk=pk)
    form = LeadProjectForm(request.POST or None, user=request.user, initial={
        "name": lead.name, "park": lead.target_park_id, "total_investment_wan": lead.intended_investment_wan})
    if request.method == "POST" and form.is_valid():
        project = call_service(form, lambda: services.lead_convert_project(
            actor=request.user, lead=lead, **form.cleaned_data))
        if project is not None:
            messages.success(request, _("Project %(name)s registered.") % {"name": project.name})
            return redirect("investment:lead_detail", pk=pk)
    return render(request, "investment/form.html", {"form": form, "lead": lead,
                                                    "title": _("Convert to a project")})


@login_required
def follow_up_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """Log a follow-up on a lead."""
    lead = get_visible_or_404(Lead.objects.editable_by(request.user), request.user, pk=pk)
    form = FollowUpForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        if call_service(form, lambda: services.follow_up_create(actor=request.user, lead=lead,
                                                                 **form.cleaned_data)) is not None:
            messages.success(request, _("Follow-up recorded."))
            return redirect("investment:lead_detail", pk=pk)
    return render(request, "investment/form.html", {"form": form, "lead": lead, "title": _("New follow-up")})


@login_required
def board(request: AuthedRequest) -> HttpResponse:
    """The pipeline board: one column per status, with counts and intended investment (万元); funnels of leads
    by source and park, and of projects by stage (counts and total investment, 万元).

    Filterable by park, industry section, level (projects), owner and period (leads: created; projects: signed).
    """
    require_page_role(request.user, LIST_ROLES)
    qs, lead_filters = _apply_filters(request, selectors.leads_for_list(request.user), [
        Filter("park", _("Park"), _park_choices, "target_park"),
        Filter("section", _("Industry section"), _section_choices, "industry__section"),
        Filter("owner", _("Owner"), _owner_choices, "owner"),
    ])
    qs, period = _lead_period(request, qs)
    projects, project_filters = _apply_filters(request, Project.objects.visible_to(request.user), [
        Filter("park", _("Park"), _park_choices, "park"),
        Filter("section", _("Industry section"), _section_choices, "industry__section"),
        Filter("level", _("Level"), Project.Level.choices, "level"),
        Filter("owner", _("Owner"), _owner_choices, "investor_lead__owner"),
    ])
    projects, project_period = _project_period(request, projects)
    park = request.GET.get("park", "")
    totals: dict[str, Any] = {row["status"]: row for row in qs.values("status").annotate(n=Count("id"),
                                                                         amount=Sum("intended_investment_wan"))}
    columns = []
    for status in Lead.Status:
        row = totals.get(status.value, {})
        columns.append({"status": status, "count": row.get("n", 0), "amount": row.get("amount") or Decimal(0),
                        "leads": qs.filter(status=status.value).order_by("-intended_investment_wan", "pk")[:20]})
    by_source = qs.values("source").annotate(n=Count("id"), amount=Sum("intended_investment_wan")).order_by("-n")
    source_labels = dict(Lead.Source.choices)
    by_park = (qs.values("target_park__name").annotate(n=Count("id"), amount=Sum("intended_investment_wan"))
               .order_by("-n", "target_park__name"))
    stage_rows: dict[str, Any] = {r["stage"]: r for r in projects.order_by().values("stage").annotate(
        n=Count("id"), amount=Sum("total_investment_wan"))}
    by_stage = [{"stage": st.value, "label": st.label, "n": stage_rows.get(st.value, {}).get("n", 0),
                 "amount": stage_rows.get(st.value, {}).get("amount") or Decimal(0)} for st in Project.Stage]
    # The filter form shows each drop-down once: the lead board's, plus the projects' level.
    shown = lead_filters + [f for f in project_filters if f[0].name == "level"]
    return render(request, "investment/board.html", {
        "by_park": [{"label": r["target_park__name"] or "—", "n": r["n"], "amount": r["amount"] or Decimal(0)}
                    for r in by_park],
        "columns": columns,
        "by_source": [{"label": source_labels.get(r["source"], r["source"]), "n": r["n"],
                       "amount": r["amount"] or Decimal(0)} for r in by_source],
        "by_stage": by_stage,
        "filters": shown, "period": {**period, "label": _("Period")}, "project_period": project_period,
        "parks": _park_choices(request), "park": park,
    })


# --- Key projects ------------------------------------------------------------------------------

def _project_spec() -> ListSpec:
    return ListSpec(
        filters=[
            Filter("stage", _("Stage"), Project.Stage.choices),
            Filter("level", _("Level"), Project.Level.choices),
            Filter("park", _("Park"), _park_choices, "park"),
            Filter("section", _("Industry section"), _section_choices, "industry__section"),
            Filter("owner", _("Owner"), _project_owner_choices, "investor_lead__owner"),
        ],
        sorts={"name": ("name",), "investment": ("total_investment_wan",), "overdue": ("overdue",)},
        default_sort="-investment",
        search=lambda qs, q: qs.filter(name__icontains=q),
        columns=lambda r: [
            Column(_("Project"), lambda p: p.name),
            Column(_("Level"), lambda p: p.get_level_display()),
            Column(_("Park"), lambda p: p.park.name if p.park else ""),
            Column(_("Stage"), lambda p: p.get_stage_display()),
            Column(_("Total investment (10k yuan)"), lambda p: p.total_investment_wan),
            Column(_("Fixed-asset investment (10k yuan)"), lambda p: p.fixed_asset_investment_wan),
            Column(_("Overdue stages"), lambda p: p.overdue),
        ],
        export_name="projects",
    )


@login_required
def project_list(request: AuthedRequest) -> HttpResponse:
    """Projects in scope with stage progress and overdue markers."""
    require_page_role(request.user, LIST_ROLES)
    if request.GET.get("archived") == "1":
        return archive.archived_page(request, Project.objects.archived().visible_to(request.user),
                                     title=_("Key projects"), list_url="investment:projects",
                                     roles=services.ARCHIVE_ROLES)
    qs, period = _project_period(request, selectors.projects_for_list(request.user))
    return run_list(request, qs, _project_spec(), "investment/project_list.html",
                    {"can_create": request.user.role in WRITE_ROLES, "period": period, "archived_filter": True})


@login_required
def project_create(request: AuthedRequest) -> HttpResponse:
    """Register a key project."""
    require_page_role(request.user, WRITE_ROLES)
    form = ProjectForm(request.POST or None, user=request.user, initial={"region": request.user.region_id})
    if request.method == "POST" and form.is_valid():
        project = call_service(form, lambda: services.project_create(actor=request.user, **form.cleaned_data))
        if project is not None:
            messages.success(request, _("Project %(name)s registered.") % {"name": project.name})
            return redirect("investment:project_detail", pk=project.pk)
    return render(request, "investment/form.html", {"form": form, "title": _("New project")})


def _next_stage(project: Project) -> str:
    """The stage after the project's own (its own when it is the last, or terminated)."""
    order = Project.ORDER
    if project.stage in order and order.index(project.stage) + 1 < len(order):
        return order[order.index(project.stage) + 1]
    return project.stage


@login_required
def project_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A project: its timeline (planned against actual), stage requests with evidence, monthly investment."""
    project = get_visible_or_404(Project.objects.select_related("park", "industry", "region", "investor_enterprise",
                                                                "investor_lead"), request.user, pk=pk)
    editable = Project.objects.editable_by(request.user).filter(pk=pk).exists()
    year = timezone.localdate().year
    plans = {s.stage: s.planned_on for s in project.stages.all()}
    return render(request, "investment/project_detail.html", {
        "project": project,
        "timeline": selectors.timeline(project),
        "changes": StageChange.objects.visible_to(request.user).filter(project=project)
        .select_related("requested_by", "decided_by").prefetch_related("evidence"),
        "months": selectors.months_with_ytd(project, year),
        "year": year,
        "can_edit": editable,
        "archive_url": reverse("investment:project_archive", args=[pk])
        if archive.may_archive(request.user, project, services.ARCHIVE_ROLES) else "",
        "can_decide": request.user.role == Role.REGION_STAFF,
        # The next stage, never a step back by accident (a project at 注册 offers 开工, not 在谈).
        "stage_form": StageChangeForm(initial={"on": timezone.localdate(), "to_stage": _next_stage(project)})
        if editable else None,
        "plan_form": PlanForm(initial=plans) if editable else None,
        "month_form": MonthForm(initial={"month": timezone.localdate().replace(day=1)}) if editable else None,
        "follow_ups": selectors.project_follow_ups_for(request.user, project),
        "follow_up_form": FollowUpForm(initial={"on": timezone.localdate()}) if editable else None,
    })


@login_required
def project_follow_up(request: AuthedRequest, pk: int) -> HttpResponse:
    """Log a follow-up (visit, call, meeting, one-to-one docking) on a project."""
    project = get_visible_or_404(Project.objects.editable_by(request.user), request.user, pk=pk)
    form = FollowUpForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        if call_service(form, lambda: services.project_follow_up_create(actor=request.user, project=project,
                                                                         **form.cleaned_data)) is not None:
            messages.success(request, _("Follow-up recorded."))
            return redirect("investment:project_detail", pk=pk)
    return render(request, "investment/form.html", {"form": form, "project": project,
                                                    "title": _("New follow-up")})


def _back(request: AuthedRequest, pk: int, error: str = "", done: str = "") -> HttpResponse:
    if error:
        messages.error(request, error)
    elif done:
        messages.success(request, done)
    return redirect("investment:project_detail", pk=pk)


def _form_error(form: forms.Form) -> str:
    return " ".join(f"{form.fields[f].label if f in form.fields else ''}: {' '.join(str(m) for m in e)}"
                    for f, e in form.errors.items())


@login_required
@require_POST
def project_stage(request: AuthedRequest, pk: int) -> HttpResponse:
    """Submit a stage change with evidence; staff's applies at once, an operator's awaits approval."""
    project = get_visible_or_404(Project.objects.editable_by(request.user), request.user, pk=pk)
    form = StageChangeForm(request.POST)
    if not form.is_valid():
        return _back(request, pk, error=_form_error(form))
    d = form.cleaned_data
    try:
        change = services.stage_change_submit(actor=request.user, project=project, to_stage=d["to_stage"],
                                              on=d["on"], reason=d["reason"],
                                              evidence=request.FILES.getlist("evidence"))
    except ValidationError as exc:
        return _back(request, pk, error=_error_text(exc))
    return _back(request, pk, done=_("Stage updated.") if change.status == StageChange.Status.APPROVED
                 else _("Submitted for approval."))


@login_required
@require_POST
def project_plan(request: AuthedRequest, pk: int) -> HttpResponse:
    """Set the planned dates of the stages."""
    project = get_visible_or_404(Project.objects.editable_by(request.user), request.user, pk=pk)
    form = PlanForm(request.POST)
    if not form.is_valid():
        return _back(request, pk, error=_form_error(form))
    services.project_plan(actor=request.user, project=project, plans=form.cleaned_data)
    return _back(request, pk, done=_("Plan saved."))


@login_required
@require_POST
def project_month(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record a month's planned and completed investment."""
    project = get_visible_or_404(Project.objects.editable_by(request.user), request.user, pk=pk)
    form = MonthForm(request.POST)
    if not form.is_valid():
        return _back(request, pk, error=_form_error(form))
    try:
        services.project_month_set(actor=request.user, project=project, **form.cleaned_data)
    except ValidationError as exc:
        return _back(request, pk, error=_error_text(exc))
    return _back(request, pk, done=_("Monthly investment saved."))


def _decide_view(request: AuthedRequest, pk: int, act: Callable[[StageChange], Any], done: str) -> HttpResponse:
    change = get_visible_or_404(StageChange.objects.all(), request.user, pk=pk)
    require_page_role(request.user, Role.REGION_STAFF)
    try:
        act(change)
    except ValidationError as exc:
        return _back(request, change.project_id, error=_error_text(exc))
    except PermissionDenied as exc:
        raise Http404 from exc
    return _back(request, change.project_id, done=done)


@login_required
@require_POST
def change_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    """Approve a pending stage change (district staff, never their own)."""
    return _decide_view(request, pk, lambda c: services.stage_change_approve(actor=request.user, change=c),
                        _("Approved."))


@login_required
@require_POST
def change_return(request: AuthedRequest, pk: int) -> HttpResponse:
    """Return a pending stage change with a reason."""
    reason = request.POST.get("reason", "")
    return _decide_view(request, pk, lambda c: services.stage_change_return(actor=request.user, change=c,
                                                                            reason=reason), _("Returned."))


@login_required
def evidence_download(request: AuthedRequest, pk: int) -> FileResponse:
    """An evidence file, for whoever may see its project."""
    ev = get_visible_or_404(StageEvidence.objects.all(), request.user, pk=pk)
    audit.record_download(actor=request.user, obj=ev, filename=ev.original_name, kind="evidence")
    return FileResponse(ev.file.open("rb"), content_type=ev.content_type, as_attachment=False,
                        filename=ev.original_name)


# --- Cases ---------------------------------------------------------------------------------------

def _case_spec() -> ListSpec:
    return ListSpec(
        filters=[Filter("status", _("Status"), Case.Status.choices), Filter("kind", _("Kind"), Case.Kind.choices),
                 Filter("park", _("Park"), _park_choices, "park")],
        sorts={"created": ("created_at",), "title": ("title",)},
        default_sort="-created",
        search=lambda qs, q: qs.filter(title__icontains=q),
        columns=lambda r: [
            Column(_("Title"), lambda c: c.title), Column(_("Kind"), lambda c: c.get_kind_display()),
            Column(_("Status"), lambda c: c.get_status_display()),
            Column(_("Park"), lambda c: c.park.name if c.park else ""),
            Column(_("Overdue measures"), lambda c: c.overdue_measures),
        ],
        export_name="cases",
    )


@login_required
def case_list(request: AuthedRequest) -> HttpResponse:
    """Cases in scope, with their overdue measures counted."""
    require_page_role(request.user, LIST_ROLES)
    today = timezone.localdate()
    qs = Case.objects.visible_to(request.user).select_related("park").annotate(
        overdue_measures=Count("measures", filter=Q(measures__done_on__isnull=True, measures__due_on__lt=today)))
    return run_list(request, qs, _case_spec(), "investment/case_list.html",
                    {"can_create": request.user.role == Role.REGION_STAFF})


@login_required
def case_create(request: AuthedRequest) -> HttpResponse:
    """Open a case (district staff)."""
    require_page_role(request.user, (Role.REGION_STAFF,))
    form = CaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        case = call_service(form, lambda: services.case_create(actor=request.user, **form.cleaned_data))
        if case is not None:
            return redirect("investment:case_detail", pk=case.pk)
    return render(request, "investment/form.html", {"form": form, "title": _("New case")})


@login_required
def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A case: its request, status, meetings and measures (overdue flagged)."""
    case = get_visible_or_404(Case.objects.select_related("enterprise", "lead", "project", "park"), request.user,
                              pk=pk)
    editable = Case.objects.editable_by(request.user).filter(pk=pk).exists()
    return render(request, "investment/case_detail.html", {
        "case": case, "meetings": case.meetings.all(), "measures": case.measures.all(), "can_edit": editable,
        "later": [s for s in Case.Status if Case.ORDER.index(s.value) > Case.ORDER.index(case.status)],
        "meeting_form": MeetingForm(initial={"on": timezone.localdate()}) if editable else None,
        "measure_form": MeasureForm() if editable else None,
        "today": timezone.localdate(),
    })


def _case_post(request: AuthedRequest, pk: int, act: Callable[[Case], Any]) -> HttpResponse:
    case = get_visible_or_404(Case.objects.editable_by(request.user), request.user, pk=pk)
    try:
        act(case)
        messages.success(request, _("Changes saved."))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("investment:case_detail", pk=pk)


def _valid(form: forms.BaseForm) -> dict[str, Any]:
    if not form.is_valid():
        raise ValidationError(_form_error(form))  # type: ignore[arg-type]
    return dict(form.cleaned_data)


@login_required
@require_POST
def case_advance(request: AuthedRequest, pk: int) -> HttpResponse:
    """Move a case to a later status."""
    return _case_post(request, pk, lambda c: services.case_advance(actor=request.user, case=c,
                                                                   status=request.POST.get("status", "")))


@login_required
@require_POST
def case_meeting(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record a meeting on a case."""
    return _case_post(request, pk, lambda c: services.case_meeting_create(
        actor=request.user, case=c, **_valid(MeetingForm(request.POST))))


@login_required
@require_POST
def case_measure(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add an agreed measure to a case."""
    return _case_post(request, pk, lambda c: services.case_measure_create(
        actor=request.user, case=c, **_valid(MeasureForm(request.POST))))


@login_required
@require_POST
def case_measure_done(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark an agreed measure done (today unless a date is given)."""
    # A measure is scoped through its case; only those who may change the case may tick it off.
    measure = CaseMeasure.objects.filter(case__in=Case.objects.editable_by(request.user), pk=pk).first()
    if measure is None:
        raise Http404
    data = request.POST.copy()
    data.setdefault("on", timezone.localdate().isoformat())
    form = MeasureDoneForm(data)
    try:
        services.case_measure_done(actor=request.user, measure=measure, **_valid(form))
        messages.success(request, _("Changes saved."))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("investment:case_detail", pk=measure.case_id)


# --- Settings ----------------------------------------------------------------------------------

SETTING_ROLES = CONFIGURERS


@login_required
def region_settings(request: AuthedRequest) -> HttpResponse:
    """Set N for the user's region: days without a follow-up before an owned lead returns to the pool.

    A business rule, so district staff's alone (on their own region): the system administrator and every other
    role are refused, and the attempt is audited (三权分立).
    """
    try:
        require_role_audited(request.user, SETTING_ROLES, attempt="region_setting_set",
                             object_type="investment.RegionSetting")
    except PermissionDenied as exc:
        raise Http404 from exc
    current = RegionSetting.stale_days_for(request.user.region_id)
    form = RegionSettingForm(request.POST if request.method == "POST" else None, initial={"lead_stale_days": current})
    if request.method == "POST" and form.is_valid():
        if call_service(form, lambda: services.region_setting_set(
                actor=request.user, lead_stale_days=form.cleaned_data["lead_stale_days"])) is not None:
            messages.success(request, _("Changes saved."))
            return redirect("investment:settings")
    return render(request, "investment/form.html", {"form": form, "title": _("Investment-promotion settings")})


# Archive, restore, hard delete (core.archive): district staff, or the operator of the row's park.
_leads = archive.views_for(Lead, roles=services.ARCHIVE_ROLES, list_url="investment:leads",
                           archive=services.lead_archive, restore=services.lead_restore, delete=services.lead_delete,
                           kw="lead")
lead_archive, lead_restore, lead_delete = _leads["archive"], _leads["restore"], _leads["delete"]
_projects = archive.views_for(Project, roles=services.ARCHIVE_ROLES, list_url="investment:projects",
                              archive=services.project_archive, restore=services.project_restore,
                              delete=services.project_delete, kw="project")
project_archive, project_restore, project_delete = _projects["archive"], _projects["restore"], _projects["delete"]
