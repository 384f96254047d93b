"""Investment-promotion pages: leads, the shared pool, follow-ups, due and stale lists, the board."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuanqu.core.forms import call_service
from yuanqu.core.listing import Column, Filter, ListSpec, run_list
from yuanqu.core.roles import Role
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.types import AuthedRequest
from yuanqu.parks.models import Park

from . import selectors, services
from .forms import ConvertForm, FollowUpForm, LeadContactForm, LeadForm, MergeForm, StatusForm
from .models import Lead

LIST_ROLES = (Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR)
WRITE_ROLES = (Role.REGION_STAFF, Role.PARK_OPERATOR)


def _require(request: AuthedRequest, roles: tuple[str, ...]) -> None:
    if request.user.role not in roles:
        raise Http404


def _park_choices(request: AuthedRequest) -> list[tuple[Any, str]]:
    return list(Park.objects.visible_to(request.user).values_list("pk", "name"))


def _owner_choices(request: AuthedRequest) -> list[tuple[Any, str]]:
    owners = selectors.leads_for_list(request.user).filter(owner__isnull=False).values_list(
        "owner_id", "owner__display_name", "owner__username").distinct()
    return [(pk, display or username) for pk, display, username in owners]


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


def _leads_page(request: AuthedRequest, qs: QuerySet[Lead], title: str, which: str) -> HttpResponse:
    _require(request, LIST_ROLES)
    return run_list(request, qs, _lead_spec(), "investment/lead_list.html", {
        "title": title, "which": which, "can_create": request.user.role in WRITE_ROLES,
        "today": timezone.localdate()})


@login_required
def lead_list(request: AuthedRequest) -> HttpResponse:
    """All leads in scope, with filters, pinyin search, sort, pagination and export."""
    _require(request, LIST_ROLES)
    return _leads_page(request, selectors.leads_for_list(request.user), _("Leads"), "all")


@login_required
def lead_pool(request: AuthedRequest) -> HttpResponse:
    """The shared pool (公海): open leads without an owner, to be claimed."""
    _require(request, LIST_ROLES)
    return _leads_page(request, selectors.pool_for(request.user), _("Shared pool"), "pool")


@login_required
def lead_due(request: AuthedRequest) -> HttpResponse:
    """My leads whose next step is due today or earlier."""
    _require(request, WRITE_ROLES)
    return _leads_page(request, selectors.due_for(request.user), _("My due follow-ups"), "due")


@login_required
def lead_stale(request: AuthedRequest) -> HttpResponse:
    """Owned leads without a follow-up for N days; they return to the pool on their own."""
    _require(request, LIST_ROLES)
    return _leads_page(request, selectors.stale_for(request.user), _("Stale leads"), "stale")


def _lead_data(form: LeadForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    for name in ("contact_name", "contact_phone", "to_pool", "allow_duplicate"):
        data.pop(name, None)
    return data


@login_required
def lead_create(request: AuthedRequest) -> HttpResponse:
    """Record a lead. A likely duplicate is shown with a link to it, to merge rather than create."""
    _require(request, WRITE_ROLES)
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
        duplicates = services.find_duplicates(actor=request.user, name=d["name"], uscc=d["uscc"],
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
        "duplicates": services.find_duplicates(actor=request.user, name=lead.name, uscc=lead.uscc,
                                               phones=lead.contacts.values_list("phone", flat=True),
                                               exclude_pk=lead.pk) if editable else [],
        "can_edit": editable,
        "merge_form": MergeForm(user=request.user, lead=lead) if editable else None,
        "statuses": [s for s in Lead.Status if s.value != lead.status],
        "today": timezone.localdate(),
    })


@login_required
def lead_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Edit a lead's record."""
    lead = get_visible_or_404(Lead.objects.editable_by(request.user), request.user, pk=pk)
    form = LeadForm(request.POST or None, instance=lead, user=request.user, creating=False)
    if request.method == "POST" and form.is_valid():
        fresh = Lead.objects.get(pk=pk)
        if call_service(form, lambda: services.lead_update(actor=request.user, lead=fresh,
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
    """The pipeline board: one column per status, with counts and intended investment (万元)."""
    _require(request, LIST_ROLES)
    qs = selectors.leads_for_list(request.user)
    park = request.GET.get("park", "")
    if park.isdigit():
        qs = qs.filter(target_park_id=int(park))
    totals: dict[str, Any] = {row["status"]: row for row in qs.values("status").annotate(n=Count("id"),
                                                                         amount=Sum("intended_investment_wan"))}
    columns = []
    for status in Lead.Status:
        row = totals.get(status.value, {})
        columns.append({"status": status, "count": row.get("n", 0), "amount": row.get("amount") or Decimal(0),
                        "leads": qs.filter(status=status.value).order_by("-intended_investment_wan", "pk")[:20]})
    by_source = qs.values("source").annotate(n=Count("id"), amount=Sum("intended_investment_wan")).order_by("-n")
    source_labels = dict(Lead.Source.choices)
    return render(request, "investment/board.html", {
        "columns": columns,
        "by_source": [{"label": source_labels.get(r["source"], r["source"]), "n": r["n"],
                       "amount": r["amount"] or Decimal(0)} for r in by_source],
        "parks": _park_choices(request), "park": park,
    })
