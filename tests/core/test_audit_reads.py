"""Audited reads (issue 12 M2 and L-series): personal data shown in full, downloads and saved import mappings
leave audit events; a park operator's contact form shows phone and e-mail masked and keeps them when unchanged."""

from __future__ import annotations

from django.urls import reverse

from tests.tabular import files
from yuanqu.core.models import AuditEvent
from yuanqu.enterprises.models import Contact
from yuanqu.tabular import engine


def _reads(**filters: object) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="view_personal", **filters).order_by("id"))


# --- M2: the operator's contact form ----------------------------------------------------------------


def test_the_operator_edits_a_contact_without_seeing_its_phone_or_email(world, client_as):
    operator = client_as("park_operator")
    url = reverse("enterprises:contact_edit", args=[world.contact_xltd.pk])
    html = operator.get(url).content.decode()
    assert "13812345678" not in html and "zhangwei@example.cn" not in html
    assert "138****5678" in html and "z***@example.cn" in html
    # Sent back unchanged, the masked values keep the stored ones; a new title is saved.
    response = operator.post(url, {"name": "张伟", "title": "总经理", "phone": "138****5678",
                                   "email": "z***@example.cn", "is_primary": "on"})
    assert response.status_code == 302
    contact = Contact.objects.get(pk=world.contact_xltd.pk)
    assert (contact.title, contact.phone, contact.email) == ("总经理", "13812345678", "zhangwei@example.cn")
    # A new number replaces the stored one.
    operator.post(url, {"name": "张伟", "phone": "13900002222", "email": "z***@example.cn", "is_primary": "on"})
    contact.refresh_from_db()
    assert (contact.phone, contact.email) == ("13900002222", "zhangwei@example.cn")
    # A form re-shown with an error still shows the stored values masked only.
    html = operator.post(url, {"name": "", "phone": "139****2222", "email": "z***@example.cn"}).content.decode()
    assert "13900002222" not in html and "zhangwei@example.cn" not in html
    assert _reads() == []  # the operator read nothing in full


def test_district_staff_see_contacts_in_full_and_that_read_is_audited(world, client_as):
    staff = client_as("region_staff")
    html = staff.get(reverse("enterprises:detail", args=[world.ent_xltd.pk])).content.decode()
    assert "13812345678" in html
    (read,) = _reads()
    assert (read.actor, read.object_type, read.object_id) == (
        world.user("region_staff"), "enterprises.Enterprise", str(world.ent_xltd.pk))
    assert read.after == {"fields": ["email", "phone"], "where": "enterprise"} and read.region_code == "370213"
    staff.get(reverse("enterprises:contact_edit", args=[world.contact_xltd.pk]))
    assert [r.after["where"] for r in _reads()] == ["enterprise", "contact_edit"]
    # The enterprise's own user reads its own contacts: not a read of someone else's personal data.
    client_as("enterprise_user").get(reverse("enterprises:detail", args=[world.ent_xltd.pk]))
    # The operator sees them masked: nothing to audit.
    html = client_as("park_operator").get(reverse("enterprises:detail", args=[world.ent_xltd.pk])).content.decode()
    assert "13812345678" not in html
    assert len(_reads()) == 2


def test_lead_contacts_read_in_full_are_audited(world, client_as):
    client_as("region_staff").get(reverse("investment:lead_detail", args=[world.lead_xltd.pk]))
    assert [(r.object_type, r.object_id) for r in _reads()] == [("investment.Lead", str(world.lead_xltd.pk))]
    client_as("park_operator").get(reverse("investment:lead_detail", args=[world.lead_xltd.pk]))
    assert len(_reads()) == 1


# --- downloads and saved mappings -------------------------------------------------------------------


def test_downloads_are_audited(world, client_as):
    response = client_as("region_staff").get(reverse("tabular:template"), {"entity": "enterprises"},
                                             REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="download")
    assert event.actor == world.user("region_staff") and event.ip == "192.0.2.44"
    assert event.after["kind"] == "template" and event.after["file"].endswith(".xlsx")


def test_a_saved_import_mapping_is_audited(world):
    staff = world.users["region_staff"]
    codes = files.usccs(2, seed=4242)
    rows = [["统一社会信用代码", "企业名称"]] + [[c, f"青岛映射{i}有限公司"] for i, c in enumerate(codes)]
    data = files.xlsx(("名录", rows))
    batch = engine.start_batch(actor=staff, entity="enterprises", filename="映射.xlsx", data=data)
    engine.set_mapping(batch, {"0": "uscc"}, actor=staff)
    engine.set_mapping(batch, {"0": "uscc", "1": "name"}, actor=staff)
    saved = list(AuditEvent.objects.filter(object_type="tabular.SavedMapping").order_by("id"))
    assert [e.action for e in saved] == ["create", "update"]
    assert saved[0].after["mapping"] == {"0": "uscc"} and saved[1].after["mapping"] == {"0": "uscc", "1": "name"}
    assert saved[1].actor == staff and saved[1].region_code == "370213"
