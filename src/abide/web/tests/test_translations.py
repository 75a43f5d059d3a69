"""Every user-facing string is translated into ar, hy, ru and tr, and the catalogues are built."""

from __future__ import annotations

import gettext
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
#: Names that every language writes as English does: the project, a hash function, file formats.
BRAND = {"abide", "SHA-256", "PDF", "JSON"}


@pytest.mark.parametrize("language", ["ar", "hy", "ru", "tr"])
def test_every_message_is_translated_and_none_is_left_in_english(language):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(catalogue) > 100
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    same = [e.msgid for e in catalogue if e.msgstr == e.msgid and e.msgid not in BRAND]
    assert same == []


@pytest.mark.parametrize("language", ["ar", "hy", "ru", "tr"])
def test_the_compiled_catalogue_matches_its_source(language):
    source = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in source.translated_entries():
        if entry.msgid_plural:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        assert compiled.gettext(key) == entry.msgstr, f"rebuild the .mo file ({entry.msgid!r})"


def test_every_translatable_string_in_the_code_is_in_the_catalogue():
    """A new string without a catalogue entry would show in English: run `make messages`."""
    import re

    catalogue = {e.msgid for e in polib.pofile(str(LOCALE / "ar" / "LC_MESSAGES" / "django.po"))}
    pattern = re.compile(
        r"""(?:\b_|gettext|translate)\(\s*"([^"\\]+)"\s*\)|{% translate "([^"]+)" %}"""
    )
    found = set()
    for path in LOCALE.parent.rglob("*"):
        if (
            path.suffix in {".py", ".html"}
            and "tests" not in path.parts
            and "migrations" not in path.parts
        ):
            for match in pattern.finditer(path.read_text(encoding="utf-8")):
                found.add(match.group(1) or match.group(2))
    assert sorted(found - catalogue) == []
