"""Compiling the translation catalogues with polib (no GNU gettext needed, no settings needed).

``python -m yuanqu.core.i18n`` compiles every ``yuanqu/locale/*/LC_MESSAGES/*.po`` next to it;
``make`` runs it before anything starts, so a fresh checkout shows Chinese at once.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def compile_catalogues(locale_dirs: Iterable[Path] = (LOCALE_DIR,)) -> int:
    """Write a .mo beside each .po; returns how many were compiled."""
    count = 0
    for locale_dir in locale_dirs:
        for po_path in Path(locale_dir).glob("*/LC_MESSAGES/*.po"):
            # Written beside and renamed into place: parallel test workers each compile at start, and a reader
            # must never see a half-written catalogue.
            mo_path = po_path.with_suffix(".mo")
            tmp_path = mo_path.with_name(f".{mo_path.name}.{os.getpid()}.tmp")
            polib.pofile(str(po_path)).save_as_mofile(str(tmp_path))
            os.replace(tmp_path, mo_path)
            count += 1
    return count


if __name__ == "__main__":
    print(f"compiled {compile_catalogues()} catalogue(s)")
