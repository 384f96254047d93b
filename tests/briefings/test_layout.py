"""The page of a briefing, as GB/T 9704-2012 lays out official documents: A4 with margins top 37 mm, bottom 35 mm,
left 28 mm, right 26 mm (版心 156 × 225 mm), 22 lines of 三号仿宋, a red masthead with 期号, 编发单位 and date over a
red rule, the title in 二号方正小标宋简体, page numbers 「— 1 —」; read back from the .docx with python-docx and from
the PDF with poppler."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.test import TestCase
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from tests.briefings.test_briefings import pdf_text
from tests.briefings.test_lifecycle import issue, written
from yuanqu.briefings.models import Briefing

THIS_YEAR = timezone.localdate().year


@pytest.fixture
def issued(stats_world) -> Briefing:
    """A region briefing of 李沧区 for 2025年1—6月 (a 快报), issued as this year's 第1期."""
    staff = stats_world.users["region_staff"]
    return issue(staff, written(staff, region=stats_world.licang))


def east_asian_fonts(doc) -> set[str]:
    """Every w:eastAsia font the document names, in its styles and its runs."""
    names = {el.get(qn("w:eastAsia")) for el in doc.styles.element.iter(qn("w:rFonts"))}
    names |= {el.get(qn("w:eastAsia")) for el in doc.element.body.iter(qn("w:rFonts"))}
    return names - {None}


def test_the_docx_is_laid_out_on_an_a4_page_of_gb_t_9704(issued):
    doc = Document(issued.docx.open("rb"))
    for section in doc.sections:
        assert section.page_width.mm == pytest.approx(210, abs=0.5)
        assert section.page_height.mm == pytest.approx(297, abs=0.5)
        assert section.top_margin.mm == pytest.approx(37, abs=0.5)
        assert section.bottom_margin.mm == pytest.approx(35, abs=0.5)
        assert section.left_margin.mm == pytest.approx(28, abs=0.5)
        assert section.right_margin.mm == pytest.approx(26, abs=0.5)
        # The type area: 156 × 225 mm.
        assert section.page_width.mm - section.left_margin.mm - section.right_margin.mm == pytest.approx(156, abs=0.5)
        assert section.page_height.mm - section.top_margin.mm - section.bottom_margin.mm == pytest.approx(225, abs=0.5)
        grid = section._sectPr.find(qn("w:docGrid"))
        assert grid.get(qn("w:type")) == "linesAndChars" and grid.get(qn("w:linePitch")) == "579"
    # Body: 三号 (16 pt) 仿宋_GB2312 at an exact 28.95 pt, 22 lines in 225 mm.
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.paragraph_format.line_spacing.pt == pytest.approx(28.95, abs=0.05)
    assert 225 / (normal.paragraph_format.line_spacing.mm) == pytest.approx(22, abs=0.05)
    fonts = east_asian_fonts(doc)
    assert {"方正小标宋简体", "仿宋_GB2312", "黑体"} <= fonts  # 宋体: the page numbers, in the footers
    assert not {"Noto Serif CJK SC", "Noto Sans CJK SC"} & fonts  # the fallbacks belong to the PDF only


def test_the_docx_has_a_red_masthead_with_the_issue_number_and_a_red_rule(issued):
    doc = Document(issued.docx.open("rb"))
    name, number, meta, title = doc.paragraphs[:4]
    assert name.text == "园区经济运行简报"
    run = name.runs[0]
    assert str(run.font.color.rgb) == "FF0000"
    assert run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "方正小标宋简体"
    assert number.text == f"{THIS_YEAR}年第1期"
    issued_on = timezone.localtime(issued.issued_at).date()
    assert meta.text == f"李沧区园区经济运行监测办公室\t{issued_on.year}年{issued_on.month}月{issued_on.day}日"
    bottom = meta._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:val")) == "single" and bottom.get(qn("w:color")) == "FF0000"
    # The title: 二号 (22 pt) 方正小标宋简体, centred, marked 快报 (June 2025's round is open).
    assert title.text == "李沧区2025年1—6月经济运行简报（快报）"
    assert title.alignment == 1 and title.runs[0].font.size == Pt(22)
    assert title.runs[0]._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "方正小标宋简体"
    headings = [p.text for p in doc.paragraphs if p.text[:2] in ("一、", "二、", "三、", "四、", "五、", "六、")]
    assert headings[0] == "一、总体情况" and headings[-1].endswith("、下步工作")
    assert "附注：" in [p.text for p in doc.paragraphs]


def test_a_draft_says_so_in_its_masthead(stats_world):
    staff = stats_world.users["region_staff"]
    doc = Document(written(staff, park=stats_world.xltd).docx.open("rb"))
    assert doc.paragraphs[1].text == "（草稿，未编号）"


def test_the_docx_numbers_its_pages_with_em_dashes(issued):
    doc = Document(issued.docx.open("rb"))
    assert doc.settings.odd_and_even_pages_header_footer  # odd pages right, even pages left (GB/T 9704 7.5)
    section = doc.sections[0]
    for footer, alignment in ((section.footer, 2), (section.even_page_footer, 0)):
        p = footer.paragraphs[0]
        assert p.alignment == alignment
        xml = p._p
        instr = "".join(el.text for el in xml.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"
        kinds = [el.get(qn("w:fldCharType")) for el in xml.iter(qn("w:fldChar"))]
        assert kinds == ["begin", "separate", "end"]
        assert p.text.startswith("— ") and p.text.endswith(" —")  # 「— 1 —」 around the field's result
        assert {el.get(qn("w:eastAsia")) for el in xml.iter(qn("w:rFonts"))} == {"宋体"}
        assert {r.font.size for r in p.runs} == {Pt(14)}


def test_the_pdf_is_a4_with_its_masthead_number_and_page_numbers(issued):
    data = issued.pdf.read()
    assert shutil.which("pdfinfo") and shutil.which("pdffonts"), "poppler-utils is needed"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "b.pdf"
        path.write_bytes(data)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "pts (A4)" in info
    assert "CJK" in fonts  # Chinese set in an embedded CJK font, not boxes
    text = pdf_text(data)
    flat = "".join(text.split())
    assert "园区经济运行简报" in flat and f"{THIS_YEAR}年第1期" in flat and "李沧区园区经济运行监测办公室" in flat
    assert "—1—" in flat and "—2—" in flat  # pdftotext drops the spaces of 「— 1 —」
    assert "快报" in flat and "附注" in flat


def test_the_print_html_asks_for_the_official_fonts_first(issued):
    from yuanqu.briefings import render

    html = render.html(render.document(issued))
    assert '"FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "Noto Serif CJK SC", serif' in html
    assert '"方正小标宋简体", "Noto Serif CJK SC"' in html
    assert 'content: "— " counter(page) " —"' in html
    assert "size: A4; margin: 37mm 26mm 35mm 28mm" in html
    doc = Document(io.BytesIO(render.docx_bytes(render.document(issued))))
    assert doc.paragraphs[1].text == f"{THIS_YEAR}年第1期"


def test_rendering_after_commit_never_runs_inside_the_issue(stats_world, django_capture_on_commit_callbacks):
    staff = stats_world.users["region_staff"]
    b = written(staff, park=stats_world.xltd)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        from yuanqu.briefings import services

        services.briefing_issue(actor=staff, briefing=b)
    b.refresh_from_db()
    assert b.status == Briefing.Status.QUEUED and len(callbacks) == 1
    paragraphs = [p.text for p in Document(b.docx.open("rb")).paragraphs]
    assert paragraphs[1] == "（草稿，未编号）"  # the files are rendered by the task, once committed
    with TestCase.captureOnCommitCallbacks(execute=True):
        callbacks[0]()
    b.refresh_from_db()
    assert b.status == Briefing.Status.DONE
    assert Document(b.docx.open("rb")).paragraphs[1].text == f"{THIS_YEAR}年第1期"


def test_the_docx_keeps_wordprocessingml_element_order(issued):
    """Word refuses a file whose paragraph properties are out of the schema's order (python-docx places its own;
    the masthead rule, the grid snapping and the language are added by hand)."""
    from yuanqu.briefings.render import PPR_ORDER

    doc = Document(issued.docx.open("rb"))
    parts = [doc.element, doc.styles.element] + [f._element for s in doc.sections
                                                  for f in (s.footer, s.even_page_footer)]
    checked = 0
    for part in parts:
        for ppr in part.iter(qn("w:pPr")):
            tags = [child.tag for child in ppr]
            order = [PPR_ORDER.index(f"w:{tag.split('}')[1]}") for tag in tags]
            assert order == sorted(order), [t.split("}")[1] for t in tags]
            checked += 1
    assert checked > 20
