"""``yuanqu return_stale_leads``: put leads without a follow-up for N days back into the pool (公海)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yuanqu.investment import services
from yuanqu.investment.tasks import return_stale_leads


class Command(BaseCommand):
    help = "Return owned leads with no follow-up for their region's N days (default 30) to the shared pool"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="count days up to this date (YYYY-MM-DD) instead of today")
        parser.add_argument("--enqueue", action="store_true", help="run it as a background task instead")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = return_stale_leads.enqueue()
            self.stdout.write(f"Enqueued task {result.id}.")
            return
        count = services.return_stale_leads(today=options["today"])
        self.stdout.write(f"{count} lead(s) returned to the pool.")
