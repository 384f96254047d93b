"""Bad input on the import upload form (the engine's file checks are tested in test_safety.py): a Chinese error
beside the field, and no batch is stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.bad_input_support import (
    CHOICE,
    REQUIRED,
    assert_form_refused,
    assert_unchanged,
    db_state,
    each_test_rolled_back,  # noqa: F401 (a fixture: each test in a savepoint)
    module_world,  # noqa: F401 (a fixture: the shared world, once per module)
)
from tests.tabular import files

MISSING = object()


def _upload(world: Any, field: str, value: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"entity": "enterprises", "park": str(world.xltd.pk),
                            "file": SimpleUploadedFile("企业.xlsx", files.xlsx(("S", [["统一社会信用代码", "名称"]])))}
    if value is MISSING:
        data.pop(field)
    elif isinstance(value, str) and value.startswith("@"):
        data[field] = str(getattr(world, value[1:]).pk)
    else:
        data[field] = value
    return data


@pytest.mark.parametrize("field,value,text", [
    ("entity", MISSING, REQUIRED),
    ("entity", "nuclear_codes", CHOICE),
    ("entity", "enterprises\x00", CHOICE),
    ("file", MISSING, REQUIRED),
    ("file", SimpleUploadedFile("空.xlsx", b""), "所提交的是空文件。"),
    ("file", "不是文件", REQUIRED),
    ("park", "@smyz", CHOICE),  # the operator runs 信联天地 only
    ("park", "@laoshan_park", CHOICE),
    ("park", "999999999", CHOICE),
])
def test_it_refuses_a_bad_upload_by_field_and_stores_no_batch(world, client_as, field, value, text):
    client = client_as("park_operator")
    before = db_state()
    response = client.post(reverse("tabular:imports"), _upload(world, field, value))
    assert_form_refused(response, field, text)
    assert "崂山" not in response.content.decode()
    assert_unchanged(before)


def test_it_starts_a_batch_from_the_upload_the_bad_cases_start_from(world, client_as):
    response = client_as("park_operator").post(reverse("tabular:imports"), _upload(world, "park", str(world.xltd.pk)))
    assert response.status_code == 302


@pytest.mark.parametrize("name", ["tabular:mapping", "tabular:commit"])
@pytest.mark.parametrize("pk", [2**31 - 1, 2**63 - 1])
def test_it_answers_404_for_a_batch_that_does_not_exist(world, client_as, name, pk):
    client = client_as("park_operator")
    before = db_state()
    assert client.post(reverse(name, args=[pk]), {"sheet": "S"}).status_code == 404
    assert_unchanged(before)

