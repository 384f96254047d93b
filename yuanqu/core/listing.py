"""One way to list rows: filters, search, sort, pagination and export, the same on every list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from yuanqu.core.export import export_response
from yuanqu.core.types import AuthedRequest

#: The page sizes a list offers (``?per_page=``), besides its own default; a larger number asks for the largest.
PER_PAGE_CHOICES = (25, 50, 100, 200)


@dataclass
class Filter:
    """A drop-down filter: query parameter ``name`` narrows ``lookup`` to the chosen value, or ``apply`` does
    (for a condition no single lookup states without duplicating rows, such as "has a value with a warning")."""

    name: str
    label: str
    choices: Sequence[tuple[Any, Any]] | Callable[[AuthedRequest], Sequence[tuple[Any, Any]]]
    lookup: str = ""
    apply: Callable[[AuthedRequest, QuerySet[Any], str], QuerySet[Any]] | None = None

    def options(self, request: AuthedRequest) -> Sequence[tuple[Any, Any]]:
        return self.choices(request) if callable(self.choices) else self.choices


@dataclass
class Column:
    """A column of the list's export: a header (with its unit) and how to read the value."""

    header: str
    value: Callable[[Any], Any]


@dataclass
class ListSpec:
    """What a list page offers: its filters, its sort keys, its search and its export columns."""

    filters: list[Filter] = field(default_factory=list)
    sorts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    default_sort: str = ""
    search: Callable[[Any, str], QuerySet[Any]] | None = None
    columns: Callable[[AuthedRequest], list[Column]] | None = None
    export_name: str = "export"
    per_page: int = 25


def _flip(order: str) -> str:
    return order[1:] if order.startswith("-") else "-" + order


@dataclass
class Listed:
    """A list's rows as its parameters narrow and order them: the queryset, the filters in force, the search and
    the sort (each as the list understood it: an unknown value is left out, never an error)."""

    rows: QuerySet[Any]
    active: dict[str, str]
    q: str
    sort: str


def apply_list(request: AuthedRequest, queryset: QuerySet[Any], spec: ListSpec,
               params: QueryDict | None = None) -> Listed:
    """Filter, search and sort ``queryset`` (already scoped) by ``params`` (the query string by default).

    A bulk action on "all rows matching the filters" passes its POST here, so the rows it acts on are chosen by
    the same code, on the same scoped queryset, as the page the user was looking at.
    """
    params = request.GET if params is None else params
    qs = queryset
    active: dict[str, str] = {}
    for f in spec.filters:
        value = params.get(f.name, "").strip()
        valid = {str(k) for k, _ in f.options(request)}
        if value and value in valid:
            qs = f.apply(request, qs, value) if f.apply is not None else qs.filter(**{f.lookup or f.name: value})
            active[f.name] = value
    q = params.get("q", "").strip()[:100]
    if q and spec.search is not None:
        qs = spec.search(qs, q)
    sort = params.get("sort", spec.default_sort)
    key = sort.lstrip("-")
    if key not in spec.sorts:
        sort, key = spec.default_sort, spec.default_sort.lstrip("-")
    if key:
        descending = sort.startswith("-")
        qs = qs.order_by(*(_flip(o) if descending else o for o in spec.sorts[key]), "pk")
    return Listed(rows=qs, active=active, q=q, sort=sort)


def page_size(value: str | None, default: int) -> int:
    """The page size asked for by ``?per_page=``: one of :data:`PER_PAGE_CHOICES` (or the list's default); a
    larger number gets the largest choice, anything else (text, zero, a negative) the default."""
    try:
        n = int(str(value or "").strip()[:12])
    except ValueError:
        return default
    if n == default or n in PER_PAGE_CHOICES:
        return n
    return PER_PAGE_CHOICES[-1] if n > PER_PAGE_CHOICES[-1] else default


def page_number(value: str | None, num_pages: int) -> int | None:
    """The page asked for by ``?page=``, within 1..``num_pages``; None when it is not a whole number."""
    try:
        n = int(str(value or "").strip()[:12])
    except ValueError:
        return None
    return min(max(n, 1), num_pages)


def paginate(request: AuthedRequest, items: Any, default_per_page: int) -> dict[str, Any]:
    """One page of ``items`` (a queryset or a list) for the shared pagination template: the page by ``?page=``
    and its size by ``?per_page=``, both bounded (a page past the end shows the last, one before the first the
    first, and the template says which page was shown instead of the one asked for), and what the template's page
    jump and page-size links need to keep the other parameters of the query string."""
    per_page = page_size(request.GET.get("per_page"), default_per_page)
    paginator = Paginator(items, per_page)
    asked = request.GET.get("page", "")
    number = page_number(asked, paginator.num_pages)
    page: Page[Any] = paginator.page(number or 1)
    params = request.GET.copy()
    params.pop("page", None)
    sized = params.copy()
    sized.pop("per_page", None)
    sized.pop("export", None)
    return {
        "page_obj": page,
        "per_page": per_page,
        "per_page_choices": sorted({default_per_page, *PER_PAGE_CHOICES}),
        "query_without_page": params.urlencode(),
        "query_without_page_size": sized.urlencode(),
        "page_params": [(k, v) for k, values in params.lists() if k != "export" for v in values],
        "page_asked": asked.strip()[:12] if asked.strip() and (number is None or str(number) != asked.strip())
        else "",
    }


def run_list(
    request: AuthedRequest,
    queryset: QuerySet[Any],
    spec: ListSpec,
    template: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Filter, search and sort ``queryset`` (already scoped) from the query string; render a page or an export."""
    listed = apply_list(request, queryset, spec)
    qs, active, q, sort = listed.rows, listed.active, listed.q, listed.sort
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv") and spec.columns is not None:
        columns = spec.columns(request)
        rows = [[c.value(obj) for c in columns] for obj in qs]
        return export_response(
            actor=request.user, fmt=fmt, name=spec.export_name, headers=[c.header for c in columns], rows=rows,
            object_type=qs.model._meta.label, filters={**active, **({"q": q} if q else {})},
        )
    ctx = paginate(request, qs, spec.per_page)
    page = ctx["page_obj"]
    unsorted = request.GET.copy()
    for key in ("page", "sort", "export"):
        unsorted.pop(key, None)
    ctx.update({
        "rows": page.object_list,
        # A filter with nothing to choose (the parks of an enterprise user) is left off the toolbar.
        "filters": [(f, options, active.get(f.name, "")) for f in spec.filters if (options := f.options(request))],
        "q": q,
        "sort": sort,
        "query_without_sort": unsorted.urlencode(),
        "can_search": spec.search is not None,
        "can_export": spec.columns is not None,
        "total": page.paginator.count,
    })
    ctx.update(context or {})
    return render(request, template, ctx)


def date_range(request: AuthedRequest) -> tuple[dt.date | None, dt.date | None, dict[str, Any]]:
    """The ``from``/``to`` dates of a list's query string, and the values to show back in its form; a date that
    does not parse, or a range that ends before it starts, is reported as a message and ignored."""
    found: dict[str, dt.date | None] = {}
    for key in ("from", "to"):
        raw = request.GET.get(key, "").strip()
        found[key] = None
        if raw:
            try:
                found[key] = dt.date.fromisoformat(raw)
            except ValueError:
                messages.error(request, _("The period needs dates such as 2025-01-31; “%(value)s” is not one.")
                               % {"value": raw[:20]})
    start, end = found["from"], found["to"]
    if start and end and start > end:
        messages.error(request, _("The period starts after it ends; the dates were ignored."))
        start = end = None
    return start, end, {"from": start.isoformat() if start else "", "to": end.isoformat() if end else ""}
