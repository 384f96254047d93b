"""Schemathesis over /api/openapi.json: no input gives a server error, and every answer keeps the schema.

The whole Django stack is driven through its WSGI application (middleware, URL routing, authentication, the
API, the services, the database), in the test's transaction on the shared world, once with a region staff
token and once with a park operator's. For every operation schemathesis generates valid requests (positive)
and invalid ones (negative: wrong types, values beyond the declared bounds, missing fields) from the
document itself; each response must be no 5xx, a status the operation declares, the declared content type,
and a body that matches the declared schema.

Bounded for CI: a fixed seed and ``EXAMPLES`` examples per operation and mode. ``YUANQU_FUZZ_EXAMPLES`` raises
it for a longer run by hand. It runs once per ``make test``: on PostgreSQL, where the server errors it looks for
mostly came from (a NUL in a string, an integer beyond bigint), when DATABASE_URL is set, else on SQLite.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, seed, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.helpers import Api
from yuanqu.wsgi import application

SEED = 20261203
EXAMPLES = int(os.environ.get("YUANQU_FUZZ_EXAMPLES", "12"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def wsgi_app(settings: Any) -> Iterator[Any]:
    """Django's WSGI application, kept inside the test's transaction.

    A real request ends by closing a connection that is not in autocommit mode; the test client turns that off,
    and so does this fixture, so every request sees (and rolls back with) the test's world.
    """
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> str | None:
    """Run ``EXAMPLES`` generated requests against ``operation``; the first failure, described, or None."""

    @seed(SEED)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)

    try:
        run()
    except Exception as exc:  # noqa: BLE001 — every failure is collected and reported together
        return f"{operation.method.upper()} {operation.path} ({mode.value}): {str(exc)[:1500]}"
    return None


@pytest.mark.slow
@pytest.mark.postgresql_pass
@pytest.mark.parametrize("role", ["region_staff", "park_operator"])
def test_the_api_answers_every_generated_request_without_a_server_error_and_as_documented(world, wsgi_app, role):
    headers = {"Authorization": f"Bearer {Api(world.user(role)).raw}"}
    # The document is read with the bearer token, as a client would read it.
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 28, [op.path for op in operations]
    failures = [f for op in operations for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
                if (f := _fuzz(op, mode, headers)) is not None]
    assert not failures, "\n\n".join(failures)
