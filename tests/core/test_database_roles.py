"""Least privilege on PostgreSQL (issue 12 M4, issue 13 item 3): ``deploy/postgres-roles.sql`` makes an owner
role that migrates and an application role that may INSERT and SELECT audit events but not UPDATE, DELETE or
TRUNCATE them, and has no DDL rights; ``yuanqu migrate`` connects as the owner (DATABASE_OWNER_URL).

The test builds a scratch database of its own (roles are cluster-wide, so their names are unique to the run),
runs the SQL file with psql as an administrator would, migrates through the ``yuanqu`` command, then connects
as the application role.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import dj_database_url
import pytest
from django.db import DatabaseError, connection, transaction

from yuanqu.core import audit
from yuanqu.core.models import AuditEvent

PROJECT_DIR = Path(__file__).resolve().parents[2]
ROLES_SQL = PROJECT_DIR / "deploy" / "postgres-roles.sql"

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="PostgreSQL only (DATABASE_URL)")


def _url(base: dict[str, object], user: str, name: str) -> str:
    host, port = base.get("HOST") or "127.0.0.1", base.get("PORT") or 5432
    return f"postgres://{user}:pw-{user}@{host}:{port}/{name}"


@pytest.fixture
def scratch(db: object) -> Iterator[dict[str, str]]:
    """A scratch database with the two roles, migrated as the owner."""
    import psycopg

    if shutil.which("psql") is None:
        pytest.skip("psql is needed to run deploy/postgres-roles.sql")
    tag = uuid.uuid4().hex[:8]
    name, owner, app = f"yq_roles_{tag}", f"yq_owner_{tag}", f"yq_app_{tag}"
    base = connection.settings_dict
    admin = dj_database_url.parse(os.environ["DATABASE_URL"])  # the cluster's administrator, not the app role
    admin_url = _url(base, str(admin["USER"]), "postgres").replace(f":pw-{admin['USER']}", "")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        subprocess.run(["psql", "-X", "-q", admin_url.rsplit("/", 1)[0] + f"/{name}", "-v", f"owner={owner}",
                        "-v", f"app={app}", "-v", f"owner_password=pw-{owner}", "-v", f"app_password=pw-{app}",
                        "-f", str(ROLES_SQL)], check=True, capture_output=True, text=True)
        env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR), "YUANQU_TESTING": "1",
               "DATABASE_URL": _url(base, app, name), "DATABASE_OWNER_URL": _url(base, owner, name)}
        migrate = subprocess.run([sys.executable, "-m", "yuanqu.cli", "migrate", "-v0"], env=env,
                                 capture_output=True, text=True)
        assert migrate.returncode == 0, migrate.stderr[-3000:]
        yield {"app": _url(base, app, name), "owner": _url(base, owner, name), "env": env, "app_role": app,
               "owner_role": owner}  # type: ignore[misc]
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for role in (app, owner):
                admin.execute(f'DROP ROLE IF EXISTS "{role}"')


def _refused(conn: object, sql: str) -> bool:
    import psycopg

    try:
        with conn.transaction():  # type: ignore[attr-defined]
            conn.execute(sql)  # type: ignore[attr-defined]
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


@pytest.mark.slow
def test_the_app_role_appends_and_reads_audit_rows_but_cannot_change_them_or_the_schema(scratch):
    import psycopg

    # The migration ran as the owner: the owner owns the tables.
    with psycopg.connect(scratch["owner"]) as owner:
        assert owner.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'core_auditevent'").fetchone() == (
            scratch["owner_role"],)
    # The application writes audit events through the app (chain lock included) and reads them back.
    script = ("import django; django.setup()\n"
              "from django.db import connection\n"
              "from yuanqu.core import audit\n"
              "for i in range(3): audit.record(actor=None, action='login_failed', username=f'u{i}')\n"
              "print(connection.settings_dict['USER'])\n")
    run = subprocess.run([sys.executable, "-c", script], env=scratch["env"] | {
        "DJANGO_SETTINGS_MODULE": "yuanqu.settings"}, capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.strip() == scratch["app_role"], run.stderr[-2000:]
    verify = subprocess.run([sys.executable, "-m", "yuanqu.cli", "audit_verify"], env=scratch["env"],
                            capture_output=True, text=True)
    assert verify.returncode == 0 and "3" in verify.stdout, verify.stderr

    with psycopg.connect(scratch["app"]) as app:
        assert app.execute("SELECT current_user").fetchone() == (scratch["app_role"],)
        assert app.execute("SELECT count(*) FROM core_auditevent").fetchone() == (3,)
        assert not _refused(app, "INSERT INTO core_auditevent (at, actor_username, role, user_agent, channel, action, "
                                 "object_type, object_id, object_repr, region_code, prev_hash, hash) VALUES (now(), "
                                 "'x', '', '', 'cli', 'login', '', '', '', '', '', '')")
        # Audit rows: no UPDATE, DELETE or TRUNCATE, whatever the triggers say.
        assert _refused(app, "UPDATE core_auditevent SET actor_username = 'mallory'")
        assert _refused(app, "DELETE FROM core_auditevent")
        assert _refused(app, "TRUNCATE core_auditevent")
        # Even the maintenance switch does not help the application role.
        app.execute("SELECT set_config('yuanqu.audit_maintenance', 'on', false)")
        assert _refused(app, "DELETE FROM core_auditevent")
        # No DDL.
        assert _refused(app, "CREATE TABLE evil (id int)")
        assert _refused(app, "ALTER TABLE core_auditevent DISABLE TRIGGER ALL")
        assert _refused(app, "DROP TABLE core_auditevent")
        assert _refused(app, "DROP TRIGGER core_auditevent_no_update ON core_auditevent")
        assert _refused(app, "CREATE INDEX evil ON parks_park (name)")
        # Business tables: ordinary data rights.
        assert not _refused(app, "UPDATE parks_park SET name = name")
        assert not _refused(app, "DELETE FROM parks_park WHERE id < 0")
        assert app.execute("SELECT count(*) FROM core_auditevent").fetchone() == (4,)


# --- the suite itself runs as the application role (tests/conftest.py: django_db_setup) -----------------------


def _refused_here(sql: str) -> bool:
    """Whether the test's own connection is refused ``sql`` for lack of a privilege (in a savepoint)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    except DatabaseError as exc:
        assert "permission denied" in str(exc) or "must be owner" in str(exc), exc
        return True
    return False


def test_the_suite_connects_as_the_application_role(world):
    """CI's PostgreSQL run is the production set-up: the test database was made by deploy/postgres-roles.sql and
    migrated by the owner, and every test talks to it as the application role."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, session_user, "
                       "(SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = current_user), "
                       "(SELECT tableowner FROM pg_tables WHERE tablename = 'core_auditevent')")
        user, session, privileged, table_owner = cursor.fetchone()
    assert user == session == "yuanqu_test_app" and privileged is False
    assert table_owner == "yuanqu_test_owner"
    event = AuditEvent.objects.order_by("id").first()
    # No DDL, and the audit log is append-only for it, whatever the triggers' maintenance switch says.
    assert _refused_here("ALTER TABLE parks_park ADD COLUMN evil int")
    assert _refused_here("ALTER TABLE core_auditevent DISABLE TRIGGER ALL")
    assert _refused_here("CREATE TABLE evil (id int)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('yuanqu.audit_maintenance', 'on', true)")
    assert _refused_here(f"UPDATE core_auditevent SET actor_username = 'mallory' WHERE id = {event.pk}")
    assert _refused_here(f"DELETE FROM core_auditevent WHERE id = {event.pk}")
    assert _refused_here("TRUNCATE core_auditevent")
    # ... while it writes business data and appends audit events as usual.
    assert not _refused_here("UPDATE parks_park SET name = name")
    before = AuditEvent.objects.count()
    audit.record(actor=None, action=AuditEvent.Action.LOGIN_FAILED, username="probe")
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.get(pk=event.pk).actor_username == event.actor_username
