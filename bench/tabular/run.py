"""Import benchmark: enterprises, settlements, historical statistics, leads and projects from .xlsx, on SQLite and
PostgreSQL.

    .venv/bin/python bench/tabular/run.py [--rows 100000] [--die-rows 10000] [--stats-enterprises 100000]
        [--entities enterprises,settlements,report_values,leads,projects]
        [--pg postgres://postgres@127.0.0.1:5432/bench_tabular]

The files: ``--rows`` enterprises × 12 columns; ``--rows`` settlements (USCC, park, signed and moved-in dates)
of enterprises registered beforehand; ``--stats-enterprises`` settled enterprises × 12 months × 6 monthly
indicators of historical statistics (one row per enterprise and month; 100k enterprises is 1.2M rows and 7.2M
values); ``--rows`` leads (name, USCC, source, park, industry, amounts, note) and ``--rows`` projects (name, park,
level, industry, amounts, note), each new, into an empty table. Seeding (the enterprises and settlements a file
refers to) happens before the clock starts.

Measured side by side, each in a fresh process on an empty enterprise table (peak memory = the process's
maximum resident set size):

- engine: yuanqu's import end to end — read, find the header, map, parse and validate every row (USCC
  check digits, choices, dates, units, scope), check for existing USCCs, pinyin search keys, commit in one
  transaction with one audit event;
- (a) django-import-export 4 importing the same file into the same model (tablib/openpyxl reading, a
  ModelResource keyed on USCC, widgets for 是/否 and the Chinese choice labels). It is slow, so it runs on
  the first ``--die-rows`` rows of the same data and its time is extrapolated linearly — said in the output;
- (b) the floor: calamine reading the file, plus a raw COPY (PostgreSQL) or executemany (SQLite) of the
  same rows, converted just enough to be stored, with no validation at all (statistics: the rounds, the reports
  and the values; no derived figures, no rollups; leads without their search keys; projects with their stage
  rows).

``bench/tabular/investment_paths.py`` times the lead and project imports with their bulk path and row by row (the
``engine-rows`` phase: ``importer.bulk = False``).

django-import-export is measured for enterprises only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
#: SQLite: rows per INSERT statement of the floor. The issue defines the floor as an executemany of the rows, one
#: row a statement; the engine inserts 50 a statement (tabular.fast.ROWS_PER_INSERT). Set
#: BENCH_FLOOR_ROWS_PER_INSERT=50 to hold the engine against a floor that batches as it does.
FLOOR_ROWS_PER_INSERT = int(os.environ.get("BENCH_FLOOR_ROWS_PER_INSERT", "1"))
sys.path.insert(0, str(ROOT))

HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "行业代码",
    "注册地",
    "经营状态",
    "注册资本(万元)",
    "成立日期",
    "高新技术企业",
    "专精特新",
    "规上企业",
    "上市情况",
    "四新经济",
]
WORDS = "华海泰恒瑞丰达鑫源博创新远航康盛和信誉景明德嘉宏兴合安晟弘新元光正通宇汇隆昌祥富"
TRADES = ["生物科技", "医药", "软件", "信息技术", "智能装备", "新材料", "数据科技", "医疗器械", "环保科技", "贸易"]


def generate(path: Path, rows: int, seed: int = 2024) -> None:
    """Write ``rows`` plausible enterprises to an .xlsx (xlsxwriter, constant memory)."""
    import xlsxwriter

    from yuanqu.core.text import USCC_ALPHABET, uscc_check_digit

    def make_uscc(rng: random.Random, region: str) -> str:
        first17 = "91" + region + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
        return first17 + uscc_check_digit(first17)

    rng = random.Random(seed)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet("企业名录")
    for c, h in enumerate(HEADERS):
        ws.write_string(0, c, h)
    seen: set[str] = set()
    for r in range(1, rows + 1):
        uscc = make_uscc(rng, "370213")
        while uscc in seen:
            uscc = make_uscc(rng, "370213")
        seen.add(uscc)
        name = "青岛" + "".join(rng.choice(WORDS) for _ in range(2)) + rng.choice(TRADES) + f"有限公司{r}"
        values = [
            uscc,
            name,
            rng.choice(["6513", "2710", "6511", "7320", "3581"]),
            "370213",
            rng.choice(["存续", "存续", "存续", "注销"]),
            round(rng.uniform(10, 50000), 2),
            f"{rng.randint(1995, 2023)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            rng.choice(["是", "否"]),
            rng.choice(["", "创新型中小企业", "专精特新小巨人"]),
            rng.choice(["是", "否"]),
            rng.choice(["未上市", "未上市", "科创板"]),
            rng.choice(["是", "否"]),
        ]
        for c, v in enumerate(values):
            if isinstance(v, float):
                ws.write_number(r, c, v)
            elif v:
                ws.write_string(r, c, v)
    book.close()


def companies(n: int, seed: int = 7) -> list[tuple[str, str]]:
    """``n`` distinct (USCC, name) pairs, the same in the parent (files) and the children (seeding)."""
    from yuanqu.core.text import USCC_ALPHABET, uscc_check_digit

    rng = random.Random(seed)
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    while len(out) < n:
        first17 = "91370213" + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
        uscc = first17 + uscc_check_digit(first17)
        if uscc in seen:
            continue
        seen.add(uscc)
        name = "青岛" + "".join(rng.choice(WORDS) for _ in range(2)) + rng.choice(TRADES) + f"有限公司{len(out)}"
        out.append((uscc, name))
    return out


PARK = "生命药洲"
SETTLEMENT_HEADERS = ["统一社会信用代码", "园区", "签约日期", "入驻日期"]
#: The six monthly indicators of the statistics file, by code, with their column headers.
STATS_INDICATORS = [("output", "工业总产值(万元)"), ("revenue", "营业收入(万元)"), ("tax", "税收(万元)"),
                    ("profit", "利润总额(万元)"), ("employees", "从业人员(人)"), ("fai", "固定资产投资(万元)")]
STATS_YEAR = 2023


def generate_settlements(path: Path, n: int) -> None:
    """One settlement per enterprise of :func:`companies`: signed, then moved in."""
    import xlsxwriter

    rng = random.Random(11)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet("入驻")
    for c, h in enumerate(SETTLEMENT_HEADERS):
        ws.write_string(0, c, h)
    for r, (uscc, _name) in enumerate(companies(n), start=1):
        year, month = rng.randint(2015, 2023), rng.randint(1, 12)
        ws.write_string(r, 0, uscc)
        ws.write_string(r, 1, PARK)
        ws.write_string(r, 2, f"{year}-{month:02d}-{rng.randint(1, 14):02d}")
        ws.write_string(r, 3, f"{year}-{month:02d}-{rng.randint(15, 28):02d}")
    book.close()


#: Rows of an .xlsx sheet, the header included (Excel's limit; xlsxwriter drops what lies beyond without a word).
XLSX_ROWS = 1_048_576


def stats_path(work: Path, n: int) -> Path:
    """The statistics file of ``n`` enterprises: .xlsx while one sheet holds its rows, else .csv (a 1.2M-row
    export does not fit in a sheet; offices get such files as CSV)."""
    return work / (f"statistics-{n}.xlsx" if n * 12 + 1 <= XLSX_ROWS else f"statistics-{n}.csv")


def generate_stats(path: Path, n: int) -> None:
    """``n`` enterprises × 12 months of :data:`STATS_YEAR`, one row per enterprise and month, 6 indicators."""
    import csv

    import xlsxwriter

    rng = random.Random(13)
    headers = ["统一社会信用代码", "企业名称", "园区", "年份", "月份", *[h for _c, h in STATS_INDICATORS]]

    def rows() -> Any:
        for uscc, name in companies(n):
            totals = [0.0] * 5
            for month in range(1, 13):
                for i in range(5):  # cumulative figures grow through the year
                    totals[i] = round(totals[i] + rng.uniform(1, 500), 2)
                yield [uscc, name, PARK, STATS_YEAR, month, *totals[:4], rng.randint(5, 500), totals[4]]

    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(headers)
            writer.writerows(rows())
        return
    assert n * 12 + 1 <= XLSX_ROWS, "more rows than a sheet holds"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet("历史数据")
    for c, h in enumerate(headers):
        ws.write_string(0, c, h)
    for r, row in enumerate(rows(), start=1):
        for c, v in enumerate(row):
            if isinstance(v, str):
                ws.write_string(r, c, v)
            else:
                ws.write_number(r, c, v)
    book.close()


LEAD_HEADERS = ["企业名称", "统一社会信用代码", "来源", "意向园区", "行业", "意向投资额(万元)", "预计用工", "备注"]
PROJECT_HEADERS = ["项目名称", "园区", "项目级别", "行业", "总投资(万元)", "固定资产投资(万元)", "备注"]


def generate_leads(path: Path, n: int) -> None:
    """``n`` new leads, each a different company (by normalised name and by code), half of them with a code."""
    import xlsxwriter

    rng = random.Random(17)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet("线索")
    for c, h in enumerate(LEAD_HEADERS):
        ws.write_string(0, c, h)
    for r, (uscc, name) in enumerate(companies(n, seed=17), start=1):
        ws.write_string(r, 0, name.replace("有限公司", "") + "有限公司")
        if r % 2:
            ws.write_string(r, 1, uscc)
        ws.write_string(r, 2, rng.choice(["展会", "以商招商", "中介机构", "其他"]))
        ws.write_string(r, 3, PARK)
        ws.write_string(r, 4, rng.choice(["6513", "2710", "6511", "7320", "3581"]))
        ws.write_number(r, 5, round(rng.uniform(100, 50000), 2))
        ws.write_number(r, 6, rng.randint(5, 500))
        ws.write_string(r, 7, rng.choice(["", "已对接", "待回访"]))
    book.close()


def generate_projects(path: Path, n: int) -> None:
    """``n`` new projects with distinct names."""
    import xlsxwriter

    rng = random.Random(19)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet("重点项目")
    for c, h in enumerate(PROJECT_HEADERS):
        ws.write_string(0, c, h)
    for r in range(1, n + 1):
        ws.write_string(r, 0, "".join(rng.choice(WORDS) for _ in range(2)) + rng.choice(TRADES) + f"项目{r}")
        ws.write_string(r, 1, PARK)
        ws.write_string(r, 2, rng.choice(["市重点", "区重点", "省重点", "一般项目"]))
        ws.write_string(r, 3, rng.choice(["6513", "2710", "6511", "7320", "3581"]))
        total = round(rng.uniform(1000, 500000), 2)
        ws.write_number(r, 4, total)
        ws.write_number(r, 5, round(total * rng.uniform(0.3, 0.9), 2))
        ws.write_string(r, 6, rng.choice(["", "新建厂房", "研发中心"]))
    book.close()


def setup_django(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("YUANQU_DEMO", "1")
    os.environ.setdefault("DEBUG", "0")  # as in production: no query log (the demo setting turns DEBUG on)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuanqu.settings")
    import django

    django.setup()


def reset(db_url: str, entity: str = "enterprises", n: int = 0) -> None:
    """Migrate the database, empty the tables the benchmark writes and seed what the file refers to: ``n``
    enterprises (settlements), and their settlements in the park too (statistics)."""
    setup_django(db_url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from yuanqu.accounts.models import User
    from yuanqu.accounts.services import user_create_on_server
    from yuanqu.core.models import Region
    from yuanqu.enterprises.models import Designation, Enterprise, EnterpriseName, Settlement
    from yuanqu.investment import models as inv
    from yuanqu.stats.models import RegionRollup, Report, ReportValue, Rollup, Round
    from yuanqu.tabular.models import ImportBatch, SavedMapping

    tables = [m._meta.db_table for m in (
        inv.CaseMeasure, inv.CaseMeeting, inv.Case, inv.FollowUp, inv.LeadContact, inv.StageEvidence, inv.StageChange,
        inv.ProjectMonth, inv.ProjectStage, inv.Project, inv.Lead, Rollup, RegionRollup, ReportValue, Report,
        Round.indicators.through, Round, EnterpriseName, Designation, Settlement, Enterprise, ImportBatch,
        SavedMapping)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")
        if connection.vendor == "postgresql":
            # the deleted rows' space made free again (autovacuum is off here): runs after runs would bloat the tables
            cursor.execute(f"VACUUM {', '.join(tables)}")
    if not User.objects.filter(username="bench").exists():
        user_create_on_server(
            role="region_staff", region=Region.objects.get(pk="370213"), username="bench", password="bench-Pa55word"
        )
    user = User.objects.get(username="bench")
    if entity != "enterprises":
        seed(user, entity, n)
    with connection.cursor() as cursor:  # statistics for the planner, as autovacuum keeps them in production
        cursor.execute("ANALYZE" if connection.vendor == "postgresql" else "PRAGMA optimize")


def seed(user: object, entity: str, n: int) -> None:
    """The enterprises a settlements or statistics file refers to, and their settlements (statistics)."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from yuanqu.core.models import Region
    from yuanqu.enterprises.models import Enterprise, Settlement
    from yuanqu.parks.models import Park
    from yuanqu.parks.services import park_create
    from yuanqu.tabular.fast import fast_insert

    park = Park.objects.filter(name=PARK).first() or park_create(
        actor=user, name=PARK, region=Region.objects.get(pk="370213"), kind=Park.Kind.INDUSTRIAL)
    now = timezone.now()
    with transaction.atomic():
        fast_insert(Enterprise, ("uscc", "name", "name_pinyin", "name_initials", "industry", "region", "is_high_tech",
                                 "srdi_level", "is_above_scale", "listing", "is_four_new", "status", "business_scope",
                                 "created_at", "updated_at"),
                    [(uscc, name, "", "", "6513", "370213", False, "", False, "unlisted", False, "active", "", now, now)
                     for uscc, name in companies(n)])
        if entity == "report_values":
            ids = list(Enterprise.objects.values_list("pk", flat=True))
            fast_insert(Settlement, ("enterprise", "park", "stage", "signed_on", "exit_reason", "note", "created_at",
                                     "updated_at"),
                        [(pk, park.pk, "signed", dt.date(2020, 1, 1), "", "", now, now) for pk in ids])


def peak_mb() -> float:
    """The process's peak resident set size since :func:`reset_peak` (Linux: VmHWM), else since it started."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> None:
    """Start the peak memory count afresh, after migrating and seeding (Linux: ``clear_refs`` 5 resets VmHWM), so
    that the peak is the import's, not the set-up's."""
    import gc

    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


ENGINE_ENTITY = {"enterprises": "enterprises", "settlements": "settlements", "report_values": "report_values",
                 "leads": "leads", "projects": "projects"}


def stored_rows(entity: str) -> int:
    from yuanqu.enterprises.models import Enterprise, Settlement
    from yuanqu.investment.models import Lead, Project
    from yuanqu.stats.models import ReportValue

    model = {"enterprises": Enterprise, "settlements": Settlement, "report_values": ReportValue, "leads": Lead,
             "projects": Project}[entity]
    return int(model.objects.count())


def stored_digest(entity: str) -> str:
    """What a statistics import stored, summed: values with their derived figures, and the rollup cells of parks and
    regions. Engine and floor must give the same (the floor writes the rows the engine writes)."""
    if entity != "report_values":
        return ""
    from django.db.models import Count, Sum

    from yuanqu.stats.models import RegionRollup, Report, ReportValue, Rollup

    parts = [
        ReportValue.objects.aggregate(n=Count("pk"), v=Sum("value"), p=Sum("period_value"), y=Sum("ytd_value")),
        Report.objects.values("industry_section", "above_scale", "status").annotate(n=Count("pk")).order_by(
            "industry_section", "above_scale", "status"),
        Rollup.objects.values("segment").annotate(n=Count("pk"), v=Sum("value"), y=Sum("ytd"),
                                                  r=Sum("reporters")).order_by("segment"),
        RegionRollup.objects.values("region_code").annotate(n=Count("pk"), v=Sum("value"), y=Sum("ytd"),
                                                            r=Sum("reporters")).order_by("region_code"),
    ]
    return json.dumps([p if isinstance(p, dict) else list(p) for p in parts], default=str, sort_keys=True)


def phase_engine(db_url: str, path: Path, entity: str = "enterprises") -> dict[str, float]:
    setup_django(db_url)
    from yuanqu.accounts.models import User
    from yuanqu.tabular import engine

    user = User.objects.get(username="bench")
    t = time.perf_counter()
    batch = engine.start_batch(actor=user, entity=entity, filename=path.name, data=path.read_bytes())
    problems = engine.mapping_problems(batch)
    assert not problems, problems
    batch = engine.commit(batch, actor=user)
    seconds = time.perf_counter() - t
    assert batch.status == "committed", batch.error
    assert batch.counts["error"] == 0, [r for r in batch.report if r[1] == "error"][:3]
    return {"seconds": seconds, "rows": stored_rows(entity), "peak_mb": peak_mb(), "digest": stored_digest(entity)}


def phase_engine_rows(db_url: str, path: Path, entity: str = "leads") -> dict[str, float]:
    """:func:`phase_engine` with the importer's bulk path off: every row through the entity's services."""
    setup_django(db_url)
    from yuanqu.tabular.registry import get_importer

    importer: Any = get_importer(entity)
    assert hasattr(importer, "bulk"), f"{entity} has no bulk path"
    importer.bulk = False
    return phase_engine(db_url, path, entity)


def phase_die(db_url: str, path: Path, entity: str = "enterprises") -> dict[str, float]:
    setup_django(db_url)
    import tablib
    from import_export import fields, resources, widgets

    from yuanqu.core.models import IndustryCode, Region
    from yuanqu.enterprises.models import Enterprise

    class YesNo(widgets.BooleanWidget):
        def clean(self, value, row=None, **kwargs):  # type: ignore[no-untyped-def]
            return value == "是"

    class Choice(widgets.Widget):
        def __init__(self, table: dict[str, str]) -> None:
            super().__init__()
            self.table = table

        def clean(self, value, row=None, **kwargs):  # type: ignore[no-untyped-def]
            return self.table.get(value or "", "")

    class EnterpriseResource(resources.ModelResource):
        uscc = fields.Field("uscc", column_name="统一社会信用代码")
        name = fields.Field("name", column_name="企业名称")
        industry = fields.Field(
            "industry", column_name="行业代码", widget=widgets.ForeignKeyWidget(IndustryCode, "code")
        )
        region = fields.Field("region", column_name="注册地", widget=widgets.ForeignKeyWidget(Region, "code"))
        status = fields.Field("status", column_name="经营状态", widget=Choice({"存续": "active", "注销": "cancelled"}))
        registered_capital_wan = fields.Field(
            "registered_capital_wan", column_name="注册资本(万元)", widget=widgets.DecimalWidget()
        )
        established_on = fields.Field("established_on", column_name="成立日期", widget=widgets.DateWidget("%Y-%m-%d"))
        is_high_tech = fields.Field("is_high_tech", column_name="高新技术企业", widget=YesNo())
        srdi_level = fields.Field(
            "srdi_level",
            column_name="专精特新",
            widget=Choice({"创新型中小企业": "innovative_sme", "专精特新小巨人": "little_giant"}),
        )
        is_above_scale = fields.Field("is_above_scale", column_name="规上企业", widget=YesNo())
        listing = fields.Field(
            "listing", column_name="上市情况", widget=Choice({"未上市": "unlisted", "科创板": "star"})
        )
        is_four_new = fields.Field("is_four_new", column_name="四新经济", widget=YesNo())

        class Meta:
            model = Enterprise
            import_id_fields = ("uscc",)
            fields = (
                "uscc",
                "name",
                "industry",
                "region",
                "status",
                "registered_capital_wan",
                "established_on",
                "is_high_tech",
                "srdi_level",
                "is_above_scale",
                "listing",
                "is_four_new",
            )
            use_transactions = True
            skip_unchanged = True

    t = time.perf_counter()
    dataset = tablib.Dataset().load(path.read_bytes(), format="xlsx")
    result = EnterpriseResource().import_data(dataset, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - t
    assert not result.has_errors()
    return {"seconds": seconds, "rows": Enterprise.objects.count(), "peak_mb": peak_mb()}


def phase_floor(db_url: str, path: Path, entity: str = "enterprises") -> dict[str, float]:
    setup_django(db_url)
    if entity != "enterprises":
        return FLOORS[entity](db_url, path)
    import datetime as dt
    from decimal import Decimal

    from django.db import connection, transaction
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    from yuanqu.enterprises.models import Designation, Enterprise
    from yuanqu.tabular.fast import fast_insert, fast_insert_keyed

    t = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    now = timezone.now()
    status = {"存续": "active", "注销": "cancelled"}
    srdi = {"创新型中小企业": "innovative_sme", "专精特新小巨人": "little_giant", "": ""}
    listing = {"未上市": "unlisted", "科创板": "star"}
    out = []
    for r in rows[1:]:
        out.append(
            (
                r[0],
                r[1],
                "",
                "",
                r[2],
                r[3],
                r[7] == "是",
                srdi[r[8]],
                r[9] == "是",
                listing[r[10]],
                r[11] == "是",
                Decimal(repr(r[5])),
                dt.date.fromisoformat(r[6]),
                status[r[4]],
                "",
                now,
                now,
            )
        )
    names = (
        "uscc",
        "name",
        "name_pinyin",
        "name_initials",
        "industry",
        "region",
        "is_high_tech",
        "srdi_level",
        "is_above_scale",
        "listing",
        "is_four_new",
        "registered_capital_wan",
        "established_on",
        "status",
        "business_scope",
        "created_at",
        "updated_at",
    )
    # the same rows as the engine stores: the former flags are a designation's history (梯度培育) as well
    today = timezone.localdate()
    until = today.replace(year=today.year + 3) - dt.timedelta(days=1)
    kinds = {"创新型中小企业": "innovative_sme", "专精特新小巨人": "little_giant"}
    designations = []
    plain = ("企业信息导入", "", "", "")  # source, level, certificate number, end reason
    with transaction.atomic():
        ids = dict(fast_insert_keyed(Enterprise, names, out, "uscc", rows_per_insert=FLOOR_ROWS_PER_INSERT))
        for r in rows[1:]:
            pk = ids[r[0]]
            if r[7] == "是":
                designations.append((pk, "high_tech", today, until, "", None, None, None, *plain, now, now))
            if r[8]:
                designations.append((pk, kinds[r[8]], today, until, "", None, None, None, *plain, now, now))
            if r[10] != "未上市":
                designations.append((pk, "listing", today, None, listing[r[10]], today, today, today, *plain, now,
                                     now))
        fast_insert(Designation, ("enterprise", "kind", "recognised_on", "valid_until", "board", "coaching_on",
                                  "filed_on", "listed_on", "source", "level", "certificate_no", "end_reason",
                                  "created_at", "updated_at"), designations, rows_per_insert=FLOOR_ROWS_PER_INSERT)
    seconds = time.perf_counter() - t
    assert connection.vendor in ("sqlite", "postgresql")
    return {"seconds": seconds, "rows": Enterprise.objects.count(), "peak_mb": peak_mb()}


def floor_settlements(db_url: str, path: Path) -> dict[str, float]:
    from django.db import transaction
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    from yuanqu.enterprises.models import Enterprise, Settlement
    from yuanqu.parks.models import Park
    from yuanqu.tabular.fast import fast_insert

    t = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    now = timezone.now()
    ids = dict(Enterprise.objects.values_list("uscc", "pk"))
    parks = dict(Park.objects.values_list("name", "pk"))
    out = [(ids[r[0]], parks[r[1]], "moved_in", dt.date.fromisoformat(r[2]), dt.date.fromisoformat(r[3]), "", "",
            now, now) for r in rows[1:]]
    with transaction.atomic():
        fast_insert(Settlement, ("enterprise", "park", "stage", "signed_on", "moved_in_on", "exit_reason", "note",
                                 "created_at", "updated_at"), out, rows_per_insert=FLOOR_ROWS_PER_INSERT)
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "rows": stored_rows("settlements"), "peak_mb": peak_mb()}


def floor_stats(db_url: str, path: Path) -> dict[str, float]:
    """The statistics floor writes the rows the engine writes, with no validation: the rounds, the reports (with the
    enterprise's industry section and 规上 flag), the values with their derived period and 累计 figures (the file's
    months are in order, so a running total per series is enough), and the rollup cells, summed from the values by
    one INSERT … SELECT per table (``rollups.rebuild``, what ``yuanqu rebuild_rollups`` runs)."""
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    from yuanqu.enterprises.models import Enterprise
    from yuanqu.parks.models import Park
    from yuanqu.stats import rollups
    from yuanqu.stats.models import Indicator, Report, ReportValue, Round
    from yuanqu.tabular.fast import fast_insert

    t = time.perf_counter()
    if path.suffix == ".csv":  # the csv module reads it, as the engine does
        import csv

        with path.open(encoding="utf-8", newline="") as f:
            rows: list[Any] = list(csv.reader(f))
        number: Any = Decimal
    else:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()

        def number(v: Any) -> Decimal:
            return Decimal(repr(v))
    now = timezone.now()
    enterprises = {uscc: (pk, section or "", above) for uscc, pk, section, above in Enterprise.objects.values_list(
        "uscc", "pk", "industry__section", "is_above_scale")}
    parks = dict(Park.objects.values_list("name", "pk"))
    indicators = {code: (pk, basis, aggregation) for code, pk, basis, aggregation in Indicator.objects.values_list(
        "code", "pk", "basis", "aggregation")}
    columns = [indicators[code] for code, _h in STATS_INDICATORS]
    with transaction.atomic():
        rounds = {}
        for month in range(1, 13):
            rnd = Round.objects.create(region_id="370213", frequency="month", year=STATS_YEAR, month=month,
                                       deadline=dt.date(STATS_YEAR, month, 28))
            rnd.indicators.add(*[pk for pk, _b, _a in columns])
            rounds[month] = rnd.pk
        reports = []
        for r in rows[1:]:
            e, section, above = enterprises[r[0]]
            reports.append((rounds[int(r[4])], e, parks[r[2]], "approved", above, section, now, "", now, now))
        fast_insert(Report, ("round", "enterprise", "park", "status", "above_scale", "industry_section",
                             "approved_at", "return_reason", "created_at", "updated_at"), reports,
                    rows_per_insert=FLOOR_ROWS_PER_INSERT)
        del reports
        report = {(rnd, e): pk for pk, rnd, e in Report.objects.values_list("pk", "round_id", "enterprise_id")}
        values = []
        running: dict[tuple[int, int], list[Decimal]] = {}  # (enterprise, indicator) → [last 累计, sum of periods]
        for r in rows[1:]:
            e, p, month = enterprises[r[0]][0], parks[r[2]], int(r[4])
            pk = report[(rounds[month], e)]
            for i, (ind, basis, aggregation) in enumerate(columns):
                value = number(r[5 + i])
                last = running.setdefault((e, ind), [Decimal(0), Decimal(0)])
                if aggregation == Indicator.Aggregation.LATEST:
                    period, ytd = value, value
                elif basis == Indicator.Basis.CUMULATIVE:
                    period, ytd, last[0] = value - last[0], value, value
                else:
                    period = value
                    last[1] += value
                    ytd = last[1]
                values.append((pk, ind, p, e, STATS_YEAR, month, value, False, "", "", "", period, ytd))
        fast_insert(ReportValue, ("report", "indicator", "park", "enterprise", "year", "month", "value", "no_data",
                                  "no_data_reason", "explanation", "warning", "period_value", "ytd_value"), values,
                    rows_per_insert=FLOOR_ROWS_PER_INSERT)
        rollups.rebuild()  # every park and region cell from the values: `yuanqu rebuild_rollups`
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "rows": stored_rows("report_values"), "peak_mb": peak_mb(),
            "digest": stored_digest("report_values")}


def floor_leads(db_url: str, path: Path) -> dict[str, float]:
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    from yuanqu.accounts.models import User
    from yuanqu.investment.models import Lead
    from yuanqu.parks.models import Park
    from yuanqu.tabular.fast import fast_insert

    t = time.perf_counter()
    if path.suffix == ".csv":  # the csv module reads it, as the engine does
        import csv

        with path.open(encoding="utf-8", newline="") as f:
            rows: list[Any] = list(csv.reader(f))
        number: Any = Decimal
    else:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()

        def number(v: Any) -> Decimal:
            return Decimal(repr(v))
    now = timezone.now()
    user = User.objects.get(username="bench")
    parks = {p.name: p for p in Park.objects.all()}
    source = {"展会": "expo", "以商招商": "by_business", "中介机构": "agency", "其他": "other"}
    out = []
    for r in rows[1:]:
        park = parks[r[3]]
        out.append((r[0], "", "", "", r[1], r[4], park.region_id, park.pk, source[r[2]], "new", "",
                    Decimal(repr(r[5])), int(r[6]), user.pk, now, r[7], "", now, now))
    with transaction.atomic():
        fast_insert(Lead, ("name", "name_key", "name_pinyin", "name_initials", "uscc", "industry", "region",
                           "target_park", "source", "status", "lost_reason", "intended_investment_wan",
                           "expected_jobs", "owner", "owned_since", "note", "archive_reason", "created_at",
                           "updated_at"), out, rows_per_insert=FLOOR_ROWS_PER_INSERT)
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "rows": stored_rows("leads"), "peak_mb": peak_mb()}


def floor_projects(db_url: str, path: Path) -> dict[str, float]:
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    from yuanqu.investment.models import Project, ProjectStage
    from yuanqu.parks.models import Park
    from yuanqu.tabular.fast import fast_insert

    t = time.perf_counter()
    if path.suffix == ".csv":  # the csv module reads it, as the engine does
        import csv

        with path.open(encoding="utf-8", newline="") as f:
            rows: list[Any] = list(csv.reader(f))
        number: Any = Decimal
    else:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()

        def number(v: Any) -> Decimal:
            return Decimal(repr(v))
    now = timezone.now()
    parks = {p.name: p for p in Park.objects.all()}
    level = {"市重点": "city", "区重点": "district", "省重点": "province", "一般项目": "ordinary"}
    out = []
    for r in rows[1:]:
        park = parks[r[1]]
        out.append((r[0], park.pk, park.region_id, r[3], level[r[2]], Decimal(repr(r[4])), Decimal(repr(r[5])),
                    "talks", "", r[6], "", now, now))
    with transaction.atomic():
        fast_insert(Project, ("name", "park", "region", "industry", "level", "total_investment_wan",
                              "fixed_asset_investment_wan", "stage", "terminated_reason", "note", "archive_reason",
                              "created_at", "updated_at"), out, rows_per_insert=FLOOR_ROWS_PER_INSERT)
        ids = list(Project.objects.values_list("pk", flat=True))
        fast_insert(ProjectStage, ("project", "stage"), [(pk, s) for pk in ids for s in Project.ORDER],
                    rows_per_insert=FLOOR_ROWS_PER_INSERT)
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "rows": stored_rows("projects"), "peak_mb": peak_mb()}


FLOORS = {"settlements": floor_settlements, "report_values": floor_stats, "leads": floor_leads,
          "projects": floor_projects}


def phase_prepare(db_url: str, path: Path, entity: str = "enterprises") -> dict[str, float]:
    return {}


PHASES = {"engine": phase_engine, "engine-rows": phase_engine_rows, "die": phase_die, "floor": phase_floor,
          "prepare": phase_prepare}


def run_phase(name: str, db_url: str, path: Path, entity: str, n: int) -> dict[str, float]:
    """Run one phase in a fresh process on an emptied, seeded database."""
    cmd = [sys.executable, __file__, "--phase", name, "--db", db_url, "--file", str(path), "--entity", entity,
           "--seed", str(n)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"phase {name} ({entity}) failed:\n{proc.stderr[-3000:]}")
    out = proc.stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="enterprises, and settlements")
    parser.add_argument("--die-rows", type=int, default=10_000, help="rows django-import-export imports (extrapolated)")
    parser.add_argument("--stats-enterprises", type=int,
                        default=int(os.environ.get("STATS_ENTERPRISES", "100000")),
                        help="enterprises of the statistics file (× 12 months × 6 indicators)")
    parser.add_argument("--entities", default=os.environ.get("BENCH_ENTITIES", "enterprises,settlements,report_values"))
    parser.add_argument(
        "--pg", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bench_tabular")
    )
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--repeat", type=int, default=2, help="runs per measurement; the fastest counts")
    parser.add_argument("--phase")
    parser.add_argument("--db")
    parser.add_argument("--file")
    parser.add_argument("--entity", default="enterprises")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.phase:  # a child process
        reset(args.db, args.entity, args.seed)
        reset_peak()
        print(json.dumps(PHASES[args.phase](args.db, Path(args.file), args.entity)))
        return
    work = Path(tempfile.mkdtemp(prefix="yuanqu-bench-"))
    os.environ["YUANQU_VAR_DIR"] = str(work)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuanqu.settings")
    os.environ.setdefault("YUANQU_DEMO", "1")
    # a full-size statistics file (1.2M rows) is larger than the upload limit a district sets for its users
    os.environ.setdefault("TABULAR_MAX_UPLOAD_MB", "400")
    os.environ.setdefault("TABULAR_MAX_UNCOMPRESSED_MB", "4000")
    entities = [e.strip() for e in args.entities.split(",") if e.strip()]
    # (entity, file, rows in the file, values stored, enterprises seeded, file for django-import-export)
    plans = []
    t = time.perf_counter()
    if "enterprises" in entities:
        big, small = work / f"enterprises-{args.rows}.xlsx", work / f"enterprises-{args.die_rows}.xlsx"
        generate(big, args.rows)
        generate(small, args.die_rows)
        plans.append(("enterprises", big, args.rows, args.rows, 0, small))
    if "settlements" in entities:
        path = work / f"settlements-{args.rows}.xlsx"
        generate_settlements(path, args.rows)
        plans.append(("settlements", path, args.rows, args.rows, args.rows, None))
    if "report_values" in entities:
        n = args.stats_enterprises
        path = stats_path(work, n)
        generate_stats(path, n)
        plans.append(("report_values", path, n * 12, n * 12 * len(STATS_INDICATORS), n, None))
    for entity, make in (("leads", generate_leads), ("projects", generate_projects)):
        if entity in entities:
            path = work / f"{entity}-{args.rows}.xlsx"
            make(path, args.rows)
            plans.append((entity, path, args.rows, args.rows, 0, None))
    for entity, path, rows, _values, _n, _small in plans:
        print(f"generated {entity}: {rows} rows, {path.stat().st_size / 1e6:.1f} MB")
    print(f"files in {time.perf_counter() - t:.1f} s ({work})")
    databases = [] if args.no_sqlite else [("SQLite", f"sqlite:///{work / 'bench.sqlite3'}")]
    if not args.no_pg:
        databases.append(("PostgreSQL", args.pg))
    table = []
    for label, url in databases:
        run_phase("prepare", url, plans[0][1], "enterprises", 0)  # migrations applied before anything is measured
        for entity, path, rows, values, n, small in plans:
            # interleaved, so that each measurement sees the same share of a busy machine
            runs: dict[str, list[dict[str, float]]] = {"engine": [], "floor": [], "die": []}
            for _ in range(args.repeat):
                runs["engine"].append(run_phase("engine", url, path, entity, n))
                runs["floor"].append(run_phase("floor", url, path, entity, n))
                if small is not None:
                    runs["die"].append(run_phase("die", url, small, entity, n))
            best = {k: min(v, key=lambda r: r["seconds"]) for k, v in runs.items() if v}
            for name in ("engine", "floor"):
                assert best[name]["rows"] == values, (entity, name, best[name]["rows"], values)
            # the floor stores what the engine stores (statistics: derived figures and rollups included)
            assert best["engine"].get("digest", "") == best["floor"].get("digest", ""), (
                entity, best["engine"].get("digest"), best["floor"].get("digest"))
            die_full = best["die"]["seconds"] * rows / args.die_rows if "die" in best else None
            table.append((label, entity, rows, values, best, die_full))
            engine, floor = best["engine"], best["floor"]
            print(f"  {label:10} {entity:13} engine {engine['seconds']:.2f} s, floor {floor['seconds']:.2f} s"
                  + (f", import-export {die_full:.1f} s (extrapolated)" if die_full else ""), flush=True)
    print(f"\n== best of {args.repeat} runs each; peak = maximum resident set size of the run's process ==")
    print(f"{'database':10} {'entity':13} {'rows':>9} {'values':>9} {'path':13} {'seconds':>8} {'rows/s':>9} "
          f"{'peak MB':>8} {'× floor':>8} {'mem×floor':>9} {'vs die':>8}")
    for label, entity, rows, values, best, die_full in table:
        floor = best["floor"]
        for name in ("engine", "floor", "die"):
            if name not in best:
                continue
            r = best[name]
            seconds = die_full if name == "die" else r["seconds"]
            assert seconds is not None
            speed = f"{die_full / seconds:7.1f}×" if die_full and name == "engine" else ""
            what = {"engine": "yuanqu", "floor": "(b) floor", "die": "(a) imp-exp*"}[name]
            print(f"{label:10} {entity:13} {rows:9d} {values:9d} {what:13} {seconds:8.2f} {rows / seconds:9.0f} "
                  f"{r['peak_mb']:8.0f} {seconds / floor['seconds']:8.2f} {r['peak_mb'] / floor['peak_mb']:9.2f} "
                  f"{speed:>8}")
    print(f"\n* django-import-export measured on {args.die_rows} rows and extrapolated linearly. Targets: yuanqu "
          "≥ 30× import-export, ≤ 2× the floor's time, ≤ 1.5× the floor's peak memory.")


if __name__ == "__main__":
    main()
