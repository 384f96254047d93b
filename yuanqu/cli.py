"""The ``yuanqu`` command: Django's manage.py plus ``demo`` and ``serve``.

``yuanqu demo``  migrate, load reference data and the Licang demo, create one user per role.
``yuanqu serve`` serve the web app (gunicorn) and the task worker on http://127.0.0.1:8000.
Everything else is passed to Django, e.g. ``yuanqu migrate`` or ``yuanqu createuser``.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a yuanqu or Django management command."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuanqu.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["yuanqu", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
