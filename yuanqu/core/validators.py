"""Input hygiene, in one place: names, free text and dates as people (and scripts) type them.

Forms, services (through :class:`yuanqu.core.models.TimeStamped`'s ``clean_fields``), the API schemas
(``yuanqu.api.schemas``) and the importers all call these, so a name the form refuses is refused by the API
and the spreadsheet importer with the same Chinese message.

- A **name** (a park, an enterprise, a lead, a project, a person) is stripped; empty after stripping is
  refused; so are control characters, bidi overrides (U+202A–202E, U+2066–2069, which make a name read
  differently than it sorts and searches) and zero-width characters (U+200B–200D, U+2060, U+FEFF, which make
  two names that look the same differ).
- **Free text** (notes, summaries, requests) may hold line breaks and tabs, but no other control character
  (NUL is refused by PostgreSQL) and no bidi override; it has a maximum length (:data:`TEXT_MAX_LENGTH` unless
  the field says otherwise).
- A **date** lies between :data:`EARLIEST_DATE` and :data:`LATEST_YEARS_AHEAD` years from today unless its
  meaning asks otherwise (an enterprise's founding date may be older).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: C0 controls other than tab, line feed and carriage return; DEL and the C1 controls.
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
#: Bidi embeddings/overrides (U+202A–202E) and isolates (U+2066–2069), and the invisible direction marks.
BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
#: Zero-width space, non-joiner, joiner; word joiner; byte-order mark / zero-width no-break space.
ZERO_WIDTH = "\u200b-\u200d\u2060\ufeff"

_TEXT_BAD = re.compile(f"[{_CONTROL}{BIDI}]")
#: Whether a text / a name holds a character its validator refuses (for fast paths that check first).
TEXT_BAD = _TEXT_BAD
NAME_BAD = re.compile(f"[{_CONTROL}\t\n\r{BIDI}{ZERO_WIDTH}]")
#: Field (and column) names that hold a name.
NAME_FIELDS = frozenset({"name", "title"})
_NAME_CONTROL = re.compile(f"[{_CONTROL}\t\n\r]")
_NAME_BIDI = re.compile(f"[{BIDI}]")
_NAME_ZERO_WIDTH = re.compile(f"[{ZERO_WIDTH}]")

#: The longest free text a field takes when it names no maximum of its own (about ten pages of Chinese).
TEXT_MAX_LENGTH = 10_000
#: No settlement, lead, follow-up, project or report date lies before the reform era's first development zones.
EARLIEST_DATE = dt.date(1978, 1, 1)
#: An enterprise may be older than any park (a founding date is kept as registered).
EARLIEST_FOUNDING_DATE = dt.date(1800, 1, 1)
#: A planned date (a next step, a project milestone) lies at most this many years ahead.
LATEST_YEARS_AHEAD = 30


def _codepoints(found: list[str]) -> str:
    return "、".join(sorted({f"U+{ord(c):04X}" for c in found}))


def validate_text(value: Any) -> None:
    """Refuse control characters (other than tab and line breaks) and bidi overrides in free text."""
    if not isinstance(value, str):
        return
    found = _TEXT_BAD.findall(value)
    if found:
        raise ValidationError(
            _("The text contains invisible control or text-direction characters (%(chars)s); remove them."),
            code="text_control", params={"chars": _codepoints(found)},
        )


def validate_name(value: Any) -> None:
    """Refuse a name that is blank or holds control, bidi-override or zero-width characters."""
    if not isinstance(value, str):
        return
    if value and not value.strip():
        raise ValidationError(_("The name cannot be only spaces."), code="name_blank")
    for pattern, message, code in (
        (_NAME_CONTROL, _("The name contains control characters (%(chars)s); remove them."), "name_control"),
        (_NAME_BIDI, _("The name contains text-direction override characters (%(chars)s), which make it read "
                       "differently from how it is stored; remove them."), "name_bidi"),
        (_NAME_ZERO_WIDTH, _("The name contains zero-width characters (%(chars)s), which make it look like "
                             "another name; remove them."), "name_zero_width"),
    ):
        found = pattern.findall(value)
        if found:
            raise ValidationError(message, code=code, params={"chars": _codepoints(found)})


def clean_name(value: Any) -> Any:
    """The name stripped of surrounding white space (ideographic space included) and checked by
    :func:`validate_name`; only spaces become empty, which a required field then refuses."""
    if not isinstance(value, str):
        return value
    value = value.strip()
    validate_name(value)
    return value


def validate_text_length(value: Any, max_length: int = TEXT_MAX_LENGTH) -> None:
    """Refuse a text longer than ``max_length`` characters."""
    if isinstance(value, str) and len(value) > max_length:
        raise ValidationError(
            _("Ensure this text has at most %(max)d characters (it has %(n)d)."),
            code="text_too_long", params={"max": max_length, "n": len(value)},
        )


def validate_date_range(value: Any, *, earliest: dt.date = EARLIEST_DATE,
                        years_ahead: int = LATEST_YEARS_AHEAD) -> None:
    """Refuse a date before ``earliest`` or more than ``years_ahead`` years from today."""
    if not isinstance(value, dt.date):
        return
    if isinstance(value, dt.datetime):
        value = value.date()
    today = timezone.localdate()
    try:
        latest = today.replace(year=today.year + years_ahead)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + years_ahead, day=28)
    if value < earliest:
        raise ValidationError(_("The date cannot be before %(date)s."), code="date_too_early",
                              params={"date": earliest.isoformat()})
    if value > latest:
        raise ValidationError(_("The date cannot be after %(date)s."), code="date_too_late",
                              params={"date": latest.isoformat()})


def validate_founding_date(value: Any) -> None:
    """A founding (registration) date: may be old, not in the far future (the service refuses the future)."""
    validate_date_range(value, earliest=EARLIEST_FOUNDING_DATE)


def clean_phone(value: Any) -> str:
    """A mobile or landline number without spaces and hyphens (``+`` and digits only); empty stays empty."""
    phone = str(value or "").strip().replace(" ", "").replace("-", "")
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12 or phone.startswith("+") and phone[1:].isdigit()):
        raise ValidationError(_("Enter a mobile or landline number of digits only, e.g. 13812345678."),
                              code="phone")
    return phone
