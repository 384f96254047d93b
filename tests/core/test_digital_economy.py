"""The NBS 《数字经济及其核心产业统计分类(2021)》 shipped in core/data: the data migration loaded every row of the
CSV (counts per level, a few known rows, the 核心产业 flag), every GB/T 4754-2017 class it names exists, the
correspondence notation (``*`` = partial) is read as the standard writes it, and loading again changes nothing."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from yuanqu.core.models import DigitalEconomyClass, DigitalEconomyCorrespondence, IndustryCode
from yuanqu.core.reference import DIGITAL_ECONOMY_CSV, digital_correspondences, load_digital_economy

pytestmark = pytest.mark.django_db


def csv_rows() -> list[dict[str, str]]:
    with DIGITAL_ECONOMY_CSV.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_table_has_the_standards_five_divisions_and_their_groups():
    rows = csv_rows()
    assert Counter(r["level"] for r in rows) == {"1": 5, "2": 32}
    per_division = Counter(r["parent"] for r in rows if r["level"] == "2")
    assert per_division == {"01": 6, "02": 5, "03": 5, "04": 7, "05": 9}
    # what the database holds is what the file says
    assert Counter(DigitalEconomyClass.objects.values_list("level", flat=True)) == {1: 5, 2: 32}
    for r in rows:
        d = DigitalEconomyClass.objects.get(code=r["code"])
        assert (d.name, d.level, d.parent_id or "", d.core) == (r["name"], int(r["level"]), r["parent"],
                                                               r["core"] == "1")


def test_known_rows_and_the_core_industries():
    known = {"01": "数字产品制造业", "05": "数字化效率提升业", "0101": "计算机制造", "0301": "软件开发",
             "0401": "互联网平台", "0406": "数据资源与产权交易", "0502": "智能制造", "0509": "其他数字化效率提升业"}
    for code, name in known.items():
        assert DigitalEconomyClass.objects.get(code=code).name == name
    assert set(DigitalEconomyClass.objects.filter(level=1, core=True).values_list("code", flat=True)) == {
        "01", "02", "03", "04"}
    assert not DigitalEconomyClass.objects.filter(code__startswith="05", core=True).exists()
    assert DigitalEconomyClass.objects.get(code="0406").parent_id == "04"


def test_every_correspondence_names_an_existing_industry_class():
    named = {code for r in csv_rows() for code, _ in digital_correspondences(r["gbt4754"])}
    assert named <= set(IndustryCode.objects.filter(level=4).values_list("code", flat=True))
    assert DigitalEconomyCorrespondence.objects.count() == sum(len(digital_correspondences(r["gbt4754"]))
                                                              for r in csv_rows())


def test_the_partial_mark_is_read_as_the_standard_writes_it():
    assert digital_correspondences("3911 3912, 6513*、6519") == [
        ("3911", False), ("3912", False), ("6513", True), ("6519", False)]
    assert digital_correspondences("") == []


def test_loading_again_changes_nothing():
    before = list(DigitalEconomyClass.objects.order_by("code").values_list("code", "name", "level", "parent",
                                                                            "core"))
    assert load_digital_economy(DigitalEconomyClass, DigitalEconomyCorrespondence) == len(csv_rows())
    assert list(DigitalEconomyClass.objects.order_by("code").values_list("code", "name", "level", "parent",
                                                                          "core")) == before
