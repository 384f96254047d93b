"""Score fact extraction against the hand-checked evaluation set in tests/intake/data/.

A predicted fact matches a gold fact of the same text when their values and units agree after normalising the
magnitude (55亿元 = 550000万元 = 5.5e9 元; 1兆 = 1万亿), traditional characters and unit spellings (平米 = ㎡ =
平方米 = 平方公尺), and their quotes overlap in the text (a quote that cannot be found in the text is compared by
containment). Each gold fact matches at most one prediction. Reported: precision, recall and F1 over all facts
(micro), and entity agreement over the matched pairs (same name after normalising, one containing the other, or
both a generic word for "the park" such as 园区/开发区/高新区).

    .venv/bin/python -m bench.intake.score            # every text, a line per text and the totals
    .venv/bin/python -m bench.intake.score --only 01 --only 12 --json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import zhconv

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "intake" / "data"

_MAGNITUDES = [("万亿", Decimal(10) ** 12), ("兆", Decimal(10) ** 12), ("亿", Decimal(10) ** 8),
               ("万", Decimal(10) ** 4)]
_SYNONYMS = {"平米": "平方米", "㎡": "平方米", "平方公尺": "平方米", "公尺": "米", "平方千米": "平方公里",
             "百分点": "个百分点", "立方公尺": "立方米", "新台币元": "元", "人民币元": "元"}
_GENERIC = {"园区", "开发区", "高新区", "经开区", "产业园", "科技园", "软件园", "工业园", "片区", "自贸片区",
            "新区", "基地", "孵化器", "科学园区", "产业园区", "工业园区", "区内", "辖区", ""}


def simplified(text: str) -> str:
    return zhconv.convert(text or "", "zh-cn")


def norm_unit(unit: str) -> tuple[Decimal, str]:
    """(factor, base unit): 亿元 → (1e8, 元), 万平方米 → (1e4, 平方米), 千元 → (1e3, 元)."""
    u = simplified(unit).replace(" ", "")
    factor = Decimal(1)
    for prefix, f in _MAGNITUDES:
        if u.startswith(prefix) and len(u) > len(prefix):
            factor, u = f, u[len(prefix):]
            break
    if u.startswith("千元"):
        factor, u = factor * 1000, u[1:]
    return factor, _SYNONYMS.get(u, u)


def norm_value(value: Any, unit: str) -> tuple[tuple[Decimal, ...], str]:
    factor, base = norm_unit(unit)
    values = value if isinstance(value, list) else [value]
    return tuple((Decimal(str(v)) * factor).normalize() for v in values), base


def norm_entity(entity: str) -> str:
    e = re.sub(r"\s|（演示）", "", simplified(entity))
    return "园区" if e in _GENERIC else e


def entities_agree(a: str, b: str) -> bool:
    x, y = norm_entity(a), norm_entity(b)
    return x == y or (len(x) >= 2 and len(y) >= 2 and (x in y or y in x))


def quote_span(text: str, quote: str) -> tuple[int, int] | None:
    k = text.find(quote)
    if k < 0:
        k = text.find(quote.strip())
    return (k, k + len(quote)) if k >= 0 else None


def quotes_overlap(text: str, a: str, b: str) -> bool:
    sa, sb = quote_span(text, a), quote_span(text, b)
    if sa is None or sb is None:
        ca, cb = simplified(a), simplified(b)
        return bool(ca and cb) and (ca in cb or cb in ca)
    return sa[0] < sb[1] and sb[0] < sa[1]


@dataclass
class Score:
    name: str
    gold: int
    predicted: int
    matched: int
    entity_agree: int

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_text(name: str, text: str, gold: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> Score:
    used: set[int] = set()
    matched = agree = 0
    for g in gold:
        key = norm_value(g["value"], g["unit"])
        for k, p in enumerate(predicted):
            if k in used or norm_value(p["value"], p["unit"]) != key:
                continue
            if not quotes_overlap(text, g["quote"], p["quote"]):
                continue
            used.add(k)
            matched += 1
            agree += entities_agree(g["entity"], p["entity"])
            break
    return Score(name, len(gold), len(predicted), matched, agree)


def names() -> list[Any]:
    from yuanqu.intake.extract import Name

    return [Name(**n) for n in json.loads((DATA / "names.json").read_text(encoding="utf-8"))]


def run(only: list[str] | None = None) -> tuple[list[Score], Score]:
    """Score every text (or those whose file name starts with one of ``only``); the per-text and total scores."""
    from yuanqu.intake.extract import extract

    registry = names()
    scores = []
    for path in sorted(DATA.glob("*.txt")):
        if only and not any(path.name.startswith(o) for o in only):
            continue
        text = path.read_text(encoding="utf-8")
        gold = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        predicted = [f.as_json() for f in extract(text, names=registry)]
        scores.append(score_text(path.stem, text, gold, predicted))
    total = Score("total", sum(s.gold for s in scores), sum(s.predicted for s in scores),
                  sum(s.matched for s in scores), sum(s.entity_agree for s in scores))
    return scores, total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="a text's file-name prefix (repeatable)")
    parser.add_argument("--json", action="store_true", help="print the totals as JSON")
    args = parser.parse_args(argv)
    scores, total = run(args.only)
    if args.json:
        print(json.dumps({"texts": len(scores), "gold": total.gold, "predicted": total.predicted,
                          "matched": total.matched, "precision": round(total.precision, 4),
                          "recall": round(total.recall, 4), "f1": round(total.f1, 4),
                          "entity_agreement": round(total.entity_agree / total.matched, 4) if total.matched else None}))
        return 0
    for s in [*scores, total]:
        ent = f"{s.entity_agree / s.matched:.3f}" if s.matched else "—"
        print(f"{s.name:40s} gold {s.gold:3d} pred {s.predicted:3d} match {s.matched:3d}  "
              f"P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f}  entity {ent}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
