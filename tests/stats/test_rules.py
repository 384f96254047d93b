"""Checks, 无数据, lock and reopen, attribution, aggregates, targets and reminders, through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import approve_entries
from yuanqu.core.models import AuditEvent
from yuanqu.enterprises import services as ent
from yuanqu.parks.models import Park
from yuanqu.stats import selectors, services
from yuanqu.stats.models import Indicator, Notice, Report, ReportValue, Round, Target
from yuanqu.stats.services import Entry
from yuanqu.stats.standard import STANDARD_INDICATORS


def ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def entries(**values: Decimal | Entry) -> dict[int, Entry]:
    base: dict[str, Decimal | Entry] = {"output": Decimal("1000"), "revenue": Decimal("1100"), "tax": Decimal("60"),
                                        "profit": Decimal("90"), "employees": Decimal("50")}
    base.update(values)
    return {ind(k).pk: v if isinstance(v, Entry) else Entry(value=v) for k, v in base.items()}




def may_round(world) -> Round:
    return services.round_open(actor=world.users["region_staff"], region=world.licang, frequency="month",
                               year=2025, month=5, deadline=dt.date(2025, 6, 10))


def test_the_standard_set_is_installed(db):
    codes = set(Indicator.objects.values_list("code", flat=True))
    assert {s["code"] for s in STANDARD_INDICATORS} <= codes
    assert ind("tax_local").part_of == ind("tax")
    assert {ind(c).name for c in ("output", "revenue", "tax", "profit", "employees", "rnd", "fai", "power",
                                  "export")} == {"工业总产值", "营业收入", "税收", "利润总额", "从业人员", "研发投入",
                                                 "固定资产投资", "用电量", "出口额"}


def test_a_jump_needs_an_explanation_and_a_unit_slip_is_named(world):
    may = Report.objects.get(round=may_round(world), enterprise=world.ent_xltd)
    approve_entries(world, may, entries(output=Decimal("500")))
    june = world.report_xltd
    user = world.users["enterprise_user"]
    # May alone 500 → June alone 5,000,000 (5,000,500 累计): 10,000× — 元 typed where 万元 is asked.
    with pytest.raises(ValidationError) as err:
        services.report_save(actor=user, report=june, entries=entries(output=Decimal("5000500")), submit=True)
    assert err.value.message_dict[f"e_{ind('output').pk}"] == [
        "工业总产值本月 5,000,000 万元，约为上月（500 万元）的 1 万倍，是否按元填报？本指标单位为万元。"
        "请填写情况说明后再提交。"]
    # A +300 % jump: a warning, so submission needs an explanation …
    with pytest.raises(ValidationError):
        services.report_save(actor=user, report=june, entries=entries(output=Decimal("2600")), submit=True)
    # … which a draft does not, and with it the submission goes through and keeps both.
    services.report_save(actor=user, report=june, entries=entries(output=Decimal("2600")), submit=False)
    data = entries(output=Entry(value=Decimal("2600"), explanation="新产线投产"))
    report = services.report_save(actor=user, report=june, entries=data, submit=True)
    value = report.values.get(indicator__code="output")
    assert value.warning and value.explanation == "新产线投产"
    assert value.period_value == Decimal("2100") and value.ytd_value == Decimal("2600")


def test_a_blocking_threshold_refuses_the_value(world):
    Indicator.objects.filter(code="output").update(change_action=Indicator.Action.BLOCK)
    may = Report.objects.get(round=may_round(world), enterprise=world.ent_xltd)
    approve_entries(world, may, entries(output=Decimal("500")))
    with pytest.raises(ValidationError) as err:
        services.report_save(actor=world.users["enterprise_user"], report=world.report_xltd,
                              entries=entries(output=Entry(value=Decimal("9000"), explanation="x")), submit=False)
    assert f"v_{ind('output').pk}" in err.value.message_dict


def test_no_data_is_an_answer_with_a_reason_and_differs_from_no_answer(world):
    user = world.users["enterprise_user"]
    with pytest.raises(ValidationError) as err:
        services.report_save(actor=user, report=world.report_xltd, entries=entries(profit=None), submit=True)
    assert f"v_{ind('profit').pk}" in err.value.message_dict
    with pytest.raises(ValidationError):
        services.report_save(actor=user, report=world.report_xltd,
                              entries=entries(profit=Entry(no_data=True)), submit=True)
    report = services.report_save(actor=user, report=world.report_xltd,
                                   entries=entries(profit=Entry(no_data=True, no_data_reason="尚未结账")), submit=True)
    profit = report.values.get(indicator__code="profit")
    assert profit.no_data and profit.value is None and profit.no_data_reason == "尚未结账"
    # An optional indicator left empty is simply not answered.
    assert report.values.get(indicator__code="export").no_data is False


def test_a_part_cannot_exceed_its_whole(world):
    with pytest.raises(ValidationError) as err:
        services.report_save(actor=world.users["enterprise_user"], report=world.report_xltd,
                              entries=entries(tax=Decimal("60"), tax_local=Decimal("61")), submit=False)
    assert f"v_{ind('tax_local').pk}" in err.value.message_dict


def test_submitting_twice_gives_one_submission_and_no_duplicate_values(world):
    user = world.users["enterprise_user"]
    services.report_save(actor=user, report=world.report_xltd, entries=entries(), submit=True)
    with pytest.raises(ValidationError) as err:
        services.report_save(actor=user, report=world.report_xltd, entries=entries(), submit=True)
    assert err.value.code == "submitted"
    assert ReportValue.objects.filter(report=world.report_xltd).count() == len(
        selectors.indicators_for(world.report_xltd))


def test_the_lock_stops_every_change_and_reopening_needs_a_reason(world):
    staff, user = world.users["region_staff"], world.users["enterprise_user"]
    services.round_lock(actor=staff, rnd=world.round_licang)
    with pytest.raises(ValidationError) as err:
        services.report_save(actor=user, report=world.report_xltd, entries=entries(), submit=True)
    assert err.value.code == "locked"
    with pytest.raises(ValidationError):
        services.round_reopen(actor=staff, rnd=world.round_licang, reason="  ")
    with pytest.raises(PermissionDenied):
        services.round_lock(actor=world.users["park_operator"], rnd=world.round_licang)
    services.round_reopen(actor=staff, rnd=world.round_licang, reason="税务数据更正")
    event = AuditEvent.objects.filter(object_type="stats.Round", object_id=str(world.round_licang.pk)).latest("at")
    assert event.after["reopen_reason"] == "税务数据更正"
    services.report_save(actor=user, report=world.report_xltd, entries=entries(), submit=True)


def test_review_order_and_return_with_reason(world):
    staff, operator, user = world.users["region_staff"], world.users["park_operator"], world.users["enterprise_user"]
    report = services.report_save(actor=user, report=world.report_xltd, entries=entries(), submit=True)
    with pytest.raises(ValidationError):
        services.report_approve(actor=staff, report=report)  # the park reviews first
    with pytest.raises(ValidationError):
        services.report_return(actor=operator, report=report, reason="")
    report = services.report_return(actor=operator, report=report, reason="税收口径不对")
    assert report.status == Report.Status.RETURNED and report.return_reason == "税收口径不对"
    report = services.report_save(actor=user, report=report, entries=entries(tax=Decimal("70")), submit=True)
    assert report.status == Report.Status.SUBMITTED and report.return_reason == ""


def test_history_keeps_the_park_the_enterprise_was_in(world):
    report = approve_entries(world, world.report_xltd, entries())
    # The enterprise later moves to 生命药洲: June 2025 stays with 信联天地.
    ent.settlement_advance(actor=world.users["region_staff"], settlement=world.st_xltd, to_stage="exited",
                           on=dt.date(2025, 8, 1), reason="迁至生命药洲")
    s = ent.settlement_create(actor=world.users["region_staff"], enterprise=world.ent_xltd, park=world.smyz,
                              signed_on=dt.date(2025, 8, 2))
    ent.settlement_advance(actor=world.users["region_staff"], settlement=s, to_stage="moved_in", on=dt.date(2025, 8, 5))
    report.refresh_from_db()
    assert report.park == world.xltd
    xltd = Park.objects.filter(pk=world.xltd.pk)
    assert selectors.figure(ind("output"), 2025, 6, xltd).ytd == Decimal("1000")
    september = services.round_open(actor=world.users["region_staff"], region=world.licang, frequency="month",
                                    year=2025, month=9, deadline=dt.date(2025, 10, 10))
    assert Report.objects.get(round=september, enterprise=world.ent_xltd).park == world.smyz


def test_aggregates_give_ytd_yoy_mom_segments_per_mu_and_completion(world):
    staff = world.users["region_staff"]
    Park.objects.filter(pk=world.xltd.pk).update(land_area_mu=Decimal("50"))
    rounds = {}
    for year, month in ((2024, 6), (2025, 5)):
        rounds[(year, month)] = services.round_open(actor=staff, region=world.licang, frequency="month", year=year,
                                                    month=month, deadline=dt.date(year, month + 1, 10))
    approve_entries(world, Report.objects.get(round=rounds[(2024, 6)], enterprise=world.ent_xltd),
                entries(output=Decimal("800")))
    approve_entries(world, Report.objects.get(round=rounds[(2025, 5)], enterprise=world.ent_xltd),
                entries(output=Decimal("400")))
    approve_entries(world, world.report_xltd, entries(output=Decimal("1000")))
    xltd = Park.objects.filter(pk=world.xltd.pk)
    fig = selectors.figure(ind("output"), 2025, 6, xltd)
    assert (fig.value, fig.ytd, fig.previous, fig.last_year_ytd) == (Decimal("600"), Decimal("1000"),
                                                                     Decimal("400"), Decimal("800"))
    assert fig.yoy_pct == Decimal("25") and fig.mom_pct == Decimal("50")
    (park, row), = [pf for pf in selectors.by_park(ind("output"), 2025, 6, xltd)]
    assert row.extra["per_mu"] == Decimal("20")
    # The enterprise is not 规上, its industry is 6513 (section I).
    assert selectors.figure(ind("output"), 2025, 6, xltd, segment="above").ytd is None
    assert [(code, f.ytd) for code, _n, f in selectors.by_industry(ind("output"), 2025, 6, xltd)] == [
        ("I", Decimal("1000"))]
    done = selectors.completion(world.round_licang, Park.objects.filter(region_id="370213"))
    assert (done.expected, done.reported, done.approved) == (2, 1, 1) and done.rate == Decimal("50")


def test_target_progress_beside_the_year_elapsed(world):
    approve_entries(world, world.report_xltd, entries(output=Decimal("1000")))
    target = services.target_set(actor=world.users["region_staff"], indicator=ind("output"), year=2025,
                                 value=Decimal("4000"), park=world.xltd)
    progress = selectors.target_progress(target, 6)
    assert progress.pct == Decimal("25") and progress.year_elapsed_pct == Decimal("50")
    again = services.target_set(actor=world.users["region_staff"], indicator=ind("output"), year=2025,
                                value=Decimal("5000"), park=world.xltd)
    assert again.pk == target.pk and Target.objects.count() == 1
    with pytest.raises(ValidationError):
        services.target_set(actor=world.users["region_staff"], indicator=ind("output"), year=2025,
                            value=Decimal("-1"), park=world.xltd)
    with pytest.raises(PermissionDenied):
        services.target_set(actor=world.users["region_staff"], indicator=ind("output"), year=2025,
                            value=Decimal("1"), park=world.laoshan_park)


def test_reminders_are_in_the_app_logged_and_delivered_only_by_adapters_switched_on(
        world, settings, django_capture_on_commit_callbacks):
    staff, operator = world.users["region_staff"], world.users["park_operator"]
    with django_capture_on_commit_callbacks(execute=True):
        notices = services.report_remind(actor=operator, reports=[world.report_xltd])
    assert len(notices) == 1 and notices[0].channels == "" and len(mail.outbox) == 0
    assert "2025年6月" in notices[0].message
    assert Notice.objects.visible_to(world.users["enterprise_user"]).count() == 1
    assert AuditEvent.objects.filter(object_type="stats.Notice").count() == 1
    settings.YUANQU_NOTICE_ADAPTERS = ["yuanqu.stats.notify.email"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notices = services.report_remind(actor=staff, reports=[world.report_xltd], message="请于本周内报送")
    # Nothing leaves the building until the reminder's transaction has committed.
    assert len(callbacks) == 1 and len(mail.outbox) == 0 and notices[0].channels == ""
    callbacks[0]()
    assert notices[0].channels == "email" and mail.outbox[0].to == ["zhangwei@example.cn"]
    assert Notice.objects.get(pk=notices[0].pk).channels == "email"
    with pytest.raises(PermissionDenied):
        services.report_remind(actor=operator, reports=[world.report_smyz])
    assert services.notices_mark_read(actor=world.users["enterprise_user"]) == 2
