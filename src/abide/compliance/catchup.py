"""Bringing links and statuses up to date after many observations arrive at once (an import).

``propose_links`` asks, commitment by commitment, which observations bear on it: a query per
commitment over every observation. After an import, only the new observations can bring new
links, so the catch-up reads them once, by the chunk, and matches each to the commitments it
may bear on through an index of the commitments by category, place (country or administrative
area; circles and polygons are tested one by one) and month. The rules are those of
``propose_links``: same category, inside the area, overlapping the time from the day the
commitment was made to its deadline, and naming the obligor (or, for an observation that
supports compliance, naming no actor at all). One audit entry per chunk of links.

Then only the assessments that exist and that the new observations bear on are assessed again:
those of the commitments they are linked to, over the periods their time touches, and those of
the commitments whose area they fall in, over the periods they began in (they count as
coverage). A period nobody assessed yet is assessed when someone asks for it, as after a
single new observation (``receivers.on_observation_changed``).

Running it twice is harmless: a link is proposed once, and assessing again gives the same.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from abide.accounts.models import User
from abide.audit.models import AuditEntry
from abide.audit.services import record_batch
from abide.compliance.access import can_assess
from abide.compliance.areas import Area, area_of
from abide.compliance.assessment import _assess_pairs
from abide.compliance.linking import linkable_commitments
from abide.compliance.models import Assessment, Link, LinkState, ObligorRole
from abide.compliance.periods import Period
from abide.core.bulk import insert_rows, new_ids, table
from abide.observations.days import Day
from abide.observations.models import Direction, ImportRun, Observation, ObservationActor
from abide.registry.models import Commitment

#: Observations read at once.
CHUNK = 5000
#: Places and months whose candidate commitments are kept at once.
KNOWN_PLACES = 100_000
#: (commitment, period) pairs assessed in one transaction.
PAIRS_AT_ONCE = 5000

#: An observation as matching reads it: its time by its days in UTC (as the commitments' days
#: are read), which cost less to read than times.
_COLUMNS = (
    "id",
    "category_id",
    "direction",
    "start_day",
    "end_day",
    "country",
    "admin1",
    "admin2",
    "latitude",
    "longitude",
)


@dataclass
class CatchUp:
    """What a catch-up did."""

    observations: int = 0
    links: int = 0
    assessments: int = 0
    commitments: set[int] = field(default_factory=set)

    def as_dict(self) -> dict:
        return {
            "observations": self.observations,
            "links": self.links,
            "assessments": self.assessments,
            "commitments": len(self.commitments),
        }


@dataclass(frozen=True)
class _Pledge:
    """What matching needs of a linkable commitment."""

    pk: int
    obligor: int
    category: int
    #: The day the commitment was made and its deadline (None: open at that end).
    start: dt.date | None
    end: dt.date | None
    area: Area

    def in_time(self, start: dt.date, end: dt.date) -> bool:
        """Whether an observation from the UTC day ``start`` to the UTC day ``end`` overlaps
        the commitment's time as ``propose_links`` reads it: from the start of the day it was
        made to the end of its deadline, in UTC."""
        return (self.start is None or end >= self.start) and (self.end is None or start <= self.end)


def _month(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _tokens(area: Area) -> list[str]:
    return [f"c:{code}" for code in area.countries] + [f"a:{name}" for name in area.admin_areas]


class _Index:
    """The linkable commitments, by category, place token and month."""

    def __init__(self, commitments: Iterable[Commitment]) -> None:
        self.pledges: list[_Pledge] = []
        #: (category, token) -> month -> pledges whose time is bounded at both ends.
        self.months: dict[tuple[int, str], dict[int, list[_Pledge]]] = defaultdict(
            lambda: defaultdict(list)
        )
        #: (category, token) -> pledges whose time is open at one end or both.
        self.open: dict[tuple[int, str], list[_Pledge]] = defaultdict(list)
        #: category -> pledges with circles or a polygon (tested one by one).
        self.shapes: dict[int, list[_Pledge]] = defaultdict(list)
        #: (category, country, admin1, admin2, first month, last month) -> candidates.
        self.known: dict[tuple, frozenset[_Pledge]] = {}
        for commitment in commitments:
            area = area_of(commitment)
            if area.empty:
                continue
            start, end = commitment.date_made, commitment.deadline
            pledge = _Pledge(
                commitment.pk, commitment.obligor_party_id, commitment.category_id, start, end, area
            )
            self.pledges.append(pledge)
            if area.circles or area.polygon is not None:
                self.shapes[pledge.category].append(pledge)
                continue
            for token in _tokens(area):
                key = (pledge.category, token)
                if start is None or end is None or start > end:
                    self.open[key].append(pledge)
                    continue
                for month in range(_month(start), _month(end) + 1):
                    self.months[key][month].append(pledge)

    def candidates(self, row: tuple) -> frozenset[_Pledge]:
        """The commitments of the observation's category whose place and month it shares,
        or whose area has a shape; to be tested exactly. Many observations share a place and
        months: each such set is worked out once (up to :data:`KNOWN_PLACES` at a time)."""
        _, category, _, start, end, country, admin1, admin2, _, _ = row
        key = (category, country, admin1, admin2, _month(start), _month(end))
        found = self.known.get(key)
        if found is None:
            if len(self.known) >= KNOWN_PLACES:
                self.known.clear()
            found = self.known[key] = frozenset(self._candidates(*key))
        return found

    def _candidates(
        self, category: int, country: str, admin1: str, admin2: str, first: int, last: int
    ) -> set[_Pledge]:
        found: set[_Pledge] = set(self.shapes.get(category, ()))
        tokens = [f"c:{country}"] if country else []
        tokens += [f"a:{name}" for name in (admin1, admin2) if name]
        months = range(first, last + 1)
        for token in tokens:
            key = (category, token)
            found.update(self.open.get(key, ()))
            by_month = self.months.get(key)
            if by_month:
                for month in months:
                    found.update(by_month.get(month, ()))
        return found


def _inside(area: Area, row: tuple) -> bool:
    """``Area.contains`` on a row of ``_COLUMNS``."""
    _, _, _, _, _, country, admin1, admin2, latitude, longitude = row
    if area.admin_areas and (admin1 in area.admin_areas or admin2 in area.admin_areas):
        return True
    return area.contains_point(latitude, longitude, country)


def _of_chunk(queryset: QuerySet, column: str, chunk: list[int], *fields: str) -> list[tuple]:
    """``fields`` of the rows of ``queryset`` whose ``column`` is one of ``chunk`` (ascending
    ids). Nearly a run of ids (new rows) is read by its range, which needs no parameter per
    id, and sifted here."""
    low, high = chunk[0], chunk[-1]
    if high - low + 1 > 2 * len(chunk):
        return list(queryset.filter(**{f"{column}__in": chunk}).order_by().values_list(*fields))
    wanted = set(chunk)
    at = fields.index(column)
    return [
        row
        for row in queryset.filter(**{f"{column}__gte": low, f"{column}__lte": high})
        .order_by()
        .values_list(*fields)
        if row[at] in wanted
    ]


def _rows(ids: list[int]) -> Iterator[tuple[list[tuple], dict[int, set], set[tuple[int, int]]]]:
    """The observations ``ids`` by the chunk, with their actors' parties (None: an actor that
    is no registry party) and their links (commitment, observation)."""
    ids = sorted(set(ids))
    for first in range(0, len(ids), CHUNK):
        chunk = ids[first : first + CHUNK]
        rows = _of_chunk(
            Observation.objects.annotate(
                start_day=Day("observed_start", tzinfo=dt.UTC),
                end_day=Day("observed_end", tzinfo=dt.UTC),
            ),
            "id",
            chunk,
            *_COLUMNS,
        )
        parties: dict[int, set] = defaultdict(set)
        for observation_id, party_id in _of_chunk(
            ObservationActor.objects.all(), "observation_id", chunk, "observation_id", "party_id"
        ):
            parties[observation_id].add(party_id)
        linked = set(
            _of_chunk(
                Link.objects.all(), "observation_id", chunk, "commitment_id", "observation_id"
            )
        )
        yield rows, parties, linked


def _days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


class _Touched:
    """The days on which new observations bear on each commitment."""

    def __init__(self, shapes: bool) -> None:
        #: Whether some area has circles or a polygon (only then are points kept).
        self.shapes = shapes
        #: commitment -> days of the observations newly linked to it (their whole time).
        self.linked: dict[int, set[dt.date]] = defaultdict(set)
        #: place token -> days new observations began on there (coverage).
        self.places: dict[str, set[dt.date]] = defaultdict(set)
        #: (day, latitude, longitude) of new observations with a point, for shaped areas.
        self.points: set[tuple[dt.date, float, float]] = set()

    def observed(self, row: tuple) -> None:
        _, _, _, day, _, country, admin1, admin2, latitude, longitude = row
        if country:
            self.places[f"c:{country}"].add(day)
        for name in (admin1, admin2):
            if name:
                self.places[f"a:{name}"].add(day)
        if self.shapes and latitude is not None and longitude is not None:
            self.points.add((day, latitude, longitude))

    def linked_to(self, commitment_id: int, row: tuple) -> None:
        self.linked[commitment_id].update(_days(row[3], row[4]))

    def days_of(self, pledge: _Pledge) -> list[dt.date]:
        days = set(self.linked.get(pledge.pk, ()))
        for token in _tokens(pledge.area):
            days |= self.places.get(token, set())
        if pledge.area.circles or pledge.area.polygon is not None:
            days.update(
                day
                for day, latitude, longitude in self.points
                if day not in days and pledge.area.contains_point(latitude, longitude)
            )
        return sorted(days)


def catch_up(observation_ids: Iterable[int], *, actor: User) -> CatchUp:
    """Propose the links of these (new or changed) observations to every confirmed commitment,
    and assess again the stored assessments they bear on; see the module's docstring."""
    if not can_assess(actor):
        raise PermissionDenied(_("only analysts and the head of mission assess commitments"))
    done = CatchUp()
    commitments = {c.pk: c for c in linkable_commitments().select_related("category")}
    index = _Index(commitments.values())
    touched = _Touched(shapes=any(index.shapes.values()))
    for rows, parties, linked in _rows(list(observation_ids)):
        done.observations += len(rows)
        links = []
        for row in rows:
            touched.observed(row)
            direction = row[2]
            if direction not in (Direction.SUPPORTS, Direction.UNDERCUTS):
                continue
            named = parties.get(row[0], set())
            unnamed = direction == Direction.SUPPORTS and not named
            if not unnamed and not (named - {None}):
                continue
            for pledge in index.candidates(row):
                if pledge.obligor in named:
                    role = ObligorRole.INVOLVED
                elif unnamed:
                    role = ObligorRole.NOT_NAMED
                else:
                    continue
                if not pledge.in_time(row[3], row[4]) or not _inside(pledge.area, row):
                    continue
                if (pledge.pk, row[0]) in linked:
                    continue
                links.append((pledge.pk, row[0], direction, role))
                touched.linked_to(pledge.pk, row)
        if links:
            _store_links(links, actor)
            done.links += len(links)
    done.assessments = _reassess(commitments, index, touched, actor, done)
    return done


#: The columns a proposed link is written with (the others are NULL).
_LINK_COLUMNS = ("id", "commitment_id", "observation_id", "state", "bearing", "obligor_role")
_LINK_TAIL = ("created_at", "reason")


def _store_links(links: list[tuple[int, int, str, str]], actor: User) -> None:
    """Write candidate links (commitment, observation, bearing, role), with one audit entry."""
    now = timezone.now()
    stamp = Link._meta.get_field("created_at").get_db_prep_save(now, connection)
    state = str(LinkState.CANDIDATE)
    with transaction.atomic():
        ids = new_ids(Link, len(links))
        insert_rows(
            table(Link),
            (*_LINK_COLUMNS, *_LINK_TAIL),
            [
                (pk, c, o, state, str(bearing), str(role), stamp, "")
                for pk, (c, o, bearing, role) in zip(ids, links, strict=True)
            ],
        )
        record_batch(
            actor=actor,
            action="propose links",
            model=Link,
            ids=ids,
            detail={"commitments": sorted({link[0] for link in links}), "links": len(links)},
        )


def _reassess(
    commitments: dict[int, Commitment],
    index: _Index,
    touched: _Touched,
    actor: User,
    done: CatchUp,
) -> int:
    """Assess again the stored assessments of the days ``touched``."""
    days = {pledge.pk: touched.days_of(pledge) for pledge in index.pledges}
    days = {pk: found for pk, found in days.items() if found}
    if not days:
        return 0
    wanted: list[tuple[int, Period]] = []
    for commitment_id, kind, start, end in (
        Assessment.objects.filter(commitment_id__in=list(days))
        .order_by()
        .values_list("commitment_id", "period_kind", "period_start", "period_end")
    ):
        found = days[commitment_id]
        at = bisect.bisect_left(found, start)
        if at < len(found) and found[at] < end:
            wanted.append((commitment_id, Period(kind, start, end)))
    if not wanted:
        return 0
    full = {
        c.pk: c
        for c in Commitment.objects.filter(pk__in={pk for pk, _ in wanted}).select_related(
            "category", "obligor_party", "scope", "lifecycle"
        )
    }
    wanted.sort(key=lambda pair: (pair[1], pair[0]))
    assessed = 0
    for first in range(0, len(wanted), PAIRS_AT_ONCE):
        pairs = [(full[pk], period) for pk, period in wanted[first : first + PAIRS_AT_ONCE]]
        assessed += len(_assess_pairs(pairs, actor=actor))
    done.commitments = {pk for pk, _ in wanted}
    return assessed


def observations_of_run(run: ImportRun) -> list[int]:
    """The observations an import run created or changed, as its audit entries name them."""
    ids: set[int] = set()
    entries = AuditEntry.objects.filter(
        action="import",
        object_type=Observation._meta.label_lower,
        created_at__gte=run.started_at,
        detail__sha256=run.file_sha256,
    ).values_list("touched", flat=True)
    for touched in entries.iterator(chunk_size=50):
        ids.update(int(item["id"]) for item in touched)
    return sorted(ids)


def catch_up_run(run: ImportRun, *, actor: User) -> CatchUp:
    """``catch_up`` of the observations an import run created or changed."""
    return catch_up(observations_of_run(run), actor=actor)
