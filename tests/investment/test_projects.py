"""Key projects through the front door: stages, approval, evidence, overdue flags, monthly investment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.conftest import World
from yuanqu.investment import services
from yuanqu.investment.models import Project, ProjectStage, StageChange, StageEvidence


def today() -> dt.date:
    """Today in the installation's time zone, read when the test runs (not at import)."""
    return timezone.localdate()
PDF = b"%PDF-1.4\n%test\n"


def stage_url(project: Project) -> str:
    return reverse("investment:project_stage", args=[project.pk])


def test_it_registers_a_project_with_its_stages(world: World, client_as) -> None:
    response = client_as("region_staff").post(reverse("investment:project_create"), {
        "name": "新项目", "level": "city", "park": world.smyz.pk, "total_investment_wan": "100000"})
    assert response.status_code == 302
    project = Project.objects.get(name="新项目")
    assert project.stage == "talks" and project.region_id == "370213"
    assert project.stages.count() == 7


def test_it_refuses_a_negative_investment(world: World, client_as) -> None:
    response = client_as("region_staff").post(reverse("investment:project_create"), {
        "name": "负数项目", "level": "city", "total_investment_wan": "-5"})
    assert response.status_code == 200
    assert not Project.objects.filter(name="负数项目").exists()


def test_an_operator_change_waits_for_approval_then_applies(world: World, client_as) -> None:
    project, change = world.project_xltd, world.change_xltd
    project.refresh_from_db()
    assert project.stage == "talks" and change.status == "pending"
    page = client_as("park_operator").get(reverse("investment:project_detail", args=[project.pk])).content.decode()
    assert "合同.pdf" in page
    client_as("region_staff").post(reverse("investment:change_approve", args=[change.pk]))
    project.refresh_from_db()
    change.refresh_from_db()
    assert project.stage == "signed" and change.status == "approved"
    assert ProjectStage.objects.get(project=project, stage="signed").actual_on == dt.date(2025, 1, 15)


def test_staff_may_return_a_change_with_a_reason_only(world: World, client_as) -> None:
    change = world.change_xltd
    client = client_as("region_staff")
    client.post(reverse("investment:change_return", args=[change.pk]), {"reason": " "})
    change.refresh_from_db()
    assert change.status == "pending"
    client.post(reverse("investment:change_return", args=[change.pk]), {"reason": "缺少合同盖章页"})
    change.refresh_from_db()
    world.project_xltd.refresh_from_db()
    assert change.status == "returned" and world.project_xltd.stage == "talks"


def test_an_operator_cannot_approve_its_own_change(world: World, client_as) -> None:
    change = world.change_xltd
    response = client_as("park_operator").post(reverse("investment:change_approve", args=[change.pk]))
    assert response.status_code == 404
    change.refresh_from_db()
    assert change.status == "pending"


def test_nobody_decides_on_their_own_request(world: World) -> None:
    from django.core.exceptions import ValidationError

    from yuanqu.accounts.services import user_create_on_server

    staff = world.users["region_staff"]
    project = world.project_smyz
    change = StageChange.objects.create(project=project, to_stage="registered", on=today(), requested_by=staff)
    try:
        services.stage_change_approve(actor=staff, change=change)
        raise AssertionError("approved its own request")
    except ValidationError as exc:
        assert exc.code == "own_request"
    other = user_create_on_server(role="region_staff", region=world.licang, username="staff3",
                                  password="Pa55word-for-tests")[0]
    services.stage_change_approve(actor=other, change=change)
    project.refresh_from_db()
    assert project.stage == "registered"


def test_it_refuses_moving_backwards_without_terminating(world: World, client_as) -> None:
    project = world.project_smyz  # at 签约
    client = client_as("region_staff")
    client.post(stage_url(project), {"to_stage": "talks", "on": str(today())})
    project.refresh_from_db()
    assert project.stage == "signed"
    client.post(stage_url(project), {"to_stage": "terminated", "on": str(today())})
    project.refresh_from_db()
    assert project.stage == "signed"
    client.post(stage_url(project), {"to_stage": "terminated", "on": str(today()), "reason": "投资方撤资"})
    project.refresh_from_db()
    assert project.stage == "terminated" and project.terminated_reason == "投资方撤资"


def test_it_refuses_an_actual_date_in_the_future(world: World, client_as) -> None:
    project = world.project_smyz
    client_as("region_staff").post(stage_url(project), {"to_stage": "registered",
                                                        "on": str(today() + dt.timedelta(days=1))})
    project.refresh_from_db()
    assert project.stage == "signed"


def test_it_accepts_evidence_by_content_and_refuses_disguised_files(world: World, client_as) -> None:
    project = world.project_smyz
    client = client_as("region_staff")
    fake = SimpleUploadedFile("开工.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(stage_url(project), {"to_stage": "registered", "on": str(today()), "evidence": fake},
                           follow=True)
    project.refresh_from_db()
    assert project.stage == "signed"
    assert "开工.pdf" in response.content.decode()
    real = SimpleUploadedFile("scan.bin", PDF, content_type="application/octet-stream")
    client.post(stage_url(project), {"to_stage": "registered", "on": str(today()), "evidence": real})
    project.refresh_from_db()
    assert project.stage == "registered"
    ev = StageEvidence.objects.get(original_name="scan.bin")
    assert ev.content_type == "application/pdf"
    download = client.get(reverse("investment:evidence", args=[ev.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_it_refuses_evidence_over_20_mb(world: World, client_as) -> None:
    project = world.project_smyz
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (20 * 1024 * 1024), content_type="application/pdf")
    client_as("region_staff").post(stage_url(project), {"to_stage": "registered", "on": str(today()),
                                                        "evidence": big})
    project.refresh_from_db()
    assert project.stage == "signed"
    assert not StageEvidence.objects.filter(original_name="big.pdf").exists()


def test_it_flags_overdue_stages(world: World, client_as) -> None:
    # project_xltd: 签约 planned 2025-01-10 and 注册 2025-02-01, neither reached yet.
    response = client_as("leader").get(reverse("investment:projects"))
    rows = {p.name: p for p in response.context["rows"]}
    assert rows["信联天地数字总部项目"].overdue == 2 and rows["生命药洲角膜产业化项目"].overdue == 0
    page = client_as("leader").get(reverse("investment:project_detail", args=[world.project_xltd.pk]))
    flags = {t["stage"]: t["overdue"] for t in page.context["timeline"]}
    assert flags["signed"] and flags["registered"] and not flags["started"]


def test_it_keeps_monthly_investment_with_year_to_date(world: World, client_as) -> None:
    project = world.project_xltd
    client = client_as("park_operator")
    url = reverse("investment:project_month", args=[project.pk])
    year = today().year
    client.post(url, {"month": f"{year}-01-15", "planned_wan": "1000", "completed_wan": "800"})
    client.post(url, {"month": f"{year}-01-01", "planned_wan": "1200", "completed_wan": "900"})
    client.post(url, {"month": f"{year}-02-01", "planned_wan": "500", "completed_wan": "500"})
    client.post(url, {"month": f"{year}-02-01", "planned_wan": "-1", "completed_wan": "500"})
    page = client.get(reverse("investment:project_detail", args=[project.pk]))
    months = page.context["months"]
    assert len(months["rows"]) == 2
    assert months["ytd_planned"] == Decimal("1700") and months["ytd_completed"] == Decimal("1400")
