"""Demands and their answers: a demand is answered when its obligor makes a matching pledge.

The rule: a confirmed demand is answered by a confirmed pledge of its obligor in its category
made the same day or later (any day, when the demand's day is unknown). The rule itself says
whether a demand is open, whether or not the answer was recorded (``answer_demands`` records it
as the demand's ``answered_by``): in the demo, Aliyev's "no further military action" answers
Blinken's call to "stop any further hostilities" on the day it was made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from abide.accounts.models import User
from abide.registry.models import Commitment, CommitmentKind, ReviewState
from abide.registry.services import link_demand_to_pledge


def _confirmed(kind: str) -> QuerySet[Commitment]:
    return Commitment.objects.filter(
        kind=kind, review_state=ReviewState.CONFIRMED, obligor_party__isnull=False
    )


def matching_pledge(demand: Commitment) -> Commitment | None:
    """The first confirmed pledge of the demand's obligor in its category made on or after
    the day of the demand (any day, when the demand's is unknown)."""
    pledges = _confirmed(CommitmentKind.PLEDGE).filter(
        obligor_party_id=demand.obligor_party_id, category_id=demand.category_id
    )
    if demand.date_made:
        pledges = pledges.filter(date_made__gte=demand.date_made)
    return pledges.order_by("date_made", "id").first()


def answer_demands(*, actor: User) -> list[Commitment]:
    """Link every unanswered confirmed demand that a pledge now answers; the demands linked."""
    answered = []
    for demand in _confirmed(CommitmentKind.DEMAND).filter(answered_by__isnull=True):
        pledge = matching_pledge(demand)
        if pledge is not None:
            answered.append(link_demand_to_pledge(demand, pledge, actor=actor))
    return answered


@dataclass(frozen=True)
class OpenDemand:
    demand: Commitment
    #: Days since the demand was made, on the day asked about (None when its date is unknown).
    days_open: int | None


def open_demands(on: dt.date) -> QuerySet[Commitment]:
    """Confirmed demands made by ``on`` that no pledge made by ``on`` answers (by the rule
    above, recorded or not), the longest open first (those of an unknown day last), in SQL."""
    pledges = (
        _confirmed(CommitmentKind.PLEDGE)
        .filter(obligor_party_id=OuterRef("obligor_party_id"), category_id=OuterRef("category_id"))
        .exclude(date_made__gt=on)
    )
    return (
        _confirmed(CommitmentKind.DEMAND)
        .filter(answered_by__isnull=True)
        .exclude(date_made__gt=on)
        .alias(
            answered_any_day=Exists(pledges),
            answered_since=Exists(pledges.filter(date_made__gte=OuterRef("date_made"))),
        )
        .filter(
            Q(date_made__isnull=True, answered_any_day=False)
            | Q(date_made__isnull=False, answered_since=False)
        )
        .select_related("obligor_party", "demanded_by_party", "category")
        .order_by(F("date_made").asc(nulls_last=True), "category__position", "pk")
    )


def as_open(demands: Iterable[Commitment], on: dt.date) -> list[OpenDemand]:
    return [
        OpenDemand(demand, (on - demand.date_made).days if demand.date_made else None)
        for demand in demands
    ]


def unanswered_demands(on: dt.date) -> list[OpenDemand]:
    """Confirmed demands made by ``on`` that no pledge made by ``on`` answers (by the rule
    above, recorded or not), the longest open first."""
    return as_open(open_demands(on), on)
