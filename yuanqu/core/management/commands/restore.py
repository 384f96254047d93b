"""``yuanqu restore ARCHIVE [--force]``: restore a ``yuanqu backup`` archive into an empty database and file
store, then check every table's row count and the audit chain against the archive's manifest.

The archive is checked member by member before anything is touched. A database or file store that is not
empty is refused unless ``--force``; then the command first says what it replaces.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yuanqu.core.backup import BackupError, restore
from yuanqu.core.dbroles import as_owner


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and file store (--force: replace what is there)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="a .tar.gz written by `yuanqu backup`")
        parser.add_argument("--force", action="store_true", help="replace a database or file store that is not empty")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            with as_owner(options["database"]):  # pg_restore drops and creates the owner's tables
                result = restore(Path(options["archive"]), force=options["force"], using=options["database"],
                                 say=lambda line: self.stdout.write(self.style.WARNING(line)))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        self.stdout.write(self.style.SUCCESS(
            f"恢复完成并已校验: {len(manifest['tables'])} 张表行数与清单一致 ({sum(manifest['tables'].values())} 行), "
            f"审计链完整 ({result.events} 条), 文件 {len(manifest['files']) - 1} 个; "
            f"备份时间 {manifest['created_at']}, {time.monotonic() - started:.1f} 秒 (restored and verified)"))
