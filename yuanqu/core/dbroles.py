"""The database roles a process connects as (issue 13 item 3): the application role for everything, the owner
for what changes the schema or empties the audit log.

A ``yuanqu`` command in ``OWNER_COMMANDS`` connects as the owner from the start (settings). When a process that
runs as the application role calls such a command in-process (the test suite's ``flush`` between transactional
tests, ``audit_archive`` called from a test), the connection's settings carry the owner's credentials under
``OWNER`` and :func:`as_owner` reconnects with them for the duration of the command.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections


@contextmanager
def as_owner(using: str = "default") -> Iterator[None]:
    """Run the block connected as the database owner, when the connection knows the owner's credentials.

    Without them (SQLite, or a process already connected as the owner) the block runs on the connection as it
    is. Inside a transaction the connection cannot be swapped, so the block also runs as it is (and the
    application role's missing rights refuse what it may not do).
    """
    connection = connections[using]
    owner = connection.settings_dict.get("OWNER")
    if connection.vendor != "postgresql" or not owner or connection.in_atomic_block:
        yield
        return
    saved = {key: connection.settings_dict.get(key) for key in owner}
    connection.close()
    connection.settings_dict.update(owner)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)
