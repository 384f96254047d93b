"""Park pages: list, detail (buildings, vacancy board, enterprises by stage), forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yuanqu.core.forms import call_service
from yuanqu.core.listing import Column, Filter, ListSpec, run_list
from yuanqu.core.roles import TENANT_READERS, Role
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.types import AuthedRequest
from yuanqu.enterprises.models import Settlement

from . import selectors, services
from .forms import BuildingForm, ParkForm, UnitForm
from .models import Building, Park, Unit


def _spec() -> ListSpec:
    return ListSpec(
        filters=[
            Filter("kind", _("Kind"), Park.Kind.choices),
            Filter("status", _("Status"), Park.Status.choices),
            Filter("key_level", _("Key-project level"), [c for c in Park.Level.choices if c[0]]),
        ],
        sorts={
            "name": ("name_pinyin",),
            "opened_on": ("opened_on",),
            "active": ("active_count",),
            "moved_in": ("moved_in_count",),
            "investment": ("total_investment_wan",),
        },
        default_sort="name",
        search=lambda qs, q: qs.search(q),
        columns=lambda r: [
            Column(_("Name"), lambda p: p.name),
            Column(_("Region"), lambda p: p.region.name),
            Column(_("Kind"), lambda p: p.get_kind_display()),
            Column(_("Status"), lambda p: p.get_status_display()),
            Column(_("Key-project level"), lambda p: p.get_key_level_display() if p.key_level else ""),
            Column(_("Operator"), lambda p: p.operator_name),
            Column(_("Address"), lambda p: p.address),
            Column(_("Land area (mu)"), lambda p: p.land_area_mu),
            Column(_("Floor area (m²)"), lambda p: p.floor_area_m2),
            Column(_("Total investment (10k yuan)"), lambda p: p.total_investment_wan),
            Column(_("Opening date"), lambda p: p.opened_on),
            Column(_("Enterprises signed"), lambda p: p.active_count),
            Column(_("Enterprises moved in"), lambda p: p.moved_in_count),
        ],
        export_name="parks",
    )


@login_required
def park_list(request: AuthedRequest) -> HttpResponse:
    """The parks the user may see, with filters, pinyin search, sorting, pagination and export."""
    if request.user.role not in TENANT_READERS:
        raise Http404
    return run_list(request, selectors.parks_for_list(request.user), _spec(), "parks/park_list.html",
                    {"can_create": request.user.role == Role.REGION_STAFF})


def _stage_context(request: AuthedRequest, park: Park, stage: str) -> dict[str, object]:
    summary = selectors.stage_summary(park, request.user)
    if stage not in Settlement.Stage.values:
        stage = Settlement.Stage.MOVED_IN
    settlements = (Settlement.objects.visible_to(request.user).filter(park=park, stage=stage)
                   .select_related("enterprise").order_by("enterprise__name_pinyin"))
    return {
        "park": park,
        "summary": summary,
        "stage": stage,
        "settlements": settlements,
        "can_advance": Park.objects.editable_by(request.user).filter(pk=park.pk).exists(),
        "today": timezone.localdate(),
    }


@login_required
def park_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A park: its record, buildings, vacancy board and enterprises by settlement stage."""
    park = get_visible_or_404(Park.objects.select_related("region"), request.user, pk=pk)
    ctx = _stage_context(request, park, request.GET.get("stage", Settlement.Stage.MOVED_IN))
    if request.htmx and request.GET.get("part") == "stages":
        return render(request, "parks/_stages.html", ctx)
    ctx.update({
        "board": selectors.vacancy_board(park),
        "can_edit": Park.objects.editable_by(request.user).filter(pk=park.pk).exists(),
        "industries": park.industries.all(),
        "Unit": Unit,
    })
    return render(request, "parks/park_detail.html", ctx)


def stages_partial(request: AuthedRequest, park: Park, stage: str, error: str = "") -> HttpResponse:
    """The enterprises-by-stage block, re-rendered after a settlement moves (htmx)."""
    return render(request, "parks/_stages.html", {**_stage_context(request, park, stage), "error": error})


@login_required
def park_create(request: AuthedRequest) -> HttpResponse:
    """Register a park (district staff)."""
    if request.user.role != Role.REGION_STAFF:
        raise Http404
    form = ParkForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        industries = data.pop("industries", [])
        park = call_service(form, lambda: services.park_create(actor=request.user, industries=industries, **data))
        if park is not None:
            messages.success(request, _("Park %(name)s created.") % {"name": park.name})
            return redirect("parks:detail", pk=park.pk)
    return render(request, "parks/form.html", {"form": form, "title": _("New park")})


@login_required
def park_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Edit a park's record."""
    park = get_visible_or_404(Park.objects.editable_by(request.user), request.user, pk=pk)
    form = ParkForm(request.POST or None, instance=park, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        industries = data.pop("industries", None)
        fresh = Park.objects.get(pk=park.pk)
        if call_service(form, lambda: services.park_update(actor=request.user, park=fresh, industries=industries,
                                                            **data)) is not None:
            messages.success(request, _("Changes saved."))
            return redirect("parks:detail", pk=park.pk)
    return render(request, "parks/form.html", {"form": form, "title": _("Edit %(name)s") % {"name": park.name},
                                               "park": park})


@login_required
def building_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add a building to a park."""
    park = get_visible_or_404(Park.objects.editable_by(request.user), request.user, pk=pk)
    form = BuildingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(form, lambda: services.building_create(actor=request.user, park=park,
                                                                **form.cleaned_data)) is not None:
            messages.success(request, _("Building added."))
            return redirect("parks:detail", pk=park.pk)
    return render(request, "parks/form.html", {"form": form, "title": _("New building"), "park": park})


@login_required
def building_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Edit a building."""
    building = get_visible_or_404(Building.objects.editable_by(request.user).select_related("park"),
                                  request.user, pk=pk)
    form = BuildingForm(request.POST or None, instance=building)
    if request.method == "POST" and form.is_valid():
        fresh = Building.objects.get(pk=building.pk)
        if call_service(form, lambda: services.building_update(actor=request.user, building=fresh,
                                                                **form.cleaned_data)) is not None:
            messages.success(request, _("Changes saved."))
            return redirect("parks:detail", pk=building.park_id)
    return render(request, "parks/form.html", {"form": form, "title": str(building), "park": building.park})


@login_required
def unit_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add a unit to a building."""
    building = get_visible_or_404(Building.objects.editable_by(request.user).select_related("park"),
                                  request.user, pk=pk)
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(form, lambda: services.unit_create(actor=request.user, building=building,
                                                            **form.cleaned_data)) is not None:
            messages.success(request, _("Unit added."))
            return redirect("parks:detail", pk=building.park_id)
    return render(request, "parks/form.html", {"form": form, "title": _("New unit in %(b)s") % {"b": building},
                                               "park": building.park})


@login_required
def unit_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Edit a unit (number, floor, area, status)."""
    unit = get_visible_or_404(Unit.objects.editable_by(request.user).select_related("building__park"),
                              request.user, pk=pk)
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        fresh = Unit.objects.get(pk=unit.pk)
        try:
            done = call_service(form, lambda: services.unit_update(actor=request.user, unit=fresh,
                                                                    **form.cleaned_data))
        except PermissionDenied as exc:
            raise Http404 from exc
        if done is not None:
            messages.success(request, _("Changes saved."))
            return redirect("parks:detail", pk=unit.building.park_id)
    return render(request, "parks/form.html", {"form": form, "title": str(unit), "park": unit.building.park})
