"""The shared world, built once per test process through the services and restored into each test as rows.

Building the world through the services (validation, audit chain, settlements, reports …) costs about a third of a
second; a suite of two thousand tests would pay it again and again for the same rows. So the first test that asks
for the world builds it inside a savepoint, and the difference it made to every table (rows added, changed or
removed, read by primary key) is kept with the built objects and the uploaded files; the savepoint is rolled back.
Each test then writes those rows back inside its own transaction (triggers fire as they did, and a row a trigger
already wrote is left alone), copies the files into its media directory and gets a deep copy of the objects, so a
test that changes an object in memory changes only its own. ``tests/test_world_snapshot.py`` checks that a
restored world holds exactly what a freshly built one holds, table by table.

``YUANQU_TEST_WORLD=build`` builds the world in every test instead, as before (to rule the snapshot out).
"""

from __future__ import annotations

import copy
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

#: Tables the snapshot never touches.
SKIP = frozenset({"django_migrations"})


@dataclass
class TableDiff:
    table: str
    pk: str
    columns: list[str]
    inserted: list[tuple[Any, ...]] = field(default_factory=list)
    updated: list[tuple[Any, ...]] = field(default_factory=list)
    deleted: list[Any] = field(default_factory=list)


@dataclass
class Snapshot:
    world: Any
    diffs: list[TableDiff]
    media: Path | None


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(t for t in connection.introspection.table_names(cursor) if t not in SKIP)


def _read(table: str) -> tuple[str, list[str], dict[Any, tuple[Any, ...]]]:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        pk = connection.introspection.get_primary_key_column(cursor, table)
        cursor.execute(f"SELECT * FROM {qn(table)}")  # noqa: S608 (table names from introspection)
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    if pk is None:
        raise RuntimeError(f"table {table} has no primary key: the world snapshot cannot follow it")
    at = columns.index(pk)
    return pk, columns, {row[at]: tuple(row) for row in rows}


def take(build: Callable[[], Any]) -> Snapshot:
    """Build the world in a savepoint and keep what it changed; the database is as it was afterwards."""
    tables = _tables()
    before = {t: _read(t) for t in tables}
    media_root = Path(settings.MEDIA_ROOT)
    media_before = {p for p in media_root.rglob("*")} if media_root.exists() else set()
    with transaction.atomic():  # a savepoint inside the test's transaction, rolled back below
        world = build()
        diffs = []
        for table in tables:
            pk, columns, old = before[table]
            _pk, _columns, new = _read(table)
            diff = TableDiff(table, pk, columns)
            diff.inserted = [row for key, row in new.items() if key not in old]
            diff.updated = [row for key, row in new.items() if key in old and old[key] != row]
            diff.deleted = [key for key in old if key not in new]
            if diff.inserted or diff.updated or diff.deleted:
                diffs.append(diff)
        media = None
        made = [p for p in media_root.rglob("*") if p.is_file() and p not in media_before] \
            if media_root.exists() else []
        if made:
            media = Path(tempfile.mkdtemp(prefix="yuanqu-world-media-"))
            for path in made:
                target = media / path.relative_to(media_root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
        transaction.set_rollback(True)
    return Snapshot(world=world, diffs=diffs, media=media)


def _advance_sequence(cursor: Any, table: str, pk: str) -> None:
    """Move the table's id sequence past the restored ids if it is behind them (after a transactional test's flush a
    sequence may start again below them).

    ``setval`` needs UPDATE on the sequence, which the application role the PostgreSQL suite runs as does not have
    (deploy/postgres-roles.sql); so it is called on the owner's own connection when the settings carry the owner's
    credentials (``OWNER``, tests/conftest.py). A sequence is not transactional, so that is the same as calling it
    here.
    """
    qn = connection.ops.quote_name
    cursor.execute("SELECT s, COALESCE(pg_sequence_last_value(s::regclass), 0) "
                   "FROM pg_get_serial_sequence(%s, %s) AS s WHERE s IS NOT NULL", [table, pk])
    found = cursor.fetchone()
    if found is None:
        return
    sequence, last = found
    cursor.execute(f"SELECT MAX({qn(pk)}) FROM {qn(table)}")  # noqa: S608 (names from introspection)
    top = cursor.fetchone()[0]
    if top is None or last >= top:
        return
    owner = connection.settings_dict.get("OWNER")
    if not owner:
        cursor.execute("SELECT setval(%s, %s)", [sequence, top])
        return
    import psycopg

    s = connection.settings_dict
    with psycopg.connect(host=s.get("HOST") or "127.0.0.1", port=str(s.get("PORT") or 5432), dbname=s["NAME"],
                         user=owner["USER"], password=owner.get("PASSWORD") or None, autocommit=True) as as_owner:
        as_owner.execute("SELECT setval(%s, %s)", [sequence, top])


def restore(snapshot: Snapshot) -> Any:
    """Write the snapshot's rows into the current transaction and return a fresh copy of its objects."""
    qn = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for diff in snapshot.diffs:
            table, pk = qn(diff.table), qn(diff.pk)
            if diff.deleted:
                marks = ", ".join(["%s"] * len(diff.deleted))
                cursor.execute(f"DELETE FROM {table} WHERE {pk} IN ({marks})", diff.deleted)  # noqa: S608
            columns = ", ".join(qn(c) for c in diff.columns)
            marks = ", ".join(["%s"] * len(diff.columns))
            if diff.updated:
                sets = ", ".join(f"{qn(c)} = %s" for c in diff.columns if c != diff.pk)
                at = diff.columns.index(diff.pk)
                cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s",  # noqa: S608
                                   [[v for i, v in enumerate(row) if i != at] + [row[at]] for row in diff.updated])
            if diff.inserted:
                # A row a trigger wrote already (a park marked dirty by its settlements) is left as it is.
                sql = (f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING" if postgres
                       else f"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({marks})")  # noqa: S608
                cursor.executemany(sql, diff.inserted)
                if postgres:
                    _advance_sequence(cursor, diff.table, diff.pk)
    if snapshot.media is not None:
        shutil.copytree(snapshot.media, Path(settings.MEDIA_ROOT), dirs_exist_ok=True)
    return copy.deepcopy(snapshot.world)


#: The snapshot of this process (per database: a process runs one).
_taken: dict[str, Snapshot] = {}


def world_for_test(build: Callable[[], Any]) -> Any:
    """The world for a test: restored from this process's snapshot (taken by the first test that asks)."""
    if os.environ.get("YUANQU_TEST_WORLD") == "build":
        return build()
    key = connection.settings_dict["NAME"]
    if key not in _taken:
        _taken[key] = take(build)
    return restore(_taken[key])


#: Layers over the world (a test module's extra objects), per database and name.
_layers: dict[tuple[str, str], Snapshot] = {}


def layer_for_test(name: str, world: Any, build: Callable[[Any], Any]) -> Any:
    """``world`` with a layer of further objects: ``build(world)`` adds rows (and may set attributes on the
    world object); the first test of this process that asks runs it in a savepoint and keeps the rows it wrote
    and the world object as it left it, every later test gets them written back into its transaction and a
    fresh copy of that world. For a module whose every test would otherwise build the same objects through the
    services again (the scope matrix's bundles). ``YUANQU_TEST_WORLD=build`` builds the layer in every test."""
    if os.environ.get("YUANQU_TEST_WORLD") == "build":
        build(world)
        return world
    key = (connection.settings_dict["NAME"], name)
    if key not in _layers:
        def built() -> Any:
            build(world)
            return world

        _layers[key] = take(built)
    return restore(_layers[key])

