"""Approved statistics and map coordinates for the shared world, created through the services.

- 信联天地 (the enterprise user's 青岛信达软件): June 2024 and June 2025 reports, approved.
- 生命药洲 (青岛药研生物): June 2025, approved.
So the cockpit for 2025-06 has output 累计 1200 + 2000 = 3200 万元 against 1000 万元 a year earlier.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from yuanqu.parks import services as parks
from yuanqu.stats import services as stats
from yuanqu.stats.models import Indicator, Report
from yuanqu.stats.services import Entry

XLTD_2025 = {"output": "1200", "revenue": "1500", "tax": "80", "profit": "100", "employees": "120"}
XLTD_2024 = {"output": "1000", "revenue": "1300", "tax": "100", "profit": "90", "employees": "110"}
SMYZ_2025 = {"output": "2000", "revenue": "2100", "tax": "150", "profit": "300", "employees": "60"}


def approve(world: Any, report: Report, values: dict[str, str]) -> Report:
    """Enter, submit, review and approve ``report`` as district staff."""
    staff = world.users["region_staff"]
    entries = {Indicator.objects.get(code=c).pk: Entry(value=Decimal(v)) for c, v in values.items()}
    report = stats.report_save(actor=staff, report=report, entries=entries, submit=True)
    report = stats.report_park_review(actor=staff, report=report)
    return stats.report_approve(actor=staff, report=report)


def add_statistics(world: Any) -> None:
    """Approved reports for June 2024 (信联天地) and June 2025 (信联天地, 生命药洲), and park coordinates."""
    staff = world.users["region_staff"]
    approve(world, world.report_xltd, XLTD_2025)
    approve(world, world.report_smyz, SMYZ_2025)
    round_2024 = stats.round_open(actor=staff, region=world.licang, frequency="month", year=2024, month=6,
                                  deadline=dt.date(2024, 7, 10))
    approve(world, Report.objects.get(round=round_2024, enterprise=world.ent_xltd), XLTD_2024)
    for park, lng, lat in ((world.xltd, "120.4285", "36.1630"), (world.smyz, "120.4520", "36.1790")):
        parks.park_update(actor=staff, park=park, longitude=Decimal(lng), latitude=Decimal(lat))
