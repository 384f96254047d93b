"""``yuanqu audit_verify``: check the audit log's hash chain; exit non-zero at the first broken link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yuanqu.core.audit_chain import verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and report the first broken link (id, time)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--database", default="default", help="database alias (default: default)")

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = verify(options["database"])
        if verdict.broken is not None:
            b = verdict.broken
            at = timezone.localtime(b.at).isoformat() if b.at else "?"
            raise CommandError(f"审计日志链校验失败: 第一个断点 id={b.id} 时间={at}: {b.reason} "
                               f"(audit chain broken at event id={b.id}, time={at})")
        self.stdout.write(f"审计日志链完整: 校验 {verdict.checked} 条, 链头 {verdict.head or '-'} "
                          f"(audit chain intact: {verdict.checked} events, head {verdict.head or '-'})")
