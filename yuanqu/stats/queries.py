"""Reads (and the indicator dictionary's two writes) the statistics pages and API need beyond
``selectors`` and ``services``: parsing typed numbers, report lists and history, missing reports with
their contacts masked by role, unread reminders, and the aggregates table of one period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from yuanqu.core import numbers
from yuanqu.core.models import AuditEvent
from yuanqu.core.registry import Todo
from yuanqu.core.roles import Role
from yuanqu.enterprises.models import Contact
from yuanqu.enterprises.selectors import contact_email, contact_phone
from yuanqu.parks.models import Park

from . import selectors
from .models import Frequency, Indicator, Notice, Report, Round, Target, months_of, previous_period

# --------------------------------------------------------------------------- reports


def reports_for_list(user: Any) -> QuerySet[Report]:
    """Reports the user may see, for the list pages and the API."""
    return Report.objects.visible_to(user).select_related("round", "enterprise", "park")


def awaiting_review(user: Any, reports: QuerySet[Report]) -> QuerySet[Report]:
    """The reports of ``reports`` waiting for ``user``'s review (待审核), in open rounds: the park's first review
    for an operator (submitted), the district's approval for region staff (reviewed by the park); none for others.
    The 工作台's to-do counts these, and the reports list filters by them."""
    if user.role == Role.PARK_OPERATOR:
        return reports.filter(status=Report.Status.SUBMITTED, round__locked=False)
    if user.role == Role.REGION_STAFF:
        return reports.filter(status=Report.Status.PARK_REVIEWED, round__locked=False)
    return reports.none()


def report_history(report: Report) -> QuerySet[AuditEvent]:
    """The audit trail of one report: saves, submissions, reviews, returns, in order."""
    return AuditEvent.objects.filter(object_type=Report._meta.label, object_id=str(report.pk)).order_by("at", "id")


def history_rows(report: Report) -> list[dict[str, Any]]:
    """The report's history as the detail page shows it: when, who, what became of the status, and why."""
    labels = dict(Report.Status.choices)
    rows = []
    for event in report_history(report):
        after = event.after or {}
        before = event.before or {}
        status = after.get("status") or ""
        rows.append({
            "at": event.at, "who": event.actor_username, "role": event.role,
            "from": labels.get(before.get("status", ""), ""), "to": labels.get(status, ""),
            "reason": after.get("return_reason", ""),
            "values_changed": "values" in after,
        })
    return rows


def unread_notice_count(user: Any) -> int:
    """Reminders the enterprise user has not read yet (for the navigation badge)."""
    if getattr(user, "role", None) != Role.ENTERPRISE_USER:
        return 0
    return Notice.objects.visible_to(user).filter(read_at__isnull=True).count()


def missing_reports(user: Any, rnd: Round) -> QuerySet[Report]:
    """The round's reports in the user's scope that are not submitted yet (未报: not started, draft, returned)."""
    return reports_for_list(user).filter(round=rnd, status__in=Report.EDITABLE)


def contacts_by_enterprise(user: Any, enterprise_ids: Any) -> dict[int, dict[str, str]]:
    """The main contact of each enterprise (primary first), with phone and e-mail masked for ``user``."""
    out: dict[int, dict[str, str]] = {}
    contacts = (Contact.objects.visible_to(user).filter(enterprise_id__in=enterprise_ids)
                .order_by("enterprise_id", "-is_primary", "pk"))
    for c in contacts:
        if c.enterprise_id in out:
            continue
        out[c.enterprise_id] = {"name": c.name, "phone": contact_phone(user, c), "email": contact_email(user, c)}
    return out


# --------------------------------------------------------------------------- aggregates


def default_period(indicator: Indicator, parks: QuerySet[Park], region_code: str) -> tuple[int, int]:
    """The period the aggregates page opens on: the latest locked (final) round of the indicator's frequency,
    else the latest with approved data, else the latest round. An open round is one click away, marked 快报."""
    locked = (Round.objects.in_region(region_code).filter(frequency=indicator.frequency, locked=True)
              .order_by("-year", "-month").values_list("year", "month").first())
    if locked:
        return locked[0], locked[1]
    found = selectors.latest_approved_period(indicator, parks)
    if found:
        return found
    rnd = Round.objects.in_region(region_code).filter(frequency=indicator.frequency).order_by(
        "-year", "-month").first()
    if rnd:
        return rnd.year, rnd.month
    from django.utils import timezone

    today = timezone.localdate()
    year, month = previous_period(Frequency.MONTH, today.year, today.month)
    months = [m for m in months_of(indicator.frequency) if m <= month]
    return (year, months[-1]) if months else (year - 1, 12)


@dataclass
class AggregateRow:
    """One line of the aggregates table."""

    label: str
    park: Park | None
    figure: selectors.Figure
    completion: selectors.Completion | None
    yoy: Decimal | None = None
    mom: Decimal | None = None
    per_mu: Decimal | None = None


@dataclass
class Aggregates:
    """The aggregates of one indicator and period over a set of parks."""

    indicator: Indicator
    year: int
    month: int
    segment: str
    rows: list[AggregateRow] = field(default_factory=list)
    total: AggregateRow | None = None
    industries: list[AggregateRow] = field(default_factory=list)
    targets: list[tuple[Target, selectors.Progress]] = field(default_factory=list)
    round: Round | None = None
    #: Every round of the period locked: the figures are final; otherwise 快报 (provisional).
    final: bool = False

    @property
    def provisional(self) -> bool:
        return not self.final

    @property
    def mark(self) -> str:
        """快报 with the completion of the period's round(s), or "" when final (as the figures layer says it)."""
        if self.final:
            return ""
        return selectors.provisional_mark(self.total.completion if self.total is not None else None)

    @property
    def period_label(self) -> str:
        from .models import period_label

        return period_label(self.indicator.frequency, self.year, self.month)


def aggregates(user: Any, indicator: Indicator, year: int, month: int, parks: QuerySet[Park],
               segment: str = "all") -> Aggregates:
    """By park, the region total, by industry, and target progress; ``parks`` is already scoped."""
    rate = indicator.is_rate
    # A city user sees the rounds of each of its districts; every park belongs to one of them.
    rounds = list(Round.objects.in_region(user.region_id).filter(frequency=indicator.frequency,
                                                                 year=year, month=month))
    done: dict[int, selectors.Completion] = {}
    overall: selectors.Completion | None = selectors.Completion() if rounds else None
    for rnd in rounds:
        for park, comp in selectors.completion_by_park(rnd, parks):
            done[park.pk] = comp
        part = selectors.completion(rnd, parks)
        assert overall is not None
        overall.expected += part.expected
        overall.reported += part.reported
        overall.approved += part.approved
    result = Aggregates(indicator=indicator, year=year, month=month, segment=segment,
                        round=rounds[0] if len(rounds) == 1 else None,
                        final=bool(rounds) and all(r.locked for r in rounds))
    for park, fig in selectors.by_park(indicator, year, month, parks, segment):
        result.rows.append(AggregateRow(
            label=park.name, park=park, figure=fig, completion=done.get(park.pk),
            yoy=numbers.change(fig.ytd, fig.last_year_ytd, rate), mom=numbers.change(fig.value, fig.previous, rate),
            per_mu=fig.extra.get("per_mu")))
    total = selectors.figure(indicator, year, month, parks, segment)
    result.total = AggregateRow(label=_("Total"), park=None, figure=total,
                                completion=overall,
                                yoy=numbers.change(total.ytd, total.last_year_ytd, rate),
                                mom=numbers.change(total.value, total.previous, rate))
    for _code, name, fig in selectors.by_industry(indicator, year, month, parks):
        result.industries.append(AggregateRow(label=name, park=None, figure=fig, completion=None,
                                              yoy=numbers.change(fig.ytd, fig.last_year_ytd, rate),
                                              mom=numbers.change(fig.value, fig.previous, rate)))
    targets = Target.objects.visible_to(user).filter(indicator=indicator, year=year).select_related(
        "park", "region", "indicator")
    park_ids = set(parks.values_list("pk", flat=True))
    for target in targets:
        if target.park_id is not None and target.park_id not in park_ids:
            continue
        result.targets.append((target, selectors.target_progress(target, month)))
    return result


# --------------------------------------------------------------------------- the indicator dictionary (writes)


def report_todos(user: Any) -> list[Todo]:
    """The statistics work waiting for ``user`` on its 工作台: reports to review (the park's first look, the
    district's approval) or, for an enterprise, reports still to fill in and reminders not yet read."""
    from django.urls import reverse

    reports = Report.objects.visible_to(user).filter(round__locked=False)
    url = reverse("stats:reports")
    if user.role == Role.PARK_OPERATOR:
        n = awaiting_review(user, reports).count()
        return [Todo(_("Reports to review"), n, f"{url}?status={Report.Status.SUBMITTED}")] if n else []
    if user.role == Role.REGION_STAFF:
        n = awaiting_review(user, reports).count()
        return [Todo(_("Reports to approve"), n, f"{url}?status={Report.Status.PARK_REVIEWED}")] if n else []
    if user.role == Role.ENTERPRISE_USER:
        lines = []
        n = reports.filter(status__in=Report.EDITABLE).count()
        if n:
            lines.append(Todo(_("Reports to fill in"), n, url))
        unread = unread_notice_count(user)
        if unread:
            lines.append(Todo(_("Unread reminders"), unread, reverse("stats:notices")))
        return lines
    return []
