"""Reading the values people type into government spreadsheets.

Full-width digits and punctuation, Chinese numerals (五十五亿), thousands separators, units inside the
cell or the header (亿元 → 万元), "—" / "/" / "无" for nothing, dates as 2023.06, 2023年6月, 2023-6-1 or
Excel serial numbers. Each parser returns a value or raises :class:`CellError` with a Chinese message.
Numbers are read by the one parser of ``yuanqu.core.numbers`` (:func:`~yuanqu.core.numbers.parse_number`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import cn2an
from django.utils.translation import gettext as _

from yuanqu.core.numbers import CN_DIGITS, UNIT_ALTERNATIVES, NumberError, unit_factor
from yuanqu.core.text import halfwidth

__all__ = ["CellError", "halfwidth", "unit_factor"]  # re-exported for the importers

#: Cell contents that mean "nothing here".
EMPTY_MARKERS = frozenset({"", "-", "--", "—", "——", "–", "－", "/", "\\", "无", "暂无", "空", "n/a", "na", "null",
                           "none", "#n/a", "—/—", "---"})

_HEADER_UNIT = re.compile(r"[（(\[【]\s*(?:单位[:：])?\s*(" + UNIT_ALTERNATIVES + r")\s*[)）\]】]\s*$", re.IGNORECASE)
_HEADER_UNIT_TAIL = re.compile(r"(?:单位[:：]|/)\s*(" + UNIT_ALTERNATIVES + r")\s*$", re.IGNORECASE)

#: A cell that cannot be read as its column's type; the message says why, in Chinese. The class of the
#: number parser's errors, so a number that cannot be read is a cell error like any other.
CellError = NumberError


def cell_text(value: Any) -> str:
    """A cell as trimmed text (numbers without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip().replace("\u3000", " ").strip()


def storable(text: str) -> str:
    """A cell's text as the batch keeps it for the mapping page (JSON): a NUL, which PostgreSQL's jsonb refuses (a
    sheet may hold one as Excel's ``_x0000_`` escape), shown as U+FFFD; the cell itself is parsed and refused as
    it is."""
    return text.replace("\x00", "\ufffd")


#: The markers as typed, including in full-width forms (／, ＮＵＬＬ), so no normalisation is needed per cell.
_EMPTY_ALL = frozenset(EMPTY_MARKERS | {"".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in m)
                                        for m in EMPTY_MARKERS})


def is_empty(value: Any) -> bool:
    """True for empty cells and the markers people use for nothing (—, /, 无 …)."""
    if value is None:
        return True
    if isinstance(value, str):
        text = value.strip(" \t\r\n\u3000")
        return text in _EMPTY_ALL or text.lower() in _EMPTY_ALL
    return False


def split_header_unit(header: str) -> tuple[str, str]:
    """``"产值(万元)"`` → (``"产值"``, ``"万元"``); a header without a unit gives (header, "")."""
    text = halfwidth(header).strip()
    for pattern in (_HEADER_UNIT, _HEADER_UNIT_TAIL):
        m = pattern.search(text)
        if m:
            unit = m.group(1)
            unit = "m2" if unit.lower() == "m2" else unit
            return text[: m.start()].strip(), unit
    return text, ""


def unit_only(text: str) -> str:
    """The unit of a header cell that holds nothing but a unit (「（亿元）」, 「单位：万元」, 「亩」), else ""."""
    label, unit = split_header_unit("x" + halfwidth(str(text)).strip())
    if unit and label == "x":
        return unit
    m = re.fullmatch(r"\s*(" + UNIT_ALTERNATIVES + r")\s*", halfwidth(str(text)), re.IGNORECASE)
    return ("m2" if m.group(1).lower() == "m2" else m.group(1)) if m else ""


EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})年?$"),
)


def parse_date(value: Any) -> dt.date:
    """A date from a cell: a real date, an Excel serial, 2023-6-1, 2023/06/01, 2023.06, 2023年6月(1日), 20230601.

    A month without a day means its first day; a year alone, the 1st of January.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1900 <= value < 2100:
            # a year (2023) or a year and month (1992.11, 2023.06) typed into a number cell, as government sheets
            # often have them: not Excel serials, which would make them days of 1905
            text = str(int(value)) if float(value).is_integer() else repr(value)
            year, _point, month = text.partition(".")
            if month == "1":  # 2023.10 typed as a number is stored as 2023.1
                raise CellError(_("%(value)s may be January or October (a spreadsheet keeps %(year)s.10 as "
                                  "%(year)s.1); write %(year)s-01 or %(year)s-10.") % {"value": text, "year": year})
            return parse_date(text)
        if 1 <= value < 80_000:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise CellError(_("Expected a date, found %(value)s.") % {"value": cell_text(value)})
    text = halfwidth(str(value)).strip().replace(" ", "")
    text = re.sub(r"[〇零一二三四五六七八九十]+", lambda m: _cn_date_part(m.group(0)), text)
    text = text.split("T")[0] if re.match(r"^\d{4}-\d{2}-\d{2}T", text) else text
    text = re.sub(r"\s*\d{1,2}:\d{2}(:\d{2})?$", "", text)
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return parse_date(float(text))
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            parts = [int(g) for g in m.groups()] + [1, 1]
            try:
                return dt.date(parts[0], parts[1], parts[2])
            except ValueError as exc:
                raise CellError(_("%(value)s is not a real date.") % {"value": value}) from exc
    raise CellError(_("Expected a date (e.g. 2023-06-01, 2023.06 or 2023年6月), found %(value)s.")
                    % {"value": value})


def _cn_date_part(text: str) -> str:
    if "十" in text:
        return str(cn2an.cn2an(text, "smart"))
    return text.translate(CN_DIGITS)


TRUE_WORDS = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "有", "对", "t"})
FALSE_WORDS = frozenset({"否", "n", "no", "false", "0", "×", "✗", "x", "不是", "f"})


def parse_bool(value: Any) -> bool:
    """是/否, Y/N, √/×, 1/0, TRUE/FALSE."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    text = halfwidth(str(value)).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(_("Expected 是 or 否, found %(value)s.") % {"value": value})


def match_key(text: str) -> str:
    """A header or choice label reduced for comparison: half-width, lower case, no spaces or marks."""
    text = halfwidth(text).lower()
    return re.sub(r"[\s*＊:：_\-—·.()（）\[\]【】]", "", text)
