"""Quotation spans: straight or curly marks, across sentences, continued over paragraphs."""

from __future__ import annotations

OPENING = {"“": "”", "«": "»", "„": "“"}
STRAIGHT = '"'


def quote_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of the words between each pair of quotation marks.

    A quotation left open at the end of a paragraph whose next paragraph opens with a mark is
    closed at the paragraph's end (the convention for quotes running over paragraphs).
    """
    spans: list[tuple[int, int]] = []
    closing: str | None = None
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if closing is None:
            if ch in OPENING:
                closing, start = OPENING[ch], i + 1
            elif ch == STRAIGHT and _opens(text, i):
                closing, start = STRAIGHT, i + 1
        elif (
            ch == closing
            or (closing == STRAIGHT and ch == "”")
            or (closing == "”" and ch == STRAIGHT)
        ):
            if i > start:
                spans.append((start, i))
            closing = None
        elif ch == "\n" and text.startswith("\n", i + 1) and not _runs_on(text, i, closing):
            # A paragraph ends inside the quotation: close it here.
            if i > start:
                spans.append((start, i))
            closing = None
        i += 1
    if closing is not None and n > start:  # a quotation still open where the text ends
        spans.append((start, n))
    return [(a, b) for a, b in (_trim(text, s, e) for s, e in spans) if b - a >= 2]


def _runs_on(text: str, i: int, closing: str) -> bool:
    """Whether a quotation open where a paragraph ends at ``i`` runs on: its closing mark comes
    within the next eight paragraphs, none of which opens another quotation."""
    if closing == STRAIGHT:
        end = text.find(STRAIGHT, i)
        if end < 0 or _opens(text, end):
            return False
    elif closing == "”":
        end = text.find("”", i)
        if end < 0 or "“" in text[i:end]:
            return False
    else:
        return False
    return text.count("\n\n", i, end) <= 8


def _opens(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([—–-:") and not after.isspace()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
