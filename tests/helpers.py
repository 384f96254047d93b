"""Small helpers the per-feature client tests share: forms' error codes, exports, API calls."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.http import HttpResponse
from django.test import Client
from python_calamine import CalamineWorkbook

from yuanqu.accounts.models import User
from yuanqu.accounts.services import token_create


def error_codes(response: HttpResponse, field: str = "__all__") -> list[str]:
    """The codes of the errors the page's form shows for ``field`` (``__all__``: above the form)."""
    form = response.context["form"]
    return [e.code or "" for e in form.errors.as_data().get(field, [])]


def error_text(response: HttpResponse, field: str = "__all__") -> str:
    """The rendered messages of ``field``'s errors, joined."""
    return " ".join(response.context["form"].errors.get(field, []))


def read_xlsx(response: HttpResponse) -> list[list[Any]]:
    """The first sheet of an .xlsx download, parsed by calamine (header row first)."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_index(0).to_python()


def read_csv(response: HttpResponse) -> list[list[str]]:
    """A .csv download (UTF-8 with BOM) as rows."""
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


class Api:
    """The REST API as one user sees it, through a bearer token."""

    def __init__(self, user: User) -> None:
        _token, self.raw = token_create(actor=user, name="tests")
        self.client = Client()

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.raw}"}

    def get(self, path: str, **params: Any) -> HttpResponse:
        return self.client.get(path, params, headers=self._headers())

    def post(self, path: str, data: Any) -> HttpResponse:
        return self.client.post(path, json.dumps(data, default=str), content_type="application/json",
                                headers=self._headers())

    def patch(self, path: str, data: Any) -> HttpResponse:
        return self.client.patch(path, json.dumps(data, default=str), content_type="application/json",
                                 headers=self._headers())
