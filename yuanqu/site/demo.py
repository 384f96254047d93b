"""The Licang demo, composed: every app's registered loader, in order, in one transaction.

``site`` knows no app here: the apps register their loaders with ``yuanqu.core.registry.demo`` from
``AppConfig.ready()`` (accounts' loader account 0, parks 10, enterprises 20, role accounts 30, investment 40,
statistics 50, dashboards 60), and each reads what the ones before it made from the shared context.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction

from yuanqu.core.demo import REGION, SEED, DemoContext
from yuanqu.core.models import Region
from yuanqu.core.registry import DemoLoader, changes, demo
from yuanqu.enterprises.demo import demo_summary as settlement_summary
from yuanqu.investment.demo import project_summary

__all__ = ["demo_summary", "load_demo"]


def demo_summary(region_code: str = REGION, on: dt.date | None = None) -> dict[str, Any]:
    """The aggregates the news report states, read back as of the end of day ``on`` (default: now), per park:
    enterprises ``signed`` and ``moved_in``, the park's ``investment_wan``, and ``projects_wan``, its projects'
    total investment (万元) by the stage each had reached. The report's own figures hold on 2023-02-10
    (``yuanqu.core.demo.ARTICLE_DATE``)."""
    out = settlement_summary(region_code, on)
    projects = project_summary(region_code, on)
    for name, figures in out.items():
        figures["projects_wan"] = projects.get(name, {})
    return out


def load_demo(loaders: Iterable[DemoLoader] | None = None) -> tuple[bool, list[tuple[str, str, str]]]:
    """Load the Licang demo unless it is there; create missing accounts. Returns (loaded, new accounts).

    ``loaders`` defaults to every registered loader; they run lowest order first, all or nothing. What changed is
    announced once, when the whole demo commits (one re-match of its enterprises, not one per record written).
    """
    with changes.gathered(), transaction.atomic():
        ctx = DemoContext(region=Region.objects.get(pk=REGION), rng=random.Random(SEED))
        for loader in sorted(demo.loaders() if loaders is None else loaders, key=lambda d: d.order):
            loader.load(ctx)
        if connection.vendor == "postgresql":
            # Plan the demo's queries on its real sizes: the rows were just written in bulk, and the planner
            # would otherwise take each table as nearly empty until autovacuum's next analyse (or forever where
            # autovacuum is off) and choose nested loops that take seconds per dashboard figure. Tables the
            # connecting role does not own are skipped by PostgreSQL with a warning.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    return ctx.fresh, ctx.accounts
