"""``yuanqu resetpassword``: reset any account's password on the server, and unlock it.

The web app resets business accounts only; the administrator and auditor accounts of the 三权分立 split are
reset here, by whoever runs the server (so the system administrator cannot take over the auditor). The new
password is printed once; the reset is audited in the account's region.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yuanqu.accounts.services import user_reset_on_server


class Command(BaseCommand):
    help = "Reset an account's password (any role) and unlock it; prints the new password once"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            password = user_reset_on_server(username=opts["username"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"password of {opts['username']} reset and account unlocked; new password: {password}")
