"""Import benchmark: 100k enterprises × 12 columns from .xlsx, on SQLite and PostgreSQL.

    .venv/bin/python bench/tabular/run.py [--rows 100000] [--die-rows 10000] [--pg postgres://postgres@127.0.0.1:5432/bench_tabular]

Measured side by side, each in a fresh process on an empty enterprise table (peak memory = the process's
maximum resident set size):

- engine: yuanqu's import end to end — read, find the header, map, parse and validate every row (USCC
  check digits, choices, dates, units, scope), check for existing USCCs, pinyin search keys, commit in one
  transaction with one audit event;
- (a) django-import-export 4 importing the same file into the same model (tablib/openpyxl reading, a
  ModelResource keyed on USCC, widgets for 是/否 and the Chinese choice labels). It is slow, so it runs on
  the first ``--die-rows`` rows of the same data and its time is extrapolated linearly — said in the output;
- (b) the floor: calamine reading the file, plus a raw COPY (PostgreSQL) or executemany (SQLite) of the
  same rows, converted just enough to be stored, with no validation at all.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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


def setup_django(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("YUANQU_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuanqu.settings")
    import django

    django.setup()


def reset(db_url: str) -> None:
    """Migrate the database and empty the tables the benchmark writes."""
    setup_django(db_url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from yuanqu.accounts.models import User
    from yuanqu.accounts.services import user_create_on_server
    from yuanqu.core.models import Region
    from yuanqu.enterprises.models import Enterprise, EnterpriseName, Settlement
    from yuanqu.tabular.models import ImportBatch, SavedMapping

    with connection.cursor() as cursor:
        for model in (EnterpriseName, Settlement, Enterprise, ImportBatch, SavedMapping):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")
    if not User.objects.filter(username="bench").exists():
        user_create_on_server(
            role="region_staff", region=Region.objects.get(pk="370213"), username="bench", password="bench-Pa55word"
        )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_engine(db_url: str, path: Path) -> dict[str, float]:
    setup_django(db_url)
    from yuanqu.accounts.models import User
    from yuanqu.enterprises.models import Enterprise
    from yuanqu.tabular import engine

    user = User.objects.get(username="bench")
    t = time.perf_counter()
    batch = engine.start_batch(actor=user, entity="enterprises", filename=path.name, data=path.read_bytes())
    batch = engine.commit(batch, actor=user)
    seconds = time.perf_counter() - t
    assert batch.status == "committed", batch.error
    assert batch.counts["error"] == 0, batch.report[:3]
    return {"seconds": seconds, "rows": Enterprise.objects.count(), "peak_mb": peak_mb()}


def phase_die(db_url: str, path: Path) -> dict[str, float]:
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


def phase_floor(db_url: str, path: Path) -> dict[str, float]:
    setup_django(db_url)
    import datetime as dt
    from decimal import Decimal

    from django.db import connection, transaction
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    from yuanqu.enterprises.models import Enterprise
    from yuanqu.tabular.fast import fast_insert

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
        "created_at",
        "updated_at",
    )
    with transaction.atomic():
        fast_insert(Enterprise, names, out)
    seconds = time.perf_counter() - t
    assert connection.vendor in ("sqlite", "postgresql")
    return {"seconds": seconds, "rows": Enterprise.objects.count(), "peak_mb": peak_mb()}


PHASES = {"engine": phase_engine, "die": phase_die, "floor": phase_floor}


def run_phase(name: str, db_url: str, path: Path) -> dict[str, float]:
    """Run one phase in a fresh process on an emptied database."""
    cmd = [sys.executable, __file__, "--phase", name, "--db", db_url, "--file", str(path)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"phase {name} failed:\n{proc.stderr[-3000:]}")
    out = proc.stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--die-rows", type=int, default=10_000, help="rows django-import-export imports (extrapolated)")
    parser.add_argument(
        "--pg", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bench_tabular")
    )
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--repeat", type=int, default=2, help="runs per measurement; the fastest counts")
    parser.add_argument("--phase")
    parser.add_argument("--db")
    parser.add_argument("--file")
    args = parser.parse_args()
    if args.phase:  # a child process
        reset(args.db)
        print(json.dumps(PHASES[args.phase](args.db, Path(args.file))))
        return
    work = Path(tempfile.mkdtemp(prefix="yuanqu-bench-"))
    big, small = work / f"enterprises-{args.rows}.xlsx", work / f"enterprises-{args.die_rows}.xlsx"
    os.environ.setdefault("YUANQU_VAR_DIR", str(work))
    os.environ["YUANQU_VAR_DIR"] = str(work)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuanqu.settings")
    os.environ.setdefault("YUANQU_DEMO", "1")
    t = time.perf_counter()
    generate(big, args.rows)
    generate(small, args.die_rows)
    print(
        f"generated {args.rows} rows × {len(HEADERS)} columns: {big.stat().st_size / 1e6:.1f} MB "
        f"in {time.perf_counter() - t:.1f} s ({work})"
    )
    databases = [("SQLite", f"sqlite:///{work / 'bench.sqlite3'}")]
    if not args.no_pg:
        databases.append(("PostgreSQL", args.pg))
    for label, url in databases:
        print(f"\n== {label} (best of {args.repeat} runs each) ==")
        # interleaved, so that each measurement sees the same share of a busy machine
        runs: dict[str, list[dict[str, float]]] = {"engine": [], "floor": [], "die": []}
        for _ in range(args.repeat):
            for name, path in (("engine", big), ("floor", big), ("die", small)):
                runs[name].append(run_phase(name, url, path))
        engine, floor, die = (min(runs[n], key=lambda r: r["seconds"]) for n in ("engine", "floor", "die"))
        die_full = die["seconds"] * args.rows / args.die_rows
        print(
            f"  yuanqu engine       {engine['seconds']:8.2f} s  {args.rows / engine['seconds']:9.0f} rows/s  "
            f"peak {engine['peak_mb']:.0f} MB  ({engine['rows']:.0f} rows stored)"
        )
        print(
            f"  (b) floor           {floor['seconds']:8.2f} s  {args.rows / floor['seconds']:9.0f} rows/s  "
            f"peak {floor['peak_mb']:.0f} MB  (calamine + {'COPY' if 'postgres' in url else 'executemany'})"
        )
        print(
            f"  (a) import-export   {die_full:8.2f} s  {args.die_rows / die['seconds']:9.0f} rows/s  "
            f"peak {die['peak_mb']:.0f} MB  (measured {die['seconds']:.2f} s on {args.die_rows} rows, "
            f"extrapolated ×{args.rows / args.die_rows:g})"
        )
        print(
            f"  engine vs (a): {die_full / engine['seconds']:.1f}× faster (target ≥ 20×); "
            f"engine vs (b): {engine['seconds'] / floor['seconds']:.2f}× the floor (target ≤ 3×)"
        )


if __name__ == "__main__":
    main()
