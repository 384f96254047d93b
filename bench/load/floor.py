"""The floor of the load benchmark: a bare Django endpoint doing one comparable insert on the same server.

It runs behind the whole middleware stack (proxy trust, security, session, CSRF, authentication, second factor,
identity, axes), as the report form does, and its POST inserts one row in one transaction: the least a
submission can cost on this server. GET answers the CSRF token, as opening the form does. Mounted only by
``bench.load.urls`` (the benchmark's own settings), never by ``yuanqu.urls``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

TABLE = "bench_load_floor"
CREATE = (f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, user_id bigint NOT NULL, "
          "value numeric(20, 4) NOT NULL, at timestamptz NOT NULL DEFAULT now())")


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(get_token(request), content_type="text/plain")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (user_id, value) VALUES (%s, %s)",  # noqa: S608
                       [request.user.pk, request.POST["value"]])
    return HttpResponse(status=204)
