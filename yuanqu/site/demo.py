"""The Licang demo, composed: every app's registered loader, in order, in one transaction.

``site`` knows no app here: the apps register their loaders with ``yuanqu.core.registry.demo`` from
``AppConfig.ready()`` (accounts' loader account 0, parks 10, enterprises 20, role accounts 30, investment 40,
statistics 50, dashboards 60), and each reads what the ones before it made from the shared context.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from django.db import transaction

from yuanqu.core.demo import REGION, SEED, DemoContext
from yuanqu.core.models import Region
from yuanqu.core.registry import DemoLoader, demo
from yuanqu.enterprises.demo import demo_summary

__all__ = ["demo_summary", "load_demo"]


@transaction.atomic
def load_demo(loaders: Iterable[DemoLoader] | None = None) -> tuple[bool, list[tuple[str, str, str]]]:
    """Load the Licang demo unless it is there; create missing accounts. Returns (loaded, new accounts).

    ``loaders`` defaults to every registered loader; they run lowest order first, all or nothing.
    """
    ctx = DemoContext(region=Region.objects.get(pk=REGION), rng=random.Random(SEED))
    for loader in sorted(demo.loaders() if loaders is None else loaders, key=lambda d: d.order):
        loader.load(ctx)
    return ctx.fresh, ctx.accounts
