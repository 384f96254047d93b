"""Bad input to the intake: a clear Chinese message and nothing stored; uploads read by their content."""

from __future__ import annotations

import io
import shutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.conftest import World, login
from yuanqu.core.models import AuditEvent
from yuanqu.intake.models import Fact, SourceDocument

ARTICLE = "生命药洲园区已吸引52家企业入驻，2022年实现产值55亿元。"


def post(world: World, data: dict[str, object]) -> tuple[int, str]:
    client = login(Client(), world.users["region_staff"])
    response = client.post(reverse("intake:document_create"), data)
    return response.status_code, response.content.decode()


def nothing_stored() -> bool:
    return not SourceDocument.objects.exists() and not Fact.objects.exists() and not AuditEvent.objects.filter(
        object_type="intake.SourceDocument").exists()


@pytest.mark.parametrize(("text", "message"), [
    ("", "请粘贴"),
    ("   \n  ", "请粘贴"),
    ("园区营商环境持续优化，服务水平不断提升。", "没有数字"),
    ("发布时间：2023-02-10 09:30\n联系电话：0532-88886666\n鲁ICP备05002542号", "未找到"),
    ("园区\x00\x01\x02产值55亿元", "不是可读的文本"),
])
def test_a_bad_paste_gets_a_message_and_nothing_is_stored(world: World, text: str, message: str) -> None:
    status, html = post(world, {"text": text})
    assert status == 200 and message in html
    assert nothing_stored()


def test_a_10_mb_paste_is_refused_with_a_message(world: World) -> None:
    status, html = post(world, {"text": "园区产值55亿元。" * (10 * 1024 * 1024 // 27)})
    assert status in (200, 400, 413)
    assert "过大" in html or "字符" in html
    assert nothing_stored()


def test_an_exe_renamed_docx_is_refused(world: World) -> None:
    upload = SimpleUploadedFile("报道.docx", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 2000)
    status, html = post(world, {"upload": upload})
    assert status == 200 and "不是 Word 文档" in html
    assert nothing_stored()


def test_a_binary_file_named_txt_is_refused(world: World) -> None:
    status, html = post(world, {"upload": SimpleUploadedFile("a.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00")})
    assert status == 200 and "不是文本" in html
    assert nothing_stored()


def test_a_file_of_another_kind_is_refused(world: World) -> None:
    status, html = post(world, {"upload": SimpleUploadedFile("a.exe", b"MZ")})
    assert status == 200 and ".txt、.docx 或 .pdf" in html
    assert nothing_stored()


def test_a_word_document_is_read(world: World) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("生命药洲园区建设提速")
    document.add_paragraph(ARTICLE)
    buffer = io.BytesIO()
    document.save(buffer)
    status, _html = post(world, {"upload": SimpleUploadedFile("报道.docx", buffer.getvalue()),
                                 "publisher": "区融媒体中心"})
    assert status == 302
    kept = SourceDocument.objects.get()
    assert (kept.kind, kept.file_name, kept.title) == ("docx", "报道.docx", "生命药洲园区建设提速")
    assert [f.value for f in kept.facts.all()] == [52, 55]


def test_a_gb18030_text_file_is_read(world: World) -> None:
    status, _html = post(world, {"upload": SimpleUploadedFile("a.txt", ARTICLE.encode("gb18030"))})
    assert status == 302 and SourceDocument.objects.get().kind == "txt"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_a_pdf_is_read(world: World) -> None:
    from weasyprint import HTML

    pdf = HTML(string=f"<html><body><p>{ARTICLE}</p></body></html>").write_pdf()
    status, _html = post(world, {"upload": SimpleUploadedFile("报道.pdf", pdf)})
    assert status == 302
    assert [f.value for f in SourceDocument.objects.get().facts.all()] == [52, 55]


def test_a_pdf_that_is_not_one_is_refused(world: World) -> None:
    status, html = post(world, {"upload": SimpleUploadedFile("报道.pdf", b"GIF89a....")})
    assert status == 200 and "不是 PDF" in html
    assert nothing_stored()
