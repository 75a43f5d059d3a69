"""The mission's figures: observations per category and direction in a period against the
one before, commitments per status, and the review queues' size and age.

Every function takes the user and counts only what the ``get_*_for`` helpers let that user
see, so the public home page and the mission's dashboard are the same code and the public
version cannot count what is not published.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from abide.accounts.access import AnyUser, can_edit_registry
from abide.compliance.access import as_seen_by, can_link, sees_assessments_as_computed
from abide.compliance.models import (
    Assessment,
    AssessmentStatus,
    Link,
    LinkState,
    Retraction,
    RetractionState,
)
from abide.compliance.periods import Period, parse_period, period_of
from abide.observations.access import can_verify_observations, get_observations_for
from abide.observations.models import Direction, Status
from abide.registry.access import get_commitments_for
from abide.registry.models import Category, Commitment, ReviewState


def chosen_period(text: str | None, today: dt.date) -> Period:
    """The period asked for (``2023-W39``, ``2023-09``, ``2023-09-27``); ValueError when the
    text is not one. Without one, the week of ``today``."""
    if not text:
        return period_of("week", today)
    return parse_period(text)


def previous_period(period: Period) -> Period:
    """The period of the same kind just before ``period``."""
    return period_of(period.kind, period.start - dt.timedelta(days=1))


@dataclass
class CategoryFigures:
    """A category's observations in the period and the one before, per direction."""

    category: Category
    current: dict[str, int] = field(default_factory=dict)
    previous: dict[str, int] = field(default_factory=dict)

    @property
    def current_total(self) -> int:
        return sum(self.current.values())

    @property
    def previous_total(self) -> int:
        return sum(self.previous.values())

    @property
    def change(self) -> int:
        return self.current_total - self.previous_total

    def rows(self) -> list[tuple[str, str, int, int, int]]:
        """(direction, its label, now, before, change) for each direction."""
        return [
            (
                value,
                label,
                self.current.get(value, 0),
                self.previous.get(value, 0),
                self.current.get(value, 0) - self.previous.get(value, 0),
            )
            for value, label in Direction.choices
        ]


def observation_figures(user: AnyUser, period: Period) -> list[CategoryFigures]:
    """Per category (every one, in order), the observations ``user`` may see that began in
    ``period`` and in the period before it, per direction. One query."""
    before = previous_period(period)
    counts = (
        get_observations_for(user)
        .filter(observed_start__gte=before.start_time, observed_start__lt=period.end_time)
        .order_by()
        .values("category_id", "direction")
        .annotate(
            now=Count("pk", filter=Q(observed_start__gte=period.start_time)),
            then=Count("pk", filter=Q(observed_start__lt=period.start_time)),
        )
    )
    figures = {c.pk: CategoryFigures(c) for c in Category.objects.order_by("position")}
    for row in counts:
        entry = figures[row["category_id"]]
        entry.current[row["direction"]] = row["now"]
        entry.previous[row["direction"]] = row["then"]
    return list(figures.values())


def commitment_statuses(user: AnyUser, period: Period) -> list[tuple[str, str, int]]:
    """(status, its label, count) of the stored assessments of ``period`` of the commitments
    ``user`` may see, the head of mission's status where set; every status, in order."""
    status = Coalesce(
        NullIf("override_status", Value("")), "computed_status", output_field=CharField()
    )
    assessments = (
        Assessment.objects.filter(
            period_kind=period.kind,
            period_start=period.start,
        )
        .filter(Exists(get_commitments_for(user).order_by().filter(pk=OuterRef("commitment_id"))))
        .order_by()
    )
    if sees_assessments_as_computed(user):
        counts = dict(
            assessments.annotate(status=status)
            .values("status")
            .annotate(count=Count("pk"))
            .values_list("status", "count")
        )
        choices = [c for c in AssessmentStatus.choices if c[0] != AssessmentStatus.WITHHELD]
    else:  # withheld where it rests only on what the reader may not see
        shown = list(
            assessments.only(
                "pk",
                "commitment_id",
                "computed_status",
                "override_status",
                "coverage_patrols",
                "coverage_public_observations",
            )
        )
        as_seen_by(user, shown)
        counts = Counter(assessment.status for assessment in shown)
        choices = AssessmentStatus.choices
    return [(value, label, counts.get(value, 0)) for value, label in choices]


#: A queue's size is counted up to this many items; beyond, it says "more than" (counting a
#: million reported observations would take longer than the whole dashboard may).
QUEUE_COUNT_LIMIT = 10_000


@dataclass
class Queue:
    """One review queue: what it holds, how many, since when, and where it is reviewed."""

    key: str
    label: str
    count: int
    oldest: dt.datetime | None
    url: str

    @property
    def more(self) -> bool:
        """Whether it holds more than :data:`QUEUE_COUNT_LIMIT` items (``count`` is the limit)."""
        return self.count > QUEUE_COUNT_LIMIT

    @property
    def shown(self) -> int:
        return min(self.count, QUEUE_COUNT_LIMIT)


def _queue(key: str, label: str, rows: QuerySet, time_field: str, url: str) -> Queue:
    """The queue's size (up to the limit) and its oldest item's time: both read along the
    queue's own index (ordered as the queue is), so neither scans the table."""
    ordered = rows.order_by(time_field, "pk")
    count = ordered.values("pk")[: QUEUE_COUNT_LIMIT + 1].count()
    oldest = ordered.values_list(time_field, flat=True).first()
    return Queue(key, str(label), count, oldest, url)


def queue_sizes(user: AnyUser) -> list[Queue]:
    """The review queues ``user`` works on (none for anyone else), with their size and the
    time of their oldest item."""
    queues = []
    if can_edit_registry(user):
        queues.append(
            _queue(
                "commitments",
                _("Proposed commitments"),
                Commitment.objects.filter(review_state=ReviewState.PROPOSED),
                "created_at",
                reverse("registry:review"),
            )
        )
    if can_verify_observations(user):
        queues.append(
            _queue(
                "observations",
                _("Reported observations"),
                get_observations_for(user).filter(status=Status.REPORTED),
                "reported_at",
                reverse("observations:review"),
            )
        )
    if can_link(user):
        queues.append(
            _queue(
                "links",
                _("Candidate links"),
                Link.objects.filter(state=LinkState.CANDIDATE),
                "created_at",
                reverse("compliance:link-queue"),
            )
        )
    if can_edit_registry(user):
        queues.append(
            _queue(
                "retractions",
                _("Proposed retractions"),
                Retraction.objects.filter(state=RetractionState.PROPOSED),
                "flagged_at",
                reverse("compliance:retraction-queue"),
            )
        )
    return queues
