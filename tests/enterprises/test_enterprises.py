"""Enterprises: registering, duplicates, renames, contacts masked by role, search, lists and export."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.helpers import Api, error_codes, error_text, read_csv, read_xlsx
from yuanqu.core.demo import make_uscc
from yuanqu.core.models import AuditEvent
from yuanqu.enterprises import services
from yuanqu.enterprises.models import Enterprise, EnterpriseName, EnterpriseRequest, Settlement

NEW_USCC = "91350100M000100Y43"


def _form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "uscc": NEW_USCC, "name": "青岛新注册科技有限公司", "industry": "6513", "region": "370213",
        "status": "active", "listing": "unlisted", "srdi_level": "", "registered_capital_wan": "300",
        "established_on": "2019-07-01",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _edit_form(e: Enterprise, **overrides: object) -> dict[str, object]:
    current: dict[str, object] = {
        "uscc": e.uscc, "name": e.name, "industry": e.industry_id, "region": e.region_id,
        "registered_capital_wan": e.registered_capital_wan, "established_on": e.established_on.isoformat(),
    }
    return _form(**{**current, **overrides})


def _new(world, name: str, seed: int, **extra: object) -> Enterprise:
    return services.enterprise_create(actor=world.user("region_staff"), uscc=make_uscc(random.Random(seed), "370213"),
                                      name=name, region=world.licang, **extra)


# --- create ------------------------------------------------------------------------------------


def test_it_registers_an_enterprise_from_the_form(world, client_as):
    response = client_as("region_staff").post(reverse("enterprises:create"), _form())
    e = Enterprise.objects.get(uscc=NEW_USCC)
    assert response.status_code == 302 and response["Location"] == reverse("enterprises:detail", args=[e.pk])
    assert e.name == "青岛新注册科技有限公司" and e.registered_capital_wan == Decimal("300")
    assert (e.name_pinyin, e.name_initials) == ("qingdaoxinzhucekejiyouxiangongsi", "qdxzckjyxgs")
    assert not e.settlements.exists()  # staff need not sign it into a park
    event = AuditEvent.objects.get(action="create", object_type="enterprises.Enterprise", object_id=str(e.pk))
    assert event.actor == world.user("region_staff") and event.after["uscc"] == NEW_USCC


def test_it_makes_an_operator_choose_its_own_park(world, client_as):
    operator = client_as("park_operator")
    response = operator.post(reverse("enterprises:create"), _form())
    assert error_codes(response, "park") == ["required"]
    for other in (world.smyz, world.laoshan_park):
        response = operator.post(reverse("enterprises:create"), _form(park=other.pk, signed_on="2024-01-02"))
        assert error_codes(response, "park") == ["invalid_choice"]
    assert not Enterprise.objects.filter(uscc=NEW_USCC).exists()


def test_it_signs_the_operators_new_enterprise_into_its_park_once_district_staff_approve(world, client_as):
    """An operator's new code goes through the request every code outside its scope takes (issue 12 H1); the
    approval registers the enterprise from the form's fields and signs it into the park."""
    response = client_as("park_operator").post(reverse("enterprises:create"),
                                               _form(park=world.xltd.pk, signed_on="2024-09-01"))
    assert response.status_code == 302 and response["Location"] == reverse("enterprises:requests")
    assert not Enterprise.objects.filter(uscc=NEW_USCC).exists()
    filed = EnterpriseRequest.objects.get(uscc=NEW_USCC)
    assert client_as("region_staff").post(reverse("enterprises:request_approve", args=[filed.pk])).status_code == 302
    e = Enterprise.objects.get(uscc=NEW_USCC)
    assert (e.name, e.industry_id, e.region_id, e.registered_capital_wan, e.established_on) == (
        "青岛新注册科技有限公司", "6513", "370213", Decimal("300"), dt.date(2019, 7, 1))
    settlement = e.settlements.get()
    assert (settlement.park, settlement.stage, settlement.signed_on) == (world.xltd, "signed", dt.date(2024, 9, 1))
    assert EnterpriseRequest.objects.get(pk=filed.pk).settlement == settlement
    # …and now the operator sees it.
    assert client_as("park_operator").get(reverse("enterprises:detail", args=[e.pk])).status_code == 200


def test_it_keeps_nothing_when_signing_fails_after_registering(world, client_as):
    events = AuditEvent.objects.count()
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client_as("park_operator").post(reverse("enterprises:create"),
                                               _form(park=world.xltd.pk, signed_on=future))
    assert response.status_code == 200
    assert error_codes(response, "signed_on") == ["future"]
    assert not Enterprise.objects.filter(uscc=NEW_USCC).exists()
    assert not EnterpriseRequest.objects.exists()
    assert AuditEvent.objects.count() == events


def test_it_refuses_an_established_date_in_the_future(world, client_as):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client_as("region_staff").post(reverse("enterprises:create"), _form(established_on=tomorrow))
    assert error_codes(response, "established_on") == ["future"]
    assert 'data-error-for="established_on"' in response.content.decode()
    assert not Enterprise.objects.filter(uscc=NEW_USCC).exists()

    e = world.ent_xltd
    response = client_as("region_staff").post(reverse("enterprises:edit", args=[e.pk]),
                                              _edit_form(e, established_on=tomorrow))
    assert error_codes(response, "established_on") == ["future"]
    e.refresh_from_db()
    assert e.established_on == dt.date(2015, 5, 1)


def test_it_refuses_a_negative_registered_capital(world, client_as):
    response = client_as("region_staff").post(reverse("enterprises:create"), _form(registered_capital_wan="-1"))
    assert error_codes(response, "registered_capital_wan")
    assert not Enterprise.objects.filter(uscc=NEW_USCC).exists()


# --- duplicate USCC ------------------------------------------------------------------------------


def test_it_names_the_existing_enterprise_of_a_duplicate_uscc_when_visible(world, client_as):
    response = client_as("region_staff").post(reverse("enterprises:create"), _form(uscc=world.ent_smyz.uscc))
    assert error_codes(response, "uscc") == ["uscc_taken"]
    assert world.ent_smyz.name in error_text(response, "uscc")
    assert 'data-error-for="uscc"' in response.content.decode()

    response = client_as("park_operator").post(
        reverse("enterprises:create"), _form(uscc=world.ent_xltd.uscc.lower(), park=world.xltd.pk))
    assert error_codes(response, "uscc") == ["uscc_taken"]
    assert world.ent_xltd.name in error_text(response, "uscc")
    assert Enterprise.objects.filter(uscc=world.ent_xltd.uscc).count() == 1


def test_it_does_not_leak_the_name_of_a_duplicate_outside_scope(world, client_as):
    count = Enterprise.objects.count()
    response = client_as("park_operator").post(
        reverse("enterprises:create"), _form(uscc=world.ent_smyz.uscc, park=world.xltd.pk, signed_on="2024-01-02"),
        follow=True)
    # Registering a code held outside the scope files a request to sign it (issue 12 H1), naming nothing.
    assert response.redirect_chain[-1][0] == reverse("enterprises:requests")
    html = response.content.decode()
    assert world.ent_smyz.name not in html
    assert "药研" not in html
    assert Enterprise.objects.count() == count
    assert Enterprise.objects.get(pk=world.ent_smyz.pk).name == "青岛药研生物有限公司"

    # The district staff of another district do not learn it either, through the API.
    response = Api(world.laoshan_staff).post("/api/enterprises/", {
        "uscc": world.ent_smyz.uscc, "name": "抢注有限公司", "region": "370212"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["uscc"]
    assert world.ent_smyz.name not in response.content.decode()


def test_it_refuses_changing_a_uscc_to_one_already_taken(world, client_as):
    e = world.ent_xltd
    response = client_as("region_staff").post(reverse("enterprises:edit", args=[e.pk]),
                                              _edit_form(e, uscc=world.ent_smyz.uscc))
    assert error_codes(response, "uscc") == ["uscc_taken"]
    e.refresh_from_db()
    assert e.uscc == world.ent_xltd.uscc


# --- rename, edit by the enterprise itself ------------------------------------------------------


def test_it_keeps_the_name_history_on_rename(world, client_as):
    e = world.ent_xltd
    staff = client_as("region_staff")
    response = staff.post(reverse("enterprises:edit", args=[e.pk]), _edit_form(e, name="青岛信达数字科技有限公司"))
    assert response.status_code == 302
    e.refresh_from_db()
    assert e.name == "青岛信达数字科技有限公司" and e.name_initials == "qdxdszkjyxgs"
    former = EnterpriseName.objects.get(enterprise=e)
    assert (former.name, former.used_until) == ("青岛信达软件有限公司", timezone.localdate())

    page = staff.get(reverse("enterprises:detail", args=[e.pk])).content.decode()
    history = page[page.index('id="name-history"'):]
    assert "青岛信达软件有限公司" in history[:history.index("</ul>")]

    # A second rename adds a second entry; saving without a rename adds none.
    staff.post(reverse("enterprises:edit", args=[e.pk]), _edit_form(e, name="青岛信达智能有限公司"))
    e.refresh_from_db()
    staff.post(reverse("enterprises:edit", args=[e.pk]), _edit_form(e, registered_capital_wan="600"))
    assert list(e.former_names.values_list("name", flat=True).order_by("id")) == [
        "青岛信达软件有限公司", "青岛信达数字科技有限公司"]


def test_it_lets_the_enterprise_user_edit_its_own_record_but_not_its_uscc(world, client_as):
    e = world.ent_xltd
    client = client_as("enterprise_user")
    form = client.get(reverse("enterprises:edit", args=[e.pk])).context["form"]
    assert "uscc" not in form.fields and "region" not in form.fields

    response = client.post(reverse("enterprises:edit", args=[e.pk]),
                           _edit_form(e, uscc=NEW_USCC, region="370212", registered_capital_wan="800",
                                      is_above_scale="on"))
    assert response.status_code == 302
    e.refresh_from_db()
    assert (e.uscc, e.region_id) == (world.ent_xltd.uscc, "370213")
    # Designations are not self-declared (issue 12 M7): they wait for district staff to confirm.
    assert e.registered_capital_wan == Decimal("500") and not e.is_above_scale
    assert e.requests.get().changes == {"registered_capital_wan": "800", "is_above_scale": True}

    response = Api(world.user("enterprise_user")).patch(f"/api/enterprises/{e.pk}",
                                                        {"uscc": NEW_USCC, "is_four_new": True})
    assert response.status_code == 200
    e.refresh_from_db()
    assert (e.uscc, e.is_four_new) == (world.ent_xltd.uscc, True)


# --- contacts: phones masked by role ------------------------------------------------------------


FULL, MASKED = "13812345678", "138****5678"


@pytest.mark.parametrize("role,phone,email", [
    ("region_staff", FULL, "zhangwei@example.cn"),
    ("enterprise_user", FULL, "zhangwei@example.cn"),
    ("leader", MASKED, "z***@example.cn"),
    ("park_operator", MASKED, "z***@example.cn"),
])
def test_it_masks_contact_phones_by_role_on_the_detail_page(world, client_as, role, phone, email):
    html = client_as(role).get(reverse("enterprises:detail", args=[world.ent_xltd.pk])).content.decode()
    assert f'class="contact-phone">{phone}<' in html
    assert email in html
    if phone == MASKED:
        assert FULL not in html and "zhangwei@" not in html


@pytest.mark.parametrize("role,phone", [("region_staff", FULL), ("leader", MASKED), ("park_operator", MASKED)])
def test_it_masks_contact_phones_by_role_in_the_export(world, client_as, role, phone):
    rows = read_xlsx(client_as(role).get(reverse("enterprises:list"), {"export": "xlsx"}))
    col = len(rows[0]) - 1  # the primary contact's phone is the last column
    by_uscc = {r[0]: r for r in rows[1:]}
    assert by_uscc[world.ent_xltd.uscc][col] == phone
    if phone == MASKED:
        assert FULL not in str(rows)


@pytest.mark.parametrize("role,phone", [
    ("region_staff", FULL), ("enterprise_user", FULL), ("leader", MASKED), ("park_operator", MASKED)])
def test_it_masks_contact_phones_by_role_in_the_api(world, role, phone):
    response = Api(world.user(role)).get(f"/api/enterprises/{world.ent_xltd.pk}")
    assert response.status_code == 200
    [contact] = response.json()["contacts"]
    assert (contact["name"], contact["phone"]) == ("张伟", phone)
    if phone == MASKED:
        assert FULL not in response.content.decode()


def test_it_adds_edits_and_removes_contacts(world, client_as):
    e = world.ent_xltd
    client = client_as("enterprise_user")
    response = client.post(reverse("enterprises:contact_create", args=[e.pk]),
                           {"name": "刘洋", "title": "财务", "phone": "139 0000 2222", "email": "liu@example.cn"})
    assert response.status_code == 302
    contact = e.contacts.get(name="刘洋")
    assert contact.phone == "13900002222"
    response = client.post(reverse("enterprises:contact_create", args=[e.pk]), {"name": "坏号码", "phone": "call me"})
    assert error_codes(response, "phone")
    client.post(reverse("enterprises:contact_edit", args=[contact.pk]), {"name": "刘洋", "phone": "13900003333"})
    contact.refresh_from_db()
    assert contact.phone == "13900003333"
    client.post(reverse("enterprises:contact_delete", args=[contact.pk]))
    assert not e.contacts.filter(name="刘洋").exists()
    assert AuditEvent.objects.filter(object_type="enterprises.Contact", object_id=str(contact.pk)).count() == 3


# --- search, filters, sort, pagination ----------------------------------------------------------


def _listed(client, **params: object) -> list[str]:
    response = client.get(reverse("enterprises:list"), params)
    assert response.status_code == 200
    return [e.name for e in response.context["rows"]]


@pytest.mark.parametrize("q", ["信达软件", "xindaruanjian", "XinDa", "xdrj", "QDXDRJ"])
def test_it_finds_an_enterprise_by_name_pinyin_or_initials(world, client_as, q):
    assert _listed(client_as("region_staff"), q=q) == ["青岛信达软件有限公司"]


def test_it_finds_an_enterprise_by_uscc_prefix(world, client_as):
    staff = client_as("region_staff")
    assert _listed(staff, q=world.ent_smyz.uscc[:14]) == [world.ent_smyz.name]
    assert _listed(staff, q=world.ent_smyz.uscc[:14].lower()) == [world.ent_smyz.name]
    assert world.ent_smyz.name not in _listed(staff, q=world.ent_smyz.uscc[4:16])  # prefix, not substring


def test_it_finds_an_enterprise_by_a_former_name(world, client_as):
    services.enterprise_update(actor=world.user("region_staff"), enterprise=world.ent_smyz, name="青岛角膜再生有限公司")
    staff = client_as("region_staff")
    assert _listed(staff, q="药研生物") == ["青岛角膜再生有限公司"]
    assert _listed(staff, q="jmzs") == ["青岛角膜再生有限公司"]
    api = Api(world.user("region_staff")).get("/api/enterprises/", q="药研生物").json()
    assert [i["name"] for i in api["items"]] == ["青岛角膜再生有限公司"]
    assert api["items"][0]["former_names"][0]["name"] == "青岛药研生物有限公司"


def test_it_searches_only_inside_the_scope(world, client_as):
    assert _listed(client_as("park_operator"), q="ydsw") == []  # 药研生物 is in another park
    assert _listed(client_as("region_staff"), q="崂山") == []


def test_it_filters_the_list(world, client_as):
    staff = client_as("region_staff")
    services.enterprise_update(actor=world.user("region_staff"), enterprise=world.ent_smyz, is_high_tech=True,
                               status="revoked")
    assert _listed(staff, park=world.xltd.pk) == ["青岛信达软件有限公司", "青岛装修中科技有限公司"]
    assert _listed(staff, high_tech="1") == ["青岛药研生物有限公司"]
    assert _listed(staff, status="revoked") == ["青岛药研生物有限公司"]
    assert _listed(staff, status="active", high_tech="0") == ["青岛信达软件有限公司", "青岛装修中科技有限公司"]
    # A park outside the scope is not a choice: the filter is ignored rather than used to probe.
    assert len(_listed(staff, park=world.laoshan_park.pk)) == 3


def test_it_sorts_the_list(world, client_as):
    staff = client_as("region_staff")
    services.enterprise_update(actor=world.user("region_staff"), enterprise=world.ent_smyz,
                               registered_capital_wan=Decimal("9000"), established_on=dt.date(2001, 1, 1))
    services.enterprise_update(actor=world.user("region_staff"), enterprise=world.ent_xltd_fitout,
                               registered_capital_wan=Decimal("10"))
    assert _listed(staff, sort="-capital") == ["青岛药研生物有限公司", "青岛信达软件有限公司", "青岛装修中科技有限公司"]
    assert _listed(staff, sort="capital") == ["青岛装修中科技有限公司", "青岛信达软件有限公司", "青岛药研生物有限公司"]
    assert _listed(staff, sort="established")[0] == "青岛药研生物有限公司"
    # By pinyin: xinda < yaoyan < zhuangxiu.
    assert _listed(staff, sort="name") == ["青岛信达软件有限公司", "青岛药研生物有限公司", "青岛装修中科技有限公司"]
    assert _listed(staff, sort="-name")[0] == "青岛装修中科技有限公司"
    assert _listed(staff, sort="nonsense") == _listed(staff)


def test_it_paginates_the_list(world, client_as):
    for i in range(30):
        _new(world, f"青岛分页测试{i:02d}有限公司", 100 + i)
    staff = client_as("region_staff")
    first = staff.get(reverse("enterprises:list"), {"q": "分页测试"})
    assert first.context["total"] == 30
    assert len(first.context["rows"]) == 25
    second = staff.get(reverse("enterprises:list"), {"q": "分页测试", "page": 2})
    assert len(second.context["rows"]) == 5
    assert not {e.pk for e in first.context["rows"]} & {e.pk for e in second.context["rows"]}
    assert "page=2" in first.content.decode()
    assert staff.get(reverse("enterprises:list"), {"q": "分页测试", "page": 99}).context["page_obj"].number == 2


# --- export -------------------------------------------------------------------------------------


def test_it_exports_the_list_and_audits_the_export(world, client_as):
    staff = client_as("region_staff")
    response = staff.get(reverse("enterprises:list"), {"export": "xlsx", "park": world.xltd.pk},
                         REMOTE_ADDR="10.1.2.3")
    rows = read_xlsx(response)
    assert "attachment" in response["Content-Disposition"]
    assert sorted(r[1] for r in rows[1:]) == ["青岛信达软件有限公司", "青岛装修中科技有限公司"]
    xltd_row = next(r for r in rows[1:] if r[0] == world.ent_xltd.uscc)
    assert xltd_row[2] == "6513" and xltd_row[7] == 500  # calamine gives numbers back as numbers
    assert xltd_row[4:6] == ["370213", "李沧区"]  # the region by code and by name (注册地, 注册地名称)
    event = AuditEvent.objects.filter(action="export").latest("id")
    assert (event.actor, event.object_type, event.ip) == (world.user("region_staff"), "enterprises.Enterprise",
                                                          "10.1.2.3")
    assert event.after["rows"] == 2 and event.after["format"] == "xlsx"
    assert event.after["filters"] == {"park": str(world.xltd.pk)}

    csv_rows = read_csv(staff.get(reverse("enterprises:list"), {"export": "csv"}))
    assert len(csv_rows) == 4
    assert AuditEvent.objects.filter(action="export").latest("id").after["rows"] == 3


def test_it_exports_only_what_the_user_may_see(world, client_as):
    rows = read_xlsx(client_as("park_operator").get(reverse("enterprises:list"), {"export": "xlsx"}))
    assert sorted(r[1] for r in rows[1:]) == ["青岛信达软件有限公司", "青岛装修中科技有限公司"]


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+1+2", "-3+4", "@SUM(A1)"])
def test_it_escapes_cells_that_would_run_as_formulas(world, client_as, name):
    e = _new(world, name, 7)
    services.contact_create(actor=world.user("region_staff"), enterprise=e, name="x", phone="+8613812345678")
    staff = client_as("region_staff")
    rows = read_xlsx(staff.get(reverse("enterprises:list"), {"export": "xlsx"}))
    row = next(r for r in rows[1:] if r[0] == e.uscc)
    assert row[1] == "'" + name
    assert row[-1] == "'+8613812345678"
    csv_row = next(r for r in read_csv(staff.get(reverse("enterprises:list"), {"export": "csv"})) if r[0] == e.uscc)
    assert csv_row[1] == "'" + name


def test_it_lists_settlements_of_the_enterprise_on_its_page(world, client_as):
    html = client_as("leader").get(reverse("enterprises:detail", args=[world.ent_xltd.pk])).content.decode()
    parks = html[html.index('id="enterprise-parks"'):html.index('id="contacts"')]
    assert "信联天地" in parks
    assert reverse("enterprises:settlement_detail", args=[world.st_xltd.pk]) in parks
    assert Settlement.objects.filter(enterprise=world.ent_xltd).count() == 1
