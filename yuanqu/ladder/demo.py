"""The demo's designation history (梯度培育): the designations drawn for each demo enterprise
(``ctx.objects["designations"]``, by the enterprises' demo) recorded with dates through the designation services, and
彩晖生物's path from the report: 科技型中小企业 → 高企 → 专精特新, 上市后备 for 新三板 (辅导 2022 → 申报 → 挂牌 by
the end of 2023), then 北交所 (辅导). Runs right after the enterprises, so every later loader (incubation, policies)
reads the flags their history sets."""

from __future__ import annotations

import datetime as dt
import random

from yuanqu.core.demo import DemoContext
from yuanqu.enterprises import services
from yuanqu.enterprises.demo import CAIHUI
from yuanqu.enterprises.models import Designation, Enterprise

K = Designation.Kind
SOURCE = "演示数据"


def _caihui(ctx: DemoContext) -> None:
    """彩晖生物: the listing ladder of the report, with dated steps."""
    e = Enterprise.objects.get(name=CAIHUI)
    a = ctx.actor
    grant = services.designation_grant
    grant(actor=a, enterprise=e, kind=K.TECH_SME, recognised_on=dt.date(2020, 5, 20), level=Designation.Level.NATIONAL,
          certificate_no="2020370213A0001（演示）", source="科技型中小企业入库（演示）")
    grant(actor=a, enterprise=e, kind=K.HIGH_TECH, recognised_on=dt.date(2021, 12, 1),
          level=Designation.Level.NATIONAL, certificate_no="GR202137100001（演示）",
          source="青岛市2021年高企认定（演示）")
    grant(actor=a, enterprise=e, kind=K.HIGH_TECH, recognised_on=dt.date(2024, 12, 1),
          level=Designation.Level.NATIONAL, certificate_no="GR202437100001（演示）", source="高企复审（演示）")
    grant(actor=a, enterprise=e, kind=K.SRDI_SME, recognised_on=dt.date(2022, 9, 15),
          level=Designation.Level.PROVINCIAL, source="山东省专精特新中小企业名单（演示）")
    grant(actor=a, enterprise=e, kind=K.SRDI_SME, recognised_on=dt.date(2025, 9, 10),
          level=Designation.Level.PROVINCIAL, source="专精特新复核（演示）")
    neeq = grant(actor=a, enterprise=e, kind=K.LISTING, recognised_on=dt.date(2022, 3, 1), board="neeq",
                 source="区上市后备企业库（演示）")
    services.listing_advance(actor=a, designation=neeq, to_stage=Designation.Stage.COACHING, on=dt.date(2022, 6, 15))
    services.listing_advance(actor=a, designation=neeq, to_stage=Designation.Stage.FILED, on=dt.date(2023, 4, 20))
    services.listing_advance(actor=a, designation=neeq, to_stage=Designation.Stage.LISTED, on=dt.date(2023, 12, 15))
    bse = grant(actor=a, enterprise=e, kind=K.LISTING, recognised_on=dt.date(2024, 3, 1), board="bse",
                source="新三板挂牌后转板北交所（演示）")
    services.listing_advance(actor=a, designation=bse, to_stage=Designation.Stage.COACHING, on=dt.date(2024, 3, 20))


def _dated(ctx: DemoContext, rng: random.Random, e: Enterprise, high_tech: bool, srdi: str, listing: str) -> None:
    """One demo enterprise's drawn designations, recorded with plausible dates (after its founding)."""
    a, until = ctx.actor, ctx.until

    def day(first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=rng.randrange((last - first).days + 1))

    start = max(dt.date(2019, 1, 1), (e.established_on or dt.date(2019, 1, 1)) + dt.timedelta(days=365))
    if start > until:
        return
    held = set(Designation.objects.filter(enterprise=e, ended_on__isnull=True).values_list("kind", flat=True))
    if high_tech and K.HIGH_TECH not in held:
        # recognised within the last three years, so it is in force today
        on = day(max(start, until - dt.timedelta(days=3 * 365 - 30)), until)
        services.designation_grant(actor=a, enterprise=e, kind=K.HIGH_TECH, recognised_on=on,
                                   level=Designation.Level.NATIONAL, source=SOURCE)
    if srdi:
        on = day(max(start, until - dt.timedelta(days=2 * 365)), until)
        services.designation_grant(actor=a, enterprise=e, kind=K.TECH_SME, recognised_on=min(on, start + dt.timedelta(
            days=rng.randrange(0, 200))), level=Designation.Level.NATIONAL, source=SOURCE)
        kind = {"innovative_sme": K.INNOVATIVE_SME, "provincial": K.SRDI_SME, "little_giant": K.SRDI_SME}[srdi]
        services.designation_grant(actor=a, enterprise=e, kind=kind, recognised_on=on,
                                   level=Designation.Level.PROVINCIAL, source=SOURCE)
        if srdi == "little_giant":
            services.designation_grant(actor=a, enterprise=e, kind=K.LITTLE_GIANT,
                                       recognised_on=day(on, until), level=Designation.Level.NATIONAL,
                                       source=SOURCE)
    if listing != "unlisted":
        coaching = day(start, until)
        d = services.designation_grant(actor=a, enterprise=e, kind=K.LISTING, recognised_on=coaching, board=listing,
                                       coaching_on=coaching, source=SOURCE)
        step = rng.random()  # some still in 辅导 or 申报, most listed
        if step < 0.2:
            return
        filed = day(coaching, until)
        services.listing_advance(actor=a, designation=d, to_stage=Designation.Stage.FILED, on=filed)
        if step >= 0.4:
            services.listing_advance(actor=a, designation=d, to_stage=Designation.Stage.LISTED,
                                     on=day(filed, until))


def load_demo_part(ctx: DemoContext) -> None:
    """The registered loader: a fresh demo's designation history."""
    if not ctx.fresh:
        return
    _caihui(ctx)
    drawn: dict[int, tuple[bool, str, str]] = ctx.objects.get("designations", {})
    rng = random.Random(17)  # its own draws: the loaders after it draw what they always drew from ctx.rng
    for e in Enterprise.objects.filter(pk__in=list(drawn)).exclude(name=CAIHUI).order_by("pk"):
        _dated(ctx, rng, e, *drawn[e.pk])
