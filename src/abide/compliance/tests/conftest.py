"""Fixtures of the compliance tests."""

from __future__ import annotations

import datetime as dt

import pytest

from abide.compliance.assessment import assess
from abide.compliance.linking import propose_links
from abide.compliance.models import Link
from abide.compliance.periods import period_of
from abide.compliance.tests.test_linking import observe, pledge
from abide.observations.services import transition
from abide.registry.models import ReviewState

#: The week of the ``link`` fixture's assessment.
WEEK = period_of("week", dt.date(2023, 9, 25))


@pytest.fixture
def tracked(starter_registry, analyst):
    """A confirmed pledge with two linked observations, assessed over four weeks from 25
    September 2023 (and an unconfirmed pledge beside it)."""
    kept = pledge()
    pledge(text="an unconfirmed promise", review_state=ReviewState.PROPOSED)
    first = observe(day=dt.date(2023, 9, 27))
    second = observe(day=dt.date(2023, 10, 11))
    transition(second, "corroborated", actor=analyst, reason="Two sources.")
    propose_links(kept, actor=analyst)
    weeks = [period_of("week", dt.date(2023, 9, 25) + dt.timedelta(weeks=n)) for n in range(4)]
    assess([kept], weeks, actor=analyst)
    return kept, first, second


@pytest.fixture
def link(analyst) -> Link:
    """A candidate link from a confirmed ceasefire pledge to a shelling, assessed."""
    commitment = pledge()
    observe(day=dt.date(2023, 9, 27))
    (proposed,) = propose_links(commitment, actor=analyst)
    assess([commitment], [WEEK], actor=analyst)
    return proposed
