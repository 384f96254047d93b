"""The world restored from the snapshot (tests/world_snapshot.py) holds what a world built through the services
holds, table by table: the same rows, ids, links, times and hashes aside (those differ between two builds)."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from .conftest import build_world
from .world_snapshot import _read, _tables, world_for_test

#: Columns that differ between two builds of the same world: ids and links, times, hashes and tokens.
VOLATILE_SUFFIXES = ("id", "_at", "_on_utc", "since", "hash", "key", "password", "token", "session_data",
                     "session_key", "expire_date", "object_pk", "object_repr", "before", "after")


#: A moment (two builds run at different times) and the suffix Django adds to a file name already taken.
MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}")
TAKEN_NAME = re.compile(r"_[A-Za-z0-9]{7}(\.\w+)$")


def _value(value: Any) -> str:
    text = str(value)
    return "<moment>" if MOMENT.match(text) else TAKEN_NAME.sub(r"\1", text)


def _contents() -> dict[str, list[tuple[str, ...]]]:
    out = {}
    for table in _tables():
        _pk, columns, rows = _read(table)
        keep = [i for i, c in enumerate(columns) if not c.endswith(VOLATILE_SUFFIXES)]
        out[table] = sorted(tuple(_value(row[i]) for i in keep) for row in rows.values())
    return out


def test_a_restored_world_is_a_built_world(db: Any) -> None:
    with transaction.atomic():
        world = world_for_test(build_world)
        restored = _contents()
        transaction.set_rollback(True)
    with transaction.atomic():
        built = build_world()
        fresh = _contents()
        transaction.set_rollback(True)
    differing = sorted(t for t in fresh if fresh[t] != restored.get(t))
    assert not differing, differing
    assert world.ent_xltd.name == built.ent_xltd.name and world.users.keys() == built.users.keys()


def test_each_test_gets_its_own_objects(db: Any) -> None:
    with transaction.atomic():
        one = world_for_test(build_world)
        two = world_for_test(build_world)
        transaction.set_rollback(True)
    assert one.ent_xltd is not two.ent_xltd and one.ent_xltd.pk == two.ent_xltd.pk
    one.ent_xltd.name = "改过的名字"
    assert two.ent_xltd.name != "改过的名字"
