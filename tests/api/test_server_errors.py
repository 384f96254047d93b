"""The 500s schemathesis once found in the REST API, each reproduced and answered with a Chinese 4xx.

(Integers of 2**63 and more in ``limit``, ``offset``, ``park`` and ``enterprise``, ``PATCH {"name": null}`` and
NUL characters are in tests/api/test_bad_input.py; run with ``DATABASE_URL`` set, they exercise PostgreSQL,
which refused NUL with a 500.) Here: bodies over the upload limit, and the OpenAPI document for a token.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.bad_input_support import API_INVALID, API_NOT_FOUND, AT_MOST, HUGE, REQUIRED, assert_unchanged, db_state
from tests.helpers import Api
from yuanqu.parks.models import Park

ENGLISH_DETAIL = ("Unauthorized", "Cannot parse", "Not Found", "Forbidden")


@pytest.fixture
def staff(world: Any) -> Api:
    return Api(world.user("region_staff"))


@pytest.mark.parametrize("method,path", [
    ("post", "/api/parks/"),
    ("patch", "/api/parks/{smyz}"),
    ("post", "/api/enterprises/"),
    ("post", "/api/leads/"),
    ("post", "/api/stats/reports/{report}/entries"),
])
def test_it_answers_a_body_over_the_limit_with_413_in_chinese(world, client_as, method, path):
    """Once a 500: a JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE (5 MB). (A session client: a token's use is
    recorded on the token, which the unchanged check would see.)"""
    client = client_as("region_staff")
    body = json.dumps({"name": "园" * 10, "description": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    url = path.format(smyz=world.smyz.pk, report=world.report_smyz.pk)
    before = db_state()
    response = getattr(client, method)(url, body, content_type="application/json")
    assert response.status_code == 413, response.content[:300]
    assert response.json()["detail"] == "请求内容过大：最多 5 MB。"
    assert_unchanged(before)


def test_it_serves_the_openapi_document_to_a_bearer_token(world, staff):
    """Once a 302 to the login page: a script holding a token can read the schema it calls."""
    response = staff.get("/api/openapi.json")
    assert response.status_code == 200, response.status_code
    assert "/api/parks/" in response.json()["paths"]
    wrong = Client().get("/api/openapi.json", headers={"Authorization": "Bearer yq_not-a-token"})
    assert wrong.status_code == 401
    assert wrong.json()["detail"] == "请先登录，或提供有效的 API 令牌。"
    assert Client().get("/api/openapi.json").status_code == 302  # a browser without a session: the login page


def test_it_answers_a_wrong_token_in_chinese(world):
    response = Client().get("/api/parks/", headers={"Authorization": "Bearer yq_not-a-token"})
    assert response.status_code == 401
    assert response.json()["detail"] == "请先登录，或提供有效的 API 令牌。"


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, ops in document["paths"].items() for method, op in ops.items()]


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _integers(document: dict[str, Any], schema: dict[str, Any], where: str) -> list[tuple[str, dict[str, Any]]]:
    """Every integer in a (request) schema, with where it is."""
    schema = _resolve(document, schema)
    found: list[tuple[str, dict[str, Any]]] = []
    for option in schema.get("anyOf", []):
        found += _integers(document, option, where)
    if schema.get("type") == "integer":
        found.append((where, schema))
    if schema.get("type") == "array":
        found += _integers(document, schema.get("items", {}), f"{where}[]")
    for name, prop in schema.get("properties", {}).items():
        found += _integers(document, prop, f"{where}.{name}")
    return found


def test_it_bounds_every_integer_and_declares_every_refusal_in_the_openapi_document(world, staff):
    document = staff.get("/api/openapi.json").json()
    unbounded, undeclared = [], []
    for method, path, op in _operations(document):
        ints = [x for p in op.get("parameters", []) for x in _integers(document, p["schema"], p["name"])]
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        if body:
            ints += _integers(document, body, "body")
        unbounded += [f"{method} {path} {where}" for where, s in ints if "minimum" not in s or "maximum" not in s]
        for status in ("400", "401", "404", "413", "422"):
            response = op["responses"].get(status)
            if response is None or response["content"]["application/json"]["schema"] != {
                    "$ref": "#/components/schemas/ErrorOut"}:
                undeclared.append(f"{method} {path} {status}")
    assert not unbounded, unbounded
    assert not undeclared, undeclared


def test_it_answers_malformed_json_with_400_in_chinese(world, staff):
    response = staff.client.post("/api/parks/", '{"name": ', content_type="application/json",
                                 headers=staff._headers())
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == API_INVALID
    assert body["errors"] == {"__all__": ["请求内容格式有误，无法解析。"]}
    assert not any(word in response.content.decode() for word in ENGLISH_DETAIL)


def test_it_refuses_a_null_name_on_a_park_and_an_enterprise_and_keeps_them(world, client_as):
    """Once 500s (pinyin_keys(None), normalize_uscc(None))."""
    client = client_as("region_staff")
    before = db_state()
    for url in (f"/api/parks/{world.smyz.pk}", f"/api/enterprises/{world.ent_smyz.pk}"):
        response = client.patch(url, json.dumps({"name": None}), content_type="application/json")
        assert response.status_code == 422, response.content
        assert response.json()["errors"] == {"name": [REQUIRED]}
    assert_unchanged(before)


@pytest.mark.parametrize("path", ["/api/parks/", "/api/enterprises/", "/api/leads/"])
def test_it_refuses_a_nul_in_the_search_in_chinese(world, staff, path):
    """Once a 500 on PostgreSQL, which refuses NUL in a query."""
    response = staff.get(path, q="园\x00")
    assert response.status_code == 422, response.content
    assert "U+0000" in response.json()["errors"]["q"][0]


@pytest.mark.parametrize("param", ["limit", "offset"])
def test_it_refuses_paging_beyond_64_bits(world, staff, param):
    response = staff.get("/api/parks/", **{param: str(HUGE)})
    assert response.status_code == 422
    assert AT_MOST in response.json()["errors"][param][0]


def test_it_answers_404_for_an_id_in_the_path_beyond_64_bits(world, staff):
    response = staff.get(f"/api/parks/{HUGE}")
    assert (response.status_code, response.json()) == (404, {"detail": API_NOT_FOUND})
    assert Park.objects.filter(pk=world.smyz.pk).exists()
