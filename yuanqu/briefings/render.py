"""Rendering a briefing: charts as PNG (Pillow, Noto CJK), the .docx (python-docx) and the .pdf (WeasyPrint) in the
page layout of GB/T 9704-2012 (党政机关公文格式), and the task bodies that write them for a saved briefing.

The layout: A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm, so the type area (版心) is
156 × 225 mm, 22 lines of 28 characters of 三号 (16 pt) 仿宋 at an exact 28.95 pt; a red masthead (报头: the
bulletin's name, 期号, 编发单位 and date over a red rule); the title in 二号 (22 pt) 方正小标宋简体; headings 一、
in 黑体; page numbers 「— 1 —」 in 四号宋体, odd pages right and even pages left, one character in.

The .docx names the fonts government PCs have (``w:eastAsia`` 仿宋_GB2312, 方正小标宋简体, 黑体, 宋体), so Word
uses them; the PDF asks for the same families first and falls back to Noto CJK (``fonts-noto-cjk``), which is
what a Linux server has.
"""

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

# Fonts named in the .docx (what government PCs have) and the PDF's fallbacks.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
PAGE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
PDF_FONTS = {
    "body": '"FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "Noto Serif CJK SC", serif',
    "title": '"FZXiaoBiaoSong-B05S", "方正小标宋简体", "Noto Serif CJK SC", serif',
    "heading": '"SimHei", "黑体", "Noto Sans CJK SC", sans-serif',
    "page": '"SimSun", "宋体", "Noto Serif CJK SC", serif',
}
RED = "FF0000"
COLORS = ["#1d4e89", "#f59f00", "#2fb344", "#d63939"]

# GB/T 9704-2012 page geometry, in millimetres and points.
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LINE_PT = 28.95  # 225 mm / 22 lines
BODY_PT, TITLE_PT, PAGE_NUMBER_PT, TABLE_PT, NOTE_PT = 16, 22, 14, 12, 14
#: Word's document grid: 22 lines (pitch 579 twips) of 28 characters (pitch 156 mm / 28 = 15.79 pt: 16 pt less
#: 0.206 pt, in 4096ths of a point).
DOC_GRID = {"type": "linesAndChars", "linePitch": "579", "charSpace": "-842"}

#: The order of a paragraph's properties in WordprocessingML (CT_PPr): Word refuses a file whose elements are out
#: of it, so the few python-docx does not place itself are inserted at their place.
PPR_ORDER = ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
             "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku",
             "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
             "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
             "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
             "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- charts


@functools.cache
def _font_file(family: str) -> tuple[str, int] | None:
    """The file and face index fontconfig gives for ``family`` (a .ttc holds several faces)."""
    if not shutil.which("fc-match"):
        return None
    out = subprocess.run(["fc-match", "-f", "%{file}|%{index}", family], capture_output=True, text=True,
                         check=False).stdout
    path, _sep, index = out.partition("|")
    return (path, int(index or 0)) if path else None


@functools.cache
def _font(size: int) -> Any:
    from PIL import ImageFont

    found = _font_file(SANS)
    if found:
        try:
            return ImageFont.truetype(found[0], size, index=found[1])
        except OSError:
            pass
    return ImageFont.load_default(size)


def _nice_step(rough: Decimal) -> Decimal:
    """The round step (1, 2 or 5 × 10ⁿ) at or above ``rough``."""
    if rough <= 0:
        return Decimal(1)
    exponent = rough.adjusted()
    base = Decimal(1).scaleb(exponent)
    for factor in (1, 2, 5, 10):
        step = base * factor
        if step >= rough:
            return step
    return base * 10  # pragma: no cover


def axis_ticks(largest: Any, unit: str, count: int = 5) -> tuple[list[Decimal], list[str], str]:
    """Round ticks from 0 up to at least ``largest`` (at most ``count`` steps), their labels, and the axis unit.

    Amounts in 万元 read in 亿 from 1亿 up, as everywhere (``numbers.money_axis_unit``): 0, 2亿, 4亿 …; other
    units in 万 from 10 000 up. Ticks are in the values' own unit; labels in the axis's."""
    top = Decimal(str(largest or 0))
    if unit == "万元":
        axis = numbers.money_axis_unit(top)
        divisor, suffix, title = Decimal(axis["divisor"]), axis["unit"], f"单位：{axis['unit']}元"
    elif abs(top) >= 10000:
        divisor, suffix, title = Decimal(10000), "万", f"单位：万{unit}"
    else:
        divisor, suffix, title = Decimal(1), "", f"单位：{unit}" if unit else ""
    scaled = top / divisor
    step = _nice_step(scaled / count) if scaled > 0 else Decimal(1)
    steps = max(1, int((scaled / step).to_integral_value(rounding="ROUND_CEILING")))
    ticks = [step * i for i in range(steps + 1)]
    labels = ["0" if t == 0 else f"{numbers.plain(t, 2)}{suffix}" for t in ticks]
    return [t * divisor for t in ticks], labels, title


def _value_label(value: float, unit: str) -> str:
    return numbers.quantity(Decimal(str(value)), unit) if value else "0"


def _fitted(draw: Any, text: str, width: float) -> tuple[Any, str]:
    """A font (22 px down to 16 px) in which ``text`` fits ``width``; shortened with … if none does."""
    for size in (22, 20, 18, 16):
        font = _font(size)
        if draw.textlength(text, font=font) <= width:
            return font, text
    while len(text) > 1 and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return font, text + "…"


def chart_png(chart: dict[str, Any], width: int = 1200, height: int = 620) -> bytes:
    """A bar chart (``hbar``: one horizontal series; ``bars``: grouped vertical series) as PNG bytes, on round
    ticks; a series with no value is left out (and its legend with it)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    title_font, small = _font(30), _font(18)
    draw.text((width // 2, 18), chart["title"], font=title_font, fill="#222", anchor="mt")
    unit = chart.get("unit", "")
    kept = [s for s in chart["series"] if any(v not in (None, "", "0") and float(v) != 0 for v in s["values"])]
    series = [[float(v) if v not in (None, "") else 0.0 for v in s["values"]] for s in kept]
    largest = max((max(s) for s in series if s), default=0.0)
    ticks, labels, axis_title = axis_ticks(largest, unit)
    top = float(ticks[-1]) or 1.0
    names = chart["labels"]
    if axis_title:
        draw.text((20, 66), axis_title, font=small, fill="#666", anchor="lm")
    if chart["kind"] == "hbar":
        left, right, y0, bottom = 260, width - 170, 90, height - 50
        row = (bottom - y0) / max(len(names), 1)
        for tick, label in zip(ticks, labels, strict=True):
            x = left + (right - left) * float(tick) / top
            draw.line([x, y0, x, bottom], fill="#e5e5e5" if tick else "#999")
            draw.text((x, bottom + 8), label, font=small, fill="#666", anchor="mt")
        values = series[0] if series else [0.0] * len(names)
        for i, (label, value) in enumerate(zip(names, values, strict=False)):
            y = y0 + i * row
            label_font, text = _fitted(draw, label, left - 24)
            draw.text((left - 12, y + row / 2), text, font=label_font, fill="#333", anchor="rm")
            length = (right - left) * value / top
            draw.rectangle([left, y + row * 0.2, left + max(length, 1), y + row * 0.8], fill=COLORS[0])
            draw.text((left + length + 8, y + row / 2), _value_label(value, unit), font=small, fill="#333",
                      anchor="lm")
    else:
        left, right, bottom, y0 = 110, width - 30, height - 90, 104
        group = (right - left) / max(len(names), 1)
        bar = group * 0.8 / max(len(series), 1)
        for tick, label in zip(ticks, labels, strict=True):
            y = bottom - (bottom - y0) * float(tick) / top
            draw.line([left, y, right, y], fill="#e5e5e5" if tick else "#999")
            draw.text((left - 10, y), label, font=small, fill="#666", anchor="rm")
        for si, values in enumerate(series):
            for i, value in enumerate(values):
                x = left + i * group + group * 0.1 + si * bar
                h = (bottom - y0) * value / top
                if h > 0:
                    draw.rectangle([x, bottom - h, x + bar - 2, bottom], fill=COLORS[si % len(COLORS)])
        for i, label in enumerate(names):
            draw.text((left + i * group + group / 2, bottom + 10), label, font=small, fill="#333", anchor="mt")
        x = left
        for si, s in enumerate(kept):
            draw.rectangle([x, height - 40, x + 24, height - 22], fill=COLORS[si % len(COLORS)])
            draw.text((x + 32, height - 31), s["name"], font=small, fill="#333", anchor="lm")
            x += 180
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()


# --------------------------------------------------------------------------- the document as it reads now


def document(briefing: Briefing) -> dict[str, Any]:
    """What the .docx, the .pdf and the page show: the generated content with staff's edits, the masthead
    (name, 期号 or 草稿, 编发单位, date) and numbered sections."""
    content = briefing.content
    return {
        "bulletin_name": briefing.bulletin_name,
        "issue_label": briefing.issue_label,
        "issued": briefing.is_issued,
        "issuer": briefing.issuer_name,
        "date": briefing.document_date,
        "title": content.get("title", str(briefing)),
        "provisional": content.get("provisional", False),
        "mark": content.get("mark", ""),
        "sections": briefing.sections(),
        "tables": content.get("tables", []),
        "charts": content.get("charts", []),
        "notes": content.get("notes", []),
    }


# --------------------------------------------------------------------------- .docx


def _set_fonts(rpr: Any, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Word picks a run's Chinese font from w:eastAsia, its digits and Latin letters from w:ascii/w:hAnsi."""
    from docx.oxml.ns import qn

    rfonts = rpr.get_or_add_rFonts()
    for attr, family in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asian), ("w:cs", latin)):
        rfonts.set(qn(attr), family)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)


def _run(paragraph: Any, text: str, font: str, size: float, *, bold: bool = False, color: str | None = None,
         latin: str = LATIN_FONT) -> Any:
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    _set_fonts(run._element.get_or_add_rPr(), font, latin)
    return run


def _exact(paragraph: Any, points: float) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(points)
    fmt.space_before = fmt.space_after = Pt(0)


def _single(paragraph: Any) -> None:
    """Single spacing, for lines taller than the grid (masthead, title, pictures): exact spacing would clip them."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.space_before = fmt.space_after = Pt(0)
    _snap_to_grid(paragraph, False)


def _ppr_child(paragraph: Any, tag: str) -> Any:
    """The paragraph's ``tag`` property, added at its place in CT_PPr's order if missing."""
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    found = ppr.find(qn(tag))
    if found is None:
        found = ppr.makeelement(qn(tag), {})
        ppr.insert_element_before(found, *PPR_ORDER[PPR_ORDER.index(tag) + 1:])
    return found


def _snap_to_grid(paragraph: Any, snap: bool) -> None:
    from docx.oxml.ns import qn

    _ppr_child(paragraph, "w:snapToGrid").set(qn("w:val"), "1" if snap else "0")


def _bottom_rule(paragraph: Any, color: str = RED, size: int = 18) -> None:
    """The red rule under the masthead: the paragraph's bottom border (size in eighths of a point)."""
    from docx.oxml.ns import qn

    border = _ppr_child(paragraph, "w:pBdr")
    border.append(border.makeelement(qn("w:bottom"), {qn("w:val"): "single", qn("w:sz"): str(size),
                                                      qn("w:space"): "4", qn("w:color"): color}))


def _page_field(paragraph: Any) -> None:
    """「— PAGE —」: a PAGE field between em dashes (一字线), 四号宋体."""
    from docx.oxml.ns import qn

    _run(paragraph, "— ", PAGE_FONT, PAGE_NUMBER_PT, latin=PAGE_FONT)
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
        run = _run(paragraph, "", PAGE_FONT, PAGE_NUMBER_PT, latin=PAGE_FONT)
        if kind == "instr":
            instr = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            instr.text = text
            run._r.append(instr)
        elif kind == "text":
            run.text = text or ""
        else:
            run._r.append(run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind}))
    _run(paragraph, " —", PAGE_FONT, PAGE_NUMBER_PT, latin=PAGE_FONT)


def _setup(doc: Any) -> None:
    """Styles and page: Normal in 三号仿宋 on the 22-line grid; A4 with GB/T 9704's margins; page numbers in the
    footers, odd right and even left."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    _set_fonts(rpr, BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:eastAsia"), "zh-CN")
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    # The document defaults too (runs without a style and table text fall back to them).
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        default_rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if default_rpr is not None:
            _set_fonts(default_rpr, BODY_FONT)
    doc.settings.odd_and_even_pages_header_footer = True
    for section in doc.sections:
        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        section.header_distance, section.footer_distance = Mm(15), Mm(22)
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = section._sectPr.makeelement(qn("w:docGrid"), {})
            section._sectPr.append(grid)
        for key, value in DOC_GRID.items():
            grid.set(qn(f"w:{key}"), value)
        for footer, align, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                    (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0]
            p.alignment = align
            _single(p)
            setattr(p.paragraph_format, f"{side}_indent", Pt(PAGE_NUMBER_PT))  # 空一字
            _page_field(p)


def _masthead(doc: Any, d: dict[str, Any]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.shared import Mm, Pt

    name = d["bulletin_name"]
    size = min(42.0, round(150 * 2.83 / max(len(name), 1) * 0.92, 1))  # fits the 156 mm line
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _single(p)
    p.paragraph_format.space_before = Pt(6)
    _run(p, name, TITLE_FONT, size, color=RED)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _single(p)
    p.paragraph_format.space_before = Pt(12)
    _run(p, d["issue_label"], BODY_FONT, BODY_PT)
    p = doc.add_paragraph()
    _single(p)
    p.paragraph_format.space_before = Pt(18)
    p.paragraph_format.space_after = Pt(4)
    p.paragraph_format.tab_stops.add_tab_stop(Mm(156), WD_TAB_ALIGNMENT.RIGHT)
    _run(p, d["issuer"], BODY_FONT, BODY_PT)
    _run(p, "\t" + d["date"], BODY_FONT, BODY_PT)
    _bottom_rule(p)


def docx_bytes(d: dict[str, Any]) -> bytes:
    """The bulletin as a Word document (``d`` from :func:`document`): masthead, title, numbered sections,
    tables, charts and 附注, on GB/T 9704's page."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = Document()
    _setup(doc)
    _masthead(doc, d)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _single(title)
    title.paragraph_format.space_before = Pt(LINE_PT)
    title.paragraph_format.space_after = Pt(LINE_PT / 2)
    _run(title, d["title"], TITLE_FONT, TITLE_PT)

    for section in d["sections"]:
        heading = doc.add_paragraph()
        _exact(heading, LINE_PT)
        heading.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
        _run(heading, section["heading"], HEADING_FONT, BODY_PT)
        for text in section["paragraphs"]:
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            _exact(p, LINE_PT)
            p.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
            _run(p, text, BODY_FONT, BODY_PT)

    for table in d["tables"]:
        caption = doc.add_paragraph()
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _single(caption)
        caption.paragraph_format.space_before = Pt(12)
        caption.paragraph_format.space_after = Pt(4)
        _run(caption, table["title"], HEADING_FONT, NOTE_PT)
        t = doc.add_table(rows=1, cols=len(table["header"]))
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(t.rows[0].cells, table["header"], strict=False):
            cell.text = ""
            para = cell.paragraphs[0]
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _single(para)
            _run(para, str(text), HEADING_FONT, TABLE_PT)
        for row in table["rows"]:
            for i, (cell, text) in enumerate(zip(t.add_row().cells, row, strict=False)):
                cell.text = ""
                para = cell.paragraphs[0]
                _single(para)
                if i > 0:
                    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                _run(para, str(text), BODY_FONT, TABLE_PT)

    for chart in d["charts"]:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _single(p)
        p.paragraph_format.space_before = Pt(12)
        p.add_run().add_picture(io.BytesIO(chart_png(chart)), width=Mm(150))

    if d["notes"]:
        p = doc.add_paragraph()
        _exact(p, 24)
        p.paragraph_format.space_before = Pt(LINE_PT)
        _run(p, "附注：", HEADING_FONT, NOTE_PT)
        for i, note in enumerate(d["notes"], 1):
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            _exact(p, 24)
            p.paragraph_format.left_indent = Pt(NOTE_PT * 2)
            p.paragraph_format.first_line_indent = Pt(-NOTE_PT * 2 + NOTE_PT * 0.5)
            _run(p, f"{i}. {note}", BODY_FONT, NOTE_PT)

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- .pdf


def html(d: dict[str, Any]) -> str:
    """The bulletin as print HTML (what WeasyPrint lays out), charts inlined as PNG data URIs."""
    charts = [{"title": c["title"], "src": "data:image/png;base64," + base64.b64encode(chart_png(c)).decode()}
              for c in d["charts"]]
    return render_to_string("briefings/print.html", {"d": d, "charts": charts, "fonts": PDF_FONTS,
                                                     "margins": MARGINS_MM, "line": LINE_PT, "body": BODY_PT})


def pdf_bytes(d: dict[str, Any]) -> bytes:
    """The bulletin as PDF (A4, GB/T 9704's margins)."""
    from weasyprint import HTML

    return HTML(string=html(d)).write_pdf()  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- what the task worker runs


def _store_files(briefing: Briefing) -> Briefing:
    """Render the briefing as it reads now and store its files, touching only the columns the rendering owns
    (an edit or an issue saved meanwhile is kept; a later rendering picks it up)."""
    d = document(briefing)
    docx, pdf = docx_bytes(d), pdf_bytes(d)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S%f")
    old = [f.name for f in (briefing.docx, briefing.pdf) if f and f.name]
    briefing.docx.save(f"briefing-{briefing.pk}-{stamp}.docx", ContentFile(docx), save=False)
    briefing.pdf.save(f"briefing-{briefing.pk}-{stamp}.pdf", ContentFile(pdf), save=False)
    Briefing.objects.filter(pk=briefing.pk).update(docx=briefing.docx.name, pdf=briefing.pdf.name,
                                                   status=Briefing.Status.DONE, error="", updated_at=timezone.now())
    storage = briefing.docx.storage
    for name in old:
        storage.delete(name)
    briefing.refresh_from_db()
    return briefing


def _failed(briefing: Briefing, exc: Exception) -> Briefing:
    log.exception("briefing %s failed", briefing.pk)
    Briefing.objects.filter(pk=briefing.pk).update(status=Briefing.Status.FAILED, error=str(exc)[:500])
    briefing.refresh_from_db()
    return briefing


def render_briefing(briefing: Briefing) -> Briefing:
    """Write the content of a draft from the data, then its .docx and .pdf (the task ``generate_briefing``).

    Runs in the task worker, after the transaction that saved the request has committed. An issued briefing's
    content is never written again (regenerating one makes a new draft): if it was issued meanwhile, only its
    files are rendered. A failure is stored on the briefing (the page shows it) rather than raised.
    """
    Briefing.objects.filter(pk=briefing.pk).update(status=Briefing.Status.RUNNING)
    try:
        content = generator.write(briefing)
        written = Briefing.objects.filter(pk=briefing.pk, lifecycle=Briefing.Lifecycle.DRAFT).update(
            content=content, title=content["title"][:200], generated_at=timezone.now())
        briefing.refresh_from_db()
        if not written:
            log.info("briefing %s was issued while being written: its issued content is kept", briefing.pk)
        return _store_files(briefing)
    except Exception as exc:  # the worker must survive; the page shows the failure
        return _failed(briefing, exc)


def render_files(briefing: Briefing) -> Briefing:
    """Render the .docx and .pdf of a briefing from its stored content and edits (after an edit or an issue;
    the task ``render_briefing_files``)."""
    Briefing.objects.filter(pk=briefing.pk).update(status=Briefing.Status.RUNNING)
    briefing.refresh_from_db()
    try:
        return _store_files(briefing)
    except Exception as exc:  # the worker must survive; the page shows the failure
        return _failed(briefing, exc)
