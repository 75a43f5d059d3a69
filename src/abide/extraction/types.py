"""What the extractor finds, as plain dataclasses (no Django, no spaCy objects)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Span:
    """Characters ``start:end`` of the document's body text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Dateline:
    place: str
    month: int | None
    day: int | None
    agency: str
    date: dt.date | None = None


@dataclass(frozen=True)
class Actor:
    """Someone who speaks, is spoken to or must act: a person and/or a party of the registry.

    ``person`` and ``party`` are registry identifiers; ``name`` is how the text names them.
    An actor the registry does not know has ids of None and ``proposed`` set. A party may speak
    through an ``institution`` (its ministry, its president's office).
    """

    name: str
    person: str | None = None
    party: str | None = None
    person_name: str | None = None
    party_name: str | None = None
    proposed: bool = False
    #: the institution of the party that speaks ("U.S. State Department"), if one does
    institution: str | None = None

    @property
    def label(self) -> str:
        return self.person_name or self.institution or self.party_name or self.name

    @property
    def is_person(self) -> bool:
        """A person, of the registry or proposed (not a party or its institution)."""
        return bool(self.person or self.person_name)


@dataclass(frozen=True)
class PlaceRef:
    """A place of the gazetteer (GeoNames)."""

    geonameid: int
    name: str
    country_code: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Link:
    """One link of a chain of attribution: ``actor`` *relation* (``to``)."""

    relation: str  # said, told, reported, published
    actor: Actor
    to: Actor | None = None


@dataclass(frozen=True)
class Quote:
    span: Span
    speaker: Actor | None
    cue: str = ""


@dataclass(frozen=True)
class Statement:
    span: Span
    mode: str  # verbatim, paraphrase
    speaker: Actor | None
    addressee: Actor | None
    date_spoken: dt.date | None
    chain: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Commitment:
    kind: str  # pledge, demand
    category: str
    obligor: Actor | None  # None: the text does not say who would act
    demanded_by: Actor | None
    text: str
    evidence: tuple[Span, ...]
    statements: tuple[int, ...]  # indices into ExtractionResult.statements
    confidence: float
    condition: str = ""
    scope_area: str = ""
    scope_place: PlaceRef | None = None  # the area as a place of the gazetteer, where it is one
    scope_population: str = ""
    date_made: dt.date | None = None
    deadline: dt.date | None = None


@dataclass(frozen=True)
class WalkBack:
    """Where a party refuses, denies or puts conditions on what it may have promised: "we will
    never accept", "Baku refused to reopen the road", "only if ...". Abide later matches it
    against the party's earlier pledges of the same category."""

    kind: str  # refuses, denies, conditions
    category: str
    actor: Actor
    text: str
    evidence: Span
    statement: int  # index into ExtractionResult.statements
    confidence: float
    condition: str = ""
    date: dt.date | None = None


@dataclass(frozen=True)
class Proposal:
    """A person or party the text names that the registry does not know yet."""

    kind: str  # person, party
    name: str
    mentions: int


@dataclass
class Document:
    """A document read from plain text, Markdown with front matter, or HTML."""

    title: str
    body: str
    language: str
    published: dt.date | None = None
    dateline: Dateline | None = None
    publisher: str = ""
    url: str = ""
    metadata: dict = field(default_factory=dict)

    @property
    def words(self) -> int:
        return len(self.body.split())

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.words / 230))


@dataclass
class ExtractionResult:
    document: Document
    quotes: list[Quote] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    walk_backs: list[WalkBack] = field(default_factory=list)
    extracted: bool = True  # False: a language the extractor does not read

    def as_dict(self) -> dict:
        return asdict(self)
