"""The 科技服务 REST API through the front door (a bearer token per role): incubators with the recognition checklist
of a year, incubatees (apply, admit with a reason for the warnings, graduate), needs and achievements (post,
publish, withdraw), matches with follow-ups, partners and cooperation projects. Every write refuses bad input
with 422 in Chinese and stores nothing; an object outside the caller's scope is a 404, and absent from lists."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.bad_input_support import (
    API_DATE,
    API_INVALID,
    API_NOT_FOUND,
    API_OUT_OF_SCOPE,
    AT_LEAST,
    AT_MOST,
    FUTURE,
    HUGE,
    NUMBER,
    REQUIRED,
    TOO_LONG,
)
from tests.bad_input_support import assert_unchanged as _assert_unchanged
from tests.bad_input_support import db_state as _db_state
from tests.conftest import World
from tests.helpers import Api
from yuanqu.core.models import AuditEvent
from yuanqu.figures.innovation import checklist
from yuanqu.innovation import services
from yuanqu.innovation.models import Achievement, Incubatee, Match, MatchFollowUp, TechNeed

from .world import innovation_of

ENGLISH = re.compile(r"[A-Za-z]{4,}")
CHOICE = "不是有效选项"


def _ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return {row["id"] for row in body["items"]}


def _refused(response: Any, field: str, text: str | None = None, echoed: tuple[str, ...] = ()) -> list[str]:
    """A 422 with the detail and ``field``'s messages in Chinese (``text`` among them, when given)."""
    assert response.status_code == 422, (response.status_code, response.content.decode())
    body = response.json()
    assert body["detail"] == API_INVALID
    messages = body["errors"].get(field)
    assert messages, body["errors"]
    if text is not None:
        assert any(text in m for m in messages), messages
    for message in messages:
        rest = message.replace("YYYY-MM-DD", "")
        for value in echoed:
            rest = rest.replace(value, "")
        assert not ENGLISH.search(rest), f"English in {message!r}"
    return messages


def db_state() -> dict[str, list[dict[str, Any]]]:
    """Every stored row (bad_input_support's snapshot) but the API tokens, whose use is stamped on them."""
    state = _db_state()
    state.pop("accounts.ApiToken", None)
    return state


def assert_unchanged(before: dict[str, list[dict[str, Any]]]) -> None:
    """Nothing stored changed since ``before`` (the tables it holds: all but the API tokens)."""
    _assert_unchanged(before)


@pytest.fixture
def innov(world: World) -> dict[str, dict[str, Any]]:
    return innovation_of(world)


@pytest.fixture
def staff(world: World) -> Api:
    return Api(world.users["region_staff"])


@pytest.fixture
def operator(world: World) -> Api:
    return Api(world.users["park_operator"])


@pytest.fixture
def firm(world: World) -> Api:
    """The enterprise user of 信达软件 (信联天地)."""
    return Api(world.users["enterprise_user"])


# --------------------------------------------------------------------------- incubators


def test_it_lists_incubators_in_scope(world: World, innov, staff, operator, firm) -> None:
    ids = {k: innov[k]["incubator"].pk for k in innov}
    assert _ids(staff.get("/api/incubators/")) == {ids["xltd"], ids["smyz"]}
    assert _ids(operator.get("/api/incubators/")) == {ids["xltd"]}
    assert _ids(firm.get("/api/incubators/")) == set()
    assert _ids(staff.get("/api/incubators/", park=world.smyz.pk)) == {ids["smyz"]}
    assert _ids(staff.get("/api/incubators/", level="national")) == set()


def test_it_shows_an_incubator_with_its_counts_and_the_checklist_the_page_shows(world: World, innov, staff,
                                                                                client_as) -> None:
    incubator = innov["xltd"]["incubator"]
    services.mentor_create(actor=world.users["region_staff"], incubator=incubator, name="王导师")
    response = staff.get(f"/api/incubators/{incubator.pk}", year="2025")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["park"], body["region"], body["name"]) == (
        incubator.pk, world.xltd.pk, "370213", incubator.name)
    assert Decimal(body["area_m2"]) == Decimal(2000) and Decimal(body["fund_wan"]) == Decimal(0)
    assert body["mentors"] == 1 and body["in_incubation"] == 0 and body["incubatees_by_status"] == {"applied": 1}
    expected = checklist(incubator, 2025)
    got = body["checklist"]
    assert (got["year"], got["as_of"], got["met"], got["total"]) == (
        2025, expected["as_of"].isoformat(), expected["met"], expected["total"])
    assert got["rows"] == [dataclasses.asdict(r) for r in expected["rows"]]
    area = next(r for r in got["rows"] if r["code"] == "area")
    assert area == {**area, "required": "≥ 10000平方米", "actual": "2000平方米", "met": False, "gap": "还差8000平方米"}
    # the page shows the same rows
    page = client_as("region_staff").get(f"/innovation/incubators/{incubator.pk}/", {"year": "2025"})
    assert [dataclasses.asdict(r) for r in page.context["checklist"]["rows"]] == got["rows"]


def test_the_checklist_defaults_to_the_last_complete_year_and_refuses_a_bad_year(innov, staff) -> None:
    url = f"/api/incubators/{innov['xltd']['incubator'].pk}"
    last = timezone.localdate().year - 1
    body = staff.get(url).json()
    assert body["checklist"]["year"] == last and body["checklist"]["as_of"] == f"{last}-12-31"
    _refused(staff.get(url, year=str(timezone.localdate().year + 1)), "year", "年份不能晚于今年。")
    _refused(staff.get(url, year=str(HUGE)), "year", AT_MOST)
    _refused(staff.get(url, year="去年"), "year", NUMBER)


def test_an_operator_never_reaches_another_parks_incubator(innov, operator, firm) -> None:
    for key in ("smyz", "laoshan"):
        response = operator.get(f"/api/incubators/{innov[key]['incubator'].pk}")
        assert response.status_code == 404 and response.json()["detail"] == API_NOT_FOUND
    assert firm.get(f"/api/incubators/{innov['xltd']['incubator'].pk}").status_code == 404
    assert operator.get(f"/api/incubators/{HUGE}").status_code == 404


# --------------------------------------------------------------------------- incubatees


def _apply_body(world: World, innov: dict[str, Any]) -> dict[str, Any]:
    return {"incubator": innov["xltd"]["incubator"].pk, "enterprise": world.ent_xltd_fitout.pk,
            "applied_on": "2025-03-01", "track": "general", "area_m2": "120.5"}


def test_an_operator_records_an_application(world: World, innov, operator) -> None:
    response = operator.post("/api/incubatees/", _apply_body(world, innov))
    assert response.status_code == 201, response.content
    body = response.json()
    row = Incubatee.objects.get(pk=body["id"])
    assert (row.status, row.enterprise, row.area_m2) == ("applied", world.ent_xltd_fitout, Decimal("120.5"))
    assert (body["status"], body["applied_on"], body["warnings"]) == ("applied", "2025-03-01", [])
    assert AuditEvent.objects.filter(action="create", object_type="innovation.Incubatee",
                                     object_id=str(row.pk)).exists()


@pytest.mark.parametrize(("change", "field", "text"), [
    ({"incubator": None, "enterprise": None, "applied_on": None}, "applied_on", REQUIRED),
    ({"area_m2": "-1"}, "area_m2", AT_LEAST),
    ({"area_m2": "很大"}, "area_m2", NUMBER),
    ({"area_m2": str(HUGE)}, "area_m2", None),
    ({"incubator": HUGE}, "incubator", AT_MOST),
    ({"enterprise": "第一家"}, "enterprise", NUMBER),
    ({"applied_on": "2999-01-01"}, "applied_on", FUTURE),
    ({"applied_on": "2025-02-30"}, "applied_on", API_DATE),
    ({"track": "moon"}, "track", CHOICE),
    ({"track": "general\x00"}, "track", None),
    ({"incubator": "__smyz__"}, "incubator", API_OUT_OF_SCOPE),
    ({"enterprise": "__ent_smyz__"}, "enterprise", API_OUT_OF_SCOPE),
    ({"enterprise": "__ent_xltd__"}, "enterprise", "已在本孵化器中"),
])
def test_a_bad_application_is_refused_in_chinese_and_stores_nothing(world: World, innov, operator, change, field,
                                                                   text) -> None:
    refs = {"__smyz__": innov["smyz"]["incubator"].pk, "__ent_smyz__": world.ent_smyz.pk,
            "__ent_xltd__": world.ent_xltd.pk}
    body = {**_apply_body(world, innov), **{k: refs.get(v, v) if isinstance(v, str) else v
                                            for k, v in change.items()}}
    before = db_state()
    _refused(operator.post("/api/incubatees/", body), field, text, echoed=("moon", "general"))
    assert_unchanged(before)


def test_an_empty_application_names_every_required_field(operator) -> None:
    errors = operator.post("/api/incubatees/", {}).json()["errors"]
    assert errors == {"incubator": [REQUIRED], "enterprise": [REQUIRED], "applied_on": [REQUIRED]}


def test_admission_with_a_breach_needs_a_reason_and_keeps_it(world: World, innov, staff) -> None:
    incubatee = innov["xltd"]["incubatee"]  # 信达软件, founded 2015: a breach of the 24-month rule
    url = f"/api/incubatees/{incubatee.pk}/advance"
    assert staff.post(url, {"status": "assessing", "on": "2025-01-06"}).json()["status"] == "assessing"
    before = db_state()
    messages = _refused(staff.post(url, {"status": "incubating", "on": "2025-02-03"}), "accept_reason")
    assert "至多24个月" in messages[0] and "请填写理由" in messages[0]
    _refused(staff.post(url, {"status": "incubating", "on": "2025-01-05", "accept_reason": "x"}), "on",
             "入孵日期不能早于申请日期")
    _refused(staff.post(url, {"status": "incubating", "on": "2999-01-01"}), "on", FUTURE)
    _refused(staff.post(url, {"status": "teleported", "on": "2025-02-03"}), "status", "无法识别的状态。")
    _refused(staff.post(url, {"status": "incubating", "on": "2025-02-03", "accept_reason": "理" * 501}),
             "accept_reason", TOO_LONG)
    _refused(staff.post(url, {"status": "incubating", "on": "2025-02-03", "accept_reason": "理由\x00"}),
             "accept_reason")
    assert_unchanged(before)
    response = staff.post(url, {"status": "incubating", "on": "2025-02-03", "accept_reason": "区重点引进项目"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "incubating" and body["entered_on"] == "2025-02-03"
    assert body["warnings_reason"] == "区重点引进项目" and any("至多24个月" in w for w in body["warnings"])
    incubatee.refresh_from_db()
    assert incubatee.reviewed_by == world.users["region_staff"]


def test_graduation_is_refused_naming_what_is_missing_then_granted(world: World, innov, staff) -> None:
    incubatee = innov["xltd"]["incubatee"]
    url = f"/api/incubatees/{incubatee.pk}/graduate"
    _refused(staff.post(url, {"on": "2025-06-01"}), "status", "不能转为")  # still an application
    actor = world.users["region_staff"]
    services.incubatee_advance(actor=actor, incubatee=incubatee, status="assessing", on=dt.date(2025, 1, 6))
    services.incubatee_advance(actor=actor, incubatee=incubatee, status="incubating", on=dt.date(2025, 2, 3),
                               accept_reason="区重点引进项目")
    before = db_state()
    messages = _refused(staff.post(url, {"on": "2025-06-01"}), "criterion")
    assert "不是高新技术企业" in messages[0]
    _refused(staff.post(url, {"on": "2025-06-01", "criterion": "luck"}), "criterion", echoed=("luck",))
    _refused(staff.post(url, {"on": "2025-06-01", "acquired": "也许"}), "acquired")
    assert_unchanged(before)
    response = staff.post(url, {"on": "2025-06-01", "acquired": True, "note": "被上市公司收购"})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["criterion"]) == ("graduated", "acquired_listed")


def test_incubatee_writes_are_404_outside_the_scope_or_the_role(world: World, innov, operator, firm) -> None:
    before = db_state()
    for path in (f"/api/incubatees/{innov['smyz']['incubatee'].pk}/advance",
                 f"/api/incubatees/{innov['smyz']['incubatee'].pk}/graduate",
                 f"/api/incubatees/{HUGE}/advance"):
        response = operator.post(path, {"status": "assessing", "on": "2025-02-01"})
        assert response.status_code == 404 and response.json()["detail"] == API_NOT_FOUND
    # the enterprise reads its own record but does not move it, nor apply
    own = innov["xltd"]["incubatee"]
    assert firm.get(f"/api/incubatees/{own.pk}").status_code == 200
    assert firm.post(f"/api/incubatees/{own.pk}/advance", {"status": "assessing", "on": "2025-02-01"}
                     ).status_code == 404
    assert firm.post("/api/incubatees/", _apply_body(world, innov)).status_code == 404
    assert_unchanged(before)


def test_an_enterprise_never_sees_another_enterprises_incubation(innov, firm) -> None:
    assert _ids(firm.get("/api/incubatees/")) == {innov["xltd"]["incubatee"].pk}
    for key in ("smyz", "laoshan"):
        assert firm.get(f"/api/incubatees/{innov[key]['incubatee'].pk}").status_code == 404


# --------------------------------------------------------------------------- needs


def _need_body(world: World) -> dict[str, Any]:
    return {"enterprise": world.ent_smyz.pk, "title": "冷链检测技术", "field": "biomedicine", "budget_wan": "50",
            "deadline": "2026-12-31", "description": "需要冷链温控检测方案"}


def test_staff_post_a_need_as_a_draft_and_publish_it(world: World, staff) -> None:
    response = staff.post("/api/tech-needs/", _need_body(world))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["park"], body["region"], Decimal(body["budget_wan"])) == (
        "draft", world.smyz.pk, "370213", Decimal(50))
    url = f"/api/tech-needs/{body['id']}/status"
    assert staff.post(url, {"status": "published"}).json()["status"] == "published"
    assert staff.post(url, {"status": "withdrawn"}).json()["status"] == "withdrawn"
    before = db_state()
    _refused(staff.post(url, {"status": "draft"}), "status", "无法识别的状态。")
    _refused(staff.post(url, {}), "status", REQUIRED)
    assert_unchanged(before)
    assert staff.get(f"/api/tech-needs/{body['id']}").json()["title"] == "冷链检测技术"


def test_an_enterprise_posts_its_own_need_by_default(world: World, firm) -> None:
    response = firm.post("/api/tech-needs/", {"title": "数据中台", "field": "electronics", "publish": True})
    assert response.status_code == 201, response.content
    need = TechNeed.objects.get(pk=response.json()["id"])
    assert (need.enterprise, need.park, need.status) == (world.ent_xltd, world.xltd, "published")


@pytest.mark.parametrize(("change", "field", "text"), [
    ({"title": None}, "title", REQUIRED),
    ({"title": "  "}, "title", None),
    ({"title": "题" * 201}, "title", None),
    ({"title": "需求\x00"}, "title", None),
    ({"description": "说明\x00"}, "description", None),
    ({"field": "alchemy"}, "field", CHOICE),
    ({"budget_wan": "-1"}, "budget_wan", AT_LEAST),
    ({"budget_wan": "五十万"}, "budget_wan", NUMBER),
    ({"budget_wan": str(HUGE)}, "budget_wan", None),
    ({"deadline": "2026-13-01"}, "deadline", API_DATE),
    ({"enterprise": None}, "enterprise", REQUIRED),
    ({"enterprise": HUGE}, "enterprise", AT_MOST),
    ({"enterprise": "__laoshan__"}, "enterprise", API_OUT_OF_SCOPE),
    ({"park": "__laoshan_park__"}, "park", API_OUT_OF_SCOPE),
    ({"publish": "也许"}, "publish", None),
])
def test_a_bad_need_is_refused_in_chinese_and_stores_nothing(world: World, staff, change, field, text) -> None:
    refs = {"__laoshan__": world.ent_laoshan.pk, "__laoshan_park__": world.laoshan_park.pk}
    body = {**_need_body(world), **{k: refs.get(v, v) if isinstance(v, str) else v for k, v in change.items()}}
    before = db_state()
    _refused(staff.post("/api/tech-needs/", body), field, text, echoed=("alchemy",))
    assert_unchanged(before)


def test_an_enterprise_cannot_post_for_another(world: World, firm) -> None:
    before = db_state()
    _refused(firm.post("/api/tech-needs/", {**_need_body(world), "enterprise": world.ent_smyz.pk}), "enterprise",
             API_OUT_OF_SCOPE)
    assert_unchanged(before)


def test_needs_are_filtered_and_scoped(world: World, innov, staff, operator, firm) -> None:
    ids = {k: innov[k]["need"].pk for k in innov}
    assert _ids(staff.get("/api/tech-needs/")) == {ids["xltd"], ids["smyz"]}
    assert _ids(staff.get("/api/tech-needs/", field="electronics", status="published")) == {ids["xltd"], ids["smyz"]}
    assert _ids(staff.get("/api/tech-needs/", status="draft")) == set()
    assert _ids(staff.get("/api/tech-needs/", q="生命药洲")) == {ids["smyz"]}
    assert _ids(operator.get("/api/tech-needs/")) == {ids["xltd"]}
    assert _ids(firm.get("/api/tech-needs/")) == {ids["xltd"]}
    before = db_state()
    for key in ("smyz", "laoshan"):
        assert firm.get(f"/api/tech-needs/{ids[key]}").status_code == 404
        assert firm.post(f"/api/tech-needs/{ids[key]}/status", {"status": "withdrawn"}).status_code == 404
        assert operator.get(f"/api/tech-needs/{ids[key]}").status_code == 404
    assert staff.get(f"/api/tech-needs/{ids['laoshan']}").status_code == 404
    assert_unchanged(before)


# --------------------------------------------------------------------------- achievements


def test_achievements_are_listed_by_field_owner_kind_and_status(world: World, innov, staff, firm) -> None:
    ids = {k: innov[k]["achievement"].pk for k in innov}
    response = staff.post("/api/achievements/", {"owner_kind": "university", "owner_name": "青岛大学",
                                                 "title": "海洋生物材料", "field": "materials", "maturity": "pilot",
                                                 "ip_type": "invention", "park": world.smyz.pk})
    assert response.status_code == 201, response.content
    made = response.json()
    assert (made["status"], made["owner_name"], made["enterprise"], made["park"]) == (
        "draft", "青岛大学", None, world.smyz.pk)
    assert _ids(staff.get("/api/achievements/")) == {ids["xltd"], ids["smyz"], made["id"]}
    assert _ids(staff.get("/api/achievements/", owner_kind="university")) == {made["id"]}
    assert _ids(staff.get("/api/achievements/", field="materials", status="draft")) == {made["id"]}
    assert _ids(staff.get("/api/achievements/", status="published")) == {ids["xltd"], ids["smyz"]}
    assert _ids(staff.get("/api/achievements/", q="海洋生物")) == {made["id"]}
    assert _ids(firm.get("/api/achievements/")) == {ids["xltd"]}
    url = f"/api/achievements/{made['id']}/status"
    assert staff.post(url, {"status": "published"}).json()["status"] == "published"
    assert staff.get(f"/api/achievements/{made['id']}").json()["status"] == "published"


def test_an_enterprises_achievement_is_its_own(world: World, firm) -> None:
    response = firm.post("/api/achievements/", {"owner_kind": "university", "title": "低代码平台",
                                                "field": "electronics"})
    assert response.status_code == 201, response.content
    item = Achievement.objects.get(pk=response.json()["id"])
    assert (item.owner_kind, item.enterprise, item.owner_name) == ("enterprise", world.ent_xltd, world.ent_xltd.name)


@pytest.mark.parametrize(("change", "field", "text"), [
    ({"owner_kind": None}, "owner_kind", REQUIRED),
    ({"owner_kind": "enterprise"}, "enterprise", "请选择"),
    ({"owner_name": ""}, "owner_name", None),
    ({"owner_kind": "alien"}, "owner_kind", CHOICE),
    ({"maturity": "ripe"}, "maturity", CHOICE),
    ({"ip_type": "magic"}, "ip_type", CHOICE),
    ({"terms": "价" * 301}, "terms", TOO_LONG),
    ({"title": "成果\x00"}, "title", None),
    ({"enterprise": HUGE}, "enterprise", AT_MOST),
    ({"enterprise": "__laoshan__", "owner_kind": "enterprise"}, "enterprise", API_OUT_OF_SCOPE),
    ({"park": ["1"]}, "park", None),
])
def test_a_bad_achievement_is_refused_in_chinese_and_stores_nothing(world: World, staff, change, field,
                                                                   text) -> None:
    body = {"owner_kind": "institute", "owner_name": "中科院青岛所", "title": "深海传感器", "field": "materials",
            **{k: world.ent_laoshan.pk if v == "__laoshan__" else v for k, v in change.items()}}
    before = db_state()
    _refused(staff.post("/api/achievements/", body), field, text, echoed=("alien", "ripe", "magic"))
    assert_unchanged(before)


def test_an_enterprise_never_sees_another_enterprises_achievement(innov, firm, operator) -> None:
    before = db_state()
    for key in ("smyz", "laoshan"):
        pk = innov[key]["achievement"].pk
        assert firm.get(f"/api/achievements/{pk}").status_code == 404
        assert firm.post(f"/api/achievements/{pk}/status", {"status": "withdrawn"}).status_code == 404
        assert operator.post(f"/api/achievements/{pk}/status", {"status": "withdrawn"}).status_code == 404
    assert_unchanged(before)


# --------------------------------------------------------------------------- matches


def test_a_match_is_made_advanced_and_followed_up(world: World, innov, operator, firm) -> None:
    need = services.need_create(actor=world.users["park_operator"], enterprise=world.ent_xltd_fitout,
                                title="装修机器人", field="manufacturing", park=world.xltd, publish=True)
    achievement = innov["xltd"]["achievement"]
    response = operator.post("/api/tech-matches/", {"need": need.pk, "achievement": achievement.pk, "note": "园区撮合"})
    assert response.status_code == 201, response.content
    made = response.json()
    assert (made["need"], made["achievement"], made["status"], made["follow_ups"], made["contracts"]) == (
        need.pk, achievement.pk, "intent", [], [])
    url = f"/api/tech-matches/{made['id']}"
    assert operator.post(f"{url}/advance", {"status": "negotiating"}).json()["status"] == "negotiating"
    response = operator.post(f"{url}/follow-ups", {"on": "2025-05-01", "summary": "双方见面洽谈"})
    assert response.status_code == 201, response.content
    assert response.json()["author"] == world.users["park_operator"].pk
    body = operator.get(url).json()
    assert [(f["on"], f["summary"]) for f in body["follow_ups"]] == [("2025-05-01", "双方见面洽谈")]
    assert MatchFollowUp.objects.filter(match_id=made["id"]).count() == 1
    # the enterprise sees the match of its achievement, with the follow-up
    assert firm.get(url).json()["follow_ups"][0]["summary"] == "双方见面洽谈"


def test_bad_match_input_is_refused_in_chinese_and_stores_nothing(world: World, innov, staff) -> None:
    match = innov["xltd"]["match"]
    need, achievement = innov["xltd"]["need"], innov["smyz"]["achievement"]
    draft = services.need_create(actor=world.users["region_staff"], enterprise=world.ent_smyz, title="草稿需求",
                                 field="electronics")
    before = db_state()
    _refused(staff.post("/api/tech-matches/", {"need": need.pk, "achievement": innov["xltd"]["achievement"].pk}),
             "achievement", "已经对接过")
    _refused(staff.post("/api/tech-matches/", {"need": draft.pk, "achievement": achievement.pk}), "need",
             "只有已发布")
    _refused(staff.post("/api/tech-matches/", {"need": innov["laoshan"]["need"].pk, "achievement": achievement.pk}),
             "need", API_OUT_OF_SCOPE)
    _refused(staff.post("/api/tech-matches/", {"need": HUGE, "achievement": achievement.pk}), "need", AT_MOST)
    _refused(staff.post("/api/tech-matches/", {"need": need.pk}), "achievement", REQUIRED)
    _refused(staff.post("/api/tech-matches/", {"need": need.pk, "achievement": achievement.pk, "note": "备注\x00"}),
             "note")
    url = f"/api/tech-matches/{match.pk}"
    _refused(staff.post(f"{url}/advance", {"status": "registered"}), "status", "只能向前推进")
    _refused(staff.post(f"{url}/advance", {"status": "intent"}), "status", "只能向前推进")
    _refused(staff.post(f"{url}/advance", {"status": 3}), "status")
    _refused(staff.post(f"{url}/follow-ups", {"on": "2999-01-01", "summary": "未来"}), "on", FUTURE)
    _refused(staff.post(f"{url}/follow-ups", {"on": "2025-01-01", "summary": "说" * 2001}), "summary", TOO_LONG)
    _refused(staff.post(f"{url}/follow-ups", {"on": "2025-01-01"}), "summary", REQUIRED)
    _refused(staff.post(f"{url}/follow-ups", {"on": "2025-01-01", "summary": "\x00"}), "summary")
    assert_unchanged(before)
    assert Match.objects.get(pk=match.pk).status == "intent"


def test_an_enterprise_never_sees_another_enterprises_match(world: World, innov, staff, operator, firm) -> None:
    ids = {k: innov[k]["match"].pk for k in innov}
    assert _ids(firm.get("/api/tech-matches/")) == {ids["xltd"]}
    assert _ids(operator.get("/api/tech-matches/")) == {ids["xltd"]}
    assert _ids(staff.get("/api/tech-matches/")) == {ids["xltd"], ids["smyz"]}
    assert _ids(staff.get("/api/tech-matches/", need=innov["smyz"]["need"].pk)) == {ids["smyz"]}
    assert _ids(staff.get("/api/tech-matches/", status="signed")) == set()
    before = db_state()
    for key in ("smyz", "laoshan"):
        assert firm.get(f"/api/tech-matches/{ids[key]}").status_code == 404
        assert operator.post(f"/api/tech-matches/{ids[key]}/advance", {"status": "negotiating"}).status_code == 404
        assert operator.post(f"/api/tech-matches/{ids[key]}/follow-ups",
                             {"on": "2025-01-01", "summary": "越权"}).status_code == 404
    # the enterprise reads its match but does not move it
    assert firm.post(f"/api/tech-matches/{ids['xltd']}/advance", {"status": "negotiating"}).status_code == 404
    assert firm.post("/api/tech-matches/", {"need": innov["xltd"]["need"].pk,
                                            "achievement": innov["xltd"]["achievement"].pk}).status_code == 404
    assert_unchanged(before)


# --------------------------------------------------------------------------- international cooperation


def test_partners_and_projects_in_scope(world: World, innov, staff, operator, firm) -> None:
    partners = {k: innov[k]["partner"].pk for k in innov}
    projects = {k: innov[k]["coop_project"].pk for k in innov}
    partner = innov["xltd"]["partner"]
    services.agreement_create(actor=world.users["region_staff"], partner=partner, title="合作备忘录",
                              signed_on=dt.date(2025, 1, 2), ends_on=dt.date(2027, 1, 1))
    services.coop_activity_create(actor=world.users["region_staff"], partner=partner, kind="visit", title="互访",
                                  starts_on=dt.date(2025, 4, 1))
    assert _ids(staff.get("/api/partners/")) == {partners["xltd"], partners["smyz"]}
    assert _ids(operator.get("/api/partners/")) == {partners["xltd"]}
    assert _ids(firm.get("/api/partners/")) == set()
    assert _ids(staff.get("/api/partners/", q="生命药洲")) == {partners["smyz"]}
    body = operator.get(f"/api/partners/{partners['xltd']}").json()
    assert (body["country"], body["kind"], body["park"]) == ("德国", "institute", world.xltd.pk)
    assert [(a["title"], a["signed_on"], a["ends_on"]) for a in body["agreements"]] == [
        ("合作备忘录", "2025-01-02", "2027-01-01")]
    assert [a["kind"] for a in body["activities"]] == ["visit"]
    assert [(p["id"], p["enterprises"]) for p in body["projects"]] == [(projects["xltd"], [world.ent_xltd.pk])]
    assert operator.get(f"/api/partners/{partners['smyz']}").status_code == 404
    assert firm.get(f"/api/partners/{partners['xltd']}").status_code == 404
    # projects: an enterprise sees those it takes part in
    assert _ids(staff.get("/api/coop-projects/")) == {projects["xltd"], projects["smyz"]}
    assert _ids(firm.get("/api/coop-projects/")) == {projects["xltd"]}
    assert _ids(staff.get("/api/coop-projects/", partner=partners["smyz"])) == {projects["smyz"]}
    assert firm.get(f"/api/coop-projects/{projects['xltd']}").json()["enterprises"] == [world.ent_xltd.pk]
    assert firm.get(f"/api/coop-projects/{projects['smyz']}").status_code == 404
    assert staff.get(f"/api/coop-projects/{projects['laoshan']}").status_code == 404


def test_a_joint_project_names_only_the_enterprises_the_caller_may_see(world: World, innov, firm) -> None:
    project = services.coop_project_create(actor=world.users["region_staff"], partner=innov["smyz"]["partner"],
                                           title="联合培养", starts_on=dt.date(2025, 3, 1),
                                           enterprises=[world.ent_xltd, world.ent_smyz])
    body = firm.get(f"/api/coop-projects/{project.pk}").json()
    assert body["enterprises"] == [world.ent_xltd.pk]


# --------------------------------------------------------------------------- the document and the parameters


@pytest.mark.parametrize("path", ["/api/incubators/", "/api/achievements/", "/api/tech-matches/", "/api/partners/",
                                  "/api/coop-projects/", "/api/tech-needs/"])
@pytest.mark.parametrize("params", [{"limit": str(HUGE)}, {"offset": str(HUGE)}, {"park": str(HUGE)},
                                    {"q": "园\x00"}, {"limit": "多"}])
def test_list_parameters_are_refused_in_chinese(staff, path, params) -> None:
    if "park" in params and path in ("/api/tech-matches/", "/api/coop-projects/"):
        params = {"need" if "matches" in path else "partner": params["park"]}
    if "q" in params and path == "/api/tech-matches/":
        params = {"status": params["q"]}
    response = staff.get(path, **params)
    _refused(response, next(iter(params)))


def test_the_openapi_document_lists_the_new_operations(staff) -> None:
    document = staff.get("/api/openapi.json")
    assert document.status_code == 200
    paths = document.json()["paths"]
    for path in ("/api/incubators/{incubator_id}", "/api/incubatees/{incubatee_id}/advance",
                 "/api/achievements/", "/api/tech-needs/{need_id}/status", "/api/tech-matches/{match_id}/follow-ups",
                 "/api/partners/{partner_id}", "/api/coop-projects/{project_id}"):
        assert path in paths, path
