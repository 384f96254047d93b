"""Enterprise and settlement pages: lists, detail, forms and the settlement step buttons."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from yuanqu.core import archive
from yuanqu.core.forms import call_service, save_edit
from yuanqu.core.listing import Column, Filter, ListSpec, run_list
from yuanqu.core.models import IndustryCode
from yuanqu.core.pickers import PICKER_LIMIT, PickerInputError, picker_error, picker_query, picker_response
from yuanqu.core.registry import panels
from yuanqu.core.roles import EDIT_PARK, EDIT_REGION, TENANT_READERS, Role
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_page_role
from yuanqu.core.types import AuthedRequest
from yuanqu.parks.models import Park

from . import selectors, services
from .forms import AdvanceForm, ContactForm, EnterpriseForm, RejectForm, SettlementCreateForm, UnitsForm
from .models import (
    DESIGNATION_FIELDS,
    ENTERPRISE_FIELDS,
    Contact,
    Designation,
    Enterprise,
    EnterpriseRequest,
    Settlement,
)
from .park_views import stages_partial

LIST_ROLES = TENANT_READERS


def _yes_no() -> list[tuple[str, str]]:
    return [("1", _("Yes")), ("0", _("No"))]


def _park_choices(request: AuthedRequest) -> list[tuple[Any, str]]:
    return list(Park.objects.visible_to(request.user).values_list("pk", "name"))


def _primary_phone(user: Any, e: Enterprise) -> str:
    contact = next(iter(e.contacts.all()), None)
    return selectors.contact_phone(user, contact) if contact else ""


def _enterprise_columns() -> dict[str, list[Column]]:
    """The export columns of each field of ENTERPRISE_FIELDS (a field missing here is a KeyError at once)."""
    return {
        "uscc": [Column(_("Unified social credit code"), lambda e: e.uscc)],
        "name": [Column(_("Name"), lambda e: e.name)],
        "industry": [Column(_("Industry code"), lambda e: e.industry_id or ""),
                     Column(_("Industry"), lambda e: e.industry.name if e.industry else "")],
        "region": [Column(_("Registered region"), lambda e: e.region_id),
                   Column(_("Registered region name"), lambda e: e.region.name if e.region else "")],
        "status": [Column(_("Status"), lambda e: e.get_status_display())],
        "registered_capital_wan": [Column(_("Registered capital (10k yuan)"), lambda e: e.registered_capital_wan)],
        "established_on": [Column(_("Established on"), lambda e: e.established_on)],
        "is_high_tech": [Column(_("High-tech enterprise"), lambda e: e.is_high_tech)],
        "srdi_level": [Column(_("Specialised and sophisticated level"),
                              lambda e: e.get_srdi_level_display() if e.srdi_level else "")],
        "is_above_scale": [Column(_("Above designated size"), lambda e: e.is_above_scale)],
        "is_four_new": [Column(_("Four-new economy"), lambda e: e.is_four_new)],
        "listing": [Column(_("Listing status"), lambda e: e.get_listing_display())],
        "business_scope": [Column(_("Business scope"), lambda e: e.business_scope)],
    }


def parks_and_stages(e: Enterprise) -> str:
    """The parks the viewer may see this enterprise in, each with its stage: 信联天地（已入驻）；生命药洲（已签约）."""
    return "；".join(f"{s.park.name}（{s.get_stage_display()}）" for s in getattr(e, "visible_settlements", []))


def _enterprise_spec() -> ListSpec:
    return ListSpec(
        filters=[
            Filter("park", _("Park"), _park_choices, "settlements__park"),
            Filter("stage", _("Settlement stage"), Settlement.Stage.choices, "settlements__stage"),
            Filter("section", _("Industry section"),
                   lambda r: list(IndustryCode.objects.filter(level=1).values_list("code", "name")),
                   "industry__section"),
            Filter("high_tech", _("High-tech"), _yes_no(), "is_high_tech"),
            Filter("srdi_level", _("Specialised and sophisticated"),
                   [c for c in Enterprise.SrdiLevel.choices if c[0]]),
            Filter("above_scale", _("Above designated size"), _yes_no(), "is_above_scale"),
            Filter("listing", _("Listing"), Enterprise.Listing.choices),
            Filter("status", _("Status"), Enterprise.Status.choices),
        ],
        sorts={"name": ("name_pinyin",), "established": ("established_on",), "capital": ("registered_capital_wan",)},
        default_sort="name",
        search=lambda qs, q: qs.search(q),
        columns=lambda r: [*(c for name in ENTERPRISE_FIELDS for c in _enterprise_columns()[name]),
                           Column(_("Parks and settlement stages"), parks_and_stages),
                           Column(_("Primary contact phone"), lambda e: _primary_phone(r.user, e))],
        export_name="enterprises",
    )


@login_required
def enterprise_list(request: AuthedRequest) -> HttpResponse:
    """Enterprises in scope, with filters, pinyin search, sort, pagination and export."""
    require_page_role(request.user, LIST_ROLES)
    if request.GET.get("archived") == "1":
        return archive.archived_page(request, Enterprise.objects.archived().visible_to(request.user),
                                     title=_("Enterprises"), list_url="enterprises:list", roles=services.ARCHIVE_ROLES)
    visible = selectors.settlements_for_list(request.user).order_by("park__name_pinyin", "pk")
    qs = selectors.enterprises_for_list(request.user).prefetch_related(
        "contacts", Prefetch("settlements", queryset=visible, to_attr="visible_settlements"))
    park, stage = request.GET.get("park", "").strip(), request.GET.get("stage", "").strip()
    # A park or stage that is not a choice is ignored, as the list's filters do (never a probe).
    park = park if park.isdigit() and Park.objects.visible_to(request.user).filter(pk=int(park)).exists() else ""
    stage = stage if stage in Settlement.Stage.values else ""
    if park or stage:
        # Park and stage of one and the same settlement the user may see (the list's two filters, applied one
        # after the other, would also match a stage reached in another park).
        wanted = visible.filter(park_id=int(park)) if park else visible
        if stage:
            wanted = wanted.filter(stage=stage)
        qs = qs.filter(pk__in=wanted.values("enterprise_id")).distinct()
    return run_list(request, qs, _enterprise_spec(), "enterprises/enterprise_list.html",
                    {"can_create": request.user.role in EDIT_PARK, "archived_filter": True})


@login_required
def enterprise_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """An enterprise: its record, parks, contacts (masked by role) and name history."""
    enterprise = get_visible_or_404(Enterprise.objects.select_related("industry", "region"), request.user, pk=pk)
    editable = Enterprise.objects.editable_by(request.user).filter(pk=pk).exists()
    return render(request, "enterprises/enterprise_detail.html", {
        "enterprise": enterprise,
        "settlements": selectors.settlements_for_list(request.user).filter(enterprise=enterprise),
        "contacts": selectors.contacts_for(request.user, enterprise),
        "former_names": enterprise.former_names.all(),
        "designations": Designation.objects.visible_to(request.user).filter(enterprise=enterprise)
        .order_by("kind", "-recognised_on", "-pk"),
        "can_grant": request.user.role in EDIT_REGION,
        "can_edit": editable,
        "can_settle": request.user.role in EDIT_PARK,
        "archive_url": reverse("enterprises:archive", args=[pk])
        if archive.may_archive(request.user, enterprise, services.ARCHIVE_ROLES) else "",
        # Cards of higher apps (the policies it qualifies for, its agreements), registered in their ready().
        "panels": panels.render("enterprise", request, enterprise),
    })


def _enterprise_data(form: EnterpriseForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("park", None)
    data.pop("signed_on", None)
    return data


@login_required
def enterprise_create(request: AuthedRequest) -> HttpResponse:
    """Register an enterprise, optionally signing it into a park."""
    require_page_role(request.user, EDIT_PARK)
    initial = {"region": request.user.region_id, "park": request.GET.get("park")}
    form = EnterpriseForm(request.POST or None, user=request.user, creating=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        park, signed_on = form.cleaned_data.get("park"), form.cleaned_data.get("signed_on")
        result = call_service(form, lambda: services.enterprise_register(
            actor=request.user, park=park, signed_on=signed_on, **_enterprise_data(form)))
        if isinstance(result, EnterpriseRequest):
            return _request_filed(request, result)
        if result is not None:
            messages.success(request, _("Enterprise %(name)s registered.") % {"name": result.name})
            return redirect("enterprises:detail", pk=result.pk)
    return render(request, "enterprises/form.html", {"form": form, "title": _("New enterprise")})


@login_required
def enterprise_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Edit an enterprise's record; a new name goes into its name history."""
    enterprise = get_visible_or_404(Enterprise.objects.editable_by(request.user), request.user, pk=pk)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user, creating=False)
    if request.method == "POST" and form.is_valid():
        data = _enterprise_data(form)
        wanted: dict[str, Any] | None = {}
        if request.user.role == Role.ENTERPRISE_USER:
            # The enterprise's own designations: the rest is saved, these go to district staff to confirm.
            designations = {k: data.pop(k) for k in DESIGNATION_FIELDS if k in data}
            wanted = call_service(form, lambda: services.designation_changes(Enterprise.objects.get(pk=pk),
                                                                             designations))
        elif request.user.role not in services.DESIGNATION_SETTERS:
            for k in DESIGNATION_FIELDS:  # disabled on the form: never written by this role
                data.pop(k, None)

        def update(fresh: Enterprise) -> Enterprise:
            saved = services.enterprise_update(actor=request.user, enterprise=fresh, **data)
            if wanted:
                services.enterprise_change_request(actor=request.user, enterprise=saved, changes=wanted)
            return saved

        if wanted is not None and save_edit(form, enterprise, update) is not None:
            messages.success(request, _("Changes saved."))
            if wanted:
                messages.info(request, str(services.REQUEST_FILED[EnterpriseRequest.Kind.CHANGE]))
            return redirect("enterprises:detail", pk=pk)
    return render(request, "enterprises/form.html", {"form": form, "enterprise": enterprise,
                                                     "title": _("Edit %(name)s") % {"name": enterprise.name}})


@login_required
def contact_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add a contact to an enterprise."""
    enterprise = get_visible_or_404(Enterprise.objects.editable_by(request.user), request.user, pk=pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(form, lambda: services.contact_create(actor=request.user, enterprise=enterprise,
                                                               **form.cleaned_data)) is not None:
            messages.success(request, _("Contact added."))
            return redirect("enterprises:detail", pk=pk)
    return render(request, "enterprises/form.html", {"form": form, "enterprise": enterprise,
                                                     "title": _("New contact")})


@login_required
def contact_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Edit a contact."""
    contact = get_visible_or_404(Contact.objects.editable_by(request.user).select_related("enterprise"),
                                 request.user, pk=pk)
    full = selectors.may_see_personal_data(request.user, contact.enterprise_id)
    form = ContactForm(request.POST or None, instance=contact, masked=not full)
    if request.method == "GET":
        selectors.audit_personal_read(request.user, contact.enterprise, [contact], where="contact_edit")
    if request.method == "POST" and form.is_valid():
        if save_edit(form, contact, lambda fresh: services.contact_update(actor=request.user, contact=fresh,
                                                               **form.cleaned_data)) is not None:
            messages.success(request, _("Changes saved."))
            return redirect("enterprises:detail", pk=contact.enterprise_id)
    return render(request, "enterprises/form.html", {"form": form, "enterprise": contact.enterprise,
                                                     "title": contact.name, "delete_url": "delete"})


@login_required
@require_POST
def contact_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    """Remove a contact."""
    contact = get_visible_or_404(Contact.objects.editable_by(request.user), request.user, pk=pk)
    services.contact_delete(actor=request.user, contact=contact)
    messages.success(request, _("Contact removed."))
    return redirect("enterprises:detail", pk=contact.enterprise_id)


def _settlement_spec() -> ListSpec:
    return ListSpec(
        filters=[
            Filter("park", _("Park"), _park_choices),
            Filter("stage", _("Stage"), Settlement.Stage.choices),
        ],
        sorts={
            "signed_on": ("signed_on",),
            "moved_in_on": ("moved_in_on",),
            "enterprise": ("enterprise__name_pinyin",),
        },
        default_sort="-signed_on",
        search=lambda qs, q: qs.filter(enterprise__in=Enterprise.objects.search(q)),
        columns=lambda r: [
            Column(_("Unified social credit code"), lambda s: s.enterprise.uscc),
            Column(_("Enterprise"), lambda s: s.enterprise.name),
            Column(_("Park"), lambda s: s.park.name),
            Column(_("Stage"), lambda s: s.get_stage_display()),
            Column(_("Signed on"), lambda s: s.signed_on),
            Column(_("Fit-out started on"), lambda s: s.fitout_on),
            Column(_("Moved in on"), lambda s: s.moved_in_on),
            Column(_("Exited on"), lambda s: s.exited_on),
            Column(_("Exit reason"), lambda s: s.exit_reason),
        ],
        export_name="settlements",
    )


@login_required
def settlement_list(request: AuthedRequest) -> HttpResponse:
    """Settlements in scope, by park and stage."""
    require_page_role(request.user, LIST_ROLES)
    return run_list(request, selectors.settlements_for_list(request.user), _settlement_spec(),
                    "enterprises/settlement_list.html",
                    {"can_create": request.user.role in EDIT_PARK})


@login_required
def settlement_create(request: AuthedRequest) -> HttpResponse:
    """Sign an already registered enterprise into a park."""
    require_page_role(request.user, EDIT_PARK)
    form = SettlementCreateForm(request.POST or None, user=request.user,
                                initial={"park": request.GET.get("park"), "uscc": request.GET.get("uscc", "")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        result = call_service(form, lambda: services.enterprise_sign_by_uscc(
            actor=request.user, uscc=d["uscc"], park=d["park"], signed_on=d["signed_on"], note=d["note"]))
        if isinstance(result, EnterpriseRequest):
            return _request_filed(request, result)
        if result is not None:
            messages.success(request, _("Signed."))
            return redirect("enterprises:settlement_detail", pk=result.pk)
    return render(request, "enterprises/form.html", {"form": form, "title": _("Sign an enterprise into a park")})


@login_required
def settlement_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A settlement: its steps (dated), its units, and the buttons to move it on."""
    settlement = get_visible_or_404(Settlement.objects.select_related("enterprise", "park"), request.user, pk=pk)
    editable = Settlement.objects.editable_by(request.user).filter(pk=pk).exists()
    units_form = UnitsForm(settlement=settlement, initial={
        "units": settlement.occupancies.filter(active=True).values_list("unit_id", flat=True),
        "on": timezone.localdate()}) if editable else None
    return render(request, "enterprises/settlement_detail.html", {
        "settlement": settlement,
        "steps": [(s, settlement.date_of(s)) for s in Settlement.ORDER],
        "occupancies": settlement.occupancies.select_related("unit__building").order_by("-active", "unit__number"),
        "can_edit": editable,
        "units_form": units_form,
        "later_stages": [s for s in Settlement.ORDER if Settlement.ORDER.index(s)
                         > Settlement.ORDER.index(Settlement.Stage(settlement.stage))],
    })


@login_required
@require_POST
def settlement_advance(request: AuthedRequest, pk: int) -> HttpResponse:
    """Move a settlement to a later step. From the park page (htmx) it re-renders the stage block."""
    settlement = get_visible_or_404(Settlement.objects.editable_by(request.user).select_related("park"),
                                    request.user, pk=pk)
    form = AdvanceForm(request.POST)
    error = ""
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.settlement_advance(actor=request.user, settlement=settlement, to_stage=d["to_stage"],
                                        on=d["on"], reason=d["reason"])
        except ValidationError as exc:
            error = " ".join(m for msgs in exc.message_dict.values() for m in msgs) if hasattr(exc, "error_dict") \
                else " ".join(exc.messages)
        except PermissionDenied as exc:
            raise Http404 from exc
    else:
        error = " ".join(f"{form.fields[f].label}: {' '.join(str(m) for m in e)}" for f, e in form.errors.items())
    if request.htmx:
        view_stage = request.POST.get("view_stage", settlement.stage)
        return stages_partial(request, settlement.park, view_stage, error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Stage updated."))
    return redirect("enterprises:settlement_detail", pk=pk)


@login_required
@require_POST
def settlement_units(request: AuthedRequest, pk: int) -> HttpResponse:
    """Set the units a settlement occupies."""
    settlement = get_visible_or_404(Settlement.objects.editable_by(request.user), request.user, pk=pk)
    form = UnitsForm(request.POST, settlement=settlement)
    if form.is_valid():
        try:
            services.settlement_set_units(actor=request.user, settlement=settlement,
                                          units=form.cleaned_data["units"], on=form.cleaned_data["on"])
            messages.success(request, _("Units updated."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(" ".join(str(m) for m in e) for e in form.errors.values()))
    return redirect("enterprises:settlement_detail", pk=pk)


# --- Requests district staff decide (issue 12) ---------------------------------------------------------------

REQUEST_ROLES = frozenset({Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR, Role.ENTERPRISE_USER})


def _request_filed(request: AuthedRequest, filed: EnterpriseRequest) -> HttpResponse:
    """The one answer to a request filed: the same words whatever the code named, then the requests page."""
    messages.info(request, str(services.REQUEST_FILED[EnterpriseRequest.Kind(filed.kind)]))
    return redirect("enterprises:requests")


def _request_rows(user: Any) -> list[dict[str, Any]]:
    """Each request with what ``user`` may read of it: the enterprise's name only when the user sees it."""
    rows = list(selectors.requests_for_list(user)[:200])
    # By code: a settlement request names its enterprise only once approved (services.enterprise_request_settle).
    visible = dict(Enterprise.objects.visible_to(user).filter(uscc__in=[r.uscc for r in rows])
                   .values_list("uscc", "name"))
    deciding = set(selectors.requests_to_decide(user).filter(pk__in=[r.pk for r in rows])
                   .values_list("pk", flat=True))
    # Who decided is shown to district roles only: for a requester, a decider of another district would tell
    # that the code is registered there (issue 12 H1).
    show_decider = user.role in (Role.REGION_STAFF, Role.LEADER)
    return [{
        "request": r,
        "enterprise_name": visible.get(r.uscc, ""),
        "registered_as": r.registration.get("name", "") if r.registration else "",
        "decider": r.decided_by if show_decider else None,
        "changes": [(str(_field(k).verbose_name), _change_label(k, v))
                    for k, v in r.changes.items()],
        "can_decide": r.pk in deciding and r.status == EnterpriseRequest.Status.PENDING,
    } for r in rows]


def _field(name: str) -> Any:
    return Enterprise._meta.get_field(name)


def _change_label(name: str, value: Any) -> str:
    field = _field(name)
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    choices = dict(field.choices or [])
    if choices:
        return str(choices.get(value, value) or _("None"))
    return "—" if value in (None, "") else str(value)


@login_required
def request_list(request: AuthedRequest) -> HttpResponse:
    """Requests: those district staff decide (approve or reject, with a reason), and those the user filed."""
    require_page_role(request.user, REQUEST_ROLES)
    return render(request, "enterprises/request_list.html", {
        "rows": _request_rows(request.user), "reject_form": RejectForm(),
    })


def _decide(request: AuthedRequest, pk: int, decide: Any, done: str) -> HttpResponse:
    target = selectors.requests_to_decide(request.user).filter(pk=pk).first()
    if target is None:
        raise Http404
    try:
        decide(target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        raise Http404 from exc
    else:
        messages.success(request, done)
    return redirect("enterprises:requests")


@login_required
@require_POST
def request_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    """Approve a request: sign the enterprise into the requester's park, or apply the designations asked for."""
    return _decide(request, pk, lambda r: services.enterprise_request_approve(actor=request.user, request=r),
                   _("Request approved."))


@login_required
@require_POST
def request_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    """Reject a request, with the reason the requester reads."""
    return _decide(request, pk, lambda r: services.enterprise_request_reject(
        actor=request.user, request=r, reason=request.POST.get("reason", "")), _("Request rejected."))


@login_required
@require_GET
def pick_enterprise(request: AuthedRequest) -> JsonResponse:
    """The enterprise picker: enterprises the user may see by name, pinyin, initials, USCC or former name."""
    try:
        q = picker_query(request.GET)
    except PickerInputError as exc:
        return picker_error(exc)
    return picker_response(selectors.enterprise_picker_items(request.user, q, PICKER_LIMIT))


# Archive, restore, hard delete (core.archive): district staff's, for enterprises of their region.
_archiving = archive.views_for(Enterprise, roles=services.ARCHIVE_ROLES, list_url="enterprises:list",
                               archive=services.enterprise_archive, restore=services.enterprise_restore,
                               delete=services.enterprise_delete, kw="enterprise")
enterprise_archive, enterprise_restore = _archiving["archive"], _archiving["restore"]
enterprise_delete = _archiving["delete"]
