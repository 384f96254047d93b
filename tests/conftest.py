"""One shared world for every test: two districts, three parks, enterprises, one user per role.

- 李沧区 (370213): 信联天地 (the operator's park) and 生命药洲 (another park of the same district).
- 崂山区 (370212): 崂山科创园, outside the district users' region.
- ent_xltd is moved in at 信联天地 (the enterprise user's own); ent_smyz at 生命药洲; ent_laoshan at 崂山.
Every object is created through the services, as the app would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from yuanqu.accounts.models import User
from yuanqu.accounts.services import user_create_on_server
from yuanqu.core.demo import make_uscc
from yuanqu.core.models import IndustryCode, Region
from yuanqu.core.roles import Role
from yuanqu.enterprises import services as ent
from yuanqu.enterprises.models import Contact, Enterprise, Settlement
from yuanqu.investment import services as inv
from yuanqu.investment.models import Case, CaseMeasure, Lead, LeadContact, Project, StageChange
from yuanqu.parks import services as parks
from yuanqu.parks.models import Building, Park, Unit
from yuanqu.stats import services as stats
from yuanqu.stats.models import Report, Round

TEST_PASSWORD = "Pa55word-for-tests"  # only ever set inside the test database


@dataclass
class World:
    """Everything the shared fixture creates, by name."""

    licang: Region
    laoshan: Region
    users: dict[str, User]
    xltd: Park
    smyz: Park
    laoshan_park: Park
    tower: Building
    units: list[Unit]
    smyz_building: Building
    smyz_unit: Unit
    ent_xltd: Enterprise
    ent_xltd_fitout: Enterprise
    ent_smyz: Enterprise
    ent_laoshan: Enterprise
    st_xltd: Settlement
    st_xltd_fitout: Settlement
    st_smyz: Settlement
    st_laoshan: Settlement
    contact_xltd: Contact
    contact_smyz: Contact
    contact_laoshan: Contact
    laoshan_staff: User
    laoshan_building: Building
    laoshan_unit: Unit
    lead_xltd: Lead
    lead_smyz: Lead
    lead_laoshan: Lead
    lead_contact_xltd: LeadContact
    project_xltd: Project
    project_smyz: Project
    project_laoshan: Project
    change_xltd: StageChange
    change_smyz: StageChange
    change_laoshan: StageChange
    case_xltd: Case
    case_smyz: Case
    case_laoshan: Case
    # One contact and one measure per scope, for the scope matrix's per-object URLs.
    lead_contact_smyz: LeadContact | None = None
    lead_contact_laoshan: LeadContact | None = None
    measure_xltd: CaseMeasure | None = None
    measure_smyz: CaseMeasure | None = None
    measure_laoshan: CaseMeasure | None = None
    round_licang: Round | None = None
    round_laoshan: Round | None = None
    report_xltd: Report | None = None
    report_smyz: Report | None = None
    report_laoshan: Report | None = None

    def user(self, role: str) -> User:
        return self.users[role]


def _enterprise(actor: User, name: str, region: Region, seed: int) -> Enterprise:
    import random

    return ent.enterprise_create(
        actor=actor, uscc=make_uscc(random.Random(seed), region.code), name=name,
        industry=IndustryCode.objects.get(pk="6513"), region=region,
        registered_capital_wan=Decimal("500"), established_on=dt.date(2015, 5, 1),
    )


def build_world() -> World:
    """Create the shared world (also used by the browser tests, which cannot share a transaction)."""
    licang = Region.objects.get(pk="370213")
    laoshan = Region.objects.get(pk="370212")
    staff = user_create_on_server(role=Role.REGION_STAFF, region=licang, username="staff",
                                  password=TEST_PASSWORD, display_name="区招商局")[0]
    laoshan_staff = user_create_on_server(role=Role.REGION_STAFF, region=laoshan, username="laoshan_staff",
                                          password=TEST_PASSWORD)[0]
    xltd = parks.park_create(actor=staff, name="信联天地", region=licang, kind=Park.Kind.OFFICE_TOWER,
                             status=Park.Status.OPERATING, key_level=Park.Level.DISTRICT)
    smyz = parks.park_create(actor=staff, name="生命药洲", region=licang, kind=Park.Kind.INDUSTRIAL,
                             status=Park.Status.OPERATING, key_level=Park.Level.PROVINCE_CITY_DISTRICT)
    laoshan_park = parks.park_create(actor=laoshan_staff, name="崂山科创园", region=laoshan,
                                     kind=Park.Kind.SCIENCE_PARK, status=Park.Status.OPERATING)
    laoshan_building = parks.building_create(actor=laoshan_staff, park=laoshan_park, name="1号楼")
    laoshan_unit = parks.unit_create(actor=laoshan_staff, building=laoshan_building, number="101", floor=1,
                                     area_m2=Decimal("300"))
    tower = parks.building_create(actor=staff, park=xltd, name="主塔楼", floors_above=45, height_m=Decimal("186"))
    units = [parks.unit_create(actor=staff, building=tower, number=f"{f}01", floor=f, area_m2=Decimal("200"))
             for f in (10, 11, 12)]
    smyz_building = parks.building_create(actor=staff, park=smyz, name="研发楼A", floors_above=8)
    smyz_unit = parks.unit_create(actor=staff, building=smyz_building, number="101", floor=1, area_m2=Decimal("500"))

    ent_xltd = _enterprise(staff, "青岛信达软件有限公司", licang, 1)
    ent_xltd_fitout = _enterprise(staff, "青岛装修中科技有限公司", licang, 2)
    ent_smyz = _enterprise(staff, "青岛药研生物有限公司", licang, 3)
    ent_laoshan = _enterprise(laoshan_staff, "青岛崂山海洋科技有限公司", laoshan, 4)

    signed = dt.date(2024, 3, 1)
    st_xltd = ent.settlement_create(actor=staff, enterprise=ent_xltd, park=xltd, signed_on=signed, units=[units[0]])
    ent.settlement_advance(actor=staff, settlement=st_xltd, to_stage="fitout", on=dt.date(2024, 4, 1))
    st_xltd = ent.settlement_advance(actor=staff, settlement=st_xltd, to_stage="moved_in", on=dt.date(2024, 6, 1))
    st_xltd_fitout = ent.settlement_create(actor=staff, enterprise=ent_xltd_fitout, park=xltd, signed_on=signed,
                                           units=[units[1]])
    st_xltd_fitout = ent.settlement_advance(actor=staff, settlement=st_xltd_fitout, to_stage="fitout",
                                            on=dt.date(2024, 5, 1))
    st_smyz = ent.settlement_create(actor=staff, enterprise=ent_smyz, park=smyz, signed_on=signed,
                                    units=[smyz_unit])
    st_laoshan = ent.settlement_create(actor=laoshan_staff, enterprise=ent_laoshan, park=laoshan_park,
                                       signed_on=signed)
    contact_xltd = ent.contact_create(actor=staff, enterprise=ent_xltd, name="张伟", phone="13812345678",
                                      email="zhangwei@example.cn", is_primary=True)
    contact_smyz = ent.contact_create(actor=staff, enterprise=ent_smyz, name="李娜", phone="13900001111")
    contact_laoshan = ent.contact_create(actor=laoshan_staff, enterprise=ent_laoshan, name="王强",
                                         phone="13700002222")

    users = {Role.REGION_STAFF.value: staff}
    for role, extra in (
        (Role.REGION_ADMIN, {}),
        (Role.AUDITOR, {}),
        (Role.LEADER, {}),
        (Role.PARK_OPERATOR, {"parks": [xltd]}),
        (Role.ENTERPRISE_USER, {"enterprise": ent_xltd}),
    ):
        users[role.value] = user_create_on_server(role=role, region=licang, username=role.value,
                                                  password=TEST_PASSWORD, **extra)[0]
    operator = users[Role.PARK_OPERATOR.value]
    lead_xltd = inv.lead_create(actor=operator, name="青岛远航数据科技有限公司", target_park=xltd,
                                source="one_to_one", intended_investment_wan=Decimal("5000"), expected_jobs=80,
                                contacts=[{"name": "赵敏", "phone": "13611112222", "email": "zhaomin@example.cn"}])
    inv.follow_up_create(actor=operator, lead=lead_xltd, kind="visit", on=dt.date(2025, 3, 1),
                         summary="首次走访", next_step="报送方案", next_step_on=dt.date(2025, 3, 15))
    lead_xltd.refresh_from_db()
    lead_smyz = inv.lead_create(actor=staff, name="青岛康和医疗器械有限公司", target_park=smyz, source="expo",
                                intended_investment_wan=Decimal("12000"), claim=False)
    lead_laoshan = inv.lead_create(actor=laoshan_staff, name="青岛崂山蓝海生物有限公司", target_park=laoshan_park,
                                   source="agency", intended_investment_wan=Decimal("3000"))
    project_xltd = inv.project_create(actor=staff, name="信联天地数字总部项目", park=xltd, level="district",
                                      total_investment_wan=Decimal("50000"))
    inv.project_plan(actor=staff, project=project_xltd, plans={"signed": dt.date(2025, 1, 10),
                                                               "registered": dt.date(2025, 2, 1)})
    change_xltd = inv.stage_change_submit(actor=operator, project=project_xltd, to_stage="signed",
                                          on=dt.date(2025, 1, 15),
                                          evidence=[ContentFile(b"%PDF-1.4 test", name="合同.pdf")])
    project_smyz = inv.project_create(actor=staff, name="生命药洲角膜产业化项目", park=smyz, level="city",
                                      total_investment_wan=Decimal("20000"))
    change_smyz = inv.stage_change_submit(actor=staff, project=project_smyz, to_stage="signed",
                                          on=dt.date(2025, 2, 1),
                                          evidence=[ContentFile(b"\x89PNG\r\n\x1a\n....", name="签约.png")])
    project_laoshan = inv.project_create(actor=laoshan_staff, name="崂山海洋装备项目", park=laoshan_park,
                                         total_investment_wan=Decimal("30000"))
    change_laoshan = inv.stage_change_submit(actor=laoshan_staff, project=project_laoshan, to_stage="signed",
                                             on=dt.date(2025, 2, 1),
                                             evidence=[ContentFile(b"%PDF-1.7 x", name="崂山合同.pdf")])
    case_xltd = inv.case_create(actor=staff, title="远航数据 用房补贴", kind="one_enterprise", request="三年租金减免",
                                lead=lead_xltd)
    inv.case_measure_create(actor=staff, case=case_xltd, text="报区政府常务会", owner="区发改局",
                            due_on=dt.date(2025, 1, 31))
    case_smyz = inv.case_create(actor=staff, title="角膜项目 设备补助", kind="one_matter", request="设备补助",
                                project=project_smyz)
    case_laoshan = inv.case_create(actor=laoshan_staff, title="崂山 人才公寓", kind="one_matter", request="公寓",
                                   project=project_laoshan)
    lead_contact_smyz = inv.lead_contact_create(actor=staff, lead=lead_smyz, name="钱磊", phone="13700007777")
    lead_contact_laoshan = inv.lead_contact_create(actor=laoshan_staff, lead=lead_laoshan, name="孙丽",
                                                   phone="13700008888")
    measure_smyz = inv.case_measure_create(actor=staff, case=case_smyz, text="设备清单核定", owner="区工信局",
                                           due_on=dt.date(2030, 6, 30))
    measure_laoshan = inv.case_measure_create(actor=laoshan_staff, case=case_laoshan, text="房源核定", owner="崂山区",
                                              due_on=dt.date(2030, 6, 30))
    # Statistics: a June 2025 round in each region, one report per park (smyz and laoshan are
    # attributed directly: their enterprises are only signed in this world).
    round_licang = stats.round_open(actor=staff, region=licang, frequency="month", year=2025, month=6,
                                    deadline=dt.date(2025, 7, 10))
    round_laoshan = stats.round_open(actor=laoshan_staff, region=laoshan, frequency="month", year=2025, month=6,
                                     deadline=dt.date(2025, 7, 10))
    report_xltd = Report.objects.get(round=round_licang, enterprise=ent_xltd)
    report_smyz = Report.objects.create(round=round_licang, enterprise=ent_smyz, park=smyz, industry_section="I")
    report_laoshan = Report.objects.create(round=round_laoshan, enterprise=ent_laoshan, park=laoshan_park,
                                           industry_section="I")
    return World(
        round_licang=round_licang, round_laoshan=round_laoshan, report_xltd=report_xltd, report_smyz=report_smyz,
        report_laoshan=report_laoshan,
        lead_contact_smyz=lead_contact_smyz, lead_contact_laoshan=lead_contact_laoshan,
        measure_xltd=case_xltd.measures.get(), measure_smyz=measure_smyz, measure_laoshan=measure_laoshan,
        case_xltd=case_xltd, case_smyz=case_smyz, case_laoshan=case_laoshan,
        project_xltd=project_xltd, project_smyz=project_smyz, project_laoshan=project_laoshan,
        change_xltd=change_xltd, change_smyz=change_smyz, change_laoshan=change_laoshan,
        lead_xltd=lead_xltd, lead_smyz=lead_smyz, lead_laoshan=lead_laoshan,
        lead_contact_xltd=lead_xltd.contacts.get(),
        licang=licang, laoshan=laoshan, users=users, xltd=xltd, smyz=smyz, laoshan_park=laoshan_park, tower=tower,
        units=units, smyz_building=smyz_building, smyz_unit=smyz_unit, ent_xltd=ent_xltd,
        ent_xltd_fitout=ent_xltd_fitout, ent_smyz=ent_smyz, ent_laoshan=ent_laoshan, st_xltd=st_xltd,
        st_xltd_fitout=st_xltd_fitout, st_smyz=st_smyz, st_laoshan=st_laoshan, contact_xltd=contact_xltd,
        contact_smyz=contact_smyz, contact_laoshan=contact_laoshan, laoshan_staff=laoshan_staff,
        laoshan_building=laoshan_building, laoshan_unit=laoshan_unit,
    )


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Uploaded files (evidence) go to a temporary directory, never the project's."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db: Any) -> World:
    """The shared world, inside the test's transaction."""
    return build_world()


@pytest.fixture
def client_as(world: World) -> Callable[[str], Client]:
    """A logged-in test client for one of the shared users, by role (or 'anonymous')."""

    def make(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        return client

    return make


ROLES = [r.value for r in Role]
