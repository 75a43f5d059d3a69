"""Commitments that stop binding: superseded by a later one, or expired."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from abide.compliance.assessment import evaluate
from abide.compliance.lifecycle import set_expiry, supersede
from abide.compliance.periods import period_of
from abide.compliance.tests.test_linking import observe, pledge

pytestmark = pytest.mark.usefixtures("starter_registry")


def week(day: dt.date):
    return period_of("week", day)


def test_a_superseded_commitment_is_assessed_as_such_from_the_day_its_successor_was_made(
    analyst,
):
    truce = pledge(date_made=dt.date(2023, 9, 1))
    ceasefire = pledge(date_made=dt.date(2023, 9, 20), text="a lasting ceasefire")
    observe(day=dt.date(2023, 9, 27))
    supersede(truce, by_commitment=ceasefire, actor=analyst, reason="Replaced in Brussels.")
    assert evaluate(truce, week(dt.date(2023, 9, 27))).status == "superseded"
    assert evaluate(truce, week(dt.date(2023, 9, 4))).status != "superseded"


def test_an_expired_commitment_is_assessed_as_such_after_its_last_day(analyst):
    truce = pledge(date_made=dt.date(2023, 9, 1), text="a 72-hour truce")
    set_expiry(truce, dt.date(2023, 9, 3), actor=analyst, reason="Seventy-two hours.")
    assert evaluate(truce, period_of("day", dt.date(2023, 9, 4))).status == "expired"
    assert evaluate(truce, period_of("day", dt.date(2023, 9, 3))).status != "expired"


@pytest.mark.parametrize(
    ("successor", "message"),
    [
        ({"obligor": "armenia"}, "another obligor or category"),
        ({"date_made": dt.date(2023, 8, 1)}, "must be made after"),
    ],
)
def test_a_successor_that_does_not_fit_is_refused(analyst, successor, message):
    truce = pledge(date_made=dt.date(2023, 9, 1))
    with pytest.raises(ValidationError, match=message):
        supersede(truce, by_commitment=pledge(**successor), actor=analyst, reason="x")


def test_only_registry_editors_end_commitments_and_always_say_why(analyst, observer):
    truce = pledge()
    with pytest.raises(PermissionDenied):
        set_expiry(truce, dt.date(2023, 10, 1), actor=observer, reason="x")
    with pytest.raises(ValidationError):
        set_expiry(truce, dt.date(2023, 10, 1), actor=analyst, reason=" ")
    with pytest.raises(ValidationError, match="before it is made"):
        set_expiry(truce, dt.date(2023, 1, 1), actor=analyst, reason="x")
