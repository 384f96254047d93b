"""The intake's pages: bring in a source, review the facts and proposals, and the discrepancies to check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuanqu.core.forms import call_service
from yuanqu.core.roles import EDIT_PARK, Role
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import refuse_page, require_page_role
from yuanqu.core.types import AuthedRequest
from yuanqu.parks.models import Park

from . import selectors, services
from .forms import DocumentForm, ReviewForm
from .models import Fact, Proposal, SourceDocument

#: Who uses the intake: district staff and park operators bring in and review; leaders read.
READERS = frozenset({Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR})



def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(m for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(exc.messages)


@login_required
def document_list(request: AuthedRequest) -> HttpResponse:
    """The source documents in scope, with their facts and how many proposals are still open."""
    require_page_role(request.user, READERS)
    documents = selectors.documents_for(request.user)[:200]
    return render(request, "intake/document_list.html", {
        "documents": documents, "can_create": request.user.role in EDIT_PARK})


@login_required
def document_create(request: AuthedRequest) -> HttpResponse:
    """Paste a text or upload a file: the document is kept with its facts and proposals, or nothing is."""
    require_page_role(request.user, frozenset(EDIT_PARK))
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document = call_service(form, lambda: services.document_create(actor=request.user, **form.service_kwargs()))
        if document is not None:
            messages.success(request, _("%(n)d facts found.") % {"n": document.facts.count()})
            return redirect("intake:document_detail", pk=document.pk)
    return render(request, "intake/document_form.html", {"form": form})


@login_required
def document_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A document: its text with the quotes marked, and each fact with its match and proposal."""
    require_page_role(request.user, READERS)
    document = get_visible_or_404(SourceDocument.objects.select_related("created_by"), request.user, pk=pk)
    facts = list(selectors.facts_of(request.user, document))
    editable = set(Proposal.objects.editable_by(request.user).filter(fact__document=document)
                   .values_list("pk", flat=True))
    return render(request, "intake/document_detail.html", {
        "document": document, "facts": facts, "text": selectors.highlighted(document, facts),
        "editable": editable,
        # district staff may make a lead of a fact that matched nothing and names a company or project, and
        # register the park one names
        "lead_candidates": ({f.pk for f in facts if not f.lead_id and not f.park_id
                             and services.names_a_company(f.entity)}
                            if request.user.role == Role.REGION_STAFF else set()),
        "park_candidates": ({f.pk for f in facts if not f.lead_id and not f.park_id
                             and services.park_name_of(f.entity)}
                            if request.user.role == Role.REGION_STAFF else set()),
        "park_kinds": Park.Kind.choices, "park_statuses": Park.Status.choices})


@login_required
@require_POST
def proposal_review(request: AuthedRequest, pk: int) -> HttpResponse:
    """Accept, edit or reject a proposal; a target changed since extraction shows its new value and asks again."""
    require_page_role(request.user, frozenset(EDIT_PARK))
    proposal = get_visible_or_404(Proposal.objects.editable_by(request.user).select_related("fact"),
                                  request.user, pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept, edit or reject; an edited value must be a number of at least 0."))
        return redirect("intake:document_detail", pk=proposal.fact.document_id)
    data = form.cleaned_data
    try:
        services.proposal_review(actor=request.user, proposal=proposal, decision=data["decision"],
                                 value=data.get("value"), expected=data.get("expected"), note=data.get("note") or "")
    except services.StaleProposal as stale:
        return render(request, "intake/proposal_stale.html", {
            "proposal": proposal, "current": stale.current, "decision": data["decision"],
            "value": data.get("value"), "note": data.get("note") or ""}, status=409)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except PermissionDenied:
        refuse_page()
    else:
        messages.success(request, _("Review saved."))
    return redirect(f"{_detail_url(proposal.fact.document_id)}#fact-{proposal.fact.position}")


@login_required
@require_POST
def fact_lead(request: AuthedRequest, pk: int) -> HttpResponse:
    """One click: a fact that matched nothing becomes a 招商 lead (district staff), then back to the document."""
    require_page_role(request.user, frozenset({Role.REGION_STAFF}))
    fact = get_visible_or_404(Fact.objects.editable_by(request.user), request.user, pk=pk)
    try:
        lead = services.fact_to_lead(actor=request.user, fact=fact)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except PermissionDenied:
        refuse_page()
    else:
        messages.success(request, _("Lead “%(name)s” made from the figure; it is yours to follow up.")
                         % {"name": lead.name})
    return redirect(f"{_detail_url(fact.document_id)}#fact-{fact.position}")


@login_required
@require_POST
def fact_park(request: AuthedRequest, pk: int) -> HttpResponse:
    """One click: a fact naming a park yuanqu does not hold registers it (district staff), then back."""
    require_page_role(request.user, frozenset({Role.REGION_STAFF}))
    fact = get_visible_or_404(Fact.objects.editable_by(request.user), request.user, pk=pk)
    try:
        park = services.fact_to_park(actor=request.user, fact=fact, kind=request.POST.get("kind", ""),
                                     status=request.POST.get("status", ""))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except PermissionDenied:
        refuse_page()
    else:
        messages.success(request, _("Park “%(name)s” registered from the figure; complete its record.")
                         % {"name": park.name})
    return redirect(f"{_detail_url(fact.document_id)}#fact-{fact.position}")


def _detail_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("intake:document_detail", args=[pk])


@login_required
def discrepancies(request: AuthedRequest) -> HttpResponse:
    """Figures that texts state differently from yuanqu, not yet decided: to check before a briefing."""
    require_page_role(request.user, READERS)
    rows = list(selectors.discrepancies_for(request.user)[:500])
    return render(request, "intake/discrepancies.html", {"rows": rows})
