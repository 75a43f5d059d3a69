"""The report document: what a report says, as data, in no language.

``abide.reports.building`` makes it from the database for one tier; the renderers
(``html.py``, ``pdf.py``, ``jsonout.py``) turn it into a page, a PDF or the partners' JSON in
one language. A published report stores its two documents (``Report.snapshot``), so what was
published renders the same for ever, whatever changes in the database afterwards.

Everything in it is JSON: dates as ISO text, numbers, codes (category and status slugs,
ISO 3166 country codes) and, for names from the registry, the name in each language
(``Names``). Text people wrote (quotes, narratives, summaries) is kept in its own language with
that language's code (``Written``). Words abide writes (headings, status labels) are not in it:
the renderers translate them.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

#: Bumped when the shape changes; the JSON schema (``data/report.schema.json``) says which.
SCHEMA_VERSION = 1

#: ``{"en": "Azerbaijan", "ar": "أذربيجان", ...}``: every language of REPORT_LANGUAGES, English
#: standing in where a name is missing.
Names = dict[str, str]


class Written(TypedDict):
    """Text a person wrote, in the language they wrote it in, with translations people entered."""

    text: str
    language: str  # "en", "hy", ... ("" when unknown)
    translations: dict[str, str]  # language -> text, only those a person entered


class Named(TypedDict):
    slug: str
    names: Names


class PeriodInfo(TypedDict):
    kind: Literal["day", "week", "month", "range"]
    label: str  # "2023-W39", "2023-09", "2023-09-27", "2023-09-20/2023-09-30"
    start: str  # first day
    end: str  # last day (inclusive)


class Place(TypedDict):
    """Where, as the tier may show it: the public tier's coordinates are rounded to the
    observation's public precision (None where hidden) and finer names left out."""

    name: str  # the named place ("" when left out or unknown)
    admin1: str
    country: str  # ISO 3166-1 alpha-2 ("" when unknown)
    latitude: float | None
    longitude: float | None
    precision: str  # PublicPrecision value in the public tier, "exact"/place_precision inside


class Casualties(TypedDict):
    low: int
    best: int
    high: int


class Figure(TypedDict):
    """A headline figure: observations of a category (and sub-type, or None for the category's
    total) that began in the period and in the period before it of the same length."""

    category: Named
    subtype: Named | None
    direction: NotRequired[str]  # "undercuts", "supports", "neutral"; absent for all directions
    current: int
    previous: int
    change: int
    casualties: NotRequired[Casualties]  # of the current period, where any were counted
    #: The observations behind the figure: a link into /observations/ with the filters.
    observations_url: str


class Chain(TypedDict):
    relation: str  # registry Relation value ("said", "told", "reported", "published", ...)
    who: Names  # the person's or the party's name
    to: NotRequired[Names]  # whom "told" was said to (AttributionLink.to_person), where known


class Statement(TypedDict):
    quote: Written
    date: str | None
    source: dict  # {"title": str, "url": str, "published": str | None, "publisher": str}
    chain: list[Chain]


class CommitmentEntry(TypedDict):
    id: int
    url: str  # /tracker/<id>/
    kind: Literal["pledge", "demand"]
    obligor: Named | None
    demanded_by: Named | None
    category: Named
    text: Written
    date_made: str | None
    deadline: str | None
    status: str  # AssessmentStatus value for the period (the head of mission's where set)
    previous_status: str | None  # the same for the previous period
    changed: bool
    statements: list[Statement]
    walk_backs: list[dict]  # confirmed retractions: {"kind", "date", "quote": Written}
    #: Demands only: days the demand has been left unanswered at the period's end, or None.
    open_days: int | None


class OpenDemandEntry(TypedDict):
    commitment: int
    obligor: Named | None
    demanded_by: Named | None
    category: Named
    text: Written
    since: str | None
    age_days: int


class Incident(TypedDict):
    observation: int
    url: str  # /observations/<id>/
    start: str  # ISO date-time
    end: str
    category: Named
    subtype: Named | None
    place: Place
    narrative: Written | None  # None in the public tier where the narrative is not public


class MapPoint(TypedDict):
    latitude: float
    longitude: float
    category: str  # slug


class TrendPeriod(TypedDict):
    label: str
    start: str
    counts: dict[str, int]  # category slug -> observations


class AreaCoverage(TypedDict):
    country: str
    admin1: str
    patrols: int
    observations: int


class StatusChange(TypedDict):
    period: str  # label of the week
    start: str
    status: str


class Dossier(TypedDict):
    """What a commitment dossier adds: the commitment's whole life."""

    commitment: CommitmentEntry
    history: list[StatusChange]  # each ISO week assessed, oldest first
    evidence: list[Incident]  # the linked observations the tier may show
    retractions: list[dict]  # {"kind", "state", "date", "quote": Written, "reason": str}
    lifecycle: dict  # {"superseded_by": int | None, "superseded_on", "expires_on"}


class Document(TypedDict):
    schema: Literal[1]
    tier: Literal["internal", "public"]
    kind: Literal["period", "dossier"]
    report: dict  # {"id", "version", "state", "corrects": {"id", "note"} | None, "published_at"}
    generated_at: str
    period: PeriodInfo
    previous_period: PeriodInfo
    scope: dict  # {"countries": [...], "areas": [...], "commitments": [...]}
    summaries: list[Written]  # the analyst's summary: the original first, translations after
    figures: list[Figure]
    casualties: dict  # {"current": Casualties, "previous": Casualties}
    commitments: list[CommitmentEntry]
    open_demands: list[OpenDemandEntry]
    incidents: list[Incident]
    map: dict  # {"points": list[MapPoint], "bbox": [west, south, east, north] | None}
    trend: list[TrendPeriod]  # the eight periods of the report's kind up to this one
    coverage: dict  # {"areas": list[AreaCoverage], "not_assessable": list[int]}
    dossier: NotRequired[Dossier]
