"""惠企政策 and 履约 pages: the policy library, clauses with the rule editor and preview, matches, applications
and payouts, agreements with their commitments and exposure, and the policy figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuanqu.core.forms import call_service
from yuanqu.core.listing import Column, Filter, ListSpec, run_list
from yuanqu.core.roles import BUSINESS_ROLES, TENANT_READERS, Role
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import refuse_page, require_page_role
from yuanqu.core.types import AuthedRequest
from yuanqu.enterprises.models import Enterprise
from yuanqu.parks.models import Park

from . import compliance, selectors, services
from .facts import FACTS
from .forms import (
    AgreementForm,
    ApplyForm,
    ApproveForm,
    BudgetForm,
    ClauseForm,
    CommitmentForm,
    FailureClauseForm,
    MoveForm,
    PayoutForm,
    PolicyForm,
    ReasonForm,
    RuleTestForm,
    StepForm,
    SupplementForm,
)
from .models import Agreement, Application, Clause, Policy

STAFF = (Role.REGION_STAFF,)



def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(m for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(exc.messages)


def _form_error(form: Any) -> str:
    return " ".join(f"{form.fields[f].label if f in form.fields else ''}: {' '.join(str(m) for m in e)}"
                    for f, e in form.errors.items())


def _act(request: AuthedRequest, back: str, pk: int, act: Callable[[], Any], done: str) -> HttpResponse:
    try:
        act()
        messages.success(request, done)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except PermissionDenied:
        refuse_page()
    return redirect(back, pk=pk)


# --------------------------------------------------------------------------- policies


def _park_choices(request: AuthedRequest) -> list[tuple[Any, str]]:
    return list(Park.objects.visible_to(request.user).values_list("pk", "name"))


@login_required
def policy_list(request: AuthedRequest) -> HttpResponse:
    """The policy library of the user's region."""
    require_page_role(request.user, BUSINESS_ROLES)
    spec = ListSpec(
        filters=[Filter("level", _("Level"), Policy.Level.choices),
                 Filter("status", _("Status"), Policy.Status.choices)],
        sorts={"effective": ("effective_on",), "title": ("title",)}, default_sort="-effective",
        search=lambda qs, q: qs.filter(title__icontains=q) | qs.filter(doc_number__icontains=q)
        | qs.filter(tags__icontains=q),
        columns=lambda r: [Column(_("Title"), lambda p: p.title), Column(_("Document number"), lambda p: p.doc_number),
                           Column(_("Issuer"), lambda p: p.issuer), Column(_("Level"), lambda p: p.get_level_display()),
                           Column(_("Status"), lambda p: p.get_status_display())],
        export_name="policies")
    return run_list(request, Policy.objects.visible_to(request.user), spec, "policies/policy_list.html",
                    {"can_create": request.user.role == Role.REGION_STAFF})


@login_required
def policy_create(request: AuthedRequest) -> HttpResponse:
    """Record a policy (district staff)."""
    require_page_role(request.user, STAFF)
    form = PolicyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        policy = call_service(form, lambda: services.policy_create(
            actor=request.user, attachment=request.FILES.get("attachment"), **form.service_data()))
        if policy is not None:
            return redirect("policies:policy_detail", pk=policy.pk)
    return render(request, "policies/form.html", {"form": form, "title": _("New policy")})


@login_required
def policy_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change a policy (district staff)."""
    require_page_role(request.user, STAFF)
    policy = get_visible_or_404(Policy.objects.editable_by(request.user), request.user, pk=pk)
    form = PolicyForm(request.POST or None, instance=Policy.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        saved = call_service(form, lambda: services.policy_update(actor=request.user, policy=policy,
                                                                  **form.service_data()))
        if saved is not None:
            return redirect("policies:policy_detail", pk=pk)
    return render(request, "policies/form.html", {"form": form, "title": _("Edit policy"), "policy": policy})


@login_required
def policy_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A policy: its text, clauses and yearly budgets (with the 70%/90% warnings)."""
    require_page_role(request.user, BUSINESS_ROLES)
    policy = get_visible_or_404(Policy.objects.all(), request.user, pk=pk)
    staff = request.user.role == Role.REGION_STAFF
    clauses = policy.clauses.all()
    if not staff:
        clauses = clauses.filter(status=Clause.Status.PUBLISHED)
    return render(request, "policies/policy_detail.html", {
        "policy": policy, "clauses": clauses, "budgets": policy.budgets.all() if request.user.role in
        TENANT_READERS else [], "can_edit": staff, "budget_form": BudgetForm(initial={
            "year": timezone.localdate().year}) if staff else None})


@login_required
@require_POST
def budget_set(request: AuthedRequest, pk: int) -> HttpResponse:
    """Set a policy's budget for a year."""
    require_page_role(request.user, STAFF)
    policy = get_visible_or_404(Policy.objects.editable_by(request.user), request.user, pk=pk)
    form = BudgetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error(form))
        return redirect("policies:policy_detail", pk=pk)
    return _act(request, "policies:policy_detail", pk, lambda: services.budget_set(
        actor=request.user, policy=policy, **form.cleaned_data), _("Budget saved."))


# --------------------------------------------------------------------------- clauses, rule editor, tests


def _preview(clause: Clause | None, rule: dict[str, Any], stats_year: int, user: Any) -> dict[str, Any] | None:
    """The rule over the real enterprises the user sees: who qualifies, who not, who lacks data."""
    if not rule:
        return None
    try:
        services.validate_rule(rule)
    except ValidationError:
        return None
    probe = Clause(rule=rule, stats_year=stats_year)
    ents = list(Enterprise.objects.visible_to(user).filter(status=Enterprise.Status.ACTIVE).order_by("name")[:500])
    evaluations = services.evaluate_for(probe, ents)
    rows = [(e, evaluations[e.pk]) for e in ents]
    return {"eligible": [r for r in rows if r[1].outcome == "eligible"],
            "unknown": [r for r in rows if r[1].outcome == "unknown"],
            "not_eligible": [r for r in rows if r[1].outcome == "not_eligible"]}


def _clause_form_page(request: AuthedRequest, form: ClauseForm, policy: Policy, clause: Clause | None) -> HttpResponse:
    preview = None
    if form.is_bound and form.is_valid():
        preview = _preview(clause, form.cleaned_data["rule"], form.cleaned_data["stats_year"], request.user)
    elif clause is not None:
        preview = _preview(clause, clause.rule, clause.stats_year, request.user)
    return render(request, "policies/clause_form.html", {
        "form": form, "policy": policy, "clause": clause, "facts": FACTS.values(), "preview": preview,
        "title": _("Edit clause") if clause else _("New clause")})


@login_required
def clause_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """The rule editor for a new clause of a policy, with its preview over real enterprises."""
    require_page_role(request.user, STAFF)
    policy = get_visible_or_404(Policy.objects.editable_by(request.user), request.user, pk=pk)
    form = ClauseForm(request.POST or None, initial={"stats_year": timezone.localdate().year - 1})
    if request.method == "POST" and form.is_valid() and "save" in request.POST:
        clause = call_service(form, lambda: services.clause_create(actor=request.user, policy=policy,
                                                                   **form.cleaned_data))
        if clause is not None:
            return redirect("policies:clause_detail", pk=clause.pk)
    return _clause_form_page(request, form, policy, None)


@login_required
def clause_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """The rule editor for a clause; a change to a published clause makes a new version."""
    require_page_role(request.user, STAFF)
    clause = get_visible_or_404(Clause.objects.editable_by(request.user).select_related("policy"), request.user, pk=pk)
    form = ClauseForm(request.POST or None, instance=Clause.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid() and "save" in request.POST:
        saved = call_service(form, lambda: services.clause_update(actor=request.user, clause=clause,
                                                                  **form.cleaned_data))
        if saved is not None:
            return redirect("policies:clause_detail", pk=pk)
    return _clause_form_page(request, form, clause.policy, clause)


@login_required
def clause_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A clause: its 申兑指南; for staff its rule, tests, versions and eligible enterprises; for an enterprise
    whether it qualifies, and why."""
    require_page_role(request.user, BUSINESS_ROLES)
    qs = Clause.objects.select_related("policy")
    if request.user.role != Role.REGION_STAFF:
        qs = qs.filter(status=Clause.Status.PUBLISHED)
    clause = get_visible_or_404(qs, request.user, pk=pk)
    ctx: dict[str, Any] = {"clause": clause, "policy": clause.policy, "staff": request.user.role == Role.REGION_STAFF}
    if ctx["staff"]:
        ctx.update(tests=services.run_tests(clause), test_form=RuleTestForm(), versions=clause.versions.all(),
                   matches=selectors.matches_for_clause(request.user, clause))
    elif request.user.role in TENANT_READERS:
        ctx["matches"] = selectors.matches_for_clause(request.user, clause)
    own_id = request.user.enterprise_id
    if request.user.role == Role.ENTERPRISE_USER and own_id is not None:
        ent = Enterprise.objects.get(pk=own_id)
        ctx["mine"] = services.evaluate_for(clause, [ent])[ent.pk]
        ctx["my_application"] = Application.objects.visible_to(request.user).filter(clause=clause).first()
        ctx["apply_form"] = ApplyForm()
    return render(request, "policies/clause_detail.html", ctx)


@login_required
@require_POST
def rule_test_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add a rule test (a fixture enterprise and the expected outcome)."""
    require_page_role(request.user, STAFF)
    clause = get_visible_or_404(Clause.objects.editable_by(request.user), request.user, pk=pk)
    form = RuleTestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error(form))
        return redirect("policies:clause_detail", pk=pk)
    return _act(request, "policies:clause_detail", pk, lambda: services.rule_test_create(
        actor=request.user, clause=clause, **form.cleaned_data), _("Rule test added."))


@login_required
@require_POST
def clause_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    """Publish a clause (its rule tests must pass); eligible enterprises are notified."""
    require_page_role(request.user, STAFF)
    clause = get_visible_or_404(Clause.objects.editable_by(request.user), request.user, pk=pk)
    return _act(request, "policies:clause_detail", pk, lambda: services.clause_publish(actor=request.user,
                                                                                         clause=clause),
                _("Clause published; eligible enterprises have been notified."))


@login_required
@require_POST
def clause_apply(request: AuthedRequest, pk: int) -> HttpResponse:
    """The enterprise applies for a clause."""
    require_page_role(request.user, (Role.ENTERPRISE_USER,))
    clause = get_visible_or_404(Clause.objects.filter(status=Clause.Status.PUBLISHED), request.user, pk=pk)
    form = ApplyForm(request.POST)
    form.is_valid()
    ent = get_visible_or_404(Enterprise.objects.all(), request.user, pk=request.user.enterprise_id or 0)
    return _act(request, "policies:clause_detail", pk, lambda: services.application_submit(
        actor=request.user, clause=clause, enterprise=ent, evidence_note=form.cleaned_data.get("evidence_note", "")),
        _("Application submitted."))


# --------------------------------------------------------------------------- matches


@login_required
def match_list(request: AuthedRequest) -> HttpResponse:
    """Clauses an enterprise qualifies for (its own; an operator's parks'; the region's), with the trace."""
    require_page_role(request.user, BUSINESS_ROLES)
    rows = selectors.matches_for(request.user).filter(outcome__in=["eligible", "unknown"])
    return render(request, "policies/match_list.html", {"rows": rows})


# --------------------------------------------------------------------------- applications


def _application_spec() -> ListSpec:
    return ListSpec(
        filters=[Filter("status", _("Status"), Application.Status.choices),
                 Filter("origin", _("Origin"), Application.Origin.choices),
                 Filter("park", _("Park"), _park_choices, "park")],
        sorts={"submitted": ("submitted_at",), "amount": ("amount_yuan",)}, default_sort="-submitted",
        search=lambda qs, q: qs.filter(enterprise__name__icontains=q),
        columns=lambda r: [Column(_("Enterprise"), lambda a: a.enterprise.name),
                           Column(_("Clause"), lambda a: str(a.clause)),
                           Column(_("Status"), lambda a: a.get_status_display()),
                           Column(_("Amount (yuan)"), lambda a: a.amount_yuan),
                           Column(_("Submitted at"), lambda a: a.submitted_at)],
        export_name="applications")


@login_required
def application_list(request: AuthedRequest) -> HttpResponse:
    """Applications in scope, with overdue review and payment flagged."""
    require_page_role(request.user, BUSINESS_ROLES)
    qs = Application.objects.visible_to(request.user).select_related("enterprise", "clause__policy", "park")
    return run_list(request, qs, _application_spec(), "policies/application_list.html",
                    {"today": timezone.localdate()})


@login_required
def application_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """An application: the version it was judged by, the trace, the amount, its steps; the reviewer's actions."""
    require_page_role(request.user, BUSINESS_ROLES)
    app = get_visible_or_404(Application.objects.select_related("clause__policy", "version", "enterprise", "park"),
                             request.user, pk=pk)
    staff = request.user.role == Role.REGION_STAFF
    own = request.user.role == Role.ENTERPRISE_USER
    budget = app.clause.policy.budgets.filter(year=app.budget_year).first() if staff else None
    return render(request, "policies/application_detail.html", {
        "app": app, "steps": app.steps.select_related("by"), "staff": staff, "own": own, "budget": budget,
        "payout": getattr(app, "payout", None) if hasattr(app, "payout") else None,
        "move_form": MoveForm() if staff else None,
        "approve_form": ApproveForm(initial={"amount_yuan": app.amount_yuan}) if staff else None,
        "payout_form": PayoutForm(initial={"paid_on": timezone.localdate()}) if staff else None,
        "reason_form": ReasonForm(), "supplement_form": SupplementForm() if own else None,
        "today": timezone.localdate()})


@login_required
@require_POST
def application_act(request: AuthedRequest, pk: int) -> HttpResponse:
    """Every action on an application, by ``action``: the reviewer's moves, approval, payout; the enterprise's
    decline, supplement and objection."""
    require_page_role(request.user, (Role.REGION_STAFF, Role.ENTERPRISE_USER))
    app = get_visible_or_404(Application.objects.all(), request.user, pk=pk)
    action = request.POST.get("action", "")
    user = request.user
    back = "policies:application_detail"
    if user.role == Role.REGION_STAFF and action == "move":
        form: Any = MoveForm(request.POST)
        if form.is_valid():
            return _act(request, back, pk, lambda: services.application_move(
                actor=user, application=app, **form.cleaned_data), _("Changes saved."))
    elif user.role == Role.REGION_STAFF and action == "approve":
        form = ApproveForm(request.POST)
        if form.is_valid():
            return _act(request, back, pk, lambda: services.application_approve(
                actor=user, application=app, amount_yuan=form.cleaned_data["amount_yuan"],
                reason=form.cleaned_data["reason"], publicity_days=form.cleaned_data["publicity_days"] or 0),
                _("Application approved."))
    elif user.role == Role.REGION_STAFF and action == "pay":
        form = PayoutForm(request.POST)
        if form.is_valid():
            return _act(request, back, pk, lambda: services.payout_create(
                actor=user, application=app, **form.cleaned_data), _("Payout recorded."))
    elif user.role == Role.ENTERPRISE_USER and action == "decline":
        form = ReasonForm(request.POST)
        if form.is_valid():
            return _act(request, back, pk, lambda: services.application_decline(
                actor=user, application=app, reason=form.cleaned_data["reason"]), _("Application declined."))
    elif user.role == Role.ENTERPRISE_USER and action == "supplement":
        form = SupplementForm(request.POST)
        if form.is_valid():
            return _act(request, back, pk, lambda: services.application_supplement(
                actor=user, application=app, **form.cleaned_data), _("Evidence supplied."))
    elif action == "object":
        form = ReasonForm(request.POST)
        if form.is_valid():
            return _act(request, back, pk, lambda: services.application_object(
                actor=user, application=app, reason=form.cleaned_data["reason"]), _("Objection recorded."))
    else:
        messages.error(request, _("Unknown action."))
        return redirect(back, pk=pk)
    messages.error(request, _form_error(form))
    return redirect(back, pk=pk)


# --------------------------------------------------------------------------- agreements


def _agreement_spec() -> ListSpec:
    return ListSpec(
        filters=[Filter("stage", _("Follow-up stage"), Agreement.Stage.choices),
                 Filter("park", _("Park"), _park_choices, "park")],
        sorts={"signed": ("signed_on",), "title": ("title",)}, default_sort="-signed",
        search=lambda qs, q: qs.filter(title__icontains=q) | qs.filter(enterprise__name__icontains=q),
        columns=lambda r: [Column(_("Title"), lambda a: a.title), Column(_("Enterprise"), lambda a: a.enterprise.name),
                           Column(_("Signed on"), lambda a: a.signed_on),
                           Column(_("Follow-up stage"), lambda a: a.get_stage_display())],
        export_name="agreements")


@login_required
def agreement_list(request: AuthedRequest) -> HttpResponse:
    """Agreements in scope with their compliance status (the worst of their commitments)."""
    require_page_role(request.user, BUSINESS_ROLES)
    qs = Agreement.objects.visible_to(request.user).select_related("enterprise", "park")
    return run_list(request, qs, _agreement_spec(), "policies/agreement_list.html",
                    {"can_create": request.user.role == Role.REGION_STAFF, "check": compliance.check_agreement})


@login_required
def agreement_create(request: AuthedRequest) -> HttpResponse:
    """Record an investment agreement (district staff)."""
    require_page_role(request.user, STAFF)
    form = AgreementForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        agreement = call_service(form, lambda: services.agreement_create(actor=request.user, **form.cleaned_data))
        if agreement is not None:
            return redirect("policies:agreement_detail", pk=agreement.pk)
    return render(request, "policies/form.html", {"form": form, "title": _("New agreement")})


@login_required
def agreement_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """An agreement: commitments with actuals and status, the money at stake, the follow-up and its steps."""
    require_page_role(request.user, BUSINESS_ROLES)
    agreement = get_visible_or_404(Agreement.objects.select_related("enterprise", "project", "case", "park"),
                                   request.user, pk=pk)
    staff = request.user.role == Role.REGION_STAFF
    return render(request, "policies/agreement_detail.html", {
        "agreement": agreement, "result": compliance.check_agreement(agreement), "staff": staff,
        "steps": agreement.steps.select_related("by"),
        "next_stages": [(s, Agreement.Stage(s).label) for s in services.NEXT_STAGES.get(agreement.stage, ())],
        "commitment_form": CommitmentForm() if staff else None,
        "clause_form": FailureClauseForm() if staff else None,
        "paid": compliance.paid_under_total(agreement)})


@login_required
@require_POST
def agreement_act(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add a commitment or a failure clause, or move the follow-up on (district staff)."""
    require_page_role(request.user, STAFF)
    agreement = get_visible_or_404(Agreement.objects.editable_by(request.user), request.user, pk=pk)
    action = request.POST.get("action", "")
    back = "policies:agreement_detail"
    form: Any
    if action == "commitment":
        form = CommitmentForm(request.POST)
        if form.is_valid():
            return _act(request, back, pk, lambda: services.commitment_add(
                actor=request.user, agreement=agreement, **form.cleaned_data), _("Commitment added."))
    elif action == "clause":
        form = FailureClauseForm(request.POST)
        if form.is_valid():
            return _act(request, back, pk, lambda: services.failure_clause_add(
                actor=request.user, agreement=agreement, **form.cleaned_data), _("Clause added."))
    elif action == "step":
        form = StepForm(request.POST)
        if form.is_valid():
            return _act(request, back, pk, lambda: services.agreement_advance(
                actor=request.user, agreement=agreement, **form.cleaned_data), _("Changes saved."))
    else:
        messages.error(request, _("Unknown action."))
        return redirect(back, pk=pk)
    messages.error(request, _form_error(form))
    return redirect(back, pk=pk)


# --------------------------------------------------------------------------- figures


@login_required
def policy_figures(request: AuthedRequest) -> HttpResponse:
    """Applications, approvals, amounts paid and time to payout, by policy, park and industry."""
    require_page_role(request.user, TENANT_READERS)
    year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", year))
    except ValueError:
        pass
    year = min(max(year, 2000), 2100)
    return render(request, "policies/figures.html", {"year": year,
                                                     "figures": selectors.policy_figures(request.user, year)})
