"""Lead and project imports, bulk path against row by row (issue 14 item 9), on SQLite (and PostgreSQL if asked).

    .venv/bin/python bench/tabular/investment_paths.py [--rows 20000] [--entities leads,projects] [--pg URL]

Each measurement runs in a fresh process on emptied tables (``run.py``'s phases): ``engine.start_batch`` and
``engine.commit`` of a file of ``--rows`` new rows with the importer's ``bulk`` flag off (every row through
``lead_create`` / ``project_create``, once in the preview's rolled-back dry run and once in the commit) and on,
and the floor (calamine and one ``fast_insert``, no checks).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (bench/tabular/run.py)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--entities", default="leads,projects")
    parser.add_argument("--pg", default="", help="also measure on this PostgreSQL database")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="yuanqu-bench-inv-"))
    os.environ["YUANQU_VAR_DIR"] = str(work)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuanqu.settings")
    os.environ.setdefault("YUANQU_DEMO", "1")
    make = {"leads": run.generate_leads, "projects": run.generate_projects}
    files = {}
    for entity in [e.strip() for e in args.entities.split(",") if e.strip()]:
        files[entity] = work / f"{entity}-{args.rows}.xlsx"
        make[entity](files[entity], args.rows)
    databases = [("SQLite", f"sqlite:///{work / 'bench.sqlite3'}")] + ([("PostgreSQL", args.pg)] if args.pg else [])
    print(f"{'database':10} {'entity':9} {'rows':>7} {'row by row':>11} {'bulk':>8} {'floor':>8} {'speed-up':>9} "
          f"{'bulk×floor':>10}")
    for label, url in databases:
        first = next(iter(files.values()))
        run.run_phase("prepare", url, first, "enterprises", 0)  # migrations before anything is measured
        for entity, path in files.items():
            t = time.perf_counter()
            slow = run.run_phase("engine-rows", url, path, entity, 0)
            fast = run.run_phase("engine", url, path, entity, 0)
            floor = run.run_phase("floor", url, path, entity, 0)
            for r in (slow, fast, floor):
                assert r["rows"] == args.rows, (entity, r)
            print(f"{label:10} {entity:9} {args.rows:7d} {slow['seconds']:10.1f}s {fast['seconds']:7.1f}s "
                  f"{floor['seconds']:7.2f}s {slow['seconds'] / fast['seconds']:8.1f}× "
                  f"{fast['seconds'] / floor['seconds']:9.1f}×   ({time.perf_counter() - t:.0f} s wall)", flush=True)


if __name__ == "__main__":
    main()
