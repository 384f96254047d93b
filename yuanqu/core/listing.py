"""One way to list rows: filters, search, sort, pagination and export, the same on every list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from yuanqu.core.export import export_response
from yuanqu.core.types import AuthedRequest


@dataclass
class Filter:
    """A drop-down filter: query parameter ``name`` narrows ``lookup`` to the chosen value."""

    name: str
    label: str
    choices: Sequence[tuple[Any, Any]] | Callable[[AuthedRequest], Sequence[tuple[Any, Any]]]
    lookup: str = ""

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


def run_list(
    request: AuthedRequest,
    queryset: QuerySet[Any],
    spec: ListSpec,
    template: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Filter, search and sort ``queryset`` (already scoped) from the query string; render a page or an export."""
    qs = queryset
    active: dict[str, str] = {}
    for f in spec.filters:
        value = request.GET.get(f.name, "").strip()
        valid = {str(k) for k, _ in f.options(request)}
        if value and value in valid:
            qs = qs.filter(**{f.lookup or f.name: value})
            active[f.name] = value
    q = request.GET.get("q", "").strip()[:100]
    if q and spec.search is not None:
        qs = spec.search(qs, q)
    sort = request.GET.get("sort", spec.default_sort)
    key = sort.lstrip("-")
    if key not in spec.sorts:
        sort, key = spec.default_sort, spec.default_sort.lstrip("-")
    if key:
        descending = sort.startswith("-")
        qs = qs.order_by(*(_flip(o) if descending else o for o in spec.sorts[key]), "pk")
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv") and spec.columns is not None:
        columns = spec.columns(request)
        rows = [[c.value(obj) for c in columns] for obj in qs]
        return export_response(
            actor=request.user, fmt=fmt, name=spec.export_name, headers=[c.header for c in columns], rows=rows,
            object_type=qs.model._meta.label, filters={**active, **({"q": q} if q else {})},
        )
    paginator = Paginator(qs, spec.per_page)
    asked = request.GET.get("page", "").strip()
    page = paginator.get_page(asked)
    page_notice = ""
    if asked and not (asked.isdecimal() and len(asked) < 20 and int(asked) == page.number):
        # A page that does not exist (a huge number, a word) shows the nearest one, and says so.
        page_notice = _("There is no page “%(asked)s”; showing page %(n)d of %(total)d.") % {
            "asked": asked[:20], "n": page.number, "total": paginator.num_pages}
    params = request.GET.copy()
    params.pop("page", None)
    ctx = {
        "page_obj": page,
        "rows": page.object_list,
        "filters": [(f, f.options(request), active.get(f.name, "")) for f in spec.filters],
        "q": q,
        "sort": sort,
        "query_without_page": params.urlencode(),
        "query_without_sort": "&".join(f"{k}={v}" for k, v in params.items() if k != "sort"),
        "can_search": spec.search is not None,
        "can_export": spec.columns is not None,
        "total": paginator.count,
        "page_notice": page_notice,
    }
    ctx.update(context or {})
    return render(request, template, ctx)
