"""No template carries script of its own, and no static JS builds HTML from data unescaped (issue 12, H3).

The Content-Security-Policy would refuse an inline handler or script anyway, but a page that relies on one
breaks; this test fails the moment one is added: an ``on…=`` attribute, ``hx-on``, a ``javascript:`` URL, a
<script> without a src or without the response's nonce, a <style> element without the nonce. Behaviour goes in
yuanqu/static/yuanqu/*.js (``data-autosubmit``, ``data-confirm``: see site.js).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import yuanqu

ROOT = Path(yuanqu.__file__).resolve().parent
TEMPLATES = sorted(p for p in ROOT.rglob("*.html") if "templates" in p.parts)
STATIC_JS = sorted((ROOT / "static" / "yuanqu").glob("*.js"))
#: Rendered by WeasyPrint into a PDF on the server, never sent to a browser: its <style> is the page layout.
PRINT_ONLY = {ROOT / "templates" / "briefings" / "print.html"}

HANDLER = re.compile(r"<[a-zA-Z][^>]*?\s(on[a-z]+|hx-on[:\-a-z]*)\s*=", re.S)
JS_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)
SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)
STYLE = re.compile(r"<style\b([^>]*)>", re.I)
NONCE_ATTR = 'nonce="{{ request.csp_nonce }}"'


def problems(text: str, *, print_only: bool = False) -> list[str]:
    """What in one template would need an inline script or handler, or escape the nonce."""
    found = [f"inline handler {m.group(1)}=" for m in HANDLER.finditer(text)]
    found += ["javascript: URL" for _ in JS_URL.finditer(text)]
    for m in SCRIPT.finditer(text):
        attrs = m.group(1)
        if 'type="application/json"' in attrs:
            continue  # data (json_script), never run
        if "src=" not in attrs:
            found.append("inline <script>")
        if NONCE_ATTR not in attrs:
            found.append("<script> without the nonce")
    if not print_only:
        found += ["<style> without the nonce" for m in STYLE.finditer(text) if NONCE_ATTR not in m.group(1)]
    return found


def test_it_finds_templates() -> None:
    assert len(TEMPLATES) > 50 and ROOT / "templates" / "base.html" in TEMPLATES


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_inline_script_or_handlers(path: Path) -> None:
    assert problems(path.read_text(), print_only=path in PRINT_ONLY) == []


@pytest.mark.parametrize("snippet", [
    '<select name="year" onchange="this.form.submit()">',
    '<form method="post"\n      onsubmit="return confirm(\'x\')">',
    '<button class="btn" onclick="go()">',
    '<div hx-on:click="alert(1)">',
    '<a href="javascript:alert(1)">',
    "<script>var x = 1;</script>",
    "<script src=\"{% static 'yuanqu/site.js' %}\"></script>",
    "<style>body { color: red }</style>",
])
def test_the_check_bites(snippet: str) -> None:
    """Each kind of inline script the test forbids is found (so a template that adds one fails)."""
    assert problems(snippet)


def test_the_check_lets_the_allowed_through() -> None:
    ok = ("<script src=\"{% static 'yuanqu/site.js' %}\" nonce=\"{{ request.csp_nonce }}\" defer></script>"
          '<select data-autosubmit name="year"><option>2025</option></select>'
          '<form data-confirm="{{ msg }}"><button data-confirm="x">go</button></form>'
          '<a href="/parks/" class="donation">x</a><input name="bonus" value="1">')
    assert problems(ok) == []


#: How static JS may put markup on a page: never innerHTML/outerHTML/insertAdjacentHTML/document.write.
HTML_SINKS = re.compile(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function")


@pytest.mark.parametrize("path", STATIC_JS, ids=lambda p: p.name)
def test_no_static_js_writes_html_from_data(path: Path) -> None:
    text = path.read_text()
    assert not HTML_SINKS.findall(text), f"{path.name}: use textContent, or build DOM nodes"


def test_every_tooltip_formatter_escapes_what_it_shows() -> None:
    """The ECharts tooltip is HTML: every tooltip formatter in dashboards.js builds its result with ``html``,
    which escapes each value (the fix for H3); a formatter that concatenates names into HTML fails here."""
    text = (ROOT / "static" / "yuanqu" / "dashboards.js").read_text()
    bodies = re.findall(r"tooltip\.formatter\s*=\s*function\s*\([^)]*\)\s*\{(.*?)\n\s*\};", text, re.S)
    assert len(bodies) >= 2
    for body in bodies:
        returns = re.findall(r"return\s+([^;]*);", body, re.S)
        assert returns and all(r.strip().startswith("html(") for r in returns), body
    assert "echarts.format.encodeHTML" in text


#: Style attributes may hold numbers only (a bar's width, a chart's height): these, or anything |floatformat.
NUMERIC_IN_STYLE = {"height|default:'320'", "batch.percent", "p.progress", "rate"}
STYLE_ATTR = re.compile(r'\sstyle="([^"]*)"')


def style_problems(text: str) -> list[str]:
    """Style attributes are allowed by the policy (ECharts needs them), so none may carry user text or a URL."""
    found = []
    for m in STYLE_ATTR.finditer(text):
        css = m.group(1)
        if re.search(r"url\(|expression|javascript|@import|\{%", css, re.I):
            found.append(f"style with a URL, expression or tag: {css}")
        for var in re.findall(r"\{\{\s*(.*?)\s*\}\}", css):
            if var not in NUMERIC_IN_STYLE and not var.endswith("|floatformat:0"):
                found.append(f"style with a non-numeric value: {var}")
    return found


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_style_attributes_hold_numbers_only(path: Path) -> None:
    assert style_problems(path.read_text()) == []


def test_the_style_check_bites() -> None:
    assert style_problems('<div style="width: {{ park.name }}">')
    assert style_problems('<div style="background: url(/x)">')
    assert not style_problems('<div style="width: {{ c.rate|floatformat:0 }}%">')
