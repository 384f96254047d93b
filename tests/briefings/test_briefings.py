"""Briefings (简报): the Chinese bulletin from the figures layer, its .docx and .pdf, the background task,
regeneration and scope.

tests/briefings/test_lifecycle.py covers draft → edit → issue, numbering and locking; tests/briefings/test_layout.py
the GB/T 9704 page of the .docx and the PDF.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from django.test import TestCase
from django.urls import reverse

from tests.conftest import add_statistics, login
from yuanqu.briefings import render, services
from yuanqu.briefings.models import Briefing
from yuanqu.core.models import AuditEvent
from yuanqu.enterprises.services import enterprise_update, settlement_advance
from yuanqu.figures import selectors as fs
from yuanqu.figures.periods import Period
from yuanqu.stats.models import Report, Round
from yuanqu.stats.services import round_lock


def pdf_text(data: bytes) -> str:
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "b.pdf"
        path.write_bytes(data)
        return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout


def docx_text(data: bytes) -> tuple[str, list[list[str]]]:
    from docx import Document

    doc = Document(io.BytesIO(data))
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    return "\n".join(p.text for p in doc.paragraphs), cells


def request_briefing(client, **data):
    """Request a briefing through the page; the task enqueued on commit (immediate backend in tests) writes it."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("briefings:create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Briefing.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def lock(world, year: int, month: int) -> None:
    round_lock(actor=world.users["region_staff"],
               rnd=Round.objects.get(region=world.licang, frequency="month", year=year, month=month))


def test_a_park_briefing_states_the_dashboard_figures_in_pdf_and_docx(client, stats_world):
    login(client, stats_world.users["region_staff"])
    b = request_briefing(client, park=stats_world.smyz.pk, year=2025, month=6)
    assert b.status == Briefing.Status.DONE, b.error
    # The June 2025 round is open: a 快报, and its title says so.
    assert b.title == "生命药洲园区2025年1—6月经济运行简报（快报）"
    page = client.get(reverse("briefings:detail", args=[b.pk])).content.decode()
    assert "2025年1—6月实现产值2000万元" in page
    pdf = client.get(reverse("briefings:download", args=[b.pk, "pdf"]))
    assert pdf.status_code == 200
    text = "".join(pdf_text(b"".join(pdf.streaming_content)).split())  # pdftotext breaks lines anywhere
    assert "实现营业收入2100万元" in text and "实现税收150万元" in text
    assert "表1生命药洲园区2025年1—6月主要经济指标（快报）" in text
    docx = client.get(reverse("briefings:download", args=[b.pk, "docx"]))
    paragraphs, cells = docx_text(b"".join(docx.streaming_content))
    # The same figure as the park's dashboard for the same scope and period.
    dash = client.get(reverse("dashboards:park", args=[stats_world.smyz.pk]) + "?year=2025&month=6")
    assert dash.context["summary"]["output"]["ytd"] == 2000
    assert "2000万元" in dash.content.decode()
    assert "实现产值2000万元" in paragraphs
    # 生命药洲 reported nothing in 2024: no like-for-like growth; a 快报 names its reporters instead of last year's
    # total over every reporter.
    assert ["工业总产值", "2000万元", "1家", "—"] in cells


def test_a_region_briefing_compares_like_for_like_and_ranks_the_parks(client, stats_world):
    login(client, stats_world.users["leader"])
    b = request_briefing(client, park="", year=2025, month=6)
    text = b.text()
    # 3200 against 1000 is +220% only because 生命药洲 did not report in 2024: in a 快报 the growth stated is
    # like-for-like (信联天地 alone, 1200 against 1000).
    assert ("截至2025年6月末，李沧区在运营园区2个，已吸引1家企业入驻，另有2家已签约、尚未入驻，"
            "2025年1—6月实现产值3200万元，同口径同比增长20%。") in text
    assert "220%" not in text
    assert "实现税收230万元，同口径同比下降20%" in text
    assert ("分园区看，生命药洲产值2000万元，占全区的62.5%；"
            "信联天地产值1200万元，占全区的37.5%，同口径同比增长20%。") in text
    assert "部分指标同比下降，税收同口径同比下降20%" in text
    # No enterprise of this world is above designated size: no 规上 sentence (see the next test for one).
    assert "规模以上" not in text
    paragraphs, cells = docx_text(b.docx.read())
    assert "同口径同比增长20%" in paragraphs
    assert ["生命药洲", "2000万元", "—", "62.5%"] in cells
    assert ["工业总产值", "3200万元", "2家", "+20.0%"] in cells
    # Its numbers are the cockpit's.
    dash = client.get(reverse("dashboards:cockpit") + "?year=2025&month=6")
    assert dash.context["kpi"]["output"]["ytd"] == 3200


def test_a_final_period_states_growth_and_the_parks_pull_in_percentage_points(client, stats_world):
    """Once June 2025 is locked the figures are final: 同比 over every reporter, and each park's 拉动 (its change
    over last year's total, in 个百分点; together they make the region's growth)."""
    lock(stats_world, 2025, 6)
    login(client, stats_world.users["region_staff"])
    b = request_briefing(client, park="", year=2025, month=6)
    text = b.text()
    assert b.title == "李沧区2025年1—6月经济运行简报"
    assert "快报" not in text and "快报" not in " ".join(b.content["notes"])
    assert "2025年1—6月实现产值3200万元，同比增长220%。" in text
    # 生命药洲 +2000 and 信联天地 +200 over last year's 1000: 200 and 20 个百分点, 220 in all.
    assert "生命药洲产值2000万元，占全区的62.5%，拉动全区增长200个百分点" in text
    assert "信联天地产值1200万元，占全区的37.5%，同比增长20%，拉动全区增长20个百分点" in text
    assert "从拉动看，生命药洲对全区增长贡献最大，拉动200个百分点" in text
    assert any(note.startswith("拉动：") for note in b.content["notes"])
    _paragraphs, cells = docx_text(b.docx.read())
    assert ["工业总产值", "3200万元", "1000万元", "+220.0%"] in cells
    assert ["生命药洲", "2000万元", "—", "62.5%", "200.0"] in cells
    assert ["信联天地", "1200万元", "+20.0%", "37.5%", "20.0"] in cells


def test_the_above_scale_share_changes_by_percentage_points(client, world):
    """青岛信达软件 reports as above designated size (规上) in both years: its share of the region's output went
    from 100% (1000 of 1000 万元) to 37.5% (1200 of 3200 万元), a change stated in 个百分点, not in %."""
    enterprise_update(actor=world.users["region_staff"], enterprise=world.ent_xltd, is_above_scale=True)
    # The June report was made before the change (a report keeps the size of its round); the 2024 one is made
    # by add_statistics after it. Both before the approvals roll the values up.
    Report.objects.filter(pk=world.report_xltd.pk).update(above_scale=True)
    add_statistics(world)
    assert Report.objects.filter(round__year=2024, enterprise=world.ent_xltd, above_scale=True).exists()
    login(client, world.users["leader"])
    b = request_briefing(client, park="", year=2025, month=6)
    assert ("其中，规模以上企业1家，实现产值1200万元，同口径同比增长20%，"
            "占全区产值的37.5%，比上年同期下降62.5个百分点。") in b.text()


def test_targets_are_set_against_the_year_elapsed(client, stats_world):
    """A region target of 1亿元 output for 2025: 3200 万元 by June is 32%, 18 个百分点 behind the half year
    elapsed; a park's own target (信联天地, 2000 万元: 60%) stays out of the region's briefing."""
    from yuanqu.stats.models import Indicator
    from yuanqu.stats.services import target_set

    staff = stats_world.users["region_staff"]
    output = Indicator.objects.get(code="output")
    target_set(actor=staff, indicator=output, year=2025, value=Decimal("10000"), region=stats_world.licang)
    target_set(actor=staff, indicator=output, year=2025, value=Decimal("2000"), park=stats_world.xltd)
    login(client, staff)
    text = request_briefing(client, park="", year=2025, month=6).text()
    assert "从年度目标看，截至6月末时序进度为50%，工业总产值完成年度目标的32%，落后时序进度18个百分点。" in text
    assert "部分指标完成进度落后于时序进度，工业总产值完成年度目标的32%，落后时序进度18个百分点" in text
    assert "盯紧年度目标，对工业总产值等落后于时序进度的指标制定针对性措施" in text
    park = request_briefing(client, park=stats_world.xltd.pk, year=2025, month=6)
    assert "工业总产值完成年度目标的60%，快于时序进度10个百分点" in park.text()
    assert ("工业总产值目标完成率：1月至6月累计 ÷ 2025年年度目标；时序进度为6/12（50.0%）。快报。"
            in park.content["notes"])


def test_stock_figures_are_counted_at_the_period_end_not_today(client, stats_world):
    """生命药洲's one tenant signed in March 2024 and moved in in January 2025. Its 2024 briefing says what was
    true at the end of 2024 (none moved in, one signed and waiting), not today's count."""
    settlement_advance(actor=stats_world.users["region_staff"], settlement=stats_world.st_smyz, to_stage="moved_in",
                       on=dt.date(2025, 1, 10))
    login(client, stats_world.users["region_staff"])
    b2024 = request_briefing(client, park=stats_world.smyz.pk, year=2024, month=12)
    assert "截至2024年末，生命药洲园区尚无企业入驻，另有1家已签约、尚未入驻。" in b2024.text()
    b2025 = request_briefing(client, park=stats_world.smyz.pk, year=2025, month=6)
    text = b2025.text()
    assert "截至2025年6月末，生命药洲园区已吸引1家企业入驻，2025年1—6月实现产值2000万元" in text
    assert "尚未入驻" not in text
    assert "2025年1—6月，新入驻1家，无企业退出。" in text
    # The 口径 of each stated figure is in the 附注, with its date.
    assert "入驻企业：截至2024年12月31日已入驻且尚未退出的企业数。" in b2024.content["notes"]


def test_a_period_with_nothing_locked_says_it_is_provisional_and_how_complete(client, stats_world):
    login(client, stats_world.users["region_staff"])
    b = request_briefing(client, park="", year=2025, month=6)
    text = b.text()
    assert b.content["provisional"] is True and b.title.endswith("（快报）")
    # Both June reports are approved, the round is still open.
    assert text.startswith("一、总体情况\n【快报】本简报2025年1—6月统计数据为快报（初步数）："
                           "统计尚未结束，已审核2/2户（100%），")
    assert b.content["notes"][0].startswith("本期为快报（初步数）：2025年1—6月统计尚未全部审核锁定，期末轮次应报2户，")
    pdf = "".join(pdf_text(b.pdf.read()).split())
    assert "经济运行简报（快报）" in pdf and "已审核2/2户" in pdf
    paragraphs, _cells = docx_text(b.docx.read())
    assert "（快报）" in paragraphs and "已审核2/2户" in paragraphs


def test_a_period_without_any_round_is_written_and_says_so(client, stats_world):
    """March 2025 had no statistics round at all: the briefing is still written, says plainly that it is a 快报
    with nothing reported, and states no figure it does not have (no row of dashes)."""
    login(client, stats_world.users["region_staff"])
    b = request_briefing(client, park="", kind="month", year=2025, month=3)
    assert b.status == Briefing.Status.DONE and b.period_label == "2025年3月"
    text = b.text()
    assert "【快报】本简报2025年3月统计数据为快报（初步数）：本期尚未开展统计，暂无审核数据。" in text
    assert "—" not in text
    assert "实现产值" not in text


def test_a_new_briefing_opens_on_the_latest_locked_period(client, stats_world):
    """Not on the current year (1—12月 of a year barely begun: every figure missing) but on the latest locked
    round: June 2024 here, although June 2025 has data (its round is still open)."""
    lock(stats_world, 2024, 6)
    login(client, stats_world.users["region_staff"])
    form = client.get(reverse("briefings:create")).context["form"]
    assert (form.initial["kind"], str(form.initial["year"]), str(form.initial["from_month"]),
            str(form.initial["month"])) == ("range", "2024", "1", "6")
    assert fs.default_period(fs.scope_for_region(stats_world.licang.pk)) == Period.to_month(2024, 6)


@pytest.mark.parametrize("data,label", [
    ({"kind": "month", "year": 2025, "month": 6}, "2025年6月"),
    ({"kind": "quarter", "year": 2025, "quarter": 2}, "2025年第二季度"),
    ({"kind": "range", "year": 2025, "from_month": 4, "month": 6}, "2025年4—6月"),
    ({"kind": "year", "year": 2024}, "2024年"),
])
def test_it_writes_a_month_a_quarter_a_range_or_a_year(client, stats_world, data, label):
    login(client, stats_world.users["region_staff"])
    b = request_briefing(client, park=stats_world.xltd.pk, **data)
    assert b.status == Briefing.Status.DONE, b.error
    assert b.period_label == label and label in b.title
    if data["year"] == 2025:
        assert f"{label}实现产值1200万元" in b.text()  # 信联天地 reported June only: the period holds it


def test_the_monthly_chart_shows_each_months_own_value_and_no_empty_series(client, stats_world):
    login(client, stats_world.users["region_staff"])
    b = request_briefing(client, park=stats_world.smyz.pk, year=2025, month=6)
    monthly = [c for c in b.content["charts"] if c["kind"] == "bars"]
    assert len(monthly) == 1 and "当月值" in monthly[0]["title"]
    # 生命药洲 has no 2024 figures: one series, not an empty one beside it.
    assert [s["name"] for s in monthly[0]["series"]] == ["2025年"]
    series = fs.monthly_series(fs.scope_for_region(stats_world.licang.pk, stats_world.smyz), 2025, "output", 6)
    assert monthly[0]["series"][0]["values"] == [None if r["value"] is None else str(r["value"]) for r in series]


def test_chart_axes_have_round_ticks():
    ticks, labels, title = render.axis_ticks(Decimal("66630"), "万元")
    assert labels == ["0", "2亿", "4亿", "6亿", "8亿"] and title == "单位：亿元"
    assert ticks[-1] == Decimal("80000")
    assert render.axis_ticks(Decimal("2000"), "万元")[1] == ["0", "500万", "1000万", "1500万", "2000万"]
    assert render.axis_ticks(Decimal("0"), "万元")[1][0] == "0"
    png = render.chart_png({"title": "图", "kind": "bars", "unit": "万元", "labels": ["1月", "2月"],
                            "series": [{"name": "2025年", "values": ["1", "2"]},
                                       {"name": "2024年", "values": [None, None]}]})
    assert png.startswith(b"\x89PNG")


def test_every_briefing_is_written_by_the_task_worker_after_the_request(client, stats_world,
                                                                        django_capture_on_commit_callbacks):
    login(client, stats_world.users["region_staff"])
    for park in ("", stats_world.xltd.pk):  # a region, and a single park: both go to the worker
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client.post(reverse("briefings:create"), {"park": park, "year": 2025, "month": 6})
        b = Briefing.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
        assert b.status == Briefing.Status.QUEUED and not b.pdf and len(callbacks) == 1
    assert "briefing-pending" in client.get(reverse("briefings:detail", args=[b.pk])).content.decode()
    assert client.get(reverse("briefings:download", args=[b.pk, "pdf"])).status_code == 404
    for callback in callbacks:  # the immediate backend runs the task when it is enqueued
        callback()
    b.refresh_from_db()
    assert b.status == Briefing.Status.DONE and b.pdf


def test_it_is_saved_with_its_parameters_and_regenerated_from_them(client, stats_world):
    login(client, stats_world.users["region_staff"])
    b = request_briefing(client, park=stats_world.xltd.pk, year=2025, month=6)
    first = b.generated_at
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("briefings:regenerate", args=[b.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("briefings:detail", args=[b.pk])
    b.refresh_from_db()
    assert (b.park_id, b.year, b.month, b.status) == (stats_world.xltd.pk, 2025, 6, Briefing.Status.DONE)
    assert b.generated_at > first
    assert AuditEvent.objects.filter(object_type="briefings.Briefing", object_id=str(b.pk)).count() == 2


def test_a_briefing_requested_in_a_transaction_that_rolls_back_renders_nothing(stats_world, monkeypatch,
                                                                               django_capture_on_commit_callbacks):
    rendered = []
    monkeypatch.setattr(render, "pdf_bytes", lambda content: rendered.append(content) or b"%PDF-")
    monkeypatch.setattr(render, "docx_bytes", lambda content: rendered.append(content) or b"PK")
    period = Period.to_month(2025, 6)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.briefing_request(actor=stats_world.users["region_staff"], period=period, park=stats_world.xltd)
            raise RuntimeError("the request failed after the briefing was saved")
    assert callbacks == [] and rendered == [] and not Briefing.objects.exists()
    # The same request that commits is written, once, by the task.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        b = services.briefing_request(actor=stats_world.users["region_staff"], period=period, park=stats_world.xltd)
    b.refresh_from_db()
    assert len(callbacks) == 1 and len(rendered) == 2 and b.status == Briefing.Status.DONE


def test_an_operator_writes_briefings_of_its_own_parks_only(client, stats_world):
    login(client, stats_world.users["park_operator"])
    before = Briefing.objects.count()
    for park in (stats_world.smyz.pk, ""):
        response = client.post(reverse("briefings:create"), {"park": park, "year": 2025, "month": 6})
        assert response.status_code == 200 and response.context["form"].errors
    assert Briefing.objects.count() == before
    b = request_briefing(client, park=stats_world.xltd.pk, year=2025, month=6)
    assert "生命药洲" not in str(b.content)
    # A briefing of another park stays invisible to the operator.
    login(client, stats_world.users["region_staff"])
    other = request_briefing(client, park=stats_world.smyz.pk, year=2025, month=6)
    login(client, stats_world.users["park_operator"])
    assert client.get(reverse("briefings:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("briefings:download", args=[other.pk, "docx"])).status_code == 404
    assert f"/briefings/{other.pk}/" not in client.get(reverse("briefings:list")).content.decode()


def test_a_period_that_has_not_ended_is_refused(client, stats_world):
    login(client, stats_world.users["region_staff"])
    from django.utils import timezone

    year = timezone.localdate().year + 1
    before = Briefing.objects.count()
    response = client.post(reverse("briefings:create"), {"park": "", "year": year, "month": 1})
    assert response.status_code == 200 and "尚未开始" in response.content.decode()
    assert Briefing.objects.count() == before


def check_demo_briefing(client) -> None:
    """On the loaded Licang demo (tests/core/test_demo.py loads it once): the 生命药洲 2022 briefing, with the
    stocks as of the end of 2022 (not today's), and Figure 2 of each month's own output, adding up to the year's."""
    from yuanqu.accounts.models import User
    from yuanqu.parks.models import Park

    staff = User.objects.get(username="staff")
    login(client, staff)
    smyz = Park.objects.get(name="生命药洲")
    b = request_briefing(client, park=smyz.pk, year=2022, month=12)
    assert b.status == Briefing.Status.DONE, b.error
    text = "".join(pdf_text(b.pdf.read()).split())
    assert "生命药洲园区已吸引52家企业入驻" in text and "尚未入驻" not in text
    assert "2022年实现产值55亿元" in text
    paragraphs, _cells = docx_text(b.docx.read())
    assert "52家企业" in paragraphs and "55亿元" in paragraphs
    monthly = next(c for c in b.content["charts"] if c["kind"] == "bars")
    assert "当月值" in monthly["title"]
    this_year = next(s for s in monthly["series"] if s["name"] == "2022年")
    assert sum(Decimal(v) for v in this_year["values"] if v) == Decimal(550000)
