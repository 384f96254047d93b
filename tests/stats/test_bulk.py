"""Bulk review of statistics reports (issue 14 item 3): the reports list's new filters, ticking rows or "all
matching", and one action (first review, approval, return with one reason) that still goes through the single-row
service for each report and lists what it could not do (page size and page jump: tests/core/test_listing.py)."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.helpers import hidden_inputs
from yuanqu.core.models import AuditEvent
from yuanqu.stats import services, views
from yuanqu.stats.models import Report, ReportValue
from yuanqu.stats.services import Entry

from .helpers import REQUIRED, ind, may_round, new_enterprise

BULK = reverse("stats:report_bulk")
LIST = reverse("stats:reports")
S = Report.Status


# --------------------------------------------------------------------------- the world's extra reports


def _entries(**overrides: str) -> dict[int, Entry]:
    values = {**REQUIRED, **overrides}
    return {ind(code).pk: Entry(value=Decimal(v.replace(",", ""))) for code, v in values.items()}


def _report(world: World, n: int, park: Any, status: str) -> Report:
    """A report of a new enterprise in the June 2025 round of 李沧, attributed to ``park`` (as the shared world
    attributes 生命药洲's), brought to ``status`` through the services."""
    report = Report.objects.create(round=world.round_licang, enterprise=new_enterprise(world, n), park=park,
                                   industry_section="I")
    return _bring(world, report, status)


def _bring(world: World, report: Report, status: str) -> Report:
    staff = world.users["region_staff"]
    if status == S.PENDING:
        return report
    if status == S.DRAFT:
        return services.report_save(actor=staff, report=report, entries=_entries(), submit=False)
    report = services.report_save(actor=staff, report=report, entries=_entries(), submit=True)
    if status == S.SUBMITTED:
        return report
    if status == S.RETURNED:
        return services.report_return(actor=staff, report=report, reason="数据有误")
    report = services.report_park_review(actor=staff, report=report)
    if status == S.APPROVED:
        return services.report_approve(actor=staff, report=report)
    return report


def status_of(report: Report) -> str:
    return Report.objects.get(pk=report.pk).status


def statuses() -> dict[int, str]:
    return dict(Report.objects.values_list("pk", "status"))


def stage_events(**filters: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=Report._meta.label, action=AuditEvent.Action.STAGE, **filters)
                .order_by("id"))


class _Marks(HTMLParser):
    """The ``data-<name>`` attributes of the page's elements, by name (rows: data-id; the result page: data-done,
    data-skipped, data-outside), and the text of the row of each data-skipped/data-outside mark."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.marks: dict[str, list[str]] = {}
        self.row_text: dict[str, str] = {}
        self._row: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if key.startswith("data-") and value is not None:
                self.marks.setdefault(key[5:], []).append(value)
                if key in ("data-skipped", "data-outside"):
                    self._row = f"{key[5:]}:{value}"
                    self.row_text[self._row] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._row:
            self.row_text[self._row] += " " + data


def marks(response: Any) -> _Marks:
    parser = _Marks()
    parser.feed(response.content.decode())
    parser.close()
    return parser


def ids(response: Any, name: str = "id") -> list[int]:
    return [int(v) for v in marks(response).marks.get(name, [])]


def skipped_reason(response: Any, pk: int, kind: str = "skipped") -> str:
    return " ".join(marks(response).row_text[f"{kind}:{pk}"].split())


def error_messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


@pytest.fixture
def reviewed(world: World) -> list[Report]:
    """Three reports reviewed by the park at 信联天地 and two at 生命药洲, in 李沧's June round."""
    return [_report(world, n, world.xltd if n < 3 else world.smyz, S.PARK_REVIEWED) for n in range(5)]


# --------------------------------------------------------------------------- approve


def test_staff_approve_a_filtered_set_each_through_the_service_with_one_audit_event_each(world, client_as,
                                                                                           reviewed):
    submitted = _report(world, 10, world.xltd, S.SUBMITTED)
    before = statuses()
    first_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    response = client_as("region_staff").post(BULK, {
        "action": "approve", "all": "1", "round": world.round_licang.pk, "todo": "1", "total": "5",
        "next": f"{LIST}?round={world.round_licang.pk}&todo=1"})
    assert response.status_code == 200
    assert sorted(ids(response, "done")) == sorted(r.pk for r in reviewed)
    assert ids(response, "skipped") == [] and ids(response, "outside") == []
    after = statuses()
    for r in reviewed:
        assert after[r.pk] == S.APPROVED
        stored = Report.objects.get(pk=r.pk)
        assert stored.approved_by == world.users["region_staff"] and stored.approved_at is not None
    # Nothing else moved: the submitted report is not awaiting the district, and every other report is as it was.
    assert {pk: s for pk, s in after.items() if pk not in {r.pk for r in reviewed}} == \
        {pk: s for pk, s in before.items() if pk not in {r.pk for r in reviewed}}
    assert after[submitted.pk] == S.SUBMITTED
    # One audit event per report, as the single approval writes, and no other write.
    events = stage_events(id__gt=first_event)
    assert sorted(int(e.object_id) for e in events) == sorted(r.pk for r in reviewed)
    assert all(e.before == {"status": S.PARK_REVIEWED} and e.after == {"status": S.APPROVED} for e in events)
    assert all(e.actor_username == "staff" for e in events)
    # The approval counts in the rollups, as the single approval's does.
    from yuanqu.stats.models import Rollup

    cell = Rollup.objects.get(park=world.xltd, indicator=ind("output"), year=2025, month=6, segment="all")
    assert cell.reporters == 3 and cell.value == Decimal("3600")


def test_staff_approve_the_ticked_reports_and_are_told_why_the_others_were_not(world, client_as, reviewed):
    submitted = _report(world, 10, world.smyz, S.SUBMITTED)
    approved = _report(world, 11, world.xltd, S.APPROVED)
    pending = world.report_xltd
    chosen = [reviewed[0].pk, submitted.pk, approved.pk, pending.pk, world.report_laoshan.pk]
    response = client_as("region_staff").post(BULK, {"action": "approve", "ids": [str(pk) for pk in chosen]})
    assert response.status_code == 200
    assert ids(response, "done") == [reviewed[0].pk]
    assert status_of(reviewed[0]) == S.APPROVED and status_of(reviewed[1]) == S.PARK_REVIEWED
    assert skipped_reason(response, submitted.pk).startswith("园区尚未初审")
    assert skipped_reason(response, approved.pk).startswith("已审核通过，无需再次操作")
    assert skipped_reason(response, pending.pk).startswith("企业尚未提交（未填报）")
    # 崂山's report is outside 李沧 staff's region: named back by its number only, and left as it was.
    assert ids(response, "outside") == [world.report_laoshan.pk]
    assert skipped_reason(response, world.report_laoshan.pk, "outside") == \
        f"不在您的权限范围内 填报编号 {world.report_laoshan.pk}"
    assert status_of(world.report_laoshan) == S.PENDING
    assert world.ent_laoshan.name not in response.content.decode()
    assert len(stage_events(object_id=str(reviewed[0].pk), after__status=S.APPROVED)) == 1


def test_a_locked_round_is_named_as_the_reason(world, client_as, reviewed):
    services.round_lock(actor=world.users["region_staff"], rnd=world.round_licang)
    response = client_as("region_staff").post(BULK, {"action": "approve", "ids": [str(reviewed[0].pk)]})
    assert ids(response, "done") == []
    assert skipped_reason(response, reviewed[0].pk).startswith("该报告期已锁定")
    assert status_of(reviewed[0]) == S.PARK_REVIEWED


# --------------------------------------------------------------------------- the operator


def test_an_operators_selection_skips_other_parks_and_approved_reports_and_changes_nothing_outside(
        world, client_as):
    mine = _report(world, 1, world.xltd, S.SUBMITTED)
    approved = _report(world, 2, world.xltd, S.APPROVED)
    other_park = _report(world, 3, world.smyz, S.SUBMITTED)
    missing = Report.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    before = statuses()
    first_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    chosen = [mine.pk, other_park.pk, approved.pk, world.report_laoshan.pk, missing]
    response = client_as("park_operator").post(BULK, {"action": "review", "ids": [str(pk) for pk in chosen]})
    assert response.status_code == 200
    assert ids(response, "done") == [mine.pk]
    assert ids(response, "skipped") == [approved.pk]
    assert skipped_reason(response, approved.pk).startswith("已审核通过，无需再次操作")
    # Another park's report, another district's and one that does not exist read alike: a number, out of scope.
    assert ids(response, "outside") == [other_park.pk, world.report_laoshan.pk, missing]
    assert {skipped_reason(response, pk, "outside").split(" 填报编号")[0] for pk in (other_park.pk,
            world.report_laoshan.pk, missing)} == {"不在您的权限范围内"}
    html = response.content.decode()
    assert other_park.enterprise.name not in html and world.ent_laoshan.name not in html
    after = statuses()
    assert after[mine.pk] == S.PARK_REVIEWED
    assert {pk: s for pk, s in after.items() if pk != mine.pk} == {pk: s for pk, s in before.items() if pk != mine.pk}
    assert [int(e.object_id) for e in stage_events(id__gt=first_event)] == [mine.pk]


def test_an_operators_all_matching_stays_within_its_parks(world, client_as):
    """Without a park filter, "all matching" is every report the operator may see: 生命药洲's submitted report,
    in the same round and status, is not among them (this fails if the action read reports beyond the scope)."""
    mine = [_report(world, n, world.xltd, S.SUBMITTED) for n in range(2)]
    other_park = _report(world, 5, world.smyz, S.SUBMITTED)
    response = client_as("park_operator").post(BULK, {"action": "return", "reason": "请核实产值", "all": "1",
                                                       "status": S.SUBMITTED})
    assert sorted(ids(response, "done")) == sorted(r.pk for r in mine)
    assert ids(response, "skipped") == [] and ids(response, "outside") == []
    assert other_park.enterprise.name not in response.content.decode()
    assert all(status_of(r) == S.RETURNED for r in mine)
    assert {Report.objects.get(pk=r.pk).return_reason for r in mine} == {"请核实产值"}
    assert status_of(other_park) == S.SUBMITTED


def test_an_operator_cannot_approve_in_bulk_as_it_cannot_one_by_one(world, client_as, reviewed):
    before = statuses()
    response = client_as("park_operator").post(BULK, {"action": "approve", "ids": [str(reviewed[0].pk)]})
    assert response.status_code == 404
    assert statuses() == before


@pytest.mark.parametrize("role", ["leader", "enterprise_user", "region_admin", "auditor"])
def test_other_roles_get_a_404_and_change_nothing(world, client_as, reviewed, role):
    before = statuses()
    for action in ("review", "approve", "return"):
        response = client_as(role).post(BULK, {"action": action, "reason": "x", "ids": [str(reviewed[0].pk)]})
        assert response.status_code == 404
    assert statuses() == before


# --------------------------------------------------------------------------- return, bad input


def test_a_return_without_a_reason_is_refused_and_changes_nothing(world, client_as, reviewed):
    before = statuses()
    events = AuditEvent.objects.count()
    for reason in ("", "   "):
        response = client_as("region_staff").post(BULK, {"action": "return", "reason": reason, "all": "1",
                                      "next": f"{LIST}?status=park_reviewed"})
        assert response.status_code == 302 and response["Location"] == f"{LIST}?status=park_reviewed"
        assert error_messages(response) == ["退回须填写原因（所选填报共用一个原因）；未做任何更改。"]
    assert statuses() == before
    assert AuditEvent.objects.count() == events


def test_a_return_gives_every_report_the_one_reason(world, client_as, reviewed):
    response = client_as("region_staff").post(BULK, {"action": "return", "reason": " 税收口径有误 ",
                                                      "ids": [str(r.pk) for r in reviewed[:2]]})
    assert sorted(ids(response, "done")) == sorted(r.pk for r in reviewed[:2])
    for r in reviewed[:2]:
        stored = Report.objects.get(pk=r.pk)
        assert stored.status == S.RETURNED and stored.return_reason == "税收口径有误"
    assert status_of(reviewed[2]) == S.PARK_REVIEWED


@pytest.mark.parametrize("data, message", [
    ({"action": "approve"}, "请先在列表中勾选填报，或选择全部符合条件的填报。"),
    ({"action": "approve", "ids": ["abc", "-1", ""]}, "请先在列表中勾选填报，或选择全部符合条件的填报。"),
    ({"action": "delete", "all": "1"}, "请选择对所选填报的操作。"),
    ({"all": "1"}, "请选择对所选填报的操作。"),
])
def test_a_bad_request_is_refused_with_a_message_and_changes_nothing(world, client_as, reviewed, data, message):
    before = statuses()
    response = client_as("region_staff").post(BULK, {**data, "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == LIST  # never off the site
    assert error_messages(response) == [message]
    assert statuses() == before


def test_values_that_are_not_ids_are_counted_and_ignored(world, client_as, reviewed):
    response = client_as("region_staff").post(BULK, {"action": "approve",
                                                      "ids": [str(reviewed[0].pk), "x1", "9" * 40]})
    assert ids(response, "done") == [reviewed[0].pk]
    assert "有 2 个提交的值不是填报编号，已忽略。" in " ".join(response.content.decode().split())


def test_all_matching_honours_the_filters_and_the_search(world, client_as, reviewed):
    client = client_as("region_staff")
    response = client.post(BULK, {"action": "approve", "all": "1", "park": world.smyz.pk, "status": "park_reviewed"})
    assert sorted(ids(response, "done")) == sorted(r.pk for r in reviewed if r.park_id == world.smyz.pk)
    assert all(status_of(r) == S.PARK_REVIEWED for r in reviewed if r.park_id == world.xltd.pk)
    # The search narrows it too: one enterprise by name.
    target = reviewed[1]
    response = client.post(BULK, {"action": "approve", "all": "1", "q": target.enterprise.name})
    assert ids(response, "done") == [target.pk]
    assert [r.pk for r in reviewed if status_of(r) == S.PARK_REVIEWED] == [reviewed[0].pk, reviewed[2].pk]


def test_all_matching_says_when_the_rows_changed_since_the_page_was_shown(world, client_as, reviewed):
    response = client_as("region_staff").post(BULK, {"action": "approve", "all": "1", "status": "park_reviewed",
                                                      "total": "7"})
    assert len(ids(response, "done")) == 5
    text = " ".join(response.content.decode().split())
    assert "列表显示时为 7 份，操作时符合条件的为 5 份" in text


def test_more_than_the_limit_are_left_for_another_run_and_said_so(world, client_as, reviewed, monkeypatch):
    monkeypatch.setattr(views, "BULK_LIMIT", 3)
    response = client_as("region_staff").post(BULK, {"action": "approve", "all": "1", "status": "park_reviewed",
                                                      "sort": "enterprise"})
    done = ids(response, "done")
    assert len(done) == 3
    assert Report.objects.filter(pk__in=[r.pk for r in reviewed], status=S.PARK_REVIEWED).count() == 2
    assert "本次只处理了前 3 份，其余 2 份未处理，请再次操作。" in " ".join(response.content.decode().split())
    # In the list's order (by enterprise name's pinyin): the first three.
    expected = sorted(reviewed, key=lambda r: (r.enterprise.name_pinyin, r.pk))[:3]
    assert sorted(done) == sorted(r.pk for r in expected)


# --------------------------------------------------------------------------- the list: filters and controls


def listed(client: Client, query: str) -> tuple[list[int], int]:
    response = client.get(f"{LIST}?per_page=200&{query}")
    assert response.status_code == 200
    return ids(response), response.context["total"]


@pytest.fixture
def mixed(world: World) -> dict[str, Report]:
    """Reports in every status at both 李沧 parks, one with a warning the enterprise explained (employees jumped
    from May's 100), one explained without a warning, and 崂山's, which no 李沧 user may see."""
    may_round(world, employees="100")  # approves ent_xltd's May report: the base of June's check
    staff = world.users["region_staff"]
    warned = services.report_save(actor=staff, report=world.report_xltd, submit=True,
                                  entries=_entries(employees="500") | {
                                      ind("employees").pk: Entry(value=Decimal("500"), explanation="新设研发中心")})
    out = {"warned": warned}
    explained = Report.objects.create(round=world.round_licang, enterprise=new_enterprise(world, 20), park=world.smyz,
                                      industry_section="I")
    out["explained"] = services.report_save(actor=staff, report=explained, submit=True,
                                            entries=_entries() | {ind("tax").pk: Entry(Decimal("80"),
                                                                                       explanation="含补缴")})
    for n, status in enumerate(S.values):
        for park in (world.xltd, world.smyz):
            out[f"{status}-{park.pk}"] = _report(world, 30 + 2 * n + (park == world.smyz), park, status)
    return out


def brute(world: World, *, parks: set[int], keep: Any) -> set[int]:
    """The oracle: every report in ``parks``, kept by ``keep(report, values)`` read row by row in Python."""
    out = set()
    for report in Report.objects.all():
        if report.park_id in parks:
            values = list(ReportValue.objects.filter(report=report))
            if keep(report, values):
                out.add(report.pk)
    return out


LICANG_FILTERS = {
    "warnings=1": lambda r, vs: any(v.warning for v in vs),
    "warnings=0": lambda r, vs: not any(v.warning for v in vs),
    "explained=1": lambda r, vs: any(v.explanation for v in vs),
    "explained=0": lambda r, vs: not any(v.explanation for v in vs),
    "status=submitted&explained=1": lambda r, vs: r.status == "submitted" and any(v.explanation for v in vs),
}


@pytest.mark.parametrize("query", sorted(LICANG_FILTERS))
def test_each_value_filter_lists_what_a_row_by_row_count_finds(world, client_as, mixed, query):
    parks = {world.xltd.pk, world.smyz.pk}
    expected = brute(world, parks=parks, keep=LICANG_FILTERS[query])
    assert expected and expected != brute(world, parks=parks, keep=lambda r, vs: True)
    shown, total = listed(client_as("region_staff"), query)
    assert sorted(shown) == sorted(expected) and total == len(expected)


@pytest.mark.parametrize("role, parks, status", [("region_staff", "licang", S.PARK_REVIEWED),
                                                 ("park_operator", "xltd", S.SUBMITTED)])
def test_awaiting_review_is_what_waits_for_the_role_in_open_rounds(world, client_as, mixed, role, parks, status):
    in_scope = {world.xltd.pk, world.smyz.pk} if parks == "licang" else {world.xltd.pk}
    # A report waiting in a locked round is not waiting for anyone.
    services.round_lock(actor=world.users["region_staff"], rnd=world.round_licang)
    shown, total = listed(client_as(role), "todo=1")
    assert shown == [] and total == 0
    services.round_reopen(actor=world.users["region_staff"], rnd=world.round_licang, reason="补录")
    expected = brute(world, parks=in_scope, keep=lambda r, vs: r.status == status)
    assert expected
    shown, total = listed(client_as(role), "todo=1")
    assert sorted(shown) == sorted(expected) and total == len(expected)


def test_the_round_park_and_status_filters_combine(world, client_as, mixed):
    query = f"round={world.round_licang.pk}&park={world.smyz.pk}&status=submitted"
    expected = {r.pk for r in Report.objects.filter(round=world.round_licang, park=world.smyz, status="submitted")}
    assert len(expected) >= 2
    shown, total = listed(client_as("region_staff"), query)
    assert sorted(shown) == sorted(expected) and total == len(expected)


def test_the_awaiting_filter_is_not_offered_to_an_enterprise_user(world, client_as):
    response = client_as("enterprise_user").get(LIST)
    names = [f.name for f, _options, _current in response.context["filters"]]
    assert "todo" not in names and "warnings" in names
    assert 'id="bulk-form"' not in response.content.decode()


def test_reviewers_get_the_checkboxes_and_the_bulk_bar_with_the_filters(world, client_as, mixed):
    for role, approve in (("region_staff", True), ("park_operator", False)):
        response = client_as(role).get(f"{LIST}?status=submitted&warnings=1&sort=enterprise&per_page=25&page=1")
        html = response.content.decode()
        assert 'id="bulk-form"' in html and ('id="bulk-approve"' in html) is approve
        assert ids(response) and sorted(int(v) for v in _checkbox_values(html)) == sorted(ids(response))
        # The filters in force go with an action on "all matching", and the order (which come first past the
        # limit); the page and its size do not matter to it.
        hidden = hidden_inputs(html, "bulk-form")
        assert {("status", "submitted"), ("warnings", "1"), ("sort", "enterprise")} <= set(hidden)
        assert not any(k in ("per_page", "page") for k, _v in hidden)
    assert 'id="bulk-form"' not in client_as("leader").get(LIST).content.decode()


def _checkbox_values(html: str) -> list[str]:
    import re

    return re.findall(r'name="ids" value="(\d+)" form="bulk-form"', html)



@pytest.mark.django_db(transaction=True)
def test_a_bulk_approval_queues_one_re_match_for_all_its_enterprises(monkeypatch):
    """The policies app re-matches enterprises whose approved statistics changed: a bulk approval of five reports,
    each committed on its own, queues that once, with the five enterprises (core.registry.changes.gathered). A
    transactional test, so each report's transaction really commits as in production."""
    from tests.conftest import build_world, login, reload_reference_tables
    from yuanqu.policies import tasks

    reload_reference_tables()
    world = build_world()
    chosen = [_report(world, n, world.xltd if n < 3 else world.smyz, S.PARK_REVIEWED) for n in range(5)]
    queued: list[list[int]] = []
    monkeypatch.setattr(tasks, "rematch_enterprises", type("Queue", (), {"enqueue": staticmethod(queued.append)}))
    client = login(Client(), world.users["region_staff"])
    response = client.post(BULK, {"action": "approve", "ids": [str(r.pk) for r in chosen]})
    assert response.status_code == 200 and ids(response, "done") == [r.pk for r in chosen]
    assert queued == [sorted(r.enterprise_id for r in chosen)]
