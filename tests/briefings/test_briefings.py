"""Briefings (简报): the Chinese bulletin, its .docx and .pdf, the background task, regeneration and scope."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.db import transaction
from django.test import TestCase
from django.urls import reverse

from tests.conftest import add_statistics, login
from yuanqu.briefings import render, services
from yuanqu.briefings.models import Briefing
from yuanqu.core.models import AuditEvent
from yuanqu.enterprises.services import enterprise_update
from yuanqu.stats.models import Report


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


def test_a_park_briefing_states_the_dashboard_figures_in_pdf_and_docx(client, stats_world):
    login(client, stats_world.users["region_staff"])
    b = request_briefing(client, park=stats_world.smyz.pk, year=2025, month=6)
    assert b.status == Briefing.Status.DONE, b.error
    assert b.title == "生命药洲园区2025年1—6月经济运行简报"
    page = client.get(reverse("briefings:detail", args=[b.pk])).content.decode()
    assert "2025年1—6月实现产值2000万元" in page
    pdf = client.get(reverse("briefings:download", args=[b.pk, "pdf"]))
    assert pdf.status_code == 200
    text = "".join(pdf_text(b"".join(pdf.streaming_content)).split())  # pdftotext breaks lines anywhere
    assert "实现营业收入2100万元" in text and "实现税收150万元" in text
    assert "表1生命药洲园区2025年1—6月主要经济指标" in text
    docx = client.get(reverse("briefings:download", args=[b.pk, "docx"]))
    paragraphs, cells = docx_text(b"".join(docx.streaming_content))
    # The same figure as the park's dashboard for the same scope and period.
    dash = client.get(reverse("dashboards:park", args=[stats_world.smyz.pk]) + "?year=2025&month=6")
    assert dash.context["summary"]["output"]["ytd"] == 2000
    assert "2000万元" in dash.content.decode()
    assert "实现产值2000万元" in paragraphs
    assert ["工业总产值", "2000万元", "—", "—"] in cells


def test_a_region_briefing_compares_with_last_year_and_ranks_the_parks(client, stats_world):
    login(client, stats_world.users["leader"])
    b = request_briefing(client, park="", year=2025, month=6)
    text = " ".join(b.content["paragraphs"])
    assert ("李沧区2个园区已吸引1家企业入驻，另有2家已签约、尚未入驻，"
            "2025年1—6月实现产值3200万元，同比增长220%。") in text
    assert "实现税收230万元，同比增长130%" in text
    assert "分园区看，生命药洲产值最高，为2000万元，占全区的62.5%。" in text
    # No enterprise of this world is above designated size: no 规上 sentence (see the next test for one).
    assert "规模以上" not in text
    paragraphs, cells = docx_text(b.docx.read())
    assert "同比增长220%" in paragraphs
    assert ["生命药洲", "2000万元", "—", "62.5%"] in cells
    # Its numbers are the cockpit's.
    dash = client.get(reverse("dashboards:cockpit") + "?year=2025&month=6")
    assert dash.context["kpi"]["output"]["ytd"] == 3200


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
    text = " ".join(b.content["paragraphs"])
    assert ("其中，规模以上企业1家，实现产值1200万元，同比增长20%，"
            "占全区产值的37.5%，比上年同期下降62.5个百分点。") in text


def test_the_docx_sets_east_asian_fonts(client, stats_world):
    from docx import Document
    from docx.oxml.ns import qn

    login(client, stats_world.users["region_staff"])
    b = request_briefing(client, park=stats_world.xltd.pk, year=2025, month=6)
    doc = Document(b.docx.open("rb"))
    rfonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "Noto Serif CJK SC"
    run = doc.paragraphs[0].runs[0]
    assert run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "Noto Sans CJK SC"
    assert len(doc.inline_shapes) >= 1  # the chart


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
    assert response.status_code == 302
    b.refresh_from_db()
    assert (b.park_id, b.year, b.month, b.status) == (stats_world.xltd.pk, 2025, 6, Briefing.Status.DONE)
    assert b.generated_at > first
    assert AuditEvent.objects.filter(object_type="briefings.Briefing", object_id=str(b.pk)).count() == 2


def test_a_briefing_requested_in_a_transaction_that_rolls_back_renders_nothing(stats_world, monkeypatch,
                                                                               django_capture_on_commit_callbacks):
    rendered = []
    monkeypatch.setattr(render, "pdf_bytes", lambda content: rendered.append(content) or b"%PDF-")
    monkeypatch.setattr(render, "docx_bytes", lambda content: rendered.append(content) or b"PK")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.briefing_request(actor=stats_world.users["region_staff"], year=2025, month=6,
                                      park=stats_world.xltd)
            raise RuntimeError("the request failed after the briefing was saved")
    assert callbacks == [] and rendered == [] and not Briefing.objects.exists()
    # The same request that commits is written, once, by the task.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        b = services.briefing_request(actor=stats_world.users["region_staff"], year=2025, month=6,
                                      park=stats_world.xltd)
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
    response = client.post(reverse("briefings:create"), {"park": "", "year": year, "month": 1})
    assert response.status_code == 200


def check_demo_briefing(client) -> None:
    """On the loaded Licang demo (tests/core/test_demo.py loads it once): the 生命药洲 2022 briefing."""
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
