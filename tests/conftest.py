"""One shared world for every test: two districts, three parks, enterprises, one user per role.

- 李沧区 (370213): 信联天地 (the operator's park) and 生命药洲 (another park of the same district).
- 崂山区 (370212): 崂山科创园, outside the district users' region.
- ent_xltd is moved in at 信联天地 (the enterprise user's own); ent_smyz at 生命药洲; ent_laoshan at 崂山.
Every object is created through the services, as the app would.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from yuanqu.accounts.identity import otp_required_for_role
from yuanqu.accounts.models import User
from yuanqu.accounts.services import user_create_on_server
from yuanqu.core.demo import make_uscc
from yuanqu.core.i18n import compile_catalogues
from yuanqu.core.models import IndustryCode, Region
from yuanqu.core.roles import Role
from yuanqu.enterprises import services as ent
from yuanqu.enterprises.models import Contact, Enterprise, Settlement
from yuanqu.investment import services as inv
from yuanqu.investment.models import Case, CaseMeasure, Lead, LeadContact, Project, StageChange
from yuanqu.parks import services as parks
from yuanqu.parks.models import Building, Park, Unit
from yuanqu.stats import services as stats
from yuanqu.stats.models import Indicator, Report, Round
from yuanqu.stats.services import Entry

TEST_PASSWORD = "Pa55word-for-tests"  # only ever set inside the test database


# --- Order and the second database pass --------------------------------------------------------------------
# ``make test`` runs the client tests on SQLite, then on PostgreSQL, each on three workers. A test marked ``slow``
# (a minute or more: the demo, the fuzzer, an upgrade) is sent to a worker first, so the workers do not wait at
# the end on one long test that started late. A test marked ``postgresql_pass`` checks what the deployment does
# on the database it runs in production, and costs minutes: when the PostgreSQL pass follows
# (``YUANQU_TEST_POSTGRESQL_FOLLOWS=1``, set by the Makefile), the SQLite pass leaves it to that pass; without
# DATABASE_URL, SQLite is the only pass and it runs there.


def _django_order(item: pytest.Item) -> int:
    """pytest-django's order (as Django's runner orders tests): database tests in a rolled-back transaction
    first, then transactional ones (whose flush empties the tables the data migrations filled, which the tests
    before them rely on), then tests without a database."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", [])
    transactional = bool(marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get(
        "reset_sequences"))) or "transactional_db" in fixtures or "live_server" in fixtures
    if transactional:
        return 1
    return 0 if marker is not None or "db" in fixtures else 2


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Stable, and within pytest-django's groups: a slow test goes first among the tests of its kind.
    items.sort(key=lambda item: (_django_order(item), item.get_closest_marker("slow") is None))
    if os.environ.get("YUANQU_TEST_POSTGRESQL_FOLLOWS") == "1" and not os.environ.get("DATABASE_URL"):
        skip = pytest.mark.skip(reason="runs in the PostgreSQL pass of make test")
        for item in items:
            if item.get_closest_marker("postgresql_pass") is not None:
                item.add_marker(skip)


# --- PostgreSQL: the suite runs as the application role (issue 13 item 3) -----------------------------------
#: The two roles of deploy/postgres-roles.sql as the test run names them (cluster-wide; created if missing).
TEST_OWNER_ROLE, TEST_APP_ROLE = "yuanqu_test_owner", "yuanqu_test_app"
ROLES_SQL = Path(__file__).resolve().parents[1] / "deploy" / "postgres-roles.sql"
#: Any number: serialises the role set-up of parallel workers (and of other runs on the same cluster).
ROLES_LOCK = 7_213_012


def _credentials(role: str) -> dict[str, str]:
    return {"USER": role, "PASSWORD": f"{role}-pw"}


def _pg_roles_for(connection: Any, name: str) -> None:
    """Run deploy/postgres-roles.sql on database ``name`` with psql, as an administrator would, one run at a
    time (roles are cluster-wide; two workers creating one role at once would collide)."""
    import psycopg

    s = connection.settings_dict
    host, port = s.get("HOST") or "127.0.0.1", str(s.get("PORT") or 5432)
    env = {**os.environ, "PGHOST": host, "PGPORT": port, "PGUSER": s["USER"], "PGDATABASE": name}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    with psycopg.connect(host=host, port=port, user=s["USER"], password=s.get("PASSWORD") or None,
                         dbname="postgres", autocommit=True) as lock:  # advisory locks are per database
        lock.execute("SELECT pg_advisory_lock(%s)", [ROLES_LOCK])
        run = subprocess.run(
            ["psql", "-X", "-q", "-v", f"owner={TEST_OWNER_ROLE}", "-v", f"app={TEST_APP_ROLE}",
             "-v", f"owner_password={_credentials(TEST_OWNER_ROLE)['PASSWORD']}",
             "-v", f"app_password={_credentials(TEST_APP_ROLE)['PASSWORD']}", "-f", str(ROLES_SQL)],
            env=env, capture_output=True, text=True)
        lock.execute("SELECT pg_advisory_unlock(%s)", [ROLES_LOCK])
    if run.returncode != 0:
        raise RuntimeError(f"deploy/postgres-roles.sql failed on {name}: {run.stderr[-2000:]}")


# --- One migration per schema, not one per test process ---------------------------------------------------
#: Serialises building and copying the PostgreSQL template (cluster-wide, like the roles).
TEMPLATE_LOCK = 7_213_013
TEMPLATE_PREFIX = "yuanqu_tpl_"


def schema_key(vendor: str) -> str:
    """A digest of everything a migrated test database depends on: every migration and data file of the
    project, the roles script, the installed distributions (their migrations) and the database vendor."""
    import hashlib
    from importlib import metadata

    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(vendor.encode())
    files = sorted([*root.glob("yuanqu/*/migrations/*.py"), *root.glob("yuanqu/core/data/*"), ROLES_SQL])
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    for dist in sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions()):
        digest.update(dist.encode())
    return digest.hexdigest()[:20]


@contextmanager
def _migrate_replaced_by(replacement: Callable[[Callable[[], Any]], Any]) -> Iterator[None]:
    """Inside the block, ``call_command("migrate", ...)`` (which Django's test database creation calls) runs
    ``replacement(real_migrate)`` instead; every other command runs as it is."""
    import django.core.management as management

    real = management.call_command

    def call_command(name: Any, *args: Any, **kwargs: Any) -> Any:
        if name == "migrate":
            return replacement(lambda: real(name, *args, **kwargs))
        return real(name, *args, **kwargs)

    management.call_command = call_command  # type: ignore[assignment]
    try:
        yield
    finally:
        management.call_command = real


def _sqlite_from_template(connection: Any) -> Callable[[Callable[[], Any]], Any]:
    """Migrate a SQLite test database once per schema: the first test process migrates it and keeps a copy
    (the online backup API) under the temporary directory; every later process, and later runs, copy that into
    their own (in-memory or file) database. A file lock makes the other workers wait for the first."""
    import fcntl
    import sqlite3
    import tempfile

    def replacement(migrate: Callable[[], Any]) -> Any:
        folder = Path(tempfile.gettempdir())
        template = folder / f"yuanqu-test-{schema_key('sqlite')}.sqlite3"
        with open(folder / "yuanqu-test-template.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            connection.ensure_connection()
            if template.exists():
                source = sqlite3.connect(template)
                try:
                    source.backup(connection.connection)
                finally:
                    source.close()
                return None
            result = migrate()
            connection.ensure_connection()
            partial = template.with_suffix(f".{os.getpid()}.tmp")
            target = sqlite3.connect(partial)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
            os.replace(partial, template)
            for stale in folder.glob("yuanqu-test-*.sqlite3"):
                if stale != template:
                    stale.unlink(missing_ok=True)
            return result

    return replacement


@contextmanager
def _pg_template_lock(connection: Any) -> Iterator[Callable[..., list[tuple[Any, ...]]]]:
    """An administrator's connection to the cluster holding the template lock; yields a function that runs one
    statement on it and returns its rows."""
    import psycopg

    s = connection.settings_dict
    with psycopg.connect(host=s.get("HOST") or "127.0.0.1", port=str(s.get("PORT") or 5432), user=s["USER"],
                         password=s.get("PASSWORD") or None, dbname="postgres", autocommit=True) as admin:
        admin.execute("SELECT pg_advisory_lock(%s)", [TEMPLATE_LOCK])

        def run(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
            cursor = admin.execute(sql, params)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []

        try:
            yield run
        finally:
            admin.execute("SELECT pg_advisory_unlock(%s)", [TEMPLATE_LOCK])


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_use_migrations: bool,
    django_db_keepdb: bool,
    django_db_createdb: bool,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """The test database, as pytest-django makes it; on PostgreSQL, made as production runs it.

    On PostgreSQL the cluster's administrator (DATABASE_URL) creates the empty test database of this worker
    (``test_<name>_gw0`` under xdist) and runs ``deploy/postgres-roles.sql`` on it; the owner role migrates it;
    then every connection of the tests is the application role, which has no DDL rights and may only INSERT and
    SELECT audit rows. ``flush`` between transactional tests reconnects as the owner (``OWNER`` in the
    connection's settings, :func:`yuanqu.core.dbroles.as_owner`). The administrator drops the database at the
    end. SQLite runs are pytest-django's own set-up.
    """
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    if not django_db_use_migrations:
        _disable_migrations()
    verbosity = request.config.option.verbose
    keepdb = django_db_keepdb and not django_db_createdb
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    connection = connections["default"]
    if connection.vendor != "postgresql":
        with django_db_blocker.unblock(), _migrate_replaced_by(_sqlite_from_template(connection)):
            db_cfg = setup_databases(verbosity=verbosity, interactive=False, aliases=aliases,
                                     serialized_aliases=serialized_aliases, keepdb=keepdb)
        yield
        if not django_db_keepdb:
            with django_db_blocker.unblock():
                teardown_databases(db_cfg, verbosity=verbosity)
        return

    settings_dicts = [connection.settings_dict, django_settings.DATABASES["default"]]
    admin = {"USER": connection.settings_dict["USER"], "PASSWORD": connection.settings_dict.get("PASSWORD", "")}
    old_name = connection.settings_dict["NAME"]
    with django_db_blocker.unblock(), _pg_template_lock(connection) as admin_sql:
        # The first process of a schema migrates its database and copies it as the template; every later one
        # (and later runs) starts as a copy of that template (CREATE DATABASE … TEMPLATE), roles applied again.
        template = TEMPLATE_PREFIX + schema_key("postgresql")
        from_template = bool(admin_sql("SELECT 1 FROM pg_database WHERE datname = %s", [template]))
        if from_template and keepdb:
            from_template = False  # --reuse-db keeps its own database
        if from_template:
            name = connection.creation._get_test_db_name()
            admin_sql(f'DROP DATABASE IF EXISTS "{name}"')
            admin_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        else:
            name = connection.creation._create_test_db(verbosity, autoclobber=True, keepdb=keepdb)
        connection.close()
        _pg_roles_for(connection, name)
        for d in settings_dicts:  # the owner migrates the database the administrator created
            d.update(_credentials(TEST_OWNER_ROLE))
        with _migrate_replaced_by(lambda migrate: None if from_template else migrate()):
            setup_databases(verbosity=verbosity, interactive=False, aliases=aliases,
                            serialized_aliases=serialized_aliases, keepdb=True)
        connection.close()
        if not from_template and not keepdb:
            for (stale,) in admin_sql("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                      [TEMPLATE_PREFIX + "%"]):
                admin_sql(f'DROP DATABASE IF EXISTS "{stale}"')
            admin_sql(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
        for d in settings_dicts:
            d.update(_credentials(TEST_APP_ROLE))
            d["OWNER"] = _credentials(TEST_OWNER_ROLE)
    yield
    with django_db_blocker.unblock():
        connection.close()
        for d in settings_dicts:
            d.update(admin)
            d.pop("OWNER", None)
        if not django_db_keepdb:
            connection.creation.destroy_test_db(old_name, verbosity, keepdb=False)


#: Tables the fast flush keeps: national code tables and Django's content types and permissions, which no test
#: changes and which Django's own flush would reload (data migrations, post_migrate) with the same contents.
FLUSH_KEEPS = frozenset({"core_region", "core_industrycode", "core_digitaleconomyclass",
                         "core_digitaleconomycorrespondence", "django_content_type", "auth_permission"})


def fast_flush(using: str = "default") -> None:
    """Empty every table a test may have written, on PostgreSQL, as DELETE in one transaction.

    Django's ``flush`` TRUNCATEs every table: on PostgreSQL each truncated table gets new files, which costs
    4–7 s per browser test here (about 150 tables). Deleting the rows of the few tables that have any is the same
    end state at a fraction of the cost. Foreign keys are deferred to the commit (Django declares them
    DEFERRABLE INITIALLY DEFERRED); a trigger that writes a row while its table is emptied (settlements mark
    their park dirty) is caught by the next pass. The audit table is emptied through its maintenance path, as
    the owner, as ``flush`` does.
    """
    from django.db import connections

    from yuanqu.core.audit_chain import maintenance
    from yuanqu.core.dbroles import as_owner

    connection = connections[using]
    qn = connection.ops.quote_name
    with as_owner(using), maintenance(using), connection.cursor() as cursor:
        tables = [t for t in connection.introspection.django_table_names(only_existing=True, include_views=False)
                  if t not in FLUSH_KEEPS]
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for _ in range(5):
            cursor.execute(" UNION ALL ".join(  # noqa: S608 (table names from introspection)
                f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM {qn(t)})" for t in tables))
            full = [row[0] for row in cursor.fetchall()]
            if not full:
                return
            for table in full:
                cursor.execute(f"DELETE FROM {qn(table)}")  # noqa: S608
        raise RuntimeError(f"fast_flush: tables still not empty after 5 passes: {full}")


@pytest.fixture(scope="session", autouse=True)
def _fast_flush_on_postgres(django_db_setup: None) -> Iterator[None]:
    """Transactional tests (browser tests, concurrency tests) end with :func:`fast_flush` on PostgreSQL instead
    of Django's ``flush``. ``YUANQU_TEST_FLUSH=django`` keeps Django's (to rule this out)."""
    from django.db import connections
    from django.test import TransactionTestCase

    if connections["default"].vendor != "postgresql" or os.environ.get("YUANQU_TEST_FLUSH") == "django":
        yield
        return
    original = TransactionTestCase._fixture_teardown

    def teardown(self: TransactionTestCase) -> None:
        if self.available_apps is not None or self.serialized_rollback:
            original(self)
            return
        for alias in self._databases_names(include_mirrors=False):
            fast_flush(alias)

    TransactionTestCase._fixture_teardown = teardown  # type: ignore[method-assign]
    yield
    TransactionTestCase._fixture_teardown = original  # type: ignore[method-assign]


@pytest.fixture
def db_owner(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Connect as the owner role for one test (PostgreSQL; nothing changes on SQLite): for the tests of what
    only the owner may do (the audit log's maintenance path, and tampering as an attacker holding the owner's
    rights would). Request it before ``db`` or ``world`` (``@pytest.mark.usefixtures("db_owner")``), so the
    test's transaction is opened on the owner's connection."""
    from django.db import connections

    connection = connections["default"]
    owner = connection.settings_dict.get("OWNER")
    if connection.vendor != "postgresql" or not owner:
        yield
        return
    settings_dicts = [connection.settings_dict, django_settings.DATABASES["default"]]
    app = {key: connection.settings_dict[key] for key in owner}
    with django_db_blocker.unblock():
        connection.close()
    for d in settings_dicts:
        d.update(owner)
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            connection.close()
        for d in settings_dicts:
            d.update(app)


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
    # Added by the ``stats_world`` fixture only.
    round_licang_2024: Round | None = None
    report_xltd_2024: Report | None = None
    round_licang_march: Round | None = None
    round_licang_april: Round | None = None
    round_laoshan_april: Round | None = None
    #: One report per status other than approved (the June reports are approved), by status.
    reports_by_status: dict[str, Report] = field(default_factory=dict)

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
                                  password=TEST_PASSWORD, display_name="区招商局", must_change_password=False)[0]
    laoshan_staff = user_create_on_server(role=Role.REGION_STAFF, region=laoshan, username="laoshan_staff",
                                          password=TEST_PASSWORD, must_change_password=False)[0]
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
                                                  password=TEST_PASSWORD, must_change_password=False, **extra)[0]
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


@pytest.fixture(autouse=True)
def _fresh_indicator_columns() -> None:
    """The historical-statistics importer keeps the indicator dictionary's columns for a few seconds; a test's
    indicators are rolled back with it, so each test starts with the columns read afresh."""
    from yuanqu.tabular.registry import get_importer

    importer: Any = get_importer("report_values")
    if importer is not None:
        importer.forget_fields()


@pytest.fixture(autouse=True)
def _site_language() -> Iterator[None]:
    """Each test starts in the site's language, as a worker process does: LocaleMiddleware activates a request's
    language on its thread and never deactivates it, so a test that asked for English would otherwise leave the
    next test's code run outside a request (tasks, importers, services) in English."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def world(db: Any) -> World:
    """The shared world, inside the test's transaction: built once per test process and restored as rows into
    each test (tests/world_snapshot.py)."""
    from .world_snapshot import world_for_test

    world: World = world_for_test(build_world)
    return world


def otp_device(user: User) -> TOTPDevice:
    """The user's confirmed authenticator (made now if missing), as an enrolled user has one."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="测试身份验证器", confirmed=True)


def totp_code(device: TOTPDevice, *, step_offset: int = 0) -> str:
    """The code the user's phone shows now for ``device`` (RFC 6238, computed from the stored key), or the one
    of the next step if the current one was used already (django-otp accepts each step once, and the next one
    within its tolerance)."""
    device.refresh_from_db()
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now.time = time.time()
    step = max(now.t() + step_offset, device.last_t + 1)
    return str(hotp(device.bin_key, step, device.digits)).zfill(device.digits)


def login(client: Client, user: User) -> Client:
    """The one way a test logs a client in (``client_as`` uses it too): a session for ``user``, without the
    log-in form, whose own behaviour (lockout, 2FA, audit) tests/accounts tests through the form. A role that
    needs a second factor gets an enrolled authenticator and a session marked verified by it, as django-otp's
    ``login`` marks one."""
    client.force_login(user)
    if otp_required_for_role(user.role):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = otp_device(user).persistent_id
        session.save()
    return client


@pytest.fixture
def client_as(world: World) -> Callable[[str], Client]:
    """A logged-in test client for one of the shared users, by role (or 'anonymous')."""

    def make(role: str) -> Client:
        client = Client()
        return client if role == "anonymous" else login(client, world.users[role])

    return make


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations() -> None:
    """Compile the .mo from the .po before any test, so any test file runs alone in a fresh checkout (the .mo
    is not committed). Django may have read the catalogues already (or found none): forget them, as Django's
    own ``setting_changed`` handler does, so the next request loads the fresh ones."""
    from asgiref.local import Local
    from django.utils.translation import trans_real

    compile_catalogues()
    trans_real._default = None
    trans_real._active = Local()
    trans_real._translations = {}
    trans_real.translation_catalog_exists.cache_clear()


# --- Statistics: one world with rounds, reports in every status, approved values, rollups, coordinates ---

XLTD_2025 = {"output": "1200", "revenue": "1500", "tax": "80", "profit": "100", "employees": "120"}
XLTD_2024 = {"output": "1000", "revenue": "1300", "tax": "100", "profit": "90", "employees": "110"}
SMYZ_2025 = {"output": "2000", "revenue": "2100", "tax": "150", "profit": "300", "employees": "60"}
LAOSHAN_2025 = {"output": "700", "revenue": "800", "tax": "40", "profit": "50", "employees": "30"}
#: Park coordinates (longitude, latitude): every park of both districts is on the map.
COORDINATES = {"信联天地": ("120.4285", "36.1630"), "生命药洲": ("120.4520", "36.1790"),
               "崂山科创园": ("120.4680", "36.1070")}


def _entries(values: dict[str, str]) -> dict[int, Entry]:
    return {Indicator.objects.get(code=c).pk: Entry(value=Decimal(v)) for c, v in values.items()}


def staff_of(world: World, report: Report) -> User:
    """The district staff member whose region holds ``report``."""
    return world.laoshan_staff if report.round.region_id == world.laoshan.pk else world.users[Role.REGION_STAFF]


def approve_entries(world: World, report: Report, entries: Mapping[int, Entry]) -> Report:
    """Enter ``entries``, submit, review and approve ``report`` as the app's flow has it: the enterprise user
    enters its own enterprise's report and the operator reviews its park's, district staff do the rest; the
    approval writes the derived values and the rollups."""
    staff = staff_of(world, report)
    enterprise_user, operator = world.users[Role.ENTERPRISE_USER], world.users[Role.PARK_OPERATOR]
    enters = enterprise_user if report.enterprise_id == enterprise_user.enterprise_id else staff
    reviews = operator if operator.parks.filter(pk=report.park_id).exists() else staff
    report = stats.report_save(actor=enters, report=report, entries=entries, submit=True)
    report = stats.report_park_review(actor=reviews, report=report)
    return stats.report_approve(actor=staff, report=report)


def approve_report(world: World, report: Report, values: dict[str, str]) -> Report:
    """:func:`approve_entries` with values by indicator code."""
    return approve_entries(world, report, _entries(values))


def _report_in(world: World, rnd: Round, enterprise: Enterprise, park: Park) -> Report:
    """The enterprise's report in ``rnd``: made by the round if it was moved in, attributed to ``park`` if not."""
    found = Report.objects.filter(round=rnd, enterprise=enterprise).first()
    return found or Report.objects.create(round=rnd, enterprise=enterprise, park=park, industry_section="I")


def add_statistics(world: World) -> World:
    """Approved June 2025 reports in every park (信联天地 1200, 生命药洲 2000, 崂山科创园 700 万元 output), June 2024
    for 信联天地 (1000), the other statuses in March and April 2023, and every park's coordinates.

    So the 李沧 cockpit for 2025-06 has output 累计 3200 万元 against 1000 a year earlier, and 崂山's 700 万元
    is there to show if it ever leaks into 李沧's figures.
    """
    staff = world.users[Role.REGION_STAFF]
    deadline: dict[str, Any] = {"deadline": dt.date(2025, 7, 10), "frequency": "month"}
    assert world.report_xltd and world.report_smyz and world.report_laoshan
    world.report_xltd = approve_report(world, world.report_xltd, XLTD_2025)
    world.report_smyz = approve_report(world, world.report_smyz, SMYZ_2025)
    world.report_laoshan = approve_report(world, world.report_laoshan, LAOSHAN_2025)
    world.round_licang_2024 = stats.round_open(actor=staff, region=world.licang, year=2024, month=6, **deadline)
    world.report_xltd_2024 = approve_report(
        world, Report.objects.get(round=world.round_licang_2024, enterprise=world.ent_xltd), XLTD_2024)
    # The statuses before approval, where no value counts yet, in March and April 2023: a year of their own,
    # since entering a value re-derives the period values of later months of the same year.
    deadline["deadline"] = dt.date(2023, 5, 10)
    world.round_licang_march = stats.round_open(actor=staff, region=world.licang, year=2023, month=3, **deadline)
    world.round_licang_april = stats.round_open(actor=staff, region=world.licang, year=2023, month=4, **deadline)
    world.round_laoshan_april = stats.round_open(actor=world.laoshan_staff, region=world.laoshan, year=2023,
                                                 month=4, **deadline)
    pending = _report_in(world, world.round_licang_march, world.ent_xltd, world.xltd)
    draft = stats.report_save(actor=world.users[Role.ENTERPRISE_USER], submit=False, entries=_entries(XLTD_2025),
                               report=_report_in(world, world.round_licang_april, world.ent_xltd, world.xltd))
    submitted = stats.report_save(actor=staff, submit=True, entries=_entries(XLTD_2025),
                                   report=_report_in(world, world.round_licang_april, world.ent_xltd_fitout,
                                                     world.xltd))
    returned = stats.report_save(actor=staff, submit=True, entries=_entries(SMYZ_2025),
                                  report=_report_in(world, world.round_licang_april, world.ent_smyz, world.smyz))
    returned = stats.report_return(actor=staff, report=returned, reason="数据有误")
    reviewed = stats.report_save(actor=world.laoshan_staff, submit=True, entries=_entries(LAOSHAN_2025),
                                  report=_report_in(world, world.round_laoshan_april, world.ent_laoshan,
                                                    world.laoshan_park))
    reviewed = stats.report_park_review(actor=world.laoshan_staff, report=reviewed)
    world.reports_by_status = {r.status: r for r in (pending, draft, submitted, returned, reviewed)}
    for park in (world.xltd, world.smyz, world.laoshan_park):
        lng, lat = COORDINATES[park.name]
        parks.park_update(actor=staff_of(world, world.report_laoshan) if park == world.laoshan_park else staff,
                          park=park, longitude=Decimal(lng), latitude=Decimal(lat))
    return world


@pytest.fixture
def stats_world(world: World) -> World:
    """The shared world with statistics: see :func:`add_statistics`."""
    return add_statistics(world)


ROLES = [r.value for r in Role]


def reload_reference_tables() -> None:
    """Put back the reference tables (regions, industries, digital-economy classes, standard indicators) that come
    from data migrations: a transactional test that ran before may have flushed them. For PostgreSQL concurrency
    tests."""
    from yuanqu.core.models import DigitalEconomyClass, DigitalEconomyCorrespondence, IndustryCode, Region
    from yuanqu.core.reference import load_digital_economy, load_industries, load_regions
    from yuanqu.stats.models import Indicator
    from yuanqu.stats.standard import install_standard_indicators

    if not Region.objects.exists():
        load_regions(Region)
    if not IndustryCode.objects.exists():
        load_industries(IndustryCode)
    if not DigitalEconomyClass.objects.exists():
        load_digital_economy(DigitalEconomyClass, DigitalEconomyCorrespondence)
    install_standard_indicators(Indicator)
    # The working-day calendar and the incubation thresholds come from data migrations too.
    import importlib

    from django.apps import apps as registry

    for label, module, function in (("support", "0002_calendar_2026_and_rules", "load"),
                                    ("innovation", "0002_thresholds", "seed")):
        model = {"support": "CalendarDay", "innovation": "Threshold"}[label]
        if not registry.get_model(label, model).objects.exists():
            getattr(importlib.import_module(f"yuanqu.{label}.migrations.{module}"), function)(registry, None)
