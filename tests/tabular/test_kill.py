"""An import process killed (SIGKILL) in the middle of its commit leaves nothing of the batch behind.

A real ``yuanqu import`` runs in a child process against a scratch database of its own (a SQLite file,
or with DATABASE_URL a scratch PostgreSQL database beside the test one); once it has written its first
chunk inside the transaction, the test kills it with SIGKILL and counts what the database kept.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.tabular import files

PROJECT = Path(__file__).resolve().parents[2]

SETUP = textwrap.dedent("""
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from yuanqu.accounts.services import user_create_on_server
    from yuanqu.core.models import Region
    from yuanqu.parks import services as parks
    licang = Region.objects.get(pk="370213")
    staff = user_create_on_server(role="region_staff", region=licang, username="staff", password="Pa55word-kill")[0]
    parks.park_create(actor=staff, name="信联天地", region=licang, kind="office_tower", status="operating")
""")

IMPORT = textwrap.dedent("""
    import sys, time
    import django
    django.setup()
    from django.core.management import call_command
    from yuanqu.tabular import engine

    def pause(done):
        if done >= 5000:  # the first chunk is written, the transaction is open
            print("COMMITTING", flush=True)
            time.sleep(300)

    engine._after_chunk = pause
    call_command("import", sys.argv[1], entity="enterprises", user="staff", park="信联天地",
                 default=["signed_on=2024-01-15"])
""")


COUNTS = ("SELECT COUNT(*) FROM enterprises_enterprise", "SELECT COUNT(*) FROM enterprises_settlement",
          "SELECT COUNT(*) FROM core_auditevent WHERE action = 'import'")


@pytest.fixture
def scratch_db(tmp_path: Path) -> Iterator[tuple[dict[str, str], Callable[[], tuple[int, ...]]]]:
    """The child's environment and a function counting what its database holds."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(YUANQU_VAR_DIR=str(tmp_path / "var"), YUANQU_TESTING="1", DJANGO_SETTINGS_MODULE="yuanqu.settings",
               PYTHONPATH=str(PROJECT))
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        def count_sqlite() -> tuple[int, ...]:
            db = sqlite3.connect(tmp_path / "var" / "yuanqu.sqlite3")
            try:
                return tuple(db.execute(q).fetchone()[0] for q in COUNTS)
            finally:
                db.close()

        yield env, count_sqlite
        return
    import psycopg

    base, name = url.rsplit("/", 1)[0], f"yuanqu_killtest_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = f"{base}/{name}"

    def count_pg() -> tuple[int, ...]:
        with psycopg.connect(env["DATABASE_URL"]) as conn:
            return tuple(conn.execute(q).fetchone()[0] for q in COUNTS)  # type: ignore[index]

    try:
        yield env, count_pg
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.slow
def test_a_killed_import_leaves_nothing_partial(tmp_path: Path, scratch_db) -> None:
    env, count = scratch_db
    subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=PROJECT, check=True, timeout=300)
    codes = files.usccs(12_000, seed=1234)
    sheet = tmp_path / "企业名录.csv"
    sheet.write_bytes(files.csv_file([["统一社会信用代码", "企业名称"]]
                                     + [[c, f"青岛断电测试{i}有限公司"] for i, c in enumerate(codes)]))
    child = subprocess.Popen([sys.executable, "-c", IMPORT, str(sheet)], env=env, cwd=PROJECT,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert child.stdout is not None
        deadline = time.monotonic() + 240
        line = ""
        while time.monotonic() < deadline and "COMMITTING" not in line:
            line = child.stdout.readline()
            if not line and child.poll() is not None:
                break
        assert "COMMITTING" in line, "the import never reached its commit"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert count() == (0, 0, 0)
