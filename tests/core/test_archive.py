"""Archive, restore and hard delete of parks, enterprises, leads and projects (issue 14 item 1): an archived row
leaves every scoped read — lists, pickers, figures — until restored; each step is audited; bad input loses nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from tests.conftest import World
from tests.test_scope_matrix import html_rows
from yuanqu.core.models import AuditEvent
from yuanqu.enterprises import services as ent
from yuanqu.enterprises.models import Enterprise, Settlement
from yuanqu.figures.periods import Period
from yuanqu.figures.selectors import scope_for, stock
from yuanqu.investment import services as inv
from yuanqu.investment.models import Lead
from yuanqu.parks import services as park_services
from yuanqu.parks.models import Park


def _signed(world: World, on: dt.date) -> int:
    scope = scope_for(world.users["region_staff"])
    return int(stock(scope, Period.month(on.year, on.month))["signed"].value)


def test_an_archived_enterprise_leaves_lists_pickers_and_figures_until_restored(
        world: World, client_as: Callable[[str], Client]) -> None:
    staff = client_as("region_staff")
    today = timezone.localdate()
    before = _signed(world, today)
    # brute force: the enterprise's own contribution, counted from its rows
    own = Settlement.objects.filter(enterprise=world.ent_smyz, exited_on__isnull=True).count()
    assert own >= 1
    listed = html_rows(staff.get("/enterprises/"))
    assert world.ent_smyz.pk in listed
    response = staff.post(f"/enterprises/{world.ent_smyz.pk}/archive/", {"reason": "误导入的外市企业"})
    assert response.status_code == 302
    assert world.ent_smyz.pk not in html_rows(staff.get("/enterprises/"))
    assert len(html_rows(staff.get("/enterprises/"))) == len(listed) - 1
    assert world.ent_smyz.pk not in [i["id"] for i in staff.get("/enterprises/pick/?q=青岛").json()["items"]]
    assert _signed(world, today) == before - own
    assert html_rows(staff.get("/enterprises/?archived=1")) == [world.ent_smyz.pk]
    assert staff.get(f"/enterprises/{world.ent_smyz.pk}/").status_code == 404
    staff.post(f"/enterprises/{world.ent_smyz.pk}/restore/")
    assert world.ent_smyz.pk in html_rows(staff.get("/enterprises/"))
    assert _signed(world, today) == before
    events = AuditEvent.objects.filter(object_type="enterprises.Enterprise", object_id=str(world.ent_smyz.pk),
                                       action__in=["archive", "restore"]).order_by("id")
    assert [(e.action, e.actor_id) for e in events] == [("archive", world.users["region_staff"].pk),
                                                        ("restore", world.users["region_staff"].pk)]
    assert events[0].after["archive_reason"] == "误导入的外市企业"


def test_an_archived_park_leaves_the_park_list_and_its_settlements_with_it(
        world: World, client_as: Callable[[str], Client]) -> None:
    staff = client_as("region_staff")
    park_services.park_archive(actor=world.users["region_staff"], park=world.smyz, reason="重复录入")
    assert world.smyz.pk not in html_rows(staff.get("/parks/"))
    assert not Settlement.objects.visible_to(world.users["region_staff"]).filter(park=world.smyz).exists()
    assert html_rows(staff.get("/parks/?archived=1")) == [world.smyz.pk]
    assert "已归档" in staff.get("/parks/").content.decode()


def test_archiving_needs_a_reason_and_changes_nothing_without_one(
        world: World, client_as: Callable[[str], Client]) -> None:
    staff = client_as("region_staff")
    events = AuditEvent.objects.count()
    page = staff.post(f"/parks/{world.smyz.pk}/archive/", {"reason": "   "}, follow=True).content.decode()
    assert "请填写归档原因" in page
    assert Park.objects.get(pk=world.smyz.pk).archived_at is None
    assert AuditEvent.objects.count() == events
    with pytest.raises(ValidationError):
        park_services.park_archive(actor=world.users["region_staff"], park=world.smyz, reason="")


def test_archiving_twice_and_restoring_a_live_row_are_refused(world: World) -> None:
    staff = world.users["region_staff"]
    inv.lead_archive(actor=staff, lead=world.lead_smyz, reason="重复")
    with pytest.raises(ValidationError):
        inv.lead_archive(actor=staff, lead=world.lead_smyz, reason="重复")
    with pytest.raises(ValidationError):
        inv.project_restore(actor=staff, project=world.project_smyz)


def test_who_may_archive(world: World, client_as: Callable[[str], Client]) -> None:
    operator = client_as("park_operator")
    # an operator: its own park's leads and projects, never parks or enterprises, nothing of another park
    assert operator.post(f"/parks/{world.xltd.pk}/archive/", {"reason": "x"}).status_code == 404
    assert operator.post(f"/enterprises/{world.ent_xltd.pk}/archive/", {"reason": "x"}).status_code == 404
    assert operator.post(f"/investment/leads/{world.lead_smyz.pk}/archive/", {"reason": "x"}).status_code == 404
    assert client_as("leader").post(f"/investment/leads/{world.lead_xltd.pk}/archive/",
                                    {"reason": "x"}).status_code == 404
    assert Lead.objects.archived().count() == 0
    response = operator.post(f"/investment/leads/{world.lead_xltd.pk}/archive/", {"reason": "已流失多年"})
    assert response.status_code == 302
    assert operator.post(f"/investment/projects/{world.project_xltd.pk}/archive/",
                         {"reason": "项目取消"}).status_code == 302
    assert Lead.objects.archived().get().pk == world.lead_xltd.pk
    with pytest.raises(PermissionDenied):
        ent.enterprise_archive(actor=world.users["park_operator"], enterprise=world.ent_xltd, reason="x")


def test_hard_delete_only_without_history(world: World, client_as: Callable[[str], Client]) -> None:
    staff = client_as("region_staff")
    # an enterprise with settlements and changes: refused, with the reason; the button is absent
    page = staff.post(f"/enterprises/{world.ent_smyz.pk}/delete/", follow=True).content.decode()
    assert "只能归档" in page
    assert Enterprise.objects.filter(pk=world.ent_smyz.pk).exists()
    ent.enterprise_archive(actor=world.users["region_staff"], enterprise=world.ent_smyz, reason="停业")
    assert f'data-delete="{world.ent_smyz.pk}"' not in staff.get("/enterprises/?archived=1").content.decode()
    # a lead typed in by mistake, untouched since: deleted for good, audited
    lead = inv.lead_create(actor=world.users["region_staff"], name="青岛误录线索有限公司", source="other")
    inv.lead_archive(actor=world.users["region_staff"], lead=lead, reason="误录")
    assert f'data-delete="{lead.pk}"' in staff.get("/investment/leads/?archived=1").content.decode()
    assert staff.post(f"/investment/leads/{lead.pk}/delete/").status_code == 302
    assert not Lead.objects.with_archived().filter(pk=lead.pk).exists()
    deleted = AuditEvent.objects.filter(object_type="investment.Lead", object_id=str(lead.pk), action="delete")
    assert deleted.count() == 1
