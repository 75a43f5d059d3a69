"""Text taken in from outside (documents, imports, reports) as readers are shown it."""

from __future__ import annotations

import re

#: Characters that change how text around them is displayed without being seen themselves:
#: bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), the marks
#: (U+200E, U+200F, U+061C), zero-width characters (U+200B–U+200D, U+2060, U+FEFF) and the
#: Mongolian vowel separator (U+180E). A right-to-left override in a title can make
#: "gpj.exe" read as "exe.jpg"; a zero-width space can make two different names look alike.
INVISIBLE_CONTROLS = re.compile("[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def without_controls(text: str) -> str:
    """``text`` as it is shown: the invisible controls above removed, the rest unchanged.
    The stored text keeps them (it is evidence, kept exactly as received)."""
    return INVISIBLE_CONTROLS.sub("", text)


def controls_marked(text: str) -> str:
    """``text`` with each invisible control replaced by U+FFFD (�), one character for one: for
    a text whose characters are counted (a source's text, selected by offsets)."""
    return INVISIBLE_CONTROLS.sub("\ufffd", text)
