"""``yuanqu designation_expiry``: refresh the 高企/专精特新/listing flags of the enterprises whose designations came
into or went out of force since the last run (a 高企 past its 有效期 is no longer one).

Run daily by deploy/systemd/yuanqu-designation-expiry.timer (or cron), or by hand."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yuanqu.enterprises import services
from yuanqu.enterprises.tasks import designation_expiry


class Command(BaseCommand):
    help = "Refresh the high-tech, SRDI and listing flags of enterprises whose designations expired since the last run"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="refresh as of this date (YYYY-MM-DD) instead of today")
        parser.add_argument("--enqueue", action="store_true", help="run it as a background task instead")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = designation_expiry.enqueue()
            self.stdout.write(f"Enqueued task {result.id}.")
            return
        changed = services.designation_flags_daily(today=options["today"])
        self.stdout.write(f"{len(changed)} enterprise(s) refreshed.")
