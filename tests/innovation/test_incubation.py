"""Incubation (孵化培育) through the front door: admission rules as warnings a reviewer accepts with a reason,
graduation by one criterion (refused naming what is missing), the recognition checklist against hand-worked cases,
and the 火炬统计 return."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from tests.conftest import World
from tests.helpers import read_xlsx
from yuanqu.core.demo import make_uscc
from yuanqu.enterprises import services as ent_services
from yuanqu.innovation import services
from yuanqu.innovation.models import Incubatee, Incubator, Threshold
from yuanqu.innovation.services import months_between

from .world import innovation_of


def _messages(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, 28))


@pytest.fixture
def assessing(world: World) -> Incubatee:
    """信达软件 applied to 信联天地's incubator 40 months ago and is being assessed."""
    inc = innovation_of(world)["xltd"]["incubatee"]
    return services.incubatee_advance(actor=world.users["region_staff"], incubatee=inc, status="assessing",
                                      on=inc.applied_on)


def test_months_are_whole_months() -> None:
    assert months_between(dt.date(2024, 1, 31), dt.date(2024, 2, 29)) == 0
    assert months_between(dt.date(2024, 1, 31), dt.date(2024, 3, 1)) == 1
    assert months_between(dt.date(2022, 6, 15), dt.date(2024, 12, 15)) == 30


def test_it_warns_about_a_firm_founded_30_months_before_entry(world: World, client_as, assessing) -> None:
    entry = dt.date(2025, 2, 3)
    ent_services.enterprise_update(actor=world.users["region_staff"], enterprise=world.ent_xltd,
                                   established_on=_months_before(entry, 30))
    client = client_as("park_operator")
    url = reverse("innovation:incubatee_advance", args=[assessing.pk])
    refused = client.post(url, {"status": "incubating", "on": entry.isoformat()})
    assessing.refresh_from_db()
    assert assessing.status == "assessing"
    text = _messages(refused)
    assert "成立30个月" in text and "至多24个月" in text and "请填写理由" in text
    client.post(url, {"status": "incubating", "on": entry.isoformat(), "accept_reason": "转型研发新技术"})
    assessing.refresh_from_db()
    assert assessing.status == "incubating" and assessing.entered_on == entry
    assert assessing.warnings == ["企业入孵时已成立30个月（至多24个月）"]
    assert assessing.warnings_reason == "转型研发新技术" and assessing.reviewed_by == world.users["park_operator"]


def test_it_warns_about_1500_square_metres_but_not_for_aerospace(world: World, client_as, assessing) -> None:
    entry = dt.date(2025, 2, 3)
    ent_services.enterprise_update(actor=world.users["region_staff"], enterprise=world.ent_xltd,
                                   established_on=_months_before(entry, 6))
    services.incubatee_update(actor=world.users["region_staff"], incubatee=assessing, area_m2=Decimal(1500))
    client = client_as("region_staff")
    url = reverse("innovation:incubatee_advance", args=[assessing.pk])
    refused = client.post(url, {"status": "incubating", "on": entry.isoformat()})
    assert "使用孵化场地1500平方米（至多1000平方米）" in _messages(refused)
    services.incubatee_update(actor=world.users["region_staff"], incubatee=assessing, track="aerospace")
    client.post(url, {"status": "incubating", "on": entry.isoformat()})
    assessing.refresh_from_db()
    assert assessing.status == "incubating" and assessing.warnings == []


def test_a_firm_outside_the_incubator_is_a_warning(world: World) -> None:
    staff = world.users["region_staff"]
    incubator = innovation_of(world)["xltd"]["incubator"]
    inc = services.incubatee_apply(actor=staff, incubator=incubator, enterprise=world.ent_smyz,
                                   applied_on=dt.date(2025, 1, 2))
    checks = {c.code: c for c in services.admission_checks(inc, dt.date(2025, 2, 1))}
    assert not checks["registered_inside"].ok
    assert checks["registered_inside"].message == "企业未在本孵化器所在园区登记入驻。"


def test_the_rules_are_data(world: World, assessing) -> None:
    entry = dt.date(2025, 2, 3)
    ent_services.enterprise_update(actor=world.users["region_staff"], enterprise=world.ent_xltd,
                                   established_on=_months_before(entry, 30))
    Threshold.objects.filter(rule="admit_max_age_months", variant="").update(value=36)
    assessing.enterprise.refresh_from_db()
    inc = services.incubatee_advance(actor=world.users["region_staff"], incubatee=assessing, status="incubating",
                                     on=entry)
    assert inc.status == "incubating" and inc.warnings == []


def _incubating(world: World, assessing: Incubatee) -> Incubatee:
    entry = dt.date(2023, 2, 3)
    ent_services.enterprise_update(actor=world.users["region_staff"], enterprise=world.ent_xltd,
                                   established_on=dt.date(2022, 6, 1))
    Incubatee.objects.filter(pk=assessing.pk).update(applied_on=dt.date(2023, 1, 5))  # an older application
    assessing.refresh_from_db()
    assessing.enterprise.refresh_from_db()
    return services.incubatee_advance(actor=world.users["region_staff"], incubatee=assessing, status="incubating",
                                      on=entry)


def test_graduation_without_a_criterion_is_refused_naming_what_is_missing(world: World, client_as, assessing) -> None:
    inc = _incubating(world, assessing)
    response = client_as("park_operator").post(reverse("innovation:incubatee_graduate", args=[inc.pk]),
                                               {"on": timezone.localdate().isoformat()})
    inc.refresh_from_db()
    assert inc.status == "incubating"
    text = _messages(response)
    assert "没有满足任何一项毕业条件" in text
    for missing in ("不是高新技术企业", "累计获天使/风险投资0万元，需超过500万元", "没有连续两年的营业收入",
                    "未被兼并收购或挂牌上市"):
        assert missing in text


def test_it_graduates_by_financing_above_500(world: World, client_as, assessing) -> None:
    inc = _incubating(world, assessing)
    staff = world.users["region_staff"]
    services.financing_create(actor=staff, incubatee=inc, on=dt.date(2023, 9, 1), round="angel",
                              amount_wan=Decimal(300), investor="天使基金")
    services.financing_create(actor=staff, incubatee=inc, on=dt.date(2024, 9, 1), round="loan",
                              amount_wan=Decimal(400), investor="银行")  # a loan is no angel/VC investment
    services.financing_create(actor=staff, incubatee=inc, on=dt.date(2024, 10, 1), round="pre_a",
                              amount_wan=Decimal(200), investor="创投")
    checks = {c.code: c for c in services.graduation_checks(inc, timezone.localdate())}
    assert not checks["financing"].ok  # exactly 500 is not "above 500"
    services.financing_create(actor=staff, incubatee=inc, on=dt.date(2024, 11, 1), round="a",
                              amount_wan=Decimal("0.01"), investor="创投")
    client_as("region_staff").post(reverse("innovation:incubatee_graduate", args=[inc.pk]),
                                   {"on": timezone.localdate().isoformat(), "criterion": "high_tech"})
    inc.refresh_from_db()
    assert inc.status == "incubating"  # the named criterion is not met
    client_as("region_staff").post(reverse("innovation:incubatee_graduate", args=[inc.pk]),
                                   {"on": timezone.localdate().isoformat()})
    inc.refresh_from_db()
    assert inc.status == "graduated" and inc.criterion == "financing"


def test_revenue_counts_two_consecutive_years(world: World, assessing) -> None:
    inc = _incubating(world, assessing)
    staff = world.users["region_staff"]
    services.incubatee_year_set(actor=staff, incubatee=inc, year=2023, revenue_wan=Decimal(600))
    services.incubatee_year_set(actor=staff, incubatee=inc, year=2025, revenue_wan=Decimal(600))
    checks = {c.code: c for c in services.graduation_checks(inc, timezone.localdate())}
    assert not checks["revenue"].ok  # 2023 and 2025 are not consecutive
    services.incubatee_year_set(actor=staff, incubatee=inc, year=2024, revenue_wan=Decimal(450))
    checks = {c.code: c for c in services.graduation_checks(inc, timezone.localdate())}
    assert checks["revenue"].ok and checks["revenue"].message == "连续两年营业收入合计最高1050万元，需超过1000万元"
    graduated = services.incubatee_graduate(actor=staff, incubatee=inc, on=timezone.localdate(), criterion="revenue")
    assert graduated.criterion == "revenue" and graduated.ended_on == timezone.localdate()


def test_leaving_needs_a_reason_and_moves_are_checked(world: World, client_as, assessing) -> None:
    client = client_as("park_operator")
    url = reverse("innovation:incubatee_advance", args=[assessing.pk])
    response = client.post(url, {"status": "moved_out", "on": timezone.localdate().isoformat()})
    assert "不能转为" in _messages(response)
    inc = _incubating(world, assessing)
    response = client.post(url, {"status": "moved_out", "on": timezone.localdate().isoformat()})
    assert "请填写原因" in _messages(response)
    client.post(url, {"status": "moved_out", "on": timezone.localdate().isoformat(), "reason": "搬迁"})
    inc.refresh_from_db()
    assert inc.status == "moved_out" and inc.end_reason == "搬迁"


def test_the_enterprise_reads_its_record_but_cannot_change_it(world: World, client_as, assessing) -> None:
    client = client_as("enterprise_user")
    assert client.get(reverse("innovation:incubatee_detail", args=[assessing.pk])).status_code == 200
    response = client.post(reverse("innovation:incubatee_advance", args=[assessing.pk]),
                           {"status": "incubating", "on": "2025-02-03", "accept_reason": "x"})
    assert response.status_code == 404
    assessing.refresh_from_db()
    assert assessing.status == "assessing"


def test_financing_refuses_a_negative_amount_in_chinese(world: World, client_as, assessing) -> None:
    response = client_as("park_operator").post(reverse("innovation:incubatee_financing", args=[assessing.pk]),
                                               {"on": "2025-02-03", "round": "angel", "amount_wan": "-5",
                                                "investor": "某基金"})
    assert "金额不能为负数" in _messages(response)
    assert not assessing.financings.exists()


# --------------------------------------------------------------------------- the checklist, worked by hand


def _firms(world: World, incubator: Incubator, n: int, on: dt.date) -> list[Incubatee]:
    """``n`` young firms settled in 信联天地, admitted on ``on`` with 150 m² each."""
    staff = world.users["region_staff"]
    rng = random.Random(7)
    made = []
    for i in range(n):
        ent = ent_services.enterprise_create(actor=staff, uscc=make_uscc(rng), name=f"青岛孵化{i}号科技有限公司",
                                             region=world.xltd.region, established_on=on - dt.timedelta(days=100))
        ent_services.settlement_create(actor=staff, enterprise=ent, park=world.xltd, signed_on=on)
        inc = services.incubatee_apply(actor=staff, incubator=incubator, enterprise=ent, applied_on=on,
                                       area_m2=Decimal(150))
        inc = services.incubatee_advance(actor=staff, incubatee=inc, status="assessing", on=on)
        made.append(services.incubatee_advance(actor=staff, incubatee=inc, status="incubating", on=on))
    return made


def test_the_checklist_against_a_hand_worked_case(world: World, client_as) -> None:
    """2,000 m² with 200 m² of public services; 10 firms of 150 m²; one financed; 4 applied for patents, 3 hold
    valid IP; no staff, one mentor, no graduate, no fund:
    used (10×150 + 200) / 2000 = 85% ✓; 10 < 50 (gap 40); 10 per 2 thousand m² = 5 ✓; financed 1/10 = 10% ✓;
    staff 0 < 1 (gap 1); mentors 1 ✓; patents 40% < 50% but valid IP 30% ✓; graduated 0 (gap 20);
    fund 0 < 500 (gap 500); area 2000 < 10000 (gap 8000)."""
    staff = world.users["region_staff"]
    incubator = services.incubator_create(actor=staff, park=world.xltd, area_m2=Decimal(2000),
                                          public_area_m2=Decimal(200))
    services.mentor_create(actor=staff, incubator=incubator, name="导师甲")
    firms = _firms(world, incubator, 10, dt.date(2025, 1, 6))
    services.financing_create(actor=staff, incubatee=firms[0], on=dt.date(2025, 3, 1), round="angel",
                              amount_wan=Decimal(50), investor="天使")
    for k, inc in enumerate(firms):
        services.incubatee_year_set(actor=staff, incubatee=inc, year=2025, patents_applied=1 if k < 4 else 0,
                                    valid_ip=1 if k >= 7 else 0)
    response = client_as("park_operator").get(reverse("innovation:incubator_detail", args=[incubator.pk]),
                                              {"year": "2025"})
    rows = {r.code: r for r in response.context["checklist"]["rows"]}
    assert {code for code, r in rows.items() if r.met} == {"area_used", "density", "financed", "mentors", "ip"}
    assert rows["area_used"].actual == "85%"
    assert rows["incubatees"].gap == "还差40家"
    assert rows["density"].actual == "5家"
    assert rows["financed"].actual == "10%"
    assert rows["staff"].gap == "还差1名"
    assert rows["ip"].actual == "40% / 30%"
    assert rows["graduated"].gap == "还差20家"
    assert rows["fund"].gap == "还差500万元"
    assert rows["area"].gap == "还差8000平方米"
    assert response.context["checklist"]["met"] == 5


def test_a_specialised_incubator_is_held_to_its_own_thresholds(world: World) -> None:
    from yuanqu.core.registry import providers

    staff = world.users["region_staff"]
    incubator = services.incubator_create(actor=staff, park=world.xltd, kind="specialised", industry="生物医药",
                                          area_m2=Decimal(6000))
    rows = {r.code: r for r in providers.get("innovation.checklist")(incubator, 2025)["rows"]}
    assert rows["area"].met and rows["area"].required == "≥ 5000平方米"
    assert rows["incubatees"].required == "≥ 30家" and rows["graduated"].required == "≥ 15家"


def test_a_specialised_incubator_names_its_industry(world: World, client_as) -> None:
    response = client_as("region_staff").post(reverse("innovation:incubator_create"), {
        "park": world.smyz.pk, "programme": "incubator", "level": "none", "kind": "specialised", "industry": "",
        "area_m2": "1000", "staff": "1"})
    assert response.status_code == 200
    assert "专业孵化器须写明其产业领域" in response.content.decode()
    assert not Incubator.objects.filter(park=world.smyz).exists()


def test_the_torch_return_exports_its_field_groups(world: World, client_as) -> None:
    staff = world.users["region_staff"]
    incubator = services.incubator_create(actor=staff, park=world.xltd, area_m2=Decimal(2000), staff=3)
    _firms(world, incubator, 2, dt.date(2025, 1, 6))
    services.incubator_year_set(actor=staff, incubator=incubator, year=2025, income_service_wan=Decimal(10),
                                income_property_wan=Decimal(20), income_investment_wan=Decimal(5),
                                income_other_wan=Decimal(1))
    rows = read_xlsx(client_as("park_operator").get(reverse("innovation:incubator_return", args=[incubator.pk]),
                                                    {"year": "2025"}))
    values = {(r[0], r[1]): r[2] for r in rows[1:]}
    assert values[("孵化器收入", "总收入")] == 36
    assert values[("在孵企业", "在孵企业数（年末）")] == 2
    assert values[("场地", "其中：在孵企业使用面积")] == 300
    assert values[("从业人员", "专业孵化服务人员")] == 3


def test_district_staff_change_a_threshold_and_others_cannot(world: World, client_as) -> None:
    from yuanqu.core.models import AuditEvent

    row = Threshold.objects.get(rule="admit_max_area_m2", variant="")
    url = reverse("innovation:thresholds")
    assert client_as("region_admin").get(url).status_code == 404
    assert AuditEvent.objects.filter(after__refused="threshold_set").exists()
    client = client_as("region_staff")
    back = client.post(url, {"threshold": row.pk, "value": "-1"})
    assert "阈值不能为负数" in _messages(back)
    client.post(url, {"threshold": row.pk, "value": "1200"})
    row.refresh_from_db()
    assert row.value == 1200
    assert AuditEvent.objects.filter(object_type="innovation.threshold", action="update").exists() or \
        AuditEvent.objects.filter(object_id=str(row.pk), action="update").exists()
