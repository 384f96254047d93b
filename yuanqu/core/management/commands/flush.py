"""Django's ``flush``, through the audit log's maintenance path (the triggers refuse to empty it otherwise).

Tests that use a live server or real transactions are reset by ``flush``; an operator who runs it on
purpose empties the audit log knowingly, as with any other table.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush

from yuanqu.core.audit_chain import maintenance
from yuanqu.core.dbroles import as_owner


class Command(flush.Command):
    """``flush`` as the database owner (the application role may not empty the audit log), with the audit
    triggers' maintenance path open for its one transaction."""

    def handle(self, **options: Any) -> None:
        using = options.get("database") or "default"
        with as_owner(using), maintenance(using):
            super().handle(**options)
