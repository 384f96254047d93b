"""Tamper evidence for the audit log: one global hash chain, its verification, and the maintenance path.

Every :class:`~yuanqu.core.models.AuditEvent` carries ``hash`` = HMAC-SHA256(key, canonical(event) + prev_hash),
where ``prev_hash`` is the hash of the event written just before it. The chain is global (one for the whole
installation, not one per region): a single writer lock makes the order unambiguous, and verifying needs no
knowledge of regions. On PostgreSQL the writer takes ``pg_advisory_xact_lock`` before reading the chain head,
so two transactions can never link to the same predecessor; on SQLite writers are serialised by the database
(``BEGIN IMMEDIATE``).

The key is ``AUDIT_CHAIN_KEY`` (by default derived from ``SECRET_KEY``). Someone who can write to the database
but does not know the key cannot recompute the hashes after changing a row.

Changing or removing audit rows is refused by database triggers. The only way through is
:func:`maintenance` (used by ``yuanqu audit_archive`` and by Django's ``flush`` in tests): on SQLite the
triggers ask a function that only this process's connection defines; on PostgreSQL they read the
transaction-local setting ``yuanqu.audit_maintenance`` (and the application's role has no UPDATE, DELETE or
TRUNCATE privilege on the table at all, see ``deploy/postgres-roles.sql``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connections, transaction

if TYPE_CHECKING:
    from .models import AuditEvent

#: Advisory-lock key of the chain head on PostgreSQL (an arbitrary constant: "yuanqu" in ASCII).
CHAIN_LOCK = 0x7975616E7175
#: Fields covered by an event's hash, in this order.
HASHED_FIELDS = ("at", "actor_id", "actor_username", "role", "ip", "user_agent", "channel", "action",
                 "object_type", "object_id", "object_repr", "before", "after", "region_code")
MAINTENANCE_FUNCTION = "yuanqu_audit_maintenance"
MAINTENANCE_SETTING = "yuanqu.audit_maintenance"


def chain_key() -> bytes:
    """The HMAC key of the chain: ``AUDIT_CHAIN_KEY``, or one derived from ``SECRET_KEY``."""
    key = getattr(settings, "AUDIT_CHAIN_KEY", "") or ""
    if key:
        return key.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"yuanqu-audit-chain", hashlib.sha256).digest()


def _time(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(values: dict[str, Any]) -> bytes:
    """The event's hashed fields as canonical JSON (sorted keys, no spaces, UTF-8)."""
    data = {name: values.get(name) for name in HASHED_FIELDS}
    data["at"] = _time(data["at"]) if isinstance(data["at"], dt.datetime) else data["at"]
    data["ip"] = data["ip"] or None
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(values: dict[str, Any], prev_hash: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 of the event's canonical form followed by the previous event's hash."""
    return hmac.new(key or chain_key(), canonical(values) + b"\n" + prev_hash.encode(), hashlib.sha256).hexdigest()


def values_of(event: AuditEvent) -> dict[str, Any]:
    """The hashed fields of a model instance."""
    return {name: getattr(event, name) for name in HASHED_FIELDS}


def lock_head(using: str = "default") -> str:
    """Take the chain's writer lock (till the end of the transaction) and return the head's hash."""
    from .models import AuditEvent

    connection = connections[using]
    if connection.vendor == "postgresql":
        # One round trip for the lock and the head: the lock is held until the commit, so every round trip saved
        # while holding it is time every other writer waits (issue 13, bench/load). Two statements, never one:
        # under READ COMMITTED each statement reads the snapshot taken when it starts, so the second reads the
        # head after the lock was granted and sees the previous holder's event; a single statement would read
        # the head as it was before waiting, and two writers would link to the same predecessor
        # (tests/core/test_audit_chain.py: test_head_is_read_after_the_lock_is_granted).
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s); "
                           f"SELECT hash FROM {AuditEvent._meta.db_table} ORDER BY id DESC LIMIT 1",  # noqa: S608
                           [CHAIN_LOCK])
            cursor.nextset()
            row = cursor.fetchone()
        return (row[0] if row else "") or ""
    head = AuditEvent._base_manager.using(using).order_by("-id").values_list("hash", flat=True).first()
    return head or ""


# --- verification -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """The first link of the chain that does not hold."""

    id: int
    at: dt.datetime | None
    reason: str


@dataclass(frozen=True)
class Verdict:
    """What :func:`verify` found: how many events it checked, the head's hash, and the first break."""

    checked: int
    head: str
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _anchors(using: str) -> set[str]:
    """Hashes of archived events that a remaining first event may link to (from archive anchor events)."""
    from .models import AuditEvent

    found = set()
    for after in AuditEvent._base_manager.using(using).filter(action=AuditEvent.Action.ARCHIVE).values_list(
            "after", flat=True):
        if isinstance(after, dict) and isinstance(after.get("last_archived_hash"), str):
            found.add(after["last_archived_hash"])
    return found


def verify(using: str = "default", key: bytes | None = None) -> Verdict:
    """Walk the whole chain in id order and report the first event whose link or content does not hold.

    The first remaining event must start the chain (no predecessor) or link to the last event of an
    archive, as recorded by an archive anchor event (itself part of the chain).
    """
    from .models import AuditEvent

    key = key or chain_key()
    anchors = _anchors(using)
    prev = None
    checked = 0
    qs = AuditEvent._base_manager.using(using).order_by("id").values("id", "prev_hash", "hash", *HASHED_FIELDS)
    for row in qs.iterator(chunk_size=2000):
        checked += 1
        if prev is None:
            if row["prev_hash"] and row["prev_hash"] not in anchors:
                return Verdict(checked, prev or "", Break(row["id"], row["at"], "first event links to an unknown "
                                                                             "predecessor (events removed)"))
        elif row["prev_hash"] != prev:
            return Verdict(checked, prev, Break(row["id"], row["at"], "does not link to the event before it "
                                                                      "(an event was removed or inserted)"))
        if event_hash(row, row["prev_hash"], key) != row["hash"]:
            return Verdict(checked, prev or "", Break(row["id"], row["at"], "content does not match its hash "
                                                                            "(the event was changed)"))
        prev = row["hash"]
    return Verdict(checked, prev or "", None)


def rechain(using: str = "default", start_after: str = "") -> int:
    """Compute the hash of every event from scratch, in id order (the data migration for existing events).

    Writes through raw SQL, so it must run where the triggers allow it (a migration before they exist,
    or inside :func:`maintenance`).
    """
    from .models import AuditEvent

    key = chain_key()
    prev = start_after
    n = 0
    table = AuditEvent._meta.db_table
    connection = connections[using]
    rows = list(AuditEvent._base_manager.using(using).order_by("id").values("id", *HASHED_FIELDS))
    with connection.cursor() as cursor:
        for row in rows:
            digest = event_hash(row, prev, key)
            cursor.execute(f"UPDATE {table} SET prev_hash = %s, hash = %s WHERE id = %s",  # noqa: S608
                           [prev, digest, row["id"]])
            prev = digest
            n += 1
    return n


# --- the maintenance path ---------------------------------------------------------------------------


def register_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On every new SQLite connection, define the function the audit triggers ask (connection_created)."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        MAINTENANCE_FUNCTION, 0, lambda: 1 if getattr(connection, "_yuanqu_audit_maintenance", False) else 0)


@contextmanager
def maintenance(using: str = "default") -> Iterator[None]:
    """Allow UPDATE, DELETE (and on PostgreSQL TRUNCATE) of audit rows inside this block, in one transaction.

    The documented maintenance path: ``yuanqu audit_archive`` removes archived events through it; Django's
    ``flush`` (tests) empties the table through it. Outside it the database refuses, whoever connects.
    """
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [MAINTENANCE_SETTING])
            try:
                yield
            finally:
                # Closed again at once, also when this block is a savepoint inside a longer transaction.
                if not connection.needs_rollback:
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT set_config(%s, 'off', true)", [MAINTENANCE_SETTING])
            return
        connection.ensure_connection()
        connection._yuanqu_audit_maintenance = True  # type: ignore[attr-defined]
        try:
            yield
        finally:
            connection._yuanqu_audit_maintenance = False  # type: ignore[attr-defined]


# SQL of the triggers, created by migration 0004 (and again by any later migration that rebuilds the table).
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS core_auditevent_no_{op.lower()} BEFORE {op} ON core_auditevent "
    f"WHEN NOT {MAINTENANCE_FUNCTION}() BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
    for op in ("UPDATE", "DELETE")
]
POSTGRES_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION core_auditevent_refuse() RETURNS trigger AS $$ "
    f"BEGIN IF coalesce(current_setting('{MAINTENANCE_SETTING}', true), '') = 'on' THEN "
    "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END IF; "
    "RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_update ON core_auditevent;",
    "CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE OR DELETE ON core_auditevent "
    "FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse();",
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;",
    "CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent "
    "FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_refuse();",
]
DROP_TRIGGERS = {
    "sqlite": ["DROP TRIGGER IF EXISTS core_auditevent_no_update", "DROP TRIGGER IF EXISTS core_auditevent_no_delete"],
    "postgresql": ["DROP TRIGGER IF EXISTS core_auditevent_no_update ON core_auditevent",
                   "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent"],
}


def create_triggers(schema_editor: Any) -> None:
    """Create the triggers that refuse UPDATE and DELETE (and TRUNCATE) outside the maintenance path."""
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_TRIGGERS}.get(vendor, []):
        schema_editor.execute(sql)


def drop_triggers(schema_editor: Any) -> None:
    """Remove the audit triggers (before a data migration that rewrites rows, or on reverse)."""
    for sql in DROP_TRIGGERS.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


REVOKE_AUDIT_CHANGES = """
DO $$
DECLARE r record;
BEGIN
  IF to_regclass('core_auditevent') IS NULL THEN RETURN; END IF;
  FOR r IN SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END AS who
           FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = 'core_auditevent'::regclass AND a.grantee <> c.relowner
             AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
  LOOP
    EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON core_auditevent FROM ' || r.who;
  END LOOP;
END $$;
"""


def revoke_audit_changes(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After ``migrate`` (post_migrate): no role but the table's owner may UPDATE, DELETE or TRUNCATE audit rows.

    Default privileges (deploy/postgres-roles.sql) give the application role data rights on every table the
    owner creates; this takes the audit table's change rights back, whatever migration created it.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(REVOKE_AUDIT_CHANGES)
