"""``yuanqu compile_translations``: build the .mo catalogues from the .po files with polib.

Django's ``compilemessages`` needs GNU gettext, which a fresh machine may lack; polib is a
Python dependency, so ``make demo`` works with Python alone.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from yuanqu.core.i18n import compile_catalogues


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po into .mo files"

    def handle(self, *args: Any, **options: Any) -> None:
        count = compile_catalogues(Path(p) for p in settings.LOCALE_PATHS)
        self.stdout.write(f"compiled {count} catalogue(s)")
