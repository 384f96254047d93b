"""The reporting flow through the services: entries, checks, submission, review, approval, lock."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yuanqu.stats import rollups, selectors, services
from yuanqu.stats.models import Indicator, Report, ReportValue, Rollup
from yuanqu.stats.services import Entry


def ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def full_entries(**overrides: Decimal | None) -> dict[int, Entry]:
    values = {"output": Decimal("1200"), "revenue": Decimal("1500"), "tax": Decimal("80"),
              "profit": Decimal("100"), "employees": Decimal("120")}
    values.update(overrides)
    return {ind(code).pk: Entry(value=v) for code, v in values.items()}


def test_open_round_gives_every_moved_in_enterprise_a_task(world):
    reports = Report.objects.filter(round=world.round_licang)
    assert set(reports.values_list("enterprise__name", "park__name")) >= {("青岛信达软件有限公司", "信联天地")}
    # Only fitting out, not moved in: no task.
    assert not reports.filter(enterprise=world.ent_xltd_fitout).exists()


def test_the_whole_flow_reaches_the_rollups(world):
    users = world.users
    ent_user, operator, staff = users["enterprise_user"], users["park_operator"], users["region_staff"]
    report = services.report_save(actor=ent_user, report=world.report_xltd, entries=full_entries(), submit=True)
    assert report.status == Report.Status.SUBMITTED
    report = services.report_park_review(actor=operator, report=report)
    report = services.report_approve(actor=staff, report=report)
    fig = selectors.figure(ind("output"), 2025, 6, world.xltd.__class__.objects.filter(pk=world.xltd.pk))
    assert fig.ytd == Decimal("1200") and fig.reporters == 1
    cells = sorted(Rollup.objects.values_list("park_id", "indicator_id", "year", "month", "segment", "value", "ytd",
                                              "reporters"))
    rollups.rebuild()
    assert sorted(Rollup.objects.values_list("park_id", "indicator_id", "year", "month", "segment", "value", "ytd",
                                             "reporters")) == cells


def test_a_negative_output_is_refused(world):
    with pytest.raises(ValidationError) as err:
        services.report_save(actor=world.users["enterprise_user"], report=world.report_xltd,
                              entries=full_entries(output=Decimal("-5")), submit=False)
    assert "不能为负数" in str(err.value)
    assert not ReportValue.objects.filter(report=world.report_xltd).exists()


def test_an_operator_cannot_approve_and_another_park_is_out_of_scope(world):
    with pytest.raises(PermissionDenied):
        services.report_park_review(actor=world.users["park_operator"], report=world.report_smyz)
