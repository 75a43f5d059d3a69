"""The text of a source cut into segments at every span abide read in it, for highlighting.

Each segment carries its character offsets into the source's text, so that the page can show
the text escaped and a selection in it can still be turned back into offsets of the original."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from abide.registry.models import Commitment, Mode, Source, Statement, WalkBack


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    kind: str  # quote, paraphrase, commitment, walkback
    label: str = ""
    ref: str = ""  # the element it belongs to (statement-12, commitment-4)


@dataclass
class Segment:
    start: int
    end: int
    text: str
    marks: list[Mark] = field(default_factory=list)

    @property
    def classes(self) -> str:
        return " ".join(sorted({m.kind for m in self.marks}))

    @property
    def title(self) -> str:
        return " · ".join(dict.fromkeys(m.label for m in self.marks if m.label))

    @property
    def refs(self) -> str:
        return " ".join(dict.fromkeys(m.ref for m in self.marks if m.ref))


def _within(source: Source, statement: Statement, words: str) -> tuple[int, int] | None:
    """Where ``words`` stand inside ``statement`` (exactly, else ignoring case), if they do."""
    if not words:
        return None
    text = source.text[statement.start : statement.end]
    at = text.find(words)
    if at < 0:
        at = text.lower().find(words.lower())
    if at < 0:
        return None
    return statement.start + at, statement.start + at + len(words)


def marks_for(
    source: Source,
    statements: Iterable[Statement],
    commitments: Iterable[Commitment],
    walk_backs: Iterable[WalkBack],
) -> list[Mark]:
    """The spans to highlight: each statement (verbatim quote or paraphrase, with its speaker),
    the words of each commitment and walk-back where they stand in their statement."""
    marks = []
    by_id = {}
    for s in statements:
        by_id[s.pk] = s
        speaker = s.speaker_person or s.speaker_party
        kind = "quote" if s.mode == Mode.VERBATIM else "paraphrase"
        marks.append(Mark(s.start, s.end, kind, str(speaker or ""), f"statement-{s.pk}"))
    for c in commitments:
        for s in c.statements.all():
            span = _within(source, by_id.get(s.pk, s), c.text)
            if span:
                marks.append(Mark(*span, "commitment", c.obligor_label(), f"commitment-{c.pk}"))
    for w in walk_backs:
        span = _within(source, by_id.get(w.statement_id, w.statement), w.text)
        if span:
            marks.append(Mark(*span, "walkback", str(w.party), f"walkback-{w.pk}"))
    return marks


def segments(text: str, marks: Iterable[Mark]) -> list[Segment]:
    """``text`` cut at every mark's start and end; each piece with the marks covering it."""
    marks = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    pieces = []
    for start, end in pairwise(cuts):
        covering = [m for m in marks if m.start <= start and end <= m.end]
        pieces.append(Segment(start, end, text[start:end], covering))
    return pieces
