"""Park forms: create and edit parks, buildings and units.

The list and the detail page show tenants (settlements), so they live a floor higher, in
``yuanqu.enterprises.park_views``, under the same URL names (``parks:list``, ``parks:detail``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from yuanqu.core import archive
from yuanqu.core.forms import call_service, save_edit
from yuanqu.core.pickers import PickerInputError, picker_error, picker_query, picker_response
from yuanqu.core.roles import Role
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_page_role
from yuanqu.core.types import AuthedRequest

from . import services
from .forms import BuildingForm, ParkForm, UnitForm
from .models import Building, Park, Unit
from .selectors import park_picker_items


@login_required
def park_create(request: AuthedRequest) -> HttpResponse:
    """Register a park (district staff)."""
    require_page_role(request.user, Role.REGION_STAFF)
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
        if save_edit(form, park, lambda fresh: services.park_update(actor=request.user, park=fresh,
                                                                    industries=industries, **data)) is not None:
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
        if save_edit(form, building, lambda fresh: services.building_update(actor=request.user, building=fresh,
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
        if save_edit(form, unit, lambda fresh: services.unit_update(actor=request.user, unit=fresh,
                                                             **form.cleaned_data)) is not None:
            messages.success(request, _("Changes saved."))
            return redirect("parks:detail", pk=unit.building.park_id)
    return render(request, "parks/form.html", {"form": form, "title": str(unit), "park": unit.building.park})


@login_required
@require_GET
def pick_park(request: AuthedRequest) -> JsonResponse:
    """The park picker: parks the user may see (``edit=1``: may edit) by name, full pinyin or initials."""
    try:
        q = picker_query(request.GET)
    except PickerInputError as exc:
        return picker_error(exc)
    parks = Park.objects.editable_by(request.user) if request.GET.get("edit") == "1" else Park.objects.all()
    return picker_response(park_picker_items(parks.visible_to(request.user), q))


# Archive, restore, hard delete (core.archive): district staff's, for parks of their region.
_archiving = archive.views_for(Park, roles=services.ARCHIVE_ROLES, list_url="parks:list", archive=services.park_archive,
                               restore=services.park_restore, delete=services.park_delete, kw="park")
park_archive, park_restore, park_delete = _archiving["archive"], _archiving["restore"], _archiving["delete"]
