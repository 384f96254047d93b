"""Lists as districts get them: an enterprise registry export (企查查 / 天眼查 / the 公示系统: 登记状态 with its
bracketed explanation, 注册资本 with its currency in the cell, every level of the industry classification in its
own column), and published 认定名单 that name enterprises without their codes."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from tests.conftest import World, login
from yuanqu.core.demo import make_uscc
from yuanqu.core.numbers import NumberError, parse_number
from yuanqu.enterprises import services as ent
from yuanqu.enterprises.importers import resolve_enterprise
from yuanqu.enterprises.models import Designation, Enterprise, EnterpriseName
from yuanqu.parks.models import Park
from yuanqu.tabular import engine
from yuanqu.tabular.clean import CellError, parse_date
from yuanqu.tabular.models import ImportBatch
from yuanqu.tabular.registry import REGISTRY, Context
from yuanqu.tabular.table import Column, propose_mapping

from . import files
from .test_round_trip import upload

REGISTRY_HEADER = ["企业名称", "登记状态", "法定代表人", "注册资本", "实缴资本", "成立日期", "统一社会信用代码",
                   "所属省份", "所属城市", "所属区县", "企业类型", "国标行业门类", "国标行业大类", "国标行业中类",
                   "国标行业小类", "企业地址", "经营范围"]


def registry_export(codes: list[str]) -> bytes:
    """An export as the registry services give it (the 法定代表人 column holds placeholders, not people)."""
    where = ["山东省", "青岛市", "李沧区"]  # 所属省份, 所属城市, 所属区县
    address, hidden = "青岛市李沧区", "（略）"
    rows = [
        REGISTRY_HEADER,
        ["青岛测甲生物科技有限公司", "存续（在营、开业、在册）", hidden, "5000万元人民币", "1000万元人民币",
         "2015-03-12", codes[0], *where, "有限责任公司(自然人投资或控股)", "科学研究和技术服务业", "研究和试验发展",
         "医学研究和试验发展", "医学研究和试验发展", address, "生物技术研发"],
        ["青岛测乙信息技术有限公司", "在业", hidden, "100万美元", "-", "2019-11-01", codes[1], *where,
         "有限责任公司(外国法人独资)", "信息传输、软件和信息技术服务业", "软件和信息技术服务业", "信息技术咨询服务",
         "信息技术咨询服务", address, "软件开发"],
        ["青岛测丙商贸有限公司", "注销", hidden, "人民币50万元", "", "2010-01-05", codes[2], *where,
         "有限责任公司", "批发和零售业", "批发业", "", "", address, "批发"],
        ["青岛测丁制药有限公司", "吊销，未注销", hidden, "3000万人民币", "", "2008/5/6", codes[3], *where,
         "股份有限公司", "制造业", "医药制造业", "化学药品制造", "化学药品制剂制造", address, "药品"],
        ["青岛测戊机械有限公司", "吊销，已注销", hidden, "200万元", "", "2005-07-01", codes[4], *where,
         "有限责任公司", "制造业", "通用设备制造业", "", "", address, "机械"],
    ]
    return files.xlsx(("Sheet1", rows))


def test_it_imports_a_registry_export(world: World) -> None:
    staff = world.users["region_staff"]
    codes = files.usccs(5, seed=21)
    batch = engine.start_batch(actor=staff, entity="enterprises", filename="企查查导出.xlsx",
                               data=registry_export(codes))
    mapped = {c["header"]: batch.mapping.get(str(c["index"]), "") for c in batch.columns}
    # the finest level of the classification, not the first column that mentions 行业
    assert mapped["国标行业小类"] == "industry" and mapped["国标行业门类"] == ""
    assert mapped["法定代表人"] == "" and mapped["实缴资本"] == ""  # no personal data taken; paid-in is not registered
    assert mapped["登记状态"] == "status" and mapped["注册资本"] == "registered_capital_wan"
    batch = engine.commit(batch, actor=staff)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.error
    assert batch.counts["new"] == 4 and batch.counts["error"] == 1, batch.report
    error = next(r for r in batch.report if r[1] == "error")
    assert error[0] == 3 and "美元" in error[3][0] and "人民币" in error[3][0], error  # no exchange rate is guessed
    stored = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=codes)}
    assert codes[1] not in stored
    one, three, four, five = stored[codes[0]], stored[codes[2]], stored[codes[3]], stored[codes[4]]
    assert (one.status, one.registered_capital_wan, one.industry_id) == ("active", Decimal("5000.00"), "7340")
    assert (three.status, three.registered_capital_wan, three.industry_id) == ("cancelled", Decimal("50.00"), None)
    assert (four.status, four.registered_capital_wan, four.industry_id) == ("revoked", Decimal("3000.00"), "2720")
    assert five.status == "cancelled"  # 吊销，已注销: revoked, and since deregistered
    assert four.established_on == dt.date(2008, 5, 6)


@pytest.mark.parametrize(("typed", "wan"), [
    ("5000万元人民币", "5000"), ("人民币5000万元", "5000"), ("3000万人民币", "3000"), ("人民币 50 万元", "50"),
    ("1,200万元人民币", "1200"), ("￥120万元", "120"), ("RMB 300万元", "300"), ("五百万元人民币", "500"),
    ("0.5亿元人民币", "5000"),
])
def test_an_amount_may_say_it_is_in_renminbi(typed: str, wan: str) -> None:
    assert parse_number(typed, unit="万元") == Decimal(wan)


@pytest.mark.parametrize("typed", ["100万美元", "200万港元", "50万港币", "30万欧元", "USD 100万", "$100"])
def test_an_amount_in_another_currency_is_refused(typed: str) -> None:
    with pytest.raises(NumberError) as caught:
        parse_number(typed, unit="万元")
    assert caught.value.code == "currency" and "人民币" in str(caught.value)


def test_renminbi_is_not_read_into_a_head_count() -> None:
    assert parse_number("3万人", unit="人") == 30000  # 万人 is still people, not 万 + 人民币


def test_a_column_naming_a_field_outright_wins_over_a_weak_header() -> None:
    columns = [Column(0, "企业名称", "企业名称", ""),
               Column(1, "统一社会信用代码（纳税人识别号）", "统一社会信用代码", "")]
    synonyms, weak = {"enterprise": ["统一社会信用代码", "信用代码"]}, {"enterprise": ["企业名称", "名称"]}
    proposals = propose_mapping(columns, synonyms, weak=weak)
    assert [(p.field, p.confidence) for p in proposals] == [("", 0.0), ("enterprise", 1.0)]
    alone = propose_mapping(columns[:1], synonyms, weak=weak)  # a 认定名单 without codes: by name, less sure
    assert [(p.field, p.confidence) for p in alone] == [("enterprise", 0.6)]


def test_the_earlier_synonym_wins_a_tie() -> None:
    headers = ["国标行业门类", "国标行业大类", "国标行业中类", "国标行业小类"]
    columns = [Column(i, h, h, "") for i, h in enumerate(headers)]
    synonyms = {"industry": ["行业代码", "行业", "行业小类", "行业中类", "行业大类", "行业门类"]}
    assert [p.field for p in propose_mapping(columns, synonyms)] == ["", "", "", "industry"]
    assert [p.field for p in propose_mapping(columns[:3], synonyms)] == ["", "", "industry"]


def high_tech_list(names: list[str]) -> bytes:
    """A 认定报备名单 laid out as published: a title, 序号 / 企业名称 / 证书编号 / 发证日期, no codes."""
    rows: list[list[object]] = [["2023年第一批认定报备高新技术企业名单"], ["序号", "企业名称", "证书编号", "发证日期"]]
    rows += [[i + 1, name, f"GR2023371{i:05d}", "2023-11-29"] for i, name in enumerate(names)]
    return files.xlsx(("Sheet1", rows), merged=[(0, 0, 0, 3)])


def test_a_designation_list_without_codes_goes_by_name(world: World) -> None:
    staff = world.users["region_staff"]
    bracketed = ent.enterprise_create(actor=staff, uscc=make_uscc(random.Random(91), "370213"),
                                      name="青岛海测（李沧）科技有限公司", region=world.licang)
    renamed = ent.enterprise_create(actor=staff, uscc=make_uscc(random.Random(92), "370213"),
                                    name="青岛新名科技有限公司", region=world.licang)
    EnterpriseName.objects.create(enterprise=renamed, name="青岛旧名科技有限公司", used_until=dt.date(2024, 1, 1))
    names = [world.ent_xltd.name, "青岛海测(李沧)科技有限公司", "青岛旧名科技有限公司", world.ent_laoshan.name,
             "青岛不存在科技有限公司"]
    batch = engine.start_batch(actor=staff, entity="designations", filename="高企名单.xlsx", data=high_tech_list(names))
    assert batch.header_rows == [2]
    by_header = {c["header"]: batch.mapping.get(str(c["index"]), "") for c in batch.columns}
    assert by_header["企业名称"] == "enterprise" and by_header["证书编号"] == "certificate_no"
    # the list is of one kind: until the user says which, nothing is checked
    assert any("认定类型" in p for p in engine.mapping_problems(batch))
    engine.set_mapping(batch, engine.column_mapping(batch), actor=staff,
                       defaults={"kind": "high_tech", "level": "national"})
    assert engine.mapping_problems(batch) == []
    batch = engine.commit(batch, actor=staff, accept_warnings=True)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.error
    assert (batch.counts["new"], batch.counts["warning"], batch.counts["error"]) == (2, 1, 2), batch.report
    errors = {r[0]: r[3] for r in batch.report if r[1] == "error"}
    # 崂山's enterprise is out of this clerk's scope: the same words as for a name nobody has
    assert errors[6] == errors[7] and "范围" in errors[6][0], errors
    former = next(r for r in batch.report if r[0] == 5)
    assert any("曾用名" in w and renamed.name in w for w in former[3]), former
    granted = Designation.objects.filter(kind="high_tech", recognised_on=dt.date(2023, 11, 29))
    assert set(granted.values_list("enterprise", flat=True)) == {world.ent_xltd.pk, bracketed.pk, renamed.pk}
    assert set(granted.values_list("level", flat=True)) == {"national"}
    assert not Designation.objects.filter(enterprise=world.ent_laoshan, recognised_on=dt.date(2023, 11, 29)).exists()


def test_a_name_two_enterprises_share_asks_for_the_code(world: World) -> None:
    staff = world.users["region_staff"]
    for seed in (93, 94):
        ent.enterprise_create(actor=staff, uscc=make_uscc(random.Random(seed), "370213"), name="青岛同名科技有限公司",
                              region=world.licang)
    batch = engine.start_batch(actor=staff, entity="designations", filename="名单.xlsx",
                               data=high_tech_list(["青岛同名科技有限公司"]))
    engine.set_mapping(batch, engine.column_mapping(batch), actor=staff, defaults={"kind": "high_tech"})
    batch = engine.preview(batch, actor=staff)
    assert batch.counts["error"] == 1 and "统一社会信用代码" in batch.report[0][3][0], batch.report


def test_the_mapping_page_offers_the_kind_of_a_whole_list(world: World, client: Client) -> None:
    login(client, world.users["region_staff"])
    batch = upload(client, "高企名单.xlsx", high_tech_list([world.ent_xltd.name]), entity="designations")
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert 'name="default_kind"' in page and ">高新技术企业</option>" in page
    mapping = {f"col_{k}": v for k, v in engine.column_mapping(batch).items()}
    bad = client.post(f"/imports/{batch.pk}/mapping/", {**mapping, "default_kind": "no_such_kind"})
    assert bad.status_code == 302
    batch.refresh_from_db()
    assert batch.status != ImportBatch.Status.PREVIEWED  # an unknown kind is a problem of the mapping, not a 500
    assert client.post(f"/imports/{batch.pk}/mapping/", {**mapping, "default_kind": "high_tech"}).status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED and batch.counts["new"] == 1, (batch.error, batch.report)


@pytest.mark.parametrize("role", ["park_operator", "enterprise_user", "region_staff"])
def test_an_enterprise_named_out_of_scope_is_not_found(world: World, role: str) -> None:
    """By name as by code, each role finds only the enterprises it may see: the operator of 信联天地 and its
    enterprise's user not 生命药洲's, district staff not 崂山's (the unscoped table has them all)."""
    actor = world.users[role]
    ctx = Context(actor=actor)
    hidden = world.ent_laoshan if role == "region_staff" else world.ent_smyz
    seen = world.ent_xltd
    assert Enterprise.objects.filter(name=hidden.name).exists()  # it is there to find
    for text in (hidden.name, hidden.uscc):
        with pytest.raises(CellError) as caught:
            resolve_enterprise(ctx, text)
        assert "范围" in str(caught.value)
    assert resolve_enterprise(ctx, seen.name) == seen and resolve_enterprise(ctx, seen.uscc) == seen
    EnterpriseName.objects.create(enterprise=hidden, name="青岛某旧名有限公司", used_until=dt.date(2020, 1, 1))
    with pytest.raises(CellError):
        resolve_enterprise(ctx, "青岛某旧名有限公司")  # nor by a former name


def test_every_list_of_enterprises_takes_codes_or_names(db: None) -> None:
    """The importers that attach rows to registered enterprises all resolve them by code or name, in scope."""
    found = {imp.entity for imp in REGISTRY.values() for f in imp.fields if f.resolve is resolve_enterprise}
    assert {"designations", "incubatees", "tech_needs", "evaluation_inputs", "agreements", "policy_applications",
            "chain_talent", "chain_links"} <= found


@pytest.mark.parametrize(("cell", "day"), [
    (1992.11, dt.date(1992, 11, 1)), (2023.06, dt.date(2023, 6, 1)), (2023.6, dt.date(2023, 6, 1)),
    (1992.12, dt.date(1992, 12, 1)), (2023, dt.date(2023, 1, 1)), (2023.0, dt.date(2023, 1, 1)),
    (44927, dt.date(2023, 1, 1)), (44927.0, dt.date(2023, 1, 1)),  # an Excel serial is still one
])
def test_a_year_and_month_typed_as_a_number_is_not_an_excel_serial(cell: float, day: dt.date) -> None:
    assert parse_date(cell) == day  # 1992.11 as a serial would be a day of 1905


def test_a_number_that_may_be_january_or_october_is_asked_about() -> None:
    with pytest.raises(CellError) as caught:
        parse_date(1992.1)  # typed 1992.10 or 1992.1: the cell cannot tell
    assert "1992-01" in str(caught.value) and "1992-10" in str(caught.value)


def test_a_development_zone_list_with_number_dates(world: World) -> None:
    """批准时间 typed as numbers, as the catalogue's tables often have them."""
    staff = world.users["region_staff"]
    rows = [["园区名称", "园区类型", "批准时间"], ["测试园区甲", "开发区", 1992.11], ["测试园区乙", "开发区", 1992.1],
            ["测试园区丙", "开发区", 2006.03]]
    batch = engine.start_batch(actor=staff, entity="parks", filename="开发区.xlsx", data=files.xlsx(("Sheet1", rows)))
    mapping = engine.column_mapping(batch)
    date_col = next(str(c["index"]) for c in batch.columns if c["header"] == "批准时间")
    engine.set_mapping(batch, {**mapping, date_col: "opened_on"}, actor=staff)
    batch = engine.commit(batch, actor=staff)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.error
    assert (batch.counts["new"], batch.counts["error"]) == (2, 1), batch.report
    assert "10月" in next(r for r in batch.report if r[1] == "error")[3][0]
    opened = dict(Park.objects.filter(name__startswith="测试园区").values_list("name", "opened_on"))
    assert opened == {"测试园区甲": dt.date(1992, 11, 1), "测试园区丙": dt.date(2006, 3, 1)}


def test_a_park_merged_down_over_its_enterprises_signs_each_of_them(world: World) -> None:
    """入驻企业名单 grouped by park, 所在园区 merged once over each group, as offices lay such lists out."""
    staff = world.users["region_staff"]
    codes = files.usccs(5, seed=41)
    rows: list[list[object]] = [
        ["2024年园区入驻企业名单", "", "", "", ""],
        ["序号", "所在园区", "企业名称", "统一社会信用代码", "签约日期"],
        [1, world.xltd.name, "青岛合并一号科技有限公司", codes[0], "2024-03-01"],
        [2, "", "青岛合并二号科技有限公司", codes[1], "2024-03-02"],
        [3, "", "青岛合并三号科技有限公司", codes[2], "2024-03-03"],
        [4, world.smyz.name, "青岛合并四号科技有限公司", codes[3], "2024-03-04"],
        [5, "", "青岛合并五号科技有限公司", codes[4], "2024-03-05"],
        ["注：按园区分组。", "", "", "", ""],
    ]
    merged = [(0, 0, 0, 4), (2, 1, 4, 1), (5, 1, 6, 1)]
    batch = engine.start_batch(actor=staff, entity="enterprises", filename="入驻名单.xlsx",
                               data=files.xlsx(("名单", rows), merged=merged))
    assert engine.column_mapping(batch).get("1") == "park", batch.columns
    batch = engine.commit(batch, actor=staff)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.error
    assert (batch.counts["new"], batch.counts["error"]) == (5, 0), batch.report
    parks = dict(Enterprise.objects.filter(uscc__in=codes).values_list("uscc", "settlements__park__name"))
    assert parks == {codes[0]: world.xltd.name, codes[1]: world.xltd.name, codes[2]: world.xltd.name,
                     codes[3]: world.smyz.name, codes[4]: world.smyz.name}
    assert [why for _line, why in batch.skipped] == ["note"]  # a merge across the note row copies nothing


def unit_noted_list(world: World) -> bytes:
    """A lead list as offices send one: 「单位：亿元」 alone at the right above the header, no unit in the header."""
    rows: list[list[object]] = [
        ["2024年招商线索台账", "", "", "", ""],
        ["", "", "", "", "单位：亿元"],
        ["序号", "企业名称", "意向园区", "意向投资额", "预计用工"],
        [1, "青岛单位一号科技有限公司", world.xltd.name, 12.5, 300],
        [2, "青岛单位二号科技有限公司", world.xltd.name, "一点五", 80],
        [3, "青岛单位三号科技有限公司", world.xltd.name, "很多", 20],
    ]
    return files.xlsx(("台账", rows))


def test_a_unit_noted_above_the_header_is_the_tables(world: World, client: Client) -> None:
    """总投资 12.5 under 「单位：亿元」 is 125000 万元, not 12.5 万元; a head-count in the same table is not in 亿元."""
    from yuanqu.investment.models import Lead

    staff = world.users["region_staff"]
    batch = engine.start_batch(actor=staff, entity="leads", filename="台账.xlsx", data=unit_noted_list(world))
    mapping = engine.column_mapping(batch)
    assert set(mapping.values()) >= {"name", "target_park", "intended_investment_wan", "expected_jobs"}, mapping
    login(client, staff)
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "亿元" in page and "unit-conversion" in page  # the mapping page says 亿元 → 万元
    batch = engine.commit(batch, actor=staff)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.error
    assert (batch.counts["new"], batch.counts["error"]) == (2, 1), batch.report
    stored = dict(Lead.objects.filter(name__startswith="青岛单位").values_list("name", "intended_investment_wan"))
    assert stored == {"青岛单位一号科技有限公司": Decimal("125000.00"), "青岛单位二号科技有限公司": Decimal("15000.00")}
    jobs = dict(Lead.objects.filter(name__startswith="青岛单位").values_list("name", "expected_jobs"))
    assert jobs == {"青岛单位一号科技有限公司": 300, "青岛单位二号科技有限公司": 80}
    # the rows to fix keep the unit their numbers are in, so the fixed file imports right
    errors = CalamineWorkbook.from_filelike(io.BytesIO(engine.error_rows_xlsx(batch))).get_sheet_by_index(0)
    header = errors.to_python()[0]
    assert any(str(h).endswith("(亿元)") and "投资" in str(h) for h in header), header


def test_two_units_noted_above_the_header_name_none(world: World) -> None:
    rows: list[list[object]] = [["单位：亿元", "", "单位：万元"], ["企业名称", "意向园区", "意向投资额"],
                                ["青岛双单位科技有限公司", world.xltd.name, 3]]
    staff = world.users["region_staff"]
    batch = engine.start_batch(actor=staff, entity="leads", filename="x.xlsx", data=files.xlsx(("S", rows)))
    assert all(not c.get("table_unit") for c in batch.columns)  # which one? neither is guessed
