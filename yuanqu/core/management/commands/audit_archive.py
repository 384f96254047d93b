"""``yuanqu audit_archive --before DATE``: export audit events older than the retention to a signed file, then
remove them through the maintenance path; ``yuanqu audit_archive --verify FILE`` checks such a file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yuanqu.core.audit_archive import ArchiveError, archive, verify_file
from yuanqu.core.dbroles import as_owner


class Command(BaseCommand):
    help = ("Archive audit events before DATE (older than AUDIT_RETENTION_DAYS) to a signed JSON-lines file, "
            "then remove them; or --verify FILE.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--before", help="archive events before this date (YYYY-MM-DD)")
        parser.add_argument("--verify", metavar="FILE", help="check an archive file and its .sig")
        parser.add_argument("--dir", help="where to write the file (default AUDIT_ARCHIVE_DIR)")
        parser.add_argument("--keep", action="store_true", help="write the file but remove nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["verify"]:
                trailer = verify_file(Path(options["verify"]))
                self.stdout.write(f"归档文件有效: {trailer['count']} 条, id {trailer['first_id']}–{trailer['last_id']} "
                                  f"(archive valid)")
                return
            if not options["before"]:
                raise CommandError("需要 --before YYYY-MM-DD 或 --verify FILE (give --before or --verify)")
            try:
                before = dt.date.fromisoformat(options["before"])
            except ValueError as exc:
                raise CommandError(f"日期格式应为 YYYY-MM-DD: {options['before']!r} (bad date)") from exc
            with as_owner():  # removal is the owner's (the application role may not delete audit rows)
                result = archive(before=before, directory=Path(options["dir"]) if options["dir"] else None,
                                 remove=not options["keep"])
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        if result.path is None:
            self.stdout.write(f"{before.isoformat()} 之前没有审计事件 (nothing to archive)")
            return
        self.stdout.write(f"已归档 {result.count} 条到 {result.path} (签名 {result.path.name}.sig), "
                          f"已删除 {result.removed} 条 (archived {result.count}, removed {result.removed})")
