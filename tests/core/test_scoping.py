"""The declarative scope: what each role sees and edits of each tenant model, on the shared world.

李沧 (370213) has 信联天地 (the operator's park) and 生命药洲; 崂山 (370212) has 崂山科创园, outside every
shared user's region. Each test names the exact rows a role gets, so a scope that widens or narrows fails.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

from tests.conftest import World
from yuanqu.accounts.models import User
from yuanqu.core.models import AuditEvent
from yuanqu.core.roles import Role
from yuanqu.core.scoping import region_prefix_q, region_within
from yuanqu.enterprises import services as ent
from yuanqu.enterprises.models import Contact, Enterprise, Settlement
from yuanqu.enterprises.selectors import enterprise_find_by_uscc
from yuanqu.investment.models import Case, FollowUp, Lead, LeadContact, Project, StageChange, StageEvidence
from yuanqu.parks.models import Building, Park, Unit
from yuanqu.stats.models import Indicator, Notice, Report, ReportValue, Rollup, Round, Target
from yuanqu.tabular.models import ImportBatch

ROLES = [r.value for r in Role]
NOBODY = ("region_admin", "auditor", "anonymous")


class Anonymous:
    """A visitor who has not logged in."""

    is_authenticated = False


def _user(world: World, role: str) -> Any:
    return Anonymous() if role == "anonymous" else world.user(role)


def _ids(qs: QuerySet[Any]) -> list[Any]:
    """The ids a queryset gives, sorted, with duplicates kept (so a duplicated row shows)."""
    return sorted(qs.values_list("pk", flat=True))


def _pks(*objs: Model) -> list[Any]:
    return sorted(o.pk for o in objs)


def _check(world: World, model: type[Model], expected: dict[str, list[Model]], *, edit: bool = False) -> None:
    """``model``'s visible (or editable) rows per role are exactly ``expected``; roles not named see none."""
    for role in (*ROLES, "anonymous"):
        manager: Any = model._default_manager
        qs = manager.editable_by(_user(world, role)) if edit else manager.visible_to(_user(world, role))
        assert _ids(qs) == _pks(*expected.get(role, [])), (model.__name__, role, edit)


def test_it_scopes_parks_by_region_and_by_the_operators_parks(world: World) -> None:
    district = [world.xltd, world.smyz]
    _check(world, Park, {"region_staff": district, "leader": district, "park_operator": [world.xltd]})
    _check(world, Park, {"region_staff": district, "park_operator": [world.xltd]}, edit=True)


def test_it_scopes_buildings_and_units_through_their_park(world: World) -> None:
    buildings = {"region_staff": [world.tower, world.smyz_building], "leader": [world.tower, world.smyz_building],
                 "park_operator": [world.tower]}
    _check(world, Building, buildings)
    _check(world, Building, {k: v for k, v in buildings.items() if k != "leader"}, edit=True)
    units = {"region_staff": [*world.units, world.smyz_unit], "leader": [*world.units, world.smyz_unit],
             "park_operator": world.units}
    _check(world, Unit, units)
    _check(world, Unit, {k: v for k, v in units.items() if k != "leader"}, edit=True)


def test_it_scopes_enterprises_by_registration_settlement_and_own_enterprise(world: World) -> None:
    district = [world.ent_xltd, world.ent_xltd_fitout, world.ent_smyz]
    operator = [world.ent_xltd, world.ent_xltd_fitout]
    _check(world, Enterprise, {"region_staff": district, "leader": district, "park_operator": operator,
                               "enterprise_user": [world.ent_xltd]})
    _check(world, Enterprise, {"region_staff": district, "park_operator": operator,
                               "enterprise_user": [world.ent_xltd]}, edit=True)


def test_it_scopes_contacts_and_settlements(world: World) -> None:
    _check(world, Contact, {"region_staff": [world.contact_xltd, world.contact_smyz],
                            "leader": [world.contact_xltd, world.contact_smyz],
                            "park_operator": [world.contact_xltd], "enterprise_user": [world.contact_xltd]})
    _check(world, Contact, {"region_staff": [world.contact_xltd, world.contact_smyz],
                            "park_operator": [world.contact_xltd], "enterprise_user": [world.contact_xltd]},
           edit=True)
    district = [world.st_xltd, world.st_xltd_fitout, world.st_smyz]
    operator = [world.st_xltd, world.st_xltd_fitout]
    _check(world, Settlement, {"region_staff": district, "leader": district, "park_operator": operator,
                               "enterprise_user": [world.st_xltd]})
    _check(world, Settlement, {"region_staff": district, "park_operator": operator}, edit=True)


def test_it_scopes_leads_projects_cases_and_what_hangs_on_them(world: World) -> None:
    for model, x, s in ((Lead, world.lead_xltd, world.lead_smyz), (Project, world.project_xltd, world.project_smyz),
                        (Case, world.case_xltd, world.case_smyz)):
        _check(world, model, {"region_staff": [x, s], "leader": [x, s], "park_operator": [x]})
    _check(world, Lead, {"region_staff": [world.lead_xltd, world.lead_smyz], "park_operator": [world.lead_xltd]},
           edit=True)
    _check(world, Case, {"region_staff": [world.case_xltd, world.case_smyz]}, edit=True)
    contacts = [world.lead_contact_xltd, world.lead_contact_smyz]
    _check(world, LeadContact, {"region_staff": contacts, "leader": contacts,
                                "park_operator": [world.lead_contact_xltd]})
    changes = {"region_staff": [world.change_xltd, world.change_smyz],
               "leader": [world.change_xltd, world.change_smyz], "park_operator": [world.change_xltd]}
    _check(world, StageChange, changes)
    evidence = {role: [e for c in cs for e in c.evidence.all()] for role, cs in changes.items()}
    assert len(evidence["park_operator"]) == 1
    _check(world, StageEvidence, evidence)
    follow_ups = list(FollowUp.objects.filter(lead=world.lead_xltd))
    assert len(follow_ups) == 1
    _check(world, FollowUp, {"region_staff": follow_ups, "leader": follow_ups, "park_operator": follow_ups})


def test_it_sees_a_follow_up_through_its_project_as_well_as_through_its_lead(world: World) -> None:
    on_project = FollowUp.objects.create(project=world.project_smyz, kind="visit", on=dt.date(2025, 3, 2),
                                         summary="现场查看", author=world.user("region_staff"))
    on_lead = FollowUp.objects.get(lead=world.lead_xltd)
    _check(world, FollowUp, {"region_staff": [on_lead, on_project], "leader": [on_lead, on_project],
                             "park_operator": [on_lead]})


def test_it_scopes_rounds_reports_targets_and_notices(world: World) -> None:
    licang = {"region_staff": [world.round_licang], "leader": [world.round_licang],
              "park_operator": [world.round_licang], "enterprise_user": [world.round_licang]}
    _check(world, Round, licang)
    _check(world, Round, {"region_staff": [world.round_licang]}, edit=True)
    district = [world.report_xltd, world.report_smyz]
    _check(world, Report, {"region_staff": district, "leader": district, "park_operator": [world.report_xltd],
                           "enterprise_user": [world.report_xltd]})
    output = Indicator.objects.get(code="output")
    region_target = Target.objects.create(indicator=output, year=2025, region=world.licang, value=Decimal(1))
    park_target = Target.objects.create(indicator=output, year=2025, park=world.smyz, value=Decimal(1))
    operator_target = Target.objects.create(indicator=output, year=2025, park=world.xltd, value=Decimal(1))
    Target.objects.create(indicator=output, year=2025, park=world.laoshan_park, value=Decimal(1))
    Target.objects.create(indicator=output, year=2025, region=world.laoshan, value=Decimal(1))
    every = [region_target, park_target, operator_target]
    _check(world, Target, {"region_staff": every, "leader": every, "park_operator": [operator_target]})
    _check(world, Target, {"region_staff": every}, edit=True)
    notices = {r: Notice.objects.create(report=r, enterprise=r.enterprise, message="请按时填报",
                                        sent_by=world.user("region_staff"))
               for r in (world.report_xltd, world.report_smyz, world.report_laoshan)}
    district_notices = [notices[world.report_xltd], notices[world.report_smyz]]
    _check(world, Notice, {"region_staff": district_notices, "leader": district_notices,
                           "park_operator": [notices[world.report_xltd]],
                           "enterprise_user": [notices[world.report_xltd]]})


def test_it_gives_a_round_once_to_an_enterprise_with_two_reports_in_it(world: World) -> None:
    assert world.round_licang is not None
    Report.objects.create(round=world.round_licang, enterprise=world.ent_xltd, park=world.smyz)
    visible = Round.objects.visible_to(world.user("enterprise_user"))
    assert _ids(visible) == [world.round_licang.pk] and visible.count() == 1


def test_it_gives_an_enterprise_settled_in_two_parks_once(world: World) -> None:
    staff = world.user("region_staff")
    ent.settlement_create(actor=staff, enterprise=world.ent_xltd, park=world.smyz, signed_on=dt.date(2024, 7, 1))
    visible = Enterprise.objects.visible_to(staff)
    assert visible.count() == 3
    assert _ids(visible) == _pks(world.ent_xltd, world.ent_xltd_fitout, world.ent_smyz)
    assert Enterprise.objects.in_parks(Park.objects.visible_to(staff)).count() == 3


def test_it_shows_the_indicator_dictionary_to_every_role_but_the_auditor(world: World) -> None:
    every = list(Indicator.objects.all())
    assert every
    _check(world, Indicator, {r: every for r in ROLES if r != "auditor"})
    _check(world, Indicator, {"region_staff": every}, edit=True)  # a business rule: not the admin (issue 12 M5)


def test_it_shows_import_batches_of_the_region_to_staff_and_their_own_to_operators(world: World) -> None:
    def batch(user: User, region_code: str) -> ImportBatch:
        return ImportBatch.objects.create(entity="enterprises", filename="a.xlsx", fmt="xlsx", created_by=user,
                                          region_code=region_code)

    staff_batch = batch(world.user("region_staff"), "370213")
    operator_batch = batch(world.user("park_operator"), "370213")
    batch(world.laoshan_staff, "370212")
    _check(world, ImportBatch, {"region_staff": [staff_batch, operator_batch], "park_operator": [operator_batch]})
    _check(world, ImportBatch, {"region_staff": [staff_batch], "park_operator": [operator_batch]}, edit=True)


def test_it_shows_users_of_the_region_to_its_admin_and_audit_events_to_its_auditor(world: World) -> None:
    licang_users = list(User.objects.filter(region=world.licang))
    assert len(licang_users) == 6
    for role in (*ROLES, "anonymous"):
        seen = _ids(User.objects.visible_to(_user(world, role)))
        assert seen == (_pks(*licang_users) if role == "region_admin" else []), role
    events = list(AuditEvent.objects.filter(region_code__in=["370213"]))
    assert events and AuditEvent.objects.exclude(region_code="370213").exists()
    for role in (*ROLES, "anonymous"):
        seen = _ids(AuditEvent.objects.visible_to(_user(world, role)))
        assert seen == (_pks(*events) if role == "auditor" else []), role


# --- the statistics tables -----------------------------------------------------------------------


def _value(report: Report, indicator: Indicator) -> ReportValue:
    return ReportValue.objects.create(report=report, indicator=indicator, park=report.park,
                                      enterprise=report.enterprise, year=2025, month=6, value=Decimal("10"))


def test_it_scopes_report_values_by_park_and_enterprise(world: World) -> None:
    output, tax = Indicator.objects.get(code="output"), Indicator.objects.get(code="tax")
    assert world.report_xltd and world.report_smyz and world.report_laoshan
    xltd = [_value(world.report_xltd, output), _value(world.report_xltd, tax)]
    smyz = [_value(world.report_smyz, output)]
    _value(world.report_laoshan, output)
    _check(world, ReportValue, {"region_staff": [*xltd, *smyz], "leader": [*xltd, *smyz], "park_operator": xltd,
                                "enterprise_user": xltd})


def test_it_scopes_rollups_by_park(world: World) -> None:
    output = Indicator.objects.get(code="output")

    def rollup(park: Park) -> Rollup:
        return Rollup.objects.create(park=park, indicator=output, year=2025, month=6, segment="all",
                                     value=Decimal(1), ytd=Decimal(1), reporters=1)

    xltd, smyz = rollup(world.xltd), rollup(world.smyz)
    rollup(world.laoshan_park)
    _check(world, Rollup, {"region_staff": [xltd, smyz], "leader": [xltd, smyz], "park_operator": [xltd]})
    assert _ids(Rollup.objects.in_parks(Park.objects.filter(pk=world.smyz.pk))) == [smyz.pk]


# --- the helpers for an explicitly chosen region --------------------------------------------------


def test_it_reads_a_chosen_region_and_everything_below_it(world: World) -> None:
    assert _ids(Park.objects.in_region("370213")) == _pks(world.xltd, world.smyz)
    assert _ids(Park.objects.in_region("3702")) == _pks(world.xltd, world.smyz, world.laoshan_park)
    assert _ids(Unit.objects.in_region("370212")) == [world.laoshan_unit.pk]
    operator_parks = Park.objects.visible_to(world.user("park_operator"))
    assert _ids(Unit.objects.in_parks(operator_parks)) == _pks(*world.units)
    assert _ids(Settlement.objects.in_parks(operator_parks)) == _pks(world.st_xltd, world.st_xltd_fitout)
    assert _ids(Lead.objects.in_parks(operator_parks)) == [world.lead_xltd.pk]
    assert _ids(Park.objects.in_region("")) == [] and _ids(Park.objects.filter(region_prefix_q("region", ""))) == []
    staff = world.user("region_staff")
    assert region_within("370213", staff) and not region_within("370212", staff)
    assert not region_within("37", staff) and not region_within("", staff)


# --- the lookup by USCC ---------------------------------------------------------------------------


def _lookup_error(user: Any, uscc: str) -> tuple[list[str], str | None]:
    with pytest.raises(ValidationError) as caught:
        enterprise_find_by_uscc(user=user, uscc=uscc)
    return caught.value.messages, caught.value.code


def test_it_finds_an_enterprise_of_the_users_region_by_its_uscc_as_typed(world: World) -> None:
    operator = world.user("park_operator")
    typed = " " + world.ent_xltd.uscc.lower() + " "
    assert enterprise_find_by_uscc(user=operator, uscc=typed) == world.ent_xltd
    # An operator finds only the enterprises in its scope: another park's is "not found" (issue 12 H1).
    assert _lookup_error(operator, world.ent_smyz.uscc) == _lookup_error(operator, "91350100M000100Y43")
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in world.ent_xltd.uscc)
    assert enterprise_find_by_uscc(user=world.user("region_staff"), uscc=full_width) == world.ent_xltd
    assert enterprise_find_by_uscc(user=world.user("region_admin"), uscc=world.ent_xltd.uscc) == world.ent_xltd
    assert enterprise_find_by_uscc(user=world.user("enterprise_user"), uscc=world.ent_xltd.uscc) == world.ent_xltd


@pytest.mark.parametrize("role", ["region_staff", "park_operator", "region_admin", "enterprise_user", "auditor"])
def test_it_answers_an_unknown_and_an_out_of_scope_uscc_alike(world: World, role: str) -> None:
    user = world.user(role)
    unknown = _lookup_error(user, "91350100M000100Y43")
    outside = _lookup_error(user, world.ent_laoshan.uscc)
    assert unknown == outside == (["未找到使用该统一社会信用代码登记的企业。"], "not_found")
