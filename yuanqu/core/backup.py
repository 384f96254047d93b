"""Backups and restores of a whole installation: one archive with the database, the files and a manifest.

The archive is a gzip-compressed tar (``.tar.gz``): the standard library writes and reads it, every server has
``tar`` and ``gzip`` to look inside one by hand, and gzip halves SQLite files and uploads (a PostgreSQL dump in
``pg_dump``'s custom format is compressed already; zstd would need a third-party module on Python 3.11).

Members, in this order:

``manifest.json``
    format version, app version and git commit, database vendor, time of creation, the row count of every
    model table, the audit chain's head (:func:`yuanqu.core.audit_chain.verify`) and the SHA-256 and size of
    every other member.
``manifest.sig``
    ``hmac-sha256 HEX``: the manifest's HMAC under the audit chain's key (``AUDIT_CHAIN_KEY``, by default
    derived from ``SECRET_KEY``), so that an edited manifest is refused, and an archive from an installation
    with another key is refused before anything is touched (its audit chain would not verify here anyway).
``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite, online backup API)
``media/…``
    the uploaded and generated files (``MEDIA_ROOT``: stage evidence, briefings).
``audit-archive/…``
    the signed audit archives (``AUDIT_ARCHIVE_DIR``): events removed from the database live only there.

A restore reads the whole archive and checks every member against the manifest before it touches anything;
it refuses a non-empty database or file store unless forced, and afterwards checks that every table has the
manifest's count and that the audit chain verifies with the manifest's head.

Secrets (``SECRET_KEY``, ``AUDIT_CHAIN_KEY``, database passwords) are not in the archive: keep
``/etc/yuanqu/yuanqu.env`` apart; the audit chain of a restored database verifies only under the same key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.utils import timezone

from . import audit_chain

FORMAT = "yuanqu-backup/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
DB_MEMBERS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
#: Tables Django fills on every ``migrate`` (their rows say nothing about the data): ignored when deciding
#: whether a database is empty.
SCAFFOLDING = {"django_content_type", "auth_permission", "django_migrations"}


class BackupError(Exception):
    """A backup cannot be written, or an archive cannot (or may not) be restored."""


def _stores() -> dict[str, Path]:
    """The file stores in the archive, by member prefix."""
    return {"media": Path(settings.MEDIA_ROOT), "audit-archive": Path(settings.AUDIT_ARCHIVE_DIR)}


def model_tables() -> list[str]:
    """The database table of every model (many-to-many tables included), sorted, each once."""
    tables = {m._meta.db_table for m in apps.get_models(include_auto_created=True)
              if m._meta.managed and not m._meta.proxy}
    return sorted(tables)


def table_counts(using: str = "default") -> dict[str, int]:
    """Row counts of every model table that exists in the database."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for table in model_tables():
            if table in existing:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                counts[table] = int(cursor.fetchone()[0])
    return counts


def _files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _signature(data: bytes) -> str:
    return hmac.new(audit_chain.chain_key(), data, hashlib.sha256).hexdigest()


def _git_commit() -> str:
    root = Path(settings.PROJECT_DIR)
    if not (root / ".git").exists():
        return ""
    try:
        run = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,  # noqa: S607
                             timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return run.stdout.strip() if run.returncode == 0 else ""


def _app_version() -> str:
    try:
        return metadata.version("yuanqu")
    except metadata.PackageNotFoundError:
        return ""


# --- PostgreSQL client programs -------------------------------------------------------------------------


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for the connection (the password never on a command line)."""
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD"),
                     ("PGDATABASE", "NAME")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    return env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    if shutil.which(args[0]) is None:
        raise BackupError(f"找不到 {args[0]}, 请安装 PostgreSQL 客户端 (apt-get install postgresql-client) "
                          f"({args[0]} not found)")
    run = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if run.returncode != 0:
        raise BackupError(f"{what}失败 ({args[0]} exit {run.returncode}): {run.stderr.strip()[-2000:]}")


# --- backup ---------------------------------------------------------------------------------------------


def default_path(now: dt.datetime | None = None) -> Path:
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    return Path(settings.BACKUP_DIR) / f"yuanqu-backup-{stamp}.tar.gz"


def _dump_database(target: Path, using: str) -> str:
    """Write the database to ``target``; return the vendor."""
    connection = connections[using]
    vendor = connection.vendor
    if vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-password", f"--file={target}"],
             _pg_env(connection.settings_dict), "数据库导出 (pg_dump) ")
    elif vendor == "sqlite":
        connection.ensure_connection()
        dest = sqlite3.connect(target)
        try:
            connection.connection.backup(dest)
        finally:
            dest.close()
    else:
        raise BackupError(f"不支持的数据库: {vendor} (unsupported database)")
    return vendor


def create(output: Path | None = None, *, using: str = "default") -> tuple[Path, dict[str, Any]]:
    """Write one archive (see the module's description) to ``output``; return its path and manifest.

    The counts and the chain head are read before the dump and again after it: if anything was written in
    between, the archive is not written (run it again; on a live site, when it is quiet). The dump itself is
    consistent (``pg_dump`` reads one snapshot; the SQLite backup API restarts when the file changes).
    """
    output = Path(output or default_path())
    output.parent.mkdir(parents=True, exist_ok=True)
    created = timezone.now()
    with tempfile.TemporaryDirectory(prefix="yuanqu-backup-", dir=output.parent) as tmp:
        work = Path(tmp)
        vendor = connections[using].vendor
        if vendor not in DB_MEMBERS:
            raise BackupError(f"不支持的数据库: {vendor} (unsupported database)")
        db_member = DB_MEMBERS[vendor]
        counts_before = table_counts(using)
        verdict = audit_chain.verify(using)
        _dump_database(work / db_member, using)
        if table_counts(using) != counts_before or audit_chain.verify(using).head != verdict.head:
            raise BackupError("备份期间数据有变动, 请在业务低峰 (停止任务进程) 时重试 "
                              "(the data changed while the dump was written; retry when the site is quiet)")
        members: list[tuple[str, Path]] = [(db_member, work / db_member)]
        for prefix, root in _stores().items():
            members += [(f"{prefix}/{p.relative_to(root).as_posix()}", p) for p in _files(root)]
        manifest = {
            "format": FORMAT,
            "app_version": _app_version(),
            "git_commit": _git_commit(),
            "database_vendor": vendor,
            "created_at": created.isoformat(),
            "tables": counts_before,
            "audit": {"events": verdict.checked, "head": verdict.head, "chain_ok": verdict.ok},
            "files": {name: {"sha256": _sha256(path), "size": path.stat().st_size} for name, path in members},
        }
        partial = output.with_name(output.name + ".part")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(created.timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
            sig = f"hmac-sha256 {_signature(data)}\n".encode()
            info = tarfile.TarInfo(SIGNATURE)
            info.size, info.mtime, info.mode = len(sig), int(created.timestamp()), 0o600
            tar.addfile(info, io.BytesIO(sig))
            for name, path in members:
                tar.add(path, arcname=name, recursive=False)
        with partial.open("rb") as f:
            os.fsync(f.fileno())
        partial.replace(output)
    output.chmod(0o600)
    return output, manifest


# --- reading and checking an archive --------------------------------------------------------------------


@dataclass
class Opened:
    """An archive unpacked into a temporary directory and checked against its manifest."""

    manifest: dict[str, Any]
    directory: Path

    def path(self, member: str) -> Path:
        return self.directory / member


@contextmanager
def opened(archive: Path) -> Iterator[Opened]:
    """Unpack ``archive`` into a temporary directory and check it; raise :class:`BackupError` if anything is off.

    Refused: a file that is not a readable tar (truncated, not gzip, garbage), a missing or unreadable
    manifest, a member missing, extra, of another size or another SHA-256 than the manifest says.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"备份文件不存在: {archive} (no such archive)")
    with tempfile.TemporaryDirectory(prefix="yuanqu-restore-") as tmp:
        directory = Path(tmp)
        try:
            with tarfile.open(archive, "r:*") as tar:
                # The "data" filter refuses absolute paths, "..", links outside and device files.
                tar.extractall(directory, filter="data")
        except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
            raise BackupError(f"备份文件已损坏或不完整, 未做任何恢复: {exc} "
                              f"(the archive is truncated or damaged; nothing restored)") from exc
        try:
            raw = (directory / MANIFEST).read_bytes()
        except FileNotFoundError as exc:
            raise BackupError("备份文件缺少 manifest.json, 未做任何恢复 (manifest missing; nothing restored)") from exc
        try:
            sig = (directory / SIGNATURE).read_text().split()
        except (OSError, UnicodeDecodeError):
            sig = []
        if len(sig) != 2 or sig[0] != "hmac-sha256" or not hmac.compare_digest(sig[1], _signature(raw)):
            raise BackupError("备份清单 manifest.json 签名不符: 清单被修改, 或本系统的 AUDIT_CHAIN_KEY / SECRET_KEY "
                              "与备份时不同; 未做任何恢复 (manifest signature mismatch; nothing restored)")
        try:
            manifest = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise BackupError("备份文件的 manifest.json 无法解析, 未做任何恢复 "
                              "(manifest corrupt; nothing restored)") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(
                manifest.get("files"), dict) or not isinstance(manifest.get("tables"), dict):
            raise BackupError(f"备份文件格式不符 (需要 {FORMAT}), 未做任何恢复 (not a {FORMAT} archive)")
        files: dict[str, Any] = manifest["files"]
        present = {p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file()} - {
            MANIFEST, SIGNATURE}
        if missing := sorted(set(files) - present):
            raise BackupError(f"备份文件缺少成员 {', '.join(missing[:5])}, 未做任何恢复 (members missing)")
        if extra := sorted(present - set(files)):
            raise BackupError(f"备份文件含有清单之外的成员 {', '.join(extra[:5])}, 未做任何恢复 (unlisted members)")
        for name, expected in sorted(files.items()):
            path = directory / name
            if not isinstance(expected, dict) or path.stat().st_size != expected.get("size") or _sha256(
                    path) != expected.get("sha256"):
                raise BackupError(f"备份成员 {name} 的校验和与清单不符 (被修改或损坏), 未做任何恢复 "
                                  f"(checksum mismatch: {name}; nothing restored)")
        vendor = manifest.get("database_vendor")
        if vendor not in DB_MEMBERS or DB_MEMBERS[vendor] not in files:
            raise BackupError(f"备份文件中没有可识别的数据库 ({vendor}), 未做任何恢复 (no database in the archive)")
        yield Opened(manifest, directory)


# --- restore --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Current:
    """What the target holds now: rows per table (ignoring Django's scaffolding) and files per store."""

    tables: dict[str, int]
    files: dict[str, int]

    @property
    def empty(self) -> bool:
        return not any(self.tables.values()) and not any(self.files.values())

    def describe(self) -> str:
        rows = sum(self.tables.values())
        busiest = sorted(((n, t) for t, n in self.tables.items() if n), reverse=True)[:8]
        detail = ", ".join(f"{t} {n}" for n, t in busiest)
        files = ", ".join(f"{store} {n} 个文件" for store, n in self.files.items() if n)
        return f"{rows} 行数据 ({detail}{'…' if len([n for n in self.tables.values() if n]) > 8 else ''})" + (
            f"; {files}" if files else "")


def current(using: str = "default") -> Current:
    """What a restore would replace: rows in every table but those ``yuanqu migrate`` fills by itself, and files."""
    skip = SCAFFOLDING | _migration_filled()
    counts = {t: n for t, n in table_counts(using).items() if t not in skip}
    files = {store: sum(1 for _ in _files(root)) for store, root in _stores().items()}
    return Current(counts, files)


def _migration_filled() -> set[str]:
    """Tables the migrations themselves fill (reference data: regions, industry codes, the NBS 数字经济分类 and its
    correspondences, the core indicators): a freshly migrated database has rows there and is still empty."""
    from django.apps import apps

    from .models import DigitalEconomyClass, DigitalEconomyCorrespondence, IndustryCode, Region

    # The standard indicators belong to a higher floor (stats): named through the app registry, not imported.
    return {m._meta.db_table for m in (Region, IndustryCode, DigitalEconomyClass, DigitalEconomyCorrespondence,
                                       apps.get_model("stats", "Indicator"))}


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    replaced: Current
    events: int


def _restore_database(source: Path, vendor: str, using: str) -> None:
    connection = connections[using]
    if vendor == "sqlite":
        connection.ensure_connection()
        src = sqlite3.connect(source)
        try:
            # Page by page over the configured database (no triggers fire: nothing is UPDATEd or DELETEd).
            src.backup(connection.connection)
        finally:
            src.close()
        return
    connection.close()
    # Drops what the dump holds and creates it again, in one transaction (all or nothing). DROP TABLE does not
    # fire the audit table's row triggers; TRUNCATE is not used.
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
          "--no-password", f"--dbname={connection.settings_dict['NAME']}", str(source)],
         _pg_env(connection.settings_dict), "数据库恢复 (pg_restore) ")
    # The tables were created again under the owner's default privileges (deploy/postgres-roles.sql), which give
    # the application role UPDATE and DELETE on every new table; the dump's grants do not take those back for the
    # audit table. The same step as after ``migrate``: no role but the owner may change audit rows.
    audit_chain.revoke_audit_changes(sender=None, using=using)


def _restore_files(opened_archive: Opened) -> None:
    """Replace each file store with the archive's copy (the old one is removed only after the new one is in)."""
    for prefix, root in _stores().items():
        staged = opened_archive.directory / prefix
        root.parent.mkdir(parents=True, exist_ok=True)
        new = Path(tempfile.mkdtemp(prefix=f".{root.name}-new-", dir=root.parent))
        if staged.is_dir():
            shutil.copytree(staged, new, dirs_exist_ok=True)
        old = root.with_name(f".{root.name}-old-{os.getpid()}")
        if root.exists():
            root.replace(old)
        new.replace(root)
        root.chmod(0o750)
        if old.exists():
            shutil.rmtree(old)


def restore(archive: Path, *, force: bool = False, using: str = "default",
            say: Callable[[str], None] = lambda _: None) -> RestoreResult:
    """Restore ``archive`` into this installation's database and file stores, then verify it.

    Nothing is touched unless the whole archive checks out, and (without ``force``) the database and the
    file stores are empty. Raises :class:`BackupError`.
    """
    with opened(archive) as found:
        manifest = found.manifest
        vendor = manifest["database_vendor"]
        here = connections[using].vendor
        if vendor != here:
            raise BackupError(f"备份来自 {vendor} 数据库, 本系统配置的是 {here}, 未做任何恢复 "
                              f"(archive is {vendor}, this installation uses {here}; nothing restored)")
        now = current(using)
        if not now.empty:
            if not force:
                raise BackupError(f"目标数据库或文件目录不是空的 ({now.describe()}), 未做任何恢复; "
                                  f"确认要覆盖请加 --force (target not empty; use --force to replace it)")
            say(f"将被替换的现有数据 (replacing): {now.describe()}")
        _restore_database(found.path(DB_MEMBERS[vendor]), vendor, using)
        _restore_files(found)
    counts = table_counts(using)
    expected = {t: int(n) for t, n in manifest["tables"].items()}
    if differ := {t: (expected.get(t), counts.get(t)) for t in set(expected) | set(counts)
                  if expected.get(t) != counts.get(t)}:
        shown = ", ".join(f"{t}: 清单 {e} / 恢复后 {c}" for t, (e, c) in sorted(differ.items())[:8])
        raise BackupError(f"恢复后的行数与清单不符: {shown} (row counts differ from the manifest)")
    verdict = audit_chain.verify(using)
    if not verdict.ok:
        assert verdict.broken is not None
        raise BackupError(f"恢复后审计日志链校验失败 (id={verdict.broken.id}: {verdict.broken.reason}); "
                          f"AUDIT_CHAIN_KEY / SECRET_KEY 是否与备份时相同? (audit chain does not verify)")
    if verdict.head != manifest.get("audit", {}).get("head"):
        raise BackupError("恢复后审计日志链头与清单不符 (audit chain head differs from the manifest)")
    return RestoreResult(manifest, now, verdict.checked)
