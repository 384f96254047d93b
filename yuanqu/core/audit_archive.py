"""Archiving audit events older than the retention period to a signed file, before any removal.

The file is JSON lines: a header line, one line per event (every column, the chain hashes included), and a
trailer line with the count and the SHA-256 of the lines before it. Beside it, ``FILE.sig`` holds the
HMAC-SHA256 of the whole file under the audit chain's key (``AUDIT_CHAIN_KEY``), so the file can be checked
later (``yuanqu audit_archive --verify FILE``) and nobody without the key can forge one.

Removal happens only after the file is written, flushed to disk and verified, through the audit triggers'
maintenance path, in one transaction that also appends an ``archive`` anchor event holding the hash of the
last archived event: the remaining chain still verifies, its first event linking to that anchor.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from . import audit, audit_chain
from .models import AuditEvent

FORMAT = "yuanqu-audit-archive/1"


class ArchiveError(Exception):
    """The archive cannot be written, or a file does not verify."""


@dataclass(frozen=True)
class ArchiveResult:
    """What an archive run did."""

    path: Path | None
    count: int
    removed: int
    last_hash: str


def retention_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """The earliest time an archive may reach: events at or after it are within the retention period."""
    return (now or timezone.now()) - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)


def _json(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return value


def _signature(data: bytes) -> str:
    return hmac.new(audit_chain.chain_key(), data, hashlib.sha256).hexdigest()


def archive(*, before: dt.date, directory: Path | None = None, remove: bool = True,
            now: dt.datetime | None = None, using: str = "default") -> ArchiveResult:
    """Write every event before ``before`` (a date, local time) to a signed file; then remove them.

    Refuses a date that would reach into the retention period. Nothing is removed unless the file was
    written and verified first. The chain must verify before anything is archived.
    """
    start_of_day = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    if start_of_day > retention_cutoff(now):
        raise ArchiveError(
            f"{before.isoformat()} 晚于保存期限: 审计日志至少保存 {settings.AUDIT_RETENTION_DAYS} 天 "
            f"(events before {before.isoformat()} are still within the retention period)")
    verdict = audit_chain.verify(using)
    if not verdict.ok:
        assert verdict.broken is not None
        raise ArchiveError(f"审计日志链已断开 (id={verdict.broken.id}), 请先核查, 不予归档 "
                           f"(the chain is broken; nothing archived)")
    qs = AuditEvent._base_manager.using(using).filter(at__lt=start_of_day).order_by("id")
    if not qs.exists():
        return ArchiveResult(None, 0, 0, "")
    directory = Path(directory or settings.AUDIT_ARCHIVE_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    path = directory / f"audit-before-{before.isoformat()}-{stamp}.jsonl"
    fields = [f.attname for f in AuditEvent._meta.concrete_fields]
    digest = hashlib.sha256()
    count, first_id, last_id, last_hash = 0, None, None, ""
    with path.open("wb") as out:
        def write(obj: dict[str, Any]) -> None:
            line = (json.dumps(obj, ensure_ascii=False, sort_keys=True) + "\n").encode()
            digest.update(line)
            out.write(line)

        write({"format": FORMAT, "before": before.isoformat(), "created": _json(now or timezone.now()),
               "retention_days": settings.AUDIT_RETENTION_DAYS})
        for row in qs.values(*fields).iterator(chunk_size=2000):
            write({k: _json(v) for k, v in row.items()})
            count += 1
            first_id = first_id if first_id is not None else row["id"]
            last_id, last_hash = row["id"], row["hash"]
        trailer = {"count": count, "first_id": first_id, "last_id": last_id, "last_hash": last_hash,
                   "sha256": digest.hexdigest()}
        out.write((json.dumps(trailer, sort_keys=True) + "\n").encode())
        out.flush()
        os.fsync(out.fileno())
    signature = _signature(path.read_bytes())
    sig_path = path.with_name(path.name + ".sig")
    sig_path.write_text(f"hmac-sha256 {signature}\n")
    verify_file(path)
    removed = 0
    if remove:
        removed = _remove(first_id=first_id, last_id=last_id, last_hash=last_hash, count=count, path=path,
                          signature=signature, using=using)
    return ArchiveResult(path, count, removed, last_hash)


def _remove(*, first_id: Any, last_id: Any, last_hash: str, count: int, path: Path, signature: str,
            using: str) -> int:
    """Remove the archived events through the maintenance path and anchor the chain, in one transaction."""
    table = AuditEvent._meta.db_table
    connection = connections[using]
    with transaction.atomic(using=using), audit_chain.maintenance(using):
        # The anchor first (it links to the current head), then the removal: the first event left links to
        # the last archived one, whose hash the anchor holds.
        audit.record(actor=None, username="audit_archive", action=AuditEvent.Action.ARCHIVE,
                     object_type="core.AuditEvent", object_repr=path.name,
                     after={"count": count, "first_id": first_id, "last_id": last_id,
                            "last_archived_hash": last_hash, "file": path.name, "signature": signature})
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id >= %s AND id <= %s", [first_id, last_id])  # noqa: S608
            removed = cursor.rowcount
        if removed != count:
            raise ArchiveError(f"删除 {removed} 条与归档 {count} 条不符, 已回滚 "
                               f"(removed {removed} != archived {count})")
        verdict = audit_chain.verify(using)
        if not verdict.ok:
            raise ArchiveError("归档后事件链无法校验, 已回滚 (the chain would not verify after removal; rolled back)")
    return removed


def verify_file(path: Path) -> dict[str, Any]:
    """Check an archive file against its signature and its own trailer; return the trailer, or raise."""
    path = Path(path)
    sig_path = path.with_name(path.name + ".sig")
    try:
        data = path.read_bytes()
        sig = sig_path.read_text().split()
    except OSError as exc:
        raise ArchiveError(f"无法读取归档文件或签名: {exc} (cannot read the archive or its .sig)") from exc
    if len(sig) != 2 or sig[0] != "hmac-sha256" or not hmac.compare_digest(sig[1], _signature(data)):
        raise ArchiveError("归档文件签名不符: 文件被修改或密钥不同 (signature mismatch: file altered or other key)")
    lines = data.splitlines(keepends=True)
    if len(lines) < 2:
        raise ArchiveError("归档文件不完整 (archive truncated)")
    try:
        trailer = json.loads(lines[-1])
        header = json.loads(lines[0])
    except ValueError as exc:
        raise ArchiveError("归档文件格式错误 (archive not in the expected format)") from exc
    if header.get("format") != FORMAT:
        raise ArchiveError("归档文件格式错误 (archive not in the expected format)")
    body = b"".join(lines[:-1])
    if hashlib.sha256(body).hexdigest() != trailer.get("sha256") or len(lines) - 2 != trailer.get("count"):
        raise ArchiveError("归档文件内容与摘要不符 (archive content does not match its trailer)")
    # The archived events must still form a chain among themselves.
    prev = None
    key = audit_chain.chain_key()
    for raw in lines[1:-1]:
        row = json.loads(raw)
        if prev is not None and row["prev_hash"] != prev:
            raise ArchiveError(f"归档内事件链断开 id={row['id']} (chain broken inside the archive)")
        values = {k: row.get(k) for k in audit_chain.HASHED_FIELDS}
        values["at"] = dt.datetime.fromisoformat(row["at"])
        if audit_chain.event_hash(values, row["prev_hash"], key) != row["hash"]:
            raise ArchiveError(f"归档内事件与哈希不符 id={row['id']} (event does not match its hash)")
        prev = row["hash"]
    return dict(trailer)
