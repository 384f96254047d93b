"""Historical statistics (report values) through the import engine: approved reports, derived values, rollups."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.test import Client

from tests.conftest import World
from tests.helpers import read_xlsx
from yuanqu.parks.models import Park
from yuanqu.stats import rollups, selectors
from yuanqu.stats.models import Indicator, Report, ReportValue, Rollup, Round
from yuanqu.tabular import engine

from . import files

HEADER = ["统一社会信用代码", "企业名称", "园区", "报告期", "产值(亿元)", "营收", "从业人数", "税收(万元)"]


def _sheet(world: World, *rows: list[object]) -> bytes:
    title = [["2023年园区企业主要经济指标（历史数据）"], [], HEADER]
    return files.xlsx(("历史", [*title, *[list(r) for r in rows]]))


def _import(actor: object, data: bytes) -> object:
    batch = engine.start_batch(actor=actor, entity="report_values", filename="历史.xlsx", data=data)
    assert not engine.mapping_problems(batch), engine.mapping_problems(batch)
    return engine.commit(batch, actor=actor)


def _rollups() -> set[tuple[object, ...]]:
    return set(Rollup.objects.values_list("park_id", "indicator_id", "year", "month", "segment", "value", "ytd",
                                          "reporters"))


def test_history_is_imported_as_approved_values_with_rollups(world: World) -> None:
    staff = world.users["region_staff"]
    e = world.ent_xltd
    data = _sheet(world,
                  [e.uscc, e.name, "信联天地", "2023年1月", 0.12, 1300, 40, "无数据"],
                  [e.uscc, e.name, "信联天地", "2023.02", 0.25, 2700, 42, 80],
                  [e.uscc, e.name, "信联天地", "2023-03", "", "—", 41, 130])
    batch = _import(staff, data)
    assert batch.status == "committed", batch.error
    assert batch.counts["new"] == 3 and batch.counts["error"] == 0, batch.report
    output = Indicator.objects.get(code="output")
    values = {v.month: v for v in ReportValue.objects.filter(enterprise=e, indicator=output)}
    assert values[1].value == Decimal("1200") and values[2].value == Decimal("2500")  # 亿元 → 万元
    assert 3 not in values  # an empty cell is left alone
    assert values[2].period_value == Decimal("1300") and values[2].ytd_value == Decimal("2500")
    revenue = ReportValue.objects.get(enterprise=e, indicator__code="revenue", month=3)
    assert revenue.no_data and revenue.value is None
    tax = ReportValue.objects.get(enterprise=e, indicator__code="tax", month=1)
    assert tax.no_data
    reports = Report.objects.filter(enterprise=e, round__year=2023)
    assert reports.count() == 3 and {r.status for r in reports} == {Report.Status.APPROVED}
    assert {(r.park_id, r.industry_section) for r in reports} == {(world.xltd.pk, "I")}
    assert Round.objects.filter(region_id="370213", year=2023, frequency="month").count() == 3
    imported = _rollups()
    rollups.rebuild()
    assert _rollups() == imported
    fig = selectors.figure(output, 2023, 2, Park.objects.filter(pk=world.xltd.pk))
    assert fig.ytd == Decimal("2500") and fig.value == Decimal("1300")

    again = _import(staff, data)  # the same file again: nothing changes
    assert again.counts["unchanged"] == 3 and again.counts["new"] == again.counts["update"] == 0, again.report
    assert _rollups() == imported


def test_a_corrected_month_updates_later_derived_values(world: World) -> None:
    staff = world.users["region_staff"]
    e = world.ent_xltd
    _import(staff, _sheet(world, [e.uscc, e.name, "信联天地", "2023年1月", 0.1, "", "", ""],
                          [e.uscc, e.name, "信联天地", "2023年2月", 0.3, "", "", ""]))
    batch = _import(staff, _sheet(world, [e.uscc, e.name, "信联天地", "2023年1月", 0.2, "", "", ""]))
    assert batch.counts["update"] == 1
    feb = ReportValue.objects.get(enterprise=e, indicator__code="output", year=2023, month=2)
    assert feb.period_value == Decimal("1000")
    imported = _rollups()
    rollups.rebuild()
    assert _rollups() == imported


def test_a_negative_value_is_refused_in_chinese(world: World) -> None:
    staff = world.users["region_staff"]
    e = world.ent_xltd
    batch = _import(staff, _sheet(world, [e.uscc, e.name, "信联天地", "2023年5月", -1, "", "", ""]))
    status, reasons = batch.report[0][1], batch.report[0][3]
    assert status == "error" and "工业总产值不能为负" in reasons[0], reasons
    assert not ReportValue.objects.filter(enterprise=e, year=2023).exists()
    assert not Report.objects.filter(enterprise=e, round__year=2023).exists()


def test_a_locked_period_is_refused(world: World) -> None:
    staff = world.users["region_staff"]
    e = world.ent_xltd
    world.round_licang.locked = True
    world.round_licang.save()
    batch = _import(staff, _sheet(world, [e.uscc, e.name, "信联天地", "2025年6月", 0.5, "", "", ""]))
    assert batch.report[0][1] == "error" and "该报告期已锁定" in batch.report[0][3][0]
    assert not ReportValue.objects.filter(enterprise=e, year=2025).exists()
    world.report_xltd.refresh_from_db()
    assert world.report_xltd.status == Report.Status.PENDING


def test_an_open_round_report_is_approved_with_the_imported_values(world: World) -> None:
    staff = world.users["region_staff"]
    e = world.ent_xltd
    batch = _import(staff, _sheet(world, [e.uscc, e.name, "信联天地", "2025年6月", 0.5, "", "", ""]))
    assert batch.report[0][1] == "update", batch.report
    world.report_xltd.refresh_from_db()
    assert world.report_xltd.status == Report.Status.APPROVED
    assert world.report_xltd.values.get(indicator__code="output").value == Decimal("5000")


def test_an_operator_imports_only_for_its_own_parks(world: World) -> None:
    operator = world.users["park_operator"]
    rows = [
        [world.ent_xltd.uscc, "", "信联天地", "2023年6月", 0.1, "", "", ""],
        [world.ent_smyz.uscc, "", "生命药洲", "2023年6月", 0.1, "", "", ""],
        [world.ent_laoshan.uscc, "", "崂山科创园", "2023年6月", 0.1, "", "", ""],
        [world.ent_smyz.uscc, "", "信联天地", "2023年6月", 0.1, "", "", ""],  # never settled there
        ["91370200MA0000000X", "", "信联天地", "2023年6月", 0.1, "", "", ""],  # unknown code
    ]
    batch = _import(operator, _sheet(world, *rows))
    status = {r[0]: (r[1], r[3]) for r in batch.report}
    assert status[4][0] == "new"
    assert status[5][0] == "error" and "不是您管理的园区" in status[5][1][0]
    assert status[6][0] == "error" and "不是您管理的园区" in status[6][1][0]
    # 生命药洲's tenant is outside the operator's scope: read as an unknown code (issue 12 H1).
    assert status[7] == ("error", ["没有使用该统一社会信用代码的企业，请先导入企业。"])
    assert status[8][0] == "error"
    assert set(ReportValue.objects.filter(year=2023).values_list("enterprise_id", flat=True)) == {world.ent_xltd.pk}


def test_the_staff_of_another_district_cannot_import_into_licang(world: World) -> None:
    batch = _import(world.laoshan_staff, _sheet(
        world, [world.ent_xltd.uscc, "", "信联天地", "2023年6月", 0.1, "", "", ""]))
    assert batch.report[0][1] == "error"
    assert not ReportValue.objects.filter(year=2023).exists()


def test_year_and_month_columns_and_a_quarterly_indicator(world: World) -> None:
    staff = world.users["region_staff"]
    e = world.ent_xltd
    rows = [["统一社会信用代码", "园区", "年份", "月份", "研发投入(万元)", "工业总产值(万元)"],
            [e.uscc, "信联天地", 2024, "3月", 30, 900],
            [e.uscc, "信联天地", 2024, 4, 10, 1200]]
    batch = _import(staff, files.xlsx(("S", rows)))
    status = {r[0]: (r[1], r[3]) for r in batch.report}
    assert status[2][0] == "new", status
    assert status[3][0] == "error" and "季" in status[3][1][0], status
    rnd = ReportValue.objects.get(enterprise=e, indicator__code="rnd")
    assert (rnd.year, rnd.month, rnd.report.round.frequency) == (2024, 3, "quarter")
    assert ReportValue.objects.get(enterprise=e, indicator__code="output", year=2024).month == 3


def test_the_template_and_the_entity_list(world: World, client_as: Callable[[str], Client]) -> None:
    client = client_as("region_staff")
    assert "report_values" in client.get("/imports/").content.decode()
    rows = read_xlsx(client.get("/imports/template/?entity=report_values"))
    assert rows[0][:3] == ["统一社会信用代码", "企业名称", "园区"] and "工业总产值(万元)" in rows[0]
    assert client_as("enterprise_user").get("/imports/template/?entity=report_values").status_code == 404


def test_an_indicator_deactivated_after_the_upload_is_ignored(world: World) -> None:
    staff = world.users["region_staff"]
    e = world.ent_xltd
    batch = engine.start_batch(actor=staff, entity="report_values", filename="h.xlsx", data=_sheet(
        world, [e.uscc, e.name, "信联天地", "2023年1月", 0.1, 900, "", ""]))
    Indicator.objects.filter(code="revenue").update(active=False)
    Indicator.objects.get(code="output").save()  # any save of the dictionary: the columns are read again
    batch = engine.commit(batch, actor=staff)
    assert batch.status == "committed" and batch.counts["new"] == 1, batch.report
    assert set(ReportValue.objects.filter(enterprise=e).values_list("indicator__code", flat=True)) == {"output"}
