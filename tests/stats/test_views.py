"""The statistics pages: the enterprise's form, review, rounds, reminders, aggregates, dictionary, targets."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from yuanqu.core.models import AuditEvent
from yuanqu.stats import selectors, services
from yuanqu.stats.models import Indicator, Notice, Report, ReportValue, Round, Target

from .helpers import REQUIRED, fill, form_data, ind, may_round


def status_of(report: Report) -> str:
    return Report.objects.get(pk=report.pk).status


# --------------------------------------------------------------------------- the enterprise's form


def test_it_shows_the_form_with_one_row_per_indicator(world, client_as):
    response = client_as("enterprise_user").get(reverse("stats:report_fill", args=[world.report_xltd.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for code in ("output", "revenue", "tax", "employees"):
        assert f'name="v_{ind(code).pk}"' in html
        assert f'name="n_{ind(code).pk}"' in html
    assert 'id="submit-report"' in html and 'id="save-draft"' in html


def test_it_saves_a_draft_with_full_width_digits_and_separators(world, client_as):
    response = fill(client_as("enterprise_user"), world.report_xltd,
                    {"output": "１２３", "revenue": "1,234.5", "tax": "１，０００"})
    assert response.status_code == 302
    values = dict(ReportValue.objects.filter(report=world.report_xltd).values_list("indicator__code", "value"))
    assert values["output"] == Decimal("123")
    assert values["revenue"] == Decimal("1234.5")
    assert values["tax"] == Decimal("1000")
    assert status_of(world.report_xltd) == Report.Status.DRAFT


def test_it_submits_a_complete_report(world, client_as):
    response = fill(client_as("enterprise_user"), world.report_xltd, REQUIRED, action="submit")
    assert response.status_code == 302
    assert response["Location"] == reverse("stats:report_detail", args=[world.report_xltd.pk])
    report = Report.objects.get(pk=world.report_xltd.pk)
    assert report.status == Report.Status.SUBMITTED and report.submitted_by == world.users["enterprise_user"]


def test_it_refuses_a_negative_output_value_and_keeps_nothing(world, client_as):
    response = fill(client_as("enterprise_user"), world.report_xltd, {**REQUIRED, "output": "-5"}, action="submit")
    assert response.status_code == 200
    assert f'data-error-for="v_{ind("output").pk}"' in response.content.decode()
    assert not ReportValue.objects.filter(report=world.report_xltd).exists()
    assert status_of(world.report_xltd) == Report.Status.PENDING


def test_it_refuses_text_in_a_numeric_field_with_a_field_error(world, client_as):
    response = fill(client_as("enterprise_user"), world.report_xltd, {**REQUIRED, "revenue": "一千二百多"},
                    action="submit")
    assert response.status_code == 200
    form = response.context["form"]
    assert f"v_{ind('revenue').pk}" in form.errors
    assert form.errors[f"v_{ind('revenue').pk}"].as_data()[0].code == "not_a_number"
    assert form.errors[f"v_{ind('revenue').pk}"][0] == "应为数字，实际为“一千二百多”。"
    assert not ReportValue.objects.filter(report=world.report_xltd).exists()


def test_it_reads_chinese_numerals_and_units_into_the_indicators_unit(world, client_as):
    """The report form reads numbers as the spreadsheet import does (one parser): 一千二百万 of revenue (万元)
    is 1200; ０.１２亿 is 1200."""
    for typed in ("一千二百万", "０.１２亿"):
        form = fill(client_as("enterprise_user"), world.report_xltd, {**REQUIRED, "revenue": typed},
                    action="save").context
        assert form is None or f"v_{ind('revenue').pk}" not in form["form"].errors
        stored = ReportValue.objects.get(report=world.report_xltd, indicator=ind("revenue"))
        assert stored.value == Decimal("1200"), typed


def test_it_requires_the_required_values_or_no_data_to_submit(world, client_as):
    client = client_as("enterprise_user")
    values = {k: v for k, v in REQUIRED.items() if k != "profit"}
    response = fill(client, world.report_xltd, values, action="submit")
    assert response.status_code == 200
    assert f"v_{ind('profit').pk}" in response.context["form"].errors
    # 无数据 without a reason is refused; with one it is an answer.
    response = fill(client, world.report_xltd, values, action="submit", n_profit="on")
    assert f"v_{ind('profit').pk}" in response.context["form"].errors
    response = fill(client, world.report_xltd, values, action="submit", n_profit="on", r_profit="尚未结账")
    assert response.status_code == 302
    row = ReportValue.objects.get(report=world.report_xltd, indicator=ind("profit"))
    assert row.no_data and row.value is None and row.no_data_reason == "尚未结账"


def test_a_value_that_trips_the_check_needs_an_explanation(world, client_as):
    may_round(world, employees="100")
    client = client_as("enterprise_user")
    response = fill(client, world.report_xltd, {**REQUIRED, "employees": "500"}, action="submit")
    assert response.status_code == 200
    assert f"e_{ind('employees').pk}" in response.context["form"].errors
    assert status_of(world.report_xltd) == Report.Status.PENDING
    response = fill(client, world.report_xltd, {**REQUIRED, "employees": "500"}, action="submit",
                    e_employees="新设研发中心，集中招聘")
    assert response.status_code == 302
    row = ReportValue.objects.get(report=world.report_xltd, indicator=ind("employees"))
    assert row.warning and row.explanation == "新设研发中心，集中招聘"
    # The reviewer sees the warning and the explanation.
    html = client_as("park_operator").get(reverse("stats:report_detail", args=[world.report_xltd.pk])).content
    assert "新设研发中心，集中招聘" in html.decode()


def test_the_live_check_returns_the_warning_and_the_errors(world, client_as):
    may_round(world, employees="100")
    client = client_as("enterprise_user")
    url = reverse("stats:report_check", args=[world.report_xltd.pk])
    emp = ind("employees").pk
    response = client.post(url, {**form_data({"employees": "５００"}), "indicator": emp}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="warning-{emp}"' in response.content.decode()
    # Only the messages come back: the explanation being typed beside them is never replaced.
    assert f'id="check-{emp}"' in response.content.decode()
    assert f'name="e_{emp}"' not in response.content.decode()
    response = client.post(url, {**form_data({"employees": "abc"}), "indicator": emp})
    assert "check-error" in response.content.decode()
    out = ind("output").pk
    response = client.post(url, {**form_data({"output": "-1"}), "indicator": out})
    assert "check-error" in response.content.decode()
    response = client.post(url, {**form_data({"output": "1000"}), "indicator": out})
    assert "check-error" not in response.content.decode() and "check-warning" not in response.content.decode()
    # Another enterprise's report: 404.
    assert client.post(reverse("stats:report_check", args=[world.report_smyz.pk]),
                       {"indicator": out}).status_code == 404


def test_submitting_after_the_lock_is_refused_clearly(world, client_as):
    fill(client_as("enterprise_user"), world.report_xltd, REQUIRED)
    services.round_lock(actor=world.users["region_staff"], rnd=world.round_licang)
    client = client_as("enterprise_user")
    response = fill(client, world.report_xltd, {**REQUIRED, "output": "999"}, action="submit")
    assert response.status_code == 200
    assert any(e.code == "locked" for e in response.context["form"].non_field_errors().as_data())
    assert "该报告期已锁定" in response.content.decode()
    assert status_of(world.report_xltd) == Report.Status.DRAFT
    assert ReportValue.objects.get(report=world.report_xltd, indicator=ind("output")).value == Decimal("1200")
    page = client.get(reverse("stats:report_fill", args=[world.report_xltd.pk]))
    assert 'id="readonly-note"' in page.content.decode() and 'id="submit-report"' not in page.content.decode()


def test_the_same_report_submitted_from_two_tabs_gives_one_submission(world, client_as):
    tab1, tab2 = client_as("enterprise_user"), client_as("enterprise_user")
    tab1.get(reverse("stats:report_fill", args=[world.report_xltd.pk]))
    tab2.get(reverse("stats:report_fill", args=[world.report_xltd.pk]))
    first = fill(tab1, world.report_xltd, REQUIRED, action="submit")
    second = fill(tab2, world.report_xltd, {**REQUIRED, "output": "1300"}, action="submit")
    assert first.status_code == 302
    assert second.status_code == 200
    assert any(e.code == "submitted" for e in second.context["form"].non_field_errors().as_data())
    assert "该报表已提交" in second.content.decode()
    assert Report.objects.filter(round=world.round_licang, enterprise=world.ent_xltd).count() == 1
    values = ReportValue.objects.filter(report=world.report_xltd)
    assert values.count() == len(selectors.indicators_for(world.report_xltd))
    assert values.get(indicator=ind("output")).value == Decimal("1200")
    submissions = [e for e in AuditEvent.objects.filter(object_type="stats.Report", object_id=str(world.report_xltd.pk))
                   if (e.after or {}).get("status") == Report.Status.SUBMITTED]
    assert len(submissions) == 1


def test_a_submitted_report_is_read_only(world, client_as):
    client = client_as("enterprise_user")
    fill(client, world.report_xltd, REQUIRED, action="submit")
    html = client.get(reverse("stats:report_fill", args=[world.report_xltd.pk])).content.decode()
    assert 'id="readonly-note"' in html and 'id="submit-report"' not in html
    assert 'name="v_' not in html


def test_an_enterprise_user_cannot_open_another_enterprises_report(world, client_as):
    client = client_as("enterprise_user")
    for name in ("stats:report_fill", "stats:report_detail"):
        assert client.get(reverse(name, args=[world.report_smyz.pk])).status_code == 404
    assert fill(client, world.report_smyz, REQUIRED, action="submit").status_code == 404
    assert not ReportValue.objects.filter(report=world.report_smyz).exists()


def test_the_enterprise_list_shows_only_its_own_reports(world, client_as):
    html = client_as("enterprise_user").get(reverse("stats:reports")).content.decode()
    assert world.report_xltd.park.name in html and "fill-link" in html
    assert world.ent_smyz.name not in html and world.smyz.name not in html


# --------------------------------------------------------------------------- review


def submitted(world, client_as):
    fill(client_as("enterprise_user"), world.report_xltd, REQUIRED, action="submit")
    return world.report_xltd


def test_the_operator_reviews_and_staff_approve(world, client_as):
    report = submitted(world, client_as)
    operator = client_as("park_operator")
    listing = operator.get(reverse("stats:reports") + "?status=submitted").content.decode()
    assert world.ent_xltd.name in listing and "park-review" in listing
    assert operator.post(reverse("stats:report_park_review", args=[report.pk])).status_code == 302
    assert status_of(report) == Report.Status.PARK_REVIEWED
    # An operator cannot give the final approval.
    assert operator.post(reverse("stats:report_approve", args=[report.pk])).status_code == 404
    staff = client_as("region_staff")
    assert staff.post(reverse("stats:report_approve", args=[report.pk])).status_code == 302
    assert status_of(report) == Report.Status.APPROVED


def test_a_return_needs_a_reason_and_goes_back_to_the_enterprise(world, client_as):
    report = submitted(world, client_as)
    operator = client_as("park_operator")
    response = operator.post(reverse("stats:report_return", args=[report.pk]), {"reason": "  "}, follow=True)
    assert status_of(report) == Report.Status.SUBMITTED
    assert any(m.level_tag == "error" for m in response.context["messages"])
    operator.post(reverse("stats:report_return", args=[report.pk]), {"reason": "产值与营收口径不一致"})
    assert status_of(report) == Report.Status.RETURNED
    client = client_as("enterprise_user")
    html = client.get(reverse("stats:report_fill", args=[report.pk])).content.decode()
    assert "产值与营收口径不一致" in html and 'id="submit-report"' in html
    assert fill(client, report, {**REQUIRED, "revenue": "1250"}, action="submit").status_code == 302
    assert status_of(report) == Report.Status.SUBMITTED
    history = client.get(reverse("stats:report_detail", args=[report.pk])).context["history"]
    assert [h["reason"] for h in history if h["reason"]] == ["产值与营收口径不一致"]


def test_an_operator_cannot_review_a_report_of_another_park(world, client_as):
    services.report_save(actor=world.users["region_staff"], report=world.report_smyz, submit=True,
                          entries={ind(c).pk: services.Entry(value=Decimal(v.replace(",", "")))
                                   for c, v in REQUIRED.items()})
    operator = client_as("park_operator")
    for name in ("stats:report_park_review", "stats:report_approve", "stats:report_return", "stats:report_remind"):
        assert operator.post(reverse(name, args=[world.report_smyz.pk]), {"reason": "x"}).status_code == 404
    assert operator.get(reverse("stats:report_detail", args=[world.report_smyz.pk])).status_code == 404
    assert status_of(world.report_smyz) == Report.Status.SUBMITTED


def test_reviewing_twice_shows_a_message_not_an_error_page(world, client_as):
    report = submitted(world, client_as)
    operator = client_as("park_operator")
    operator.post(reverse("stats:report_park_review", args=[report.pk]))
    response = operator.post(reverse("stats:report_park_review", args=[report.pk]), follow=True)
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])


# --------------------------------------------------------------------------- rounds and reminders


def test_staff_open_a_round_and_a_duplicate_is_refused(world, client_as):
    staff = client_as("region_staff")
    data = {"frequency": "month", "year": "2025", "month": "4", "deadline": "2025-05-10"}
    response = staff.post(reverse("stats:round_create"), data)
    assert response.status_code == 302
    rnd = Round.objects.get(region=world.licang, year=2025, month=4, frequency="month")
    assert Report.objects.filter(round=rnd, enterprise=world.ent_xltd).exists()
    again = staff.post(reverse("stats:round_create"), data)
    assert again.status_code == 200 and again.context["form"].errors
    quarter = staff.post(reverse("stats:round_create"), {**data, "frequency": "quarter", "month": "5"})
    assert "month" in quarter.context["form"].errors
    assert client_as("park_operator").get(reverse("stats:round_create")).status_code == 404


def test_the_round_page_lists_missing_enterprises_with_contacts_masked_by_role(world, client_as):
    url = reverse("stats:round_detail", args=[world.round_licang.pk])
    staff_html = client_as("region_staff").get(url).content.decode()
    assert world.ent_xltd.name in staff_html and "13812345678" in staff_html
    assert world.ent_smyz.name in staff_html
    operator_html = client_as("park_operator").get(url).content.decode()
    assert world.ent_xltd.name in operator_html and "138****5678" in operator_html
    assert "13812345678" not in operator_html
    assert world.ent_smyz.name not in operator_html
    leader_html = client_as("leader").get(url).content.decode()
    assert "138****5678" in leader_html and "remind-all" not in leader_html and 'id="lock"' not in leader_html
    export = client_as("park_operator").get(url + "?export=csv")
    assert export.status_code == 200 and "138****5678" in export.content.decode("utf-8-sig")


def test_reminders_reach_the_enterprise_user(world, client_as):
    staff = client_as("region_staff")
    staff.post(reverse("stats:round_remind", args=[world.round_licang.pk]))
    assert Notice.objects.filter(enterprise=world.ent_xltd).count() == 1
    assert Notice.objects.filter(enterprise=world.ent_smyz).count() == 1
    client_as("park_operator").post(reverse("stats:report_remind", args=[world.report_xltd.pk]))
    assert Notice.objects.filter(enterprise=world.ent_xltd).count() == 2
    client = client_as("enterprise_user")
    home = client.get(reverse("stats:reports"))
    assert any("(2)" in label for _key, label, _href in home.context["nav"])
    html = client.get(reverse("stats:notices")).content.decode()
    assert html.count("notice-unread") == 2 and world.ent_smyz.name not in html
    client.post(reverse("stats:notice_read"))
    assert not Notice.objects.filter(enterprise=world.ent_xltd, read_at__isnull=True).exists()
    assert client_as("leader").post(reverse("stats:round_remind", args=[world.round_licang.pk])).status_code == 404


def test_staff_lock_and_reopen_with_a_reason(world, client_as):
    staff = client_as("region_staff")
    url = reverse("stats:round_detail", args=[world.round_licang.pk])
    staff.post(reverse("stats:round_lock", args=[world.round_licang.pk]))
    assert Round.objects.get(pk=world.round_licang.pk).locked
    assert 'id="reopen"' in staff.get(url).content.decode()
    staff.post(reverse("stats:round_reopen", args=[world.round_licang.pk]), {"reason": ""})
    assert Round.objects.get(pk=world.round_licang.pk).locked
    staff.post(reverse("stats:round_reopen", args=[world.round_licang.pk]), {"reason": "税务口径更正"})
    assert not Round.objects.get(pk=world.round_licang.pk).locked
    event = AuditEvent.objects.filter(object_type="stats.Round", object_id=str(world.round_licang.pk)).latest("id")
    assert event.after["reopen_reason"] == "税务口径更正"
    assert client_as("park_operator").post(reverse("stats:round_lock", args=[world.round_licang.pk])).status_code == 404


def test_the_round_list_shows_completion_in_scope(world, client_as):
    submitted(world, client_as)
    rows = list(client_as("park_operator").get(reverse("stats:rounds")).context["rows"])
    row = next(r for r in rows if r.pk == world.round_licang.pk)
    assert (row.expected, row.reported) == (1, 1)
    row = next(r for r in client_as("region_staff").get(reverse("stats:rounds")).context["rows"]
               if r.pk == world.round_licang.pk)
    assert (row.expected, row.reported) == (2, 1)


# --------------------------------------------------------------------------- aggregates


def approve_june(world, client_as, output: str = "1,200"):
    fill(client_as("enterprise_user"), world.report_xltd, {**REQUIRED, "output": output}, action="submit")
    services.report_park_review(actor=world.users["park_operator"], report=world.report_xltd)
    services.report_approve(actor=world.users["region_staff"], report=world.report_xltd)


def test_the_aggregates_page_shows_approved_values_by_park(world, client_as):
    may_round(world)
    approve_june(world, client_as)
    response = client_as("region_staff").get(reverse("stats:aggregates") + "?indicator=output&year=2025&month=6")
    assert response.status_code == 200
    rows = {r.label: r for r in response.context["data"].rows}
    xltd = rows["信联天地"]
    assert xltd.figure.ytd == Decimal("1200") and xltd.figure.value == Decimal("200")
    assert xltd.mom is not None and xltd.completion.reported == 1
    assert response.context["data"].total.figure.ytd == Decimal("1200")
    assert "1,200.00" in response.content.decode()
    export = client_as("region_staff").get(reverse("stats:aggregates") + "?indicator=output&year=2025&month=6"
                                           "&export=csv")
    assert export.status_code == 200 and "信联天地" in export.content.decode("utf-8-sig")


def test_the_aggregates_page_is_scoped(world, client_as):
    operator = client_as("park_operator")
    response = operator.get(reverse("stats:aggregates"))
    assert [r.label for r in response.context["data"].rows] == ["信联天地"]
    assert operator.get(reverse("stats:aggregates") + f"?park={world.smyz.pk}").status_code == 404
    assert client_as("region_staff").get(reverse("stats:aggregates") + f"?park={world.laoshan_park.pk}"
                                         ).status_code == 404
    assert client_as("enterprise_user").get(reverse("stats:aggregates")).status_code == 404
    # Nonsense in the query string falls back to defaults.
    assert operator.get(reverse("stats:aggregates") + "?year=abc&month=99&indicator=nope").status_code == 200


# --------------------------------------------------------------------------- dictionary and targets


def test_staff_edit_the_dictionary_and_the_admin_does_not(world, client_as):
    admin = client_as("region_staff")
    data = {"code": "patents", "name": "专利授权量", "unit": "件", "frequency": "quarter", "aggregation": "sum",
            "basis": "period", "audience": "all", "change_action": "warn", "decimals": "0", "sort_order": "95",
            "required": "", "active": "on", "min_value": "0"}
    # The dictionary is a business rule: district staff's, not the system administrator's (issue 12 M5).
    assert client_as("region_admin").post(reverse("stats:indicator_create"), data).status_code == 404
    assert not Indicator.objects.filter(code="patents").exists()
    assert admin.post(reverse("stats:indicator_create"), data).status_code == 302
    patents = Indicator.objects.get(code="patents")
    assert AuditEvent.objects.filter(object_type="stats.Indicator", object_id=str(patents.pk)).exists()
    bad = admin.post(reverse("stats:indicator_edit", args=[patents.pk]),
                     {**data, "min_value": "10", "max_value": "5"})
    assert bad.status_code == 200 and bad.context["form"].errors
    staff = client_as("region_staff")
    assert staff.post(reverse("stats:indicator_edit", args=[patents.pk]), {**data, "name": "发明专利授权量"}
                      ).status_code == 302
    assert Indicator.objects.get(pk=patents.pk).name == "发明专利授权量"
    assert client_as("leader").get(reverse("stats:indicator_edit", args=[patents.pk])).status_code == 404
    assert client_as("leader").get(reverse("stats:indicators")).status_code == 200


def test_staff_set_targets_and_see_progress(world, client_as):
    may_round(world)
    approve_june(world, client_as)
    staff = client_as("region_staff")
    output = ind("output")
    assert staff.post(reverse("stats:target_set"), {"indicator": output.pk, "year": "2025", "park": world.xltd.pk,
                                                    "value": "２,４００"}).status_code == 302
    assert staff.post(reverse("stats:target_set"), {"indicator": output.pk, "year": "2025", "park": "",
                                                    "value": "10000"}).status_code == 302
    negative = staff.post(reverse("stats:target_set"), {"indicator": output.pk, "year": "2025", "park": "",
                                                        "value": "-1"})
    assert negative.status_code == 200 and "value" in negative.context["form"].errors
    assert Target.objects.get(park=world.xltd).value == Decimal("2400")
    rows = staff.get(reverse("stats:targets")).context["rows"]
    park_row = next(r for r in rows if r["target"].park_id == world.xltd.pk)
    assert park_row["progress"].pct == Decimal("50")
    page = staff.get(reverse("stats:aggregates") + "?indicator=output&year=2025&month=6")
    assert len(page.context["data"].targets) == 2
    # Operators see their park's target only, and cannot set one.
    assert client_as("park_operator").get(reverse("stats:target_set")).status_code == 404
    operator_rows = client_as("park_operator").get(reverse("stats:targets")).context["rows"]
    assert [r["target"].park_id for r in operator_rows] == [world.xltd.pk]
