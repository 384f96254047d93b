"""``yuanqu serve``: the web app (waitress) and the task worker, together, until Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve yuanqu on HOST:PORT with waitress, and run the database task worker beside it"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-worker", action="store_true", help="do not start the task worker")

    def handle(self, *args: Any, **opts: Any) -> None:
        from django.core.wsgi import get_wsgi_application
        from waitress import serve

        # The command runs with settings configured already; the project's wsgi.py would only set them again.
        application = get_wsgi_application()

        call_command("collectstatic", interactive=False, verbosity=0)
        worker = None
        if not opts["no_worker"]:
            worker = subprocess.Popen([sys.executable, "-m", "yuanqu.cli", "db_worker"])
        self.stdout.write(f"yuanqu on http://{opts['host']}:{opts['port']}/  (DEBUG={settings.DEBUG}; Ctrl-C stops)")

        def stop(*_: Any) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        try:
            serve(application, host=opts["host"], port=opts["port"], threads=opts["threads"], ident="yuanqu")
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
