"""The form renderer: Django's own, but a select's options are written in Python, not through a template each.

Django renders a ``<select>`` by including ``select_option.html`` once per option. The industry field of an
enterprise, lead or project form offers every GB/T 4754 class (1,382 options, the searchable picker's fallback
without JavaScript), so one such page spent 50–100 ms in the template engine on its options alone. This renderer
writes exactly the markup those templates write (``tests/core/test_forms_renderer.py`` compares the two over
selects with groups, multiple choice, boolean attributes and labels to escape) and leaves every other template, and
any select whose widget names templates of its own, to Django.

Configured as ``FORM_RENDERER`` (settings.py).
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _s(value: Any) -> str:
    """``value|stringformat:'s'``: %-formatted, and still safe if it was (the filter is ``is_safe``)."""
    text = "%s" % (value,)  # noqa: UP031 (what the filter does)
    return mark_safe(text) if isinstance(value, SafeData) else text  # noqa: S308


def _attrs(attrs: dict[str, Any]) -> str:
    """``attrs.html``: `` name="value"`` per attribute, a bare name for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(_s(value))}"')
    return "".join(out)


def render_select(widget: dict[str, Any]) -> str | None:
    """The markup of ``select.html`` for a widget context, or None when an option has a template of its own."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != OPTION:
                return None
            parts.append(f'\n  <option value="{conditional_escape(_s(option["value"]))}"'
                         f'{_attrs(option["attrs"])}>{conditional_escape(option["label"])}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts).strip()


class FastSelectRenderer(DjangoTemplates):
    """Django's default renderer, with :func:`render_select` for the stock select templates."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT and "widget" in context:
            html = render_select(context["widget"])
            if html is not None:
                return mark_safe(html)  # noqa: S308 (every value above is escaped)
        return super().render(template_name, context, request)  # type: ignore[no-any-return]
