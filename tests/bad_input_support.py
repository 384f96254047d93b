"""What the bad-input tests share: a snapshot of every stored row, and the checks of a refused form or API call.

"Bad input gets a clear error in Chinese and loses nothing" (DESIGN.md, rule 5): each bad-input test takes a
snapshot of every tenant table before the request and compares it after, so a refused write that changed a
field, wrote an audit event or left half a row behind fails, whatever the view did on the way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, override_settings

from tests.conftest import World, build_world

# Reference tables (thousands of rows, never written by a request) are left out of the snapshot.
_SKIPPED = {"core.Region", "core.IndustryCode", "core.DigitalEconomyClass", "core.DigitalEconomyCorrespondence"}

# Chinese texts the tests look for, as the zh_Hans catalogues render them (the project's catalogue overrides
# Django's for "This field is required." and "Enter a number.").
REQUIRED = "此项为必填项。"
NUMBER = "请输入数字。"
WHOLE_NUMBER = "输入整数。"
DATE = "输入一个有效的日期。"
CHOICE = "选择一个有效的选项"
NUL = "不能包含空字符（NUL）"  # Django's own zh text was garbled (不允许是用空字符串); the catalogue overrides it
EMAIL = "输入一个有效的 Email 地址。"
FUTURE = "日期不能晚于今天。"
TOO_LONG = "确保该变量包含不超过"
AT_LEAST = "确保该值大于或等于"
AT_MOST = "确保该值小于或等于"
DIGITS = "确认总共不超过"
USCC_CHECK = "校验码（第18位）按 GB 32100-2015 应为"
USCC_LENGTH = "统一社会信用代码应为 18 位"
USCC_CHARS = "统一社会信用代码只能由数字和除 I、O、Z、S、V 以外的大写字母组成"
PHONE = "请输入仅由数字组成的手机或固定电话号码"
# API (yuanqu/api/api.py's handlers)
API_INVALID = "输入内容有误，请检查后重新提交。"
API_NOT_FOUND = "未找到相关记录。"
API_DATE = "请输入有效日期（格式：YYYY-MM-DD）。"
API_OUT_OF_SCOPE = "不存在或不在您的数据范围内。"

# A USCC with a valid check digit that no enterprise of the test world has.
NEW_USCC = "91350100M000100Y43"
BAD_CHECK_USCC = "91350100M000100Y44"
HUGE = 2**63
EMOJI = "🏭园区🚀"


@pytest.fixture(scope="module", name="world")
def module_world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[World]:
    """The shared world (tests/conftest.py's ``build_world``), built once per module instead of once per test.

    A bad-input module runs hundreds of requests against the same world; each test still runs in its own
    savepoint (``each_test_rolled_back``), so what one test writes is gone before the next starts. The outer
    transaction is rolled back when the module ends.
    """
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def each_test_rolled_back(db: Any) -> None:
    """Every test of a bad-input module runs in a savepoint of the module's world (pytest-django's ``db``)."""


#: Audit actions that record a read, not a change of stored data.
AUDITED_READS = ("view_personal", "download", "export")


def _tables() -> list[tuple[str, Any]]:
    """(label, model) of every table the snapshot reads."""
    return [(m._meta.label, m) for m in apps.get_models(include_auto_created=True)
            if m.__module__.startswith("yuanqu.") and m._meta.label not in _SKIPPED]


def _db_state_postgresql() -> dict[str, list[Any]]:
    """:func:`db_state` in one query: each table's rows as JSON objects in primary-key order (a round trip per
    table, twice per test, was most of a bad-input test's time on PostgreSQL)."""
    qn = connection.ops.quote_name
    parts, labels = [], []
    for label, model in _tables():
        table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
        row = "to_jsonb(t)"
        where = ""
        if label == "core.AuditEvent":
            reads = ", ".join(f"'{a}'" for a in AUDITED_READS)
            where = f" WHERE t.action NOT IN ({reads}) AND NOT (t.after ? 'refused')"
        if any(f.column == "last_login" for f in model._meta.concrete_fields):
            row = "(to_jsonb(t) - 'last_login')"
        parts.append(f"SELECT {len(labels)}, (SELECT COALESCE(jsonb_agg({row} ORDER BY t.{pk}), '[]'::jsonb)::text "
                     f"FROM {table} t{where})")
        labels.append(label)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))  # noqa: S608 (names from the models)
        found = dict(cursor.fetchall())
    return {label: json.loads(found[i]) for i, label in enumerate(labels)}


def db_state() -> dict[str, list[Any]]:
    """Every row of every yuanqu table (and their many-to-many tables), by model, in primary-key order."""
    if connection.vendor == "postgresql":
        return _db_state_postgresql()
    state: dict[str, list[Any]] = {}
    for label, model in _tables():
        qs = model._base_manager.order_by("pk")
        if label == "core.AuditEvent":
            # A page shown after the refusal may read personal data in full, which is audited: a read, not a change.
            qs = qs.exclude(action__in=AUDITED_READS).exclude(after__has_key="refused")  # a refused attempt: audited
        rows = list(qs.values())
        for row in rows:
            row.pop("last_login", None)  # set when the test client logs in, not by the request under test
        state[label] = rows
    return state


def assert_unchanged(before: dict[str, list[Any]]) -> None:
    """Nothing stored changed since ``before``: names the tables that did, and the first difference."""
    after = db_state()
    changed = {label: (len(before[label]), len(after[label])) for label in before if before[label] != after[label]}
    if changed:
        first = next(iter(changed))
        old = [r for r in before[first] if r not in after[first]][:1]
        new = [r for r in after[first] if r not in before[first]][:1]
        raise AssertionError(f"stored data changed (rows before, after): {changed}; in {first}: {old} -> {new}")


def page_text(response: HttpResponse) -> str:
    """The page as text, for checking a message is shown to the user."""
    return response.content.decode()


def assert_form_refused(response: HttpResponse, field: str | None, text: str) -> None:
    """The form page came back (200) with ``text`` among ``field``'s errors (None: anywhere) and on the page."""
    assert response.status_code == 200, f"expected the form again, got {response.status_code}"
    form = response.context["form"]
    assert form.errors, "the form shows no error"
    messages = [str(m) for m in form.errors.get(field or "", [])] if field else \
        [str(m) for msgs in form.errors.values() for m in msgs]
    assert any(text in m for m in messages), f"{text!r} not among {field}'s errors: {form.errors.get_json_data()}"
    assert text in page_text(response), f"{text!r} is not shown on the page"


def assert_message_shown(response: HttpResponse, text: str) -> None:
    """After a redirect (followed), the page shows ``text`` as a message."""
    assert response.status_code == 200, response.status_code
    shown = [str(m) for m in response.context["messages"]] if response.context and "messages" in response.context \
        else []
    assert any(text in m for m in shown), f"{text!r} not among the messages {shown}"


def api_post(client: Client, path: str, body: Any, method: str = "post") -> HttpResponse:
    """A JSON request (``body`` a str is sent as it is, to send malformed JSON)."""
    data = body if isinstance(body, str) else json.dumps(body, default=str)
    return getattr(client, method)(path, data, content_type="application/json")


def assert_api_refused(response: HttpResponse, field: str | None, text: str | None = None,
                       status: int = 422) -> dict[str, Any]:
    """The API refused with ``status``, a Chinese ``detail`` and (422) an error on ``field`` containing ``text``."""
    assert response.status_code == status, f"expected {status}, got {response.status_code}: {response.content[:300]!r}"
    body = response.json()
    if status == 404:
        assert body["detail"] == API_NOT_FOUND
        return body
    assert body["detail"] == API_INVALID, body
    if field is not None:
        assert field in body["errors"], f"{field!r} not in {body['errors']}"
        if text is not None:
            assert any(text in m for m in body["errors"][field]), body["errors"][field]
    return body


#: A field left out of the request altogether (unlike an empty value).
MISSING = object()


def form_data(base: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    """``base`` with ``field`` set to ``value``, or left out when ``value`` is MISSING."""
    data = dict(base)
    if value is MISSING:
        data.pop(field, None)
    else:
        data[field] = value
    return data
