"""A readable audit log (issue 14, item 8): objects and actions by their Chinese names, stage changes from → to,
before/after as a table of field labels with — for none, times in the deployment's time zone, search by pinyin
and initials of actor and object, clear messages for filters that cannot be read, and the auditor's scope."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.conftest import TEST_PASSWORD
from tests.helpers import read_xlsx
from yuanqu.core import audit
from yuanqu.core.models import AuditEvent
from yuanqu.enterprises import services as ent
from yuanqu.investment import services as inv
from yuanqu.parks import services as parks

_ROW = re.compile(r'<tr data-id="(\d+)">(.*?)</tr>', re.S)
_TAG = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", _TAG.sub(" ", fragment))).strip()


def _page(client: Client, **params: Any) -> str:
    response = client.get(reverse("core:audit"), params)
    assert response.status_code == 200
    return response.content.decode()


def _rows(page: str) -> dict[int, str]:
    """The log's rows as shown: event id → the row's visible text."""
    return {int(pk): _text(row) for pk, row in _ROW.findall(page)}


def _badges(page: str) -> dict[int, str]:
    return {int(pk): _text(re.search(r'<span class="badge[^"]*">(.*?)</span>', row, re.S).group(1))
            for pk, row in _ROW.findall(page)}


def _table(page: str) -> str:
    return page[page.index('id="audit-table"'):page.index("</table>", page.index('id="audit-table"'))]


def _changes(page: str) -> dict[str, tuple[str, ...]]:
    """The detail page's before/after table: key → (label, cell texts …), and whether the row is marked."""
    rows = re.findall(r'<tr data-key="([^"]*)"([^>]*)>(.*?)</tr>', page, re.S)
    out = {}
    for key, attrs, cells in rows:
        label, *values = (_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S))
        changed = "data-changed" in attrs
        assert label.endswith(" 已变更") == changed, (key, label)
        out[key] = (label.removesuffix(" 已变更"), *values, "changed" if changed else "")
    return out


def _latest(**filters: Any) -> AuditEvent:
    return AuditEvent.objects.filter(**filters).latest("id")


# --- actions and objects by their Chinese names ----------------------------------------------------------


def test_it_names_every_kind_of_action_and_object_in_chinese(world, client_as):
    staff = world.user("region_staff")
    created = parks.building_create(actor=staff, park=world.smyz, name="研发楼B")
    parks.park_update(actor=staff, park=world.xltd, address="李沧区书院路")
    ent.contact_delete(actor=staff, contact=world.contact_smyz)
    Client().post(reverse("accounts:login"), {"username": "leader", "password": TEST_PASSWORD})
    inv.lead_claim(actor=staff, lead=world.lead_smyz)
    ent.settlement_advance(actor=staff, settlement=world.st_xltd_fitout, to_stage="moved_in", on=dt.date(2024, 7, 1))
    auditor = client_as("auditor")
    auditor.get(reverse("core:audit"), {"export": "csv", "action": "login"})

    expected = {
        _latest(action="create", object_type="parks.Building", object_id=str(created.pk)).pk: ("新建", "楼宇"),
        _latest(action="update", object_type="parks.Park").pk: ("修改", "园区"),
        _latest(action="delete", object_type="enterprises.Contact").pk: ("删除", "联系人"),
        _latest(action="login").pk: ("登录", "用户"),
        _latest(action="export").pk: ("导出", "审计记录"),
        _latest(action="update", object_type="investment.Lead").pk: ("认领", "招商线索"),
        _latest(action="stage", object_type="enterprises.Settlement").pk: ("阶段变更", "入驻记录"),
    }
    page = _page(auditor)
    badges, rows = _badges(page), _rows(page)
    for pk, (action, type_name) in expected.items():
        assert badges[pk] == action, (pk, rows[pk])
        assert type_name in rows[pk], rows[pk]
    # No internal model label, Python None or raw JSON anywhere in the table a reader sees.
    table = _text(_table(page))
    assert "enterprises." not in table and "parks." not in table and "None" not in table and "{" not in table
    assert "修改：地址" in rows[_latest(action="update", object_type="parks.Park").pk]
    assert "验证方式：密码" in rows[_latest(action="login").pk]
    # The actor by full name and user name; the object type filter offers Chinese names.
    assert "区招商局" in rows[_latest(action="update", object_type="parks.Park").pk]
    assert '<option value="enterprises.Settlement">入驻记录</option>' in page


def test_a_refused_attempt_and_a_removed_model_read_plainly(world, client_as):
    leader = world.user("leader")
    assert client_as("leader").get(reverse("core:audit")).status_code == 404  # audited as a refused attempt
    with transaction.atomic():
        gone = audit.record(actor=leader, action=AuditEvent.Action.UPDATE, object_type="oldapp.Removed",
                            object_id="7", object_repr="旧对象", before={"colour": None}, after={"colour": "红"})
    auditor = client_as("auditor")
    rows = _rows(_page(auditor))
    refused = _latest(object_type="url")
    assert rows[refused.pk].count("修改（已拒绝）") == 1 and "越权尝试：GET /audit/" in rows[refused.pk]
    assert "oldapp.Removed" in rows[gone.pk] and "旧对象" in rows[gone.pk]
    detail = auditor.get(reverse("core:audit_detail", args=[gone.pk]))
    assert detail.status_code == 200
    assert _changes(detail.content.decode())["colour"] == ("colour", "—", "红", "changed")


# --- stage changes: from → to by the choices' labels --------------------------------------------------------


def test_a_stage_change_reads_from_to_with_the_labels(world, client_as):
    inv.stage_change_approve(actor=world.user("region_staff"), change=world.change_xltd)
    event = _latest(action="stage", object_type="investment.Project", object_id=str(world.project_xltd.pk))
    auditor = client_as("auditor")
    assert "阶段：在谈 → 签约" in _rows(_page(auditor))[event.pk]
    page = auditor.get(reverse("core:audit_detail", args=[event.pk])).content.decode()
    assert "阶段：在谈 → 签约" in _text(page)
    changes = _changes(page)
    assert changes["stage"] == ("阶段", "在谈", "签约", "changed")
    # Unchanged fields are listed but not marked; a related object by its current name and number.
    assert changes["name"] == ("名称", "信联天地数字总部项目", "信联天地数字总部项目", "")
    assert changes["park_id"][:2] == ("园区", f"信联天地（#{world.xltd.pk}）")
    # Only the stage is marked, and updated_at if it moved to another second (microseconds read the same).
    assert {k for k, row in changes.items() if row[-1]} - {"updated_at"} == {"stage"}


def test_a_status_change_of_a_report_reads_from_to(world, client_as):
    with transaction.atomic():
        event = audit.record(actor=world.user("region_staff"), action=AuditEvent.Action.STAGE,
                             obj=world.report_xltd, before={"status": "submitted"},
                             after={"status": "returned", "return_reason": "数据有误"})
    row = _rows(_page(client_as("auditor")))[event.pk]
    assert "状态：已提交，待园区审核 → 已退回" in row


# --- before/after: field labels, — for none, local times -----------------------------------------------------


def test_none_shows_as_a_dash_and_never_as_none(world, client_as):
    ent.settlement_advance(actor=world.user("region_staff"), settlement=world.st_xltd_fitout, to_stage="moved_in",
                           on=dt.date(2024, 7, 1))
    event = _latest(action="stage", object_type="enterprises.Settlement")
    page = client_as("auditor").get(reverse("core:audit_detail", args=[event.pk])).content.decode()
    changes = _changes(page)
    assert changes["exited_on"] == ("退出日期", "—", "—", "")
    assert changes["moved_in_on"] == ("入驻日期", "—", "2024-07-01", "changed")
    assert changes["stage"][1:] == ("装修", "入驻", "changed")
    table = page[page.index('id="audit-changes"'):page.index("</table>", page.index('id="audit-changes"'))]
    assert "None" not in table and "null" not in table


def test_a_time_stored_in_utc_shows_in_local_time(world, client_as, monkeypatch):
    at = dt.datetime(2025, 12, 31, 16, 30, 5, tzinfo=dt.UTC)  # 2026-01-01 00:30:05 in Asia/Shanghai
    monkeypatch.setattr(AuditEvent._meta.get_field("at"), "_get_default", lambda: at)
    with transaction.atomic():
        event = audit.record(actor=world.user("region_staff"), action=AuditEvent.Action.UPDATE, obj=world.lead_xltd,
                             before={"owned_since": "2025-12-31T16:30:05.123456+00:00"},
                             after={"owned_since": "2025-12-31T20:00:00+00:00"})
    assert event.at == at
    auditor = client_as("auditor")
    page = _page(auditor, sort="at")  # the oldest first: the world's events are of today
    assert "时间 ▲ （北京时间 UTC+08:00）" in _text(_table(page).split("</thead>")[0])
    assert _rows(page)[event.pk].startswith("2026-01-01 00:30:05")
    detail = auditor.get(reverse("core:audit_detail", args=[event.pk])).content.decode()
    assert "2026-01-01 00:30:05" in _text(detail) and "北京时间 UTC+08:00" in _text(detail)
    assert _changes(detail)["owned_since"][1:] == ("2026-01-01 00:30:05", "2026-01-01 04:00:00", "changed")
    # The date filter takes days in local time: the event is on 1 January, not 31 December.
    assert event.pk in _rows(_page(auditor, **{"from": "2026-01-01", "to": "2026-01-01"}))
    assert event.pk not in _rows(_page(auditor, **{"from": "2025-12-31", "to": "2025-12-31"}))
    # The export too.
    rows = read_xlsx(auditor.get(reverse("core:audit"), {"export": "xlsx", "from": "2026-01-01", "to": "2026-01-01"}))
    assert rows[0][0] == "时间（北京时间 UTC+08:00）"
    (line,) = [r for r in rows[1:] if r[7] == str(world.lead_xltd.pk)]
    assert line[0] == "2026-01-01 00:30:05" and line[5] == "修改" and line[6] == "招商线索"
    assert "2026-01-01 04:00:00" in line[11] and "+00:00" not in line[11]


# --- search by pinyin and initials ------------------------------------------------------------------------


def test_it_finds_an_actor_by_the_pinyin_and_initials_of_the_full_name(world, client_as):
    staff = world.user("region_staff")  # 区招商局
    auditor = client_as("auditor")
    theirs = set(AuditEvent.objects.visible_to(world.user("auditor")).filter(actor=staff).values_list("pk", flat=True))
    for q in ("qzsj", "zhaoshang", "QZSJ"):
        found = _page(auditor, q=q)
        ids = set(_rows(found))
        assert ids and ids <= theirs, q
        assert int(re.search(r'id="list-total">\D*(\d+)', found).group(1)) == len(theirs), q
    # In Chinese, the name also finds the account's own creation (its object is the user 区招商局).
    found = _page(auditor, q="区招商")
    created = _latest(object_type="accounts.User", object_id=str(staff.pk)).pk
    assert int(re.search(r'id="list-total">\D*(\d+)', found).group(1)) == len(theirs | {created})
    # The actor filter takes the same names.
    assert set(_rows(_page(auditor, actor="qzsj"))) == set(_rows(_page(auditor, actor="staff")))
    assert _rows(_page(auditor, actor="qzsj")) and not _rows(_page(auditor, actor="wxyz"))
    # A name that is no account (a failed log-in under an unknown user name) is found as typed.
    Client().post(reverse("accounts:login"), {"username": "root", "password": "x"})
    page = _page(auditor, actor="root")
    (failed,) = _rows(page).values()
    assert "登录失败" in failed and "原因：用户名或密码错误" in failed
    assert "没有姓名、用户名或拼音与“root”相符的账户，以下按这一用户名原样查找。" in _text(page)


def test_the_type_filter_offers_the_types_of_the_auditors_events(world, client_as):
    from yuanqu.core.selectors import audit_object_types

    auditor = world.user("auditor")
    expected = sorted(set(AuditEvent.objects.visible_to(auditor).exclude(object_type="")
                          .values_list("object_type", flat=True)))
    assert audit_object_types(auditor) == expected and "parks.Park" in expected
    laoshan_only = set(AuditEvent.objects.values_list("object_type", flat=True)) - set(expected)
    with transaction.atomic():
        audit.record(actor=world.laoshan_staff, action=AuditEvent.Action.UPDATE, obj=world.laoshan_park,
                     object_type="oldapp.OnlyInLaoshan", before={"a": 1}, after={"a": 2})
    assert "oldapp.OnlyInLaoshan" not in audit_object_types(auditor)
    assert not set(audit_object_types(auditor)) & laoshan_only
    assert audit_object_types(world.user("region_staff")) == []


def test_it_finds_an_object_by_the_pinyin_and_initials_of_its_name(world, client_as):
    auditor = client_as("auditor")
    for q in ("smyz", "shengmingyaozhou", "SMYZ"):
        rows = _rows(_page(auditor, q=q))
        assert rows, q
        assert all("生命药洲" in text for text in rows.values()), q
        # The park itself, a settlement in it and a project named after it.
        events = AuditEvent.objects.filter(pk__in=rows)
        assert {"parks.Park", "enterprises.Settlement", "investment.Project"} <= {e.object_type for e in events}
    # An enterprise by its initials (青岛药研生物有限公司).
    assert any("青岛药研生物" in text for text in _rows(_page(auditor, q="qdyysw")).values())


def test_a_pinyin_search_stays_in_the_auditors_region(world, client_as):
    auditor = client_as("auditor")
    assert AuditEvent.objects.filter(object_repr="崂山科创园").exists()
    assert _rows(_page(auditor, q="lskcy")) == {}
    assert _rows(_page(auditor, q="崂山科创园")) == {}
    assert _rows(_page(auditor, actor="laoshan_staff")) == {}


# --- filters that cannot be read --------------------------------------------------------------------------


@pytest.mark.parametrize(("params", "message"), [
    ({"from": "2026-13-45"}, "开始日期“2026-13-45”不是有效日期，请按“年-月-日”填写"),
    ({"to": "昨天"}, "结束日期“昨天”不是有效日期"),
    ({"from": "0001-01-01"}, "开始日期 0001-01-01 超出 1900—2999 年的范围"),
    ({"to": "9999-12-31"}, "结束日期 9999-12-31 超出 1900—2999 年的范围"),
    # the shared pagination (core.listing.paginate): past the end the last page, before the first the first
    ({"page": "99999999999999999999"}, "没有第“999999999999”页，现显示第 2 页"),
    ({"page": "abc"}, "没有第“abc”页，现显示第 1 页"),
    ({"page": "9" * 5000}, "没有第“999999999999”页，现显示第 2 页"),
    ({"page": "-3"}, "没有第“-3”页，现显示第 1 页"),
])
def test_a_filter_that_cannot_be_read_says_so_in_chinese(world, client_as, params, message):
    auditor = client_as("auditor")
    # The world's log fills two pages; a page that does not exist shows the nearest one.
    shown = str(re.search(r"现显示第 (\d) 页", message).group(1)) if "page" in params else "1"
    expected = _rows(_page(auditor, page=shown))
    page = _page(auditor, **params)
    assert message in _text(page)
    assert _rows(page) == expected  # the condition was left out, nothing else changed


def test_a_start_after_the_end_says_why_nothing_matches(world, client_as):
    page = _page(client_as("auditor"), **{"from": "2026-02-01", "to": "2026-01-01"})
    assert "开始日期 2026-02-01 晚于结束日期 2026-01-01，没有符合条件的记录" in _text(page)
    assert _rows(page) == {}


def test_dates_written_the_chinese_ways_are_read(world, client_as):
    auditor = client_as("auditor")
    all_rows = _rows(_page(auditor))
    for day in ("2999/1/1", "２９９９－０１－０１", "2999年1月1日"):
        page = _page(auditor, **{"from": day})
        assert "不是有效日期" not in _text(page) and _rows(page) == {}, day
        assert _rows(_page(auditor, to=day)) == all_rows, day


# --- scope ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["region_admin", "region_staff", "leader", "park_operator", "enterprise_user"])
def test_only_the_auditor_reads_an_event(world, client_as, role):
    event = _latest(object_type="parks.Park", object_repr="信联天地")
    assert client_as(role).get(reverse("core:audit_detail", args=[event.pk])).status_code == 404
    # Refused by role, not just by an empty result: the attempt is in the log.
    refused = _latest(object_type="url")
    assert (refused.actor, refused.after) == (world.user(role), {"refused": f"GET /audit/{event.pk}/"})
    assert client_as(role).get(reverse("core:audit"), {"q": "xltd"}).status_code == 404
    assert client_as("auditor").get(reverse("core:audit_detail", args=[event.pk])).status_code == 200


def test_the_auditor_reads_no_event_of_another_region(world, client_as):
    other = _latest(object_repr="崂山科创园")
    assert client_as("auditor").get(reverse("core:audit_detail", args=[other.pk])).status_code == 404


def test_the_list_reads_the_actors_in_one_query(world, client_as, django_assert_max_num_queries):
    auditor = client_as("auditor")
    _page(auditor)  # warm the session and the type menu's caches
    assert len(_rows(_page(auditor))) == 50
    with django_assert_max_num_queries(12):
        _page(auditor)
