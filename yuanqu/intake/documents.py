"""Text out of an uploaded file (.txt, .docx, .pdf), each checked by its content, not its name.

A .docx is a zip with a Word part (python-docx reads it); a .pdf starts with ``%PDF-`` and its text comes from
poppler's ``pdftotext`` (installed with poppler-utils, which the briefings already need); a .txt is UTF-8 (with or
without BOM) or GB18030 and holds no NUL byte. Anything else — an .exe renamed .docx, a picture, a file over the
limit — is refused with a message saying why.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: The largest file read (bytes).
MAX_UPLOAD_BYTES = 8 * 1024 * 1024


def read_upload(name: str, data: bytes) -> tuple[str, str]:
    """(text, kind) of an uploaded file; ValidationError with a Chinese message when it cannot be read."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
                              code="too_large")
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    suffix = Path(name or "").suffix.lower()
    if suffix == ".docx":
        return _docx(data), "docx"
    if suffix == ".pdf":
        return _pdf(data), "pdf"
    if suffix in (".txt", ".text", ""):
        return decode_text(data), "txt"
    raise ValidationError(_("Upload a .txt, .docx or .pdf file."), code="kind")


def decode_text(data: bytes) -> str:
    """A plain-text file's text: UTF-8 (BOM allowed) or GB18030; binary content is refused."""
    if b"\x00" in data:
        raise ValidationError(_("This file is not text (it holds binary data)."), code="binary")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("This file is not text in UTF-8 or GB18030."), code="encoding")


def _docx(data: bytes) -> str:
    if not data.startswith(b"PK\x03\x04"):
        raise ValidationError(_("This file is not a Word document (.docx), whatever its name says."), code="kind")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ValidationError(_("This file is not a Word document (.docx), whatever its name says."),
                                      code="kind")
            if sum(i.file_size for i in archive.infolist()) > 20 * MAX_UPLOAD_BYTES:
                raise ValidationError(_("The document unpacks to too much data."), code="too_large")
        import docx

        document = docx.Document(io.BytesIO(data))
    except ValidationError:
        raise
    except Exception as exc:  # python-docx and zipfile raise many kinds for a broken file
        raise ValidationError(_("The Word document could not be read."), code="broken") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\u3000".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _pdf(data: bytes) -> str:
    if not data.startswith(b"%PDF-"):
        raise ValidationError(_("This file is not a PDF, whatever its name says."), code="kind")
    tool = shutil.which("pdftotext")
    if tool is None:
        raise ValidationError(_("PDF text extraction (pdftotext) is not installed on the server."), code="tool")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(data)
        try:
            out = subprocess.run([tool, "-enc", "UTF-8", str(src), "-"], capture_output=True,
                                 timeout=30, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ValidationError(_("The PDF took too long to read."), code="timeout") from exc
    if out.returncode != 0:
        raise ValidationError(_("The PDF could not be read."), code="broken")
    # the page breaks are form feeds
    return out.stdout.decode("utf-8", errors="replace").replace("\f", "\n")
