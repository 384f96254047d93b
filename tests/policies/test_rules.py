"""The rule evaluator: three-valued logic with missing data, traces that name the failing condition, and the
checks at save (malformed rule, unknown fact, number compared with text) naming the position."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yuanqu.policies.facts import FACTS
from yuanqu.policies.rules import (
    ELIGIBLE,
    NOT_ELIGIBLE,
    UNKNOWN,
    UNKNOWN_OUTCOME,
    FactValue,
    RuleError,
    evaluate,
    k_and,
    k_not,
    k_or,
    validate,
)

TRUTH = st.sampled_from([True, False, UNKNOWN])
NUMBER_FACTS = ["revenue", "tax", "rnd", "employees", "rd_intensity"]


def facts(**values):
    return {k: FactValue(Decimal(str(v)) if isinstance(v, int | float) and not isinstance(v, bool) else v,
                         "测试来源") for k, v in values.items()}


# --------------------------------------------------------------------------- Kleene logic, by property


@settings(deadline=None)
@given(st.lists(TRUTH, min_size=1, max_size=6))
def test_and_is_false_if_any_is_false_else_unknown_if_any_is_unknown(values):
    result = k_and(values)
    if False in values:
        assert result is False
    elif any(v is UNKNOWN for v in values):
        assert result is UNKNOWN
    else:
        assert result is True


@settings(deadline=None)
@given(st.lists(TRUTH, min_size=1, max_size=6))
def test_or_is_true_if_any_is_true_else_unknown_if_any_is_unknown(values):
    result = k_or(values)
    if True in values:
        assert result is True
    elif any(v is UNKNOWN for v in values):
        assert result is UNKNOWN
    else:
        assert result is False


@settings(deadline=None)
@given(st.lists(TRUTH, min_size=1, max_size=5))
def test_de_morgan_holds_in_three_values(values):
    assert k_not(k_and(values)) is k_or([k_not(v) for v in values])


def _leaf(name: str, threshold: int) -> dict:
    return {">=": [{"var": name}, threshold]}


@settings(deadline=None)
@given(st.dictionaries(st.sampled_from(NUMBER_FACTS), st.one_of(st.none(), st.integers(-100, 100))),
       st.lists(st.tuples(st.sampled_from(NUMBER_FACTS), st.integers(-100, 100)), min_size=1, max_size=5),
       st.sampled_from(["and", "or"]))
def test_a_rule_is_unknown_only_when_a_fact_it_needs_is_missing(stated, leaves, op):
    """The outcome is what Kleene logic over the leaves gives; every leaf is traced with its value; a missing fact
    makes its leaf unknown, never false; and the trace names each failing condition."""
    rule = {op: [_leaf(n, t) for n, t in leaves]}
    validate(rule, FACTS)
    given_facts = facts(**{k: v for k, v in stated.items() if v is not None})
    ev = evaluate(rule, given_facts, FACTS)
    expected_leaves = []
    for name, t in leaves:
        v = stated.get(name)
        expected_leaves.append(UNKNOWN if v is None else v >= t)
    combined = (k_and if op == "and" else k_or)(expected_leaves)
    assert ev.outcome == {True: ELIGIBLE, False: NOT_ELIGIBLE}.get(combined, UNKNOWN_OUTCOME) \
        if combined is not UNKNOWN else ev.outcome == UNKNOWN_OUTCOME
    assert [r.passed for r in ev.trace] == [None if x is UNKNOWN else x for x in expected_leaves]
    for row, (name, t) in zip(ev.trace, leaves, strict=True):
        assert row.facts[0]["fact"] == name
        assert row.condition.endswith(f"≥ {t}")
        if row.passed is False:
            assert row in ev.failed


@settings(deadline=None)
@given(st.one_of(st.none(), st.integers(0, 100)))
def test_missing_data_never_makes_not_eligible_out_of_a_negation(value):
    rule = {"!": [{">=": [{"var": "revenue"}, 50]}]}
    ev = evaluate(rule, facts(**({} if value is None else {"revenue": value})), FACTS)
    if value is None:
        assert ev.outcome == UNKNOWN_OUTCOME
    else:
        assert ev.outcome == (ELIGIBLE if value < 50 else NOT_ELIGIBLE)


# --------------------------------------------------------------------------- hand-worked rules


BANDED = {"if": [{"<": [{"var": "revenue"}, 5000]}, {">=": [{"var": "rd_intensity"}, 5]},
                 {"<": [{"var": "revenue"}, 20000]}, {">=": [{"var": "rd_intensity"}, 4]},
                 {">=": [{"var": "rd_intensity"}, 3]}]}


@pytest.mark.parametrize(("revenue", "intensity", "outcome"), [
    (3000, 5.5, ELIGIBLE), (3000, 4.5, NOT_ELIGIBLE), (12000, 4.5, ELIGIBLE), (12000, 3.5, NOT_ELIGIBLE),
    (30000, 3.2, ELIGIBLE), (30000, 2.9, NOT_ELIGIBLE), (None, 6, UNKNOWN_OUTCOME), (12000, None, UNKNOWN_OUTCOME),
])
def test_a_decision_table_picks_the_band_by_revenue(revenue, intensity, outcome):
    stated = {k: v for k, v in (("revenue", revenue), ("rd_intensity", intensity)) if v is not None}
    assert evaluate(BANDED, facts(**stated), FACTS).outcome == outcome


def test_the_trace_names_the_failing_condition_its_value_source_and_date():
    import datetime as dt

    rule = {"and": [{"var": "is_high_tech"}, {">=": [{"var": "revenue"}, 5000]}]}
    f = {"is_high_tech": FactValue(True, "企业登记信息"),
         "revenue": FactValue(Decimal("3000"), "企业统计报表", dt.date(2025, 12, 31))}
    ev = evaluate({"and": [{"==": [{"var": "is_high_tech"}, True]}, rule["and"][1]]}, f, FACTS)
    assert ev.outcome == NOT_ELIGIBLE
    [failed] = ev.failed
    assert failed.condition == "营业收入（统计年度） ≥ 5000"
    assert failed.facts == [{"fact": "revenue", "label": "营业收入（统计年度）", "value": "3000", "unit": "万元",
                             "display": "3000", "source": "企业统计报表", "as_of": "2025-12-31"}]
    assert ev.trace[0].passed is True


def test_in_and_arithmetic_work_over_facts():
    rule = {"and": [{"in": [{"var": "park"}, ["信联天地", "生命药洲"]]},
                    {">": [{"/": [{"var": "tax"}, {"var": "revenue"}]}, 0.03]}]}
    validate(rule, FACTS)
    assert evaluate(rule, facts(park="信联天地", tax=50, revenue=1000), FACTS).outcome == ELIGIBLE
    assert evaluate(rule, facts(park="崂山科创园", tax=50, revenue=1000), FACTS).outcome == NOT_ELIGIBLE
    assert evaluate(rule, facts(park="信联天地", tax=50), FACTS).outcome == UNKNOWN_OUTCOME


# --------------------------------------------------------------------------- refused at save


@pytest.mark.parametrize(("rule", "position", "words"), [
    ({">=": [{"var": "revenu"}, 5]}, ">= › 第1项 › var", "未知的事实“revenu”"),
    ({"and": [{"var": "is_high_tech"}, {">=": [{"var": "revenue"}, "五千"]}]}, "and › 第2项 › >=",
     "不能比较数值与文本"),
    ({"and": [{"var": "is_high_tech"}, {"==": [{"var": "park"}, 3]}]}, "and › 第2项 › ==", "不能比较文本与数值"),
    ({"frobnicate": [1, 2]}, "frobnicate", "未知的运算符"),
    ({"and": [], "or": []}, "规则", "只能有一个运算符"),
    ({">=": [{"var": "revenue"}]}, ">=", "需要 2 个参数"),
    ({"<": [1]}, "<", "需要 2 或 3 个参数"),
    ({"!": [True, False]}, "!", "只接受一个参数"),
    ({"if": [True, 1]}, "if", "参数个数为奇数"),
    ({"+": [{"var": "park"}, 1]}, "+ › 第1项", "只能用于数值"),
    ([1, 2], "规则", "JsonLogic 运算"),
    ({"in": [{"var": "park"}, [1, 2]]}, "in", "列表中查找"),
])
def test_a_bad_rule_is_refused_with_its_position(rule, position, words):
    with pytest.raises(RuleError) as exc:
        validate(rule, FACTS)
    assert exc.value.position == position
    assert words in exc.value.message


def test_a_bare_fact_used_as_a_condition_is_traced():
    rule = {"and": [{"var": "is_high_tech"}, {">=": [{"var": "revenue"}, 5000]}]}
    ev = evaluate(rule, facts(is_high_tech=False, revenue=8000), FACTS)
    assert ev.outcome == NOT_ELIGIBLE
    assert [(r.condition, r.passed) for r in ev.trace] == [("高新技术企业", False),
                                                         ("营业收入（统计年度） ≥ 5000", True)]
    assert ev.failed[0].facts[0]["value"] is False
