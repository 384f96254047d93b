"""``yuanqu backup [--output PATH]``: one archive with the database, the uploaded and generated files, the audit
archives and a manifest of counts and checksums (see :mod:`yuanqu.core.backup`)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yuanqu.core.backup import BackupError, create


class Command(BaseCommand):
    help = ("Write a backup archive (.tar.gz): database dump, MEDIA_ROOT, AUDIT_ARCHIVE_DIR and manifest.json "
            "(default: YUANQU_BACKUP_DIR/yuanqu-backup-STAMP.tar.gz).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", help="archive path (default: in YUANQU_BACKUP_DIR)")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            path, manifest = create(Path(options["output"]) if options["output"] else None,
                                    using=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"无法写入备份文件: {exc} (cannot write the archive)") from exc
        rows = sum(manifest["tables"].values())
        files = len(manifest["files"]) - 1
        audit = manifest["audit"]
        self.stdout.write(self.style.SUCCESS(
            f"备份完成: {path} ({path.stat().st_size} 字节, {rows} 行, {files} 个文件, 审计事件 {audit['events']} 条"
            f"{'' if audit['chain_ok'] else ', 注意: 审计链校验未通过'}, {time.monotonic() - started:.1f} 秒) "
            f"(backup written)"))
