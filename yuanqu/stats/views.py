"""Statistics pages (经济指标): the enterprise's report form, review, rounds, aggregates, the indicator
dictionary, targets and reminders.

Every read goes through ``visible_to``; every write through ``services`` (or ``queries`` for the
dictionary), whose refusals come back as form errors or messages, never as a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuanqu.core import audit
from yuanqu.core.export import export_response
from yuanqu.core.forms import call_service, parse_number_input, save_edit
from yuanqu.core.listing import Column, Filter, ListSpec, apply_list, run_list
from yuanqu.core.models import Region
from yuanqu.core.registry import changes
from yuanqu.core.roles import DICTIONARY_READERS, EDIT_PARK, ENTERPRISE_SIDE, REPORT_FILLERS, TENANT_READERS, Role
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_page_role, require_role_audited
from yuanqu.core.types import AuthedRequest
from yuanqu.parks.models import Park

from . import queries, selectors, services
from .forms import IndicatorForm, ReasonForm, ReportForm, RoundForm, TargetForm, initial_for
from .models import Indicator, Notice, Report, ReportValue, Round, Target, period_label, previous_period
from .services import Entry

DISTRICT = TENANT_READERS
REPORT_ROLES = (*DISTRICT, Role.ENTERPRISE_USER)
FILL_ROLES = REPORT_FILLERS
DICTIONARY_READ = DICTIONARY_READERS - ENTERPRISE_SIDE  # the dictionary page; enterprises see their form


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(m for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(exc.messages)


def _next_or(request: AuthedRequest, fallback: str, *args: Any) -> HttpResponse:
    """Back to the page the action came from (same site only), else to ``fallback``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback, *args)


def _park_choices(request: AuthedRequest) -> list[tuple[Any, str]]:
    return list(Park.objects.visible_to(request.user).order_by("name").values_list("pk", "name"))


def _round_choices(request: AuthedRequest) -> list[tuple[Any, str]]:
    rounds = Round.objects.visible_to(request.user).order_by("-year", "-month")[:48]
    return [(r.pk, r.period_label) for r in rounds]


# --------------------------------------------------------------------------- reports: list and detail


def _yes_no(request: AuthedRequest) -> list[tuple[str, str]]:
    return [("1", _("Yes")), ("0", _("No"))]


def _with_value(field: str) -> Callable[[AuthedRequest, QuerySet[Any], str], QuerySet[Any]]:
    """A yes/no filter: reports with (or without) a value whose ``field`` is filled in. An EXISTS, not a join, so
    a report with several such values is listed once."""
    def apply(request: AuthedRequest, qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        found = Exists(ReportValue.objects.filter(report=OuterRef("pk")).exclude(**{field: ""}))
        return qs.filter(found) if value == "1" else qs.exclude(found)
    return apply


def _awaiting_choices(request: AuthedRequest) -> list[tuple[str, str]]:
    return [("1", _("Awaiting my review"))] if request.user.role in EDIT_PARK else []


def _report_spec() -> ListSpec:
    return ListSpec(
        filters=[
            Filter("round", _("Reporting period"), _round_choices, "round"),
            Filter("park", _("Park"), _park_choices, "park"),
            Filter("status", _("Status"), Report.Status.choices),
            # A value that tripped a check (its warning is kept on the value), and one the enterprise explained.
            Filter("warnings", _("Has warnings"), _yes_no, apply=_with_value("warning")),
            Filter("explained", _("Explanation given"), _yes_no, apply=_with_value("explanation")),
            Filter("todo", _("Awaiting review"), _awaiting_choices,
                   apply=lambda request, qs, value: queries.awaiting_review(request.user, qs)),
        ],
        sorts={"period": ("round__year", "round__month"), "enterprise": ("enterprise__name_pinyin",),
               "submitted": ("submitted_at",), "status": ("status",)},
        default_sort="-period",
        search=lambda qs, q: qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__name_pinyin__icontains=q)
                                       | Q(enterprise__name_initials__icontains=q) | Q(enterprise__uscc=q.upper())),
        columns=lambda r: [
            Column(_("Reporting period"), lambda x: x.round.period_label),
            Column(_("Enterprise"), lambda x: x.enterprise.name),
            Column(_("Unified social credit code"), lambda x: x.enterprise.uscc),
            Column(_("Park"), lambda x: x.park.name),
            Column(_("Status"), lambda x: x.get_status_display()),
            Column(_("Submitted at"), lambda x: x.submitted_at),
            Column(_("Reason for return"), lambda x: x.return_reason),
        ],
        export_name="stat-reports",
    )


@login_required
def report_list(request: AuthedRequest) -> HttpResponse:
    """Reports in scope: the enterprise's own (to fill in), the park's and the district's (to review)."""
    require_page_role(request.user, REPORT_ROLES)
    user = request.user
    qs = queries.reports_for_list(user)
    return run_list(request, qs, _report_spec(), "stats/report_list.html", {
        "is_enterprise": user.role == Role.ENTERPRISE_USER,
        "can_park_review": user.role in EDIT_PARK,
        "can_approve": user.role == Role.REGION_STAFF,
        "can_fill": user.role in FILL_ROLES,
        "can_bulk": user.role in EDIT_PARK,
        "bulk_limit": BULK_LIMIT,
        "filter_params": [(k, v) for k, v in request.GET.items() if k in _BULK_LIST_PARAMS],
        "unread": queries.unread_notice_count(user),
    })


# --------------------------------------------------------------------------- bulk review

#: The most reports one bulk action touches: each goes through its service (and its audit event) in turn.
BULK_LIMIT = 1000
#: The list's parameters a bulk action on "all matching rows" re-reads from its POST: the filters, the search, and
#: the sort (which rows come first when more than :data:`BULK_LIMIT` match).
_BULK_LIST_PARAMS = ("round", "park", "status", "warnings", "explained", "todo", "q", "sort")


@dataclass
class _BulkAction:
    """One review step done in bulk: the roles its single-row view allows and the service it calls per report."""

    label: str
    done: str
    roles: frozenset[str]
    act: Callable[[Any, Report, str], Any]


def _bulk_actions() -> dict[str, _BulkAction]:
    return {
        "review": _BulkAction(_("Pass first review"), _("Passed first review"), EDIT_PARK,
                              lambda user, r, reason: services.report_park_review(actor=user, report=r)),
        "approve": _BulkAction(_("Final approval"), _("Given final approval"), frozenset({Role.REGION_STAFF}),
                               lambda user, r, reason: services.report_approve(actor=user, report=r)),
        "return": _BulkAction(_("Return"), _("Returned"), EDIT_PARK,
                              lambda user, r, reason: services.report_return(actor=user, report=r, reason=reason)),
    }


def _skip_reason(report_pk: int, exc: ValidationError, action: str) -> str:
    """Why the service refused one report, in the reviewer's words: a refusal for its status names the status
    (already approved, not submitted …); any other refusal (a locked period) is the service's own message."""
    if getattr(exc, "code", None) != "status":
        return _error_text(exc)
    status = Report.objects.filter(pk=report_pk).values_list("status", flat=True).first()
    if status == Report.Status.APPROVED:
        return _("Approved already.")
    if status in Report.EDITABLE:
        return _("Not submitted by the enterprise (%(status)s).") % {"status": Report.Status(status).label}
    if status == Report.Status.SUBMITTED and action == "approve":
        return _("Not yet reviewed by the park.")
    if status == Report.Status.PARK_REVIEWED and action == "review":
        return _("Reviewed by the park already.")
    return _error_text(exc)


def _selected_ids(values: list[str]) -> tuple[list[int], int]:
    """The report ids posted, in order and once each, and how many values were not ids at all."""
    ids: dict[int, None] = {}
    bad = 0
    for value in values:
        text = value.strip()
        if text.isdigit() and len(text) <= 18:
            ids[int(text)] = None
        else:
            bad += 1
    return list(ids), bad


@login_required
@require_POST
def report_bulk(request: AuthedRequest) -> HttpResponse:
    """Pass the first review of, approve or return many reports at once (批量审核): the ticked ones, or every report
    matching the list's filters (read again here, on the user's scope). Each report goes through the same service
    as its single-row button — the same role, scope, status and lock checks and one audit event per report — in a
    transaction of its own, so one refusal does not undo the others; the result page lists what was done and what
    was not, with the reason. Ids outside the user's scope are named back as such, whether or not they exist."""
    require_page_role(request.user, EDIT_PARK)
    user = request.user
    actions = _bulk_actions()
    name = request.POST.get("action", "")
    if name not in actions:
        messages.error(request, _("Choose what to do with the selected reports."))
        return _next_or(request, "stats:reports")
    action = actions[name]
    require_page_role(user, action.roles)  # approving is district staff's, as on the report's own page
    reason = request.POST.get("reason", "").strip()
    if name == "return" and not reason:
        messages.error(request, _("Give one reason for returning the selected reports; nothing was changed."))
        return _next_or(request, "stats:reports")
    visible = queries.reports_for_list(user)
    outside: list[int] = []
    bad = 0
    every = request.POST.get("all") == "1"
    if every:
        matching = apply_list(request, visible, _report_spec(), request.POST).rows
        reports = list(matching[:BULK_LIMIT + 1])
        total = len(reports) if len(reports) <= BULK_LIMIT else matching.count()
        shown = request.POST.get("total", "")
    else:
        ids, bad = _selected_ids(request.POST.getlist("ids"))
        if not ids:
            messages.error(request, _("Select the reports first (tick them in the list), or choose all matching."))
            return _next_or(request, "stats:reports")
        total, shown = len(ids), ""
        found = visible.in_bulk(ids[:BULK_LIMIT])
        reports = [found[i] for i in ids[:BULK_LIMIT] if i in found]
        outside = [i for i in ids[:BULK_LIMIT] if i not in found]
    left = max(total - BULK_LIMIT, 0)
    reports = reports[:BULK_LIMIT]
    done: list[Report] = []
    skipped: dict[str, list[Report]] = {}
    # Those who listen for changed enterprises (policies re-matching) hear the whole batch once, at the end.
    with changes.gathered():
        for report in reports:
            try:
                # No transaction around the loop: each report commits on its own, so a refusal undoes only itself
                # and the audit chain's lock is not held across the whole batch.
                with transaction.atomic():
                    action.act(user, report, reason)
                done.append(report)
            except ValidationError as exc:
                skipped.setdefault(_skip_reason(report.pk, exc, name), []).append(report)
            except PermissionDenied:
                skipped.setdefault(_("Not within your scope."), []).append(report)
    return render(request, "stats/report_bulk_result.html", {
        "action": action, "action_name": name, "done": done, "skipped": sorted(skipped.items()),
        "not_done": sum(len(v) for v in skipped.values()) + len(outside), "outside": outside, "bad": bad,
        "left": left,
        "limit": BULK_LIMIT, "every": every, "reason": reason if name == "return" else "",
        "changed": every and shown.isdigit() and int(shown) != total, "shown": shown, "total": total,
        "back": _back_to_list(request),
    })


def _back_to_list(request: AuthedRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("stats:reports")


def _stored_values(report: Report) -> dict[int, ReportValue]:
    return {v.indicator_id: v for v in report.values.select_related("indicator")}


@login_required
def report_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A report: its values with 本月, 上月 and 去年同月 beside them in the form's terms (what the warnings name),
    the warnings and explanations, and its history."""
    require_page_role(request.user, REPORT_ROLES)
    report = get_visible_or_404(Report.objects.select_related("round", "enterprise", "park"), request.user, pk=pk)
    indicators = selectors.indicators_for(report)
    stored = _stored_values(report)
    history = selectors.history_for(report, indicators)
    rows = [{"indicator": ind, "stored": stored.get(ind.pk), "history": history[ind.pk]} for ind in indicators]
    role = request.user.role
    locked = report.round.locked
    return render(request, "stats/report_detail.html", {
        "report": report, "rows": rows, "history": queries.history_rows(report),
        "can_fill": role in FILL_ROLES and report.editable,
        "can_park_review": role in EDIT_PARK and not locked
        and report.status == Report.Status.SUBMITTED,
        "can_approve": role == Role.REGION_STAFF and not locked and report.status == Report.Status.PARK_REVIEWED,
        "can_return": not locked and (
            role == Role.PARK_OPERATOR and report.status == Report.Status.SUBMITTED
            or role == Role.REGION_STAFF and report.status in Report.REPORTED),
        "can_remind": role in EDIT_PARK and report.status in Report.EDITABLE
        and not locked,
        "notices": Notice.objects.visible_to(request.user).filter(report=report)[:20],
        "return_form": ReasonForm(),
        "words": selectors.period_words(report.round.frequency), "columns": _period_columns(report),
    })


# --------------------------------------------------------------------------- the enterprise's form


def _report_form_context(request: AuthedRequest, report: Report, form: ReportForm | None = None,
                         ) -> dict[str, Any]:
    indicators = selectors.indicators_for(report)
    stored = _stored_values(report)
    history = selectors.history_for(report, indicators)
    if form is None:
        form = ReportForm(initial=initial_for(indicators, stored), indicators=indicators, report=report)
    # An editable report is checked as it stands (the figures beside it may have changed since it was saved);
    # a submitted one shows the warning its enterprise was given.
    return {"report": report, "form": form, "rows": form.rows(history, stored, check=report.editable),
            "words": selectors.period_words(report.round.frequency), "columns": _period_columns(report),
            "editable": report.editable}


def _period_columns(report: Report) -> dict[str, str]:
    """The periods the form's columns are about, named: 2025年5月 for 上月 of June."""
    rnd = report.round
    py, pm = previous_period(rnd.frequency, rnd.year, rnd.month)
    return {"this": rnd.period_label, "previous": period_label(rnd.frequency, py, pm),
            "last_year": period_label(rnd.frequency, rnd.year - 1, rnd.month)}


@login_required
def report_fill(request: AuthedRequest, pk: int) -> HttpResponse:
    """The enterprise fills in its report: save a draft or submit. Read-only once submitted or locked."""
    require_page_role(request.user, FILL_ROLES)
    report = get_visible_or_404(Report.objects.select_related("round", "enterprise", "park"), request.user, pk=pk)
    if request.method != "POST":
        return render(request, "stats/report_form.html", _report_form_context(request, report))
    indicators = selectors.indicators_for(report)
    form = ReportForm(request.POST, indicators=indicators, report=report)
    submit = request.POST.get("action") == "submit"
    if form.is_valid():
        # The service works on the report as stored, so a failed save leaves ``report`` as it was for the page.
        saved = save_edit(form, report, lambda stored: services.report_save(
            actor=request.user, report=stored, entries=form.entries(), submit=submit))
        if saved is not None:
            if submit:
                messages.success(request, _("Report submitted. The park will review it."))
                return redirect("stats:report_detail", pk=pk)
            messages.success(request, _("Draft saved. Submit it when it is complete."))
            return redirect("stats:report_fill", pk=pk)
    context = _report_form_context(request, report, form)
    context["editable"] = report.editable
    messages.error(request, _("The report was not saved: see the messages beside the fields."))
    return render(request, "stats/report_form.html", context, status=200)


@login_required
@require_POST
def report_check(request: AuthedRequest, pk: int) -> HttpResponse:
    """Live check of one value as it is typed (htmx): its errors, or a warning that needs an explanation."""
    require_page_role(request.user, FILL_ROLES)
    report = get_visible_or_404(Report.objects.select_related("round", "enterprise"), request.user, pk=pk)
    indicators = selectors.indicators_for(report)
    by_id = {ind.pk: ind for ind in indicators}
    try:
        ind = by_id[int(request.POST.get("indicator", ""))]
    except (KeyError, ValueError) as exc:
        raise Http404 from exc
    entries: dict[int, Entry] = {}
    errors: list[str] = []
    for other in indicators:
        no_data = bool(request.POST.get(f"n_{other.pk}"))
        try:
            value = parse_number_input(request.POST.get(f"v_{other.pk}", ""), unit=other.unit)
        except ValidationError as exc:
            if other.pk == ind.pk:
                errors.extend(exc.messages)
            value = None
        entries[other.pk] = Entry(value=None if no_data else value, no_data=no_data,
                                  no_data_reason=request.POST.get(f"r_{other.pk}", ""),
                                  explanation=request.POST.get(f"e_{other.pk}", ""))
    warning = ""
    history = selectors.history_for(report, [ind])[ind.pk]
    if not errors:
        check = selectors.check_entry(ind, entries[ind.pk], entries, history)
        errors, warning = check.errors, check.warning
    period, ytd = (None, None) if errors else history.derive(entries[ind.pk].value)
    # The messages replace the check's messages only (the explanation being typed beside them stays as it is);
    # the figures derived from the value go back beside it (out of band), read by the same parser as the check.
    return render(request, "stats/_check.html", {
        "ind": ind, "errors": errors, "warning": warning,
        "r": {"indicator": ind, "history": history, "period": period, "ytd": ytd if history.adds_up else None},
    })


# --------------------------------------------------------------------------- review actions


def _report_action(request: AuthedRequest, pk: int, act: Callable[[Report], Any], done: str) -> HttpResponse:
    report = get_visible_or_404(Report.objects.all(), request.user, pk=pk)
    try:
        act(report)
        messages.success(request, done)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except PermissionDenied as exc:
        raise Http404 from exc
    return _next_or(request, "stats:report_detail", pk)


@login_required
@require_POST
def report_park_review(request: AuthedRequest, pk: int) -> HttpResponse:
    """The park's first review (初审通过)."""
    require_page_role(request.user, EDIT_PARK)
    return _report_action(request, pk, lambda r: services.report_park_review(actor=request.user, report=r),
                          _("Reviewed: the report goes to the district for approval."))


@login_required
@require_POST
def report_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    """The district's approval (终审): the values enter the aggregates."""
    require_page_role(request.user, (Role.REGION_STAFF,))
    return _report_action(request, pk, lambda r: services.report_approve(actor=request.user, report=r),
                          _("Approved: the values now count in the aggregates."))


@login_required
@require_POST
def report_return(request: AuthedRequest, pk: int) -> HttpResponse:
    """Return a report to the enterprise with a reason (退回)."""
    require_page_role(request.user, EDIT_PARK)
    reason = request.POST.get("reason", "")
    return _report_action(request, pk, lambda r: services.report_return(actor=request.user, report=r,
                                                                        reason=reason),
                          _("Returned to the enterprise."))


@login_required
@require_POST
def report_remind(request: AuthedRequest, pk: int) -> HttpResponse:
    """Remind one enterprise to submit its report (催报)."""
    require_page_role(request.user, EDIT_PARK)

    def act(report: Report) -> None:
        if report.round.locked:
            raise ValidationError(_("This period is locked. Ask region staff to reopen it first."))
        if not services.report_remind(actor=request.user, reports=[report], message=request.POST.get("message", "")):
            raise ValidationError(_("This report is submitted already; no reminder was sent."))

    return _report_action(request, pk, act, _("Reminder sent."))


# --------------------------------------------------------------------------- rounds


def _round_spec() -> ListSpec:
    return ListSpec(
        filters=[Filter("frequency", _("Frequency"), Round._meta.get_field("frequency").choices or []),
                 Filter("locked", _("Locked"), [("1", _("Locked")), ("0", _("Open"))], "locked")],
        sorts={"period": ("year", "month"), "deadline": ("deadline",)},
        default_sort="-period",
        per_page=24,
    )


@login_required
def round_list(request: AuthedRequest) -> HttpResponse:
    """Reporting rounds of the region, each with its completion (已报/应报) within the user's parks."""
    require_page_role(request.user, DISTRICT)
    in_scope = Q(reports__park__in=Park.objects.visible_to(request.user).values("pk"))
    qs = Round.objects.visible_to(request.user).select_related("region").annotate(
        expected=Count("reports", filter=in_scope),
        reported=Count("reports", filter=in_scope & Q(reports__status__in=Report.REPORTED)),
        approved=Count("reports", filter=in_scope & Q(reports__status=Report.Status.APPROVED)),
    )
    return run_list(request, qs, _round_spec(), "stats/round_list.html",
                    {"can_open": request.user.role == Role.REGION_STAFF})


@login_required
def round_create(request: AuthedRequest) -> HttpResponse:
    """Open a round for a period: every enterprise moved in during it gets a report to fill in."""
    require_page_role(request.user, (Role.REGION_STAFF,))
    from django.utils import timezone

    today = timezone.localdate()
    form = RoundForm(request.POST or None, initial={"year": today.year, "month": max(today.month - 1, 1),
                                                     "deadline": today.replace(day=min(today.day + 10, 28))})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        region = Region.objects.get(pk=request.user.region_id)
        try:
            rnd = call_service(form, lambda: services.round_open(
                actor=request.user, region=region, frequency=d["frequency"], year=d["year"], month=d["month"],
                deadline=d["deadline"], indicators=list(d["indicators"]) or None))
        except PermissionDenied as exc:
            raise Http404 from exc
        if rnd is not None:
            messages.success(request, _("Round %(period)s opened: %(n)d enterprises have a report to fill in.")
                             % {"period": rnd.period_label, "n": rnd.reports.count()})
            return redirect("stats:round_detail", pk=rnd.pk)
    return render(request, "stats/form.html", {"form": form, "title": _("Open a reporting round"),
                                               "back": ("stats:rounds", _("Reporting rounds"))})


def _missing_spec(contacts: dict[int, dict[str, str]]) -> ListSpec:
    def contact(r: Report, key: str) -> str:
        return contacts.get(r.enterprise_id, {}).get(key, "")

    return ListSpec(
        filters=[Filter("park", _("Park"), _park_choices, "park"),
                 Filter("status", _("Status"), [(s.value, s.label) for s in Report.Status
                                                if s.value in Report.EDITABLE])],
        sorts={"enterprise": ("enterprise__name_pinyin",), "park": ("park__name",)},
        default_sort="park",
        search=lambda qs, q: qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__name_pinyin__icontains=q)
                                       | Q(enterprise__name_initials__icontains=q)),
        columns=lambda r: [
            Column(_("Enterprise"), lambda x: x.enterprise.name),
            Column(_("Park"), lambda x: x.park.name),
            Column(_("Status"), lambda x: x.get_status_display()),
            Column(_("Contact"), lambda x: contact(x, "name")),
            Column(_("Phone"), lambda x: contact(x, "phone")),
            Column(_("E-mail"), lambda x: contact(x, "email")),
        ],
        export_name="stat-missing",
        per_page=50,
    )


@login_required
def round_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A round: completion by park, and the enterprises that have not submitted (contacts masked by role)."""
    require_page_role(request.user, DISTRICT)
    rnd = get_visible_or_404(Round.objects.select_related("region", "created_by"), request.user, pk=pk)
    parks = Park.objects.visible_to(request.user)
    missing = queries.missing_reports(request.user, rnd)
    contacts = queries.contacts_by_enterprise(request.user, missing.values("enterprise_id"))
    role = request.user.role
    return run_list(request, missing, _missing_spec(contacts), "stats/round_detail.html", {
        "round": rnd,
        "by_park": selectors.completion_by_park(rnd, parks),
        "overall": selectors.completion(rnd, parks),
        "contacts": contacts,
        "indicators": rnd.indicators.all(),
        "can_remind": role in EDIT_PARK and not rnd.locked,
        "can_lock": role == Role.REGION_STAFF,
        "reopen_form": ReasonForm(),
        "statuses": Report.Status,
    })


def _round_action(request: AuthedRequest, pk: int, act: Callable[[Round], Any], done: str) -> HttpResponse:
    rnd = get_visible_or_404(Round.objects.all(), request.user, pk=pk)
    try:
        act(rnd)
        messages.success(request, done)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except PermissionDenied as exc:
        raise Http404 from exc
    return redirect("stats:round_detail", pk=pk)


@login_required
@require_POST
def round_remind(request: AuthedRequest, pk: int) -> HttpResponse:
    """Remind every enterprise in scope that has not submitted for the round."""
    require_page_role(request.user, EDIT_PARK)
    sent: list[Notice] = []

    def act(rnd: Round) -> None:
        if rnd.locked:
            raise ValidationError(_("This period is locked. Ask region staff to reopen it first."))
        sent.extend(services.report_remind(actor=request.user, reports=list(queries.missing_reports(request.user, rnd)),
                                    message=request.POST.get("message", "")))

    rnd = get_visible_or_404(Round.objects.all(), request.user, pk=pk)
    try:
        act(rnd)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("stats:round_detail", pk=pk)
    except PermissionDenied as exc:
        raise Http404 from exc
    if sent:
        messages.success(request, _("Reminders sent to %(n)d enterprises.") % {"n": len(sent)})
    else:
        messages.info(request, _("Every enterprise has submitted; no reminder was needed."))
    return redirect("stats:round_detail", pk=pk)


@login_required
@require_POST
def round_lock(request: AuthedRequest, pk: int) -> HttpResponse:
    """Lock the period (锁定): nothing in it changes until it is reopened."""
    require_page_role(request.user, (Role.REGION_STAFF,))
    return _round_action(request, pk, lambda r: services.round_lock(actor=request.user, rnd=r),
                         _("The period is locked."))


@login_required
@require_POST
def round_reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    """Reopen a locked period, with the reason (audited)."""
    require_page_role(request.user, (Role.REGION_STAFF,))
    reason = request.POST.get("reason", "")
    return _round_action(request, pk, lambda r: services.round_reopen(actor=request.user, rnd=r, reason=reason),
                         _("The period is reopened."))


# --------------------------------------------------------------------------- aggregates


def _int(value: str, low: int, high: int) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def aggregate_params(request: AuthedRequest, parks: QuerySet[Park]) -> tuple[Indicator, int, int, QuerySet[Park],
                                                                                str, dict[str, Any]]:
    """Indicator, period, parks and segment chosen on the aggregates page (defaults where missing or wrong)."""
    indicators = Indicator.objects.visible_to(request.user).active()
    # A NUL cannot be in a code, and PostgreSQL refuses it in a query: such a code falls back like an unknown one.
    code = request.GET.get("indicator", "").replace("\x00", "")
    indicator = indicators.filter(code=code).first() or indicators.first()
    if indicator is None:
        raise Http404
    year = _int(request.GET.get("year", ""), 2000, 2100)
    month = _int(request.GET.get("month", ""), 1, 12)
    if year is None or month is None:
        year, month = queries.default_period(indicator, parks, request.user.region_id)
    from .models import months_of

    if month not in months_of(indicator.frequency):
        month = max([m for m in months_of(indicator.frequency) if m <= month] or [months_of(indicator.frequency)[-1]])
    chosen = parks
    park_id = request.GET.get("park", "")
    if park_id:
        chosen = parks.filter(pk=park_id) if park_id.isdigit() else parks.none()
        if not chosen.exists():
            raise Http404
    segment = "above" if request.GET.get("segment") == "above" else "all"
    return indicator, year, month, chosen, segment, {"park": park_id}


def _fmt(value: Decimal | None, places: int = 2) -> Any:
    return None if value is None else round(Decimal(value), places)


@login_required
def aggregates(request: AuthedRequest) -> HttpResponse:
    """By park: value, 累计, 同比, 环比, reporters, completion, 亩均; the total; by industry; target progress."""
    require_page_role(request.user, DISTRICT)
    parks = Park.objects.visible_to(request.user)
    indicator, year, month, chosen, segment, shown = aggregate_params(request, parks)
    data = queries.aggregates(request.user, indicator, year, month, chosen, segment)
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        unit = indicator.unit
        rate = indicator.is_rate
        change = _("(points)") if rate else "(%)"
        headers = [_("Park"), f"{_('Value')} ({unit})", f"{_('Year to date')} ({unit})",
                   f"{_('Year on year')} {change}", f"{_('Period on period')} {change}", _("Reporters"),
                   _("Completion rate (%)"), f"{_('Per mu')} ({unit})"]
        rows = [[r.label, _fmt(r.figure.value), _fmt(r.figure.ytd), _fmt(r.yoy, 1), _fmt(r.mom, 1),
                 r.figure.reporters, _fmt(r.completion.rate, 1) if r.completion else None, _fmt(r.per_mu)]
                for r in [*data.rows, *([data.total] if data.total else [])]]
        if data.provisional:
            rows.append([f"注：{data.period_label}为{data.mark}", None, None, None, None, None, None, None])
        return export_response(actor=request.user, fmt=fmt, name=f"stats-{indicator.code}-{year}-{month:02d}",
                               headers=headers, rows=rows, object_type="stats.Rollup",
                               filters={"indicator": indicator.code, "year": year, "month": month,
                                        "segment": segment, **shown})
    from .models import months_of

    return render(request, "stats/aggregates.html", {
        "data": data, "indicator": indicator, "year": year, "month": month, "segment": segment,
        "indicators": Indicator.objects.visible_to(request.user).active(),
        "parks": _park_choices(request), "park": shown["park"],
        "months": months_of(indicator.frequency),
        "years": list(range(year + 1, year - 6, -1)),
        "rate": indicator.is_rate,
        "query": request.GET.urlencode(),
    })


# --------------------------------------------------------------------------- the indicator dictionary


def _indicator_spec() -> ListSpec:
    return ListSpec(
        filters=[Filter("frequency", _("Frequency"), Indicator._meta.get_field("frequency").choices or []),
                 Filter("audience", _("Reported by"), Indicator.Audience.choices),
                 Filter("active", _("Active"), [("1", _("Yes")), ("0", _("No"))], "active")],
        sorts={"order": ("sort_order", "code"), "code": ("code",), "name": ("name",)},
        default_sort="order",
        search=lambda qs, q: qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(department__icontains=q)),
        columns=lambda r: [
            Column(_("Code"), lambda i: i.code), Column(_("Name"), lambda i: i.name),
            Column(_("Unit of measure"), lambda i: i.unit), Column(_("Frequency"), lambda i: i.get_frequency_display()),
            Column(_("Aggregation"), lambda i: i.get_aggregation_display()),
            Column(_("Values are"), lambda i: i.get_basis_display()),
            Column(_("Owner department"), lambda i: i.department),
            Column(_("Reported by"), lambda i: i.get_audience_display()),
            Column(_("Minimum"), lambda i: i.min_value), Column(_("Maximum"), lambda i: i.max_value),
            Column(_("Change threshold (%)"), lambda i: i.change_threshold_pct),
            Column(_("When tripped"), lambda i: i.get_change_action_display()),
            Column(_("Active"), lambda i: i.active),
        ],
        export_name="indicators",
        per_page=50,
    )


@login_required
def indicator_list(request: AuthedRequest) -> HttpResponse:
    """The indicator dictionary."""
    require_page_role(request.user, DICTIONARY_READ)
    qs = Indicator.objects.visible_to(request.user).select_related("part_of")
    return run_list(request, qs, _indicator_spec(), "stats/indicator_list.html", {
        "can_edit": Indicator.objects.editable_by(request.user).exists() or request.user.role in
        services.INDICATOR_ROLES})


def _require_rule_maker(request: AuthedRequest, attempt: str) -> None:
    """The indicator dictionary is a business rule: district staff only; another role's attempt is audited."""
    try:
        require_role_audited(request.user, services.INDICATOR_ROLES, attempt=attempt, object_type="stats.Indicator")
    except PermissionDenied as exc:
        raise Http404 from exc


@login_required
def indicator_create(request: AuthedRequest) -> HttpResponse:
    """Add an indicator."""
    _require_rule_maker(request, "indicator_create")
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ind = call_service(form, lambda: services.indicator_create(actor=request.user, indicator=form.instance))
        if ind is not None:
            messages.success(request, _("Indicator %(name)s added.") % {"name": ind.name})
            return redirect("stats:indicators")
    return render(request, "stats/form.html", {"form": form, "title": _("New indicator"),
                                               "back": ("stats:indicators", _("Indicators"))})


@login_required
def indicator_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change an indicator."""
    _require_rule_maker(request, "indicator_update")
    indicator = get_visible_or_404(Indicator.objects.editable_by(request.user), request.user, pk=pk)
    before = audit.snapshot(indicator)
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        ind = call_service(form, lambda: services.indicator_update(actor=request.user, indicator=form.instance,
                                                                   before=before))
        if ind is not None:
            messages.success(request, _("Changes saved."))
            return redirect("stats:indicators")
    return render(request, "stats/form.html", {"form": form, "title": _("Edit %(name)s") % {"name": indicator.name},
                                               "back": ("stats:indicators", _("Indicators"))})


# --------------------------------------------------------------------------- targets


@login_required
def target_list(request: AuthedRequest) -> HttpResponse:
    """Annual targets in scope, with progress: % of target beside % of the year elapsed."""
    require_page_role(request.user, DISTRICT)
    targets = Target.objects.visible_to(request.user).select_related("indicator", "park", "region")
    year = _int(request.GET.get("year", ""), 2000, 2100)
    if year:
        targets = targets.filter(year=year)
    parks = Park.objects.visible_to(request.user)
    rows = []
    for target in targets[:200]:
        latest = selectors.latest_approved_period(target.indicator, parks.filter(pk=target.park_id)
                                                  if target.park_id else parks)
        month = latest[1] if latest and latest[0] == target.year else (12 if latest and latest[0] > target.year
                                                                       else 0)
        progress = selectors.target_progress(target, month) if month else None
        rows.append({"target": target, "progress": progress,
                     "period": period_label(target.indicator.frequency, target.year, month) if month else ""})
    return render(request, "stats/target_list.html", {
        "rows": rows, "year": year or "", "can_set": request.user.role == Role.REGION_STAFF})


@login_required
def target_set(request: AuthedRequest) -> HttpResponse:
    """Set (or change) the annual target of a park or of the region."""
    require_page_role(request.user, (Role.REGION_STAFF,))
    from django.utils import timezone

    form = TargetForm(request.POST or None, user=request.user, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        region = None if d["park"] else Region.objects.get(pk=request.user.region_id)
        try:
            target = call_service(form, lambda: services.target_set(
                actor=request.user, indicator=d["indicator"], year=d["year"], value=d["value"], park=d["park"],
                region=region))
        except PermissionDenied as exc:
            raise Http404 from exc
        if target is not None:
            messages.success(request, _("Target saved."))
            return redirect("stats:targets")
    return render(request, "stats/form.html", {"form": form, "title": _("Set an annual target"),
                                               "back": ("stats:targets", _("Targets"))})


# --------------------------------------------------------------------------- reminders for the enterprise


@login_required
def notice_list(request: AuthedRequest) -> HttpResponse:
    """The enterprise's reminders, unread first."""
    require_page_role(request.user, (Role.ENTERPRISE_USER,))
    notices = Notice.objects.visible_to(request.user).select_related("report", "report__round")
    return render(request, "stats/notice_list.html", {
        "notices": notices.order_by("read_at", "-sent_at")[:100],
        "unread": queries.unread_notice_count(request.user)})


@login_required
@require_POST
def notice_read(request: AuthedRequest) -> HttpResponse:
    """Mark the enterprise's reminders read."""
    require_page_role(request.user, (Role.ENTERPRISE_USER,))
    services.notices_mark_read(actor=request.user)
    return redirect("stats:notices")

