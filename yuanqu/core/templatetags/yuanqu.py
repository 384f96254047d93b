"""Template helpers: sortable headers, labels, and the one filter each for money (万元/亿元), growth and
percentages, by the rules of ``yuanqu.core.numbers``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context: dict[str, Any], key: str, label: str) -> SafeString:
    """A column header that sorts by ``key``, toggling ascending/descending."""
    current = context.get("sort", "")
    base = context.get("query_without_sort", "")
    new = f"-{key}" if current == key else key
    arrow = " ▲" if current == key else (" ▼" if current == f"-{key}" else "")
    sep = "&" if base else ""
    return format_html('<a class="sort-link" href="?{}{}sort={}">{}{}</a>', base, sep, new, label, arrow)


@register.simple_tag(takes_context=True)
def object_links(context: dict[str, Any], slot: str, obj: Any, css: str = "btn btn-outline-primary") -> SafeString:
    """The links higher apps offer from ``obj`` (``core.registry.object_links``), for the signed-in user."""
    from django.utils.html import format_html_join

    from yuanqu.core.registry import object_links as registry

    request = context.get("request")
    user = getattr(request, "user", None)
    if obj is None or user is None or not user.is_authenticated:
        return SafeString("")
    return format_html_join(" ", '<a class="{} object-link" href="{}">{}</a>',
                            ((css, url, label) for label, url in registry.for_object(slot, user, obj)))


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    """``mapping[key]`` in a template."""
    return mapping.get(key) if mapping else None


@register.filter
def role_label(value: str) -> str:
    """The display name of a role code (audit events store the code), or the code itself if unknown."""
    from yuanqu.core.roles import Role

    return str(Role(value).label) if value in Role.values else value


@register.filter
def model_label(value: str) -> str:
    """The verbose name of a model label such as ``parks.Park`` (园区), or the label itself."""
    from yuanqu.core.audit_display import type_label

    return type_label(value)


@register.filter
def actor_label(event: Any) -> str:
    """Who acted: the full name with the user name, a system task, or the server's command line."""
    from yuanqu.core.audit_display import actor_label as label

    return label(event)


@register.filter
def audit_view(event: Any) -> Any:
    """An audit event as the log shows it (:class:`yuanqu.core.audit_display.EventView`)."""
    from yuanqu.core.audit_display import view

    return view(event)


@register.filter
def money(value: Any) -> str:
    """A 万元 amount by the Chinese conventions of ``yuanqu.core.numbers``: 55亿元, 3265万元."""
    from yuanqu.core import numbers

    return numbers.money(value)


@register.filter
def growth(value: Any, style: str | bool = "同比") -> str:
    """A growth in %: in words (同比增长12.3% / 环比下降4.5% / 同比持平, the word given); or, given an indicator's
    ``is_rate`` flag (``|growth:rate``), signed for a table column: +12.3%, or +1.20个百分点 for a rate."""
    from yuanqu.core import numbers

    if isinstance(style, bool):
        return numbers.signed_change(value, rate=style)
    return numbers.growth(value, style) or "—"


@register.filter
def percent(value: Any) -> str:
    """A share in % with one decimal: 12.3%; '—' when unknown."""
    from yuanqu.core import numbers

    return numbers.pct(value)


@register.filter
def quantity(value: Any, unit: str) -> str:
    """A value in its unit (万元 amounts in 亿元 by magnitude)."""
    from yuanqu.core import numbers

    return numbers.quantity(value, unit)


@register.filter
def number(value: Any) -> str:
    """A number with at most two decimals and no trailing zeros (250, 80.5), whatever the database returned."""
    from yuanqu.core import numbers

    return numbers.plain(value, 2)
