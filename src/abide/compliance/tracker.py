"""The commitment tracker: each commitment's current status, its trend and its evidence.

What a user sees comes from the access helpers: the public sees confirmed commitments and,
as evidence, only the observations published to everyone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone

from abide.accounts.access import AnyUser, can_edit_registry, is_mission_reader
from abide.compliance.access import as_seen_by, can_link
from abide.compliance.demands import OpenDemand, unanswered_demands
from abide.compliance.models import (
    Assessment,
    AssessmentStatus,
    Link,
    LinkState,
    Retraction,
    RetractionState,
)
from abide.compliance.periods import Period, period_of
from abide.observations.access import get_observations_for
from abide.registry.access import get_commitments_for
from abide.registry.models import Commitment, ReviewState, Statement

#: Weeks shown in a commitment's trend.
TREND_WEEKS = 8


@dataclass
class TrendPoint:
    period: Period
    status: str

    @property
    def label(self) -> str:
        return AssessmentStatus(self.status).label


@dataclass
class TrackerRow:
    commitment: Commitment
    #: The latest weekly assessment up to this week, if any.
    current: Assessment | None
    trend: list[TrendPoint]
    #: The first day of the week whose status differs from the week before, if any.
    last_change: dt.date | None
    word: str
    #: Whether a confirmed later statement of the obligor walks the pledge back.
    walked_back: bool = False

    @property
    def status(self) -> str:
        return self.current.status if self.current else AssessmentStatus.NOT_YET

    @property
    def status_label(self) -> str:
        return AssessmentStatus(self.status).label


def on_whose_word(commitment: Commitment) -> str:
    """Who said it: the speaker of its first statement, else the demanding party."""
    statement = next(iter(commitment.statements.all()), None)
    if statement is not None:
        speaker = statement.speaker_person or statement.speaker_party
        if speaker is not None:
            return speaker.name
    demander = commitment.demanded_by_person or commitment.demanded_by_party
    return demander.name if demander else ""


def latest_week() -> dt.date:
    """The first day of the latest week assessed, if not in the future; else today."""
    today = timezone.now().date()
    latest = Assessment.objects.filter(period_kind="week", period_start__lte=today).aggregate(
        latest=Max("period_start")
    )["latest"]
    return latest or today


def _weeks(today: dt.date, count: int) -> list[Period]:
    last = period_of("week", today)
    return [period_of("week", last.start - dt.timedelta(weeks=n)) for n in range(count - 1, -1, -1)]


def tracker_commitments(
    user: AnyUser, *, party: str = "", category: str = "", kind: str = ""
) -> QuerySet[Commitment]:
    commitments = get_commitments_for(user).filter(review_state=ReviewState.CONFIRMED)
    commitments = commitments.prefetch_related(
        Prefetch(
            "statements",
            queryset=Statement.objects.select_related("speaker_person", "speaker_party"),
        )
    )
    if party:
        commitments = commitments.filter(obligor_party__slug=party)
    if category:
        commitments = commitments.filter(category__slug=category)
    if kind:
        commitments = commitments.filter(kind=kind)
    return commitments.order_by("-date_made", "pk")


def _rows(user: AnyUser, commitments: list[Commitment], periods: list[Period]) -> list[TrackerRow]:
    by_commitment: dict[int, dict[dt.date, Assessment]] = {}
    assessments = list(
        Assessment.objects.filter(
            commitment__in=commitments,
            period_kind="week",
            period_start__gte=periods[0].start,
            period_start__lte=periods[-1].start,
        )
    )
    as_seen_by(user, assessments)
    for assessment in assessments:
        by_commitment.setdefault(assessment.commitment_id, {})[assessment.period_start] = assessment
    walked_back = set(
        Retraction.objects.filter(
            commitment__in=commitments, state=RetractionState.CONFIRMED
        ).values_list("commitment_id", flat=True)
    )
    rows = []
    for commitment in commitments:
        found = by_commitment.get(commitment.pk, {})
        trend = [
            TrendPoint(period, found[period.start].status if period.start in found else "not_yet")
            for period in periods
        ]
        current = next(
            (found[period.start] for period in reversed(periods) if period.start in found), None
        )
        last_change = next(
            (
                later.period.start
                for earlier, later in zip(reversed(trend[:-1]), reversed(trend[1:]), strict=True)
                if earlier.status != later.status
            ),
            None,
        )
        rows.append(
            TrackerRow(
                commitment,
                current,
                trend,
                last_change,
                on_whose_word(commitment),
                commitment.pk in walked_back,
            )
        )
    return rows


def tracker_rows(
    user: AnyUser,
    *,
    party: str = "",
    category: str = "",
    kind: str = "",
    status: str = "",
    today: dt.date | None = None,
    period: Period | None = None,
    weeks: int = TREND_WEEKS,
) -> list[TrackerRow]:
    """One row per commitment the user may see, with its weekly status over ``weeks`` weeks
    up to the week of ``today`` (the latest week assessed is its current status). With a
    ``period`` (a day, week or month), the status is that period's, and the trend ends there."""
    end = period.start if period is not None else today or latest_week()
    commitments = list(tracker_commitments(user, party=party, category=category, kind=kind))
    rows = _rows(user, commitments, _weeks(end, weeks))
    if period is not None:
        chosen = list(
            Assessment.objects.filter(
                commitment__in=commitments, period_kind=period.kind, period_start=period.start
            )
        )
        as_seen_by(user, chosen)
        of_period = {assessment.commitment_id: assessment for assessment in chosen}
        for row in rows:
            row.current = of_period.get(row.commitment.pk)
    return [row for row in rows if not status or row.status == status]


#: Rows on one page of the tracker.
PER_PAGE = 100


@dataclass
class TrackerPage:
    rows: list[TrackerRow]
    number: int
    pages: int


def tracker_page(
    user: AnyUser,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    party: str = "",
    category: str = "",
    kind: str = "",
    status: str = "",
) -> TrackerPage:
    """One page of the tracker. Without a status to filter by, only the page's commitments
    are looked at; with one, every commitment's status is needed to know which match."""
    filters = {"party": party, "category": category, "kind": kind}
    if status:
        rows = tracker_rows(user, status=status, **filters)
        pages = max(1, -(-len(rows) // per_page))
        number = min(max(page, 1), pages)
        return TrackerPage(rows[(number - 1) * per_page : number * per_page], number, pages)
    commitments = tracker_commitments(user, **filters)
    pages = max(1, -(-commitments.count() // per_page))
    number = min(max(page, 1), pages)
    chosen = list(commitments[(number - 1) * per_page : number * per_page])
    rows = _rows(user, chosen, _weeks(latest_week(), TREND_WEEKS)) if chosen else []
    return TrackerPage(rows, number, pages)


def tracker_row(
    commitment: Commitment,
    *,
    user: AnyUser,
    today: dt.date | None = None,
    weeks: int = TREND_WEEKS,
) -> TrackerRow:
    """The tracker's row of one commitment as ``user`` sees it (the caller checked that the
    user may see the commitment)."""
    return _rows(user, [commitment], _weeks(today or latest_week(), weeks))[0]


@dataclass
class CommitmentDetail:
    commitment: Commitment
    history: list[Assessment]
    #: Links the user may see: confirmed ones (and, for the mission, candidates too).
    links: list[Link]
    statements: list[Statement]
    word: str
    #: Confirmed retractions: what the public sees.
    retractions: list
    evidence: dict[int, list[int]] = field(default_factory=dict)
    #: Retractions abide proposed, for those who review them (empty for everyone else).
    proposed_retractions: list = field(default_factory=list)


def commitment_detail(user: AnyUser, commitment: Commitment) -> CommitmentDetail:
    """A commitment's statements with their chains, its status history and its evidence,
    as far as ``user`` may see them."""
    visible = get_observations_for(user)
    states = [LinkState.CONFIRMED]
    if is_mission_reader(user):
        states.append(LinkState.CANDIDATE)
    if can_link(user):  # rejected links too, for those who may reopen them
        states.append(LinkState.REJECTED)
    links = list(
        Link.objects.filter(commitment=commitment, state__in=states, observation__in=visible)
        .select_related("observation__category", "observation__subtype")
        .order_by("-observation__observed_start")
    )
    history = list(
        Assessment.objects.filter(commitment=commitment)
        .prefetch_related(Prefetch("observations", queryset=visible.only("id")))
        .order_by("-period_start", "period_kind")
    )
    as_seen_by(user, history)
    statements = list(
        commitment.statements.select_related("source", "speaker_person", "speaker_party")
        .prefetch_related("chain__person", "chain__party", "chain__to_person")
        .order_by("date_spoken", "pk")
    )
    return CommitmentDetail(
        commitment,
        history,
        links,
        statements,
        on_whose_word(commitment),
        list(_retractions(commitment).filter(state=RetractionState.CONFIRMED)),
        {a.pk: [o.pk for o in a.observations.all()] for a in history},
        proposed_retractions_for(user, commitment),
    )


def _retractions(commitment: Commitment) -> QuerySet[Retraction]:
    return commitment.retractions.select_related(
        "statement__source", "statement__speaker_person", "walk_back"
    )


def proposed_retractions_for(user: AnyUser, commitment: Commitment) -> list[Retraction]:
    """The retractions abide proposed for ``commitment``, for those who review them only."""
    if not can_edit_registry(user):
        return []
    return list(_retractions(commitment).filter(state=RetractionState.PROPOSED))


def unanswered_demands_for(user: AnyUser, on: dt.date | None = None) -> list[OpenDemand]:
    """The open demands ``user`` may see, the longest open first."""
    visible = set(get_commitments_for(user).values_list("pk", flat=True))
    return [
        item
        for item in unanswered_demands(on or timezone.now().date())
        if item.demand.pk in visible
    ]
