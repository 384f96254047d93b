"""The Simplified Chinese catalogue is complete, well-formed and used by default.

- The committed ``locale/zh_Hans`` catalogue has a translation for every entry, no fuzzy entries,
  and keeps every python-format placeholder of its msgid.
- ``makemessages`` run over a copy of the package finds no msgid missing from the catalogue, so
  a new string without a translation fails CI (needs GNU gettext: ``apt-get install gettext``).
- The login page speaks Chinese by default and English once the visitor chooses it.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "yuanqu"
PO_PATH = PACKAGE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

# %(name)s, %(n)d, %s, %d … (a literal "%%" is not a placeholder).
PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_]\w*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]")


def _catalogue() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return entry.msgctxt, entry.msgid


def _placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text.replace("%%", "")))


def test_it_has_a_zh_hans_catalogue_with_the_right_header():
    po = _catalogue()
    assert po.metadata.get("Language") == "zh_Hans"
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    assert po.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"
    assert len(po) > 0


def test_it_translates_every_entry_and_has_no_fuzzy_ones():
    po = _catalogue()
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated msgid(s) in {PO_PATH.name}: {untranslated}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy msgid(s) in {PO_PATH.name}: {fuzzy}"
    assert "fuzzy" not in po.metadata_is_fuzzy, "the catalogue header is still marked fuzzy"
    for entry in po:
        if entry.msgid_plural:
            assert entry.msgstr_plural and all(s.strip() for s in entry.msgstr_plural.values()), entry.msgid
        else:
            assert entry.msgstr.strip(), entry.msgid


def test_it_keeps_every_placeholder_of_the_msgid():
    wrong = []
    for entry in _catalogue():
        if entry.msgid_plural:
            expected = _placeholders(entry.msgid_plural)
            translations = list(entry.msgstr_plural.values())
        else:
            expected = _placeholders(entry.msgid)
            translations = [entry.msgstr]
        wrong += [(entry.msgid, t) for t in translations if _placeholders(t) != expected]
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(map(repr, wrong))


def test_it_has_a_translation_for_every_string_in_the_source(tmp_path, settings, monkeypatch):
    if shutil.which("xgettext") is None or shutil.which("msguniq") is None:
        pytest.fail(
            "GNU gettext (xgettext, msguniq) is not installed, so the catalogue cannot be checked against "
            "the source. Install it: apt-get install gettext"
        )
    # A copy of the package without its catalogue: makemessages then writes only into tmp_path.
    copy = tmp_path / "yuanqu"
    shutil.copytree(PACKAGE_DIR, copy,
                    ignore=shutil.ignore_patterns("locale", "__pycache__", "*.mo", "node_modules"))
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["zh_Hans"], no_location=True, no_obsolete=True, keep_pot=True,
                 ignore_patterns=["node_modules/*"], verbosity=0)

    extracted = {_key(e): e for e in polib.pofile(str(copy / "locale" / "django.pot"))}
    committed = {_key(e) for e in _catalogue()}
    missing = sorted(entry.msgid for key, entry in extracted.items() if key not in committed)
    assert extracted, "makemessages extracted no strings at all"
    assert not missing, (
        f"{len(missing)} msgid(s) in the source are not in {PO_PATH.relative_to(PACKAGE_DIR.parent)}; run "
        "`cd yuanqu && yuanqu makemessages -l zh_Hans --no-location --no-obsolete` and translate them:\n"
        + "\n".join(map(repr, missing))
    )


@pytest.fixture
def compiled_catalogue(settings) -> None:
    """Build the .mo from the .po when it is missing or stale (``make`` does the same), then drop Django's
    cached translations so this process reads the fresh file."""
    mo_path = PO_PATH.with_suffix(".mo")
    if not mo_path.exists() or mo_path.stat().st_mtime < PO_PATH.stat().st_mtime:
        call_command("compile_translations", verbosity=0)
    settings.LOCALE_PATHS = list(django_settings.LOCALE_PATHS)  # setting_changed resets the translation cache


@pytest.mark.django_db
def test_it_shows_the_login_page_in_chinese_by_default_and_in_english_on_request(compiled_catalogue):
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    assert 'lang="zh-hans"' in page
    assert "登录" in page
    assert "Log in to your account" not in page

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302

    page = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in page
    assert "Log in to your account" in page
    assert "登录" not in page
