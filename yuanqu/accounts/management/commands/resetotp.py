"""``yuanqu resetotp USERNAME``: remove a user's second factor, on the server only.

A user who lost both the phone and the recovery codes cannot sign in; no role can reset another's second
factor through the web app (三权分立: the administrator could otherwise take over the auditor). Whoever runs
the server removes the authenticator and the recovery codes here; every session of the user ends, the change
is audited, and the user enrols a new phone at the next log-in.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yuanqu.accounts.models import User
from yuanqu.accounts.services import otp_reset_on_server


class Command(BaseCommand):
    help = "Remove a user's authenticator and recovery codes; the user enrols again at the next log-in"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = User.objects.filter(username=opts["username"]).first()
        if user is None:
            raise CommandError(f"no user {opts['username']!r}")
        removed = otp_reset_on_server(user=user)
        self.stdout.write(f"{user.username}: second factor reset ({removed} device(s) removed); "
                          "the user sets up an authenticator app at the next log-in")
