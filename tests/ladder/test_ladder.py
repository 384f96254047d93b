"""梯度培育 (issue 17 item 4) through the front door: the designation history is the truth and the old flags its
cache; grant / end / advance through the services, pages and API, each audited and scoped; candidates for the next
step from the approved figures with the values shown; the designation importer; the figure group."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from python_calamine import CalamineWorkbook

from tests.bad_input_support import assert_api_refused
from tests.conftest import World
from tests.helpers import Api
from tests.policies.conftest import report_year
from yuanqu.core.models import AuditEvent
from yuanqu.enterprises import services as ent
from yuanqu.enterprises.models import Designation, Enterprise
from yuanqu.figures.ladder import figures
from yuanqu.figures.periods import Period
from yuanqu.figures.selectors import scope_for
from yuanqu.ladder import rules
from yuanqu.tabular import engine

K = Designation.Kind


def staff(world: World) -> Any:
    return world.users["region_staff"]


def test_the_history_is_the_truth_and_the_flags_its_cache(world: World) -> None:
    e = world.ent_smyz
    high = ent.designation_grant(actor=staff(world), enterprise=e, kind=K.HIGH_TECH, level="national",
                                 recognised_on=dt.date(2021, 12, 1), certificate_no="GR2021")
    assert high.valid_until == dt.date(2024, 11, 30)  # three years, to the day before
    e.refresh_from_db()
    assert not e.is_high_tech  # expired before today: the cache says what is in force
    renewed = ent.designation_grant(actor=staff(world), enterprise=e, kind=K.HIGH_TECH,
                                    recognised_on=dt.date(2024, 12, 1))
    high.refresh_from_db()
    e.refresh_from_db()
    assert (high.ended_on, high.end_reason, e.is_high_tech) == (dt.date(2024, 12, 1), "superseded", True)
    ent.designation_grant(actor=staff(world), enterprise=e, kind=K.SRDI_SME, recognised_on=dt.date(2025, 5, 1))
    e.refresh_from_db()
    assert e.srdi_level == "provincial"
    ent.designation_revoke(actor=staff(world), designation=renewed, on=dt.date(2025, 3, 1))
    e.refresh_from_db()
    assert not e.is_high_tech
    # each write is audited: 3 grants (creates), the supersession and the revocation (updates) and the cache
    assert AuditEvent.objects.filter(object_type="enterprises.Designation", action="create").count() == 3
    assert AuditEvent.objects.filter(object_type="enterprises.Designation", action="update").count() == 2
    # the database refuses two open designations of one kind, and a validity before the recognition
    with pytest.raises(IntegrityError), transaction.atomic():
        Designation.objects.create(enterprise=e, kind=K.SRDI_SME)
    with pytest.raises(IntegrityError), transaction.atomic():
        Designation.objects.create(enterprise=e, kind=K.GAZELLE, recognised_on=dt.date(2025, 1, 2),
                                   valid_until=dt.date(2025, 1, 1))


def test_the_listing_path_and_the_enterprise_profile(world: World, client_as: Any) -> None:
    e = world.ent_smyz
    neeq = ent.designation_grant(actor=staff(world), enterprise=e, kind=K.LISTING, board="neeq",
                                 recognised_on=dt.date(2022, 3, 1))
    client = client_as("region_staff")
    url = reverse("ladder:advance", args=[neeq.pk])
    assert client.post(url, {"to_stage": "coaching", "on": "2022-06-15"}).status_code == 302
    assert client.post(url, {"to_stage": "filed", "on": "2023-04-20"}).status_code == 302
    # backwards, or before the step before: refused with the reason, nothing changes
    response = client.post(url, {"to_stage": "coaching", "on": "2023-05-01"}, follow=True)
    assert "已处于该阶段或之后" in response.content.decode()
    response = client.post(url, {"to_stage": "listed", "on": "2023-01-01"}, follow=True)
    assert "不能早于上一阶段" in response.content.decode()
    assert client.post(url, {"to_stage": "listed", "on": "2023-12-15"}).status_code == 302
    neeq.refresh_from_db()
    e.refresh_from_db()
    assert (neeq.stage, e.listing) == ("listed", "neeq")
    bse = ent.designation_grant(actor=staff(world), enterprise=e, kind=K.LISTING, board="bse",
                                recognised_on=dt.date(2024, 3, 1), coaching_on=dt.date(2024, 3, 20))
    page = client.get(reverse("enterprises:detail", args=[e.pk])).content.decode()
    assert "新三板：后备 → 辅导 2022-06-15 → 申报 2023-04-20 → 上市 2023-12-15" in page
    assert f"{bse.get_board_display()}：后备 → 辅导 2024-03-20" in page
    # an operator of another park, and an enterprise user, may not advance it: 404, nothing changes
    for role in ("park_operator", "enterprise_user", "leader"):
        assert client_as(role).post(reverse("ladder:advance", args=[bse.pk]),
                                    {"to_stage": "filed", "on": "2024-06-01"}).status_code == 404
    bse.refresh_from_db()
    assert bse.filed_on is None


def test_the_api_grants_and_refuses_bad_input_in_chinese(world: World) -> None:
    api = Api(staff(world))
    body = {"enterprise": world.ent_xltd.pk, "kind": "high_tech", "recognised_on": "2025-01-10", "level": "national"}
    response = api.post("/api/designations/", body)
    assert response.status_code == 201, response.json()
    assert response.json()["valid_until"] == "2028-01-09"
    assert Enterprise.objects.get(pk=world.ent_xltd.pk).is_high_tech
    before = Designation.objects.count()
    for change, field, text in (
        ({"kind": "high_tech", "recognised_on": "2025-02-01"}, "kind", None),  # renewal not after the current one
        ({"kind": "moon"}, "kind", "可选"),
        ({"kind": "gazelle", "recognised_on": "2999-01-01"}, "recognised_on", "晚于今天"),
        ({"kind": "gazelle", "valid_until": "2020-01-01"}, None, None),
        ({"kind": "gazelle", "level": "galactic"}, "level", None),
        ({"kind": "gazelle", "board": "neeq"}, None, None),  # a board only on a 上市后备
        ({"kind": "listing"}, None, None),  # a 上市后备 needs its board
        ({"kind": "gazelle", "enterprise": world.ent_laoshan.pk}, "enterprise", None),  # out of scope
    ):
        response = api.post("/api/designations/", {**body, **change})
        assert_api_refused(response, field, text)
    assert Designation.objects.count() == before
    # other roles: no write (403 or 404 as the API refuses a role), nothing stored
    for role in ("park_operator", "enterprise_user", "leader"):
        assert Api(world.user(role)).post("/api/designations/", {**body, "kind": "gazelle"}).status_code in (403, 404)
    assert Designation.objects.count() == before
    # the enterprise user reads its own designations, nobody else's
    own = Api(world.user("enterprise_user")).get("/api/designations/").json()["items"]
    assert [d["enterprise"] for d in own] == [world.ent_xltd.pk]


def test_candidates_come_from_the_figures_with_their_values(world: World, client_as: Any) -> None:
    full = {"output": "1", "tax": "1", "profit": "1", "employees": "10"}
    report_year(world, world.ent_xltd, world.xltd, {**full, "revenue": "12000"})
    report_year(world, world.ent_xltd, world.xltd, {"rnd": "600"}, frequency="quarter")
    report_year(world, world.ent_smyz, world.smyz, {**full, "revenue": "3000"})
    report_year(world, world.ent_smyz, world.smyz, {"rnd": "120"}, frequency="quarter")
    found = rules.candidates(Enterprise.objects.visible_to(staff(world)), K.HIGH_TECH, 2025)
    # 信联天地's: 5% of 1.2亿 ≥ the 4% of its band; 生命药洲's: 4% of 3000万 < the 5% of its band
    assert [c.enterprise.pk for c in found] == [world.ent_xltd.pk]
    assert [c.value for c in found[0].checks] == ["12,000.00万元", "5.00%"]
    page = client_as("region_staff").get(reverse("ladder:candidates"), {"step": "high_tech", "year": 2025})
    rows = page.content.decode()
    assert f'data-id="{world.ent_xltd.pk}"' in rows and f'data-id="{world.ent_smyz.pk}"' not in rows
    assert "研发投入强度 ≥ 4.00%" in rows
    everyone = client_as("region_staff").get(reverse("ladder:candidates"),
                                             {"step": "high_tech", "year": 2025, "all": "1"}).content.decode()
    assert "研发投入强度 ≥ 5.00%" in everyone and "4.00%</strong>" in everyone
    # held already: no longer a candidate; the next step (专精特新) starts from it
    ent.designation_grant(actor=staff(world), enterprise=world.ent_xltd, kind=K.HIGH_TECH,
                          recognised_on=dt.date(2025, 1, 1))
    assert rules.candidates(Enterprise.objects.all(), K.HIGH_TECH, 2025) == []
    srdi = Api(staff(world)).get("/api/designations/candidates?step=srdi_sme&year=2025").json()
    assert [(c["enterprise"], c["eligible"]) for c in srdi] == [(world.ent_xltd.pk, True)]
    # the operator of 信联天地 sees its candidates; the API refuses an unknown step in Chinese
    assert [c["enterprise"] for c in Api(world.user("park_operator")).get(
        "/api/designations/candidates?step=srdi_sme&year=2025").json()] == [world.ent_xltd.pk]
    assert_api_refused(Api(staff(world)).get("/api/designations/candidates?step=moon"), "step")


def test_the_ladder_page_counts_lists_and_exports_in_scope(world: World, client_as: Any) -> None:
    for e in (world.ent_xltd, world.ent_smyz):
        ent.designation_grant(actor=staff(world), enterprise=e, kind=K.HIGH_TECH, recognised_on=dt.date(2025, 1, 1))
    ent.designation_grant(actor=world.laoshan_staff, enterprise=world.ent_laoshan, kind=K.HIGH_TECH,
                          recognised_on=dt.date(2025, 1, 1))
    page = client_as("region_staff").get(reverse("ladder:index"), {"kind": "high_tech"})
    assert page.context["pipeline"]["steps"][2][2] == 2  # 李沧's two, not 崂山's
    on_park = client_as("region_staff").get(reverse("ladder:index"), {"park": world.smyz.pk})
    assert on_park.context["pipeline"]["steps"][2][2] == 1
    assert client_as("park_operator").get(reverse("ladder:index")).context["pipeline"]["steps"][2][2] == 1
    export = client_as("region_staff").get(reverse("ladder:index"), {"kind": "high_tech", "export": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert rows[0][:3] == ["企业", "统一社会信用代码", "认定类型"]
    assert sorted(r[0] for r in rows[1:]) == sorted([world.ent_xltd.name, world.ent_smyz.name])
    group = figures(scope_for(staff(world)), Period.whole_year(2025))
    assert (group["high_tech"].value, group["new"].value) == (2, 2)


def test_the_designation_importer_grants_and_corrects(world: World) -> None:
    data = ("统一社会信用代码,认定类型,级别,认定日期,证书编号\n"
            f"{world.ent_xltd.uscc},高新技术企业,国家级,2024-11-20,GR202437\n"
            f"{world.ent_smyz.uscc},专精特新中小企业,省级,2025-02-01,\n").encode()
    batch = engine.start_batch(actor=staff(world), entity="designations", filename="名单.csv", data=data)
    batch = engine.commit(batch, actor=staff(world))
    assert batch.status == "committed", batch.report
    assert Enterprise.objects.get(pk=world.ent_xltd.pk).is_high_tech
    assert Enterprise.objects.get(pk=world.ent_smyz.pk).srdi_level == "provincial"
    again = engine.commit(engine.start_batch(actor=staff(world), entity="designations", filename="名单.csv",
                                             data=data), actor=staff(world))
    assert again.counts["unchanged"] == 2
    bad = (f"统一社会信用代码,认定类型,认定日期\n{world.ent_laoshan.uscc},高企,2025-01-01\n"
           f"{world.ent_xltd.uscc},瞪羚,2999-01-01\n").encode()
    refused = engine.commit(engine.start_batch(actor=staff(world), entity="designations", filename="坏.csv",
                                               data=bad), actor=staff(world))
    # rows with errors are left out with the reason (out of scope; a date in the future): nothing written
    assert refused.counts["error"] == 2 and Designation.objects.count() == 2
