"""Editing and removing a lead's contacts (masked for non-staff), and ticking off a case measure."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tests.conftest import World
from yuanqu.core.models import AuditEvent
from yuanqu.investment.models import CaseMeasure, LeadContact


def today() -> dt.date:
    """Today in the installation's time zone, read when the test runs (not at import)."""
    return timezone.localdate()


def _edit(pk: int) -> str:
    return reverse("investment:contact_edit", kwargs={"pk": pk})


def test_it_edits_a_lead_contact(world: World, client_as) -> None:
    c = world.lead_contact_xltd
    response = client_as("region_staff").post(_edit(c.pk), {"name": "赵敏", "title": "总经理",
                                                           "phone": "136-1111-3333", "email": ""})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.title == "总经理" and c.phone == "13611113333"


def test_it_refuses_a_bad_phone_and_keeps_the_contact(world: World, client_as) -> None:
    c = world.lead_contact_xltd
    response = client_as("region_staff").post(_edit(c.pk), {"name": "赵敏", "phone": "abc"})
    assert response.status_code == 200 and "phone" in response.context["form"].errors
    c.refresh_from_db()
    assert c.phone == "13611112222"


def test_it_neither_shows_nor_overwrites_a_masked_phone(world: World, client_as) -> None:
    c = world.lead_contact_xltd
    client = client_as("park_operator")
    page = client.get(_edit(c.pk))
    assert "13611112222" not in page.content.decode() and "phone" not in page.context["form"].fields
    response = client.post(_edit(c.pk), {"name": "赵敏", "title": "副总", "phone": "13900000000"})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.title == "副总" and c.phone == "13611112222"
    detail = client.get(reverse("investment:lead_detail", kwargs={"pk": c.lead_id})).content.decode()
    assert "13611112222" not in detail and "contact-edit" in detail


def test_it_removes_a_lead_contact_with_an_audit_event(world: World, client_as) -> None:
    c = world.lead_contact_xltd
    response = client_as("park_operator").post(reverse("investment:contact_delete", kwargs={"pk": c.pk}))
    assert response.status_code == 302 and not LeadContact.objects.filter(pk=c.pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_type="investment.LeadContact",
                                     object_id=str(c.pk)).exists()


def test_it_refuses_contacts_of_another_park_and_leaders(world: World, client_as) -> None:
    other = world.lead_contact_smyz
    assert other is not None
    url = reverse("investment:contact_delete", kwargs={"pk": other.pk})
    assert client_as("park_operator").post(url).status_code == 404
    assert client_as("leader").post(_edit(world.lead_contact_xltd.pk), {"name": "x"}).status_code == 404
    assert LeadContact.objects.filter(pk=other.pk).exists()
    assert LeadContact.objects.get(pk=world.lead_contact_xltd.pk).name == "赵敏"


def _done(pk: int) -> str:
    return reverse("investment:case_measure_done", kwargs={"pk": pk})


def test_it_marks_a_measure_done(world: World, client_as) -> None:
    m = world.measure_xltd
    assert m is not None
    client = client_as("region_staff")
    assert 'class="btn btn-sm btn-outline-success measure-done"' in client.get(
        reverse("investment:case_detail", kwargs={"pk": m.case_id})).content.decode()
    response = client.post(_done(m.pk), {"on": "2025-02-03"})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.done_on == dt.date(2025, 2, 3) and not m.overdue


def test_it_refuses_a_future_done_date_and_keeps_the_measure_open(world: World, client_as) -> None:
    m = world.measure_xltd
    assert m is not None
    response = client_as("region_staff").post(_done(m.pk), {"on": (today() + dt.timedelta(days=2)).isoformat()},
                                             follow=True)
    assert response.status_code == 200 and list(response.context["messages"])
    assert CaseMeasure.objects.get(pk=m.pk).done_on is None
    client_as("region_staff").post(_done(m.pk), {"on": "not a date"})
    assert CaseMeasure.objects.get(pk=m.pk).done_on is None


def test_it_lets_only_district_staff_of_the_region_tick_measures(world: World, client_as) -> None:
    assert world.measure_xltd is not None and world.measure_laoshan is not None
    assert client_as("park_operator").post(_done(world.measure_xltd.pk), {"on": "2025-02-03"}).status_code == 404
    assert client_as("region_staff").post(_done(world.measure_laoshan.pk), {"on": "2025-02-03"}).status_code == 404
    assert CaseMeasure.objects.filter(done_on__isnull=False).count() == 0
