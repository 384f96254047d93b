"""Reading an uploaded spreadsheet safely: checks before parsing, then calamine (xlsx, xls, ods) or csv.

Every refusal is an :class:`ImportRefused` with a message in Chinese (through gettext) that tells the user
what is wrong with the file. Nothing is parsed before the checks pass: the size limit, the container
(zip bombs, macros, XML entity declarations) and whether the content matches the extension.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook, SheetVisibleEnum

#: Formats we read, by extension.
FORMATS = ("xlsx", "xls", "ods", "csv")
#: Extensions of macro-enabled workbooks, refused outright.
MACRO_EXTENSIONS = ("xlsm", "xltm", "xlam", "xlsb", "xla")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
#: XML parts up to this size are parsed in full with defusedxml; larger ones have their prolog checked.
FULL_PARSE_LIMIT = 2 * 1024 * 1024


class ImportRefused(Exception):
    """The file is refused before or while reading it; ``message`` says why, in the user's language."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def human_size(n: float) -> str:
    """1536 → "1.5 KB", 20971520 → "20 MB"."""
    for unit in ("B", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:.1f} {unit}".replace(".0 ", " ")
        n /= 1024
    return f"{n:.1f} MB"


def max_bytes() -> int:
    return int(getattr(settings, "TABULAR_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def max_uncompressed() -> int:
    return int(getattr(settings, "TABULAR_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024))


def max_entries() -> int:
    return int(getattr(settings, "TABULAR_MAX_ZIP_ENTRIES", 1000))


def extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def _check_zip(data: bytes) -> str:
    """Check an OOXML/ODF container without extracting it; return "xlsx" or "ods"."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportRefused(_("The file is damaged: it cannot be opened as a spreadsheet."), "damaged") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > max_entries():
            raise ImportRefused(
                _("The file contains too many parts (%(n)d); it looks like a zip bomb and was refused.")
                % {"n": len(infos)},
                "zip_bomb",
            )
        total = sum(i.file_size for i in infos)
        if total > max_uncompressed():
            raise ImportRefused(
                _("The file would expand to %(mb)d MB when unpacked; it looks like a zip bomb and was refused.")
                % {"mb": total // (1024 * 1024)},
                "zip_bomb",
            )
        names = {i.filename for i in infos}
        lower = {n.lower() for n in names}
        if any(n.endswith("vbaproject.bin") for n in lower) or any("macro" in n for n in lower):
            raise ImportRefused(
                _("Files with macros are not accepted. Save the workbook as .xlsx without macros and upload it again."),
                "macro",
            )
        if "[Content_Types].xml" in names:
            kind = "xlsx"
            types = archive.read("[Content_Types].xml")
            if b"macroEnabled" in types or b"vbaProject" in types:
                raise ImportRefused(
                    _(
                        "Files with macros are not accepted. Save the workbook as .xlsx without "
                        "macros and upload it again."
                    ),
                    "macro",
                )
        elif "mimetype" in names and archive.read("mimetype").strip().startswith(
            b"application/vnd.oasis.opendocument.spreadsheet"
        ):
            kind = "ods"
            if any(n.startswith("basic/") for n in lower):
                raise ImportRefused(
                    _(
                        "Files with macros are not accepted. Save the workbook as .xlsx without "
                        "macros and upload it again."
                    ),
                    "macro",
                )
        else:
            raise ImportRefused(_("The file is not a spreadsheet, whatever its name says."), "mismatch")
        for info in infos:
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            with archive.open(info) as part:
                if info.file_size <= FULL_PARSE_LIMIT:
                    body = part.read()
                    try:
                        SafeET.fromstring(body, forbid_dtd=True)
                    except DefusedXmlException as exc:
                        raise ImportRefused(
                            _(
                                "The file declares XML entities or a DTD, which spreadsheets never "
                                "need; it was refused as unsafe."
                            ),
                            "xml_entities",
                        ) from exc
                    except SafeET.ParseError as exc:
                        raise ImportRefused(
                            _("The file is damaged: it cannot be opened as a spreadsheet."), "damaged"
                        ) from exc
                else:  # a DTD can only sit in the prolog, before the root element
                    head = part.read(8192)
                    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
                        raise ImportRefused(
                            _(
                                "The file declares XML entities or a DTD, which spreadsheets never "
                                "need; it was refused as unsafe."
                            ),
                            "xml_entities",
                        )
    return kind


def _check_ole(data: bytes) -> None:
    # VBA storage names appear in the compound file's directory as UTF-16 strings.
    if "_VBA_PROJECT".encode("utf-16-le") in data:
        raise ImportRefused(
            _("Files with macros are not accepted. Save the workbook as .xlsx without macros and upload it again."),
            "macro",
        )


def check_upload(filename: str, data: bytes) -> str:
    """Refuse unsafe or unreadable uploads; return the format ("xlsx", "xls", "ods" or "csv")."""
    if len(data) > max_bytes():
        raise ImportRefused(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": human_size(len(data)), "limit": human_size(max_bytes())},
            "too_large",
        )
    if not data:
        raise ImportRefused(_("The file is empty."), "empty")
    ext = extension(filename)
    if ext in MACRO_EXTENSIONS:
        raise ImportRefused(
            _("Files with macros are not accepted. Save the workbook as .xlsx without macros and upload it again."),
            "macro",
        )
    if ext not in FORMATS:
        raise ImportRefused(_("Upload an .xlsx, .xls, .ods or .csv file."), "extension")
    if data.startswith(ZIP_MAGIC):
        kind = _check_zip(data)
    elif data.startswith(OLE_MAGIC):
        _check_ole(data)
        kind = "xls"
    else:
        kind = "csv"
        if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ImportRefused(_("The file is not a spreadsheet, whatever its name says."), "mismatch")
    if kind != ext:
        raise ImportRefused(
            _("The file's content is %(content)s but its name ends in .%(ext)s; the two must match.")
            % {"content": "." + kind, "ext": ext},
            "mismatch",
        )
    return kind


def decode_csv(data: bytes) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ImportRefused(_("The text encoding of this CSV file is neither UTF-8 nor GBK."), "encoding") from exc


@dataclass
class Sheet:
    """A visible sheet of the workbook, by its name and position."""

    index: int
    name: str


def visible_sheets(data: bytes, fmt: str) -> list[Sheet]:
    """The sheets a user can see (hidden and very hidden sheets are ignored)."""
    if fmt == "csv":
        return [Sheet(0, "CSV")]
    book = _open(data)
    out = []
    for i, meta in enumerate(book.sheets_metadata):
        if meta.visible == SheetVisibleEnum.Visible:
            out.append(Sheet(i, meta.name))
    return out


def _open(data: bytes) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise ImportRefused(_("The file is damaged: it cannot be opened as a spreadsheet."), "damaged") from exc


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their line ends, one at a time (a file of 10⁶ rows is not copied into a buffer or
    a list of lines; the csv module joins a quoted field's lines itself)."""
    start, end = 0, len(text)
    while start < end:
        stop = text.find("\n", start)
        if stop < 0:
            yield text[start:]
            return
        yield text[start : stop + 1]
        start = stop + 1


class SheetRows:
    """The rows of one sheet (the first visible one by default), read lazily, and its merged ranges (r0, c0, r1, c1).

    Iterating gives every row from the sheet's first: row ``i`` is row ``i + 1`` in the spreadsheet, cells are str,
    float, int, bool, date/datetime or "" (empty). calamine keeps the sheet in its own compact form and each row
    becomes Python objects only when it is reached, so an import can go through a file of 10⁶ rows a chunk at a
    time; iterating again starts over.
    """

    def __init__(self, data: bytes, fmt: str, sheet: str | None = None) -> None:
        self.merged: list[tuple[int, int, int, int]] = []
        self._text: str | None = None
        self._ws: Any = None
        if fmt == "csv":
            self._text = decode_csv(data)
            try:
                self._dialect: Any = csv.Sniffer().sniff(self._text[:4096], delimiters=",;\t")
            except csv.Error:
                self._dialect = csv.excel
            self.height, self.width = 0, 0
            for row in self._csv():
                self.height += 1
                self.width = max(self.width, len(row))
            return
        book = _open(data)
        sheets = visible_sheets(data, fmt)
        if not sheets:
            raise ImportRefused(_("The workbook has no visible sheet."), "no_sheet")
        chosen = next((s for s in sheets if s.name == sheet), sheets[0])
        try:
            self._ws = book.get_sheet_by_index(chosen.index)
            try:
                for (r0, c0), (r1, c1) in self._ws.merged_cell_ranges or []:
                    self.merged.append((r0, c0, r1, c1))
            except Exception:  # merged ranges are not available for every format
                self.merged = []
        except Exception as exc:
            raise ImportRefused(_("The file is damaged: it cannot be opened as a spreadsheet."), "damaged") from exc
        start = self._ws.start or (0, 0)
        self._left = start[1]  # calamine's rows begin at the first column that holds something
        end = self._ws.end  # the last cell's (row, column), counted from 0
        self.height, self.width = (end[0] + 1, end[1] + 1) if end else (0, 0)

    def _csv(self) -> Iterator[list[str]]:
        assert self._text is not None
        return csv.reader(_lines(self._text), self._dialect)

    def __iter__(self) -> Iterator[list[Any]]:
        if self._text is not None:
            yield from self._csv()
            return
        if not self.height:
            return
        pad = [""] * self._left
        try:
            rows = self._ws.iter_rows()
            if pad:
                for row in rows:
                    yield pad + row
            else:
                yield from rows
        except ImportRefused:
            raise
        except Exception as exc:
            raise ImportRefused(_("The file is damaged: it cannot be opened as a spreadsheet."), "damaged") from exc

    def head(self, n: int) -> list[list[Any]]:
        """The first ``n`` rows."""
        return list(itertools.islice(iter(self), n))


def read_rows(
    data: bytes, fmt: str, sheet: str | None = None
) -> tuple[list[list[Any]], list[tuple[int, int, int, int]]]:
    """All rows of one sheet (the first visible one by default) and its merged ranges (r0, c0, r1, c1), as lists
    (:class:`SheetRows` reads them one at a time)."""
    rows = SheetRows(data, fmt, sheet)
    return [list(r) for r in rows], rows.merged


def to_date(value: Any) -> dt.date | None:
    """A date from a calamine cell that already holds one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None
