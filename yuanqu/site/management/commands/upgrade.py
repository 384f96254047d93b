"""``yuanqu upgrade``: bring an installation up to the installed code, after installing a new release.

In order: Django's deployment checks (a bad setting stops here, before the database is touched), the
migrations, the translation catalogues, the static files; then it confirms nothing is left pending. Run it
with the web server and the worker stopped (deploy/README: "Upgrading"); it is safe to run twice.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from yuanqu.core.dbroles import as_owner
from yuanqu.core.views import pending_migrations


class Command(BaseCommand):
    help = "Upgrade this installation: check --deploy, migrate, compile translations, collectstatic"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--no-collectstatic", action="store_true", help="leave the static files as they are")

    def handle(self, *args: Any, **opts: Any) -> None:
        verbosity = opts["verbosity"]
        # A fresh installation: the directory of the SQLite file, uploads and static files may not exist yet.
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write("1/4 检查配置 (check --deploy)")
        # Errors stop the upgrade; warnings are printed for the operator to read.
        call_command("check", deploy=not settings.DEBUG, fail_level="ERROR", verbosity=verbosity,
                     databases=[opts["database"]])
        self.stdout.write("2/4 数据库迁移 (migrate)")
        with as_owner(opts["database"]):  # DDL is the owner's (deploy/postgres-roles.sql)
            call_command("migrate", database=opts["database"], interactive=False, verbosity=verbosity)
        self.stdout.write("3/4 编译翻译 (compile_translations)")
        call_command("compile_translations", verbosity=verbosity)
        if not opts["no_collectstatic"]:
            self.stdout.write("4/4 收集静态文件 (collectstatic)")
            call_command("collectstatic", interactive=False, verbosity=min(verbosity, 1))
        pending = pending_migrations(connections[opts["database"]])
        if pending:
            raise CommandError(f"升级未完成：仍有迁移未执行 {', '.join(pending)}")
        self.stdout.write(self.style.SUCCESS("升级完成 (upgrade complete)"))
