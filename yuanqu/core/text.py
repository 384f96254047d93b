"""Chinese text helpers: pinyin search keys, USCC (GB 32100-2015) validation, masking."""

from __future__ import annotations

import operator
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin

# GB 32100-2015: 18 characters from 0-9 and the capital letters without I, O, Z, S, V.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_CHARS = frozenset(USCC_ALPHABET)


def halfwidth(text: str) -> str:
    """Full-width digits, letters and punctuation to ASCII; ideographic space to a space (NFKC)."""
    return unicodedata.normalize("NFKC", text)


def uscc_check_digit(first17: str) -> str:
    """The 18th character of a USCC whose first 17 characters are given."""
    if len(first17) != 17:
        raise ValueError("17 characters expected")
    # map() rather than a generator: the importer checks every code of a 10⁵-row file
    total = sum(map(operator.mul, map(_USCC_VALUE.__getitem__, first17), USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(value: str) -> str:
    """Upper-case, strip spaces and convert full-width characters, as users paste them."""
    value = value.strip().replace(" ", "").replace("\u3000", "")
    value = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in value)
    return value.upper()


def validate_uscc(value: str) -> None:
    """Raise a ValidationError naming the GB 32100-2015 rule a 统一社会信用代码 breaks."""
    if len(value) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="uscc_length",
            params={"n": len(value)},
        )
    bad = [] if _USCC_CHARS.issuperset(value) else sorted({c for c in value if c not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            _(
                "A unified social credit code uses only digits and capital letters other than "
                "I, O, Z, S and V; found: %(chars)s."
            ),
            code="uscc_chars",
            params={"chars": " ".join(bad)},
        )
    expected = uscc_check_digit(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("The check digit (18th character) should be %(expected)s under GB 32100-2015, not %(got)s."),
            code="uscc_check",
            params={"expected": expected, "got": value[17]},
        )


def pinyin_keys(text: str) -> tuple[str, str]:
    """Full pinyin and initials of ``text`` (phrase-aware), lower case, without separators.

    ``生命药洲`` → (``shengmingyaozhou``, ``smyz``). Latin letters and digits are kept as they are.
    """
    # errors=list keeps non-Chinese characters one by one, so "U谷" gives "ugu"/"ug".
    syllables = lazy_pinyin(text, errors=list)  # type: ignore[arg-type]
    initials = lazy_pinyin(text, style=Style.FIRST_LETTER, errors=list)  # type: ignore[arg-type]
    keep = re.compile(r"[0-9a-z]")
    full = "".join(ch for ch in "".join(syllables).lower() if keep.match(ch))
    first = "".join(ch for ch in "".join(initials).lower() if keep.match(ch))
    return full, first


def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678``; other numbers keep their first 3 and last 4 characters."""
    digits = phone.strip()
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_email(email: str) -> str:
    """``zhang.san@example.cn`` → ``z***@example.cn``."""
    local, sep, domain = email.partition("@")
    if not sep:
        return "***"
    return (local[:1] + "***" + sep + domain) if local else "***" + sep + domain


#: Legal-form endings and noise that two spellings of the same company name may differ by.
_SUFFIXES = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团|公司)$")
_NOISE = re.compile(r"[\s()（）·,，.。\-]")


def normalize_name(name: str) -> str:
    """A company name reduced for duplicate checks: no spaces, brackets or legal-form suffix.

    ``青岛 海川科技（集团）有限公司`` and ``青岛海川科技集团`` both give ``青岛海川科技``.
    """
    key = _NOISE.sub("", name or "").lower()
    previous = None
    while previous != key:
        previous, key = key, _SUFFIXES.sub("", key)
    return key
