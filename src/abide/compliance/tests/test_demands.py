"""Demands answered by their obligor's pledges, and the demands left open."""

from __future__ import annotations

import datetime as dt

import pytest

from abide.audit.models import AuditEntry
from abide.compliance.demands import answer_demands, unanswered_demands
from abide.compliance.tests.test_linking import pledge
from abide.core.demo import load_demo
from abide.registry.models import Commitment

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


def test_a_pledge_made_the_same_day_answers_the_demand_and_one_made_before_does_not(analyst):
    same_day = demand(date_made=dt.date(2023, 9, 26))
    pledge(date_made=dt.date(2023, 9, 26))
    too_early = demand(category="monitoring_access", date_made=dt.date(2023, 9, 26))
    pledge(category="monitoring_access", date_made=dt.date(2023, 9, 25))

    listed = [item.demand for item in unanswered_demands(dt.date(2023, 10, 10))]
    assert listed == [too_early]
    assert same_day not in listed
    assert [item.demand for item in unanswered_demands(dt.date(2023, 9, 26))] == [too_early]
    assert unanswered_demands(dt.date(2023, 9, 25)) == []  # neither demand made yet


def test_a_demand_is_open_until_the_day_its_answer_is_made(analyst):
    asked = demand(date_made=dt.date(2023, 9, 26))
    pledge(date_made=dt.date(2023, 10, 1))
    assert [(i.demand, i.days_open) for i in unanswered_demands(dt.date(2023, 9, 30))] == [
        (asked, 4)
    ]
    assert unanswered_demands(dt.date(2023, 10, 1)) == []


def test_in_the_demo_no_further_military_action_answers_the_call_to_stop_hostilities(analyst):
    load_demo(actor=analyst, reviewer=analyst)
    ceasefire = Commitment.objects.get(
        kind="demand", category__slug="cessation_of_hostilities", text__icontains="hostilities"
    )
    assert ceasefire.answered_by is None  # nothing recorded: the rule alone answers it
    for on in (dt.date(2023, 9, 26), dt.date(2026, 12, 6)):
        open_by_category = {
            item.demand.category.slug: item.days_open for item in unanswered_demands(on)
        }
        assert "cessation_of_hostilities" not in open_by_category, on
        assert "monitoring_access" not in open_by_category, on  # "accept an observer mission"
        assert set(open_by_category) == {
            "humanitarian_access",
            "protection_of_civilians",
            "rights_and_property",
            "amnesty_and_detention",
            "freedom_of_movement",
        }, on
    answered = {d.category.slug: d.answered_by.text for d in answer_demands(actor=analyst)}
    assert answered == {
        "cessation_of_hostilities": "Azerbaijan would take no further military action",
        "monitoring_access": "it would accept an observer mission",
    }
