"""What one changed observation does to an assessment already stored, worked out from that
assessment alone: the observations that decided it, its coverage and the rule.

An assessment's status is the first rung of the rule's ladder (violated, at risk, fulfilled,
upheld) that some linked observation stands on, and it keeps every observation on that rung.
When one observation changes (its verification, or its link) and the coverage does not, the
new status follows from where that observation stands now:
  - on a higher rung: that rung, decided by it alone (nothing else stood there, or the status
    would already be that rung);
  - on the same rung: the same status, with it among the deciding observations;
  - lower, or nowhere: if it was among the deciding observations and others remain, the same
    status without it; if none remains, the answer needs every link again (None);
    if it was not among them, nothing changes.
A status that observations cannot change (not yet made, ended) is worked out as ``evaluate``
does; anything unexpected (another version of the rules, a status the ladder does not know)
asks for the full evaluation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from abide.compliance.models import Assessment, AssessmentStatus, LinkState
from abide.compliance.periods import Period
from abide.compliance.rules import Rule
from abide.observations.models import Observation
from abide.registry.models import Commitment

#: The rungs, from the most severe; "upheld" needs enough coverage.
LADDER = (
    ("violated", AssessmentStatus.VIOLATED),
    ("at_risk", AssessmentStatus.AT_RISK),
    ("fulfilled", AssessmentStatus.FULFILLED),
    ("upheld", AssessmentStatus.UPHELD),
)
#: Statuses below every rung: no linked observation decided them.
BELOW = 4


@dataclass(frozen=True)
class LinkNow:
    """How the changed observation is linked to the commitment now (None: not linked)."""

    bearing: str
    obligor_role: str
    state: str


def _rung_of_status(status: str, rule: Rule) -> float | None:
    for rung, (test, rung_status) in enumerate(LADDER):
        if status == rung_status:
            if test == "upheld" and "upheld" not in rule.tests:
                return BELOW - 0.5  # upheld by coverage alone: no observation decided it
            return rung
    if status in (AssessmentStatus.OVERDUE, AssessmentStatus.NOT_ASSESSABLE):
        return BELOW
    return None


def _rung_of_observation(
    observation: Observation,
    link: LinkNow | None,
    commitment: Commitment,
    period: Period,
    rule: Rule,
    covered: bool,
    lookback: dt.timedelta,
) -> int | None:
    """The highest rung the observation stands on for this commitment and period, if any."""
    if link is None or link.state == LinkState.REJECTED or link.state not in rule.links:
        return None
    start, end = observation.observed_start, observation.observed_end
    if not (period.start_time - lookback <= start < period.end_time and end >= period.start_time):
        return None
    for rung, (test, _) in enumerate(LADDER):
        match = rule.tests.get(test)
        if match is None or not match(link.bearing, observation.status, link.obligor_role):
            continue
        if test == "fulfilled":
            deadline = commitment.deadline
            if deadline is None or start >= dt.datetime.combine(
                deadline, dt.time.max, tzinfo=dt.UTC
            ):
                continue
        if test == "upheld" and not covered:
            continue
        return rung
    return None


def changed_outcome(
    assessment: Assessment,
    deciding: set[int],
    commitment: Commitment,
    period: Period,
    rule: Rule,
    rules_version: int,
    observation: Observation,
    link: LinkNow | None,
    lookback: dt.timedelta,
) -> tuple[str, set[int]] | None:
    """The new (status, deciding observations) of ``assessment`` after ``observation``
    changed, or None where only a full evaluation can tell."""
    if commitment.date_made and commitment.date_made >= period.end:
        return AssessmentStatus.NOT_YET, set()
    lifecycle = getattr(commitment, "lifecycle", None)
    ended = lifecycle.ended_status(period.start) if lifecycle is not None else None
    if ended is not None:
        return ended, set()
    if assessment.rules_version != rules_version:
        return None
    status = assessment.computed_status
    stored = _rung_of_status(status, rule)
    if stored is None:
        return None
    covered = assessment.coverage_patrols + assessment.coverage_observations >= max(
        rule.coverage.minimum, 1
    )
    if status == AssessmentStatus.UPHELD and not covered:
        return None  # not what the rule gives: recompute
    now = _rung_of_observation(observation, link, commitment, period, rule, covered, lookback)
    if now is not None and now < stored:
        return LADDER[now][1], {observation.pk}
    if now is not None and now == stored:
        return status, deciding | {observation.pk}
    if observation.pk not in deciding:
        return status, deciding
    rest = deciding - {observation.pk}
    return (status, rest) if rest else None
