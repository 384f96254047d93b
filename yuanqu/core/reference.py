"""Loading the national code tables shipped under core/data (see data/PROVENANCE.md)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
REGIONS_CSV = DATA_DIR / "admin_divisions_nbs2023_county.csv"
INDUSTRIES_CSV = DATA_DIR / "gbt4754_2017_industry.csv"
DIGITAL_ECONOMY_CSV = DATA_DIR / "nbs2021_digital_economy.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def load_regions(region_model: Any) -> int:
    """Insert or update every division of the NBS 2023 table; parents come before children."""
    rows = sorted(_rows(REGIONS_CSV), key=lambda r: len(r["code"]))
    existing = set(region_model.objects.values_list("code", flat=True))
    new: list[Any] = []
    changed: list[Any] = []
    for r in rows:
        obj = region_model(code=r["code"], name=r["name"], level=r["level"], parent_id=r["parent_code"] or None,
                           stat_only=r["stat_only"] == "1")
        (changed if r["code"] in existing else new).append(obj)
    for level in ("province", "city", "county"):  # keep the FK order on databases that check it at once
        region_model.objects.bulk_create([o for o in new if o.level == level], batch_size=1000)
    region_model.objects.bulk_update(changed, ["name", "level", "parent_id", "stat_only"], batch_size=1000)
    return len(rows)


def load_industries(industry_model: Any) -> int:
    """Insert or update the four levels of GB/T 4754-2017 (门类, 大类, 中类, 小类)."""
    rows = _rows(INDUSTRIES_CSV)
    parent_key = {"1": None, "2": "section", "3": "division", "4": "group"}
    existing = set(industry_model.objects.values_list("code", flat=True))
    new: list[Any] = []
    changed: list[Any] = []
    for r in rows:
        key = parent_key[r["level"]]
        obj = industry_model(code=r["code"], name=r["name"], level=int(r["level"]), section=r["section"],
                             parent_id=r[key] if key else None, note=r["note"])
        (changed if r["code"] in existing else new).append(obj)
    for level in (1, 2, 3, 4):
        industry_model.objects.bulk_create([o for o in new if o.level == level], batch_size=1000)
    industry_model.objects.bulk_update(changed, ["name", "level", "section", "parent_id", "note"], batch_size=1000)
    return len(rows)


def digital_correspondences(text: str) -> list[tuple[str, bool]]:
    """The GB/T 4754-2017 classes of a digital-economy row, written as in the standard: "3911 3912 6513*" (a ``*``
    marks a class the 分类 takes only in part)."""
    return [(c.rstrip("*"), c.endswith("*")) for c in text.replace(",", " ").replace("、", " ").split() if c]


def load_digital_economy(class_model: Any, correspondence_model: Any) -> int:
    """Insert or update the classes of the NBS 数字经济及其核心产业统计分类(2021) and replace their GB/T 4754-2017
    correspondences (parents come before children; the industries must be loaded first)."""
    rows = sorted(_rows(DIGITAL_ECONOMY_CSV), key=lambda r: (int(r["level"]), r["code"]))
    existing = set(class_model.objects.values_list("code", flat=True))
    new: list[Any] = []
    changed: list[Any] = []
    for r in rows:
        obj = class_model(code=r["code"], name=r["name"], level=int(r["level"]), parent_id=r["parent"] or None,
                          core=r["core"] == "1")
        (changed if r["code"] in existing else new).append(obj)
    for level in (1, 2, 3):
        class_model.objects.bulk_create([o for o in new if o.level == level], batch_size=1000)
    class_model.objects.bulk_update(changed, ["name", "level", "parent_id", "core"], batch_size=1000)
    correspondence_model.objects.filter(digital_class_id__in=[r["code"] for r in rows]).delete()
    correspondence_model.objects.bulk_create(
        [correspondence_model(digital_class_id=r["code"], industry_id=code, partial=partial)
         for r in rows for code, partial in digital_correspondences(r["gbt4754"])], batch_size=1000)
    return len(rows)
