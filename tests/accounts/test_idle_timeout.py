"""The idle timeout (等保三级): a session ends SESSION_COOKIE_AGE after its last use, and using it moves that on —
written at most once per SESSION_RENEW_SECONDS, not on every request (core.middleware.SessionRenewalMiddleware)."""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import login

HOME = "/"


def _session(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def _session_writes(client: Client, path: str = HOME) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    writes = [q for q in queries.captured_queries
              if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]
    return status, len(writes)


def _age_the_renewal(client: Client, seconds: int) -> None:
    """As if the last renewal had been ``seconds`` earlier."""
    store = client.session
    store["_renewed"] = int(store["_renewed"]) - seconds
    store.save()


def test_a_session_in_use_is_renewed_at_most_once_per_interval(world, settings):
    settings.SESSION_RENEW_SECONDS = 60
    client = login(Client(), world.user("park_operator"))
    assert _session_writes(client) == (200, 1)  # the first request renews
    renewed = _session(client).expire_date
    assert abs(renewed - (timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE))) < dt.timedelta(
        seconds=5)
    for _ in range(3):
        assert _session_writes(client) == (200, 0)  # within the interval nothing is written
    assert _session(client).expire_date == renewed

    _age_the_renewal(client, 61)
    before = _session(client).expire_date
    assert _session_writes(client) == (200, 1)
    assert _session(client).expire_date >= before


def test_a_session_idle_past_the_timeout_is_signed_out(world, settings):
    client = login(Client(), world.user("park_operator"))
    assert client.get(HOME).status_code == 200
    Session.objects.filter(session_key=client.cookies["sessionid"].value).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(HOME)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_longest_idle_time_is_between_the_age_less_the_interval_and_the_age(world, settings):
    """A session used just before its renewal falls due still ends no later than SESSION_COOKIE_AGE after that
    use, and no earlier than SESSION_COOKIE_AGE − SESSION_RENEW_SECONDS."""
    settings.SESSION_RENEW_SECONDS = 60
    client = login(Client(), world.user("park_operator"))
    client.get(HOME)
    # The last renewal 50 s ago, and the expiry it wrote with it: this use writes nothing.
    _age_the_renewal(client, 50)
    Session.objects.filter(session_key=client.cookies["sessionid"].value).update(
        expire_date=timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 50))
    expiry = _session(client).expire_date
    assert _session_writes(client) == (200, 0)
    idle_allowed = expiry - timezone.now()
    age = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert age - dt.timedelta(seconds=settings.SESSION_RENEW_SECONDS + 5) <= idle_allowed <= age


def test_an_anonymous_visit_writes_no_session(db):
    client = Client()
    status, writes = _session_writes(client, "/accounts/login/")
    assert status == 200 and writes == 0
    assert not Session.objects.exists()
