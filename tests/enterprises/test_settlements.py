"""Settlements (入驻): 签约 → 装修 → 入驻 → 退出, dated steps, units, the once-per-park rule, the audit trail."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.helpers import Api, error_codes
from yuanqu.core.models import AuditEvent
from yuanqu.enterprises import services
from yuanqu.enterprises.models import Occupancy, Settlement
from yuanqu.parks.models import Unit


def tomorrow() -> dt.date:
    """Tomorrow in the installation's time zone, read when the test runs (not at import)."""
    return timezone.localdate() + dt.timedelta(days=1)


def _advance(client, settlement: Settlement, to_stage: str, on: dt.date | str, reason: str = "", **extra: str):
    return client.post(reverse("enterprises:settlement_advance", args=[settlement.pk]),
                       {"to_stage": to_stage, "on": str(on), "reason": reason}, **extra)


def _levels(response) -> list[str]:
    return [m.level_tag for m in get_messages(response.wsgi_request)]


def _state(settlement: Settlement) -> tuple:
    s = Settlement.objects.get(pk=settlement.pk)
    return s.stage, s.signed_on, s.fitout_on, s.moved_in_on, s.exited_on, s.exit_reason


def _sign(world, enterprise, park, signed_on=dt.date(2024, 3, 1), units=()) -> Settlement:
    return services.settlement_create(actor=world.user("region_staff"), enterprise=enterprise, park=park,
                                      signed_on=signed_on, units=units)


def _new_events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=since).order_by("id"))


def _last_event_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


# --- advancing ----------------------------------------------------------------------------------


def test_it_advances_a_settlement_step_by_step_with_dates(world, client_as):
    st = _sign(world, world.ent_smyz, world.xltd, units=[world.units[2]])
    operator = client_as("park_operator")
    response = _advance(operator, st, "fitout", "2024-03-10")
    assert response.status_code == 302 and _levels(response) == ["success"]
    operator.get(response["Location"])  # shows (and so consumes) the message
    response = _advance(operator, st, "moved_in", "2024-05-20")
    assert _levels(response) == ["success"]
    assert _state(st) == ("moved_in", dt.date(2024, 3, 1), dt.date(2024, 3, 10), dt.date(2024, 5, 20), None, "")
    page = operator.get(reverse("enterprises:settlement_detail", args=[st.pk])).content.decode()
    assert "2024-03-10" in page and "2024-05-20" in page


def test_it_allows_moving_in_on_the_signing_day_and_skipping_fitout(world, client_as):
    st = _sign(world, world.ent_smyz, world.xltd)
    response = _advance(client_as("region_staff"), st, "moved_in", "2024-03-01")
    assert _levels(response) == ["success"]
    assert _state(st)[0] == "moved_in"


def test_it_refuses_a_move_in_before_the_signing_date(world, client_as):
    st = _sign(world, world.ent_smyz, world.xltd)
    before, last = _state(st), _last_event_id()
    response = _advance(client_as("park_operator"), st, "moved_in", "2024-02-29")
    assert response.status_code == 302 and _levels(response) == ["error"]
    assert _state(st) == before
    assert _new_events(last) == []

    with pytest.raises(ValidationError) as exc:
        services.settlement_advance(actor=world.user("region_staff"), settlement=st, to_stage="moved_in",
                                    on=dt.date(2024, 2, 29))
    assert "__all__" in exc.value.message_dict
    assert _state(st) == before


def test_it_refuses_a_move_in_before_fitout_started(world, client_as):
    st = world.st_xltd_fitout  # fit-out since 2024-05-01
    before = _state(st)
    response = _advance(client_as("park_operator"), st, "moved_in", "2024-04-30")
    assert _levels(response) == ["error"]
    assert _state(st) == before


@pytest.mark.parametrize("stage", ["fitout", "moved_in", "exited"])
def test_it_refuses_a_date_in_the_future(world, client_as, stage):
    st = _sign(world, world.ent_smyz, world.xltd)
    before, last = _state(st), _last_event_id()
    response = _advance(client_as("region_staff"), st, stage, tomorrow(), reason="合同到期")
    assert _levels(response) == ["error"]
    assert _state(st) == before and _new_events(last) == []
    with pytest.raises(ValidationError) as exc:
        services.settlement_advance(actor=world.user("region_staff"), settlement=st, to_stage=stage, on=tomorrow(),
                                    reason="合同到期")
    assert [e.code for errors in exc.value.error_dict.values() for e in errors] == ["future"]


def test_it_refuses_a_signing_date_in_the_future(world, client_as):
    response = client_as("region_staff").post(reverse("enterprises:settlement_create"), {
        "uscc": world.ent_smyz.uscc, "park": world.xltd.pk, "signed_on": tomorrow().isoformat()})
    assert error_codes(response, "signed_on") == ["future"]
    assert not Settlement.objects.filter(enterprise=world.ent_smyz, park=world.xltd).exists()


@pytest.mark.parametrize("to_stage", ["signed", "fitout", "moved_in"])
def test_it_refuses_to_move_backwards_or_stay(world, client_as, to_stage):
    st = world.st_xltd  # moved in
    before, last = _state(st), _last_event_id()
    response = _advance(client_as("park_operator"), st, to_stage, "2024-07-01")
    assert _levels(response) == ["error"]
    assert _state(st) == before and _new_events(last) == []
    with pytest.raises(ValidationError) as exc:
        services.settlement_advance(actor=world.user("park_operator"), settlement=st, to_stage=to_stage,
                                    on=dt.date(2024, 7, 1))
    assert exc.value.error_dict["to_stage"][0].code == "backwards"


def test_it_refuses_an_unknown_stage(world, client_as):
    before = _state(world.st_xltd)
    response = _advance(client_as("park_operator"), world.st_xltd, "produced", "2024-07-01")
    assert _levels(response) == ["error"]
    assert _state(world.st_xltd) == before


# --- exit ---------------------------------------------------------------------------------------


def test_it_refuses_an_exit_without_a_reason(world, client_as):
    st, unit = world.st_xltd, world.units[0]
    before, last = _state(st), _last_event_id()
    for reason in ("", "   "):
        response = _advance(client_as("park_operator"), st, "exited", "2024-12-31", reason=reason)
        assert _levels(response) == ["error"]
    assert _state(st) == before and _new_events(last) == []
    unit.refresh_from_db()
    assert unit.status == Unit.Status.LEASED
    assert Occupancy.objects.get(unit=unit).active


def test_it_frees_the_units_on_exit(world, client_as):
    st, unit = world.st_xltd, world.units[0]
    last = _last_event_id()
    response = _advance(client_as("park_operator"), st, "exited", "2024-12-31", reason=" 搬迁至崂山 ",
                        REMOTE_ADDR="192.0.2.7")
    assert _levels(response) == ["success"]
    assert _state(st) == ("exited", dt.date(2024, 3, 1), dt.date(2024, 4, 1), dt.date(2024, 6, 1),
                          dt.date(2024, 12, 31), "搬迁至崂山")
    unit.refresh_from_db()
    assert unit.status == Unit.Status.VACANT
    occupancy = Occupancy.objects.get(unit=unit)
    assert (occupancy.active, occupancy.until) == (False, dt.date(2024, 12, 31))

    events = _new_events(last)
    assert [(e.action, e.object_type) for e in events] == [
        ("stage", "enterprises.Settlement"), ("update", "enterprises.Occupancy"), ("update", "parks.Unit")]
    stage = events[0]
    assert (stage.before["stage"], stage.after["stage"], stage.after["exit_reason"]) == (
        "moved_in", "exited", "搬迁至崂山")
    assert {e.actor for e in events} == {world.user("park_operator")}
    assert {e.ip for e in events} == {"192.0.2.7"} and {e.channel for e in events} == {"web"}
    assert events[2].before == {"status": "leased", "updated_at": events[2].before["updated_at"]}
    assert events[2].after["status"] == "vacant"

    # The freed unit can go to the next tenant.
    services.settlement_create(actor=world.user("region_staff"), enterprise=world.ent_smyz, park=world.xltd,
                               signed_on=dt.date(2025, 1, 2), units=[unit])
    unit.refresh_from_db()
    assert unit.status == Unit.Status.LEASED


# --- units --------------------------------------------------------------------------------------


def test_it_refuses_a_unit_for_two_active_tenants(world, client_as):
    taken, own = world.units[0], world.units[1]
    st = world.st_xltd_fitout
    last = _last_event_id()
    response = client_as("park_operator").post(reverse("enterprises:settlement_units", args=[st.pk]),
                                               {"units": [taken.pk], "on": "2024-06-02"})
    assert _levels(response) == ["error"]
    # Nothing changed, not even the release of the unit it held, and no audit event remains.
    assert list(Occupancy.objects.filter(unit=taken, active=True).values_list("settlement", flat=True)) == [
        world.st_xltd.pk]
    assert list(Occupancy.objects.filter(settlement=st, active=True).values_list("unit", flat=True)) == [own.pk]
    own.refresh_from_db()
    assert own.status == Unit.Status.LEASED
    assert _new_events(last) == []

    with pytest.raises(ValidationError) as exc:
        _sign(world, world.ent_smyz, world.xltd, units=[world.units[2], taken])
    assert exc.value.error_dict["units"][0].code == "unit_taken"
    assert not Settlement.objects.filter(enterprise=world.ent_smyz, park=world.xltd).exists()
    world.units[2].refresh_from_db()
    assert world.units[2].status == Unit.Status.VACANT
    assert _new_events(last) == []


def test_it_refuses_a_unit_of_another_park(world):
    with pytest.raises(ValidationError) as exc:
        services.settlement_set_units(actor=world.user("region_staff"), settlement=world.st_xltd_fitout,
                                      units=[world.smyz_unit], on=dt.date(2024, 6, 2))
    assert exc.value.error_dict["units"][0].code == "unit_park"


def test_it_moves_a_tenant_to_other_units(world, client_as):
    st = world.st_xltd_fitout
    last = _last_event_id()
    response = client_as("park_operator").post(reverse("enterprises:settlement_units", args=[st.pk]),
                                               {"units": [world.units[2].pk], "on": "2024-06-02"})
    assert _levels(response) == ["success"]
    assert list(Occupancy.objects.filter(settlement=st, active=True).values_list("unit", flat=True)) == [
        world.units[2].pk]
    statuses = dict(Unit.objects.filter(pk__in=[u.pk for u in world.units]).values_list("number", "status"))
    assert statuses == {"1001": "leased", "1101": "vacant", "1201": "leased"}
    assert [(e.action, e.object_type) for e in _new_events(last)] == [
        ("update", "enterprises.Occupancy"), ("update", "parks.Unit"),
        ("create", "enterprises.Occupancy"), ("update", "parks.Unit")]


# --- once per park ------------------------------------------------------------------------------


def test_it_signs_an_enterprise_only_once_per_park_while_active(world, client_as):
    operator = client_as("park_operator")
    data = {"uscc": world.ent_xltd.uscc, "park": world.xltd.pk, "signed_on": "2024-08-01"}
    last = _last_event_id()
    response = operator.post(reverse("enterprises:settlement_create"), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert 'id="form-errors"' in response.content.decode()
    assert Settlement.objects.filter(enterprise=world.ent_xltd, park=world.xltd).count() == 1
    assert _new_events(last) == []

    # In another park it may sign at the same time.
    _sign(world, world.ent_xltd, world.smyz)
    # After the exit it may sign again in the same park.
    services.settlement_advance(actor=world.user("park_operator"), settlement=world.st_xltd, to_stage="exited",
                                on=dt.date(2024, 7, 31), reason="租约到期")
    response = operator.post(reverse("enterprises:settlement_create"), data)
    assert response.status_code == 302
    assert sorted(Settlement.objects.filter(enterprise=world.ent_xltd, park=world.xltd)
                  .values_list("stage", flat=True)) == ["exited", "signed"]


def test_it_signs_an_enterprise_found_by_its_uscc(world, client_as):
    last = _last_event_id()
    # District staff find 生命药洲's tenant (their region); for the operator it would be a request (issue 12 H1).
    response = client_as("region_staff").post(reverse("enterprises:settlement_create"), {
        "uscc": world.ent_smyz.uscc.lower(), "park": world.xltd.pk, "signed_on": "2024-08-01", "note": "一期"})
    st = Settlement.objects.get(enterprise=world.ent_smyz, park=world.xltd)
    assert response["Location"] == reverse("enterprises:settlement_detail", args=[st.pk])
    assert (st.stage, st.note) == ("signed", "一期")
    assert [(e.action, e.object_type) for e in _new_events(last)] == [("create", "enterprises.Settlement")]

    response = client_as("region_staff").post(reverse("enterprises:settlement_create"), {
        "uscc": "91350100M000100Y43", "park": world.xltd.pk, "signed_on": "2024-08-01"})
    assert response["Location"] == reverse("enterprises:requests")  # an unknown code: a request, no settlement


# --- htmx from the park page --------------------------------------------------------------------


def _count(html: str, stage: str) -> int:
    """The count on the stage's pill (the block's header reuses the id count-signed for the active total)."""
    match = re.search(rf'data-stage="{stage}".*?id="count-{stage}">(\d+)<', html, re.S)
    assert match, f"no count for {stage}"
    return int(match.group(1))


def test_it_advances_from_the_park_page_and_returns_the_stage_block(world, client_as):
    operator = client_as("park_operator")
    page = operator.get(reverse("parks:detail", args=[world.xltd.pk])).content.decode()
    assert (_count(page, "fitout"), _count(page, "moved_in")) == (1, 1)

    response = operator.post(reverse("enterprises:settlement_advance", args=[world.st_xltd_fitout.pk]),
                             {"to_stage": "moved_in", "on": "2024-06-15", "view_stage": "fitout"},
                             headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="park-stages"')
    assert "<html" not in html
    assert (_count(html, "signed"), _count(html, "fitout"), _count(html, "moved_in"), _count(html, "exited")) == (
        0, 0, 2, 0)
    assert re.search(r'id="kpi-moved-in" hx-swap-oob="true">2<', html)
    assert 'id="advance-error"' not in html
    assert _state(world.st_xltd_fitout)[:4] == ("moved_in", dt.date(2024, 3, 1), dt.date(2024, 5, 1),
                                                dt.date(2024, 6, 15))


def test_it_shows_the_error_in_the_stage_block_and_changes_nothing(world, client_as):
    before = _state(world.st_xltd_fitout)
    response = client_as("park_operator").post(
        reverse("enterprises:settlement_advance", args=[world.st_xltd_fitout.pk]),
        {"to_stage": "moved_in", "on": tomorrow().isoformat(), "view_stage": "fitout"},
        headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="advance-error"' in html
    assert (_count(html, "fitout"), _count(html, "moved_in")) == (1, 1)
    assert _state(world.st_xltd_fitout) == before


# --- the audit trail of each write --------------------------------------------------------------


def test_it_audits_each_step_once_in_the_same_transaction(world, client_as):
    st = _sign(world, world.ent_smyz, world.xltd)
    last = _last_event_id()
    _advance(client_as("park_operator"), st, "fitout", "2024-03-05", REMOTE_ADDR="198.51.100.9")
    [event] = _new_events(last)
    assert (event.action, event.object_type, event.object_id) == ("stage", "enterprises.Settlement", str(st.pk))
    assert (event.role, event.ip, event.region_code) == ("park_operator", "198.51.100.9", "370213")
    assert (event.before["stage"], event.before["fitout_on"]) == ("signed", None)
    assert (event.after["stage"], event.after["fitout_on"]) == ("fitout", "2024-03-05")


def test_it_audits_the_signing_with_its_units(world):
    last = _last_event_id()
    st = _sign(world, world.ent_smyz, world.xltd, units=[world.units[2]])
    events = _new_events(last)
    assert [(e.action, e.object_type) for e in events] == [
        ("create", "enterprises.Settlement"), ("create", "enterprises.Occupancy"), ("update", "parks.Unit")]
    assert events[0].after["stage"] == "signed" and events[0].object_id == str(st.pk)
    assert events[2].after["status"] == "leased"


def test_it_leaves_no_audit_event_when_a_write_fails_halfway(world):
    """The service audits the release of the old unit, then fails on the new one: all of it rolls back."""
    last = _last_event_id()
    with pytest.raises(ValidationError):
        services.settlement_set_units(actor=world.user("region_staff"), settlement=world.st_xltd_fitout,
                                      units=[world.units[0]], on=dt.date(2024, 6, 2))
    assert _new_events(last) == []
    assert Occupancy.objects.filter(settlement=world.st_xltd_fitout, active=True).count() == 1


def test_it_lists_and_exports_settlements(world, client_as):
    leader = client_as("leader")
    rows = leader.get(reverse("enterprises:settlements"), {"stage": "moved_in"}).context["rows"]
    assert [s.pk for s in rows] == [world.st_xltd.pk]
    response = leader.get(reverse("enterprises:settlements"), {"q": "zxz"})
    assert [s.pk for s in response.context["rows"]] == [world.st_xltd_fitout.pk]
    from tests.helpers import read_xlsx

    sheet = read_xlsx(leader.get(reverse("enterprises:settlements"), {"export": "xlsx", "park": world.xltd.pk}))
    assert sorted(r[1] for r in sheet[1:]) == ["青岛信达软件有限公司", "青岛装修中科技有限公司"]
    assert AuditEvent.objects.filter(action="export", object_type="enterprises.Settlement").get().after["rows"] == 2


def test_it_advances_through_the_api_with_the_same_rules(world):
    api = Api(world.user("park_operator"))
    url = f"/api/settlements/{world.st_xltd_fitout.pk}/advance"
    response = api.post(url, {"to_stage": "moved_in", "on": "2024-04-30"})
    assert response.status_code == 422 and "__all__" in response.json()["errors"]
    response = api.post(url, {"to_stage": "exited", "on": "2024-06-30"})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["reason"]
    response = api.post(url, {"to_stage": "moved_in", "on": "2024-05-02"})
    assert response.status_code == 200
    assert (response.json()["stage"], response.json()["moved_in_on"]) == ("moved_in", "2024-05-02")
    assert response.json()["units"] == [world.units[1].pk]
    event = AuditEvent.objects.filter(action="stage").latest("id")
    assert event.channel == "api" and event.actor == world.user("park_operator")


# --- the scoped lookup by USCC (issue 12 H1) ------------------------------------------------------


def test_it_answers_another_districts_uscc_like_an_unknown_one_and_signs_nothing(world, client_as):
    client = client_as("park_operator")
    url = reverse("enterprises:settlement_create")
    before = sorted(Settlement.objects.values_list("pk", flat=True))
    outside = client.post(url, {"uscc": world.ent_laoshan.uscc, "park": world.xltd.pk, "signed_on": "2024-08-01"},
                          follow=True)
    unknown = client.post(url, {"uscc": "91350100M000100Y43", "park": world.xltd.pk, "signed_on": "2024-08-01"},
                          follow=True)
    # Both become a request district staff decide (issue 12 H1), told in the same words on the same page.
    assert outside.redirect_chain == unknown.redirect_chain == [(reverse("enterprises:requests"), 302)]
    assert [str(m) for m in outside.context["messages"]] == [str(m) for m in unknown.context["messages"]]
    assert world.ent_laoshan.name not in outside.content.decode()
    assert sorted(Settlement.objects.values_list("pk", flat=True)) == before
    assert client.get(reverse("enterprises:detail", args=[world.ent_laoshan.pk])).status_code == 404
