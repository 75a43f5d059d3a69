"""The commitment tracker: each commitment's current status, its trend and its evidence.

What a user sees comes from the access helpers: the public sees confirmed commitments and,
as evidence, only the observations published to everyone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Case, F, Max, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from abide.accounts.access import AnyUser, can_edit_registry, is_mission_reader
from abide.compliance.access import (
    RESTING_ON_OBSERVATIONS,
    as_seen_by,
    can_link,
    sees_assessments_as_computed,
)
from abide.compliance.current import bring_due_up_to_date
from abide.compliance.cursor import Cursor, make_cursor, sort_and_direction
from abide.compliance.demands import OpenDemand, as_open, open_demands
from abide.compliance.models import (
    Assessment,
    AssessmentStatus,
    Link,
    LinkState,
    Retraction,
    RetractionState,
)
from abide.compliance.periods import Period, period_of
from abide.compliance.status_order import NOT_YET_RANK
from abide.compliance.status_order import STATUS_ORDER as STATUS_ORDER  # where it was defined
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


#: What the tracker sorts by (``sort``), and the column each stands for.
SORTS = {
    "date_made": "date_made",
    "deadline": "deadline",
    "status": "status_rank",
    "obligor": "obligor_party__name_en",
    "category": "category__position",
    "id": "pk",
}
ORDERS = ("asc", "desc")


def current_weeks(weeks: int = TREND_WEEKS, today: dt.date | None = None) -> list[Period]:
    """The weeks the tracker shows, up to the latest week assessed (the stored current
    statuses brought up to date first, where a week assessed ahead has come)."""
    bring_due_up_to_date()
    return _weeks(today or latest_week(), weeks)


def _status_column(user: AnyUser) -> str:
    return "status" if sees_assessments_as_computed(user) else "public_status"


def _rank_column(user: AnyUser) -> str:
    return "rank" if sees_assessments_as_computed(user) else "public_rank"


def with_current_status(
    commitments: QuerySet[Commitment], user: AnyUser, since: dt.date
) -> QuerySet[Commitment]:
    """``commitments`` with ``current`` (the status ``user`` is shown: the stored current
    status where its week is not before ``since``, else "not yet assessed") and its rank
    (``status_rank``: the stored rank of that status, that of "not yet assessed" otherwise)."""
    shown = Case(
        When(
            current_status__week__gte=since,
            then=F(f"current_status__{_status_column(user)}"),
        ),
        default=Value(AssessmentStatus.NOT_YET),
    )
    rank = Case(
        When(current_status__week__gte=since, then=F(f"current_status__{_rank_column(user)}")),
        default=Value(NOT_YET_RANK),
    )
    return commitments.annotate(current=shown).annotate(status_rank=rank)


def _status_later(
    user: AnyUser, since: dt.date, key: int, pk: int, descending: bool
) -> list[tuple[Q, bool]]:
    """The rows after (rank ``key``, ``pk``) in the order by the status shown then the id, as
    ranges to read one after the other, each with whether it is read in the stored rank's order
    (its index's) or by the id alone: the current statuses ranked before "not yet assessed",
    and those shown "not yet assessed" (none stored, not current since ``since``, or not yet
    assessed)."""
    column = f"current_status__{_rank_column(user)}"
    fresh = Q(current_status__week__gte=since)
    not_yet = (
        Q(current_status__isnull=True)
        | Q(current_status__week__lt=since)
        | Q(**{column: NOT_YET_RANK})
    )
    beyond = Q(**{f"pk__{'lt' if descending else 'gt'}": pk})
    if key >= NOT_YET_RANK:
        ranges = [(not_yet & beyond, False)]
        if descending:
            ranges.append((fresh & Q(**{f"{column}__lt": NOT_YET_RANK}), True))
        return ranges
    on = "lt" if descending else "gt"
    ranked = fresh & Q(**{f"{column}__{on}e": key}) & (Q(**{f"{column}__{on}": key}) | beyond)
    if descending:
        return [(ranked, True)]
    return [(ranked & Q(**{f"{column}__lt": NOT_YET_RANK}), True), (not_yet, False)]


def _current_is(user: AnyUser, status: str, since: dt.date) -> Q:
    """Commitments whose current status (as ``user`` is shown it) is ``status``, in terms the
    indexes of the stored statuses answer."""
    column = f"current_status__{_status_column(user)}"
    if status == AssessmentStatus.NOT_YET:
        return (
            Q(current_status__week__isnull=True)
            | Q(current_status__week__lt=since)
            | Q(**{column: status})
        )
    return Q(**{column: status, "current_status__week__gte": since})


def _in_period_is(
    user: AnyUser, commitments: QuerySet[Commitment], period: Period, status: str
) -> Q:
    """Commitments whose status in ``period`` (as ``user`` is shown it) is ``status``."""
    of_period = Assessment.objects.filter(period_kind=period.kind, period_start=period.start)
    as_set = Q(override_status=status) | Q(override_status="", computed_status=status)
    if status == AssessmentStatus.NOT_YET:  # never withheld: the same for every reader
        return ~Q(pk__in=of_period.exclude(as_set).values("commitment_id"))
    if sees_assessments_as_computed(user):
        return Q(pk__in=of_period.filter(as_set).values("commitment_id"))
    # Outside the mission a computed status resting on observations may be withheld: the
    # candidates are worked out as the reader is shown them, and those that differ left out.
    resting = Q(override_status="", computed_status__in=RESTING_ON_OBSERVATIONS)
    if status == AssessmentStatus.WITHHELD:
        candidates, keep = of_period.filter(resting), True
    elif status in RESTING_ON_OBSERVATIONS:
        candidates, keep = of_period.filter(as_set & resting), False
    else:
        return Q(pk__in=of_period.filter(as_set).values("commitment_id"))
    found = list(candidates.filter(commitment__in=commitments.values("pk")))
    as_seen_by(user, found)
    withheld = [a.commitment_id for a in found if a.status == AssessmentStatus.WITHHELD]
    if keep:
        return Q(pk__in=withheld)
    return Q(pk__in=of_period.filter(as_set).values("commitment_id")) & ~Q(pk__in=withheld)


def tracker_commitments(
    user: AnyUser,
    *,
    party: str = "",
    category: str = "",
    kind: str = "",
    status: str = "",
    sort: str = "",
    order: str = "",
    since: dt.date | None = None,
    period: Period | None = None,
) -> QuerySet[Commitment]:
    """The confirmed commitments ``user`` may see, filtered and sorted in the database: by
    their current status (their latest weekly assessment from ``since`` on) or, with a
    ``period``, by their status in that period. Latest made first by default."""
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
    if since is None and (status or sort == "status"):
        since = current_weeks()[0].start
    if status and period is not None:
        commitments = commitments.filter(_in_period_is(user, commitments, period, status))
    elif status:
        commitments = commitments.filter(_current_is(user, status, since))
    if sort == "status":
        commitments = with_current_status(commitments, user, since)
    sort, descending = sort_and_direction(sort if sort in SORTS else "", order)
    column = SORTS[sort]
    if descending:
        return commitments.order_by(F(column).desc(), "-pk")
    return commitments.order_by(F(column).asc(), "pk")


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


def _nulls_largest() -> bool:
    """Whether the database sorts an empty key (NULL) after every other (PostgreSQL) or before
    (SQLite): the cursors follow the order the database gives."""
    return connection.vendor == "postgresql"


def later_ranges(column: str, key: Any, pk: int, descending: bool) -> list[Q]:
    """The rows after (``key``, ``pk``) in the order by ``column`` then the id, as ranges to
    read one after the other (each one an index range: an ``OR`` with the empty keys would
    make the database walk the whole order)."""
    on = "lt" if descending else "gt"
    beyond = Q(**{f"pk__{on}": pk})
    nulls_last = _nulls_largest() != descending
    if key is None:
        ties = Q(**{f"{column}__isnull": True}) & beyond
        return [ties] if nulls_last else [ties, Q(**{f"{column}__isnull": False})]
    if column == "pk":
        return [beyond]
    ranges = [Q(**{f"{column}__{on}e": key}) & (Q(**{f"{column}__{on}": key}) | beyond)]
    if nulls_last:
        ranges.append(Q(**{f"{column}__isnull": True}))
    return ranges


class TrackerRows:
    """The tracker's rows of the commitments a query finds, built only for the part asked for
    (a page): ``len`` counts them in the database, a slice fetches and builds those rows, and
    :meth:`after` / :meth:`before` a page next to a cursor (by an index range, at any depth).
    ``first`` and ``last`` are the cursors of the rows last fetched."""

    def __init__(
        self,
        user: AnyUser,
        commitments: QuerySet[Commitment],
        periods: list[Period],
        *,
        period: Period | None = None,
        sort: str = "",
        order: str = "",
        counted: QuerySet[Commitment] | None = None,
        since: dt.date | None = None,
    ) -> None:
        self.user, self.commitments, self.periods, self.period = user, commitments, periods, period
        #: The first week whose assessment is current (what the sort by status shows).
        self.since = since
        #: What ``len`` counts: the same commitments without what only the order needs.
        self.counted = counted if counted is not None else commitments
        self.sort, self.descending = sort_and_direction(sort if sort in SORTS else "", order)
        self.column = SORTS[self.sort]
        self._count: int | None = None
        self.first: Cursor | None = None
        self.last: Cursor | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = self.counted.order_by().count()
        return self._count

    def _keys(self, commitments: QuerySet[Commitment]) -> QuerySet:
        if self.column == "pk":
            return commitments.values_list("pk", "pk")
        return commitments.values_list(self.column, "pk")

    def __getitem__(self, part: slice) -> list[TrackerRow]:
        # The page's ids first, through the narrow index the order follows (a deep page skips
        # ids, not joined rows), then those commitments with everything a row shows.
        return self._build(list(self._keys(self.commitments)[part]))

    def after(self, cursor: Cursor, size: int) -> tuple[list[TrackerRow], bool]:
        """The ``size`` rows after ``cursor``, and whether more follow."""
        keys = self._walk(self.commitments, cursor, size + 1, self.descending)
        return self._build(keys[:size]), len(keys) > size

    def before(self, cursor: Cursor, size: int) -> tuple[list[TrackerRow], bool]:
        """The ``size`` rows before ``cursor``, and whether more come before them."""
        keys = self._walk(self.commitments.reverse(), cursor, size + 1, not self.descending)
        return self._build(keys[:size][::-1]), len(keys) > size

    def _walk(
        self, commitments: QuerySet[Commitment], cursor: Cursor, size: int, descending: bool
    ) -> list[tuple[Any, int]]:
        # One index range after another (a second only for a page that reaches past the rows
        # with a key into those without: dates or obligors unknown).
        keys: list[tuple[Any, int]] = []
        for part, order in self._ranges(cursor, descending):
            found = commitments.filter(part)
            if order:
                found = found.order_by(*order)
            keys += self._keys(found)[: size - len(keys)]
            if len(keys) >= size:
                break
        return keys

    def _ranges(self, cursor: Cursor, descending: bool) -> list[tuple[Q, list[Any]]]:
        """The ranges to read after ``cursor``, each with the order to read it in (empty: the
        list's). By status, each range is read in the stored rank's order: its index's."""
        if self.sort != "status" or self.since is None:
            return [
                (part, []) for part in later_ranges(self.column, cursor.key, cursor.id, descending)
            ]
        # In the list's direction: a walk backwards reads a reversed query, which turns these.
        rank = F(f"current_status__{_rank_column(self.user)}")
        in_rank = [rank.desc(), "-pk"] if self.descending else [rank.asc(), "pk"]
        by_id = ["-pk"] if self.descending else ["pk"]
        ranges = _status_later(self.user, self.since, cursor.key, cursor.id, descending)
        return [(part, in_rank if by_rank else by_id) for part, by_rank in ranges]

    def cursor(self, key: Any, pk: int) -> Cursor:
        return make_cursor(self.sort, "desc" if self.descending else "asc", key, pk)

    def _build(self, keys: list[tuple[Any, int]]) -> list[TrackerRow]:
        if not keys:
            self.first = self.last = None
            return []
        self.first, self.last = self.cursor(*keys[0]), self.cursor(*keys[-1])
        ids = [pk for _key, pk in keys]
        found = self.commitments.order_by().filter(pk__in=ids).in_bulk()
        chosen = [found[pk] for pk in ids]
        rows = _rows(self.user, chosen, self.periods)
        if self.period is not None:
            of_period = list(
                Assessment.objects.filter(
                    commitment__in=chosen,
                    period_kind=self.period.kind,
                    period_start=self.period.start,
                )
            )
            as_seen_by(self.user, of_period)
            by_commitment = {assessment.commitment_id: assessment for assessment in of_period}
            for row in rows:
                row.current = by_commitment.get(row.commitment.pk)
        return rows


def tracker_query(
    user: AnyUser,
    *,
    party: str = "",
    category: str = "",
    kind: str = "",
    status: str = "",
    sort: str = "",
    order: str = "",
    period: Period | None = None,
) -> TrackerRows:
    """The tracker's rows for ``user``, filtered, sorted and paged in the database: each with
    its current status (or its status in ``period``) and its weekly trend up to then."""
    now = current_weeks()
    weeks = _weeks(period.start, TREND_WEEKS) if period is not None else now
    filters = {
        "party": party,
        "category": category,
        "kind": kind,
        "status": status,
        "since": now[0].start,
        "period": period,
    }
    commitments = tracker_commitments(user, sort=sort, order=order, **filters)
    # the count needs neither the status shown nor its rank
    counted = tracker_commitments(user, **filters) if sort == "status" else commitments
    return TrackerRows(
        user,
        commitments,
        weeks,
        period=period,
        sort=sort,
        order=order,
        counted=counted,
        since=now[0].start,
    )


@dataclass
class TrackerPage:
    rows: list[TrackerRow]
    #: The page's number (None for a page found by a cursor: its depth is not counted).
    number: int | None
    pages: int
    #: How many commitments match, on every page.
    count: int = 0
    #: The cursors of the pages after and before this one (None where there is none).
    next: str | None = None
    previous: str | None = None


def tracker_page(
    user: AnyUser,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    party: str = "",
    category: str = "",
    kind: str = "",
    status: str = "",
    sort: str = "",
    order: str = "",
    after: Cursor | None = None,
    before: Cursor | None = None,
) -> TrackerPage:
    """One page of the tracker (a page beyond the last is the last): only the page's
    commitments are read, whatever the filters and the page. With a cursor (``after`` or
    ``before``, of this sort and order) the page next to it, found by an index range; one
    with nothing next to it is the first page."""
    rows = tracker_query(
        user, party=party, category=category, kind=kind, status=status, sort=sort, order=order
    )
    count = len(rows)
    pages = max(1, -(-count // per_page))
    if after is not None or before is not None:
        if after is not None:
            found, more = rows.after(after, per_page)
            has_previous, has_next = bool(found), more
        else:
            found, more = rows.before(before, per_page)
            has_previous, has_next = more, bool(found)
        if found:
            return TrackerPage(
                found,
                None if has_previous else 1,
                pages,
                count,
                rows.last.encode() if has_next and rows.last else None,
                rows.first.encode() if has_previous and rows.first else None,
            )
        page = 1
    number = min(max(page, 1), pages)
    found = rows[(number - 1) * per_page : number * per_page]
    return TrackerPage(
        found,
        number,
        pages,
        count,
        rows.last.encode() if number < pages and rows.last else None,
        rows.first.encode() if number > 1 and rows.first else None,
    )


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


def unanswered_demands_for(
    user: AnyUser, on: dt.date | None = None, *, limit: int | None = None
) -> list[OpenDemand]:
    """The open demands ``user`` may see, the longest open first (the first ``limit`` of
    them), found in SQL: no commitment is read but those answered."""
    on = on or timezone.now().date()
    demands = open_demands(on).filter(pk__in=get_commitments_for(user).order_by().values("pk"))
    return as_open(demands[:limit] if limit is not None else demands, on)


def count_unanswered_demands_for(user: AnyUser, on: dt.date | None = None) -> int:
    """How many open demands ``user`` may see (counted in SQL)."""
    on = on or timezone.now().date()
    return (
        open_demands(on)
        .filter(pk__in=get_commitments_for(user).order_by().values("pk"))
        .order_by()
        .count()
    )
