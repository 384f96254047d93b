"""Rendering a briefing's content: charts as PNG (Pillow, Noto CJK), the .docx (python-docx, East-Asian
fonts set on every run's w:eastAsia) and the .pdf (WeasyPrint, Noto CJK through fontconfig); and
:func:`render_briefing`, which the task worker runs to write all of them for a saved briefing."""

from __future__ import annotations

import base64
import functools
import io
import logging
import shutil
import subprocess
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone

from yuanqu.core import numbers

from . import generator
from .models import Briefing

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
COLORS = ["#1d4e89", "#f59f00", "#2fb344", "#d63939"]

log = logging.getLogger(__name__)


@functools.cache
def _font_file(family: str) -> tuple[str, int] | None:
    """The file and face index fontconfig gives for ``family`` (a .ttc holds several faces)."""
    if not shutil.which("fc-match"):
        return None
    out = subprocess.run(["fc-match", "-f", "%{file}|%{index}", family], capture_output=True, text=True,
                         check=False).stdout
    path, _sep, index = out.partition("|")
    return (path, int(index or 0)) if path else None


def _font(size: int) -> Any:
    from PIL import ImageFont

    found = _font_file(SANS)
    if found:
        try:
            return ImageFont.truetype(found[0], size, index=found[1])
        except OSError:
            pass
    return ImageFont.load_default(size)


def _axis_money(value: float, short: bool = False) -> str:
    return numbers.money(Decimal(str(value)), short=short) if value else "0"


def chart_png(chart: dict[str, Any], width: int = 1200, height: int = 620) -> bytes:
    """A bar chart (``hbar``: one horizontal series; ``bars``: grouped vertical series) as PNG bytes."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    title_font, font, small = _font(30), _font(22), _font(18)
    draw.text((width // 2, 18), chart["title"], font=title_font, fill="#222", anchor="mt")
    series = [[float(v) if v not in (None, "") else 0.0 for v in s["values"]] for s in chart["series"]]
    top = max((max(s) for s in series if s), default=0.0) or 1.0
    labels = chart["labels"]
    if chart["kind"] == "hbar":
        left, right, y0 = 260, width - 170, 80
        row = (height - y0 - 20) / max(len(labels), 1)
        for i, (label, value) in enumerate(zip(labels, series[0], strict=False)):
            y = y0 + i * row
            draw.text((left - 12, y + row / 2), label[:12], font=font, fill="#333", anchor="rm")
            length = (right - left) * value / top
            draw.rectangle([left, y + row * 0.18, left + max(length, 1), y + row * 0.82], fill=COLORS[0])
            draw.text((left + length + 8, y + row / 2), _axis_money(value), font=small, fill="#333", anchor="lm")
    else:
        left, right, bottom, y0 = 90, width - 30, height - 90, 80
        group = (right - left) / max(len(labels), 1)
        bar = group * 0.8 / max(len(series), 1)
        draw.line([left, bottom, right, bottom], fill="#999")
        for step in range(5):
            y = bottom - (bottom - y0) * step / 4
            draw.line([left, y, right, y], fill="#eee")
            draw.text((left - 8, y), _axis_money(top * step / 4, short=True),
                      font=small, fill="#666", anchor="rm")
        for si, values in enumerate(series):
            for i, value in enumerate(values):
                x = left + i * group + group * 0.1 + si * bar
                h = (bottom - y0) * value / top
                draw.rectangle([x, bottom - h, x + bar - 2, bottom], fill=COLORS[si % len(COLORS)])
        for i, label in enumerate(labels):
            draw.text((left + i * group + group / 2, bottom + 10), label, font=small, fill="#333", anchor="mt")
        x = left
        for si, s in enumerate(chart["series"]):
            draw.rectangle([x, height - 40, x + 24, height - 22], fill=COLORS[si % len(COLORS)])
            draw.text((x + 32, height - 31), s["name"], font=small, fill="#333", anchor="lm")
            x += 180
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()


# --------------------------------------------------------------------------- .docx


def _east_asian(run: Any, family: str) -> None:
    """Word picks a run's Chinese font from w:eastAsia, not from w:ascii: set both."""
    from docx.oxml.ns import qn

    run.font.name = family
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), family)


def _style_fonts(style: Any, family: str) -> None:
    from docx.oxml.ns import qn

    style.font.name = family
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), family)


def docx_bytes(content: dict[str, Any]) -> bytes:
    """The bulletin as a Word document: title, issuer and date, paragraphs (two-character first-line indent),
    tables and charts."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    _style_fonts(normal, SERIF)
    normal.font.size = Pt(14)  # 四号
    for section in doc.sections:
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(content["title"])
    _east_asian(run, SANS)
    run.font.size, run.font.bold = Pt(22), True  # 二号
    meta = doc.add_paragraph()
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _east_asian(meta.add_run(f"{content['issuer']}　{content['date']}"), SERIF)

    for text in content["paragraphs"]:
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(28)
        p.paragraph_format.line_spacing = Pt(28)
        _east_asian(p.add_run(text), SERIF)

    for table in content["tables"]:
        caption = doc.add_paragraph()
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = caption.add_run(table["title"])
        _east_asian(r, SANS)
        r.font.size, r.font.bold = Pt(12), True
        t = doc.add_table(rows=1, cols=len(table["header"]))
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(t.rows[0].cells, table["header"], strict=False):
            cell.text = ""
            hr = cell.paragraphs[0].add_run(str(text))
            _east_asian(hr, SANS)
            hr.font.size, hr.font.bold = Pt(11), True
        for row in table["rows"]:
            cells = t.add_row().cells
            for i, (cell, text) in enumerate(zip(cells, row, strict=False)):
                cell.text = ""
                para = cell.paragraphs[0]
                if i > 0:
                    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                cr = para.add_run(str(text))
                _east_asian(cr, SERIF)
                cr.font.size = Pt(11)

    for chart in content["charts"]:
        doc.add_paragraph()
        doc.add_picture(io.BytesIO(chart_png(chart)), width=Cm(15.5))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- .pdf


def html(content: dict[str, Any]) -> str:
    """The bulletin as print HTML (what WeasyPrint lays out), charts inlined as PNG data URIs."""
    charts = [{"title": c["title"], "src": "data:image/png;base64," + base64.b64encode(chart_png(c)).decode()}
              for c in content["charts"]]
    return render_to_string("briefings/print.html", {"c": content, "charts": charts, "serif": SERIF, "sans": SANS})


def pdf_bytes(content: dict[str, Any]) -> bytes:
    """The bulletin as PDF (A4)."""
    from weasyprint import HTML

    return HTML(string=html(content)).write_pdf()  # type: ignore[no-any-return]


def render_briefing(briefing: Briefing) -> Briefing:
    """Write the content, the .docx and the .pdf of ``briefing`` and store them on it (the task calls this).

    Runs in the task worker, after the transaction that saved the request has committed. A failure is
    stored on the briefing (the page shows it) rather than raised, so the worker carries on.
    """
    Briefing.objects.filter(pk=briefing.pk).update(status=Briefing.Status.RUNNING)
    try:
        content = generator.write(briefing)
        docx = docx_bytes(content)
        pdf = pdf_bytes(content)
    except Exception as exc:  # the request or worker must survive; the page shows the failure
        log.exception("briefing %s failed", briefing.pk)
        Briefing.objects.filter(pk=briefing.pk).update(status=Briefing.Status.FAILED, error=str(exc)[:500])
        briefing.refresh_from_db()
        return briefing
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    for field in (briefing.docx, briefing.pdf):
        if field:
            field.delete(save=False)
    briefing.docx.save(f"briefing-{briefing.pk}-{stamp}.docx", ContentFile(docx), save=False)
    briefing.pdf.save(f"briefing-{briefing.pk}-{stamp}.pdf", ContentFile(pdf), save=False)
    briefing.content, briefing.title = content, content["title"]
    briefing.status, briefing.error, briefing.generated_at = Briefing.Status.DONE, "", timezone.now()
    briefing.save()
    return briefing
