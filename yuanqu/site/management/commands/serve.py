"""``yuanqu serve``: the web app (gunicorn) and the task worker, together, until Ctrl-C or SIGTERM.

Production runs the two as separate systemd units (``deploy/``): ``yuanqu serve --no-worker --no-collectstatic``
and ``yuanqu db_worker``. The web server trusts X-Forwarded-Proto and X-Forwarded-For only from
``YUANQU_TRUSTED_PROXIES`` (gunicorn's ``forwarded_allow_ips`` and ``core.middleware.TrustedProxyMiddleware``).
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections
from gunicorn.app.base import BaseApplication


class GunicornApplication(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
    """gunicorn around the already configured Django application, with settings from the command line."""

    def __init__(self, application: WSGIHandler, options: dict[str, Any]) -> None:
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIHandler:
        return self.application


def gunicorn_options(*, host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    """gunicorn's settings for yuanqu: threads per worker, the trusted proxies, logs to stdout for the journal."""
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": settings.WEB_TIMEOUT,
        "graceful_timeout": 30,
        # Django reads the scheme from wsgi.url_scheme, which gunicorn sets from X-Forwarded-Proto only for these.
        "forwarded_allow_ips": ",".join(str(net) for net in settings.TRUSTED_PROXIES),
        "accesslog": "-",
        "errorlog": "-",
        "proc_name": "yuanqu",
        # Bodies above the app's own limits are refused by Django with a message; this only bounds header abuse.
        "limit_request_line": 8190,
    }


class Command(BaseCommand):
    help = "Serve yuanqu on HOST:PORT with gunicorn, and run the database task worker beside it"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=None, help="processes (default YUANQU_WEB_WORKERS)")
        parser.add_argument("--threads", type=int, default=None, help="threads per process (YUANQU_WEB_THREADS)")
        parser.add_argument("--no-worker", action="store_true", help="do not start the task worker")
        parser.add_argument("--no-collectstatic", action="store_true",
                            help="serve the static files collected before (production: `yuanqu upgrade` collects)")

    def handle(self, *args: Any, **opts: Any) -> None:
        from django.core.wsgi import get_wsgi_application

        if not opts["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        # After collecting: whitenoise indexes STATIC_ROOT once, when the application is built (before the fork).
        # The command runs with settings configured already; the project's wsgi.py would only set them again.
        application = get_wsgi_application()
        # gunicorn forks its workers from this process: no database connection may cross the fork.
        connections.close_all()
        options = gunicorn_options(host=opts["host"], port=opts["port"],
                                   workers=opts["workers"] or settings.WEB_WORKERS,
                                   threads=opts["threads"] or settings.WEB_THREADS)
        worker = None
        if not opts["no_worker"]:
            worker = subprocess.Popen([sys.executable, "-m", "yuanqu.cli", "db_worker"])
        self.stdout.write(f"yuanqu on http://{opts['host']}:{opts['port']}/  (DEBUG={settings.DEBUG}, "
                          f"{options['workers']} workers × {options['threads']} threads; Ctrl-C stops)")
        self.stdout.flush()
        try:
            GunicornApplication(application, options).run()  # returns by SystemExit when gunicorn stops
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
