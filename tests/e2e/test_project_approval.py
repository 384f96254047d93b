"""A park operator submits 开工 with a PDF as evidence; district staff approve it; the timeline shows it reached."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World
from yuanqu.investment import services as inv
from yuanqu.investment.models import Project, StageChange

from .conftest import login

pytestmark = pytest.mark.e2e

PROJECT = "信联天地智能制造基地项目"
EVIDENCE = "施工许可证.pdf"
STARTED_ON = "2025-04-08"


def minimal_pdf(text: str = "Construction permit") -> bytes:
    """A small but valid one-page PDF (with a correct cross-reference table)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_operator_submits_started_and_staff_approve_it(page: Page, live_server: Any, e2e_world: World) -> None:
    # A project in the operator's park, already signed and registered (the shared world's one has a request
    # pending, and a project takes one request at a time).
    staff = e2e_world.user("region_staff")
    project = inv.project_create(actor=staff, name=PROJECT, park=e2e_world.xltd, level="district",
                                 total_investment_wan=Decimal("80000"), fixed_asset_investment_wan=Decimal("60000"))
    inv.project_plan(actor=staff, project=project, plans={"started": dt.date(2025, 4, 1),
                                                          "completed": dt.date(2026, 6, 30)})
    inv.stage_change_submit(actor=staff, project=project, to_stage="signed", on=dt.date(2025, 1, 10))
    inv.stage_change_submit(actor=staff, project=project, to_stage="registered", on=dt.date(2025, 2, 1))
    pdf = minimal_pdf()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    base = live_server.url

    # The operator opens the project from the list of its park's projects and submits 开工 with the PDF.
    login(page, base, e2e_world, "park_operator")
    page.goto(f"{base}/investment/projects/")
    with page.expect_navigation():
        page.locator("table tbody a", has_text=PROJECT).click()
    expect(page.locator("h2.page-title")).to_contain_text(PROJECT)
    expect(page.locator("#timeline tr[data-stage=started]")).not_to_contain_text(STARTED_ON)
    page.select_option("#id_to_stage", Project.Stage.STARTED.value)
    page.fill("#id_on", STARTED_ON)
    page.set_input_files("#stage-form input[type=file][name=evidence]",
                         files=[{"name": EVIDENCE, "mimeType": "application/pdf", "buffer": pdf}])
    with page.expect_navigation():
        page.click("#stage-form button")

    # Pending: the request is listed, awaiting approval, with its file; the project has not moved.
    request_item = page.locator("#changes .list-group-item", has=page.locator("a", has_text=EVIDENCE))
    expect(request_item).to_have_count(1)
    expect(request_item).to_contain_text(STARTED_ON)
    expect(request_item.locator(".badge")).to_have_class(re.compile(r"\bbg-yellow-lt\b"))
    expect(request_item.locator("form[action*='/approve/']")).to_have_count(0)  # not for the operator
    expect(page.locator("#timeline tr[data-stage=started]")).not_to_contain_text(STARTED_ON)
    download = page.request.get(base + (request_item.locator("a", has_text=EVIDENCE).get_attribute("href") or ""))
    assert (download.status, download.headers["content-type"], download.body()) == (200, "application/pdf", pdf)
    change = StageChange.objects.get(project=project, to_stage="started")
    assert change.status == StageChange.Status.PENDING
    assert change.requested_by == e2e_world.user("park_operator")
    evidence = change.evidence.get()
    assert (evidence.original_name, evidence.content_type, evidence.size) == (EVIDENCE, "application/pdf", len(pdf))
    assert Project.objects.get(pk=project.pk).stage == Project.Stage.REGISTERED

    # Log out through the navigation's form, then log in as district staff.
    with page.expect_navigation():
        page.click("form[action$='/accounts/logout/'] button[type=submit]")
    expect(page.locator("#whoami")).to_have_count(0)
    page.goto(f"{base}/investment/projects/{project.pk}/")
    assert "/accounts/login/" in page.url
    login(page, base, e2e_world, "region_staff")
    page.goto(f"{base}/investment/projects/{project.pk}/")
    request_item = page.locator("#changes .list-group-item", has=page.locator("a", has_text=EVIDENCE))
    with page.expect_navigation():
        request_item.locator("form[action*='/approve/'] button").click()

    # The timeline shows 开工 reached on its date, and the request approved.
    started = page.locator("#timeline tr[data-stage=started]")
    expect(started).to_have_class(re.compile(r"\btable-active\b"))
    expect(started.locator(".text-success")).to_have_text(STARTED_ON)
    expect(started.locator(".overdue-marker")).to_have_count(0)
    request_item = page.locator("#changes .list-group-item", has=page.locator("a", has_text=EVIDENCE))
    expect(request_item.locator(".badge")).to_have_class(re.compile(r"\bbg-green-lt\b"))
    expect(request_item.locator("form[action*='/approve/']")).to_have_count(0)

    change.refresh_from_db()
    assert (change.status, change.decided_by) == (StageChange.Status.APPROVED, e2e_world.user("region_staff"))
    project.refresh_from_db()
    assert project.stage == Project.Stage.STARTED
    assert project.stages.get(stage="started").actual_on == dt.date(2025, 4, 8)
