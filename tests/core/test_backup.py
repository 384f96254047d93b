"""Backups and the restore drill (issue 13 item 4): ``yuanqu backup`` writes one archive; ``yuanqu restore`` puts
it into a fresh database and file store, with the same row count in every table, the same audit log and the
same files. Bad input: a truncated or altered archive is refused before the database is touched; a non-empty
target is refused unless ``--force``, which first says what it replaces.

Runs on SQLite (the restore goes into a second database file) and on PostgreSQL (into a scratch database made
and dropped here, as tests/core/test_database_roles.py does).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dj_database_url
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from tests.conftest import add_statistics, build_world
from tests.core.test_database_roles import scratch  # noqa: F401 (the fixture)
from yuanqu.core import audit, audit_chain, backup
from yuanqu.core.backup import model_tables, table_counts
from yuanqu.core.models import AuditEvent, DigitalEconomyClass, DigitalEconomyCorrespondence, IndustryCode, Region
from yuanqu.core.reference import load_digital_economy, load_industries, load_regions
from yuanqu.investment import services as inv
from yuanqu.parks import services as parks
from yuanqu.parks.models import Park
from yuanqu.stats.models import Indicator
from yuanqu.stats.standard import install_standard_indicators

PROJECT_DIR = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.fixture
def populated(transactional_db: Any, settings: Any, tmp_path: Path) -> dict[str, Any]:
    """The shared world with statistics, an uploaded evidence file, an audit trail and a signed audit archive
    file, committed (pg_dump reads from its own connection)."""
    settings.AUDIT_ARCHIVE_DIR = tmp_path / "audit-archive"
    # The reference tables come from data migrations: a transactional test before this one may have flushed them.
    if not Region.objects.exists():
        load_regions(Region)
    if not IndustryCode.objects.exists():
        load_industries(IndustryCode)
    if not DigitalEconomyClass.objects.exists():
        load_digital_economy(DigitalEconomyClass, DigitalEconomyCorrespondence)
    install_standard_indicators(Indicator)
    world = add_statistics(build_world())
    change = inv.stage_change_submit(actor=world.users["region_staff"], project=world.project_smyz,
                                     to_stage="registered", on=timezone.localdate(),
                                     evidence=[ContentFile(b"%PDF-1.4 backup drill " + os.urandom(64),
                                                           name="注册证明.pdf")])
    for i in range(5):
        audit.record(actor=None, action=AuditEvent.Action.LOGIN_FAILED, username=f"drill-{i}")
    settings.AUDIT_ARCHIVE_DIR.mkdir()
    (settings.AUDIT_ARCHIVE_DIR / "audit-before-2024-01-01.jsonl").write_bytes(b'{"format": "x"}\n')
    return {"world": world, "evidence": change.evidence.get()}


def _media(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _audit_digest(rows: list[tuple[Any, ...]]) -> str:
    """A checksum of the whole audit log: every event's id, chain links and hash, in id order."""
    return hashlib.sha256(json.dumps([list(map(str, r)) for r in rows]).encode()).hexdigest()


AUDIT_SQL = "SELECT id, prev_hash, hash, action, actor_username FROM core_auditevent ORDER BY id"


def _source_state() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(AUDIT_SQL)
        audit_rows = cursor.fetchall()
    return {"counts": table_counts(), "audit": _audit_digest(audit_rows), "head": audit_chain.verify().head,
            "media": _media(Path(settings.MEDIA_ROOT)), "archive": _media(Path(settings.AUDIT_ARCHIVE_DIR))}


def _env(tmp_path: Path, database_url: str) -> dict[str, str]:
    """A second installation: its own database, media and audit-archive directories, the same keys."""
    return {**os.environ, "PYTHONPATH": str(PROJECT_DIR), "YUANQU_TESTING": "1", "DATABASE_URL": database_url,
            "YUANQU_VAR_DIR": str(tmp_path / "var2"), "MEDIA_ROOT": str(tmp_path / "media2"),
            "AUDIT_ARCHIVE_DIR": str(tmp_path / "archive2"), "SECRET_KEY": settings.SECRET_KEY,
            "AUDIT_CHAIN_KEY": settings.AUDIT_CHAIN_KEY}


def _yuanqu(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "yuanqu.cli", *args], env=env, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """A URL of a fresh, empty database, and a function that runs a query there and returns its rows."""
    if not POSTGRES:
        path = tmp_path / "restored.sqlite3"

        def query(sql: str) -> list[tuple[Any, ...]]:
            with sqlite3.connect(path) as c:
                return c.execute(sql).fetchall()

        yield f"sqlite:///{path}", query
        return
    import psycopg

    base = connection.settings_dict
    # The cluster's administrator creates it (the suite itself connects as the application role, which may not).
    user = dj_database_url.parse(os.environ["DATABASE_URL"])["USER"]
    host, port = base.get("HOST") or "127.0.0.1", base.get("PORT") or 5432
    name = f"yq_restore_{uuid.uuid4().hex[:8]}"
    admin_url = f"postgres://{user}@{host}:{port}/postgres"
    url = f"postgres://{user}@{host}:{port}/{name}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def pg_query(sql: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(url) as c:
            return c.execute(sql).fetchall()  # type: ignore[arg-type]

    try:
        yield url, pg_query
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_fresh_database_with_every_count_the_audit_log_and_the_files(
        populated: dict[str, Any], fresh_database: tuple[str, Any], tmp_path: Path) -> None:
    source = _source_state()
    assert source["counts"]["core_auditevent"] >= 10 and source["counts"]["stats_reportvalue"] > 0
    assert any(name.startswith("evidence/") for name in source["media"])
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=str(archive))

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert names[:2] == ["manifest.json", "manifest.sig"]
    assert manifest["database_vendor"] == connection.vendor
    assert manifest["tables"] == source["counts"] and set(manifest["tables"]) == set(model_tables())
    assert manifest["audit"] == {"events": source["counts"]["core_auditevent"], "head": source["head"],
                                 "chain_ok": True}
    assert {f"media/{n}" for n in source["media"]} | {"audit-archive/audit-before-2024-01-01.jsonl"} <= set(
        manifest["files"])

    url, query = fresh_database
    env = _env(tmp_path, url)
    run = _yuanqu(env, "restore", str(archive))
    assert run.returncode == 0, run.stderr[-3000:]
    assert "恢复完成并已校验" in run.stdout

    # Checked here again, independently of the command's own check: every table, the audit log, the files.
    restored = {t: query(f'SELECT COUNT(*) FROM "{t}"')[0][0] for t in source["counts"]}  # noqa: S608
    assert restored == source["counts"]
    assert _audit_digest(query(AUDIT_SQL)) == source["audit"]
    assert _media(tmp_path / "media2") == source["media"]
    assert _media(tmp_path / "archive2") == source["archive"]
    verify = _yuanqu(env, "audit_verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr

    # The restored installation is not empty any more: a second restore is refused, with what is there.
    again = _yuanqu(env, "restore", str(archive))
    assert again.returncode != 0 and "不是空的" in again.stderr and "core_auditevent" in again.stderr


# --- bad input ------------------------------------------------------------------------------------------


def _rewrite(archive: Path, target: Path, change: Any) -> None:
    """Copy ``archive`` to ``target`` member by member, letting ``change(name, data)`` alter, drop (None) or
    keep each member; ``change("+", None)`` may return extra members to add."""
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            new = change(member.name, data)
            if new is None:
                continue
            info = tarfile.TarInfo(member.name)
            info.size = len(new)
            dst.addfile(info, io.BytesIO(new))
        for name, data in (change("+", None) or {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))


def _flip(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]


BAD = {
    "truncated": None,
    "media file altered": lambda n, d: _flip(d) if n.startswith("media/") else d,
    "database altered": lambda n, d: _flip(d) if n.startswith("database.") else d,
    "database missing": lambda n, d: None if n.startswith("database.") else d,
    "manifest missing": lambda n, d: None if n == "manifest.json" else d,
    "manifest corrupt": lambda n, d: d[: len(d) // 2] if n == "manifest.json" else d,
    "manifest count edited": lambda n, d: d.replace(b'"parks_park": ', b'"parks_park": 1') if n == "manifest.json"
    else d,
    "extra member": lambda n, d: {"media/evil.sh": b"rm -rf /"} if n == "+" else d,
    "not an archive": "garbage",
}
MESSAGES = {
    "truncated": "损坏或不完整", "media file altered": "校验和与清单不符", "database altered": "校验和与清单不符",
    "database missing": "缺少成员", "manifest missing": "缺少 manifest.json", "manifest corrupt": "签名不符",
    "manifest count edited": "签名不符", "extra member": "清单之外的成员", "not an archive": "损坏或不完整",
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_truncated_or_altered_archive_is_refused_before_the_database_is_touched(
        populated: dict[str, Any], tmp_path: Path, case: str) -> None:
    archive = tmp_path / "good.tar.gz"
    call_command("backup", output=str(archive))
    # Something happens after the backup, so a restore would visibly change the database and the files.
    parks.park_create(actor=populated["world"].users["region_staff"], name="备份之后新建的园区",
                      region=populated["world"].licang, kind=Park.Kind.INDUSTRIAL)
    (Path(settings.MEDIA_ROOT) / "after-backup.txt").write_bytes(b"kept")
    before = _source_state()
    bad = tmp_path / "bad.tar.gz"
    if case == "truncated":
        bad.write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])
    elif case == "not an archive":
        bad.write_bytes(b"this is not a backup\n" * 100)
    else:
        _rewrite(archive, bad, BAD[case])

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(bad), force=True)
    assert MESSAGES[case] in str(refused.value)
    assert "未做任何恢复" in str(refused.value)
    assert _source_state() == before
    assert Park.objects.filter(name="备份之后新建的园区").exists()


def test_restore_into_a_non_empty_database_is_refused_unless_forced_and_then_says_what_it_replaces(
        populated: dict[str, Any], tmp_path: Path) -> None:
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=str(archive))
    at_backup = _source_state()
    parks.park_create(actor=populated["world"].users["region_staff"], name="备份之后新建的园区",
                      region=populated["world"].licang, kind=Park.Kind.INDUSTRIAL)
    (Path(settings.MEDIA_ROOT) / "after-backup.txt").write_bytes(b"replaced")
    before = _source_state()
    assert before["counts"]["parks_park"] == at_backup["counts"]["parks_park"] + 1

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive))
    assert "不是空的" in str(refused.value) and "--force" in str(refused.value)
    assert _source_state() == before

    out = io.StringIO()
    call_command("restore", str(archive), force=True, stdout=out)
    text = out.getvalue()
    replaced = text.index("将被替换的现有数据")
    assert replaced < text.index("恢复完成并已校验")
    assert "core_auditevent" in text and "media" in text and f"{before['counts']['stats_reportvalue']}" in text
    assert _source_state() == at_backup
    assert not Park.objects.filter(name="备份之后新建的园区").exists()


def test_an_archive_from_the_other_database_vendor_or_another_key_is_refused(
        populated: dict[str, Any], tmp_path: Path, settings: Any) -> None:
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=str(archive))
    before = _source_state()
    other = "sqlite" if POSTGRES else "postgresql"
    relabelled: dict[str, bytes] = {}

    def relabel(name: str, data: bytes | None) -> Any:
        if name == "manifest.json":
            manifest = json.loads(data or b"")
            manifest["database_vendor"] = other
            manifest["files"][f"database.{'sqlite3' if other == 'sqlite' else 'dump'}"] = manifest["files"].pop(
                f"database.{'dump' if other == 'sqlite' else 'sqlite3'}")
            relabelled["manifest"] = json.dumps(manifest).encode()
            return relabelled["manifest"]
        if name == "manifest.sig":  # signed again with the right key: only the vendor is wrong
            return f"hmac-sha256 {backup._signature(relabelled['manifest'])}\n".encode()
        if name.startswith("database."):
            relabelled["db"] = data or b""
            return None
        if name == "+":
            return {f"database.{'sqlite3' if other == 'sqlite' else 'dump'}": relabelled["db"]}
        return data

    bad = tmp_path / "other.tar.gz"
    _rewrite(archive, bad, relabel)
    with pytest.raises(CommandError, match="备份来自 .* 数据库.*未做任何恢复"):
        call_command("restore", str(bad), force=True)

    ours = settings.AUDIT_CHAIN_KEY
    settings.AUDIT_CHAIN_KEY = "another installation's key"
    with pytest.raises(CommandError, match="签名不符.*未做任何恢复"):
        call_command("restore", str(archive), force=True)
    settings.AUDIT_CHAIN_KEY = ours
    assert _source_state() == before


def test_a_missing_archive_is_named(db: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="备份文件不存在"):
        call_command("restore", str(tmp_path / "nothing.tar.gz"))


def test_the_archive_opens_with_the_systems_tar(populated: dict[str, Any], tmp_path: Path) -> None:
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=str(archive))
    listing = subprocess.run(["tar", "tzf", str(archive)], capture_output=True, text=True, check=True).stdout
    assert listing.splitlines()[0] == "manifest.json"


@pytest.mark.slow
@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL only (DATABASE_URL)")
def test_with_the_two_roles_backup_and_restore_run_as_the_owner_and_the_app_role_keeps_its_limits(
        scratch: dict[str, Any], tmp_path: Path) -> None:  # noqa: F811 (the imported fixture)
    """deploy/postgres-roles.sql's installation: ``backup`` and ``restore`` connect as the owner (DATABASE_OWNER_URL);
    after a forced restore the tables are the owner's again and the app role still cannot change audit rows."""
    import psycopg

    env = scratch["env"] | {"MEDIA_ROOT": str(tmp_path / "media"), "AUDIT_ARCHIVE_DIR": str(tmp_path / "aa"),
                            "YUANQU_VAR_DIR": str(tmp_path / "var"), "SECRET_KEY": settings.SECRET_KEY}
    script = ("import django; django.setup()\nfrom yuanqu.core import audit\n"
              "for i in range(3): audit.record(actor=None, action='login_failed', username=f'u{i}')\n")
    app_env = env | {"DJANGO_SETTINGS_MODULE": "yuanqu.settings"}
    assert subprocess.run([sys.executable, "-c", script], env=app_env, capture_output=True).returncode == 0
    archive = tmp_path / "roles.tar.gz"
    run = _yuanqu(env, "backup", "--output", str(archive))
    assert run.returncode == 0, run.stderr[-3000:]
    # One more event after the backup: the restore must say it replaces it, and take it away.
    assert subprocess.run([sys.executable, "-c", script], env=app_env, capture_output=True).returncode == 0
    refused = _yuanqu(env, "restore", str(archive))
    assert refused.returncode != 0 and "core_auditevent 6" in refused.stderr
    forced = _yuanqu(env, "restore", str(archive), "--force")
    assert forced.returncode == 0, forced.stderr[-3000:]
    assert "core_auditevent 6" in forced.stdout and "恢复完成并已校验" in forced.stdout

    with psycopg.connect(scratch["owner"]) as owner:
        assert owner.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'core_auditevent'").fetchone() == (
            scratch["owner_role"],)
    with psycopg.connect(scratch["app"]) as app:
        assert app.execute("SELECT count(*) FROM core_auditevent").fetchone() == (3,)
        for sql in ("DELETE FROM core_auditevent", "UPDATE core_auditevent SET actor_username = 'x'",
                    "TRUNCATE core_auditevent"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege), app.transaction():
                app.execute(sql)  # type: ignore[arg-type]
    verify = _yuanqu(env, "audit_verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
