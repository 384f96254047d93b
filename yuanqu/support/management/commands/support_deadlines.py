"""``yuanqu support_deadlines``: warn handlers before a request's deadline and escalate a breach to the district.

Run every 15 minutes by deploy/systemd/yuanqu-support-deadlines.timer (or cron)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from yuanqu.support import services
from yuanqu.support.tasks import check_deadlines


class Command(BaseCommand):
    help = "Warn handlers of service requests close to their deadline and escalate those past it"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", type=dt.datetime.fromisoformat, default=None,
                            help="check as of this time (YYYY-MM-DDTHH:MM) instead of now")
        parser.add_argument("--enqueue", action="store_true", help="run it as a background task instead")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = check_deadlines.enqueue()
            self.stdout.write(f"Enqueued task {result.id}.")
            return
        now = options["now"]
        if now is not None and timezone.is_naive(now):
            now = timezone.make_aware(now)
        warned, escalated = services.check_deadlines(now=now)
        self.stdout.write(f"{warned} request(s) warned, {escalated} escalated.")
