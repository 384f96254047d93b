"""``core.registry.changes``: announcements are heard after the commit, never after a rollback; inside
``gathered()`` every committed id is heard once, at the end (issue 16's re-match, queued once per bulk action)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import TestCase

from yuanqu.core.registry import changes


@pytest.fixture
def heard():
    calls: list[list[int]] = []
    listener = changes.listen("enterprise", "tests.heard", calls.append)
    yield calls
    changes.unregister(listener)


def _commit(*pks: int, fail: bool = False) -> None:
    """One transaction announcing ``pks``, committed (its on-commit callbacks run) or rolled back."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        try:
            with transaction.atomic():
                changes.changed("enterprise", *pks)
                if fail:
                    raise RuntimeError("rolled back")
        except RuntimeError:
            pass


def test_each_transaction_is_heard_after_its_commit_and_a_rollback_never(db, heard):
    _commit(3, 1, 3)
    _commit(7, fail=True)
    _commit(2)
    assert heard == [[1, 3], [2]]


def test_a_gathered_block_is_heard_once_with_every_committed_id(db, heard):
    with changes.gathered():
        _commit(5, 1)
        _commit(9, fail=True)
        with changes.gathered():  # an inner block gathers into the outer one
            _commit(1, 2)
        assert heard == []  # nothing before the block ends
    assert heard == [[1, 2, 5]]
    _commit(4)  # after the block, as before
    assert heard == [[1, 2, 5], [4]]


def test_what_committed_is_heard_even_if_the_block_ends_in_an_error(db, heard):
    with pytest.raises(ValueError), changes.gathered():
        _commit(6)
        raise ValueError("later failure")
    assert heard == [[6]]


def test_a_failing_listener_does_not_stop_the_others(db, heard):
    def broken(ids: list[int]) -> None:
        raise RuntimeError("listener bug")

    bad = changes.listen("enterprise", "tests.broken", broken)
    try:
        with changes.gathered():
            _commit(8)
    finally:
        changes.unregister(bad)
    assert heard == [[8]]
