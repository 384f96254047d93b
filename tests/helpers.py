"""Small helpers the per-feature client tests share: forms' error codes, exports, API calls."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
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


def hidden_inputs(html: str, form_id: str) -> list[tuple[str, str]]:
    """The (name, value) of the hidden inputs inside the form with id ``form_id`` (its CSRF token left out)."""

    class Inputs(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.depth = 0
            self.found: list[tuple[str, str]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            if tag == "form" and (self.depth or a.get("id") == form_id):
                self.depth += 1
            if self.depth and tag == "input" and a.get("type") == "hidden" and a.get("name") != "csrfmiddlewaretoken":
                self.found.append((a.get("name") or "", a.get("value") or ""))

        def handle_endtag(self, tag: str) -> None:
            if tag == "form" and self.depth:
                self.depth -= 1

    parser = Inputs()
    parser.feed(html)
    parser.close()
    return parser.found


def data_values(response: HttpResponse, name: str = "id") -> list[str]:
    """The values of every ``data-<name>`` attribute of the page, in order (a list's rows: ``data-id``)."""

    class Marks(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.found: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.found += [v for k, v in attrs if k == f"data-{name}" and v is not None]

    parser = Marks()
    parser.feed(response.content.decode())
    parser.close()
    return parser.found
