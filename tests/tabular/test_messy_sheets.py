"""Real-world sheets: titles, merged headers, synonyms, units, full-width digits, numerals, dates, totals, notes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import World
from yuanqu.enterprises.models import Enterprise
from yuanqu.tabular import engine
from yuanqu.tabular.models import ImportBatch

from . import files


def run(world: World, name: str, data: bytes, *, role: str = "region_staff", park: Any = None,
        commit: bool = True) -> ImportBatch:
    actor = world.users[role]
    batch = engine.start_batch(actor=actor, entity="enterprises", filename=name, data=data, park=park)
    assert not engine.mapping_problems(batch), (batch.columns, batch.mapping)
    return engine.commit(batch, actor=actor) if commit else engine.preview(batch, actor=actor)


def check_messy(codes: list[str]) -> None:
    one, two, three, four = (Enterprise.objects.get(uscc=c) for c in codes)
    assert one.name == "青岛一号生物科技有限公司"
    assert one.registered_capital_wan == Decimal("500.00")  # 0.05 亿元
    assert one.established_on == dt.date(2023, 6, 1)  # 2023.06
    assert one.is_high_tech and not one.is_above_scale
    assert one.industry_id == "6513"
    assert two.registered_capital_wan == Decimal("1000.00")
    assert two.established_on == dt.date(2023, 6, 1)  # 2023年6月
    assert two.is_above_scale
    assert three.registered_capital_wan == Decimal("15000.00")  # 一点五 亿元
    assert three.industry_id is None and not three.is_high_tech  # "—", "/", "无" are empty
    assert four.registered_capital_wan == Decimal("12000000.00")  # 1,200 亿元
    assert four.established_on == dt.date(2023, 1, 1)  # Excel serial 44927


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods", "csv-utf8", "csv-bom", "csv-gbk"])
def test_it_reads_a_messy_sheet_in_every_format(world: World, fmt: str) -> None:
    codes = files.usccs(4, seed=11)
    rows, merged = files.messy_enterprises(codes)
    if fmt == "xlsx":
        data, name = files.xlsx(("名录", rows), merged=merged), "名录.xlsx"
    elif fmt == "xls":
        data, name = files.xls(rows, merged=merged), "名录.xls"
    elif fmt == "ods":
        data, name = files.ods(rows), "名录.ods"
    else:
        enc = {"csv-utf8": "utf-8", "csv-bom": "utf-8", "csv-gbk": "gbk"}[fmt]
        data, name = files.csv_file(rows, enc, bom=fmt == "csv-bom"), "名录.csv"
    batch = run(world, name, data)
    assert batch.status == ImportBatch.Status.COMMITTED, (batch.error, batch.report)
    assert batch.counts["new"] == 4 and batch.counts["error"] == 0, batch.report
    assert sorted(why for _line, why in batch.skipped) == ["note", "total"]
    check_messy(codes)
