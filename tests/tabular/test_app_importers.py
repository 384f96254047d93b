"""Each app registers its own importers with the engine, from its AppConfig.ready(); the engine knows none by name."""

from __future__ import annotations

import pytest

from tests.conftest import World
from yuanqu.enterprises.models import Settlement
from yuanqu.investment.models import Lead, Project
from yuanqu.parks.models import Park, Unit
from yuanqu.tabular import engine
from yuanqu.tabular.registry import REGISTRY, importers_for

from . import files

#: entity → the app whose importers.py defines and registers it, and a sheet that imports one row
CASES = {
    "parks": ("parks", [["园区名称", "园区类型"], ["青岛登记园", "孵化器"]]),
    "units": ("parks", [["园区", "楼宇", "房号", "楼层", "面积（㎡）"], ["信联天地", "主塔楼", "2001", 20, 80]]),
    "enterprises": ("enterprises", None),
    "settlements": ("enterprises", None),
    "leads": ("investment", [["企业名称", "来源"], ["青岛登记线索有限公司", "其他"]]),
    "projects": ("investment", [["项目名称", "总投资（万元）"], ["青岛登记项目", 1000]]),
    "report_values": ("stats", None),
    "incubatees": ("innovation", None),
    "tech_contracts": ("innovation", None),
    "tech_needs": ("innovation", None),
    "support_services": ("support", None),  # tests/support/test_importer.py
    "policy_clauses": ("policies", None),
    "policy_applications": ("policies", None),  # tests/policies/test_agreement_import.py
    "agreements": ("policies", None),
    "agreement_commitments": ("policies", None),
    "designations": ("enterprises", None),  # tests/ladder/test_ladder.py
    "evaluation_inputs": ("evaluation", None),  # tests/evaluation
    "chain_talent": ("chains", None),  # tests/chains/test_importers.py
    "chain_platforms": ("chains", None),
    "chain_links": ("chains", None),
    "chain_targets": ("chains", None),
}


@pytest.mark.parametrize("entity", sorted(CASES))
def test_it_registers_each_importer_from_its_own_app(entity: str) -> None:
    app = CASES[entity][0]
    assert type(REGISTRY[entity]).__module__ == f"yuanqu.{app}.importers"


def test_the_upload_form_lists_enterprises_first(world: World) -> None:
    entities = [i.entity for i in importers_for(world.users["region_staff"])]
    assert entities[:6] == ["enterprises", "settlements", "parks", "units", "leads", "projects"]
    assert set(entities) == set(CASES)


@pytest.mark.parametrize("entity", ["parks", "units", "leads", "projects"])
def test_an_app_registered_importer_imports_through_the_engine(world: World, entity: str) -> None:
    staff = world.users["region_staff"]
    rows = CASES[entity][1]
    assert rows is not None
    batch = engine.start_batch(actor=staff, entity=entity, filename=f"{entity}.xlsx", data=files.xlsx(("S", rows)))
    batch = engine.commit(batch, actor=staff)
    assert batch.status == "committed", batch.error
    assert batch.counts["new"] == 1
    stored = {"parks": lambda: Park.objects.filter(name="青岛登记园"),
              "units": lambda: Unit.objects.filter(number="2001", building=world.tower),
              "leads": lambda: Lead.objects.filter(name="青岛登记线索有限公司"),
              "projects": lambda: Project.objects.filter(name="青岛登记项目")}[entity]()
    assert stored.count() == 1


def test_the_settlement_importer_of_the_enterprises_app_signs_an_enterprise(world: World) -> None:
    staff = world.users["region_staff"]
    data = files.xlsx(("S", [["统一社会信用代码", "园区", "签约日期"],
                             [world.ent_smyz.uscc, "信联天地", "2024-03-01"]]))
    batch = engine.commit(engine.start_batch(actor=staff, entity="settlements", filename="s.xlsx", data=data),
                          actor=staff)
    assert batch.status == "committed", batch.error
    assert Settlement.objects.filter(enterprise=world.ent_smyz, park=world.xltd).count() == 1
