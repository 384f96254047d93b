"""The one edit idiom (core.forms.save_edit): the service gets the object as stored, so its audit record's
"before" is true; a refused save leaves the stored object alone; a PermissionDenied is a 404."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from tests.conftest import login
from yuanqu.core.forms import save_edit
from yuanqu.core.models import AuditEvent
from yuanqu.parks.forms import UnitForm
from yuanqu.parks.models import Unit


def _form(unit: Unit, area: str) -> UnitForm:
    form = UnitForm({"number": unit.number, "floor": unit.floor, "area_m2": area, "status": unit.status},
                    instance=unit)
    assert form.is_valid(), form.errors
    return form


def test_the_service_gets_the_stored_object_not_the_forms_copy(world):
    unit = Unit.objects.get(building__park=world.xltd, number="1001")
    form = _form(unit, "250")
    unit.area_m2 = Decimal("250")  # as a ModelForm's own _post_clean, or a failed service, leaves its instance
    seen = save_edit(form, unit, lambda stored: stored.area_m2)
    assert seen == Decimal("200")


def test_a_refused_save_goes_onto_the_form(world):
    unit = Unit.objects.get(building__park=world.xltd, number="1001")
    form = _form(unit, "250")

    def refuse(stored: Unit) -> Unit:
        raise ValidationError({"area_m2": "不行"})

    assert save_edit(form, unit, refuse) is None
    assert form.errors["area_m2"] == ["不行"]
    assert Unit.objects.get(pk=unit.pk).area_m2 == Decimal("200")


def test_a_permission_denied_is_a_404(world):
    unit = Unit.objects.get(building__park=world.xltd, number="1001")

    def deny(stored: Unit) -> Unit:
        raise PermissionDenied

    with pytest.raises(Http404):
        save_edit(_form(unit, "250"), unit, deny)


def test_an_edit_view_audits_the_stored_values_as_before(client, world):
    unit = Unit.objects.get(building__park=world.xltd, number="1001")
    login(client, world.users["region_staff"])
    response = client.post(reverse("parks:unit_edit", args=[unit.pk]),
                           {"number": unit.number, "floor": unit.floor, "area_m2": "250", "status": unit.status})
    assert response.status_code == 302
    event = AuditEvent.objects.filter(object_type="parks.Unit", object_id=str(unit.pk)).latest("at")
    assert Decimal(event.before["area_m2"]) == Decimal("200") and Decimal(event.after["area_m2"]) == Decimal("250")
