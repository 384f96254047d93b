"""Eligibility rules: JsonLogic documents over named facts, checked at save and evaluated with a trace.

Why our own evaluator and not a JsonLogic package from PyPI (json-logic, json-logic-qubit, panzi-json-logic):
those evaluate two-valued logic over a dict and return one value. A policy rule needs (1) three values —
a fact nobody reported is *unknown*, not ``None`` compared as zero or false, so "not eligible" is never
claimed on missing data — and (2) a trace naming every condition, the value read, its source and date, and
whether it passed, so the enterprise learns which condition failed. Both live inside the evaluation of each
operator; wrapping a package would mean re-implementing every operator anyway. The operators are the
standard JsonLogic ones a rule needs (``var``, ``and``, ``or``, ``!``, ``!!``, ``if``, ``==``, ``!=``, ``<``,
``<=``, ``>``, ``>=`` including the three-argument "between" form, ``in``, ``+``, ``-``, ``*``, ``/``,
``min``, ``max``), so a rule stored here is a JsonLogic document any other system can read.

Three-valued (Kleene) logic: ``and`` is false if any part is false, else unknown if any is unknown;
``or`` is true if any part is true, else unknown if any is unknown; ``!`` of unknown is unknown; a comparison
or arithmetic with an unknown operand is unknown; ``if`` with an unknown condition is unknown (unless both
branches give the same value). Decision tables for banded thresholds are ``if`` chains
(``{"if": [{"<": [{"var": "revenue"}, 5000]}, {">=": [{"var": "rd_intensity"}, 5]}, …]}``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

ELIGIBLE, NOT_ELIGIBLE, UNKNOWN_OUTCOME = "eligible", "not_eligible", "unknown"
OUTCOME_LABELS = {ELIGIBLE: "符合", NOT_ELIGIBLE: "不符合", UNKNOWN_OUTCOME: "数据不全"}

NUMBER, BOOL, TEXT, LIST = "number", "bool", "text", "list"
TYPE_LABELS = {NUMBER: "数值", BOOL: "是/否", TEXT: "文本", LIST: "列表"}


class _Unknown:
    """The third truth value: a fact is missing, so the answer is not known."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("UNKNOWN has no truth value; use the three-valued operators")


UNKNOWN: Any = _Unknown()

COMPARISONS = ("==", "!=", "===", "!==", "<", "<=", ">", ">=")
LOGICAL = ("and", "or", "!", "!!", "if")
ARITHMETIC = ("+", "-", "*", "/", "min", "max")
OPERATORS = frozenset(("var", "in", *COMPARISONS, *LOGICAL, *ARITHMETIC))
SYMBOLS = {"==": "=", "===": "=", "!=": "≠", "!==": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥", "in": "属于"}


@dataclass(frozen=True)
class FactSpec:
    """A fact a rule may name: its Chinese label, its type and where its value comes from."""

    name: str
    label: str
    type: str
    source: str
    unit: str = ""


@dataclass(frozen=True)
class FactValue:
    """A fact's value for one enterprise, with where it was read and as of when; ``value`` UNKNOWN if missing."""

    value: Any
    source: str = ""
    as_of: dt.date | None = None


class RuleError(ValueError):
    """A rule refused at save: ``position`` names where (``and › 第2项 › >=``), ``message`` says why, in Chinese."""

    def __init__(self, position: str, message: str) -> None:
        super().__init__(f"{position or '规则'}：{message}")
        self.position = position or "规则"
        self.message = message


@dataclass
class TraceRow:
    """One condition of a rule as evaluated: its text, the facts read (value, source, date) and the result."""

    position: str
    condition: str
    facts: list[dict[str, Any]]
    passed: bool | None

    @property
    def result_label(self) -> str:
        return {True: "满足", False: "不满足", None: "数据缺失"}[self.passed]

    def as_dict(self) -> dict[str, Any]:
        return {"position": self.position, "condition": self.condition, "facts": self.facts,
                "passed": self.passed, "result": self.result_label}


@dataclass
class Evaluation:
    """The outcome of a rule for one enterprise (eligible / not eligible / unknown) and its trace."""

    outcome: str
    trace: list[TraceRow] = field(default_factory=list)

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    @property
    def failed(self) -> list[TraceRow]:
        return [r for r in self.trace if r.passed is False]

    @property
    def missing(self) -> list[TraceRow]:
        return [r for r in self.trace if r.passed is None]

    def as_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "label": self.label, "trace": [r.as_dict() for r in self.trace]}


# --------------------------------------------------------------------------- validation at save


def _step(position: str, part: str) -> str:
    return f"{position} › {part}" if position else part


def _literal_type(value: Any) -> str | None:
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int | float | Decimal):
        return NUMBER
    if isinstance(value, str):
        return TEXT
    if isinstance(value, list):
        return LIST
    return None


def validate(rule: Any, facts: Mapping[str, FactSpec]) -> str | None:
    """Check a rule before it is saved; returns its type, or raises :class:`RuleError` naming the position.

    Refused: anything not a JsonLogic operation (several keys, an unknown operator, wrong arity), a ``var``
    naming a fact not in ``facts``, and a comparison of a number with text (or a boolean with a number).
    """
    if not isinstance(rule, dict):
        raise RuleError("", "规则必须是一个 JsonLogic 运算（形如 {\"运算符\": [参数…]}）。")
    return _check(rule, facts, "")


def _check(node: Any, facts: Mapping[str, FactSpec], position: str) -> str | None:
    if not isinstance(node, dict):
        kind = _literal_type(node)
        if kind == LIST:
            for i, item in enumerate(node):
                _check(item, facts, _step(position, f"第{i + 1}项"))
        return kind
    if len(node) != 1:
        raise RuleError(position, f"一个运算只能有一个运算符，这里有 {len(node)} 个（{'、'.join(map(str, node))}）。")
    op, args = next(iter(node.items()))
    here = _step(position, str(op))
    if op not in OPERATORS:
        raise RuleError(here, f"未知的运算符“{op}”。")
    if op == "var":
        name = args[0] if isinstance(args, list) and args else args
        if not isinstance(name, str) or not name:
            raise RuleError(here, "var 必须写事实名称。")
        if name not in facts:
            raise RuleError(here, f"未知的事实“{name}”。可用的事实见规则编辑器右侧的列表。")
        return facts[name].type
    items = args if isinstance(args, list) else [args]
    if op in ("!", "!!") and len(items) != 1:
        raise RuleError(here, f"“{op}”只接受一个参数。")
    if op in COMPARISONS or op == "in":
        allowed = (2, 3) if op in ("<", "<=") else (2,)
        if len(items) not in allowed:
            raise RuleError(here, f"“{op}”需要 {' 或 '.join(map(str, allowed))} 个参数，这里有 {len(items)} 个。")
    if op == "if" and (len(items) < 3 or len(items) % 2 == 0):
        raise RuleError(here, "if 需要“条件, 值, …, 否则值”，参数个数为奇数且至少 3 个。")
    if op in ARITHMETIC and not items:
        raise RuleError(here, f"“{op}”至少需要一个参数。")
    types = [_check(item, facts, _step(here, f"第{i + 1}项")) for i, item in enumerate(items)]
    if op in COMPARISONS:
        known = {t for t in types if t is not None}
        if len(known) > 1:
            shown = "与".join(TYPE_LABELS.get(t, t) for t in types if t is not None)
            raise RuleError(here, f"不能比较{shown}（类型不同）。")
        return BOOL
    if op == "in":
        if types[1] not in (LIST, TEXT, None):
            raise RuleError(here, "in 的第二个参数必须是列表或文本。")
        if isinstance(items[1], list):
            member_types = {t for t in (_literal_type(v) for v in items[1]) if t is not None}
            needle = types[0]
            if needle is not None and member_types and member_types != {needle}:
                raise RuleError(here, f"不能在{TYPE_LABELS.get(next(iter(member_types)), '')}列表中查找"
                                      f"{TYPE_LABELS.get(needle, '')}。")
        return BOOL
    if op in ARITHMETIC:
        for i, t in enumerate(types):
            if t not in (NUMBER, None):
                raise RuleError(_step(here, f"第{i + 1}项"), f"“{op}”只能用于数值，这里是{TYPE_LABELS.get(t, t)}。")
        return NUMBER
    if op == "if":
        results = {t for t in types[1::2] + [types[-1]] if t is not None}
        return results.pop() if len(results) == 1 else None
    return BOOL


# --------------------------------------------------------------------------- evaluation


def _num(value: Any) -> Any:
    if isinstance(value, bool) or value is UNKNOWN:
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    return value


def _truthy(value: Any) -> Any:
    """JsonLogic truthiness, three-valued: UNKNOWN stays UNKNOWN."""
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, Decimal):
        return value != 0
    return bool(value)


def k_and(values: list[Any]) -> Any:
    """Kleene conjunction: false wins, then unknown."""
    if any(v is False for v in values):
        return False
    if any(v is UNKNOWN for v in values):
        return UNKNOWN
    return True


def k_or(values: list[Any]) -> Any:
    """Kleene disjunction: true wins, then unknown."""
    if any(v is True for v in values):
        return True
    if any(v is UNKNOWN for v in values):
        return UNKNOWN
    return False


def k_not(value: Any) -> Any:
    return UNKNOWN if value is UNKNOWN else (not value)


class _Evaluator:
    def __init__(self, facts: Mapping[str, FactValue], specs: Mapping[str, FactSpec]) -> None:
        self.facts = facts
        self.specs = specs
        self.trace: list[TraceRow] = []
        self._read: list[dict[str, Any]] = []

    def var(self, name: str) -> Any:
        fv = self.facts.get(name)
        spec = self.specs.get(name)
        value = UNKNOWN if fv is None else fv.value
        self._read.append({
            "fact": name, "label": spec.label if spec else name,
            "value": None if value is UNKNOWN else _plain(value), "unit": spec.unit if spec else "",
            "display": "" if value is UNKNOWN else _display(value),
            "source": (fv.source if fv is not None and fv.source else (spec.source if spec else "")),
            "as_of": fv.as_of.isoformat() if fv is not None and fv.as_of else "",
        })
        return _num(value)

    def text(self, node: Any) -> str:
        """A condition in words, for the trace (fact labels, not codes)."""
        if isinstance(node, dict) and len(node) == 1:
            op, args = next(iter(node.items()))
            items = args if isinstance(args, list) else [args]
            if op == "var":
                spec = self.specs.get(str(items[0]))
                return spec.label if spec else str(items[0])
            if op in SYMBOLS:
                if op in ("<", "<=") and len(items) == 3:
                    a, b, c = (self.text(i) for i in items)
                    return f"{a} {SYMBOLS[op]} {b} {SYMBOLS[op]} {c}"
                return f"{self.text(items[0])} {SYMBOLS[op]} {self.text(items[1])}"
            if op in ARITHMETIC:
                return "(" + f" {op} ".join(self.text(i) for i in items) + ")"
            if op == "!":
                return f"非（{self.text(items[0])}）"
            if op == "!!":
                return self.text(items[0])
            return op
        if isinstance(node, bool):
            return "是" if node else "否"
        if isinstance(node, list):
            return "、".join(self.text(i) for i in node)
        return str(node)

    def run(self, node: Any, position: str) -> Any:
        if not isinstance(node, dict):
            if isinstance(node, list):
                return [self.run(n, position) for n in node]
            return _num(node)
        op, args = next(iter(node.items()))
        items = args if isinstance(args, list) else [args]
        here = _step(position, str(op))
        if op == "var":
            return self.var(str(items[0]))
        if op == "and":
            return k_and([self.cond(a, _step(here, f"第{i + 1}项")) for i, a in enumerate(items)])
        if op == "or":
            return k_or([self.cond(a, _step(here, f"第{i + 1}项")) for i, a in enumerate(items)])
        if op == "!":
            return k_not(self.cond(items[0], _step(here, "第1项")))
        if op == "!!":
            return self.cond(items[0], _step(here, "第1项"))
        if op == "if":
            return self._if(items, here)
        if op in COMPARISONS or op == "in":
            return self._leaf(node, op, items, here)
        values = [self.run(a, _step(here, f"第{i + 1}项")) for i, a in enumerate(items)]
        return _arith(op, values)

    def cond(self, node: Any, position: str) -> Any:
        """A part of a logical operation, as a truth value; a bare fact (``{"var": "is_high_tech"}``) used as a
        condition is traced like a comparison, so every condition a rule states appears in the trace."""
        if isinstance(node, dict) and len(node) == 1 and "var" in node:
            here = _step(position, "var")
            outer, self._read = self._read, []
            value = _truthy(self.run(node, position))
            read, self._read = self._read, outer
            self._read.extend(read)
            self.trace.append(TraceRow(position=here, condition=self.text(node), facts=read,
                                       passed=None if value is UNKNOWN else bool(value)))
            return value
        return _truthy(self.run(node, position))

    def _if(self, items: list[Any], here: str) -> Any:
        for i in range(0, len(items) - 1, 2):
            cond = self.cond(items[i], _step(here, f"第{i + 1}项"))
            if cond is UNKNOWN:
                return UNKNOWN
            if cond:
                return self.run(items[i + 1], _step(here, f"第{i + 2}项"))
        return self.run(items[-1], _step(here, f"第{len(items)}项"))

    def _leaf(self, node: Any, op: str, items: list[Any], here: str) -> Any:
        outer = self._read
        self._read = []
        values = [self.run(a, _step(here, f"第{i + 1}项")) for i, a in enumerate(items)]
        read, self._read = self._read, outer
        self._read.extend(read)
        result = _compare(op, values)
        self.trace.append(TraceRow(position=here, condition=self.text(node), facts=read,
                                   passed=None if result is UNKNOWN else bool(result)))
        return result


def _display(value: Any) -> str:
    """A value as the trace shows it: 是/否 for a flag, a list joined, numbers without trailing zeros."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(map(str, value)) or "（无）"
    return str(_plain(value))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _compare(op: str, values: list[Any]) -> Any:
    if any(v is UNKNOWN for v in values if not isinstance(v, list)):
        return UNKNOWN
    if op == "in":
        needle, hay = values
        if isinstance(hay, list):
            if any(v is UNKNOWN for v in hay):
                return True if needle in [v for v in hay if v is not UNKNOWN] else UNKNOWN
            return needle in hay
        return isinstance(hay, str) and isinstance(needle, str) and needle in hay
    a, b = values[0], values[1]
    try:
        if op in ("==", "==="):
            return bool(a == b)
        if op in ("!=", "!=="):
            return bool(a != b)
        if op == "<":
            return bool(a < b < values[2]) if len(values) == 3 else bool(a < b)
        if op == "<=":
            return bool(a <= b <= values[2]) if len(values) == 3 else bool(a <= b)
        if op == ">":
            return bool(a > b)
        if op == ">=":
            return bool(a >= b)
    except TypeError:
        # Validation refuses mixed types at save; a value of the wrong type at run time is not known either.
        return UNKNOWN
    return UNKNOWN


def _arith(op: str, values: list[Any]) -> Any:
    if any(v is UNKNOWN for v in values):
        return UNKNOWN
    try:
        nums = [Decimal(v) for v in values]
    except (InvalidOperation, TypeError, ValueError):
        return UNKNOWN
    if op == "+":
        return sum(nums, Decimal(0))
    if op == "*":
        out = Decimal(1)
        for n in nums:
            out *= n
        return out
    if op == "-":
        return -nums[0] if len(nums) == 1 else nums[0] - nums[1]
    if op == "/":
        return UNKNOWN if len(nums) < 2 or nums[1] == 0 else nums[0] / nums[1]
    if op == "min":
        return min(nums)
    return max(nums)


def evaluate(rule: Any, facts: Mapping[str, FactValue], specs: Mapping[str, FactSpec]) -> Evaluation:
    """Evaluate a (validated) rule over one enterprise's facts: eligible, not eligible or unknown, with trace."""
    ev = _Evaluator(facts, specs)
    value = ev.cond(rule, "")
    outcome = UNKNOWN_OUTCOME if value is UNKNOWN else (ELIGIBLE if value else NOT_ELIGIBLE)
    return Evaluation(outcome=outcome, trace=ev.trace)


def facts_named(rule: Any) -> set[str]:
    """Every fact a rule reads."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for op, args in node.items():
                if op == "var":
                    name = args[0] if isinstance(args, list) and args else args
                    found.add(str(name))
                else:
                    walk(args)
        elif isinstance(node, list):
            for n in node:
                walk(n)

    walk(rule)
    return found
