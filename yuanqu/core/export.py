"""Export of list rows to .xlsx and .csv: Chinese headers, formula-injection safe, audited.

Every list (core.listing) and every app's own export use these; the spreadsheet engine (tabular) too.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import xlsxwriter
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

from . import audit
from .models import AuditEvent

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

#: A cell starting with one of these is read as a formula by Excel, WPS or LibreOffice (the full-width forms
#: too: WPS and Excel with a Chinese IME turn ＝＋－＠ into their ASCII forms on editing).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠", "﹦", "﹢", "﹣", "﹫")
#: Characters a spreadsheet skips before it looks for a formula sign: white space (ASCII, ideographic, no-break)
#: and the zero-width characters and bidi marks that are invisible in the cell.
_INVISIBLE_LEAD = " \t\r\n\x0b\x0c\u00a0\u3000\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e"


def safe_cell(value: Any) -> Any:
    """A value safe to put in a spreadsheet cell; text that could run as a formula gets a quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | decimal.Decimal):
        return value
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if timezone.is_aware(value) else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) or text.lstrip(_INVISIBLE_LEAD).startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = "Sheet1") -> bytes:
    """An .xlsx workbook of one sheet, written in constant memory."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = book.add_worksheet(sheet[:31])
    head = book.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    for c, h in enumerate(headers):
        ws.write_string(0, c, h, head)
        ws.set_column(c, c, max(10, min(40, len(h) * 2 + 4)))
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            value = safe_cell(value)
            if isinstance(value, decimal.Decimal):
                ws.write_number(r, c, float(value))
            elif isinstance(value, int | float):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, value)
    ws.freeze_panes(1, 0)
    book.close()
    return buf.getvalue()


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV with a BOM, which Excel on Chinese Windows opens correctly."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def export_response(
    *, actor: User, fmt: str, name: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], object_type: str,
    filters: dict[str, Any] | None = None,
) -> HttpResponse:
    """Build the download and audit it with its row count and the filters that produced it."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        body, ctype, ext = csv_bytes(headers, rows), "text/csv; charset=utf-8", "csv"
    else:
        body = xlsx_bytes(headers, rows, sheet=name)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ext = "xlsx"
    filename = f"{name}-{stamp}.{ext}"
    with transaction.atomic():
        audit.record(actor=actor, action=AuditEvent.Action.EXPORT, object_type=object_type,
                     object_repr=filename, after={"rows": len(rows), "format": ext, "filters": filters or {}})
    response = HttpResponse(body, content_type=ctype)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
