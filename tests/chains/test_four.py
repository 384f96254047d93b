"""The four chains (issue 17 item 3) through the front door: records made on their pages (bad input refused in
Chinese, nothing stored), the four-chain view's figures against a brute-force count, its gap cells and links, the
operator's narrower view, the heat map, the figure group and the briefing paragraph read from the same selector."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from yuanqu.chains import selectors, services
from yuanqu.chains.figures import figures as group_figures
from yuanqu.chains.models import EcoProvider, FinancingEvent, InnovationPlatform, PatentYear, TalentHeadcount
from yuanqu.core.models import AuditEvent
from yuanqu.figures.enterprise_values import enterprise_year_values
from yuanqu.figures.periods import Period
from yuanqu.figures.selectors import FigureScope

from ..conftest import login
from ..policies.conftest import add_annual_statistics

YEAR = 2025


@pytest.fixture
def staff(world):
    return world.users["region_staff"]


@pytest.fixture
def four(world, staff):
    """A chain: S (segment) → X (core, target 1) with 信联天地's enterprise, Y (core) with 生命药洲's; Z (core)
    nobody is on. X has a platform, talent, patents, a provider and a financing; Y only talent."""
    chain = services.chain_create(actor=staff, name="四链测试")
    s = services.node_create(actor=staff, chain=chain, name="S")
    x = services.node_create(actor=staff, chain=chain, parent=s, name="X", importance="core", target_count=1)
    y = services.node_create(actor=staff, chain=chain, parent=s, name="Y", importance="core")
    z = services.node_create(actor=staff, chain=chain, name="Z", importance="core")
    services.link_create(actor=staff, node=x, enterprise=world.ent_xltd)
    services.link_create(actor=staff, node=y, enterprise=world.ent_smyz)
    services.platform_create(actor=staff, name="测试工程中心", kind="engineering", level="provincial",
                             recognised_year=2020, enterprise=world.ent_xltd)
    services.platform_create(actor=staff, name="测试研究院", kind="new_rd", level="district", recognised_year=2021,
                             holder="某大学", nodes=[x])
    services.talent_record(actor=staff, enterprise=world.ent_xltd, year=YEAR, doctors=4, masters=9,
                           senior_titles=3, introduced_national=1, introduced_city=2)
    services.talent_record(actor=staff, enterprise=world.ent_smyz, year=YEAR, doctors=1, masters=2)
    services.talent_record(actor=staff, enterprise=world.ent_xltd, year=YEAR - 1, doctors=50)  # another year
    services.patents_record(actor=staff, enterprise=world.ent_xltd, year=YEAR, invention=2, utility=5, design=1)
    services.provider_create(actor=staff, name="测试检测所", kind="testing", nodes=[x])
    services.financing_create(actor=staff, enterprise=world.ent_xltd, on=dt.date(YEAR, 6, 1), round="a",
                              amount_wan=Decimal("1500"), investors="某创投")
    services.financing_create(actor=staff, enterprise=world.ent_xltd, on=dt.date(YEAR - 1, 6, 1), round="angel",
                              amount_wan=Decimal("300"), investors="某天使")
    return chain, {"S": s, "X": x, "Y": y, "Z": z}


def brute_force(chain, user, year):
    """Per node name: (enterprises, platforms, doctors, introduced, patents, providers, financings, amount), counted
    straight from the tables, each node with every node below it."""
    nodes = list(chain.nodes.all())

    def below(n):
        out = {n.pk}
        for c in nodes:
            if c.parent_id == n.pk:
                out |= below(c)
        return out
    out = {}
    for n in nodes:
        ids = below(n)
        ents = set(selectors.visible_links(user).filter(node_id__in=ids, status="confirmed")
                   .values_list("enterprise_id", flat=True))
        platforms = set(InnovationPlatform.objects.visible_to(user).filter(nodes__in=ids).values_list("pk", flat=True))
        platforms |= set(InnovationPlatform.objects.visible_to(user).filter(enterprise_id__in=ents)
                         .values_list("pk", flat=True))
        talent = list(TalentHeadcount.objects.visible_to(user).filter(enterprise_id__in=ents, year=year))
        fin = list(FinancingEvent.objects.visible_to(user).filter(enterprise_id__in=ents, on__year=year))
        out[n.name] = (len(ents), len(platforms), sum(t.doctors for t in talent), sum(t.introduced for t in talent),
                       sum(p.total for p in PatentYear.objects.filter(enterprise_id__in=ents, year=year)),
                       EcoProvider.objects.visible_to(user).filter(nodes__in=ids).distinct().count(),
                       len(fin), sum((f.amount_wan for f in fin), Decimal(0)))
    return out


def test_the_four_chain_figures_match_a_brute_force_count(world, staff, four):
    chain, n = four
    add_annual_statistics(world)
    rows = selectors.four_chains(chain, staff, YEAR)
    got = {r.node.name: (r.fig.enterprises, r.platforms, r.doctors, r.introduced, r.patents, r.providers,
                         r.financings, r.financing_wan) for r in rows}
    assert got == brute_force(chain, staff, YEAR)
    by = {r.node.name: r for r in rows}
    # by hand: S adds up X and Y; X has both platforms (one by its enterprise, one by the node), Y none
    assert got["S"] == (2, 2, 5, 3, 8, 1, 1, Decimal("1500"))
    assert by["Y"].gaps == ["innovation", "ecosystem"] and by["Z"].gaps == ["industry", "innovation", "talent",
                                                                              "ecosystem"]
    assert by["X"].gaps == []
    # R&D spending and intensity through the figures layer: 信联天地's approved 研发投入 over its 营业收入
    values = enterprise_year_values([world.ent_xltd.pk], YEAR, ["rnd", "revenue"])[world.ent_xltd.pk]
    assert by["X"].rd_wan == values["rnd"].value
    assert by["X"].rd_intensity == (values["rnd"].value / values["revenue"].value * 100).quantize(Decimal("0.01"))
    # the operator of 信联天地 sees its own park's enterprise only: Y is empty for it
    operator = world.users["park_operator"]
    op = {r.node.name: r for r in selectors.four_chains(chain, operator, YEAR)}
    assert (op["Y"].fig.enterprises, op["Y"].doctors) == (0, 0)
    assert op["S"].doctors == 4 and brute_force(chain, operator, YEAR)["S"][2] == 4


def test_the_page_shows_gaps_and_links_to_the_lists_behind(world, staff, client, four):
    chain, n = four
    c = login(client, staff)
    page = c.get(reverse("chains:chain_four", args=[chain.pk]), {"year": YEAR}).content.decode()
    assert f'data-node="{n["Z"].pk}" data-gaps="industry innovation talent ecosystem"' in page
    assert f'data-node="{n["X"].pk}" data-gaps=""' in page
    assert f'{reverse("chains:platforms")}?node={n["Y"].pk}' in page and "缺失环节1个" in page
    heat = json.loads(c.get(reverse("chains:chain_four", args=[chain.pk]), {"year": YEAR, "chart": "heat"}).content)
    cells = {(x, y): v for x, y, v in heat["option"]["series"][0]["data"]}
    assert heat["option"]["yAxis"]["data"][cells and 3].strip() == "Z" and cells[(1, 3)] == 0  # Z: no platform
    # the list behind a cell: the node's records only (X's talent; Y's enterprise is not on X)
    listed = c.get(reverse("chains:talent"), {"node": n["X"].pk, "year": YEAR}).content.decode()
    assert listed.count("<tr data-id=") == 1 and world.ent_xltd.name in listed
    listed = c.get(reverse("chains:talent"), {"node": n["Y"].pk}).content.decode()
    assert listed.count("<tr data-id=") == 1 and world.ent_smyz.name in listed


def test_records_are_made_on_their_pages_and_bad_input_is_refused_in_chinese(world, staff, client, four):
    chain, n = four
    c = login(client, staff)
    before = AuditEvent.objects.count()
    r = c.post(reverse("chains:talent_create"), {"enterprise": world.ent_xltd_fitout.pk, "year": YEAR, "doctors": 2,
                                                  "masters": 0, "senior_titles": 0, "introduced_national": 0,
                                                  "introduced_provincial": 0, "introduced_city": 0,
                                                  "introduced_district": 0})
    assert r.status_code == 302 and TalentHeadcount.objects.get(enterprise=world.ent_xltd_fitout).doctors == 2
    assert AuditEvent.objects.count() == before + 1
    r = c.post(reverse("chains:talent_create"), {"enterprise": world.ent_xltd_fitout.pk, "year": YEAR,
                                                  "doctors": -1})
    assert r.status_code == 200 and "确保该值大于或等于 0" in r.content.decode()
    r = c.post(reverse("chains:platforms_create"), {"name": "无主平台", "kind": "key_lab", "level": "city",
                                                     "recognised_year": 2022})
    assert r.status_code == 200 and "请填写承载该平台的企业或机构" in r.content.decode()
    r = c.post(reverse("chains:financings_create"), {"enterprise": world.ent_xltd.pk, "on": "2999-01-01",
                                                      "round": "a", "amount_wan": "10", "investors": "x"})
    assert r.status_code == 200 and not FinancingEvent.objects.filter(on__year=2999).exists()
    # 崂山's enterprise is outside 李沧 staff's scope: not a choice at all
    r = c.post(reverse("chains:patents_create"), {"enterprise": world.ent_laoshan.pk, "year": YEAR, "invention": 1,
                                                   "utility": 0, "design": 0})
    assert r.status_code == 200 and not PatentYear.objects.filter(enterprise=world.ent_laoshan).exists()
    assert not InnovationPlatform.objects.filter(name="无主平台").exists()
    provider = EcoProvider.objects.get(name="测试检测所")
    r = c.post(reverse("chains:providers_edit", args=[provider.pk]), {"name": "测试检测所", "kind": "testing",
                                                                       "nodes": [n["X"].pk, n["Z"].pk]})
    assert r.status_code == 302 and set(provider.nodes.values_list("name", flat=True)) == {"X", "Z"}


def test_awards_funds_and_financings_are_corrected_on_their_edit_pages_audited_and_checked(world, staff, client,
                                                                                            four):
    chain, n = four
    c = login(client, staff)
    award = services.award_create(actor=staff, enterprise=world.ent_xltd, year=YEAR, programme="青岛英才211",
                                  level="city")
    fund = services.fund_create(actor=staff, name="测试产业基金", kind="industry", size_wan=Decimal("10000"),
                                nodes=[n["X"]])
    financing = FinancingEvent.objects.get(enterprise=world.ent_xltd, on__year=YEAR)
    # Each edit page opens on the stored values.
    page = c.get(reverse("chains:financings_edit", args=[financing.pk])).content.decode()
    assert "某创投" in page and 'value="1500' in page
    assert "青岛英才211" in c.get(reverse("chains:awards_edit", args=[award.pk])).content.decode()
    before = AuditEvent.objects.count()
    r = c.post(reverse("chains:awards_edit", args=[award.pk]), {"enterprise": world.ent_xltd.pk, "year": YEAR,
                                                                "programme": "泰山产业领军人才", "level": "provincial",
                                                                "count": 2})
    assert r.status_code == 302
    award.refresh_from_db()
    assert (award.programme, award.level, award.count) == ("泰山产业领军人才", "provincial", 2)
    r = c.post(reverse("chains:funds_edit", args=[fund.pk]), {"name": "测试产业基金", "kind": "industry",
                                                              "size_wan": "20000", "manager": "某基金管理公司",
                                                              "nodes": [n["Y"].pk]})
    assert r.status_code == 302
    fund.refresh_from_db()
    assert fund.size_wan == Decimal("20000") and list(fund.nodes.values_list("name", flat=True)) == ["Y"]
    r = c.post(reverse("chains:financings_edit", args=[financing.pk]), {
        "enterprise": world.ent_xltd.pk, "on": f"{YEAR}-06-01", "round": "b", "amount_wan": "1800",
        "investors": "某创投", "fund": fund.pk})
    assert r.status_code == 302
    financing.refresh_from_db()
    assert (financing.round, financing.amount_wan, financing.fund_id) == ("b", Decimal("1800"), fund.pk)
    changes = AuditEvent.objects.order_by("pk")[before:]
    assert [e.action for e in changes] == ["update"] * 3, [(e.action, e.object_type) for e in changes]
    # Bad input: a Chinese error, nothing changed.
    r = c.post(reverse("chains:financings_edit", args=[financing.pk]), {
        "enterprise": world.ent_xltd.pk, "on": "2999-01-01", "round": "b", "amount_wan": "-5", "investors": ""})
    assert r.status_code == 200 and "确保该值大于或等于 0" in r.content.decode()
    r = c.post(reverse("chains:awards_edit", args=[award.pk]), {"enterprise": world.ent_laoshan.pk, "year": YEAR,
                                                                "programme": "x", "level": "city", "count": 1})
    assert r.status_code == 200 and "选择一个有效的选项" in r.content.decode()
    r = c.post(reverse("chains:funds_edit", args=[fund.pk]), {"name": "测试产业基金\x00", "kind": "industry",
                                                              "size_wan": "1"})
    assert r.status_code == 200
    financing.refresh_from_db()
    award.refresh_from_db()
    fund.refresh_from_db()
    assert (financing.amount_wan, award.enterprise_id, fund.size_wan) == (Decimal("1800"), world.ent_xltd.pk,
                                                                          Decimal("20000"))
    assert AuditEvent.objects.count() == before + 3
    # Another district's record is not found; a leader cannot edit.
    laoshan_fund = services.fund_create(actor=world.laoshan_staff, name="崂山基金", kind="industry",
                                        size_wan=Decimal("1"))
    assert c.get(reverse("chains:funds_edit", args=[laoshan_fund.pk])).status_code == 404
    leader = login(client, world.users["leader"])
    assert leader.get(reverse("chains:awards_edit", args=[award.pk])).status_code == 404


def test_an_enterprise_user_and_a_leader_cannot_write(world, client, four):
    chain, _n = four
    c = login(client, world.users["enterprise_user"])
    assert c.get(reverse("chains:chain_four", args=[chain.pk])).status_code == 404
    assert c.get(reverse("chains:talent")).status_code == 404
    c = login(client, world.users["leader"])
    assert c.get(reverse("chains:chain_four", args=[chain.pk])).status_code == 200
    assert c.get(reverse("chains:talent_create")).status_code == 404


def test_the_figure_group_and_the_briefing_read_the_same_selector(world, staff, four):
    chain, n = four
    scope = FigureScope(user=None, region_code="370213", parks=world.xltd.__class__.objects.all())
    figs = group_figures(scope, Period.whole_year(YEAR))
    summary = selectors.chain_summary(chain, None, YEAR)
    assert figs["chain_missing"].value == len(summary.missing) == 1  # Z
    assert figs["chain_talent_gaps"].value == summary.talent_gaps == 1
    assert figs["chain_enterprises"].value == 2
    from yuanqu.figures import selectors as fs

    group = next(g for g in fs.groups() if g.key == "chains")
    stated = [f for f in group.figures(scope, Period.whole_year(YEAR)).values() if f.value]
    assert "缺失环节" in [f.label for f in stated]
    # a park's dashboard counts its own enterprises: 信联天地's park has X's, so Y is missing there too
    park_scope = FigureScope(user=None, region_code="370213", parks=world.xltd.__class__.objects.all(),
                             park=world.xltd)
    assert group_figures(park_scope, Period.whole_year(YEAR))["chain_enterprises"].value == 1
    assert group_figures(park_scope, Period.whole_year(YEAR))["chain_missing"].value == 2


def test_the_cockpit_and_a_briefing_show_chain_strength_and_gaps(world, staff, client, four):
    from django.test import TestCase

    from yuanqu.briefings.models import Briefing

    chain, _n = four
    c = login(client, staff)
    page = c.get(reverse("dashboards:cockpit"), {"year": YEAR, "month": 12}).content.decode()
    assert "产业链强链补链" in page and 'id="fig-chain_missing"' in page
    start = page.index('id="section-chains"')
    assert "四链测试" in page[start:page.index("</tbody>", start)]
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = c.post(reverse("briefings:create"), {"year": YEAR, "month": 12})
    briefing = Briefing.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert briefing.status == Briefing.Status.DONE, briefing.error
    text = "".join({s["key"]: s for s in briefing.content["sections"]}["services"]["paragraphs"])
    summary = selectors.chain_summary(chain, None, YEAR)
    assert "产业链强链补链。" in text and f"缺失环节{len(summary.missing)}个" in text
    assert any(note.startswith("缺失环节：") for note in briefing.content["notes"])


def test_the_api_returns_the_same_rows_as_the_page(world, staff, client, four):
    from yuanqu.accounts.services import token_create

    chain, n = four
    _token, raw = token_create(actor=staff, name="four")
    api = client.__class__(HTTP_AUTHORIZATION=f"Bearer {raw}")
    rows = api.get(f"/api/chains/{chain.pk}/four", {"year": YEAR}).json()
    by = {r["name"]: r for r in rows}
    assert [r["name"] for r in rows] == [r.node.name for r in selectors.four_chains(chain, staff, YEAR)]
    assert by["S"]["talent"]["doctors"] == 5 and by["Z"]["industry"]["status"] == "missing"
    assert by["Y"]["innovation"]["gap"] and not by["X"]["ecosystem"]["gap"]
    assert api.get("/api/chains/999999/four").status_code == 404
