"""``yuanqu import FILE --entity enterprises --user NAME``: the import engine from the shell, with a progress bar."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yuanqu.tabular import engine
from yuanqu.tabular.reader import ImportRefused
from yuanqu.tabular.registry import REGISTRY
from yuanqu.tabular.selectors import parks_for_import


class Command(BaseCommand):
    help = "Import a spreadsheet (.xlsx, .xls, .ods, .csv): map, check every row, then commit all or nothing"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--entity", required=True, choices=sorted(REGISTRY))
        parser.add_argument("--user", required=True, help="the user the import acts as (its role and scope apply)")
        parser.add_argument("--park", help="park (name) new enterprises sign into, when the sheet has no park column")
        parser.add_argument("--sheet", help="sheet name (default: the first visible sheet)")
        parser.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")
        parser.add_argument("--errors", help="write the rows with errors to this .xlsx file")
        parser.add_argument("--accept-warnings", action="store_true",
                            help="import rows that look cut off (truncated) too, after checking them")
        parser.add_argument("--default", action="append", default=[], metavar="FIELD=VALUE",
                            help="value for the empty cells of a field that offers one (e.g. signed_on=2024-06-30)")

    def _bar(self, step: str, done: int, total: int) -> None:
        if not total:
            return
        width = 30
        filled = int(width * done / total)
        label = {"read": "读取", "check": "校验", "write": "写入"}.get(step, step)
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()
        if done >= total:
            sys.stderr.write("\n")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        user_model = get_user_model()
        try:
            user = user_model.objects.get(username=opts["user"], is_active=True)
        except user_model.DoesNotExist as exc:
            raise CommandError(f"no active user {opts['user']}") from exc
        park = None
        if opts["park"]:
            park = parks_for_import(user).filter(name=opts["park"]).first()
            if park is None:
                raise CommandError(f"{opts['park']}: not a park {user} manages")
        started = time.perf_counter()
        try:
            batch = engine.start_batch(actor=user, entity=opts["entity"], filename=path.name, data=path.read_bytes(),
                                       park=park)
        except ImportRefused as exc:
            raise CommandError(exc.message) from exc
        except PermissionDenied as exc:
            raise CommandError(f"{user} may not import {opts['entity']}") from exc
        if opts["sheet"]:
            engine.analyse(batch, actor=user, sheet=opts["sheet"])
        for c in batch.columns:
            target = batch.mapping.get(str(c["index"]), "")
            self.stdout.write(f"  {c['header']!s:<30} → {target or '-'} ({int(c['confidence'] * 100)}%)")
        if opts["default"]:
            defaults = dict(d.split("=", 1) for d in opts["default"] if "=" in d)
            engine.set_mapping(batch, engine.column_mapping(batch), actor=user, remember=False, defaults=defaults)
        problems = engine.mapping_problems(batch)
        if problems:
            raise CommandError(" ".join(problems))
        if opts["dry_run"]:
            batch = engine.preview(batch, actor=user, progress=self._bar)
        else:
            batch = engine.commit(batch, actor=user, progress=self._bar, accept_warnings=opts["accept_warnings"])
        c = batch.counts
        self.stdout.write(
            f"batch {batch.pk}: {batch.get_status_display()} — rows {c.get('total', 0)}, new {c.get('new', 0)}, "
            f"update {c.get('update', 0)}, unchanged {c.get('unchanged', 0)}, warning {c.get('warning', 0)}, "
            f"error {c.get('error', 0)}; {time.perf_counter() - started:.1f} s")
        for entry in batch.report:
            line, status, reasons, label = entry[0], entry[1], entry[3], entry[4]
            if status in ("error", "warning"):
                self.stdout.write(f"  第{line}行 {label}: {'；'.join(reasons)}")
        if c.get("to_accept") and not opts["accept_warnings"] and batch.status != "committed":
            raise CommandError(f"{c['to_accept']} 行看起来不完整（可能被截断），未导入任何数据；"
                               "核对后加 --accept-warnings 再导入")
        if opts["errors"] and c.get("error"):
            Path(opts["errors"]).write_bytes(engine.error_rows_xlsx(batch))
        if batch.error:
            raise CommandError(batch.error)
