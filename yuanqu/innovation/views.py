"""Pages of 科技服务: incubators and incubatees, technology listings, matches and contracts, international
cooperation. Every read goes through the models' declared scope; every write through ``services``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuanqu.core.export import export_response
from yuanqu.core.forms import attach_errors, parse_number_input
from yuanqu.core.listing import Column, Filter, ListSpec, date_range, run_list
from yuanqu.core.registry import providers
from yuanqu.core.roles import BUSINESS_ROLES, CONFIGURERS, EDIT_ENTERPRISE, EDIT_PARK, TENANT_READERS
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_page_role, require_role_audited
from yuanqu.core.types import AuthedRequest
from yuanqu.parks.models import Park

from . import services
from .forms import (
    AchievementForm,
    ActivityForm,
    AdvanceForm,
    AgreementForm,
    ApplyForm,
    BaseForm,
    ContractForm,
    CoopActivityForm,
    CoopProjectForm,
    FinancingForm,
    FollowUpForm,
    GraduateForm,
    IncubateeYearForm,
    IncubatorForm,
    IncubatorYearForm,
    MatchAdvanceForm,
    MatchForm,
    MentorForm,
    MentorsForm,
    NeedForm,
    PartnerForm,
)
from .models import (
    Achievement,
    CoopBase,
    Incubatee,
    Incubator,
    ListingStatus,
    Match,
    Partner,
    TechContract,
    TechField,
    TechNeed,
    Threshold,
)

READERS = TENANT_READERS
WITH_ENTERPRISE = BUSINESS_ROLES



def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(m for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(exc.messages)


def _form_error(form: forms.BaseForm) -> str:
    return " ".join(f"{form.fields[f].label if f in form.fields else ''}: {' '.join(str(m) for m in e)}"
                    for f, e in form.errors.items())


def _park_choices(request: AuthedRequest) -> list[tuple[Any, str]]:
    return list(Park.objects.visible_to(request.user).order_by("name_pinyin").values_list("pk", "name"))


def _form_page(request: AuthedRequest, form: forms.BaseForm, title: str, save: Callable[[dict[str, Any]], Model],
               to: Callable[[Any], str]) -> HttpResponse:
    """A create or edit page: a valid form calls ``save`` (a service); its errors go beside the fields."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("Changes saved."))
            return redirect(to(obj))
    return render(request, "innovation/form.html", {"form": form, "title": title})


def _post(request: AuthedRequest, back: str, act: Callable[[], Any],
          form: forms.BaseForm | None = None) -> HttpResponse:
    """A button or small form on a detail page: run ``act`` (a service) and return to the page with the outcome."""
    if form is not None and not form.is_valid():
        messages.error(request, _form_error(form))
        return redirect(back)
    try:
        act()
        messages.success(request, _("Changes saved."))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except PermissionDenied as exc:
        raise Http404 from exc
    return redirect(back)


def _list(request: AuthedRequest, qs: QuerySet[Any], spec: ListSpec, *, title: str, detail: str, shown: int,
          create: str = "", extra: dict[str, Any] | None = None) -> HttpResponse:
    """A list page of the generic template: the first ``shown`` export columns are the table's."""
    columns = spec.columns(request)[:shown] if spec.columns else []
    return run_list(request, qs, spec, "innovation/list.html", {
        "title": title, "detail": detail, "columns": columns, "create_url": reverse(create) if create else "",
        **(extra or {})})


# =========================================================================== incubators


def _incubator_spec() -> ListSpec:
    return ListSpec(
        filters=[Filter("level", _("Level"), Incubator.Level.choices),
                 Filter("programme", _("Programme"), Incubator.Programme.choices),
                 Filter("park", _("Park"), _park_choices, "park")],
        sorts={"name": ("name",), "area": ("area_m2",)}, default_sort="name",
        search=lambda qs, q: qs.filter(name__icontains=q),
        columns=lambda r: [
            Column(_("Name"), lambda x: x.name), Column(_("Park"), lambda x: x.park.name),
            Column(_("Programme"), lambda x: x.get_programme_display()),
            Column(_("Level"), lambda x: x.get_level_display()), Column(_("Type"), lambda x: x.get_kind_display()),
            Column(_("Incubation area (m²)"), lambda x: x.area_m2),
            Column(_("Incubation fund (10k yuan)"), lambda x: x.fund_wan),
            Column(_("Professional staff"), lambda x: x.staff)],
        export_name="incubators")


@login_required
def incubator_list(request: AuthedRequest) -> HttpResponse:
    """Incubators in scope."""
    require_page_role(request.user, READERS)
    qs = Incubator.objects.visible_to(request.user).select_related("park")
    return _list(request, qs, _incubator_spec(), title=_("Incubators"), detail="innovation:incubator_detail",
                 shown=6, create="innovation:incubator_create" if request.user.role in EDIT_PARK else "")


@login_required
def incubator_create(request: AuthedRequest) -> HttpResponse:
    """Declare a park's incubation programme."""
    require_page_role(request.user, EDIT_PARK)
    form = IncubatorForm(request.POST or None, user=request.user)
    return _form_page(request, form, _("New incubator"),
                      lambda d: services.incubator_create(actor=request.user, **d),
                      lambda o: reverse("innovation:incubator_detail", args=[o.pk]))


@login_required
def incubator_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change an incubator's profile."""
    incubator = get_visible_or_404(Incubator.objects.editable_by(request.user), request.user, pk=pk)
    initial = {f: getattr(incubator, f) for f in ("name", "programme", "level", "kind", "industry", "area_m2",
                                                  "public_area_m2", "fund_wan", "staff", "recognised_on")}
    form = IncubatorForm(request.POST or None, user=request.user, creating=False, initial=initial)
    return _form_page(request, form, _("Edit incubator"),
                      lambda d: services.incubator_update(actor=request.user, incubator=incubator, **d),
                      lambda o: reverse("innovation:incubator_detail", args=[o.pk]))


def _year(request: AuthedRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return year if 2000 <= year <= timezone.localdate().year else timezone.localdate().year


@login_required
def incubator_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """An incubator: its profile, the recognition checklist of a year with the gap to each criterion, mentors,
    activities and incubatees by status."""
    require_page_role(request.user, READERS)
    incubator = get_visible_or_404(Incubator.objects.select_related("park"), request.user, pk=pk)
    editable = Incubator.objects.editable_by(request.user).filter(pk=pk).exists()
    year = _year(request)
    today = timezone.localdate()
    return render(request, "innovation/incubator_detail.html", {
        "incubator": incubator, "can_edit": editable, "year": year,
        "years": list(range(today.year, today.year - 6, -1)),
        "checklist": providers.get("innovation.checklist")(incubator, year),
        "mentors": incubator.mentors.all(), "activities": incubator.activities.all()[:20],
        "incubatees": incubator.incubatees.select_related("enterprise").order_by("status", "-entered_on"),
        "income": incubator.years.all(),
        "mentor_form": MentorForm() if editable else None,
        "activity_form": ActivityForm(incubator=incubator, initial={"on": today}) if editable else None,
        "year_form": IncubatorYearForm(initial={"year": year}) if editable else None,
    })


@login_required
@require_POST
def incubator_mentor(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add a mentor to an incubator."""
    incubator = get_visible_or_404(Incubator.objects.editable_by(request.user), request.user, pk=pk)
    form = MentorForm(request.POST)
    return _post(request, reverse("innovation:incubator_detail", args=[pk]),
                 lambda: services.mentor_create(actor=request.user, incubator=incubator, **form.cleaned_data), form)


@login_required
@require_POST
def incubator_activity(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record an activity with its attendance."""
    incubator = get_visible_or_404(Incubator.objects.editable_by(request.user), request.user, pk=pk)
    form = ActivityForm(request.POST, incubator=incubator)
    return _post(request, reverse("innovation:incubator_detail", args=[pk]),
                 lambda: services.activity_create(actor=request.user, incubator=incubator, **form.cleaned_data), form)


@login_required
@require_POST
def incubator_year(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record the incubator's income of a year."""
    incubator = get_visible_or_404(Incubator.objects.editable_by(request.user), request.user, pk=pk)
    form = IncubatorYearForm(request.POST)
    return _post(request, reverse("innovation:incubator_detail", args=[pk]),
                 lambda: services.incubator_year_set(actor=request.user, incubator=incubator, **form.cleaned_data),
                 form)


@login_required
def incubator_return(request: AuthedRequest, pk: int) -> HttpResponse:
    """The annual 火炬统计 return of an incubator as .xlsx, in its field groups (audited as an export)."""
    require_page_role(request.user, READERS)
    incubator = get_visible_or_404(Incubator.objects.all(), request.user, pk=pk)
    year = _year(request)
    rows = [list(r) for r in providers.get("innovation.torch_return")(incubator, year)]
    return export_response(actor=request.user, fmt="xlsx", name=f"torch-{year}",
                           headers=[_("Group"), _("Field"), _("Value"), _("Unit")], rows=rows,
                           object_type="innovation.Incubator", filters={"incubator": incubator.pk, "year": year})


# =========================================================================== incubatees


def _incubatee_spec() -> ListSpec:
    return ListSpec(
        filters=[Filter("status", _("Status"), Incubatee.Status.choices),
                 Filter("track", _("Industry track"), Incubatee._meta.get_field("track").choices or []),
                 Filter("park", _("Park"), _park_choices, "incubator__park")],
        sorts={"name": ("enterprise__name_pinyin",), "applied": ("applied_on",), "entered": ("entered_on",)},
        default_sort="-applied", search=lambda qs, q: qs.search(q),
        columns=lambda r: [
            Column(_("Enterprise"), lambda x: x.enterprise.name),
            Column(_("Incubator"), lambda x: x.incubator.name),
            Column(_("Status"), lambda x: x.get_status_display()),
            Column(_("Entered incubation on"), lambda x: x.entered_on),
            Column(_("Incubation area (m²)"), lambda x: x.area_m2),
            Column(_("Graduation criterion"), lambda x: x.get_criterion_display()),
            Column(_("Unified social credit code"), lambda x: x.enterprise.uscc),
            Column(_("Applied on"), lambda x: x.applied_on),
            Column(_("Industry track"), lambda x: x.get_track_display()),
            Column(_("Ended on"), lambda x: x.ended_on),
            Column(_("Rule warnings"), lambda x: "；".join(x.warnings)),
            Column(_("Reason for accepting the warnings"), lambda x: x.warnings_reason)],
        export_name="incubatees")


@login_required
def incubatee_list(request: AuthedRequest) -> HttpResponse:
    """Incubatees in scope (an enterprise user sees its own record)."""
    require_page_role(request.user, WITH_ENTERPRISE)
    qs = Incubatee.objects.visible_to(request.user).select_related("enterprise", "incubator")
    return _list(request, qs, _incubatee_spec(), title=_("Incubatees"), detail="innovation:incubatee_detail",
                 shown=6, create="innovation:incubatee_create" if request.user.role in EDIT_PARK else "")


@login_required
def incubatee_create(request: AuthedRequest) -> HttpResponse:
    """Record an enterprise's application to an incubator."""
    require_page_role(request.user, EDIT_PARK)
    form = ApplyForm(request.POST or None, user=request.user, initial={"applied_on": timezone.localdate()})
    return _form_page(request, form, _("New application"),
                      lambda d: services.incubatee_apply(actor=request.user, **d),
                      lambda o: reverse("innovation:incubatee_detail", args=[o.pk]))


@login_required
def incubatee_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """An incubatee: status and its moves, the admission rules as of today, graduation criteria, financing, IP by
    year, mentors and activities."""
    incubatee = get_visible_or_404(Incubatee.objects.select_related("enterprise", "incubator", "reviewed_by"),
                                   request.user, pk=pk)
    editable = Incubatee.objects.editable_by(request.user).filter(pk=pk).exists()
    today = timezone.localdate()
    moves = Incubatee.MOVES.get(incubatee.status, ())
    on = incubatee.entered_on and today or today
    return render(request, "innovation/incubatee_detail.html", {
        "incubatee": incubatee, "can_edit": editable, "today": today,
        "checks": services.admission_checks(incubatee, on),
        "graduation": services.graduation_checks(incubatee, today) if editable and "graduated" in moves else [],
        "moves": [Incubatee.Status(m) for m in moves if m != "graduated"],
        "can_graduate": "graduated" in moves,
        "financings": incubatee.financings.all(), "years": incubatee.years.all(),
        "mentors": incubatee.mentors.all(), "activities": incubatee.activities.all(),
        "advance_form": AdvanceForm(initial={"on": today}) if editable else None,
        "graduate_form": GraduateForm(initial={"on": today}) if editable else None,
        "financing_form": FinancingForm(initial={"on": today}) if editable else None,
        "year_form": IncubateeYearForm(initial={"year": today.year}) if editable else None,
        "mentors_form": MentorsForm(incubator=incubatee.incubator,
                                    initial={"mentors": list(incubatee.mentors.all())}) if editable else None,
    })


def _incubatee_post(request: AuthedRequest, pk: int, form: forms.BaseForm | None,
                    act: Callable[[Incubatee], Any]) -> HttpResponse:
    incubatee = get_visible_or_404(Incubatee.objects.editable_by(request.user), request.user, pk=pk)
    return _post(request, reverse("innovation:incubatee_detail", args=[pk]), lambda: act(incubatee), form)


@login_required
@require_POST
def incubatee_advance(request: AuthedRequest, pk: int) -> HttpResponse:
    """Move an incubatee on; admitting it despite a rule breach needs the reviewer's reason."""
    form = AdvanceForm(request.POST)
    return _incubatee_post(request, pk, form, lambda i: services.incubatee_advance(
        actor=request.user, incubatee=i, **form.cleaned_data))


@login_required
@require_POST
def incubatee_graduate(request: AuthedRequest, pk: int) -> HttpResponse:
    """Graduate an incubatee by a criterion met; refused naming what is missing."""
    form = GraduateForm(request.POST)
    return _incubatee_post(request, pk, form, lambda i: services.incubatee_graduate(
        actor=request.user, incubatee=i, **form.cleaned_data))


@login_required
@require_POST
def incubatee_financing(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record a financing event."""
    form = FinancingForm(request.POST)
    return _incubatee_post(request, pk, form, lambda i: services.financing_create(
        actor=request.user, incubatee=i, **form.cleaned_data))


@login_required
@require_POST
def incubatee_year(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record a year's IP and declared figures."""
    form = IncubateeYearForm(request.POST)
    return _incubatee_post(request, pk, form, lambda i: services.incubatee_year_set(
        actor=request.user, incubatee=i, **form.cleaned_data))


@login_required
@require_POST
def incubatee_mentors(request: AuthedRequest, pk: int) -> HttpResponse:
    """Assign mentors."""
    incubatee = get_visible_or_404(Incubatee.objects.editable_by(request.user), request.user, pk=pk)
    form = MentorsForm(request.POST, incubator=incubatee.incubator)
    return _post(request, reverse("innovation:incubatee_detail", args=[pk]), lambda: services.incubatee_mentors_set(
        actor=request.user, incubatee=incubatee, mentors=form.cleaned_data["mentors"]), form)


# =========================================================================== technology contracts


def _contract_spec() -> ListSpec:
    return ListSpec(
        filters=[Filter("kind", _("Kind"), TechContract.Kind.choices),
                 Filter("field", _("Technology field"), TechField.choices),
                 Filter("park", _("Park"), _park_choices, "park")],
        sorts={"registered": ("registered_on",), "total": ("total_wan",), "no": ("registration_no",)},
        default_sort="-registered", search=lambda qs, q: qs.search(q),
        columns=lambda r: [
            Column(_("Registration number"), lambda x: x.registration_no), Column(_("Title"), lambda x: x.title),
            Column(_("Kind"), lambda x: x.get_kind_display()),
            Column(_("Registered on"), lambda x: x.registered_on),
            Column(_("Contract total (10k yuan)"), lambda x: x.total_wan),
            Column(_("Technology transaction amount (10k yuan)"), lambda x: x.tech_wan),
            Column(_("Technology field"), lambda x: x.get_field_display()),
            Column(_("Signed on"), lambda x: x.signed_on), Column(_("Seller"), lambda x: x.seller_name),
            Column(_("Seller in the district"), lambda x: _("Yes") if x.seller_in_district else _("No")),
            Column(_("Buyer"), lambda x: x.buyer_name),
            Column(_("Buyer in the district"), lambda x: _("Yes") if x.buyer_in_district else _("No")),
            Column(_("IP type"), lambda x: x.get_ip_type_display()),
            Column(_("Park"), lambda x: x.park.name if x.park else "")],
        export_name="tech-contracts")


@login_required
def contract_list(request: AuthedRequest) -> HttpResponse:
    """Technology contracts in scope, filtered by registration dates (the cockpit card links here)."""
    require_page_role(request.user, WITH_ENTERPRISE)
    qs = TechContract.objects.visible_to(request.user).select_related("park")
    start, end, period = date_range(request)
    if start:
        qs = qs.filter(registered_on__gte=start)
    if end:
        qs = qs.filter(registered_on__lte=end)
    period["label"] = _("Registered between")
    return _list(request, qs, _contract_spec(), title=_("Technology contracts"), detail="innovation:contract_detail",
                 shown=6, create="innovation:contract_create" if request.user.role in EDIT_PARK else "",
                 extra={"period": period,
                        "stats_url": reverse("innovation:contract_stats") if request.user.role in READERS else ""})


@login_required
def contract_create(request: AuthedRequest) -> HttpResponse:
    """Register a technology contract."""
    require_page_role(request.user, EDIT_PARK)
    initial: dict[str, Any] = {"registered_on": timezone.localdate()}
    if request.GET.get("match", "").isdigit():  # from a signed match's page; the field's choices are scoped
        initial["match"] = request.GET["match"]
    form = ContractForm(request.POST or None, user=request.user, initial=initial)
    return _form_page(request, form, _("Register a technology contract"),
                      lambda d: services.contract_create(actor=request.user, **d),
                      lambda o: reverse("innovation:contract_detail", args=[o.pk]))


@login_required
def contract_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Correct a technology contract."""
    contract = get_visible_or_404(TechContract.objects.editable_by(request.user), request.user, pk=pk)
    names = ("title", "kind", "field", "ip_type", "signed_on", "registered_on", "seller_name", "seller_in_district",
             "buyer_name", "buyer_in_district", "total_wan", "tech_wan")
    form = ContractForm(request.POST or None, user=request.user, creating=False,
                        initial={n: getattr(contract, n) for n in names})
    return _form_page(request, form, _("Edit technology contract"),
                      lambda d: services.contract_update(actor=request.user, contract=contract, **d),
                      lambda o: reverse("innovation:contract_detail", args=[o.pk]))


@login_required
def contract_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One technology contract."""
    contract = get_visible_or_404(TechContract.objects.select_related("park", "seller", "buyer", "match"),
                                  request.user, pk=pk)
    return render(request, "innovation/contract_detail.html", {
        "contract": contract, "can_edit": TechContract.objects.editable_by(request.user).filter(pk=pk).exists()})


@login_required
def contract_stats(request: AuthedRequest) -> HttpResponse:
    """技术合同成交额 and count of a year (or a quarter) by kind, field and park, 输出 and 吸纳, from the figures
    layer: the same numbers as the cockpit card."""
    require_page_role(request.user, READERS)
    year = _year(request)
    try:
        quarter = int(request.GET.get("quarter", "0"))
    except ValueError:
        quarter = 0
    quarter = quarter if 1 <= quarter <= 4 else 0
    park = None
    if request.GET.get("park"):
        park = get_visible_or_404(Park.objects.all(), request.user, pk=request.GET["park"])
    stats = providers.get("innovation.contract_stats")(request.user, park, year, quarter)
    figures, by, period = stats["figures"], stats["by"], stats["period"]
    if request.GET.get("export") in ("xlsx", "csv"):
        rows = [[_("Total"), f.label, f.value, f.unit] for f in figures.values()]
        for dim, title in (("kind", _("Kind")), ("field", _("Technology field")), ("park", _("Park"))):
            rows += [[title, r["label"], r["amount"], "万元"] for r in by[dim]]
        return export_response(actor=request.user, fmt=request.GET["export"], name=f"tech-contracts-{year}",
                               headers=[_("Group"), _("Figure"), _("Value"), _("Unit")], rows=rows,
                               object_type="innovation.TechContract", filters={"year": year, "quarter": quarter})
    today = timezone.localdate()
    return render(request, "innovation/contract_stats.html", {
        "period": period, "year": year, "quarter": quarter, "park": park, "figures": figures, "by": by,
        "years": list(range(today.year, today.year - 6, -1)), "park_choices": _park_choices(request)})


# =========================================================================== needs, achievements, matches


def _listing_spec(model: type[TechNeed] | type[Achievement]) -> ListSpec:
    owner: Callable[[Any], str] = ((lambda x: x.enterprise.name) if model is TechNeed else (lambda x: x.owner_name))
    return ListSpec(
        filters=[Filter("status", _("Status"), ListingStatus.choices),
                 Filter("field", _("Technology field"), TechField.choices),
                 Filter("park", _("Park"), _park_choices, "park")],
        sorts={"created": ("created_at",), "title": ("title",)}, default_sort="-created",
        search=lambda qs, q: qs.search(q),
        columns=lambda r: [
            Column(_("Title"), lambda x: x.title), Column(_("Owner"), owner),
            Column(_("Technology field"), lambda x: x.get_field_display()),
            Column(_("Status"), lambda x: x.get_status_display()),
            Column(_("Park"), lambda x: x.park.name if x.park else ""),
            Column(_("Description"), lambda x: x.description)],
        export_name="tech-needs" if model is TechNeed else "achievements")


@login_required
def need_list(request: AuthedRequest) -> HttpResponse:
    """Technology needs in scope (an enterprise sees its own)."""
    require_page_role(request.user, WITH_ENTERPRISE)
    qs = TechNeed.objects.visible_to(request.user).select_related("enterprise", "park")
    return _list(request, qs, _listing_spec(TechNeed), title=_("Technology needs"), detail="innovation:need_detail",
                 shown=5, create="innovation:need_create" if request.user.role in EDIT_ENTERPRISE else "")


@login_required
def need_create(request: AuthedRequest) -> HttpResponse:
    """Post a technology need."""
    require_page_role(request.user, EDIT_ENTERPRISE)
    form = NeedForm(request.POST or None, user=request.user)
    return _form_page(request, form, _("New technology need"),
                      lambda d: services.need_create(actor=request.user, **d),
                      lambda o: reverse("innovation:need_detail", args=[o.pk]))


@login_required
def need_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A need, its matches, and (for staff and operators) a form to match it with an achievement."""
    need = get_visible_or_404(TechNeed.objects.select_related("enterprise", "park"), request.user, pk=pk)
    editable = TechNeed.objects.editable_by(request.user).filter(pk=pk).exists()
    can_match = request.user.role in EDIT_PARK and need.status == ListingStatus.PUBLISHED
    return render(request, "innovation/listing_detail.html", {
        "item": need, "kind": "need", "can_edit": editable,
        "matches": Match.objects.visible_to(request.user).filter(need=need).select_related("achievement"),
        "match_form": MatchForm(user=request.user) if can_match else None,
        "status_url": reverse("innovation:need_status", args=[pk])})


@login_required
def achievement_list(request: AuthedRequest) -> HttpResponse:
    """Achievements on offer in scope (an enterprise sees its own)."""
    require_page_role(request.user, WITH_ENTERPRISE)
    qs = Achievement.objects.visible_to(request.user).select_related("park")
    return _list(request, qs, _listing_spec(Achievement), title=_("Achievements"),
                 detail="innovation:achievement_detail", shown=5,
                 create="innovation:achievement_create" if request.user.role in EDIT_ENTERPRISE else "")


@login_required
def achievement_create(request: AuthedRequest) -> HttpResponse:
    """Offer an achievement."""
    require_page_role(request.user, EDIT_ENTERPRISE)
    form = AchievementForm(request.POST or None, user=request.user)
    return _form_page(request, form, _("New achievement"),
                      lambda d: services.achievement_create(actor=request.user, **d),
                      lambda o: reverse("innovation:achievement_detail", args=[o.pk]))


@login_required
def achievement_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """An achievement and its matches."""
    item = get_visible_or_404(Achievement.objects.select_related("enterprise", "park"), request.user, pk=pk)
    return render(request, "innovation/listing_detail.html", {
        "item": item, "kind": "achievement",
        "can_edit": Achievement.objects.editable_by(request.user).filter(pk=pk).exists(),
        "matches": Match.objects.visible_to(request.user).filter(achievement=item).select_related("need"),
        "status_url": reverse("innovation:achievement_status", args=[pk])})


def _status(request: AuthedRequest, model: type[TechNeed] | type[Achievement], pk: int, name: str) -> HttpResponse:
    listing: Any = get_visible_or_404(model.objects.editable_by(request.user), request.user, pk=pk)
    return _post(request, reverse(name, args=[pk]), lambda: services.listing_set_status(
        actor=request.user, listing=listing, status=request.POST.get("status", "")))


@login_required
@require_POST
def need_status(request: AuthedRequest, pk: int) -> HttpResponse:
    """Publish or withdraw a need."""
    return _status(request, TechNeed, pk, "innovation:need_detail")


@login_required
@require_POST
def achievement_status(request: AuthedRequest, pk: int) -> HttpResponse:
    """Publish or withdraw an achievement."""
    return _status(request, Achievement, pk, "innovation:achievement_detail")


@login_required
@require_POST
def match_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """Match a need with an achievement (意向)."""
    require_page_role(request.user, EDIT_PARK)
    need = get_visible_or_404(TechNeed.objects.all(), request.user, pk=pk)
    form = MatchForm(request.POST, user=request.user)
    return _post(request, reverse("innovation:need_detail", args=[pk]), lambda: services.match_create(
        actor=request.user, need=need, **form.cleaned_data), form)


@login_required
def match_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A match: its status, follow-ups and registered contracts."""
    match = get_visible_or_404(Match.objects.select_related("need", "achievement"), request.user, pk=pk)
    editable = Match.objects.editable_by(request.user).filter(pk=pk).exists()
    later = [s for s in Match.Status if s.value in Match.ORDER[:3]
             and Match.ORDER.index(s.value) > Match.ORDER.index(match.status)]
    return render(request, "innovation/match_detail.html", {
        "match": match, "can_edit": editable, "later": later,
        "follow_ups": match.follow_ups.select_related("author"),
        "contracts": TechContract.objects.visible_to(request.user).filter(match=match),
        "follow_up_form": FollowUpForm(initial={"on": timezone.localdate()}) if editable else None})


@login_required
@require_POST
def match_advance(request: AuthedRequest, pk: int) -> HttpResponse:
    """Move a match on."""
    match = get_visible_or_404(Match.objects.editable_by(request.user), request.user, pk=pk)
    form = MatchAdvanceForm(request.POST)
    return _post(request, reverse("innovation:match_detail", args=[pk]), lambda: services.match_advance(
        actor=request.user, match=match, status=form.cleaned_data["status"]), form)


@login_required
@require_POST
def match_follow_up(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record a follow-up on a match."""
    match = get_visible_or_404(Match.objects.editable_by(request.user), request.user, pk=pk)
    form = FollowUpForm(request.POST)
    return _post(request, reverse("innovation:match_detail", args=[pk]), lambda: services.match_follow_up_create(
        actor=request.user, match=match, **form.cleaned_data), form)


# =========================================================================== international cooperation


def _partner_spec() -> ListSpec:
    return ListSpec(
        filters=[Filter("kind", _("Type"), Partner.Kind.choices), Filter("park", _("Park"), _park_choices, "park")],
        sorts={"name": ("name",), "country": ("country",)}, default_sort="name", search=lambda qs, q: qs.search(q),
        columns=lambda r: [
            Column(_("Name"), lambda x: x.name), Column(_("Country"), lambda x: x.country),
            Column(_("Type"), lambda x: x.get_kind_display()),
            Column(_("Park"), lambda x: x.park.name if x.park else ""),
            Column(_("Contact"), lambda x: x.contact_name)],
        export_name="partners")


@login_required
def partner_list(request: AuthedRequest) -> HttpResponse:
    """International partners in scope."""
    require_page_role(request.user, READERS)
    qs = Partner.objects.visible_to(request.user).select_related("park")
    return _list(request, qs, _partner_spec(), title=_("International partners"), detail="innovation:partner_detail",
                 shown=4, create="innovation:partner_create" if request.user.role in EDIT_PARK else "",
                 extra={"bases_url": reverse("innovation:bases")})


@login_required
def partner_create(request: AuthedRequest) -> HttpResponse:
    """Record a partner."""
    require_page_role(request.user, EDIT_PARK)
    form = PartnerForm(request.POST or None, user=request.user)
    return _form_page(request, form, _("New partner"), lambda d: services.partner_create(actor=request.user, **d),
                      lambda o: reverse("innovation:partner_detail", args=[o.pk]))


@login_required
def partner_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A partner with its agreements, activities and projects."""
    require_page_role(request.user, READERS)
    partner = get_visible_or_404(Partner.objects.select_related("park"), request.user, pk=pk)
    editable = Partner.objects.editable_by(request.user).filter(pk=pk).exists()
    today = timezone.localdate()
    return render(request, "innovation/partner_detail.html", {
        "partner": partner, "can_edit": editable, "agreements": partner.agreements.all(),
        "activities": partner.activities.all(), "projects": partner.projects.prefetch_related("enterprises"),
        "agreement_form": AgreementForm(initial={"signed_on": today}) if editable else None,
        "activity_form": CoopActivityForm(initial={"starts_on": today}) if editable else None,
        "project_form": CoopProjectForm(user=request.user, initial={"starts_on": today}) if editable else None})


def _partner_post(request: AuthedRequest, pk: int, form: forms.BaseForm,
                  act: Callable[[Partner], Any]) -> HttpResponse:
    partner = get_visible_or_404(Partner.objects.editable_by(request.user), request.user, pk=pk)
    return _post(request, reverse("innovation:partner_detail", args=[pk]), lambda: act(partner), form)


@login_required
@require_POST
def partner_agreement(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record an agreement."""
    form = AgreementForm(request.POST)
    return _partner_post(request, pk, form, lambda p: services.agreement_create(
        actor=request.user, partner=p, **form.cleaned_data))


@login_required
@require_POST
def partner_activity(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record a cooperation activity."""
    form = CoopActivityForm(request.POST)
    return _partner_post(request, pk, form, lambda p: services.coop_activity_create(
        actor=request.user, partner=p, **form.cleaned_data))


@login_required
@require_POST
def partner_project(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record a cooperation project."""
    form = CoopProjectForm(request.POST, user=request.user)
    return _partner_post(request, pk, form, lambda p: services.coop_project_create(
        actor=request.user, partner=p, **form.cleaned_data))


def _base_spec() -> ListSpec:
    return ListSpec(
        filters=[Filter("kind", _("Kind"), CoopBase.Kind.choices), Filter("level", _("Level"), CoopBase.Level.choices)],
        sorts={"name": ("name",)}, default_sort="name", search=lambda qs, q: qs.filter(name__icontains=q),
        columns=lambda r: [
            Column(_("Name"), lambda x: x.name), Column(_("Kind"), lambda x: x.get_kind_display()),
            Column(_("Level"), lambda x: x.get_level_display()),
            Column(_("Park"), lambda x: x.park.name if x.park else ""),
            Column(_("Recognised on"), lambda x: x.recognised_on)],
        export_name="cooperation-bases")


@login_required
def base_list(request: AuthedRequest) -> HttpResponse:
    """Cooperation bases in scope."""
    require_page_role(request.user, READERS)
    qs = CoopBase.objects.visible_to(request.user).select_related("park")
    return _list(request, qs, _base_spec(), title=_("Cooperation bases"), detail="", shown=5,
                 create="innovation:base_create" if request.user.role in EDIT_PARK else "")


@login_required
def base_create(request: AuthedRequest) -> HttpResponse:
    """Record a cooperation base."""
    require_page_role(request.user, EDIT_PARK)
    form = BaseForm(request.POST or None, user=request.user)
    return _form_page(request, form, _("New cooperation base"),
                      lambda d: services.coop_base_create(actor=request.user, **d),
                      lambda o: reverse("innovation:bases"))




# =========================================================================== rule data


@login_required
def thresholds(request: AuthedRequest) -> HttpResponse:
    """The incubation thresholds of the 2018 办法 as data: district staff change a value (audited); every other
    role is refused, and the attempt audited (a business rule, 三权分立)."""
    try:
        require_role_audited(request.user, CONFIGURERS, attempt="threshold_set", object_type="innovation.Threshold")
    except PermissionDenied as exc:
        raise Http404 from exc
    rows = list(Threshold.objects.visible_to(request.user))
    if request.method == "POST":
        row = next((t for t in rows if str(t.pk) == request.POST.get("threshold", "")), None)
        if row is None:
            raise Http404
        try:
            value = parse_number_input(request.POST.get("value", ""))
            if value is None:
                raise ValidationError(_("Enter a number."))
            services.threshold_set(actor=request.user, threshold=row, value=value)
            messages.success(request, _("Changes saved."))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        return redirect("innovation:thresholds")
    return render(request, "innovation/thresholds.html", {"rows": rows})
