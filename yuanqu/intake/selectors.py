"""Scoped reads of the intake: documents, facts and proposals as the user may see them."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Fact, Proposal, SourceDocument


def documents_for(user: Any) -> QuerySet[SourceDocument]:
    """Documents the user may see, with the counts of their facts and proposals by outcome."""
    facts = Fact.objects.visible_to(user)
    return (SourceDocument.objects.visible_to(user).select_related("created_by")
            .annotate(n_facts=Count("facts", filter=Q(facts__in=facts), distinct=True),
                      n_open=Count("facts__proposal", filter=Q(facts__proposal__status="proposed",
                                                               facts__in=facts), distinct=True),
                      n_done=Count("facts__proposal", filter=~Q(facts__proposal__status="proposed")
                                   & Q(facts__in=facts), distinct=True)))


def facts_of(user: Any, document: SourceDocument) -> QuerySet[Fact]:
    """The document's facts the user may see (a park operator: those about its parks), with their proposals."""
    return (Fact.objects.visible_to(user).filter(document=document)
            .select_related("proposal", "proposal__park", "proposal__project", "park", "lead").order_by("position"))


def proposals_for(user: Any) -> QuerySet[Proposal]:
    """Every proposal the user may see."""
    return Proposal.objects.visible_to(user).select_related("fact", "fact__document", "park", "project")


def discrepancies_for(user: Any) -> QuerySet[Proposal]:
    """Proposals where the text and yuanqu disagree and no one has decided yet: what to check before a
    briefing."""
    return (proposals_for(user).filter(status=Proposal.Status.PROPOSED, agrees=False)
            .order_by("-fact__document__published_on", "fact__position"))


def highlighted(document: SourceDocument, facts: list[Fact]) -> SafeString:
    """The document's text, escaped, with each visible fact's quote marked (``<mark id="q-N">``)."""
    text = document.text
    spans = sorted({(f.start, f.end, f.position) for f in facts if 0 <= f.start < f.end <= len(text)})
    out: list[str] = []
    pos = 0
    for start, end, position in spans:
        if start < pos:
            continue  # two facts from one clause: the clause is marked once
        out.append(escape(text[pos:start]))
        out.append(f'<mark id="q-{position}" class="intake-quote">{escape(text[start:end])}</mark>')
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of the text is escaped above
