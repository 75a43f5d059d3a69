"""The update after a verification or a link decision, worked out from the stored assessment,
gives what assessing every link again gives: checked after each step of a review."""

from __future__ import annotations

import datetime as dt

import pytest

from abide.compliance.assessment import assess, evaluate, periods_of
from abide.compliance.linking import confirm_link, propose_links, reject_link, reopen_link
from abide.compliance.models import Assessment, Link
from abide.compliance.tests.test_linking import observe, pledge
from abide.observations.services import transition

pytestmark = pytest.mark.usefixtures("starter_registry")


def assert_as_if_assessed_again() -> None:
    """Every stored assessment has the status and observations a full evaluation gives."""
    for assessment in Assessment.objects.select_related("commitment__category"):
        period = next(
            p for p in periods_of_day(assessment.period_start) if p.kind == assessment.period_kind
        )
        full = evaluate(assessment.commitment, period)
        stored = (assessment.computed_status, {o.pk for o in assessment.observations.all()})
        assert stored == (full.status, set(full.observations)), (
            assessment.commitment.text,
            assessment.period_kind,
        )
        assert (assessment.coverage_patrols, assessment.coverage_observations) == (
            full.patrols,
            full.coverage,
        )


def periods_of_day(day: dt.date) -> list:
    class _At:
        observed_start = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
        observed_end = observed_start

    return periods_of(_At)


def link(commitment, observation) -> Link:
    return Link.objects.get(commitment=commitment, observation=observation)


def test_each_step_of_a_ceasefire_review_matches_a_full_assessment(analyst, monkeypatch):
    ceasefire = pledge(text="no further military action")
    first, second, third = (observe(day=dt.date(2023, 9, 27 + n)) for n in range(3))
    propose_links(ceasefire, actor=analyst)
    assess([ceasefire], {p for o in (first, second, third) for p in periods_of(o)}, actor=analyst)
    assert_as_if_assessed_again()

    steps = [
        lambda: transition(first, "verified", actor=analyst, reason="Seen by two teams."),
        lambda: confirm_link(
            link(ceasefire, first), actor=analyst, reason="Their guns.", obligor_role="perpetrator"
        ),  # violated, on the first alone
        lambda: transition(second, "verified", actor=analyst, reason="Craters."),
        lambda: confirm_link(
            link(ceasefire, second), actor=analyst, reason="Theirs too.", obligor_role="perpetrator"
        ),  # violated, on both
        lambda: reopen_link(link(ceasefire, first), actor=analyst, reason="Unit unclear."),
        lambda: reject_link(link(ceasefire, first), actor=analyst, reason="Another unit."),
        lambda: reopen_link(link(ceasefire, second), actor=analyst, reason="Look again."),
        lambda: reject_link(link(ceasefire, second), actor=analyst, reason="Misread."),
        lambda: transition(third, "disputed", actor=analyst, reason="Locals say fireworks."),
        lambda: transition(third, "refuted", actor=analyst, reason="Fireworks."),  # none left
    ]
    from abide.compliance import assessment as module

    reads = []
    full_read = module.linked_rows
    monkeypatch.setattr(
        module, "linked_rows", lambda *a, **k: reads.append(a[1]) or full_read(*a, **k)
    )
    statuses, read_again = [], []
    for step in steps:
        reads.clear()
        step()
        read_again.append(len(reads))
        assert_as_if_assessed_again()
        statuses.append(
            Assessment.objects.get(commitment=ceasefire, period_kind="week").computed_status
        )
    assert statuses == [
        "at_risk",
        "violated",
        "violated",
        "violated",
        "violated",  # reopened: a candidate, which counts as the rule says
        "violated",
        "violated",
        "at_risk",
        "at_risk",
        "upheld",
    ]
    # Links were read again only where the deciding observations ran out: rejecting the
    # first (its day), the second (the last that violated it: its day, the week, the month)
    # and refuting the third (the last at risk: its day, the week, the month); reopening a
    # link reads nothing again.
    assert read_again == [0, 0, 0, 0, 0, 1, 0, 3, 0, 3], str(read_again)


def test_supporting_observations_of_a_one_off_commitment_match_a_full_assessment(analyst):
    release = pledge(
        category="amnesty_and_detention",
        text="release the detainees",
        deadline=dt.date(2023, 10, 4),
    )
    freed = observe(subtype="release", day=dt.date(2023, 10, 2))
    later = observe(subtype="release", day=dt.date(2023, 10, 6))
    propose_links(release, actor=analyst)
    assess([release], {p for o in (freed, later) for p in periods_of(o)}, actor=analyst)
    assert_as_if_assessed_again()
    for step in (
        lambda: transition(freed, "corroborated", actor=analyst, reason="Families confirm."),
        lambda: transition(later, "corroborated", actor=analyst, reason="After the deadline."),
        lambda: transition(freed, "disputed", actor=analyst, reason="The ministry denies it."),
        lambda: transition(freed, "verified", actor=analyst, reason="Seen at the crossing."),
    ):
        step()
        assert_as_if_assessed_again()
    week = Assessment.objects.get(
        commitment=release, period_kind="week", period_start=dt.date(2023, 10, 2)
    )
    assert week.computed_status == "fulfilled"
