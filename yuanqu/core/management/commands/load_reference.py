"""``yuanqu load_reference``: (re)load the national code tables; safe to run again."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from yuanqu.core.models import DigitalEconomyClass, DigitalEconomyCorrespondence, IndustryCode, Region
from yuanqu.core.reference import load_digital_economy, load_industries, load_regions


class Command(BaseCommand):
    help = ("Load NBS 2023 divisions, GB/T 4754-2017 industries and the NBS 2021 digital-economy classes from "
            "yuanqu/core/data")

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            regions = load_regions(Region)
            industries = load_industries(IndustryCode)
            digital = load_digital_economy(DigitalEconomyClass, DigitalEconomyCorrespondence)
        self.stdout.write(f"regions: {regions}, industries: {industries}, digital-economy classes: {digital}")
