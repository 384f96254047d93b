"""``yuanqu load_reference``: (re)load the national code tables; safe to run again."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from yuanqu.core.models import IndustryCode, Region
from yuanqu.core.reference import load_industries, load_regions


class Command(BaseCommand):
    help = "Load NBS 2023 divisions and GB/T 4754-2017 industries from yuanqu/core/data"

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            regions = load_regions(Region)
            industries = load_industries(IndustryCode)
        self.stdout.write(f"regions: {regions}, industries: {industries}")
