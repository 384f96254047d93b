"""经营范围 (business scope): kept through the form, the API, the importer, the export and the detail page; a NUL
or an over-long scope is refused with a Chinese error and nothing stored."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from tests.bad_input_support import NEW_USCC, api_post, assert_unchanged, db_state
from tests.conftest import World
from tests.tabular import files
from yuanqu.enterprises.models import BUSINESS_SCOPE_MAX_LENGTH, Enterprise
from yuanqu.tabular import engine

SCOPE = "一般项目：医学研究和试验发展；技术服务、技术开发。许可项目：药品生产。"


def test_staff_set_the_scope_on_the_form_and_it_shows_and_exports(world: World,
                                                                    client_as: Callable[[str], Client]) -> None:
    client = client_as("region_staff")
    e = world.ent_smyz
    data = {"uscc": e.uscc, "name": e.name, "region": e.region_id, "status": e.status,
            "industry": e.industry_id or "", "business_scope": f"  {SCOPE}  "}
    assert client.post(reverse("enterprises:edit", args=[e.pk]), data).status_code == 302
    assert Enterprise.objects.get(pk=e.pk).business_scope == SCOPE
    page = client.get(reverse("enterprises:detail", args=[e.pk])).content.decode()
    assert "经营范围" in page and SCOPE in page
    export = client.get("/enterprises/?export=csv").content.decode("utf-8-sig")
    assert "经营范围" in export.splitlines()[0] and SCOPE in export


def test_the_api_takes_and_returns_the_scope(world: World, client_as: Callable[[str], Client]) -> None:
    client = client_as("region_staff")
    response = api_post(client, "/api/enterprises/", {"uscc": NEW_USCC, "name": "青岛经营范围科技有限公司",
                                                       "region": "370213", "business_scope": SCOPE})
    assert response.status_code == 201, response.content
    assert response.json()["business_scope"] == SCOPE
    pk = response.json()["id"]
    response = api_post(client, f"/api/enterprises/{pk}", {"business_scope": "软件开发"}, "patch")
    assert response.status_code == 200, response.content
    assert Enterprise.objects.get(pk=pk).business_scope == "软件开发"


def _sheet(scope: str) -> bytes:
    header = ["统一社会信用代码", "企业名称", "经营范围"]
    return files.xlsx(("企业", [header, [NEW_USCC, "青岛导入范围有限公司", scope]]))


def test_the_importer_reads_the_scope_column(world: World) -> None:
    staff = world.users["region_staff"]
    batch = engine.start_batch(actor=staff, entity="enterprises", filename="e.xlsx", data=_sheet(SCOPE))
    assert batch.mapping and "business_scope" in batch.mapping.values()
    batch = engine.commit(batch, actor=staff)
    assert batch.counts["new"] == 1, batch.report
    assert Enterprise.objects.get(uscc=NEW_USCC).business_scope == SCOPE


def test_the_importer_refuses_a_nul_or_an_over_long_scope_and_stores_nothing(world: World) -> None:
    staff = world.users["region_staff"]
    for bad in ("技术服务\x00技术开发", "经" * (BUSINESS_SCOPE_MAX_LENGTH + 1)):
        before = db_state()
        batch = engine.start_batch(actor=staff, entity="enterprises", filename="e.xlsx", data=_sheet(bad))
        batch = engine.commit(batch, actor=staff)
        assert batch.counts["new"] == 0 and batch.counts["error"] == 1, batch.report
        message = " ".join(str(m) for r in batch.report for m in r[3])
        assert "经营范围" in message, message
        assert not Enterprise.objects.filter(uscc=NEW_USCC).exists()
        del before  # the batch itself is stored (with its error report); no enterprise is


def test_the_service_refuses_a_nul_in_the_scope(world: World) -> None:
    from django.core.exceptions import ValidationError

    from yuanqu.enterprises import services
    before = db_state()
    try:
        services.enterprise_update(actor=world.users["region_staff"], enterprise=world.ent_smyz,
                                   business_scope="技术\x00服务")
    except ValidationError as exc:
        assert "business_scope" in exc.message_dict
        assert "控制" in " ".join(exc.message_dict["business_scope"])
    else:
        raise AssertionError("a NUL in the scope was stored")
    assert_unchanged(before)
