"""Writes of the statistics app: rounds, the enterprise's entries, review, lock, targets, reminders.

Every write checks the actor's role and scope, refuses changes to a locked round, and records an
audit event in its own transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from yuanqu.core import audit
from yuanqu.core.models import AuditEvent, Region
from yuanqu.core.registry import changes
from yuanqu.core.roles import CONFIGURERS, EDIT_PARK, REPORT_FILLERS, Role
from yuanqu.core.scoping import region_within
from yuanqu.core.services import UNSET, Unset, assign, require_role, save_created, save_updated
from yuanqu.parks.models import Park

from . import notify, rollups
from .models import Frequency, Indicator, Notice, Report, ReportValue, Round, Target, months_of
from .selectors import Check, check_entry, derive_series, history_for, indicators_for, period_bounds, settled_during

if TYPE_CHECKING:
    from yuanqu.accounts.models import User


def _locked_error() -> ValidationError:
    return ValidationError(_("This period is locked. Ask region staff to reopen it first."), code="locked")


# --------------------------------------------------------------------------- rounds


@transaction.atomic
def round_open(*, actor: User, region: Region, frequency: str, year: int, month: int, deadline: dt.date,
               indicators: Iterable[Indicator] | None = None) -> Round:
    """Open a round and give every enterprise settled in a park of the region during the period a task."""
    require_role(actor, (Role.REGION_STAFF,))
    if not region_within(region.code, actor):
        raise PermissionDenied("region out of scope")
    if month not in months_of(frequency):
        raise ValidationError({"month": _("A %(frequency)s period cannot end in month %(month)d.")
                               % {"frequency": Frequency(frequency).label, "month": month}}, code="month")
    start, end = period_bounds(frequency, year, month)
    if start > timezone.localdate():
        raise ValidationError({"year": _("The period has not begun yet.")}, code="future")
    if Round.objects.filter(region=region, frequency=frequency, year=year, month=month).exists():
        raise ValidationError(_("A round for this period is open already."), code="duplicate")
    chosen = list(indicators) if indicators is not None else list(
        Indicator.objects.active().filter(frequency=frequency))
    if not chosen:
        raise ValidationError({"indicators": _("Choose at least one indicator.")}, code="no_indicators")
    rnd = Round(region=region, frequency=frequency, year=year, month=month, deadline=deadline, created_by=actor)
    rnd.full_clean()
    rnd.save()
    rnd.indicators.set(chosen)
    tasks = _create_tasks(rnd)
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, obj=rnd,
                 after={**audit.snapshot(rnd), "tasks": tasks})
    return rnd


def _create_tasks(rnd: Round) -> int:
    """A report for every enterprise settled during the round's period that has none yet."""
    start, end = period_bounds(rnd.frequency, rnd.year, rnd.month)
    have = set(Report.objects.filter(round=rnd).values_list("enterprise_id", "park_id"))
    new = []
    for s in settled_during(rnd.region_id, start, end):
        if (s.enterprise_id, s.park_id) in have:
            continue
        have.add((s.enterprise_id, s.park_id))
        e = s.enterprise
        new.append(Report(round=rnd, enterprise=e, park_id=s.park_id, above_scale=e.is_above_scale,
                          industry_section=e.industry.section if e.industry_id and e.industry else ""))
    Report.objects.bulk_create(new, batch_size=1000)
    return len(new)


def _require_district_round(*, actor: User, rnd: Round) -> None:
    require_role(actor, (Role.REGION_STAFF,))
    if not Round.objects.editable_by(actor).filter(pk=rnd.pk).exists():
        raise PermissionDenied("round out of scope")


@transaction.atomic
def round_lock(*, actor: User, rnd: Round) -> Round:
    """Lock the period (锁定): nothing in it changes until it is reopened."""
    _require_district_round(actor=actor, rnd=rnd)
    rnd = Round.objects.select_for_update().get(pk=rnd.pk)
    if rnd.locked:
        raise ValidationError(_("The period is locked already."), code="locked_already")
    before = audit.snapshot(rnd)
    rnd.locked, rnd.locked_at = True, timezone.now()
    rnd.save(update_fields=["locked", "locked_at", "updated_at"])
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=rnd, before=before, after=audit.snapshot(rnd))
    return rnd


@transaction.atomic
def round_reopen(*, actor: User, rnd: Round, reason: str) -> Round:
    """Reopen a locked period; the reason goes into the audit trail."""
    _require_district_round(actor=actor, rnd=rnd)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reopening a locked period.")}, code="reason")
    rnd = Round.objects.select_for_update().get(pk=rnd.pk)
    if not rnd.locked:
        raise ValidationError(_("The period is not locked."), code="not_locked")
    before = audit.snapshot(rnd)
    rnd.locked, rnd.locked_at = False, None
    rnd.save(update_fields=["locked", "locked_at", "updated_at"])
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=rnd, before=before,
                 after={**audit.snapshot(rnd), "reopen_reason": reason})
    return rnd


# --------------------------------------------------------------------------- entries


@dataclass
class Entry:
    """What the enterprise typed for one indicator."""

    value: Decimal | None = None
    no_data: bool = False
    no_data_reason: str = ""
    explanation: str = ""


def _require_entry_allowed(*, actor: User, report: Report) -> None:
    require_role(actor, REPORT_FILLERS)
    if not Report.objects.visible_to(actor).filter(pk=report.pk).exists():
        raise PermissionDenied("report out of scope")


@transaction.atomic
def report_save(*, actor: User, report: Report, entries: Mapping[int, Entry], submit: bool) -> Report:
    """Save the enterprise's entries as a draft, or submit them.

    The report row is locked first, so two tabs submitting at once give one submission: the second
    finds it submitted and gets a clear error. The round's row is read under a share lock: saves of
    one round do not wait for each other, and ``round_lock`` waits for the saves in progress (and they
    for it). Values are upserted per (report, indicator), and their series rederived, in a few
    statements for all indicators together (the deadline's burst: issue 13, bench/load).
    """
    _require_entry_allowed(actor=actor, report=report)
    report = (Report.objects.select_for_update(of=("self",)).select_related("round", "enterprise", "park")
              .get(pk=report.pk))
    if _round_locked_shared(report.round):
        raise _locked_error()
    if report.status not in Report.EDITABLE:
        raise ValidationError(_("This report has been submitted already; it can be changed only if it is returned."),
                              code="submitted")
    indicators = indicators_for(report)
    by_id = {ind.pk: ind for ind in indicators}
    unknown = set(entries) - set(by_id)
    if unknown:
        raise ValidationError(_("The report does not ask for these indicators."), code="unknown_indicator")
    history = history_for(report, indicators)
    errors: dict[str, list[str]] = {}
    checks: dict[int, Check] = {}
    for ind in indicators:
        entry = entries.get(ind.pk, Entry())
        check = check_entry(ind, entry, entries, history[ind.pk])
        checks[ind.pk] = check
        field = f"v_{ind.pk}"
        if check.errors:
            errors[field] = check.errors
        elif submit:
            if not entry.no_data and entry.value is None and ind.required:
                errors[field] = [_("%(name)s is required: enter a value or choose 无数据.") % {"name": ind.name}]
            elif check.warning and not entry.explanation.strip():
                errors[f"e_{ind.pk}"] = [_("%(warning)s Explain it before submitting.") % {"warning": check.warning}]
    if errors:
        raise ValidationError(errors)
    stored = {v.indicator_id: v for v in ReportValue.objects.filter(report=report).select_related("indicator")}
    before = {"status": report.status, "values": _values_snapshot(stored.values())}
    _write_values(report, indicators, entries, checks, stored)
    if submit:
        report.status = Report.Status.SUBMITTED
        report.submitted_at, report.submitted_by = timezone.now(), actor
        report.return_reason = ""
    elif report.status == Report.Status.PENDING:
        report.status = Report.Status.DRAFT
    report.save()
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=report, before=before,
                 after={"status": report.status, "values": _values_snapshot(stored.values())})
    return report


def _round_locked_shared(rnd: Round) -> bool:
    """Whether ``rnd`` is locked, read under a share lock on its row on PostgreSQL (SQLite serialises writers)."""
    if connection.vendor != "postgresql":
        return rnd.locked
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT locked FROM {Round._meta.db_table} WHERE id = %s FOR SHARE", [rnd.pk])  # noqa: S608
        row = cursor.fetchone()
    return bool(row and row[0])


_VALUE_PLACES = Decimal(1).scaleb(-ReportValue._meta.get_field("value").decimal_places)  # type: ignore[union-attr]


def _as_stored(value: Decimal | None) -> Decimal | None:
    """``value`` as the database keeps it (numeric(20, 4): rounded half away from zero), so the derived values and
    the audit's after-values computed here are those a read would give."""
    return None if value is None else value.quantize(_VALUE_PLACES, rounding=ROUND_HALF_UP)


def _write_values(report: Report, indicators: list[Indicator], entries: Mapping[int, Entry],
                  checks: Mapping[int, Check], stored: dict[int, ReportValue]) -> None:
    """Upsert the report's value of each indicator and rederive its series (:func:`rederive`'s rule) in one read,
    one insert and at most two updates; ``stored`` (indicator id → the report's row) is updated to the result."""
    rnd = report.round
    series: dict[int, list[ReportValue]] = {ind.pk: [] for ind in indicators}
    for row in (ReportValue.objects.filter(enterprise_id=report.enterprise_id, park_id=report.park_id,
                                           indicator__in=indicators, year=rnd.year)
                .exclude(report=report).only("id", "indicator_id", "month", "value", "period_value", "ytd_value")
                .annotate(report_status=F("report__status"))):
        series[row.indicator_id].append(row)
    new: list[ReportValue] = []
    mine: list[ReportValue] = []
    changed: list[ReportValue] = []
    stale: dict[int, set[int]] = {}  # month → indicators whose approved cells moved
    for ind in indicators:
        entry = entries.get(ind.pk, Entry())
        found = stored.get(ind.pk)
        if found is None:
            row = stored[ind.pk] = ReportValue(report=report, indicator=ind)
            new.append(row)
        else:
            row = found
            mine.append(row)
        row.park_id, row.enterprise_id, row.year, row.month = report.park_id, report.enterprise_id, rnd.year, rnd.month
        row.value = None if entry.no_data else _as_stored(entry.value)
        row.no_data = entry.no_data
        row.no_data_reason = entry.no_data_reason.strip() if entry.no_data else ""
        row.explanation = entry.explanation.strip()
        row.warning = checks[ind.pk].warning
        rows = sorted([*series[ind.pk], row], key=lambda r: r.month)
        for other, (period, ytd) in zip(rows, derive_series(ind, [r.value for r in rows]), strict=True):
            if other is row:
                row.period_value, row.ytd_value = period, ytd
            elif other.period_value != period or other.ytd_value != ytd:
                other.period_value, other.ytd_value = period, ytd
                changed.append(other)
                if other.report_status == Report.Status.APPROVED:  # type: ignore[attr-defined]
                    stale.setdefault(other.month, set()).add(ind.pk)
    if new:
        ReportValue.objects.bulk_create(new)
    if mine:
        ReportValue.objects.bulk_update(mine, ["park_id", "enterprise_id", "year", "month", "value", "no_data",
                                               "no_data_reason", "explanation", "warning", "period_value",
                                               "ytd_value"])
    if changed:
        ReportValue.objects.bulk_update(changed, ["period_value", "ytd_value"])
    for month, ids in sorted(stale.items()):
        rollups.refresh(park_id=report.park_id, indicator_ids=sorted(ids), year=rnd.year, month=month)


def _values_snapshot(values: Iterable[ReportValue]) -> dict[str, Any]:
    return {v.indicator.code: ("无数据" if v.no_data else (str(v.value) if v.value is not None else None))
            for v in values}


def rederive(*, enterprise_id: int, park_id: int, indicator: Indicator, year: int) -> None:
    """Recompute the period and year-to-date values of one enterprise's indicator through ``year``.

    Called whenever a value changes, so a corrected earlier month carries into the later ones;
    rollup cells of approved reports whose derived values moved are refreshed at once.
    """
    rows = list(ReportValue.objects.filter(enterprise_id=enterprise_id, park_id=park_id, indicator=indicator, year=year)
                .select_related("report").order_by("month"))
    changed: list[ReportValue] = []
    stale_months: set[int] = set()
    for row, (period, ytd) in zip(rows, derive_series(indicator, [row.value for row in rows]), strict=True):
        if row.period_value != period or row.ytd_value != ytd:
            row.period_value, row.ytd_value = period, ytd
            changed.append(row)
            if row.report.status == Report.Status.APPROVED:
                stale_months.add(row.month)
    if changed:
        ReportValue.objects.bulk_update(changed, ["period_value", "ytd_value"])
    for month in sorted(stale_months):
        rollups.refresh(park_id=park_id, indicator_ids=[indicator.pk], year=year, month=month)


# --------------------------------------------------------------------------- review


def _review_scope(*, actor: User, report: Report, roles: Collection[str]) -> Report:
    require_role(actor, roles)
    if not Report.objects.visible_to(actor).filter(pk=report.pk).exists():
        raise PermissionDenied("report out of scope")
    report = Report.objects.select_for_update().select_related("round").get(pk=report.pk)
    if report.round.locked:
        raise _locked_error()
    return report


def _transition(
    *,
    actor: User,
    report: Report,
    status: str,
    park_reviewed_at: dt.datetime | Unset = UNSET,
    park_reviewed_by: User | Unset = UNSET,
    approved_at: dt.datetime | Unset = UNSET,
    approved_by: User | Unset = UNSET,
    return_reason: str | Unset = UNSET,
) -> Report:
    before = {"status": report.status}
    report.status = status
    assign(report, park_reviewed_at=park_reviewed_at, park_reviewed_by=park_reviewed_by, approved_at=approved_at,
           approved_by=approved_by, return_reason=return_reason)
    report.save()
    after: dict[str, Any] = {"status": status}
    if return_reason is not UNSET:
        after["return_reason"] = return_reason
    audit.record(actor=actor, action=AuditEvent.Action.STAGE, obj=report, before=before, after=after)
    return report


@transaction.atomic
def report_park_review(*, actor: User, report: Report) -> Report:
    """The park's first review (初审): submitted → awaiting the district."""
    report = _review_scope(actor=actor, report=report, roles=EDIT_PARK)
    if report.status != Report.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be reviewed by the park."), code="status")
    return _transition(actor=actor, report=report, status=Report.Status.PARK_REVIEWED,
                       park_reviewed_at=timezone.now(), park_reviewed_by=actor)


@transaction.atomic
def report_approve(*, actor: User, report: Report) -> Report:
    """The district's approval (终审): its values enter the rollups at once."""
    report = _review_scope(actor=actor, report=report, roles=(Role.REGION_STAFF,))
    if report.status != Report.Status.PARK_REVIEWED:
        raise ValidationError(_("Only a report the park has reviewed can be approved."), code="status")
    report = _transition(actor=actor, report=report, status=Report.Status.APPROVED, approved_at=timezone.now(),
                         approved_by=actor)
    rollups.refresh_report(report)
    changes.changed("enterprise", report.enterprise_id)  # its approved statistics changed
    return report


@transaction.atomic
def report_return(*, actor: User, report: Report, reason: str) -> Report:
    """Send a report back to the enterprise with a reason (退回)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for returning the report.")}, code="reason")
    report = _review_scope(actor=actor, report=report, roles=EDIT_PARK)
    allowed = (Report.Status.SUBMITTED,) if actor.role == Role.PARK_OPERATOR else (
        Report.Status.SUBMITTED, Report.Status.PARK_REVIEWED, Report.Status.APPROVED)
    if report.status not in allowed:
        raise ValidationError(_("This report cannot be returned in its present status."), code="status")
    was_approved = report.status == Report.Status.APPROVED
    report = _transition(actor=actor, report=report, status=Report.Status.RETURNED, return_reason=reason[:500])
    if was_approved:
        rollups.refresh_report(report)
        changes.changed("enterprise", report.enterprise_id)  # its approved statistics changed
    return report


# --------------------------------------------------------------------------- targets and reminders


@transaction.atomic
def target_set(*, actor: User, indicator: Indicator, year: int, value: Decimal, park: Park | None = None,
               region: Region | None = None) -> Target:
    """Set (or change) the annual target of a park or region for an indicator."""
    require_role(actor, (Role.REGION_STAFF,))
    if (park is None) == (region is None):
        raise ValidationError(_("Choose a park or the region, not both."), code="scope")
    if park is not None and not Park.objects.visible_to(actor).filter(pk=park.pk).exists():
        raise PermissionDenied("park out of scope")
    if region is not None and not region_within(region.code, actor):
        raise PermissionDenied("region out of scope")
    if value is None or value < 0:
        raise ValidationError({"value": _("A target cannot be negative.")}, code="negative")
    existing = Target.objects.filter(indicator=indicator, year=year, park=park, region=region).first()
    if existing:
        before = audit.snapshot(existing)
        existing.value = value
        existing.full_clean()
        existing.save()
        existing.refresh_from_db()
        audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=existing, before=before,
                     after=audit.snapshot(existing))
        return existing
    target = Target(indicator=indicator, year=year, park=park, region=region, value=value)
    target.full_clean()
    target.save()
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, obj=target, after=audit.snapshot(target))
    return target


@transaction.atomic
def report_remind(*, actor: User, reports: Iterable[Report], message: str = "") -> list[Notice]:
    """Send a reminder (催报) for each report not yet submitted: in the app, and by any adapters switched on.

    The in-app notice and its audit event are written in this transaction. E-mail and SMS (slow, external,
    a 10 s timeout) go out only once it has committed, so a gateway can neither hold the transaction open
    nor be sent a reminder that was rolled back; a failing adapter is logged and loses nothing.
    """
    require_role(actor, EDIT_PARK)
    visible = Report.objects.visible_to(actor)
    notices = []
    for report in reports:
        if not visible.filter(pk=report.pk).exists():
            raise PermissionDenied("report out of scope")
        if report.status not in Report.EDITABLE:
            continue
        text = (message or "").strip() or _(
            "Please submit your %(period)s statistics report by %(deadline)s.") % {
            "period": report.round.period_label, "deadline": report.round.deadline.isoformat()}
        notice = Notice.objects.create(report=report, enterprise_id=report.enterprise_id, message=text[:500],
                                       sent_by=actor)
        audit.record(actor=actor, action=AuditEvent.Action.CREATE, obj=notice,
                     after={"report": report.pk, "enterprise": report.enterprise_id, "message": notice.message,
                            "adapters": notify.adapter_names()})
        transaction.on_commit(partial(notify.deliver_and_record, notice), robust=True)
        notices.append(notice)
    return notices


@transaction.atomic
def notices_mark_read(*, actor: User) -> int:
    """The enterprise user has seen its reminders."""
    require_role(actor, (Role.ENTERPRISE_USER,))
    return Notice.objects.visible_to(actor).filter(read_at__isnull=True).update(read_at=timezone.now())


# --------------------------------------------------------------------------- history imported from spreadsheets


@dataclass
class HistoryRow:
    """One enterprise's values in one park for one period, as a spreadsheet of past statistics gives them."""

    enterprise: Any
    park: Park
    year: int
    month: int
    entries: Mapping[Indicator, Entry]


def _history_round(*, actor: User, region: Region, frequency: str, year: int, month: int) -> Round:
    """The round of a past period, opened (without tasks) if there is none; a locked one is refused."""
    rnd = Round.objects.select_for_update().filter(region=region, frequency=frequency, year=year, month=month).first()
    if rnd is None:
        rnd = Round(region=region, frequency=frequency, year=year, month=month,
                    deadline=period_bounds(frequency, year, month)[1], created_by=actor)
        rnd.full_clean()
        rnd.save()
    if rnd.locked:
        raise _locked_error()
    return rnd


@transaction.atomic
def history_import(*, actor: User, rows: Iterable[HistoryRow]) -> dict[str, int]:
    """Store past statistics as approved reports: historical data is data the district accepted.

    Each (enterprise, park, period) gets its round (found or opened) and its report (found or created,
    attributed from the enterprise, marked approved); each given entry is upserted, indicators not given
    are left as they are. Derived values and the rollup cells touched are recomputed at the end. The
    spreadsheet engine calls this inside its transaction and records the batch's audit event.
    """
    require_role(actor, EDIT_PARK)
    editable = set(Park.objects.editable_by(actor).values_list("pk", flat=True))
    now = timezone.now()
    touched_series: set[tuple[int, int, int, int]] = set()  # (enterprise, park, indicator, year)
    # (park, year, month) → indicators
    touched_cells: dict[tuple[int, int, int], set[int]] = {}
    indicators: dict[int, Indicator] = {}
    rounds: dict[tuple[str, str, int, int], Round] = {}
    counts = {"reports": 0, "values": 0}
    for row in rows:
        if row.park.pk not in editable:
            raise PermissionDenied("park out of scope")
        by_frequency: dict[str, dict[Indicator, Entry]] = {}
        for ind, entry in row.entries.items():
            if row.month not in months_of(ind.frequency):
                raise ValidationError(_("A %(frequency)s period cannot end in month %(month)d.")
                                      % {"frequency": Frequency(ind.frequency).label, "month": row.month})
            by_frequency.setdefault(ind.frequency, {})[ind] = entry
        for frequency, entries in by_frequency.items():
            key = (row.park.region_id, frequency, row.year, row.month)
            if key not in rounds:
                rounds[key] = _history_round(actor=actor, region=row.park.region, frequency=frequency, year=row.year,
                                             month=row.month)
            rnd = rounds[key]
            rnd.indicators.add(*[ind for ind in entries if ind.pk])
            e = row.enterprise
            report, _created = Report.objects.select_for_update().get_or_create(
                round=rnd, enterprise=e, park=row.park,
                defaults=dict(above_scale=e.is_above_scale,
                              industry_section=e.industry.section if e.industry_id and e.industry else ""))
            if report.status != Report.Status.APPROVED:
                report.status, report.approved_at, report.approved_by = Report.Status.APPROVED, now, actor
                report.return_reason = ""
                report.save()
                # every value of the report now counts in the rollups, not only the imported ones
                cell = touched_cells.setdefault((row.park.pk, row.year, row.month), set())
                cell.update(report.values.values_list("indicator_id", flat=True))
            counts["reports"] += 1
            for ind, entry in entries.items():
                ReportValue.objects.update_or_create(
                    report=report, indicator=ind,
                    defaults=dict(park_id=row.park.pk, enterprise_id=e.pk, year=row.year, month=row.month,
                                  value=None if entry.no_data else entry.value, no_data=entry.no_data,
                                  no_data_reason=entry.no_data_reason if entry.no_data else "",
                                  explanation=entry.explanation, warning=""))
                counts["values"] += 1
                indicators[ind.pk] = ind
                touched_series.add((e.pk, row.park.pk, ind.pk, row.year))
                touched_cells.setdefault((row.park.pk, row.year, row.month), set()).add(ind.pk)
    for enterprise_id, park_id, indicator_id, year in sorted(touched_series):
        rederive(enterprise_id=enterprise_id, park_id=park_id, indicator=indicators[indicator_id], year=year)
    changes.changed("enterprise", *{enterprise_id for enterprise_id, *_rest in touched_series})
    for (park_id, year, month), ids in sorted(touched_cells.items()):
        rollups.refresh(park_id=park_id, indicator_ids=sorted(ids), year=year, month=month)
    return counts


#: Keys per query of the bulk history import.
HISTORY_CHUNK = 5000
#: Enterprises whose series the bulk history import derives and writes at a time (12 months × 6 indicators each).
HISTORY_ENTERPRISES = 1000
_VALUE_FIELDS = ("report", "indicator", "park", "enterprise", "year", "month", "value", "no_data", "no_data_reason",
                 "explanation", "warning", "period_value", "ytd_value")
_REPORT_FIELDS = ("round", "enterprise", "park", "industry_section", "above_scale", "status", "approved_at",
                  "approved_by", "return_reason", "created_at", "updated_at")


def _chunked(items: list[Any]) -> Iterable[list[Any]]:
    for i in range(0, len(items), HISTORY_CHUNK):
        yield items[i : i + HISTORY_CHUNK]


def _history_values(reports: list[tuple[int, HistoryRow, Mapping[Indicator, Entry]]],
                    touched_cells: dict[tuple[int, int, int], set[int]]) -> None:
    """Write the entries of ``reports`` (report id, its row, its entries) with the derived values of every series
    they touch, and note the rollup cells to recompute (for :func:`history_import_bulk`)."""
    from yuanqu.tabular.fast import AnyOf, fast_insert, fast_update

    series: dict[tuple[int, int, int, int], dict[int, list[Any]]] = {}
    indicators: dict[int, Indicator] = {}
    for report_id, row, entries in reports:
        e_id, p_id, year, month = row.enterprise.pk, row.park.pk, row.year, row.month
        cell = touched_cells.setdefault((p_id, year, month), set())
        for ind, entry in entries.items():
            ind_id = ind.pk
            indicators[ind_id] = ind
            no_data = entry.no_data
            # month → [pk or None, report, value, no_data, reason, explanation, stored period, stored ytd,
            #          stored approved, written by this import]
            series.setdefault((e_id, p_id, ind_id, year), {})[month] = [
                None, report_id, None if no_data else entry.value, no_data, entry.no_data_reason if no_data else "",
                entry.explanation, None, None, True, True]
            cell.add(ind_id)
    years = sorted({k[3] for k in series})
    for chunk in _chunked(sorted({k[0] for k in series})):
        for pk, e_id, p_id, ind_id, year, month, report_id, value, period, ytd, status in (
                ReportValue.objects.filter(AnyOf(F("enterprise_id"), chunk), year__in=years).values_list(
                    "pk", "enterprise_id", "park_id", "indicator_id", "year", "month", "report_id", "value",
                    "period_value", "ytd_value", "report__status")):
            months = series.get((e_id, p_id, ind_id, year))
            if months is None:
                continue
            entry_row = months.get(month)
            approved = status == Report.Status.APPROVED
            if entry_row is not None and entry_row[1] == report_id:
                entry_row[0], entry_row[6], entry_row[7], entry_row[8] = pk, period, ytd, approved
            elif entry_row is None:
                months[month] = [pk, report_id, value, False, "", "", period, ytd, approved, False]
    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    derived_only: list[tuple[Any, ...]] = []
    for (e_id, p_id, ind_id, year), months in series.items():
        order = sorted(months)
        derived = derive_series(indicators[ind_id], [months[m][2] for m in order])
        for month, (period, ytd) in zip(order, derived, strict=True):
            pk, report_id, value, no_data, reason, explanation, old_period, old_ytd, approved, written = months[month]
            if written:
                if pk is None:
                    inserts.append((report_id, ind_id, p_id, e_id, year, month, value, no_data, reason, explanation,
                                    "", period, ytd))
                else:
                    updates.append((p_id, e_id, year, month, value, no_data, reason, explanation, "", period, ytd,
                                    pk))
            elif old_period != period or old_ytd != ytd:
                derived_only.append((period, ytd, pk))
                if approved:
                    touched_cells.setdefault((p_id, year, month), set()).add(ind_id)
    for i in range(0, len(inserts), HISTORY_CHUNK):
        fast_insert(ReportValue, _VALUE_FIELDS, inserts[i : i + HISTORY_CHUNK])
    fast_update(ReportValue, _VALUE_FIELDS[2:], updates)
    fast_update(ReportValue, ("period_value", "ytd_value"), derived_only)


@transaction.atomic
def history_import_bulk(*, actor: User, rows: Iterable[HistoryRow],
                        rollup_cells: dict[tuple[int, int, int], set[int]] | None = None) -> dict[str, int]:
    """:func:`history_import` in bulk, for the spreadsheet engine's large files: the same rounds, approved reports,
    values, derived values and rollups, written with COPY (PostgreSQL) or executemany (SQLite).

    The same checks first (the role, every row's park among those ``actor`` may edit, each period a period of its
    indicator, no locked round), then reports and values are looked up by key in chunks instead of row by row;
    derived values are computed over each touched series in memory and stored with the values, and each touched
    rollup cell is recomputed once at the end. tests/tabular/test_fast_imports.py checks both store the same.

    ``rollup_cells``: a file written in chunks (one call per chunk, in one transaction) passes the same dict to
    every call; the touched cells (park, year, month) → indicators are added to it instead of recomputed, and the
    caller recomputes them once after the last chunk (:func:`history_rollups`).
    """
    from yuanqu.tabular.fast import AnyOf, fast_insert_keyed  # floor 1: the bulk writer

    require_role(actor, EDIT_PARK)
    rows = list(rows)
    editable = set(Park.objects.editable_by(actor).values_list("pk", flat=True))
    now = timezone.now()
    round_indicators: dict[tuple[str, str, int, int], dict[int, Indicator]] = {}
    regions: dict[str, Region] = {}
    # rows alike (the same region, period and indicators: most of a file) are checked once; the entries' indicators
    # by identity, so no model is hashed per cell
    checked: set[tuple[Any, ...]] = set()
    for row in rows:
        if row.park.pk not in editable:
            raise PermissionDenied("park out of scope")
        alike = (row.park.region_id, row.year, row.month, *map(id, row.entries))
        if alike in checked:
            continue
        checked.add(alike)
        for ind in row.entries:
            if row.month not in months_of(ind.frequency):
                raise ValidationError(_("A %(frequency)s period cannot end in month %(month)d.")
                                      % {"frequency": Frequency(ind.frequency).label, "month": row.month})
            key = (row.park.region_id, ind.frequency, row.year, row.month)
            round_indicators.setdefault(key, {})[ind.pk] = ind
            regions.setdefault(row.park.region_id, row.park.region)
    rounds: dict[tuple[str, str, int, int], Round] = {}
    for key in sorted(round_indicators):
        region_id, frequency, year, month = key
        rounds[key] = rnd = _history_round(actor=actor, region=regions[region_id], frequency=frequency, year=year,
                                           month=month)
        rnd.indicators.add(*[ind for ind in round_indicators[key].values() if ind.pk])
    # (round, enterprise, park) → the entries of that report, in the order of the rows
    wanted: dict[tuple[int, int, int], tuple[HistoryRow, Mapping[Indicator, Entry]]] = {}
    counts = {"reports": 0, "values": 0}
    frequencies: dict[tuple[int, ...], set[str]] = {}  # of the indicators of rows alike
    for row in rows:
        signature = tuple(map(id, row.entries))
        kinds = frequencies.get(signature)
        if kinds is None:
            kinds = frequencies[signature] = {ind.frequency for ind in row.entries}
        by_frequency: dict[str, Mapping[Indicator, Entry]]
        if len(kinds) == 1:  # one frequency (most files): the row's entries as they are
            by_frequency = {next(iter(kinds)): row.entries}
        else:
            grouped: dict[str, dict[Indicator, Entry]] = {}
            for ind, entry in row.entries.items():
                grouped.setdefault(ind.frequency, {})[ind] = entry
            by_frequency = dict(grouped)
        for frequency, entries in by_frequency.items():
            rnd = rounds[(row.park.region_id, frequency, row.year, row.month)]
            key3 = (rnd.pk, row.enterprise.pk, row.park.pk)
            if key3 in wanted:
                wanted[key3] = (wanted[key3][0], {**wanted[key3][1], **entries})
            else:
                wanted[key3] = (row, entries)
            counts["reports"] += 1
            counts["values"] += len(entries)
    round_ids = sorted({k[0] for k in wanted})
    enterprise_ids = sorted({k[1] for k in wanted})
    # (park, year, month) → indicators
    touched_cells: dict[tuple[int, int, int], set[int]] = {} if rollup_cells is None else rollup_cells
    # the reports: found, approved if they were not, or created approved
    report_ids: dict[tuple[int, int, int], int] = {}
    to_approve: list[int] = []
    for chunk in _chunked(enterprise_ids):
        for pk, round_id, e_id, p_id, status in (Report.objects.select_for_update().filter(
                AnyOf(F("enterprise_id"), chunk), round_id__in=round_ids).order_by()
                .values_list("pk", "round_id", "enterprise_id", "park_id", "status")):
            if (round_id, e_id, p_id) in wanted:
                report_ids[(round_id, e_id, p_id)] = pk
                if status != Report.Status.APPROVED:
                    to_approve.append(pk)
    for chunk in _chunked(to_approve):
        Report.objects.filter(pk__in=chunk).update(status=Report.Status.APPROVED, approved_at=now,
                                                   approved_by=actor, return_reason="", updated_at=now)
        # every value of the report now counts in the rollups, not only the imported ones
        for p_id, year, month, ind_id in ReportValue.objects.filter(report_id__in=chunk).values_list(
                "park_id", "year", "month", "indicator_id"):
            touched_cells.setdefault((p_id, year, month), set()).add(ind_id)
    missing = [k for k in wanted if k not in report_ids]
    for chunk in _chunked(missing):
        new_reports = []
        for key3 in chunk:
            e = wanted[key3][0].enterprise
            new_reports.append((key3[0], key3[1], key3[2], e.industry.section if e.industry_id and e.industry else "",
                                e.is_above_scale, Report.Status.APPROVED, now, actor.pk, "", now, now))
        report_ids.update(fast_insert_keyed(Report, _REPORT_FIELDS, new_reports, ("round", "enterprise", "park")))
    # the values, over whole series (enterprise, park, indicator, year), so the derived values come out right;
    # a chunk of enterprises at a time, so memory holds one chunk's series, not the file's
    by_enterprise: dict[int, list[tuple[int, int, int]]] = {}
    for key3 in wanted:
        by_enterprise.setdefault(key3[1], []).append(key3)
    enterprises = sorted(by_enterprise)
    for i in range(0, len(enterprises), HISTORY_ENTERPRISES):
        chunk = enterprises[i : i + HISTORY_ENTERPRISES]
        _history_values([(report_ids[k], *wanted[k]) for e_id in chunk for k in by_enterprise[e_id]], touched_cells)
    changes.changed("enterprise", *by_enterprise)
    if rollup_cells is None:
        history_rollups(touched_cells)
    return counts


def history_rollups(cells: dict[tuple[int, int, int], set[int]]) -> None:
    """Recompute each rollup cell (park, year, month) of these indicators once, after a bulk history import."""
    for (park_id, year, month), ids in sorted(cells.items()):
        rollups.refresh(park_id=park_id, indicator_ids=sorted(ids), year=year, month=month)


# --------------------------------------------------------------------------- the indicator dictionary


INDICATOR_ROLES = CONFIGURERS


@transaction.atomic
def indicator_create(*, actor: User, indicator: Indicator) -> Indicator:
    """Add an indicator to the dictionary (district staff: a business rule, not the system administrator's)."""
    require_role(actor, INDICATOR_ROLES)
    return save_created(actor=actor, obj=indicator)


@transaction.atomic
def indicator_update(*, actor: User, indicator: Indicator, before: dict[str, Any]) -> Indicator:
    """Change an indicator of the dictionary; ``before`` is its snapshot from before the form changed it."""
    require_role(actor, INDICATOR_ROLES)
    if indicator.part_of_id == indicator.pk:
        raise ValidationError({"part_of": _("An indicator cannot be a part of itself.")})
    return save_updated(actor=actor, obj=indicator, before=before)
