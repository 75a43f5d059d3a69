"""Speech events: who said what to whom, on whose report; the statements and their chains."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from abide.extraction.actors import ActorResolver
from abide.extraction.document import MONTHS
from abide.extraction.lexicon import Lexicon
from abide.extraction.types import Actor, Link, Quote
from abide.extraction.types import Span as TextSpan

_MONTHS = r"January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(
    rf"\b(?:on\s+)?(?:(?P<month>{_MONTHS})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month2>{_MONTHS}))(?:,?\s+(?P<year>\d{{4}}))?\b"
)


@dataclass
class SpeechEvent:
    verb: Token
    speaker: Actor | None
    addressees: list[Actor]
    reporter: Actor | None
    content: Span | None  # the reported clause, if any
    in_quote: int | None  # index of the quote the verb stands in, if any
    date: dt.date | None


@dataclass
class QuoteInfo:
    start: int
    end: int
    tokens: tuple[int, int]  # token range
    speaker: Actor | None = None
    cue: str = ""
    reporter: Actor | None = None


@dataclass
class Discourse:
    """What the components learn about a document, in reading order."""

    doc: Doc
    resolver: ActorResolver
    lexicon: Lexicon
    published: dt.date | None
    publisher: Actor | None
    quotes: list[QuoteInfo] = field(default_factory=list)
    events: list[SpeechEvent] = field(default_factory=list)
    quote_of_token: dict[int, int] = field(default_factory=dict)
    last_date: dt.date | None = None
    #: who a statement opening in quotation marks is by, where its title names them
    author: Actor | None = None

    def quote_at(self, token: Token) -> QuoteInfo | None:
        index = self.quote_of_token.get(token.i)
        return self.quotes[index] if index is not None else None

    def speaker_at(self, token: Token) -> Actor | None:
        """Who speaks where ``token`` stands: a quote's speaker, else the narrator."""
        quote = self.quote_at(token)
        if quote is not None:
            return quote.speaker
        return self.resolver.narrator

    def chain(
        self, speaker: Actor | None, addressees: list[Actor], reporter: Actor | None
    ) -> tuple[Link, ...]:
        links: list[Link] = []
        if speaker is not None:
            relation = "told" if addressees else "said"
            links.append(Link(relation, speaker, addressees[0] if addressees else None))
        if reporter is not None and reporter != speaker:
            links.append(Link("reported", reporter))
        if self.publisher is not None and self.publisher not in (speaker, reporter):
            links.append(Link("published", self.publisher))
        return tuple(links)


def subject_of(verb: Token) -> Token | None:
    """The verb's subject, inherited along conjunctions and control ("urged and noted", "after
    saying")."""
    seen = 0
    token = verb
    while token is not None and seen < 6:
        for child in token.children:
            if child.dep_ in {"nsubj", "nsubjpass", "csubj"}:
                return child
        if token.dep_ in {"conj", "xcomp", "advcl"} and token.head.i != token.i:
            token = token.head
            seen += 1
            continue
        if token.dep_ == "pcomp" and token.head.dep_ == "prep" and token.tag_ == "VBG":
            token = token.head.head  # "Scott, after saying ..., said": the gerund's subject
            seen += 1
            continue
        break
    return None


def agent_of_passive(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "agent":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    return None


def addressee_tokens(verb: Token, lexicon: Lexicon) -> list[Token]:
    """ "told Blinken", "spoke with Aliyev", "assured him", "in a call with X"."""
    found = []
    for child in verb.children:
        if child.dep_ in {"dative"} or (
            child.dep_ == "dobj" and verb.lemma_ in lexicon.addressing_verbs
        ):
            found.append(child)
        elif (
            child.dep_ == "prep"
            and child.lower_ in {"with", "to"}
            and verb.lemma_ in lexicon.meeting_verbs | lexicon.addressing_prep_verbs
        ):
            found.extend(g for g in child.children if g.dep_ == "pobj")
        elif child.dep_ == "prep" and child.lower_ in {"on", "upon"} and verb.lemma_ == "call":
            found.extend(g for g in child.children if g.dep_ == "pobj")  # "called on Baku"
        elif child.dep_ == "prep" and child.lower_ in {"in", "during"}:
            for noun in child.children:
                if noun.dep_ == "pobj" and noun.lemma_ in lexicon.meeting_nouns:
                    for prep in noun.children:
                        if prep.dep_ == "prep" and prep.lower_ == "with":
                            found.extend(g for g in prep.children if g.dep_ == "pobj")
    return found


def sentence_date(sent: Span, published: dt.date | None) -> dt.date | None:
    for match in _DATE.finditer(sent.text):
        month = MONTHS[(match.group("month") or match.group("month2")).lower()]
        day = int(match.group("day") or match.group("day2"))
        year = (
            int(match.group("year"))
            if match.group("year")
            else (published.year if published else None)
        )
        if year is None:
            continue
        if published and not match.group("year") and dt.date(year, month, 1) > published:
            year -= 1
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    return None


_WITHIN = re.compile(
    r"\bwithin\s+(?P<n>\d+|one|two|three|seven|ten|thirty)\s+(?P<unit>hours?|days?|weeks?|months?)\b",
    re.I,
)
_WORDS = {"one": 1, "two": 2, "three": 3, "seven": 7, "ten": 10, "thirty": 30}


def deadline_in(text: str, made: dt.date | None, published: dt.date | None) -> dt.date | None:
    """ "by 1 October", "no later than March 3", "within 72 hours" in ``text``."""
    lowered = text.lower()
    for marker in ("by ", "no later than ", "before ", "until "):
        at = lowered.find(marker)
        if at >= 0:
            match = _DATE.match(text, at + len(marker))
            if match:
                return _date_of(match, published or made)
    match = _WITHIN.search(text)
    if match and made is not None:
        n = match.group("n").lower()
        count = int(n) if n.isdigit() else _WORDS[n]
        unit = match.group("unit").lower().rstrip("s")
        days = {"hour": count / 24, "day": count, "week": 7 * count, "month": 30 * count}[unit]
        return made + dt.timedelta(days=max(0, int(days)))
    return None


def _date_of(match: re.Match, published: dt.date | None) -> dt.date | None:
    month = MONTHS[(match.group("month") or match.group("month2")).lower()]
    day = int(match.group("day") or match.group("day2"))
    year = (
        int(match.group("year")) if match.group("year") else (published.year if published else None)
    )
    if year is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def according_to(sent: Span) -> Token | None:
    for token in sent:
        if token.lower_ == "according":
            for child in token.children:
                if child.lower_ == "to":
                    for pobj in child.children:
                        if pobj.dep_ == "pobj":
                            return pobj
            nxt = token.nbor() if token.i + 1 < len(token.doc) else None
            if nxt is not None and nxt.lower_ == "to":
                for pobj in nxt.children:
                    if pobj.dep_ == "pobj":
                        return pobj
    return None


def to_text_span(span: Span | tuple[int, int], doc: Doc) -> TextSpan:
    if isinstance(span, tuple):
        start, end = span
        return TextSpan(start, end, doc.text[start:end])
    return TextSpan(span.start_char, span.end_char, span.text)


def make_quote(info: QuoteInfo, doc: Doc) -> Quote:
    return Quote(
        TextSpan(info.start, info.end, doc.text[info.start : info.end]), info.speaker, info.cue
    )
