"""Reading the values people type into government spreadsheets.

Full-width digits and punctuation, Chinese numerals (五十五亿), thousands separators, units inside the
cell or the header (亿元 → 万元), "—" / "/" / "无" for nothing, dates as 2023.06, 2023年6月, 2023-6-1 or
Excel serial numbers. Each parser returns a value or raises :class:`CellError` with a Chinese message.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

import cn2an
from django.utils.translation import gettext as _

#: Cell contents that mean "nothing here".
EMPTY_MARKERS = frozenset({"", "-", "--", "—", "——", "–", "－", "/", "\\", "无", "暂无", "空", "n/a", "na", "null",
                           "none", "#n/a", "—/—", "---"})

#: Units by dimension: the factor to the dimension's base unit.
UNITS: dict[str, tuple[str, Decimal]] = {
    "元": ("money", Decimal(1)),
    "千元": ("money", Decimal(1000)),
    "万元": ("money", Decimal(10_000)),
    "百万元": ("money", Decimal(1_000_000)),
    "亿元": ("money", Decimal(100_000_000)),
    "万": ("count", Decimal(10_000)),
    "亿": ("money", Decimal(100_000_000)),
    "m2": ("area", Decimal(1)),
    "㎡": ("area", Decimal(1)),
    "平方米": ("area", Decimal(1)),
    "平米": ("area", Decimal(1)),
    "万平方米": ("area", Decimal(10_000)),
    "万㎡": ("area", Decimal(10_000)),
    "万m2": ("area", Decimal(10_000)),
    "公顷": ("area", Decimal(10_000)),
    "km2": ("area", Decimal(1_000_000)),
    "平方公里": ("area", Decimal(1_000_000)),
    "亩": ("mu", Decimal(1)),
    "万亩": ("mu", Decimal(10_000)),
    "人": ("people", Decimal(1)),
    "万人": ("people", Decimal(10_000)),
    "个": ("count", Decimal(1)),
    "家": ("count", Decimal(1)),
    "%": ("percent", Decimal(1)),
}
_UNIT_ALT = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
_HEADER_UNIT = re.compile(r"[（(\[【]\s*(?:单位[:：])?\s*(" + _UNIT_ALT + r")\s*[)）\]】]\s*$", re.IGNORECASE)
_HEADER_UNIT_TAIL = re.compile(r"(?:单位[:：]|/)\s*(" + _UNIT_ALT + r")\s*$", re.IGNORECASE)
_NUMBER_WITH_UNIT = re.compile(r"^([-+]?[0-9.]+)\s*(" + _UNIT_ALT + r")?$", re.IGNORECASE)
_CN_NUMERAL = re.compile(r"^[零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟点负]+$")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")


class CellError(ValueError):
    """A cell that cannot be read as its column's type; the message says why, in Chinese."""


def halfwidth(text: str) -> str:
    """Full-width digits, letters and punctuation to ASCII; ideographic space to a space (NFKC)."""
    return unicodedata.normalize("NFKC", text)


def cell_text(value: Any) -> str:
    """A cell as trimmed text (numbers without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip().replace("\u3000", " ").strip()


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


def unit_factor(from_unit: str, to_unit: str) -> Decimal | None:
    """The factor converting ``from_unit`` to ``to_unit`` (1 if either is missing); None when incompatible."""
    if not from_unit or not to_unit or from_unit == to_unit:
        return Decimal(1)
    a, b = UNITS.get(from_unit), UNITS.get(to_unit)
    if a is None or b is None:
        return None
    if a[0] != b[0]:
        return None
    return a[1] / b[1]


def _chinese_number(text: str) -> Decimal:
    if all(c in "〇零一二三四五六七八九点" for c in text) and len(text) > 1 and "点" not in text[:1]:
        # digit-by-digit, as in 二〇二三
        return Decimal(text.replace("点", ".").translate(_CN_DIGITS))
    return Decimal(str(cn2an.cn2an(text, "smart")))


def parse_decimal(value: Any, *, unit: str = "", header_unit: str = "") -> Decimal:
    """A number from a cell: 1,234.5 / １２３４ / 五十五亿 / 55亿元 / 12.5% / 3万平方米, converted to ``unit``.

    ``header_unit`` is the unit the column's header names; a unit inside the cell wins over it.
    """
    if isinstance(value, bool):
        raise CellError(_("Expected a number, found %(value)s.") % {"value": value})
    if isinstance(value, int):
        number, cell_unit = Decimal(value), ""
    elif isinstance(value, float):
        number, cell_unit = Decimal(repr(value)), ""
    else:
        text = halfwidth(str(value)).strip().replace(",", "").replace(" ", "").replace("，", "")
        text = text.removesuffix("整")
        cell_unit = ""
        m = _NUMBER_WITH_UNIT.match(text)
        if m:
            try:
                number = Decimal(m.group(1))
            except InvalidOperation as exc:
                raise CellError(_("Expected a number, found %(value)s.") % {"value": value}) from exc
            cell_unit = m.group(2) or ""
        else:
            # Chinese numerals, maybe followed by a unit: 五十五亿元, 三万平方米
            body, tail = text, ""
            for u in sorted(UNITS, key=len, reverse=True):
                if text.endswith(u) and len(text) > len(u):
                    body, tail = text[: -len(u)], u
                    break
            try:
                if _CN_NUMERAL.match(body):
                    number = _chinese_number(body)
                else:
                    number = Decimal(str(cn2an.cn2an(body, "smart")))
            except (ValueError, InvalidOperation, KeyError, TypeError) as exc:
                raise CellError(_("Expected a number, found %(value)s.") % {"value": value}) from exc
            if tail in ("万", "亿") and unit not in ("", "万", "亿"):
                number *= UNITS[tail][1]
                tail = ""
            cell_unit = tail
    source_unit = cell_unit or header_unit
    if source_unit == "%" and unit != "%":
        number = number / 100
        source_unit = ""
    if source_unit in ("万", "亿") and UNITS.get(unit, ("", 0))[0] != "count":
        number *= UNITS[source_unit][1]
        source_unit = ""
        if unit and UNITS.get(unit):
            number = number / UNITS[unit][1]
        return number
    factor = unit_factor(source_unit, unit)
    if factor is None:
        raise CellError(_("The unit %(got)s cannot be converted to %(want)s.") % {"got": source_unit, "want": unit})
    return number * factor


def parse_int(value: Any, *, unit: str = "", header_unit: str = "") -> int:
    """A whole number (e.g. a head-count), with the same tolerance as :func:`parse_decimal`."""
    number = parse_decimal(value, unit=unit, header_unit=header_unit)
    if number != number.to_integral_value():
        raise CellError(_("Expected a whole number, found %(value)s.") % {"value": cell_text(value)})
    return int(number)


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
    return text.translate(_CN_DIGITS)


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
