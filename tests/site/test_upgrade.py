"""Upgrading a database made by the previous release: its data survives `yuanqu upgrade`, and the new code reads it.

The previous release is the schema of commit 5f36b2e (2026-11-27), before the figures layer (its counted
months and the settlement trigger) and the briefings' lifecycle: the leaf migration of every app at that commit.
The test migrates the test database back to that state, writes data with the models of that state (as the old
code would have), runs `yuanqu upgrade`, and reads the data back with today's code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q

from yuanqu.core.models import Region
from yuanqu.core.reference import load_regions
from yuanqu.core.views import pending_migrations
from yuanqu.enterprises.models import Enterprise, Settlement
from yuanqu.figures import snapshots
from yuanqu.parks.models import Park

PREVIOUS_RELEASE = [  # `git show 5f36b2e --stat` / `git ls-tree 5f36b2e yuanqu/*/migrations`
    ("accounts", "0003_verbose_names"),
    ("briefings", "0001_initial"),
    ("core", "0003_audit_append_only"),
    ("enterprises", "0003_settlement_park_stage"),
    ("investment", "0004_follow_up_on_project"),
    ("parks", "0002_nonnegative_validators"),
    ("stats", "0004_value_top_ytd"),
    ("tabular", "0001_initial"),
]
NOT_IN_PREVIOUS_RELEASE = [("figures", None)]
USCC = "91370213MA3C00000X"


def _migrate_to_previous_release() -> MigrationExecutor:
    # The national tables come from a data migration; a transactional test run before this one flushed them.
    if not Region.objects.exists():
        load_regions(Region)
    executor = MigrationExecutor(connection)
    for node in PREVIOUS_RELEASE:
        assert node in executor.loader.graph.nodes, f"{node} is gone from the migration graph"
    executor.migrate(PREVIOUS_RELEASE + NOT_IN_PREVIOUS_RELEASE)
    return MigrationExecutor(connection)  # a fresh loader: the applied set has changed


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("db_owner")  # it migrates the test database back: DDL is the owner's
def test_it_upgrades_a_database_of_the_previous_release_and_keeps_its_data() -> None:
    executor = _migrate_to_previous_release()
    pending = pending_migrations(connection)
    assert {"briefings.0002_lifecycle_issue_numbers_edits_and_periods", "figures.0001_park_months",
            "figures.0002_settlement_trigger", "stats.0005_region_rollup"} <= set(pending)
    old = executor.loader.project_state(PREVIOUS_RELEASE).apps
    OldRegion = old.get_model("core", "Region")
    OldPark = old.get_model("parks", "Park")
    OldEnterprise = old.get_model("enterprises", "Enterprise")
    OldSettlement = old.get_model("enterprises", "Settlement")
    region = OldRegion.objects.get(pk="370213")
    park = OldPark.objects.create(name="升级测试园", kind="industrial", region=region, status="operating",
                                  land_area_mu=Decimal("120.50"))
    enterprise = OldEnterprise.objects.create(uscc=USCC, name="升级测试企业（演示）", region=region)
    OldSettlement.objects.create(enterprise=enterprise, park=park, stage="moved_in", signed_on=dt.date(2024, 1, 10),
                                 fitout_on=dt.date(2024, 2, 1), moved_in_on=dt.date(2024, 3, 15))

    out = StringIO()
    call_command("upgrade", no_collectstatic=True, stdout=out)

    assert "升级完成" in out.getvalue()
    assert pending_migrations(connection) == []
    park_now = Park.objects.get(pk=park.pk)
    assert (park_now.name, park_now.land_area_mu, park_now.region_id) == ("升级测试园", Decimal("120.50"), "370213")
    settlement = Settlement.objects.get(park=park_now)
    assert settlement.enterprise == Enterprise.objects.get(uscc=USCC)
    assert (settlement.stage, settlement.moved_in_on) == ("moved_in", dt.date(2024, 3, 15))
    # The figures layer, new in this release, counts the settlement written before it existed.
    snapshots.refresh(today=dt.date(2024, 5, 2))
    assert snapshots.stage_counts(Q(park_id=park.pk), dt.date(2024, 3, 31)).moved_in == 1
    assert snapshots.stage_counts(Q(park_id=park.pk), dt.date(2024, 2, 29)).moved_in == 0
