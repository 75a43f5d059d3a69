"""The languages abide publishes in, and normalisation of names and aliases (no Django)."""

from __future__ import annotations

import re
import unicodedata

LANGUAGES = ("en", "ar", "hy", "ru", "tr")
TRANSLATED = LANGUAGES[1:]

_SPACE = re.compile(r"\s+")


def normalise_alias(text: str) -> str:
    """The form under which names are compared: case-folded, accents stripped, spaces collapsed.

    "Türkiye", "TURKIYE" and " türkiye " all become "turkiye"; scripts other than Latin keep
    their letters ("Ստեփանակերտ" stays as it is, case-folded).
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("’", "'").replace("‘", "'")
    return _SPACE.sub(" ", stripped).strip().casefold()
