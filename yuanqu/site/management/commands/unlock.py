"""``yuanqu unlock``: lift the lock-out of any account on the server, keeping its password.

The unlock path for administrator and auditor accounts, which the web app never touches; audited in the
account's region.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yuanqu.accounts.services import user_unlock_on_server


class Command(BaseCommand):
    help = "Unlock an account (any role) locked after failed log-ins; the password stays as it is"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            user = user_unlock_on_server(username=opts["username"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"{user.username} unlocked")
