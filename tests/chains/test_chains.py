"""产业链 through the front door and the services: templates with real GB/T 4754-2017 classes, link suggestion by
code and keyword (a rejection stays rejected), the gap figures against a brute-force count (all and 规上, output and
tax from the figures layer, an operator's narrower view), a target turned into a lead once, tasks, and every form's
bad input refused in Chinese with nothing stored."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from yuanqu.chains import selectors, services
from yuanqu.chains.models import Chain, ChainLink, ChainMember, ChainNode, ChainTarget, ChainTask
from yuanqu.chains.templates import TEMPLATES, all_classes
from yuanqu.core.models import AuditEvent, IndustryCode
from yuanqu.enterprises import services as ent
from yuanqu.enterprises.models import Enterprise
from yuanqu.figures.enterprise_values import enterprise_year_values
from yuanqu.investment.models import Lead

from ..conftest import login
from ..policies.conftest import add_annual_statistics

YEAR = 2025


@pytest.fixture
def staff(world):
    return world.users["region_staff"]


@pytest.fixture
def staff_client(client, world):
    return login(client, world.users["region_staff"])


def codes(text):
    return services.parse_industry_codes(text)


@pytest.fixture
def tree(world, staff):
    """A: segment → B (core, target 3) → C (core), D (target 1); E: a core segment nobody is on."""
    chain = services.chain_create(actor=staff, name="测试链")
    a = services.node_create(actor=staff, chain=chain, name="A")
    b = services.node_create(actor=staff, chain=chain, parent=a, name="B", importance="core", target_count=3,
                             industries=codes("6513"))
    c = services.node_create(actor=staff, chain=chain, parent=b, name="C", importance="core")
    d = services.node_create(actor=staff, chain=chain, parent=b, name="D", target_count=1, keywords="崂山,海洋")
    e = services.node_create(actor=staff, chain=chain, name="E", importance="core")
    return chain, {"A": a, "B": b, "C": c, "D": d, "E": e}


# =========================================================================== templates


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_it_ships_templates_whose_classes_all_exist(world, key):
    wanted = all_classes(TEMPLATES[key])
    found = set(IndustryCode.objects.filter(code__in=wanted, level=4).values_list("code", flat=True))
    assert wanted and wanted == found


def test_it_builds_a_chain_from_a_template(world, staff):
    chain = services.chain_from_template(actor=staff, key="biomed")
    assert chain.template == "biomed" and chain.region_id == "370213"
    cdmo = ChainNode.objects.get(chain=chain, name="CDMO（合同定制研发生产）")
    assert cdmo.depth == 3 and cdmo.importance == "core" and not cdmo.industries.exists()
    assert cdmo.parent.parent.name == "上游"
    assert set(ChainNode.objects.get(chain=chain, name="原料药").industries.values_list("code", flat=True)) == {"2710"}
    # one audit event per node, in the chain's region
    assert AuditEvent.objects.filter(object_type="chains.ChainNode", region_code="370213").count() == \
        ChainNode.objects.filter(chain=chain).count()


def test_the_command_loads_a_template_for_a_district(world):
    from django.core.management import call_command

    call_command("chains_template", "digital", "--user", "laoshan_staff")
    chain = Chain.objects.get(name="数字经济", region_id="370212")
    assert ChainNode.objects.filter(chain=chain, name="软件开发").exists()


# =========================================================================== links


def test_it_suggests_by_code_and_keyword_and_keeps_a_rejection(world, staff, tree):
    chain, n = tree
    made = services.links_suggest(actor=staff, chain=chain)
    # B by 6513: the three 李沧 enterprises (崂山's is another region's); D's keywords match no 李沧 name
    b_links = ChainLink.objects.filter(node=n["B"])
    assert made == 3 and set(b_links.values_list("enterprise_id", flat=True)) == {
        world.ent_xltd.pk, world.ent_xltd_fitout.pk, world.ent_smyz.pk}
    assert set(b_links.values_list("source", "confidence", "status")) == {("industry", 90, "suggested")}
    link = b_links.get(enterprise=world.ent_smyz)
    services.link_decide(actor=staff, link=link, confirm=False)
    assert services.links_suggest(actor=staff, chain=chain) == 0
    assert ChainLink.objects.get(pk=link.pk).status == "rejected"
    batch = AuditEvent.objects.filter(object_type="chains.Chain", object_id=str(chain.pk)).order_by("-id").first()
    assert batch.after == {"batch": "chain_links_suggest", "suggested": 0}


def test_it_suggests_by_keyword_in_the_name(world, tree):
    chain, n = tree
    laoshan_chain = services.chain_create(actor=world.laoshan_staff, name="海洋链")
    node = services.node_create(actor=world.laoshan_staff, chain=laoshan_chain, name="海洋科技", keywords="海洋")
    assert services.links_suggest(actor=world.laoshan_staff, chain=laoshan_chain) == 1
    link = ChainLink.objects.get(node=node)
    assert (link.enterprise_id, link.source, link.matched, link.confidence) == (
        world.ent_laoshan.pk, "keyword", "海洋", 60)


def test_it_suggests_by_keyword_in_the_business_scope_below_a_name_match(world, tree, client):
    """A keyword only in the 经营范围 suggests the enterprise, weaker (40) than one in the name (60), and says so."""
    laoshan_chain = services.chain_create(actor=world.laoshan_staff, name="医药链")
    node = services.node_create(actor=world.laoshan_staff, chain=laoshan_chain, name="CDMO",
                                keywords="CDMO，定制研发生产")
    assert "CDMO" not in world.ent_laoshan.name and "定制研发生产" not in world.ent_laoshan.name
    Enterprise.objects.filter(pk=world.ent_laoshan.pk).update(
        business_scope="一般项目：医学研究和试验发展；药品委托定制研发生产（CDMO）服务；技术服务。")
    assert services.links_suggest(actor=world.laoshan_staff, chain=laoshan_chain) == 1
    link = ChainLink.objects.get(node=node)
    assert (link.enterprise_id, link.source, link.matched, link.confidence) == (
        world.ent_laoshan.pk, "keyword", "经营范围：CDMO", services.SCOPE_CONFIDENCE)
    assert services.SCOPE_CONFIDENCE < services.CONFIDENCE[ChainLink.Source.KEYWORD]
    page = login(client, world.laoshan_staff)
    assert "经营范围：CDMO" in page.get(reverse("chains:node_detail", args=[node.pk])).content.decode()
    # the same word in the name wins over the scope, with the name's confidence
    other = services.node_create(actor=world.laoshan_staff, chain=laoshan_chain, name="海洋", keywords="海洋")
    Enterprise.objects.filter(pk=world.ent_laoshan.pk).update(business_scope="海洋生物技术研发")
    services.links_suggest(actor=world.laoshan_staff, chain=laoshan_chain)
    assert ChainLink.objects.get(node=other).confidence == 60


def test_a_scope_without_a_keyword_suggests_nothing(world, tree):
    laoshan_chain = services.chain_create(actor=world.laoshan_staff, name="医药链")
    services.node_create(actor=world.laoshan_staff, chain=laoshan_chain, name="CDMO", keywords="CDMO")
    Enterprise.objects.filter(pk=world.ent_laoshan.pk).update(business_scope="一般项目：海洋工程装备研发。")
    assert services.links_suggest(actor=world.laoshan_staff, chain=laoshan_chain) == 0


def test_staff_confirm_and_reject_on_the_node_page(world, staff, staff_client, tree):
    chain, n = tree
    services.links_suggest(actor=staff, chain=chain)
    link = ChainLink.objects.get(node=n["B"], enterprise=world.ent_xltd)
    page = staff_client.get(reverse("chains:node_detail", args=[n["B"].pk]))
    assert page.status_code == 200 and "确认" in page.content.decode()
    staff_client.post(reverse("chains:link_decide", args=[link.pk]), {"decision": "confirm"})
    link.refresh_from_db()
    assert link.status == "confirmed" and link.decided_by == staff
    response = staff_client.post(reverse("chains:link_decide", args=[link.pk]), {"decision": "maybe"}, follow=True)
    assert "请选择确认或拒绝" in response.content.decode()
    assert ChainLink.objects.get(pk=link.pk).status == "confirmed"


def test_a_hand_link_must_be_of_the_chains_region(world, staff, tree):
    chain, n = tree
    with pytest.raises(ValidationError) as exc:
        services.link_create(actor=staff, node=n["C"], enterprise=world.ent_laoshan)
    assert "产业链所在区域" in " ".join(exc.value.messages)
    assert not ChainLink.objects.filter(enterprise=world.ent_laoshan).exists()


# =========================================================================== gap figures


def brute_force(chain, visible_enterprise_ids, year):
    """Per node: the confirmed enterprises of it and every node below it, counted by walking the tree by hand."""
    nodes = list(ChainNode.objects.filter(chain=chain))
    out = {}
    for node in nodes:
        below = {node.pk}
        grew = True
        while grew:
            more = {m.pk for m in nodes if m.parent_id in below} - below
            grew = bool(more)
            below |= more
        ents = {lk.enterprise_id for lk in ChainLink.objects.filter(node_id__in=below, status="confirmed")
                if lk.enterprise_id in visible_enterprise_ids}
        above = len(ents & set(Enterprise.objects.filter(is_above_scale=True).values_list("pk", flat=True)))
        values = enterprise_year_values(ents, year, ["output", "tax"])
        output = sum((v["output"].value for v in values.values() if "output" in v), Decimal(0))
        status = ("missing" if node.importance == "core" and not ents else
                  "weak" if node.target_count is not None and len(ents) < node.target_count else "sound")
        out[node.name] = (len(ents), above, output if any("output" in v for v in values.values()) else None, status)
    return out


def test_the_gap_figures_match_a_brute_force_count(world, staff, tree):
    add_annual_statistics(world)
    chain, n = tree
    ent.enterprise_update(actor=staff, enterprise=world.ent_smyz, is_above_scale=True)
    services.link_create(actor=staff, node=n["C"], enterprise=world.ent_xltd)
    services.link_create(actor=staff, node=n["D"], enterprise=world.ent_smyz)
    services.link_create(actor=staff, node=n["B"], enterprise=world.ent_xltd)  # counted once under B
    services.links_suggest(actor=staff, chain=chain)  # fitting-out enterprise on B: suggested, not counted
    figs = selectors.chain_figures(chain, staff, YEAR)
    got = {f.node.name: (f.enterprises, f.above_scale, f.output_wan, f.status) for f in figs.values()}
    visible = {world.ent_xltd.pk, world.ent_xltd_fitout.pk, world.ent_smyz.pk}
    assert got == brute_force(chain, visible, YEAR)
    # and by hand: B holds 信联天地's and 生命药洲's enterprises (below its target of 3), E is missing
    assert got["B"][0] == 2 and got["B"][3] == "weak" and got["E"] == (0, 0, None, "missing")
    assert got["D"][1] == 1 and got["C"][3] == "sound"
    values = enterprise_year_values([world.ent_xltd.pk, world.ent_smyz.pk], YEAR, ["output", "tax"])
    assert figs[n["B"].pk].output_wan == values[world.ent_xltd.pk]["output"].value + \
        values[world.ent_smyz.pk]["output"].value
    assert figs[n["B"].pk].tax_wan == values[world.ent_xltd.pk]["tax"].value + values[world.ent_smyz.pk]["tax"].value
    assert figs[n["B"].pk].suggested == 2  # the fitting-out one, and 生命药洲's by its class
    # the operator of 信联天地 counts only its own park's enterprises
    operator = world.users["park_operator"]
    op = selectors.chain_figures(chain, operator, YEAR)
    assert {f.node.name: (f.enterprises, f.status) for f in op.values()} == {
        k: (v[0], v[3]) for k, v in brute_force(chain, {world.ent_xltd.pk, world.ent_xltd_fitout.pk}, YEAR).items()}
    assert op[n["D"].pk].enterprises == 0 and op[n["D"].pk].status == "weak"


def test_the_map_and_the_table_show_the_status(world, staff, staff_client, tree):
    chain, n = tree
    services.link_create(actor=staff, node=n["C"], enterprise=world.ent_xltd)
    data = json.loads(staff_client.get(reverse("chains:chain_tree", args=[chain.pk])).content)
    root = data["option"]["series"][0]["data"][0]
    assert root["name"] == "测试链"
    by_name = {}

    def walk(items):
        for item in items:
            by_name[item["name"]] = item
            walk(item.get("children", []))
    walk(root["children"])
    assert by_name["★E（0）"]["status"] == "missing" and by_name["★E（0）"]["link"] == reverse(
        "chains:node_detail", args=[n["E"].pk])
    assert by_name["★B（1/3）"]["status"] == "weak" and by_name["★C（1）"]["status"] == "sound"
    page = staff_client.get(reverse("chains:chain_detail", args=[chain.pk])).content.decode()
    assert f'data-node="{n["E"].pk}" data-status="missing"' in page and "缺失" in page


def test_an_enterprise_user_sees_nothing_of_chains(world, client, tree):
    chain, n = tree
    c = login(client, world.users["enterprise_user"])
    for url in (reverse("chains:chains"), reverse("chains:chain_detail", args=[chain.pk]),
                reverse("chains:node_detail", args=[n["B"].pk]), reverse("chains:chain_tree", args=[chain.pk])):
        assert c.get(url).status_code == 404


def test_another_regions_node_is_a_404(world, staff_client):
    other = services.chain_create(actor=world.laoshan_staff, name="崂山链")
    node = services.node_create(actor=world.laoshan_staff, chain=other, name="X")
    assert staff_client.get(reverse("chains:node_detail", args=[node.pk])).status_code == 404
    assert staff_client.post(reverse("chains:target_create", args=[node.pk]), {"name": "X"}).status_code == 404
    assert not ChainTarget.objects.filter(node=node).exists()


# =========================================================================== targets, leads, tasks, people


def test_a_target_becomes_a_lead_once(world, staff, staff_client, tree):
    chain, n = tree
    target = services.target_create(actor=staff, node=n["B"], name="苏州某CDMO公司", location="苏州",
                                    reason="产能扩张", source="协会")
    response = staff_client.post(reverse("chains:target_lead", args=[target.pk]), follow=True)
    assert "已转为招商线索" in response.content.decode()
    target.refresh_from_db()
    lead = target.lead
    assert target.status == "lead" and lead.name == "苏州某CDMO公司" and lead.owner == staff
    assert lead.industry_id == "6513" and "测试链" in lead.note and "B" in lead.note
    assert lead.chain_target == target  # the lead remembers its node
    again = staff_client.post(reverse("chains:target_lead", args=[target.pk]), follow=True)
    assert "该目标已转为线索" in again.content.decode()
    assert Lead.objects.filter(name="苏州某CDMO公司").count() == 1
    # the node page lists the lead, and counts it
    page = staff_client.get(reverse("chains:node_detail", args=[n["B"].pk])).content.decode()
    assert reverse("investment:lead_detail", args=[lead.pk]) in page
    assert selectors.chain_figures(chain, staff)[n["B"].pk].leads >= 1


def test_targets_pasted_all_or_nothing(world, staff_client, tree):
    chain, n = tree
    url = reverse("chains:target_create", args=[n["E"].pk])
    bad = staff_client.post(url, {"lines": "甲公司|上海|原因|来源\n|北京\n乙公司"}, follow=True)
    assert "第2行：缺少企业名称" in bad.content.decode()
    assert not ChainTarget.objects.filter(node=n["E"]).exists()
    staff_client.post(url, {"lines": "甲公司\t上海\t原因\t来源\n乙公司|北京"})
    staff_client.post(url, {"lines": "甲公司\t上海\t原因\t来源\n乙公司|北京"})  # again: nothing new
    assert sorted(ChainTarget.objects.filter(node=n["E"]).values_list("name", "location")) == [
        ("乙公司", "北京"), ("甲公司", "上海")]


def test_tasks_and_people(world, staff, staff_client, tree):
    chain, n = tree
    staff_client.post(reverse("chains:task_create", args=[n["E"].pk]),
                      {"title": "走访", "owner": "张三", "due_on": "2026-03-01", "status": "todo"})
    task = ChainTask.objects.get(node=n["E"])
    staff_client.post(reverse("chains:task_update", args=[task.pk]), {"status": "done"})
    assert ChainTask.objects.get(pk=task.pk).status == "done"
    staff_client.post(reverse("chains:member_create", args=[chain.pk]), {"role": "chief", "name": "王五",
                                                                          "post": "区长"})
    member = ChainMember.objects.get(chain=chain)
    assert member.get_role_display() == "链长"
    assert "王五" in staff_client.get(reverse("chains:chains")).content.decode()


# =========================================================================== bad input


def test_node_bad_input_is_refused_in_chinese(world, staff, staff_client, tree):
    chain, n = tree
    other = services.chain_create(actor=staff, name="另一条链")
    foreign = services.node_create(actor=staff, chain=other, name="外链节点")
    url = reverse("chains:node_create", args=[chain.pk])
    before = ChainNode.objects.count()
    cases = [
        ({"name": "", "importance": "core"}, "此项为必填项"),
        ({"name": "X", "importance": "core", "industries": "2710 9999"}, "9999"),
        ({"name": "X", "importance": "core", "parent": foreign.pk}, "选择一个有效的选项"),
        ({"name": "X\x00", "importance": "core"}, "不能包含空字符"),
        ({"name": "X", "importance": "core", "target_count": "99999999999999999999"}, "10000"),
        ({"name": "X", "importance": "core", "parent": n["C"].pk}, "选择一个有效的选项"),  # a 4th level
    ]
    for data, words in cases:
        response = staff_client.post(url, data)
        assert response.status_code == 200, data
        assert words in response.content.decode(), (data, words)
    assert ChainNode.objects.count() == before
    # a cycle: B moved under its own child C, by the form and by the service
    edit = staff_client.post(reverse("chains:node_edit", args=[n["B"].pk]),
                             {"name": "B", "importance": "core", "parent": n["C"].pk})
    assert "选择一个有效的选项" in edit.content.decode()
    with pytest.raises(ValidationError) as exc:
        services.node_update(actor=staff, node=n["B"], parent=n["C"])
    assert "下级" in " ".join(exc.value.messages)
    with pytest.raises(ValidationError):
        services.node_create(actor=staff, chain=chain, name="Y", parent=foreign)
    assert ChainNode.objects.get(pk=n["B"].pk).parent_id == n["A"].pk


def test_chain_task_and_target_bad_input(world, staff_client, tree):
    chain, n = tree
    for data, words in (({"name": ""}, "此项为必填项"), ({"name": "a\x00b"}, "不能包含空字符")):
        response = staff_client.post(reverse("chains:chain_create"), data)
        assert response.status_code == 200 and words in response.content.decode()
    assert Chain.objects.count() == 1
    dup = staff_client.post(reverse("chains:chain_create"), {"name": "测试链"})
    assert "同名产业链已存在" in dup.content.decode()
    task_url = reverse("chains:task_create", args=[n["B"].pk])
    for due in ("2026-13-45", "明天", ""):
        response = staff_client.post(task_url, {"title": "走访", "owner": "张三", "due_on": due, "status": "todo"},
                                     follow=True)
        assert response.status_code == 200 and "完成时限" in response.content.decode(), due
    assert not ChainTask.objects.exists()
    t = staff_client.post(reverse("chains:target_create", args=[n["B"].pk]), {"name": "\x00"}, follow=True)
    assert t.status_code == 200 and not ChainTarget.objects.exists()
    staff_client.post(reverse("chains:target_create", args=[n["B"].pk]), {"name": "甲"})
    twice = staff_client.post(reverse("chains:target_create", args=[n["B"].pk]), {"name": "甲"}, follow=True)
    assert "已在该环节的靶向清单中" in twice.content.decode()
    assert ChainTarget.objects.count() == 1


def test_a_node_whose_target_became_a_lead_cannot_be_removed(world, staff, tree):
    chain, n = tree
    target = services.target_create(actor=staff, node=n["C"], name="丙公司")
    services.target_to_lead(actor=staff, target=target)
    with pytest.raises(ValidationError) as exc:
        services.node_delete(actor=staff, node=n["B"])  # C lies below B
    assert "不能删除" in " ".join(exc.value.messages)
    assert ChainNode.objects.filter(pk=n["C"].pk).exists()
    e_pk = n["E"].pk
    services.node_delete(actor=staff, node=n["E"])
    assert not ChainNode.objects.filter(pk=e_pk).exists()
    assert AuditEvent.objects.filter(object_type="chains.ChainNode", object_id=str(e_pk),
                                     action="delete").count() == 1


# =========================================================================== the NBS 数字经济分类


def test_the_digital_template_names_existing_digital_economy_classes(world, staff):
    from yuanqu.chains.templates import all_digital_classes
    from yuanqu.core.models import DigitalEconomyClass

    wanted = all_digital_classes(TEMPLATES["digital"])
    assert {"0301", "0401", "0406"} <= wanted
    assert wanted == set(DigitalEconomyClass.objects.filter(code__in=wanted).values_list("code", flat=True))
    chain = services.chain_from_template(actor=staff, key="digital")
    node = ChainNode.objects.get(chain=chain, name="数据资源与产权交易")
    assert list(node.digital_classes.values_list("code", flat=True)) == ["0406"]
    assert list(ChainNode.objects.get(chain=chain, name="软件开发").digital_classes.values_list("code", flat=True)) \
        == ["0301"]


def test_it_suggests_through_the_digital_economy_classes(world, staff, staff_client):
    """A node with no industry class and no keyword, only 分类 classes: its enterprises come through the 分类's
    GB/T 4754 correspondences (90, or 70 where the class is taken only in part); a node without them gets none.
    The correspondences here are made for the test (the shipped table has none yet: see PROVENANCE.md)."""
    from yuanqu.core.models import DigitalEconomyCorrespondence

    DigitalEconomyCorrespondence.objects.create(digital_class_id="0301", industry_id="6513")
    DigitalEconomyCorrespondence.objects.create(digital_class_id="0304", industry_id="6513", partial=True)
    chain = services.chain_create(actor=staff, name="数字链")
    software = services.node_create(actor=staff, chain=chain, name="软件",
                                    digital_classes=services.parse_digital_classes("0301"))
    division = services.node_create(actor=staff, chain=chain, name="技术应用（0304 部分）",
                                    digital_classes=services.parse_digital_classes("0304"))
    bare = services.node_create(actor=staff, chain=chain, name="无映射")
    assert services.links_suggest(actor=staff, chain=chain) == 6
    expected = {world.ent_xltd.pk, world.ent_xltd_fitout.pk, world.ent_smyz.pk}
    links = ChainLink.objects.filter(node=software)
    assert set(links.values_list("enterprise_id", flat=True)) == expected
    assert set(links.values_list("source", "confidence", "matched")) == {("industry", 90, "6513，经数字经济分类 0301")}
    partial = ChainLink.objects.filter(node=division)
    assert set(partial.values_list("confidence", "matched")) == {(70, "6513，经数字经济分类 0304*")}
    assert not ChainLink.objects.filter(node=bare).exists()
    # the node page says where the suggestion came from
    page = staff_client.get(reverse("chains:node_detail", args=[software.pk])).content.decode()
    assert "经数字经济分类 0301" in page and "0301 软件开发" in page


def test_a_whole_correspondence_wins_over_a_partial_one_under_a_division(world, staff):
    from yuanqu.core.models import DigitalEconomyCorrespondence

    DigitalEconomyCorrespondence.objects.create(digital_class_id="0301", industry_id="6513")
    DigitalEconomyCorrespondence.objects.create(digital_class_id="0304", industry_id="6513", partial=True)
    assert services.digital_industries(["03"]) == {"6513": ("0301", False)}
    assert services.digital_industries(["0304"]) == {"6513": ("0304", True)}
    assert services.digital_industries([]) == {}


def test_a_node_on_an_unknown_digital_class_is_refused_in_chinese(world, staff, staff_client, tree):
    chain, n = tree
    url = reverse("chains:node_create", args=[chain.pk])
    before = ChainNode.objects.count()
    for value, words in (("0301 0799", "0799"), ("X\x00", "不能包含空字符"), ("9" * 500, "400"),
                         (" ".join(f"{i:04d}" for i in range(51)), "50")):
        response = staff_client.post(url, {"name": "X", "importance": "core", "digital_classes": value})
        assert response.status_code == 200, value
        assert words in response.content.decode(), (value, words)
    assert "数字经济及其核心产业统计分类" in staff_client.post(
        url, {"name": "X", "importance": "core", "digital_classes": "0799"}).content.decode()
    assert ChainNode.objects.count() == before
    with pytest.raises(ValidationError) as exc:
        services.parse_digital_classes("0401 3911")
    assert "3911" in " ".join(exc.value.messages)
    # an edit keeps the node's classes when refused, and sets them when valid
    edit = reverse("chains:node_edit", args=[n["B"].pk])
    assert "0799" in staff_client.post(edit, {"name": "B", "importance": "core", "industries": "6513",
                                              "digital_classes": "0799"}).content.decode()
    assert not n["B"].digital_classes.exists()
    staff_client.post(edit, {"name": "B", "importance": "core", "industries": "6513", "digital_classes": "0301"})
    assert list(n["B"].digital_classes.values_list("code", flat=True)) == ["0301"]
    assert set(n["B"].industries.values_list("code", flat=True)) == {"6513"}
