"""Arabic text for renderers that draw it a letter at a time, left to right.

WeasyPrint lays out the text of an SVG drawing one character after another without shaping
or reordering it, so Arabic in a chart of a PDF would come out as separate letters in reverse.
``visual`` gives the letters' joined forms (Unicode presentation forms, which Noto Sans Arabic
draws) in the order they are seen, so that drawing them one by one reads right.

    visual("أذربيجان")  # 'ﻥﺎﺠﻴﺑﺭﺫﺃ': joined forms, last letter first
"""

from __future__ import annotations

import re

import arabic_reshaper
from bidi import get_display

#: Letters of the scripts written right to left (Hebrew, Arabic and their supplements).
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
#: Bidirectional formatting characters, which mean nothing once the text is in visual order.
_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visual(text: str) -> str:
    """The text as it is seen: unchanged without right-to-left letters; otherwise the Arabic
    letters in their joined forms and every run in its visual order."""
    if not _RTL.search(text):
        return _CONTROLS.sub("", text)
    return _CONTROLS.sub("", get_display(arabic_reshaper.reshape(text)))
