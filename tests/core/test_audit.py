"""The audit log: the auditor's filterable list and export, before/after diffs, and append-only storage."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests.conftest import TEST_PASSWORD
from tests.helpers import read_csv, read_xlsx
from yuanqu.core.models import AuditEvent
from yuanqu.core.roles import Role
from yuanqu.enterprises import services as ent
from yuanqu.parks import services as parks


def _rows(client, **params: object) -> list[AuditEvent]:
    response = client.get(reverse("core:audit"), params)
    assert response.status_code == 200
    return list(response.context["page_obj"].paginator.object_list)


def _log_in_and_fail(world) -> None:
    Client().post(reverse("accounts:login"), {"username": "leader", "password": TEST_PASSWORD},
                  REMOTE_ADDR="203.0.113.77")
    Client().post(reverse("accounts:login"), {"username": "staff", "password": "wrong"}, REMOTE_ADDR="203.0.113.78")


# --- the auditor's list -------------------------------------------------------------------------


def test_it_shows_the_auditor_the_log_of_its_region(world, client_as):
    _log_in_and_fail(world)
    rows = _rows(client_as("auditor"))
    assert rows and all(e.region_code.startswith("370213") for e in rows)
    assert not any(e.object_repr == "崂山科创园" for e in rows)
    assert AuditEvent.objects.filter(object_repr="崂山科创园").exists()  # it exists, in the other region's log
    html = client_as("auditor").get(reverse("core:audit")).content.decode()
    assert 'id="audit-table"' in html and "203.0.113.77" in html


@pytest.mark.parametrize("role", ["region_admin", "region_staff", "leader", "park_operator", "enterprise_user"])
def test_it_shows_the_log_to_the_auditor_only(world, client_as, role):
    assert client_as(role).get(reverse("core:audit")).status_code == 404


def test_it_filters_the_log_by_action_role_and_date(world, client_as):
    _log_in_and_fail(world)
    auditor = client_as("auditor")
    assert {e.action for e in _rows(auditor, action="login_failed")} == {"login_failed"}
    assert [e.ip for e in _rows(auditor, action="login")] == ["203.0.113.77"]
    assert {e.role for e in _rows(auditor, role="region_staff")} == {"region_staff"}
    assert len(_rows(auditor, role="region_staff")) > 5
    parks_only = _rows(auditor, object_type="parks.Park")
    assert parks_only and {e.object_type for e in parks_only} == {"parks.Park"}

    today = timezone.localdate()
    old = AuditEvent.objects.filter(action="login").get()
    assert len(_rows(auditor, **{"from": today.isoformat(), "to": today.isoformat()})) == len(_rows(auditor))
    assert _rows(auditor, **{"from": (today + dt.timedelta(days=1)).isoformat()}) == []
    assert _rows(auditor, to=(today - dt.timedelta(days=1)).isoformat()) == []
    # A broken date is ignored, not an error.
    assert old in _rows(auditor, **{"from": "2024-13-45"})
    # An unknown filter value is ignored too.
    assert len(_rows(auditor, action="drop_table")) == len(_rows(auditor))


def test_it_searches_the_log(world, client_as):
    _log_in_and_fail(world)
    auditor = client_as("auditor")
    assert {e.object_repr for e in _rows(auditor, q="信联天地")} >= {"信联天地"}
    assert all("信联天地" in e.object_repr or "信联天地" in e.actor_username for e in _rows(auditor, q="信联天地"))
    assert [e.action for e in _rows(auditor, q="203.0.113.78")] == ["login_failed"]
    found = _rows(auditor, q="leader")
    assert "leader" in {e.actor_username for e in found}
    assert all("leader" in e.actor_username or "leader" in e.object_repr for e in found)


def test_it_shows_one_event_with_its_before_and_after(world, client_as):
    parks.park_update(actor=world.user("region_staff"), park=world.xltd, address="李沧区书院路")
    event = AuditEvent.objects.filter(action="update", object_type="parks.Park").get()
    html = client_as("auditor").get(reverse("core:audit_detail", args=[event.pk])).content.decode()
    assert "李沧区书院路" in html
    assert client_as("leader").get(reverse("core:audit_detail", args=[event.pk])).status_code == 404


def test_it_exports_the_log_and_audits_the_export(world, client_as):
    _log_in_and_fail(world)
    auditor = client_as("auditor")
    expected = len(_rows(auditor, action="login_failed"))
    rows = read_xlsx(auditor.get(reverse("core:audit"), {"export": "xlsx", "action": "login_failed"},
                                 REMOTE_ADDR="10.9.8.7"))
    assert len(rows) == 1 + expected == 2
    assert rows[1][1] == "staff" and rows[1][3] == "203.0.113.78"
    login = read_xlsx(auditor.get(reverse("core:audit"), {"export": "xlsx", "action": "login"}))
    with translation.override(settings.LANGUAGE_CODE):
        assert login[1][1:4] == ["leader", str(Role.LEADER.label), "203.0.113.77"]
    export = AuditEvent.objects.filter(action="export").earliest("id")
    assert (export.actor, export.role, export.ip, export.object_type) == (
        world.user("auditor"), "auditor", "10.9.8.7", "core.AuditEvent")
    assert export.after == {"rows": 1, "format": "xlsx", "filters": {"action": "login_failed"}}
    assert export.region_code == "370213"

    csv_rows = read_csv(auditor.get(reverse("core:audit"), {"export": "csv", "q": "203.0.113.77"}))
    assert len(csv_rows) == 2 and csv_rows[1][3] == "203.0.113.77"
    assert AuditEvent.objects.filter(action="export").count() == 3
    # The export itself is in the log the auditor reads.
    assert len(_rows(auditor, action="export")) == 3


# --- diffs --------------------------------------------------------------------------------------


def test_it_records_only_the_changed_fields_of_an_update(world):
    e = world.ent_smyz
    ent.enterprise_update(actor=world.user("region_staff"), enterprise=e, registered_capital_wan=Decimal("880"),
                          is_high_tech=True)
    # the 高企 is a designation (梯度培育): its own event, then the flag's cache refreshed by the designation service
    event, cache = AuditEvent.objects.filter(action="update", object_type="enterprises.Enterprise").order_by("pk")
    assert set(event.after) == {"registered_capital_wan", "updated_at"}
    assert AuditEvent.objects.filter(action="create", object_type="enterprises.Designation").count() == 1
    assert (cache.before["is_high_tech"], cache.after["is_high_tech"]) == (False, True)
    assert Decimal(event.before["registered_capital_wan"]) == 500
    assert Decimal(event.after["registered_capital_wan"]) == 880
    assert (event.object_id, event.object_repr, event.region_code) == (str(e.pk), e.name, "370213")


def test_it_records_creates_with_all_fields_and_deletes_with_the_last_values(world):
    contact = ent.contact_create(actor=world.user("region_staff"), enterprise=world.ent_smyz, name="周敏",
                                 phone="13600001234")
    created = AuditEvent.objects.filter(action="create", object_type="enterprises.Contact",
                                        object_id=str(contact.pk)).get()
    # The phone is personal data: the log keeps it masked (M1).
    assert created.before is None and created.after["phone"] == "136****1234" and created.after["name"] == "周敏"
    pk = contact.pk
    ent.contact_delete(actor=world.user("region_staff"), contact=contact)
    deleted = AuditEvent.objects.filter(action="delete", object_type="enterprises.Contact", object_id=str(pk)).get()
    assert deleted.after is None and deleted.before["name"] == "周敏"


def test_it_records_the_cli_channel_outside_a_request(world):
    event = AuditEvent.objects.filter(object_type="parks.Park", object_repr="信联天地", action="create").get()
    assert (event.channel, event.ip) == ("cli", None)


# --- append-only --------------------------------------------------------------------------------


def test_it_refuses_to_change_an_event_through_the_model(world):
    event = AuditEvent.objects.first()
    event.action = "delete"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action != "delete"


def test_it_refuses_to_change_events_through_querysets(world):
    count = AuditEvent.objects.count()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(action="create").update(action="delete")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=AuditEvent.objects.first().pk).delete()
    assert AuditEvent.objects.count() == count
    assert not AuditEvent.objects.filter(action="delete").exists()


def test_it_refuses_a_raw_sql_update_in_the_database(world):
    event = AuditEvent.objects.first()
    table = AuditEvent._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET actor_username = %s WHERE id = %s", ["mallory", event.pk])
    assert AuditEvent.objects.get(pk=event.pk).actor_username != "mallory"
