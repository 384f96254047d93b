"""Services take typed keyword arguments: a misspelt field is a TypeError, never silently dropped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import World
from yuanqu.accounts import services as accounts
from yuanqu.core.services import UNSET, assign
from yuanqu.enterprises import services as ent
from yuanqu.enterprises.models import Designation
from yuanqu.investment import services as inv
from yuanqu.parks import services as parks
from yuanqu.parks.models import Park

TODAY = dt.date(2025, 1, 2)

# Each case: the service, then the keyword arguments of a call that is right but for one misspelt field.
CASES: dict[str, tuple[Callable[..., Any], Callable[[World], dict[str, Any]]]] = {
    "park_create": (parks.park_create, lambda w: dict(
        actor=w.users["region_staff"], name="新园区", region=w.licang, kind=Park.Kind.INDUSTRIAL, opend_on=TODAY)),
    "park_update": (parks.park_update, lambda w: dict(actor=w.users["region_staff"], park=w.xltd, nmae="改名")),
    "building_create": (parks.building_create, lambda w: dict(
        actor=w.users["region_staff"], park=w.xltd, name="副楼", flors_above=3)),
    "building_update": (parks.building_update, lambda w: dict(
        actor=w.users["region_staff"], building=w.tower, hieght_m=Decimal("190"))),
    "unit_create": (parks.unit_create, lambda w: dict(
        actor=w.users["region_staff"], building=w.tower, number="2001", floor=20, area_m2=Decimal("80"),
        stauts="vacant")),
    "unit_update": (parks.unit_update, lambda w: dict(
        actor=w.users["region_staff"], unit=w.units[1], are_m2=Decimal("90"))),
    "enterprise_create": (ent.enterprise_create, lambda w: dict(
        actor=w.users["region_staff"], uscc="91370213MA3C000001", name="青岛新企业有限公司", region=w.licang,
        is_hightech=True)),
    "enterprise_update": (ent.enterprise_update, lambda w: dict(
        actor=w.users["region_staff"], enterprise=w.ent_xltd, is_hightech=True)),
    "contact_create": (ent.contact_create, lambda w: dict(
        actor=w.users["region_staff"], enterprise=w.ent_xltd, name="李四", phnoe="13800000000")),
    "contact_update": (ent.contact_update, lambda w: dict(
        actor=w.users["region_staff"], contact=w.contact_xltd, phnoe="13800000000")),
    "settlement_update": (ent.settlement_update, lambda w: dict(
        actor=w.users["region_staff"], settlement=w.st_xltd, moved_on=TODAY)),
    "lead_create": (inv.lead_create, lambda w: dict(
        actor=w.users["region_staff"], name="青岛新线索有限公司", taget_park=w.xltd)),
    "lead_update": (inv.lead_update, lambda w: dict(
        actor=w.users["region_staff"], lead=w.lead_xltd, expected_job=10)),
    "lead_contact_create": (inv.lead_contact_create, lambda w: dict(
        actor=w.users["region_staff"], lead=w.lead_xltd, name="王五", phnoe="13900000000")),
    "lead_contact_update": (inv.lead_contact_update, lambda w: dict(
        actor=w.users["region_staff"], contact=w.lead_contact_xltd, emial="a@example.cn")),
    "follow_up_create": (inv.follow_up_create, lambda w: dict(
        actor=w.users["region_staff"], lead=w.lead_xltd, kind="visit", on=TODAY, summary="拜访",
        next_stpe="再访")),
    "project_create": (inv.project_create, lambda w: dict(
        actor=w.users["region_staff"], name="新项目", park=w.xltd, total_investment_wan=Decimal("1000"),
        levle="city")),
    "project_update": (inv.project_update, lambda w: dict(
        actor=w.users["region_staff"], project=w.project_xltd, totl_investment_wan=Decimal("2000"))),
    "project_update_region": (inv.project_update, lambda w: dict(  # the region is fixed at registration
        actor=w.users["region_staff"], project=w.project_xltd, region=w.laoshan)),
    "project_follow_up_create": (inv.project_follow_up_create, lambda w: dict(
        actor=w.users["region_staff"], project=w.project_xltd, kind="visit", on=TODAY, summary="调度",
        participnts="区招商局")),
    "settlement_create": (ent.settlement_create, lambda w: dict(
        actor=w.users["region_staff"], enterprise=w.ent_smyz, park=w.xltd, signed_on=TODAY, nots="")),
    "case_create": (inv.case_create, lambda w: dict(
        actor=w.users["region_staff"], title="用地", kind="one_matter", request="协调用地", enterprize=w.ent_xltd)),
    "case_meeting_create": (inv.case_meeting_create, lambda w: dict(
        actor=w.users["region_staff"], case=w.case_xltd, on=TODAY, minutes="议定", attendess="区招商局")),
    "case_measure_create": (inv.case_measure_create, lambda w: dict(
        actor=w.users["region_staff"], case=w.case_xltd, text="办理", owner="区住建局", due=TODAY)),
    "token_create": (accounts.token_create, lambda w: dict(actor=w.users["region_staff"], name="t", day=30)),
    "user_create_on_server": (accounts.user_create_on_server, lambda w: dict(
        role="leader", region=w.licang, username="cli_leader", dispaly_name="x")),
    "user_create": (accounts.user_create, lambda w: dict(
        actor=w.users["region_admin"], username="new_leader", region=w.licang, role="leader", dispaly_name="x")),
    "user_update": (accounts.user_update, lambda w: dict(
        actor=w.users["region_admin"], user=w.users["leader"], dispaly_name="x")),
    "own_details_update": (accounts.own_details_update, lambda w: dict(actor=w.users["leader"], dispaly_name="x")),
    # The keyword check comes before the body runs, so an unsaved designation does.
    "designation_update": (ent.designation_update, lambda w: dict(
        actor=w.users["region_staff"], designation=Designation(enterprise=w.ent_xltd, kind="high_tech"),
        certifcate_no="GR2025")),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_it_refuses_a_misspelt_field(world: World, name: str) -> None:
    service, arguments = CASES[name]
    kwargs = arguments(world)
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        service(**kwargs)


def test_the_cases_cover_every_create_and_update_service() -> None:
    """A new create/update service gets a row above (module attributes named <entity>_create / _update)."""
    covered = {service for service, _ in CASES.values()}
    services = {getattr(module, attr) for module in (accounts, ent, inv, parks) for attr in dir(module)
                if attr.endswith(("_create", "_update")) and callable(getattr(module, attr))
                and getattr(getattr(module, attr), "__module__", "") == module.__name__}
    assert services - covered == set()


def test_the_correct_spelling_goes_through(world: World) -> None:
    """The same calls with the field spelt right do what they say (so the refusal above is the typo's)."""
    unit = parks.unit_update(actor=world.users["region_staff"], unit=world.units[1], area_m2=Decimal("90"))
    assert unit.area_m2 == Decimal("90") and unit.number == world.units[1].number
    lead = inv.lead_update(actor=world.users["region_staff"], lead=world.lead_xltd, expected_jobs=10)
    assert lead.expected_jobs == 10 and lead.name == world.lead_xltd.name


def test_an_update_changes_only_the_fields_given(world: World) -> None:
    before = Park.objects.get(pk=world.xltd.pk)
    park = parks.park_update(actor=world.users["region_staff"], park=world.xltd, address="青岛市李沧区九水东路")
    assert park.address == "青岛市李沧区九水东路"
    assert (park.name, park.kind, park.status, park.key_level) == (before.name, before.kind, before.status,
                                                                    before.key_level)
    # None is a value (clearing a nullable field), unlike UNSET.
    park = parks.park_update(actor=world.users["region_staff"], park=park, opened_on=TODAY)
    park = parks.park_update(actor=world.users["region_staff"], park=park, opened_on=None)
    assert park.opened_on is None and park.address == "青岛市李沧区九水东路"


def test_assign_refuses_a_name_that_is_no_field(world: World) -> None:
    park = Park.objects.get(pk=world.xltd.pk)
    with pytest.raises(TypeError, match="no field 'nmae'"):
        assign(park, nmae="x")
    assign(park, name="新名", address=UNSET)
    assert park.name == "新名" and park.address == world.xltd.address
