"""``yuanqu extract-facts FILE`` (or ``--text`` reading standard input): the facts of a Chinese text as JSON.

Each fact is an object with the keys entity, metric, value (a number, or [low, high]), unit, period (ending in
（推断） when inferred), quote and qualifier (empty when none). The registry's park and project names are used for
entity recognition when the database holds them; nothing else is read from it and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from yuanqu.intake import extract as ex
from yuanqu.intake.documents import read_upload


def _registry_names() -> list[ex.Name]:
    """Every park and project name in the database, or none when there is no database yet."""
    from yuanqu.intake.services import Target, registry_names
    from yuanqu.investment.models import Project
    from yuanqu.parks.models import Park

    try:
        targets = [Target("park", pk, name, "") for pk, name in Park.objects.values_list("pk", "name")]
        targets += [Target("project", pk, name, "") for pk, name in Project.objects.values_list("pk", "name")]
    except DatabaseError:
        return []
    return registry_names(targets)


class Command(BaseCommand):
    help = "Print the quantitative facts of a Chinese news text or release as a JSON list."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="a .txt, .docx or .pdf file")
        parser.add_argument("--text", action="store_true", help="read the text from standard input")
        parser.add_argument("--published", help="publication date (YYYY-MM-DD) for periods such as 今年")
        parser.add_argument("--no-registry", action="store_true", help="do not read names from the database")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["text"] == bool(options["file"]):
            raise CommandError("give a FILE, or --text to read standard input (not both)")
        try:
            if options["text"]:
                text = sys.stdin.read()
            else:
                path = Path(options["file"])
                if not path.is_file():
                    raise CommandError(f"{path}: no such file")
                text, _kind = read_upload(path.name, path.read_bytes())
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        published = None
        if options["published"]:
            try:
                published = dt.date.fromisoformat(options["published"])
            except ValueError as exc:
                raise CommandError("--published: give a date as YYYY-MM-DD") from exc
        names = [] if options["no_registry"] else _registry_names()
        facts = ex.extract(text, names=names, published=published)
        self.stdout.write(json.dumps([f.as_json() for f in facts], ensure_ascii=False, indent=2))
