"""Audit you can trust (issue 12 M1, M3, M4): the hash chain and ``audit_verify``, triggers against UPDATE and
DELETE, retention and the signed archive, masked personal data, region-less failed log-ins for every auditor."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.helpers import read_xlsx
from yuanqu.accounts.models import User
from yuanqu.accounts.services import user_create_on_server
from yuanqu.core import audit, audit_chain
from yuanqu.core.audit_archive import ArchiveError, archive, verify_file
from yuanqu.core.models import AuditEvent, Region
from yuanqu.core.roles import Role
from yuanqu.enterprises import services as ent

TABLE = AuditEvent._meta.db_table
PROJECT_DIR = Path(__file__).resolve().parents[2]


def _raw(sql: str, params: list[object] | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _drop_triggers() -> None:
    """What an attacker with the database owner's rights could do first: remove the triggers."""
    for sql in audit_chain.DROP_TRIGGERS[connection.vendor]:
        _raw(sql)


def _verify_fails_at(pk: int) -> str:
    with pytest.raises(CommandError) as exc:
        call_command("audit_verify")
    assert f"id={pk}" in str(exc.value)
    return str(exc.value)


# --- the chain ------------------------------------------------------------------------------------


def test_it_chains_every_event_to_the_one_before(world):
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) > 20
    assert events[0].prev_hash == "" and all(len(e.hash) == 64 for e in events)
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    verdict = audit_chain.verify()
    assert verdict.ok and verdict.checked == len(events) and verdict.head == events[-1].hash
    call_command("audit_verify")


@pytest.mark.usefixtures("db_owner")
def test_it_reports_a_row_changed_by_raw_sql(world, capsys):
    middle = AuditEvent.objects.order_by("id")[10]
    _drop_triggers()
    _raw(f"UPDATE {TABLE} SET object_repr = %s WHERE id = %s", ["nothing happened", middle.pk])
    message = _verify_fails_at(middle.pk)
    assert "changed" in message and timezone.localtime(middle.at).isoformat() in message


@pytest.mark.usefixtures("db_owner")
def test_it_reports_a_middle_row_deleted_by_raw_sql(world):
    rows = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    _drop_triggers()
    _raw(f"DELETE FROM {TABLE} WHERE id = %s", [rows[5]])
    assert "removed" in _verify_fails_at(rows[6])


@pytest.mark.usefixtures("db_owner")
def test_it_reports_a_forged_event_hashed_without_the_key(world):
    """Someone with database access but without AUDIT_CHAIN_KEY cannot recompute a changed row's hash."""
    event = AuditEvent.objects.order_by("id")[3]
    values = audit_chain.values_of(event) | {"actor_username": "mallory"}
    forged = audit_chain.event_hash(values, event.prev_hash, key=b"a guessed key")
    _drop_triggers()
    _raw(f"UPDATE {TABLE} SET actor_username = %s, hash = %s WHERE id = %s", ["mallory", forged, event.pk])
    _verify_fails_at(event.pk)


def test_the_cli_exits_non_zero_on_a_broken_chain(world, tmp_path):
    """``yuanqu audit_verify`` as a process: exit 0 on an intact file database, 1 once a row is changed."""
    if connection.vendor != "sqlite":
        pytest.skip("runs the CLI against a SQLite file")
    db = tmp_path / "audit.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "YUANQU_TESTING": "1", "PYTHONPATH": str(PROJECT_DIR)}
    yuanqu = [sys.executable, "-m", "yuanqu.cli"]
    subprocess.run([*yuanqu, "migrate", "-v0"], env=env, check=True, cwd=tmp_path)
    script = ("from yuanqu.core import audit\n"
              "for i in range(3): audit.record(actor=None, action='login_failed', username=f'u{i}')\n")
    subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + script],
                   env=env | {"DJANGO_SETTINGS_MODULE": "yuanqu.settings"}, check=True, cwd=tmp_path)
    ok = subprocess.run([*yuanqu, "audit_verify"], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    import sqlite3

    con = sqlite3.connect(db)
    with pytest.raises(sqlite3.DatabaseError):  # the triggers refuse a plain sqlite3 client too
        con.execute(f"UPDATE {TABLE} SET actor_username = 'x' WHERE id = 2")
    con.execute("DROP TRIGGER core_auditevent_no_update")
    con.execute(f"UPDATE {TABLE} SET actor_username = 'x' WHERE id = 2")
    con.commit()
    con.close()
    broken = subprocess.run([*yuanqu, "audit_verify"], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert broken.returncode == 1 and "id=2" in broken.stderr


@pytest.mark.usefixtures("db_owner")
def test_the_data_migration_chains_existing_events(world):
    """Events written before the chain existed (no hashes) are chained in id order by migration 0004."""
    migration = __import__("yuanqu.core.migrations.0004_audit_hash_chain", fromlist=["chain_existing"])
    with audit_chain.maintenance():
        _raw(f"UPDATE {TABLE} SET prev_hash = '', hash = ''")
    assert not audit_chain.verify().ok
    with audit_chain.maintenance():
        migration.chain_existing(django_apps, SimpleNamespace(connection=connection))
    assert audit_chain.verify().ok


# --- the database refuses changes ----------------------------------------------------------------


def test_it_refuses_a_raw_sql_delete_in_the_database(world):
    count = AuditEvent.objects.count()
    first = AuditEvent.objects.order_by("id").first()
    with pytest.raises(DatabaseError):
        _raw(f"DELETE FROM {TABLE} WHERE id = %s", [first.pk])
    with pytest.raises(DatabaseError):
        _raw(f"DELETE FROM {TABLE}")
    assert AuditEvent.objects.count() == count and audit_chain.verify().ok


def test_it_refuses_truncate_on_postgresql(world):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE exists on PostgreSQL only")
    count = AuditEvent.objects.count()
    with pytest.raises(DatabaseError):
        _raw(f"TRUNCATE {TABLE}")
    assert AuditEvent.objects.count() == count


@pytest.mark.usefixtures("db_owner")
def test_the_maintenance_path_lets_changes_through_only_inside_it(world):
    first = AuditEvent.objects.order_by("id").first()
    with audit_chain.maintenance():
        _raw(f"UPDATE {TABLE} SET user_agent = 'maintained' WHERE id = %s", [first.pk])
    with pytest.raises(DatabaseError):
        _raw(f"UPDATE {TABLE} SET user_agent = 'again' WHERE id = %s", [first.pk])
    assert AuditEvent.objects.get(pk=first.pk).user_agent == "maintained"


# --- retention and the signed archive ------------------------------------------------------------


def test_it_refuses_a_retention_below_190_days_at_start_up():
    env = {**os.environ, "AUDIT_RETENTION_DAYS": "30", "YUANQU_TESTING": "1", "PYTHONPATH": str(PROJECT_DIR)}
    result = subprocess.run([sys.executable, "-c", "import yuanqu.settings"], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "AUDIT_RETENTION_DAYS" in result.stderr and "190" in result.stderr
    env["AUDIT_RETENTION_DAYS"] = "365"
    assert subprocess.run([sys.executable, "-c", "import yuanqu.settings"], env=env).returncode == 0


def test_it_refuses_to_archive_events_within_the_retention_period(world, tmp_path):
    tmp_path = tmp_path / "archive"
    count = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="190"):
        call_command("audit_archive", "--before", timezone.localdate().isoformat(), "--dir", str(tmp_path))
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("audit_archive", "--before", "2024-13-45", "--dir", str(tmp_path))
    assert AuditEvent.objects.count() == count and not tmp_path.exists()


@pytest.mark.usefixtures("db_owner")
def test_it_archives_old_events_to_a_signed_file_then_removes_them_keeping_the_chain(world, tmp_path, capsys):
    old = list(AuditEvent.objects.order_by("id").values_list("id", "hash"))
    later = timezone.now() + dt.timedelta(days=200)  # 200 days on, today's events are past the retention
    result = archive(before=timezone.localdate() + dt.timedelta(days=1), directory=tmp_path, now=later)
    assert result.count == result.removed == len(old) and result.last_hash == old[-1][1]
    lines = result.path.read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines[1:-1]] == [pk for pk, _ in old]
    # Only the anchor is left, and it links to the last archived event: the chain still verifies.
    anchor = AuditEvent.objects.get()
    assert anchor.action == "archive" and anchor.prev_hash == old[-1][1]
    assert anchor.after["last_archived_hash"] == old[-1][1]
    call_command("audit_verify")
    call_command("audit_archive", "--verify", str(result.path))
    assert f"{len(old)} 条" in capsys.readouterr().out
    # New events chain on after the anchor.
    audit.record(actor=None, action=AuditEvent.Action.LOGIN_FAILED, username="later")
    assert audit_chain.verify().ok


@pytest.mark.usefixtures("db_owner")
def test_it_refuses_an_altered_or_truncated_archive(world, tmp_path):
    later = timezone.now() + dt.timedelta(days=200)
    path = archive(before=timezone.localdate() + dt.timedelta(days=1), directory=tmp_path, now=later,
                   remove=False).path
    assert AuditEvent.objects.filter(action="archive").count() == 0  # --keep removes nothing
    original = path.read_bytes()
    path.write_bytes(original.replace(b'"staff"', b'"stuff"', 1))
    with pytest.raises(ArchiveError, match="签名"):
        verify_file(path)
    path.write_bytes(original[: len(original) // 2])
    with pytest.raises(CommandError):
        call_command("audit_archive", "--verify", str(path))
    path.write_bytes(original)
    assert verify_file(path)["count"] == AuditEvent.objects.count()


@pytest.mark.usefixtures("db_owner")
def test_it_archives_nothing_from_a_broken_chain(world, tmp_path):
    tmp_path = tmp_path / "archive"
    _drop_triggers()
    _raw(f"UPDATE {TABLE} SET object_repr = 'x' WHERE id = %s", [AuditEvent.objects.order_by("id")[2].pk])
    with pytest.raises(ArchiveError):
        archive(before=timezone.localdate() + dt.timedelta(days=1), directory=tmp_path,
                now=timezone.now() + dt.timedelta(days=200))
    assert not tmp_path.exists()


# --- M1: personal data masked in the log ----------------------------------------------------------


def test_it_stores_phones_emails_and_id_numbers_masked(world, client_as):
    contact = ent.contact_create(actor=world.user("region_staff"), enterprise=world.ent_xltd, name="张三",
                                 phone="13812345678", email="zhangsan@example.com")
    ent.contact_update(actor=world.user("region_staff"), contact=contact, phone="13987654321",
                       email="lisi@example.cn")
    audit.record(actor=world.user("region_staff"), action=AuditEvent.Action.UPDATE, obj=world.ent_xltd,
                 before={"note": ""}, after={"note": "法人身份证 370213199001011234, 电话 13700001111",
                                             "id_number": "37021319900101123X", "uscc": world.ent_xltd.uscc,
                                             "amount_yuan": "15000000000"})
    events = AuditEvent.objects.filter(object_type="enterprises.Contact", object_id=str(contact.pk))
    stored = json.dumps([[e.before, e.after] for e in events], ensure_ascii=False)
    for secret in ("13812345678", "zhangsan@", "13987654321", "lisi@"):
        assert secret not in stored
    update = events.get(action="update")
    assert update.before["phone"] == "138****5678" and update.after["phone"] == "139****4321"
    assert update.before["email"] == "z***@example.com" and update.after["email"] == "l***@example.cn"
    note = AuditEvent.objects.filter(object_type="enterprises.Enterprise").latest("id")
    assert note.after["note"] == "法人身份证 370***********1234, 电话 137****1111"
    assert note.after["id_number"] == "370***********123X"
    assert note.after["uscc"] == world.ent_xltd.uscc and note.after["amount_yuan"] == "15000000000"

    auditor = client_as("auditor")
    detail = auditor.get(reverse("core:audit_detail", args=[update.pk])).content.decode()
    assert "139****4321" in detail and "13987654321" not in detail and "lisi@example.cn" not in detail
    export = json.dumps(read_xlsx(auditor.get(reverse("core:audit"), {"export": "xlsx"})), ensure_ascii=False)
    assert "138****5678" in export
    assert not any(s in export for s in ("13812345678", "13987654321", "zhangsan@", "lisi@", "199001011234"))
    assert audit_chain.verify().ok


# --- M3: failed log-ins under unknown user names --------------------------------------------------


def test_every_auditor_sees_failed_log_ins_for_unknown_user_names(world, client_as):
    laoshan_auditor = user_create_on_server(role=Role.AUDITOR, region=Region.objects.get(pk="370212"),
                                            username="laoshan_auditor", password="Tr0ub4dor&3x!")[0]
    User.objects.filter(pk=laoshan_auditor.pk).update(must_change_password=False)
    laoshan_auditor.refresh_from_db()
    for name in ("admin1", "root", "test"):
        Client().post(reverse("accounts:login"), {"username": name, "password": "Spray2024!"},
                      REMOTE_ADDR="198.51.100.9")
    # A failed log-in of a known user stays in that user's region.
    Client().post(reverse("accounts:login"), {"username": "laoshan_staff", "password": "wrong"})
    for client in (client_as("auditor"), Client()):
        if client.session.get("_auth_user_id") is None:
            login(client, laoshan_auditor)
        rows = client.get(reverse("core:audit"), {"action": "login_failed"}).context["page_obj"].paginator.object_list
        sprayed = [e for e in rows if e.ip == "198.51.100.9"]
        assert sorted(e.actor_username for e in sprayed) == ["admin1", "root", "test"]
        assert all(e.region_code == "" for e in sprayed)
    licang_rows = client_as("auditor").get(reverse("core:audit"), {"action": "login_failed"}).context["page_obj"]
    assert "laoshan_staff" not in {e.actor_username for e in licang_rows.paginator.object_list}
    # Nobody but an auditor sees them.
    for role in ("region_admin", "region_staff", "leader"):
        assert not AuditEvent.objects.visible_to(world.user(role)).exists()


# --- concurrent writers ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain_on_postgresql():
    """Eight connections append events at once; the advisory lock keeps one chain without a fork."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself (BEGIN IMMEDIATE)")
    import threading

    from django.db import connections

    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(15):
                with transaction.atomic():
                    audit.record(actor=None, action=AuditEvent.Action.LOGIN_FAILED, username=f"w{n}-{i}")
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEvent.objects.count() == 120
    hashes = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(set(hashes)) == 120  # no two events link to the same predecessor
    assert audit_chain.verify().ok


@pytest.mark.django_db(transaction=True)
def test_head_is_read_after_the_lock_is_granted():
    """A writer that waits for the chain's lock reads the head only once it has the lock, so it links to the event
    the holder committed meanwhile. (The lock and the head are read in one round trip of two statements; one
    statement would read the head from a snapshot taken before the wait, and fork the chain.)"""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself (BEGIN IMMEDIATE)")
    import threading

    from django.db import connections

    audit.record(actor=None, action=AuditEvent.Action.LOGIN_FAILED, username="before")
    waiting = threading.Event()
    seen: list[str] = []

    def second_writer() -> None:
        try:
            with transaction.atomic():
                waiting.set()
                seen.append(audit_chain.lock_head())  # blocks until the first writer commits
        finally:
            connections.close_all()

    with transaction.atomic():
        first = audit.record(actor=None, action=AuditEvent.Action.LOGIN_FAILED, username="holder")
        thread = threading.Thread(target=second_writer)
        thread.start()
        waiting.wait(10)
        time.sleep(0.5)  # the second writer is now waiting for the lock, its statement begun
        assert seen == []
    thread.join(10)
    assert seen == [first.hash]
