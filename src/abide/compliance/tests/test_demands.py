"""Demands answered by their obligor's pledges, and the demands left open."""

from __future__ import annotations

import datetime as dt

import pytest

from abide.audit.models import AuditEntry
from abide.compliance.demands import answer_demands, unanswered_demands
from abide.compliance.tests.test_linking import pledge

pytestmark = pytest.mark.usefixtures("starter_registry")


def demand(**fields):
    return pledge(kind="demand", **fields)


def test_a_demand_is_answered_by_the_obligors_later_pledge_in_its_category(analyst):
    asked = demand(date_made=dt.date(2023, 9, 26))
    other_category = demand(category="amnesty_and_detention", date_made=dt.date(2023, 9, 26))
    pledge(obligor="armenia", date_made=dt.date(2023, 9, 27))  # another party
    pledge(date_made=dt.date(2023, 9, 20))  # before the demand
    answer = pledge(date_made=dt.date(2023, 9, 27))

    assert answer_demands(actor=analyst) == [asked]
    asked.refresh_from_db()
    other_category.refresh_from_db()
    assert asked.answered_by == answer and other_category.answered_by is None
    assert AuditEntry.objects.filter(action="link", object_id=str(asked.pk)).count() == 1
    assert answer_demands(actor=analyst) == []  # nothing left to answer


def test_unanswered_demands_are_listed_with_how_long_they_have_been_open(analyst):
    older = demand(category="amnesty_and_detention", date_made=dt.date(2023, 9, 26))
    newer = demand(category="monitoring_access", date_made=dt.date(2023, 10, 1))
    demand(category="humanitarian_access", date_made=dt.date(2023, 10, 20))  # not yet made
    answered = demand(date_made=dt.date(2023, 9, 26))
    pledge(date_made=dt.date(2023, 9, 28))
    answer_demands(actor=analyst)
    answered.refresh_from_db()
    assert answered.answered_by is not None

    listed = unanswered_demands(dt.date(2023, 10, 10))
    assert [(item.demand, item.days_open) for item in listed] == [(older, 14), (newer, 9)]
