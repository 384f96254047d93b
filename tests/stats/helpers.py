"""Shared helpers of the statistics page and API tests."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

from django.test import Client
from django.urls import reverse

from tests.conftest import approve_report
from yuanqu.core.demo import make_uscc
from yuanqu.core.models import IndustryCode
from yuanqu.enterprises import services as ent
from yuanqu.enterprises.models import Enterprise
from yuanqu.stats import services
from yuanqu.stats.models import Indicator, Report, Round

REQUIRED = {"output": "1,200", "revenue": "1500", "tax": "80", "profit": "100", "employees": "120"}


def ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def form_data(values: dict[str, str], action: str = "save", **extra: str) -> dict[str, str]:
    """The report form's POST data: ``v_<id>`` per indicator code, plus ``n_``/``r_``/``e_`` fields by code."""
    data = {"action": action}
    for code, value in values.items():
        data[f"v_{ind(code).pk}"] = value
    for key, value in extra.items():
        prefix, code = key.split("_", 1)
        data[f"{prefix}_{ind(code).pk}"] = value
    return data


def fill(client: Client, report: Report, values: dict[str, str], action: str = "save", **extra: str) -> Any:
    return client.post(reverse("stats:report_fill", args=[report.pk]), form_data(values, action, **extra))


def new_enterprise(world: Any, n: int) -> Enterprise:
    """Another enterprise of 李沧 (number ``n`` names it and seeds its USCC), made by district staff."""
    return ent.enterprise_create(
        actor=world.users["region_staff"], uscc=make_uscc(random.Random(1000 + n), "370213"),
        name=f"青岛批量测试{n:02d}有限公司", industry=IndustryCode.objects.get(pk="6513"), region=world.licang,
        registered_capital_wan=Decimal("100"), established_on=dt.date(2018, 1, 1))


def may_round(world: Any, employees: str = "100") -> Report:
    """A May 2025 round in 李沧 with the enterprise's approved May values (the base of June's checks)."""
    staff = world.users["region_staff"]
    rnd = services.round_open(actor=staff, region=world.licang, frequency="month", year=2025, month=5,
                              deadline=dt.date(2025, 6, 10))
    report = Report.objects.get(round=rnd, enterprise=world.ent_xltd)
    return approve_report(world, report, {"output": "1000", "revenue": "1200", "tax": "60", "profit": "90",
                                          "employees": employees})


def round_of(report: Report) -> Round:
    return Round.objects.get(pk=report.round_id)


class _TextsById(HTMLParser):
    """The text inside every element that has an id, whitespace collapsed."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, str | None]] = []
        self.texts: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        element_id = dict(attrs).get("id")
        if element_id:
            self.texts[element_id] = ""
        self.open.append((tag, element_id))

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        for _tag, element_id in self.open:
            if element_id:
                self.texts[element_id] += data


def texts_by_id(response: Any) -> dict[str, str]:
    """The page's elements with an id → their text, as the user reads it (parsed, not searched in the body)."""
    parser = _TextsById()
    parser.feed(response.content.decode())
    parser.close()
    return {key: " ".join(text.split()) for key, text in parser.texts.items()}
