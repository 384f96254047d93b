"""Unsafe or wrong files are refused before parsing, each with a clear Chinese message."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import override_settings
from django.utils import translation

from tests.conftest import World
from yuanqu.tabular import engine, reader
from yuanqu.tabular.models import ImportBatch

from . import files

pytestmark = pytest.mark.django_db


def refused(name: str, data: bytes) -> reader.ImportRefused:
    with pytest.raises(reader.ImportRefused) as info:
        reader.check_upload(name, data)
    return info.value


def good_xlsx() -> bytes:
    return files.xlsx(("Sheet1", [["企业名称", "统一社会信用代码"], ["青岛甲有限公司", files.usccs(1)[0]]]))


def rezip(data: bytes, extra: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, (replace or {}).get(info.filename, src.read(info.filename)))
        for name, body in (extra or {}).items():
            z.writestr(name, body)
    return out.getvalue()


def test_it_refuses_a_file_over_the_size_limit() -> None:
    with override_settings(TABULAR_MAX_UPLOAD_BYTES=1024), translation.override("zh-hans"):
        err = refused("big.csv", b"a,b\n" * 1000)
    assert err.code == "too_large"
    assert err.message == "文件大小为 3.9 KB，超过上限 1 KB。"


def test_it_refuses_a_zip_bomb_before_parsing() -> None:
    bomb = rezip(good_xlsx(), extra={"xl/media/pad.xml": b"<a>" + b" " * (50 * 1024 * 1024) + b"</a>"})
    assert len(bomb) < 1024 * 1024  # small on disk, huge unpacked
    with override_settings(TABULAR_MAX_UNCOMPRESSED_BYTES=20 * 1024 * 1024), translation.override("zh-hans"):
        err = refused("bomb.xlsx", bomb)
    assert err.code == "zip_bomb" and "压缩炸弹" in err.message


def test_it_refuses_a_zip_with_too_many_entries() -> None:
    many = rezip(good_xlsx(), extra={f"xl/x{i}.bin": b"" for i in range(50)})
    with override_settings(TABULAR_MAX_ZIP_ENTRIES=40), translation.override("zh-hans"):
        err = refused("many.xlsx", many)
    assert err.code == "zip_bomb"


def test_it_refuses_xml_entities() -> None:
    src = zipfile.ZipFile(io.BytesIO(good_xlsx()))
    workbook = src.read("xl/workbook.xml")
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + \
        workbook.split(b"?>", 1)[1]
    with translation.override("zh-hans"):
        err = refused("evil.xlsx", rezip(good_xlsx(), replace={"xl/workbook.xml": evil}))
    assert err.code == "xml_entities" and "XML" in err.message


@pytest.mark.parametrize("how", ["extension", "vba_part", "content_type"])
def test_it_refuses_macros(how: str) -> None:
    data = good_xlsx()
    if how == "extension":
        name = "宏.xlsm"
    elif how == "vba_part":
        name, data = "宏.xlsx", rezip(data, extra={"xl/vbaProject.bin": b"\x00" * 100})
    else:
        types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").replace(
            b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
        name, data = "宏.xlsx", rezip(data, replace={"[Content_Types].xml": types})
    with translation.override("zh-hans"):
        err = refused(name, data)
    assert err.code == "macro" and "宏" in err.message


def test_it_refuses_a_legacy_workbook_with_macros() -> None:
    data = files.xls([["企业名称"], ["甲"]]) + "_VBA_PROJECT_CUR".encode("utf-16-le")
    assert refused("old.xls", data).code == "macro"


MISMATCH = "文件内容为 .{} 格式，但扩展名为 .{}，两者必须一致。"


@pytest.mark.parametrize("name,data,message", [
    ("renamed.xlsx", files.csv_file([["a", "b"], ["1", "2"]]), MISMATCH.format("csv", "xlsx")),
    ("renamed.csv", files.xlsx(("S", [["a"]])), MISMATCH.format("xlsx", "csv")),
    ("renamed.xls", files.xlsx(("S", [["a"]])), MISMATCH.format("xlsx", "xls")),
    ("renamed.ods", files.xls([["a"]]), MISMATCH.format("xls", "ods")),
    ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "该文件不是电子表格（与文件名无关）。"),
])
def test_it_refuses_content_that_does_not_match_the_extension(name: str, data: bytes, message: str) -> None:
    with translation.override("zh-hans"):
        err = refused(name, data)
    assert err.code == "mismatch"
    assert err.message == message


def test_it_refuses_other_extensions() -> None:
    assert refused("list.numbers", b"whatever").code == "extension"


def test_the_upload_page_shows_the_refusal_and_keeps_nothing(world: World, client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("region_staff")
    upload = io.BytesIO(files.xlsx(("S", [["a"]])))
    upload.name = "改了扩展名.csv"
    response = client.post("/imports/", {"entity": "enterprises", "file": upload})
    assert response.status_code == 200
    assert "扩展名" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_it_refuses_a_batch_for_a_park_the_operator_does_not_run(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        engine.start_batch(actor=world.users["park_operator"], entity="enterprises", filename="a.xlsx",
                           data=good_xlsx(), park=world.smyz)
