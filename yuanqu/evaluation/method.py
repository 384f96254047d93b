"""亩均效益评价办法 as data: the method document, its validation, and the template shipped with the project.

A method is a JSON document (stored on :class:`~yuanqu.evaluation.models.Method`, versioned per region and year):

- ``categories``: the groups evaluated apart (规上工业, 规下 ≥ 3 亩, 规下 < 3 亩, 租赁, 服务业), each with the rule that
  puts an enterprise in it and its own indicators, weights and benchmarks;
- ``indicators``: the definitions and units of the indicators a category may use (:data:`INDICATORS`);
- ``scoring``: ``benchmark`` (value ÷ benchmark × weight, at most ``cap`` × weight) or ``minmax``
  (20 + 80 × (v − min)/(max − min) points of 100, × weight/100, over the category's enterprises);
- ``missing``: what an indicator without data scores — ``average`` (the category's average score of that
  indicator) or ``zero``;
- ``bonus``: points added or taken for a designation or a flag of the enterprise's input record;
- ``exclusions``: the reasons an enterprise is not evaluated (T类);
- ``classes``: the cut-offs, by ``percentile`` (share of enterprises strictly ahead) or by ``score``;
- ``measures``: what a grade triggers, by how many years in a row (差别化政策).

:func:`validate` refuses a document whose weights do not sum to 100, whose cut-offs overlap, or whose
benchmark is 0, naming the item (in Chinese, as the method page shows it).
"""

from __future__ import annotations

import copy
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

#: 1 亩 = 10000/15 ㎡ (666.67 ㎡).
M2_PER_MU = Decimal(10000) / Decimal(15)
#: 电力折标准煤系数 (当量值), kgce per kWh, GB/T 2589-2020 附录: 0.1229 kgce/(kW·h). A method may state another.
POWER_KGCE_PER_KWH = Decimal("0.1229")

#: The indicators a method may use: name, unit, definition and what it is computed from (numerator ÷ denominator,
#: times ``factor``). The inputs are named in :class:`yuanqu.evaluation.scoring.Inputs`.
INDICATORS: dict[str, dict[str, Any]] = {
    "tax_per_mu": {"name": "亩均税收", "unit": "万元/亩", "num": "tax", "den": "land_mu", "factor": 1,
                   "definition": "评价年度企业实际入库税收（不含退税）÷ 用地面积"},
    "revenue_per_mu": {"name": "亩均营业收入", "unit": "万元/亩", "num": "revenue", "den": "land_mu", "factor": 1,
                       "definition": "评价年度营业收入 ÷ 用地面积"},
    "value_added_per_mu": {"name": "亩均增加值", "unit": "万元/亩", "num": "value_added", "den": "land_mu",
                           "factor": 1, "definition": "评价年度工业（或服务业）增加值 ÷ 用地面积"},
    "value_added_per_energy": {"name": "单位能耗增加值", "unit": "万元/吨标煤", "num": "value_added",
                               "den": "energy_tce", "factor": 1,
                               "definition": "增加值 ÷ 综合能源消费量（用电量按折标系数折算，加其他能源）"},
    "value_added_per_emission": {"name": "单位排放增加值", "unit": "万元/吨", "num": "value_added",
                                 "den": "emission_t", "factor": 1,
                                 "definition": "增加值 ÷ 主要污染物排放量（化学需氧量、氨氮、二氧化硫、氮氧化物之和）"},
    "labour_productivity": {"name": "全员劳动生产率", "unit": "万元/人·年", "num": "value_added", "den": "employees",
                            "factor": 1, "definition": "增加值 ÷ 年平均从业人员数"},
    "rd_ratio": {"name": "R&D经费支出占营业收入比", "unit": "%", "num": "rnd", "den": "revenue", "factor": 100,
                 "definition": "研发经费支出 ÷ 营业收入 × 100%"},
}

#: How an enterprise is put in a category, tried in the method's order of categories; the first that holds wins.
CATEGORY_RULES = {
    "service": "服务业企业（行业门类不属于采矿业、制造业和电力热力燃气及水生产供应业）",
    "tenant": "租赁厂房或楼宇、无自有土地的工业企业",
    "above_scale": "规模以上工业企业（有自有土地）",
    "below_scale_large": "规模以下工业企业，自有用地不少于门槛亩数",
    "below_scale_small": "规模以下工业企业，自有用地少于门槛亩数",
}
#: Designations and flags a bonus item may read: a fact of the enterprise, or a flag of its input record.
BONUS_SOURCES = {"is_high_tech": "高新技术企业", "is_srdi": "专精特新企业（省级及以上）",
                 "is_listed": "上市企业", "safety_incident": "发生较大及以上安全生产事故",
                 "environment_violation": "受到环保行政处罚"}
#: The reasons an enterprise is not evaluated (T类).
EXCLUSION_RULES = {"utility": "公用事业单位（水、电、气、热等）",
                   "new_production": "投产不满规定年限",
                   "relocated": "因政策性搬迁停产或减产"}
GRADES = ("A", "B", "C", "D")


def _dec(value: Any, where: str) -> Decimal:
    try:
        out = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(f"{where}应为数字，收到「{str(value)[:20]}」。", code="number") from None
    if not out.is_finite():
        raise ValidationError(f"{where}应为有限的数字。", code="number")
    return out


def validate(spec: Any) -> None:
    """Refuse a method document that cannot be applied, naming the item at fault; every error at once."""
    errors: list[str] = []
    if not isinstance(spec, dict):
        raise ValidationError("评价办法应为一个JSON对象。", code="method")

    def check(cond: bool, message: str) -> bool:
        if not cond:
            errors.append(message)
        return cond

    scoring = spec.get("scoring") or {}
    rule = scoring.get("rule")
    check(rule in ("benchmark", "minmax"), "计分方法（scoring.rule）应为 benchmark（对标）或 minmax（极值法）。")
    if rule == "benchmark":
        try:
            cap = _dec(scoring.get("cap", 1), "单项得分上限倍数（scoring.cap）")
            check(cap >= 1, "单项得分上限倍数（scoring.cap）不能小于1。")
        except ValidationError as exc:
            errors.extend(exc.messages)
    check(spec.get("missing") in ("average", "zero"),
          "缺数处理（missing）应为 average（取同类平均分）或 zero（计0分）。")
    categories: list[Any] = spec.get("categories") or []
    if not check(isinstance(categories, list) and bool(categories), "评价办法至少应有一个评价类别（categories）。"):
        categories = []
    seen: set[str] = set()
    for cat in categories:
        name = str(cat.get("name") or cat.get("code") or "?")
        code = cat.get("code")
        check(bool(code) and code not in seen, f"类别「{name}」的代码为空或重复。")
        seen.add(code)
        check(cat.get("rule") in CATEGORY_RULES, f"类别「{name}」的归类规则「{cat.get('rule')}」不存在。")
        if cat.get("rule") in ("below_scale_large", "below_scale_small"):
            try:
                check(_dec(cat.get("land_mu"), f"类别「{name}」的用地门槛") > 0, f"类别「{name}」的用地门槛应大于0亩。")
            except ValidationError as exc:
                errors.extend(exc.messages)
        items = cat.get("indicators")
        if not check(isinstance(items, list) and bool(items), f"类别「{name}」没有评价指标。"):
            continue
        total = Decimal(0)
        codes: set[str] = set()
        for item in items:
            ind = item.get("code")
            label = INDICATORS.get(ind, {}).get("name", ind)
            if not check(ind in INDICATORS, f"类别「{name}」的指标「{ind}」不存在。"):
                continue
            check(ind not in codes, f"类别「{name}」的指标「{label}」重复。")
            codes.add(ind)
            try:
                weight = _dec(item.get("weight"), f"类别「{name}」指标「{label}」的权重")
                check(weight > 0, f"类别「{name}」指标「{label}」的权重应大于0。")
                total += weight
                if rule == "benchmark":
                    bench = _dec(item.get("benchmark"), f"类别「{name}」指标「{label}」的基准值")
                    check(bench > 0, f"类别「{name}」指标「{label}」的基准值为{bench}，应大于0。")
            except ValidationError as exc:
                errors.extend(exc.messages)
        check(total == 100, f"类别「{name}」的权重合计为{total.normalize():f}，应为100。")
    for item in spec.get("bonus") or []:
        label = item.get("name") or item.get("source")
        check(item.get("source") in BONUS_SOURCES, f"加减分项「{label}」的依据「{item.get('source')}」不存在。")
        try:
            _dec(item.get("points"), f"加减分项「{label}」的分值")
        except ValidationError as exc:
            errors.extend(exc.messages)
    for item in spec.get("exclusions") or []:
        check(item.get("rule") in EXCLUSION_RULES, f"不参评情形「{item.get('rule')}」不存在。")
        if item.get("rule") == "new_production":
            check(isinstance(item.get("years"), int) and item["years"] > 0, "「投产不满规定年限」应写明年数（years）。")
    errors.extend(_cutoff_errors(spec.get("classes")))
    for item in spec.get("measures") or []:
        check(item.get("grade") in GRADES, f"差别化措施的等级「{item.get('grade')}」不存在。")
        check(isinstance(item.get("years_in_row"), int) and item["years_in_row"] >= 1,
              f"差别化措施「{item.get('measure')}」应写明连续年数（years_in_row ≥ 1）。")
        check(bool(item.get("measure")), "差别化措施应写明措施内容（measure）。")
    try:
        factor = _dec(spec.get("power_kgce_per_kwh", POWER_KGCE_PER_KWH), "电力折标煤系数")
        check(factor > 0, "电力折标煤系数应大于0。")
        ratio = _dec(spec.get("tenant_plot_ratio", 1), "租赁企业容积率折算系数")
        check(ratio > 0, "租赁企业容积率折算系数应大于0。")
    except ValidationError as exc:
        errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors, code="method")


def _cutoff_errors(classes: Any) -> list[str]:
    """Cut-offs that do not overlap and leave no gap: percentiles rising to 100, or score floors falling to 0."""
    if not isinstance(classes, dict) or classes.get("mode") not in ("percentile", "score"):
        return ["分类方式（classes.mode）应为 percentile（按排名比例）或 score（按得分）。"]
    cuts = classes.get("cuts")
    if not isinstance(cuts, list) or not cuts:
        return ["分类标准（classes.cuts）不能为空。"]
    errors: list[str] = []
    grades = [c.get("grade") for c in cuts]
    if grades != list(GRADES[:len(grades)]) or len(grades) < 2:
        errors.append(f"分类等级应依次为A、B、C、D中的前若干个，收到「{'、'.join(map(str, grades))}」。")
    key = "top" if classes["mode"] == "percentile" else "min"
    values: list[Decimal] = []
    for c in cuts:
        try:
            values.append(_dec(c.get(key), f"{c.get('grade')}类的{'排名比例' if key == 'top' else '最低分'}"))
        except ValidationError as exc:
            return errors + exc.messages
    for prev, cur, c in zip(values, values[1:], cuts[1:], strict=False):
        if (key == "top" and cur <= prev) or (key == "min" and cur >= prev):
            errors.append(f"{c.get('grade')}类的分界与上一类重叠：" + (
                f"排名比例{cur}%不大于上一类的{prev}%。" if key == "top" else f"最低分{cur}不小于上一类的{prev}。"))
    if key == "top" and values and (values[0] <= 0 or values[-1] != 100):
        errors.append("按排名比例分类时，各类比例应大于0、逐类递增，最后一类为100%。")
    if key == "min" and values and values[-1] != 0:
        errors.append("按得分分类时，最后一类的最低分应为0，使每个参评企业都有等级。")
    return errors


#: The shipped template. No published county scheme could be found and cited from the stored sources this
#: project can read, so the template follows the practice common to Zhejiang's 亩均论英雄 and Shandong's 亩产效益
#: evaluations (categories, indicator set, A 20% / B 40% / C 35% / D 5%, D-class electricity surcharge), and says so
#: in its ``source``; a district replaces the numbers with those of its own published 办法 (see PROVENANCE.md).
TEMPLATE: dict[str, Any] = {
    "name": "工业企业亩均效益综合评价办法（模板）",
    "source": "参照浙江省“亩均论英雄”改革和山东省亩产效益评价的通行做法编制的模板，非任何县（市、区）已发布办法的原文；"
              "各地应按本地正式印发的评价办法修改类别、权重、基准值和分档比例。",
    "scoring": {"rule": "benchmark", "cap": 1.2},
    "missing": "average",
    "power_kgce_per_kwh": str(POWER_KGCE_PER_KWH),
    "tenant_plot_ratio": 1,
    "categories": [
        # Service enterprises sit mostly in towers, where a 亩 carries many floors: 楼宇经济's 亩均税收 runs to
        # hundreds of 万元, so the benchmarks are a tower's, not a factory's.
        {"code": "service", "name": "服务业企业", "rule": "service", "indicators": [
            {"code": "tax_per_mu", "weight": 60, "benchmark": 1500},
            {"code": "revenue_per_mu", "weight": 40, "benchmark": 25000}]},
        {"code": "tenant", "name": "租赁企业（无自有土地）", "rule": "tenant", "indicators": [
            {"code": "tax_per_mu", "weight": 50, "benchmark": 30},
            {"code": "revenue_per_mu", "weight": 30, "benchmark": 600},
            {"code": "rd_ratio", "weight": 20, "benchmark": 3}]},
        {"code": "above", "name": "规上工业企业", "rule": "above_scale", "indicators": [
            {"code": "tax_per_mu", "weight": 40, "benchmark": 30},
            {"code": "value_added_per_mu", "weight": 15, "benchmark": 150},
            {"code": "value_added_per_energy", "weight": 10, "benchmark": 3},
            {"code": "value_added_per_emission", "weight": 10, "benchmark": 500},
            {"code": "labour_productivity", "weight": 15, "benchmark": 30},
            {"code": "rd_ratio", "weight": 10, "benchmark": 3}]},
        {"code": "below_large", "name": "规下工业企业（用地≥3亩）", "rule": "below_scale_large", "land_mu": 3,
         "indicators": [{"code": "tax_per_mu", "weight": 70, "benchmark": 15},
                        {"code": "revenue_per_mu", "weight": 30, "benchmark": 300}]},
        {"code": "below_small", "name": "规下工业企业（用地<3亩）", "rule": "below_scale_small", "land_mu": 3,
         "indicators": [{"code": "tax_per_mu", "weight": 100, "benchmark": 10}]},
    ],
    "bonus": [
        {"source": "is_high_tech", "name": "高新技术企业", "points": 3},
        {"source": "is_srdi", "name": "专精特新企业", "points": 3},
        {"source": "safety_incident", "name": "发生较大及以上安全生产事故", "points": -10},
        {"source": "environment_violation", "name": "受到环保行政处罚", "points": -5},
    ],
    "exclusions": [
        {"rule": "utility", "name": EXCLUSION_RULES["utility"]},
        {"rule": "new_production", "name": "投产不满2年", "years": 2},
        {"rule": "relocated", "name": EXCLUSION_RULES["relocated"]},
    ],
    "classes": {"mode": "percentile", "cuts": [
        {"grade": "A", "top": 20}, {"grade": "B", "top": 60}, {"grade": "C", "top": 95}, {"grade": "D", "top": 100}]},
    "measures": [
        {"grade": "A", "years_in_row": 1, "measure": "优先保障用地、用能指标，优先推荐评优和政策扶持", "amount": "",
         "unit": ""},
        {"grade": "D", "years_in_row": 1, "measure": "差别电价加价", "amount": "0.05", "unit": "元/千瓦时"},
        {"grade": "D", "years_in_row": 2, "measure": "差别电价加价", "amount": "0.10", "unit": "元/千瓦时"},
        {"grade": "D", "years_in_row": 3, "measure": "差别电价加价", "amount": "0.15", "unit": "元/千瓦时"},
    ],
}


def template() -> dict[str, Any]:
    """A fresh copy of the shipped template (callers may change it)."""
    return copy.deepcopy(TEMPLATE)
