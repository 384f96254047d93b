"""A park operator's import creates and updates only enterprises and settlements of its own parks."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from tests.conftest import World
from tests.helpers import read_xlsx
from yuanqu.enterprises.models import Enterprise, Settlement
from yuanqu.tabular import engine

from . import files


def test_an_operator_import_touches_only_its_own_parks(world: World) -> None:
    operator = world.users["park_operator"]
    new_code = files.usccs(1, seed=31)[0]
    rows = [
        ["统一社会信用代码", "企业名称", "注册资本(万元)", "园区"],
        # its tenant: update (the name; the registered capital is district staff's to set, issue 12 M7)
        [world.ent_xltd.uscc, "青岛信达软件股份有限公司", 500, "信联天地"],
        [world.ent_smyz.uscc, "改名企图有限公司", 1, ""],  # another park's tenant: refused
        [world.ent_laoshan.uscc, "崂山改名有限公司", 1, ""],  # another district's: refused
        [new_code, "青岛新入驻有限公司", 50, "信联天地"],  # registered nowhere: the same error as the two above
        [files.usccs(1, seed=32)[0], "青岛越界有限公司", 50, "生命药洲"],  # not its park: refused
        [files.usccs(1, seed=33)[0], "青岛无园区有限公司", 50, ""],  # no park: refused for an operator
    ]
    batch = engine.start_batch(actor=operator, entity="enterprises", filename="op.xlsx", data=files.xlsx(("S", rows)))
    batch = engine.commit(batch, actor=operator)
    status = {r[0]: (r[1], r[3]) for r in batch.report}
    assert status[2][0] == "update"
    # Codes outside its parks (another park's, another district's, or registered nowhere) get one same error: an
    # import does not tell an operator whether a code is registered (issue 12); new tenants go through requests.
    assert status[3][0] == status[4][0] == status[5][0] == "error"
    assert status[3][1] == status[4][1] == status[5][1] and "不在您园区的企业之列" in status[3][1][0]
    assert status[6][0] == "error" and "不是您管理的园区" in status[6][1][0]
    assert status[7][0] == "error" and "园区" in status[7][1][0]
    world.ent_smyz.refresh_from_db()
    world.ent_laoshan.refresh_from_db()
    assert world.ent_smyz.name == "青岛药研生物有限公司" and world.ent_laoshan.name == "青岛崂山海洋科技有限公司"
    assert not Enterprise.objects.filter(uscc=new_code).exists()
    assert not Enterprise.objects.filter(name__in=["青岛越界有限公司", "青岛无园区有限公司"]).exists()


def test_an_operator_export_contains_only_its_parks(world: World, client_as: Callable[[str], Client]) -> None:
    rows = read_xlsx(client_as("park_operator").get("/enterprises/?export=xlsx"))
    usccs = {r[0] for r in rows[1:]}
    assert world.ent_xltd.uscc in usccs
    assert world.ent_smyz.uscc not in usccs and world.ent_laoshan.uscc not in usccs
    rows = read_xlsx(client_as("park_operator").get("/enterprises/settlements/?export=xlsx"))
    assert {r[2] for r in rows[1:]} == {"信联天地"}


def test_an_operator_settlement_import_stays_in_its_parks(world: World) -> None:
    operator = world.users["park_operator"]
    rows = [["统一社会信用代码", "园区", "签约日期"],
            [world.ent_smyz.uscc, "信联天地", "2024-05-01"],
            [world.ent_xltd.uscc, "生命药洲", "2024-05-01"]]
    batch = engine.commit(engine.start_batch(actor=operator, entity="settlements", filename="s.xlsx",
                                             data=files.xlsx(("S", rows))), actor=operator)
    status = {r[0]: r[1] for r in batch.report}
    # 生命药洲's tenant is outside the operator's scope: the one scoped lookup does not find it (issue 12 H1).
    assert status == {2: "error", 3: "error"}, batch.report
    assert not Settlement.objects.filter(enterprise=world.ent_smyz, park=world.xltd).exists()
    assert not Settlement.objects.filter(enterprise=world.ent_xltd, park=world.smyz).exists()


def test_users_who_may_not_import_get_404(world: World, client_as: Callable[[str], Client]) -> None:
    for role in ("enterprise_user", "leader", "auditor", "region_admin"):
        client = client_as(role)
        assert client.get("/imports/").status_code == 404, role
        assert client.get("/imports/template/?entity=enterprises").status_code == 404, role


def test_an_operator_export_round_trips(world: World, client_as: Callable[[str], Client]) -> None:
    operator = world.users["park_operator"]
    Enterprise.objects.filter(pk=world.ent_xltd_fitout.pk).update(region_id="370212")  # registered elsewhere
    export = client_as("park_operator").get("/enterprises/?export=xlsx")
    batch = engine.commit(engine.start_batch(actor=operator, entity="enterprises", filename="op.xlsx",
                                             data=export.content), actor=operator)
    assert batch.counts["unchanged"] == batch.counts["total"] == 2, batch.report
