"""Checks users can follow: beside each input the report form shows 本月 (the period alone), 本年累计, 上月 and
去年同月, and a warning names the figures it compares as the form shows them, with the ratio or the % a
calculator gives from those two figures, rounded as people say it (4.2 倍, 1.1 万倍)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.bad_input_support import assert_form_refused, assert_unchanged, db_state
from tests.conftest import approve_report
from yuanqu.stats import services
from yuanqu.stats.models import Indicator, Report, ReportValue, Round

from .helpers import fill, form_data, ind, texts_by_id

#: The other required values of every approved month: the same 累计 each month, so none trips a check.
BASE = {"output": "1000", "revenue": "1500", "tax": "80", "profit": "100", "employees": "120"}


def approved(world: Any, year: int, month: int, **values: str) -> Report:
    """The enterprise's (ent_xltd at 信联天地) approved report of a month in 李沧, with ``values`` over BASE.

    The round is opened by district staff; before the enterprise moved in (June 2024) the round gives it no
    task, so its report is attributed to 信联天地 directly, as the shared world does for the other parks."""
    staff = world.users["region_staff"]
    rnd = Round.objects.filter(region=world.licang, frequency="month", year=year, month=month).first()
    if rnd is None:
        rnd = services.round_open(actor=staff, region=world.licang, frequency="month", year=year, month=month,
                                  deadline=dt.date(year, month, 28))
    report = Report.objects.filter(round=rnd, enterprise=world.ent_xltd).first() or Report.objects.create(
        round=rnd, enterprise=world.ent_xltd, park=world.xltd, industry_section="I")
    return approve_report(world, report, {**BASE, **values})


def june_form(client: Any, world: Any) -> dict[str, str]:
    """The June 2025 form of the enterprise as the user reads it: element id → text."""
    response = client.get(reverse("stats:report_fill", args=[world.report_xltd.pk]))
    assert response.status_code == 200
    return texts_by_id(response)


def live_check(client: Any, report: Report, code: str, value: str) -> dict[str, str]:
    """The live check of one typed value (what htmx posts as the user types), as element id → text."""
    response = client.post(reverse("stats:report_check", args=[report.pk]),
                           {**form_data({code: value}), "indicator": ind(code).pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return texts_by_id(response)


# --------------------------------------------------------------------------- the four figures beside the input


def test_it_shows_this_month_the_total_last_month_and_last_year_beside_a_cumulative_input(world, client_as):
    approved(world, 2024, 6, output="6000")
    approved(world, 2025, 4, output="5000")
    approved(world, 2025, 5, output="8700")  # May alone: 3,700
    client = client_as("enterprise_user")
    out = ind("output").pk
    page = june_form(client, world)
    assert (page["col-period"], page["col-ytd"]) == ("本月按填报数推算", "本年累计")
    assert (page["col-previous"], page["col-last-year"]) == ("上月2025年5月", "去年同月2024年6月")
    # Nothing typed yet: nothing derived; 上月 and 去年同月 in the input's own basis (累计) and the month alone.
    assert (page[f"period-{out}"], page[f"ytd-{out}"]) == ("—", "—")
    assert (page[f"prev-{out}"], page[f"prev-alone-{out}"]) == ("累计 8,700 万元", "当月 3,700 万元")
    assert (page[f"last-year-{out}"], page[f"last-year-alone-{out}"]) == ("累计 6,000 万元", "当月 6,000 万元")

    # As it is typed (the live check), then as the saved draft shows it again.
    live = live_check(client, world.report_xltd, "output", "45,000")
    assert (live[f"period-{out}"], live[f"ytd-{out}"]) == ("36,300 万元", "45,000 万元")
    assert fill(client, world.report_xltd, {"output": "45,000"}).status_code == 302
    page = june_form(client, world)
    assert (page[f"period-{out}"], page[f"ytd-{out}"]) == ("36,300 万元", "45,000 万元")
    # The warning compares the month alone with the month alone, both on the page beside it.
    assert page[f"warning-{out}"] == "⚠ 工业总产值本月 36,300 万元，约为上月（3,700 万元）的 9.8 倍。"


def test_it_shows_the_four_figures_beside_a_period_input(world, client_as):
    approved(world, 2024, 6, power="35000")
    approved(world, 2025, 4, power="30000")
    approved(world, 2025, 5, power="40000")
    client = client_as("enterprise_user")
    power, emp = ind("power").pk, ind("employees").pk
    live = live_check(client, world.report_xltd, "power", "５０，０００")
    assert (live[f"period-{power}"], live[f"ytd-{power}"]) == ("50,000 千瓦时", "120,000 千瓦时")
    assert fill(client, world.report_xltd, {"power": "50000", "employees": "125"}).status_code == 302
    page = june_form(client, world)
    assert (page[f"period-{power}"], page[f"ytd-{power}"]) == ("50,000 千瓦时", "120,000 千瓦时")
    # A period input's 上月 is last month's figure alone: there is no 累计 to show beside it.
    assert (page[f"prev-{power}"], page[f"last-year-{power}"]) == ("40,000 千瓦时", "35,000 千瓦时")
    assert f"prev-alone-{power}" not in page
    # A head-count is a figure at the month's end: it has no 累计.
    assert (page[f"period-{emp}"], page[f"ytd-{emp}"], page[f"prev-{emp}"]) == ("125 人", "—", "120 人")
    assert f"warning-{power}" not in page and f"warning-{emp}" not in page


# --------------------------------------------------------------------------- what a warning says


def test_it_names_the_figures_a_warning_compares_and_the_ratio_a_calculator_gives(world, client_as):
    """The case that was reported: 上月累计 8,700, 45,000 entered. The month alone is 36,300 against May's 8,700:
    4.2 times, never "+3535.4%" against figures the user cannot see."""
    approved(world, 2025, 5, output="8700")
    client = client_as("enterprise_user")
    out = ind("output").pk
    expected = "工业总产值本月 36,300 万元，约为上月（8,700 万元）的 4.2 倍。"
    live = live_check(client, world.report_xltd, "output", "45000")
    assert live[f"warning-{out}"] == f"⚠ {expected}"
    assert live[f"period-{out}"] == "36,300 万元"
    # Submitting needs an explanation; the refusal repeats what the warning said.
    response = fill(client, world.report_xltd, {**BASE, "output": "45000"}, action="submit")
    assert_form_refused(response, f"e_{out}", f"{expected}请填写情况说明后再提交。")
    page = texts_by_id(response)
    assert (page[f"period-{out}"], page[f"prev-alone-{out}"]) == ("36,300 万元", "当月 8,700 万元")
    assert "3535" not in response.content.decode()
    response = fill(client, world.report_xltd, {**BASE, "output": "45000"}, action="submit",
                    e_output="新产线投产，集中交付")
    assert response.status_code == 302
    assert ReportValue.objects.get(report=world.report_xltd, indicator__code="output").warning == expected
    # The park reviewing it reads the same warning beside the same figures.
    detail = texts_by_id(client_as("park_operator").get(reverse("stats:report_detail",
                                                                args=[world.report_xltd.pk])))
    assert detail[f"warning-{out}"] == f"⚠ {expected} 情况说明: 新产线投产，集中交付"
    assert (detail[f"period-{out}"], detail[f"prev-{out}"], detail[f"prev-alone-{out}"]) == (
        "36,300 万元", "累计 8,700 万元", "当月 8,700 万元")


@pytest.mark.parametrize("may,june,text", [
    ("8000", "11000", "工业总产值本月 3,000 万元，比上月（8,000 万元）下降 62.5%。"),
    ("8700", "12000", "工业总产值本月 3,300 万元，比上月（8,700 万元）下降 62.1%。"),
    ("8000", "21000", "工业总产值本月 13,000 万元，比上月（8,000 万元）增长 62.5%。"),
])
def test_it_says_a_change_below_double_in_percent_of_the_figures_shown(world, client_as, may, june, text):
    Indicator.objects.filter(code="output").update(change_threshold_pct=50)
    approved(world, 2025, 5, output=may)
    live = live_check(client_as("enterprise_user"), world.report_xltd, "output", june)
    assert live[f"warning-{ind('output').pk}"] == f"⚠ {text}"


def test_it_asks_whether_yuan_were_typed_for_wan_yuan_with_a_multiple_rounded_as_people_say_it(world, client_as):
    approved(world, 2025, 5, output="8700", power="40")
    client = client_as("enterprise_user")
    # 95,439,000 typed as the 累计: the month alone is 95,430,300, 10,969 times May's 8,700.
    live = live_check(client, world.report_xltd, "output", "95439000")
    assert live[f"warning-{ind('output').pk}"] == (
        "⚠ 工业总产值本月 95,430,300 万元，约为上月（8,700 万元）的 1.1 万倍，是否按元填报？本指标单位为万元。")
    # A jump as large in 千瓦时 is named, but no 元 is suggested for a unit that is not money.
    live = live_check(client, world.report_xltd, "power", "400000")
    assert live[f"warning-{ind('power').pk}"] == "⚠ 用电量本月 400,000 千瓦时，约为上月（40 千瓦时）的 1 万倍。"


def test_it_compares_january_with_january_last_year_and_says_so(world, client_as):
    approved(world, 2024, 1, output="1000")
    approved(world, 2024, 12, output="12000")  # December alone: 11,000
    january = services.round_open(actor=world.users["region_staff"], region=world.licang, frequency="month",
                                  year=2025, month=1, deadline=dt.date(2025, 2, 10))
    report = Report.objects.get(round=january, enterprise=world.ent_xltd)
    client = client_as("enterprise_user")
    out = ind("output").pk
    page = texts_by_id(client.get(reverse("stats:report_fill", args=[report.pk])))
    assert (page["col-previous"], page["col-last-year"]) == ("上月2024年12月", "去年同月2024年1月")
    assert (page[f"prev-alone-{out}"], page[f"last-year-alone-{out}"]) == ("当月 11,000 万元", "当月 1,000 万元")
    # January alone is the whole 累计; against December (11,000) it would be a fall of 54.5%, which says little
    # about a January. It is held against last January, and the warning names it.
    live = live_check(client, report, "output", "5000")
    assert live[f"period-{out}"] == "5,000 万元"
    assert live[f"warning-{out}"] == "⚠ 工业总产值本月 5,000 万元，约为去年同月（1,000 万元）的 5 倍。"


def test_it_warns_when_a_total_to_date_falls_below_last_months(world, client_as):
    approved(world, 2025, 5, output="8700")
    live = live_check(client_as("enterprise_user"), world.report_xltd, "output", "8000")
    assert live[f"warning-{ind('output').pk}"] == (
        "⚠ 工业总产值本年累计 8,000 万元，低于上月累计（8,700 万元），本月将为 -700 万元，请核对累计数。")


# --------------------------------------------------------------------------- refusals


def test_it_refuses_a_blocked_change_in_chinese_and_saves_nothing(world, client_as):
    Indicator.objects.filter(code="output").update(change_action=Indicator.Action.BLOCK)
    approved(world, 2025, 5, output="8700")
    client = client_as("enterprise_user")
    out = ind("output").pk
    expected = ("工业总产值本月 36,300 万元，约为上月（8,700 万元）的 4.2 倍。"
                "超出工业总产值允许的变动范围，请核对后重新填写。")
    before = db_state()
    for action in ("save", "submit"):  # an explanation does not let it through, nor does a draft
        response = fill(client, world.report_xltd, {**BASE, "output": "45000"}, action=action, e_output="确有增长")
        assert_form_refused(response, f"v_{out}", expected)
        assert "报表未保存：请查看各栏旁的提示。" in response.content.decode()
    assert_unchanged(before)
    live = live_check(client, world.report_xltd, "output", "45000")
    assert f"warning-{out}" not in live
    assert live[f"check-{out}"].startswith(expected)


@pytest.mark.parametrize("typed,text", [
    ("很多", "应为数字，实际为“很多”。"),
    ("-5", "工业总产值不能为负数。"),
    ("1.23456", "最多保留4位小数。"),
])
def test_it_gives_bad_input_a_chinese_error_and_no_derived_figure(world, client_as, typed, text):
    approved(world, 2025, 5, output="8700")
    client = client_as("enterprise_user")
    out = ind("output").pk
    before = db_state()
    response = fill(client, world.report_xltd, {**BASE, "output": typed}, action="submit")
    assert_form_refused(response, f"v_{out}", text)
    page = texts_by_id(response)
    assert (page[f"period-{out}"], page[f"ytd-{out}"]) == ("—", "—")
    assert f"warning-{out}" not in page
    assert_unchanged(before)
    live = live_check(client, world.report_xltd, "output", typed)
    assert live[f"check-{out}"] == text
    assert (live[f"period-{out}"], live[f"ytd-{out}"]) == ("—", "—")
