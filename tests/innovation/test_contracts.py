"""Technology contracts (技术合同): registration with its checks, the figures by kind, field, direction and park,
the cockpit card, the API and the importer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.conftest import World
from tests.helpers import Api, read_xlsx
from yuanqu.innovation import services
from yuanqu.innovation.models import Match, TechContract

from .world import innovation_of

GOOD = {"registration_no": "3702132026000123", "title": "视觉检测技术开发", "kind": "development",
        "field": "electronics", "ip_type": "invention", "signed_on": "2026-01-05", "registered_on": "2026-01-20",
        "seller_name": "青岛某大学", "total_wan": "120", "tech_wan": "100"}


def _errors(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return {k: [str(m) for m in v] for k, v in response.context["form"].errors.items()}


def test_it_registers_a_contract_with_a_buyer_of_the_district(world: World, client_as) -> None:
    response = client_as("park_operator").post(reverse("innovation:contract_create"), {
        **GOOD, "park": world.xltd.pk, "buyer": world.ent_xltd.pk})
    assert response.status_code == 302
    contract = TechContract.objects.get(registration_no=GOOD["registration_no"])
    assert contract.buyer_in_district and not contract.seller_in_district
    assert contract.buyer_name == world.ent_xltd.name and contract.total_wan == Decimal(120)


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"tech_wan": "130"}, "tech_wan", "技术交易额不能超过合同交易总额。"),
    ({"total_wan": "-1", "tech_wan": "0"}, "total_wan", "金额不能为负数。"),
    ({"registered_on": "2026-01-01"}, "registered_on", "技术合同的登记日期不能早于签订日期。"),
])
def test_it_refuses_bad_amounts_and_dates_in_chinese(world: World, client_as, change, field, message) -> None:
    response = client_as("region_staff").post(reverse("innovation:contract_create"), {
        **GOOD, "buyer_name": "某公司", **change})
    assert response.status_code == 200
    assert message in _errors(response)[field]
    assert not TechContract.objects.filter(registration_no=GOOD["registration_no"]).exists()


def test_the_database_holds_the_invariants(world: World) -> None:
    contract = innovation_of(world)["xltd"]["contract"]
    for values in ({"tech_wan": Decimal(101)}, {"registered_on": dt.date(2025, 2, 1)}, {"total_wan": Decimal(-1)}):
        with pytest.raises(IntegrityError), transaction.atomic():
            TechContract.objects.filter(pk=contract.pk).update(**values)


def test_an_operator_cannot_register_for_a_park_outside_its_scope(world: World, client_as) -> None:
    response = client_as("park_operator").post(reverse("innovation:contract_create"), {
        **GOOD, "buyer_name": "某公司", "park": world.smyz.pk})
    assert response.status_code == 200
    assert not TechContract.objects.filter(registration_no=GOOD["registration_no"]).exists()


def test_the_api_refuses_bad_input_with_422(world: World) -> None:
    api = Api(world.users["region_staff"])
    data = {**GOOD, "buyer_name": "某公司", "tech_wan": "130"}
    response = api.post("/api/tech-contracts/", data)
    assert response.status_code == 422
    assert "技术交易额不能超过合同交易总额。" in response.json()["errors"]["tech_wan"]
    response = api.post("/api/tech-contracts/", {**data, "tech_wan": "100"})
    assert response.status_code == 201 and Decimal(response.json()["total_wan"]) == Decimal(120)


def test_the_figures_split_kind_field_and_direction(world: World, client_as) -> None:
    staff = world.users["region_staff"]
    innovation_of(world)  # one contract per place in 2025 (100万元 each; sellers in their districts)
    services.contract_create(actor=staff, registration_no="X-2025-2", title="转让", kind="transfer",
                             signed_on=dt.date(2025, 5, 1), registered_on=dt.date(2025, 5, 9), seller_name="外地",
                             buyer=world.ent_smyz, total_wan=Decimal(50), tech_wan=Decimal(50), field="biomedicine",
                             park=world.smyz)
    response = client_as("region_staff").get(reverse("innovation:contract_stats"), {"year": "2025"})
    figures = response.context["figures"]
    assert figures["contracts"].value == 3 and figures["contract_amount"].value == Decimal(250)
    assert figures["contract_amount_out"].value == Decimal(200) and figures["contract_amount_in"].value == Decimal(50)
    by_kind = {r["key"]: r["amount"] for r in response.context["by"]["kind"]}
    assert by_kind == {"development": Decimal(200), "transfer": Decimal(50)}
    by_park = {r["key"]: r["count"] for r in response.context["by"]["park"]}
    assert by_park == {world.xltd.pk: 1, world.smyz.pk: 2}
    operator = client_as("park_operator").get(reverse("innovation:contract_stats"), {"year": "2025"})
    assert operator.context["figures"]["contract_amount"].value == Decimal(100)
    rows = read_xlsx(client_as("region_staff").get(reverse("innovation:contract_stats"),
                                                   {"year": "2025", "export": "xlsx"}))
    assert ["合计", "技术合同成交额", 250, "万元"] in rows


def test_the_cockpit_card_follows_a_registration(world: World, client_as) -> None:
    client = client_as("region_staff")
    today = dt.date.today()
    query = {"year": today.year, "month": today.month}
    before = client.get(reverse("dashboards:cockpit"), query)
    card = next(c for c in before.context["extra_cards"] if c["id"] == "kpi-contracts")
    services.contract_create(actor=world.users["region_staff"], registration_no="NEW-1", title="新合同",
                             kind="service", signed_on=today, registered_on=today, seller_name="甲",
                             buyer_name="乙", total_wan=Decimal("88.5"), tech_wan=Decimal(80), field="urban")
    after = client.get(reverse("dashboards:cockpit"), query)
    card_after = next(c for c in after.context["extra_cards"] if c["id"] == "kpi-contracts")
    assert card_after["value"] - card["value"] == Decimal("88.5")
    assert 'id="kpi-contracts"' in after.content.decode()


def test_a_contract_with_its_match_registers_the_match(world: World) -> None:
    match = innovation_of(world)["xltd"]["match"]
    staff = world.users["region_staff"]
    services.match_advance(actor=staff, match=match, status="negotiating")
    services.match_advance(actor=staff, match=match, status="signed")
    services.contract_create(actor=staff, registration_no="M-1", title="许可", kind="license",
                             signed_on=dt.date(2025, 6, 1), registered_on=dt.date(2025, 6, 2), seller_name="甲",
                             buyer=world.ent_xltd, total_wan=Decimal(10), tech_wan=Decimal(10), field="electronics",
                             park=world.xltd, match=match)
    assert Match.objects.get(pk=match.pk).status == "registered"


def test_the_enterprise_sees_the_contracts_it_sold_or_bought(world: World) -> None:
    innovation_of(world)
    response = Api(world.users["enterprise_user"]).get("/api/tech-contracts/")
    ids = {row["id"] for row in response.json()["items"]}
    assert ids == set(TechContract.objects.filter(seller=world.ent_xltd).values_list("pk", flat=True))
