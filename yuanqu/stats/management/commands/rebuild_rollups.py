"""``yuanqu rebuild_rollups``: recompute every statistics rollup from the raw approved values."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from yuanqu.stats import rollups


class Command(BaseCommand):
    help = "Recompute every statistics rollup from the raw approved values."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        cells = rollups.rebuild()
        self.stdout.write(f"rebuilt {cells} rollup cells in {time.perf_counter() - started:.2f} s")
