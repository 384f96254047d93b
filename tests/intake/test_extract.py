"""Fact extraction, one behaviour at a time, each on a sentence of the evaluation set (tests/intake/data)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from yuanqu.intake.extract import INFERRED, Name, extract, normalize, publication_date

NAMES = [Name("生命药洲", "生命药洲"), Name("信联天地", "信联天地"), Name("国际特别创新区", "国际特别创新区"),
         Name("联东U谷青岛中心", "联东U谷青岛中心", "project")]


def facts(text: str, **kw: Any) -> list[dict[str, Any]]:
    return [f.as_json() for f in extract(text, names=NAMES, **kw)]


def values(text: str, **kw: Any) -> list[tuple[Any, str]]:
    return [(f["value"], f["unit"]) for f in facts(text, **kw)]


def test_it_reads_the_articles_facts_with_entities_metrics_and_quotes() -> None:
    found = facts("生命药洲园区已吸引52家企业入驻，2022年实现产值55亿元。信联天地已签约企业118家，"
                  "已有113家企业完成装修并入驻办公。", published=dt.date(2023, 2, 10))
    assert [(f["entity"], f["metric"], f["value"], f["unit"]) for f in found] == [
        ("生命药洲", "入驻企业", 52, "家"), ("生命药洲", "产值", 55, "亿元"),
        ("信联天地", "签约企业", 118, "家"), ("信联天地", "入驻企业", 113, "家")]
    assert found[0]["quote"] == "生命药洲园区已吸引52家企业入驻"
    assert found[1]["period"] == "2022"
    assert found[0]["period"] == "2023-02-10" + INFERRED  # a stock with no date: as of publication, inferred
    assert set(found[0]) == {"entity", "metric", "value", "unit", "period", "quote", "qualifier"}


def test_it_reads_chinese_numerals_and_mixed_forms() -> None:
    assert values("数字经济产业园规划总投资一百零二亿元，网络零售额1.2万亿元。") == [(102, "亿元"), (1.2, "万亿元")]
    assert values("园区全年实现营业收入57。6亿元。") == [(57.6, "亿元")]
    assert values("园区企业全年纳税1亿1,150万元，二期占地两千余亩。") == [(1.115, "亿元"), (2000, "亩")]
    assert values("總開發面積逾五六○公頃，編列十九‧九一億元專案預算。") == [(560, "公顷"), (19.91, "亿元")]
    assert values("去年營業額達1兆1,418億元，就業人數8萬3,649人。") == [(1.1418, "兆元"), (8.3649, "万人")]


def test_it_reads_full_width_digits_and_traditional_characters() -> None:
    found = facts("２０２２年，新材料产业园实现产值１２８．５亿元，同比增长１２．５％。")
    assert [(f["value"], f["unit"], f["period"]) for f in found] == [(128.5, "亿元", "2022"), (12.5, "%", "2022")]
    assert found[0]["quote"] == "新材料产业园实现产值１２８．５亿元"  # quoted as published
    tw = facts("產值、稅收分別為５５億元、3.2億元。")
    assert [(f["metric"], f["value"], f["unit"]) for f in tw] == [("产值", 55, "亿元"), ("税收", 3.2, "亿元")]
    assert normalize("產值５５億元") == "产值55亿元"


def test_it_splits_respectively_lists_by_entity_metric_and_year() -> None:
    by_entity = facts("一季度，生命药洲、信联天地、国际特别创新区分别新增入驻企业4家、6家、3家。")
    assert [(f["entity"], f["value"]) for f in by_entity] == [("生命药洲", 4), ("信联天地", 6), ("国际特别创新区", 3)]
    by_metric = facts("高新技术企业、专精特新企业分别达到 680 家、1252 家。")
    assert [(f["metric"], f["value"]) for f in by_metric] == [("高新技术企业", 680), ("专精特新企业", 1252)]
    by_year = facts("2016年至2018年，开发区分别完成地区生产总值236.3亿元、314.5亿元、365亿元。")
    assert [(f["period"], f["value"]) for f in by_year] == [("2016", 236.3), ("2017", 314.5), ("2018", 365)]
    assert {f["metric"] for f in by_year} == {"地区生产总值"}


def test_it_tells_targets_from_actuals() -> None:
    target, done = facts("一季度，全区规上工业总产值完成年任务75亿元的23.7%，同比增长6.2%。")[:2]
    assert (target["value"], target["unit"], target["qualifier"]) == (75, "亿元", "目标")
    assert (done["value"], done["unit"], done["qualifier"]) == (23.7, "%", "")
    assert facts("固定资产投资完成18.6亿元，占年度目标的24.5%。")[1]["qualifier"] == ""
    assert facts("到2025年，全区力争实现园区营业收入突破500亿元。")[0]["qualifier"] == "目标、超"


def test_a_threshold_is_not_a_fact() -> None:
    assert values("全年新签约亿元以上项目28个，其中10亿元以上项目6个。") == [(28, "个"), (6, "个")]
    assert values("引进总投资5000万元以上的产业项目41个。") == [(41, "个")]
    assert values("销售收入过10亿元的企业7家。") == [(7, "家")]
    assert values("总投资10亿元以上。") == [(10, "亿元")]  # at a clause's end: a fact with its qualifier


def test_a_duplicated_paragraph_gives_its_facts_once() -> None:
    para = "一季度，生物医药产业园新增入驻企业9家，累计入驻企业达到61家；实现产值14.2亿元，同比增长11.3%。"
    assert len(facts(f"{para}\n{para}\n相关阅读\n{para}\n")) == 4


def test_a_number_cut_off_by_truncation_is_not_a_fact() -> None:
    assert values("园区全年实现软件业务收入46.8亿元。\n园区全年实现营业收入12…") == [(46.8, "亿元")]
    assert values("全年新签约项目86个，协议总投资4\n（未完，全文共2270字，当前显示592字）") == [(86, "个")]
    assert values("园区现有企业300家，今年计划新增算力1500") == [(300, "家")]


def test_page_chrome_dates_and_phone_numbers_are_not_facts() -> None:
    text = ("发布日期：2023-03-06   浏览次数：1046\n"
            "2022年，智能制造产业园实现营业收入86.3亿元。\n"
            "网站标识码：3702130001  鲁公网安备 37021302000123号\n电话：0532-80901234\n"
            "3月28日，签约项目18个。\n鲁ICP备05002542号")
    assert values(text) == [(86.3, "亿元"), (18, "个")]
    assert publication_date(text) == dt.date(2023, 3, 6)


def test_it_reads_ranges_and_qualifiers() -> None:
    assert values("项目计划投资10-15亿元，建设周期3至5年，预计年产值50亿至80亿元，带动就业1500~2000人。") == [
        ([10, 15], "亿元"), ([50, 80], "亿元"), ([1500, 2000], "人")]
    found = facts("已集聚企业近百家，交易额约36亿元，带动就业超过3000人，载体面积逾8万平方米，出租率达95%以上，"
                  "从业人员6800余人。")
    assert [(f["value"], f["qualifier"]) for f in found] == [
        (100, "近"), (36, "约"), (3000, "超"), (8, "超"), (95, "以上"), (6800, "余")]


def test_periods_are_stated_or_inferred() -> None:
    text = ("发布日期：2023-10-25\n前三季度，高新区规上工业增加值同比增长7.8%，增速比上半年提高1.3个百分点。"
            "1-9月，实现利润总额28.4亿元。")
    found = facts(text)
    assert [f["period"] for f in found] == ["2023-Q1~Q3" + INFERRED] * 2 + ["2023-01~2023-09" + INFERRED]
    assert facts("2022年园区亩均税收达到32.5万元/亩。")[0]["period"] == "2022"
    assert facts("截至2023年底，园区已落户企业168家。")[0]["period"] == "2023-12-31"


def test_it_finds_names_the_registry_does_not_know_and_resolves_the_generic_ones() -> None:
    found = facts("青岛澄明医疗器械有限公司新厂区日前正式投产。该公司注册资本5000万元，占地56亩。")
    assert {f["entity"] for f in found} == {"青岛澄明医疗器械有限公司"}
    found = facts("智能制造产业园实现营业收入86.3亿元。园区累计入驻企业143家。")
    assert [f["entity"] for f in found] == ["智能制造产业园", "智能制造产业园"]
    assert facts("去年園區新引進廠商21家。")[0]["entity"] == "园区"  # the text never names it


def test_the_registry_dictionary_finds_its_names() -> None:
    found = facts("投资30亿元的联东U谷青岛中心已开工建设。")
    assert (found[0]["entity"], found[0]["value"]) == ("联东U谷青岛中心", 30)


def test_nothing_comes_from_a_text_without_figures() -> None:
    assert facts("") == [] and facts("园区营商环境持续优化，服务水平不断提升。") == []
    assert facts("第3批名单公布，5G基站加快建设，十四五规划稳步实施。") == []
