"""Each commitment's stored current status is what the tracker derives from its assessments,
for the mission and for everyone else, through assessment, sign-off, override, lifecycle
changes and retractions; and the tracker, the commitments list and ``/api/commitments``
filter, sort and page by it in the database, without a cap."""

from __future__ import annotations

import datetime as dt
import importlib
import random

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from abide.compliance.assessment import assess, override, sign_off
from abide.compliance.current import bring_due_up_to_date, keep_current, rebuild_current
from abide.compliance.lifecycle import set_expiry, supersede
from abide.compliance.linking import propose_links
from abide.compliance.models import Assessment, AssessmentStatus, CurrentStatus
from abide.compliance.periods import period_of
from abide.compliance.retractions import flag_retraction
from abide.compliance.tests.test_linking import observe, pledge
from abide.compliance.tests.test_retractions import later_statement
from abide.compliance.tracker import (
    STATUS_ORDER,
    current_weeks,
    tracker_commitments,
    tracker_page,
    tracker_rows,
    with_current_status,
)
from abide.observations.services import transition
from abide.registry.models import Commitment

pytestmark = pytest.mark.usefixtures("starter_registry")

MONDAY = dt.date(2023, 9, 25)


def _week(n: int):
    return period_of("week", MONDAY + dt.timedelta(weeks=n))


def assert_stored_is_derived(*users) -> None:
    """For each user, every commitment's status as stored (read in SQL, and as each status
    filter finds it) is the status the tracker derives from the assessments."""
    since = current_weeks()[0].start
    assert_ranks_are_the_statuses()
    for user in users:
        derived = {row.commitment.pk: row.status for row in tracker_rows(user)}
        stored = dict(
            with_current_status(tracker_commitments(user), user, since).values_list("pk", "current")
        )
        assert stored == derived, user
        ranks = dict(
            with_current_status(tracker_commitments(user), user, since).values_list(
                "pk", "status_rank"
            )
        )
        assert ranks == {pk: STATUS_ORDER.index(shown) for pk, shown in derived.items()}, user
        for status in AssessmentStatus.values:
            found = set(
                tracker_commitments(user, status=status, since=since).values_list("pk", flat=True)
            )
            assert found == {pk for pk, shown in derived.items() if shown == status}, (
                user,
                status,
            )


def assert_ranks_are_the_statuses():
    """Every stored rank is that of the status stored beside it, the mission's and the public's."""
    for row in CurrentStatus.objects.all():
        assert row.rank == STATUS_ORDER.index(row.status), row
        assert row.public_rank == STATUS_ORDER.index(row.public_status), row


def assert_period_filters_as_derived(periods, *users) -> None:
    """Each status filter of a past period finds the commitments the tracker derives it for."""
    for period in periods:
        for user in users:
            derived = {row.commitment.pk: row.status for row in tracker_rows(user, period=period)}
            for status in AssessmentStatus.values:
                found = set(
                    tracker_commitments(user, status=status, period=period).values_list(
                        "pk", flat=True
                    )
                )
                assert found == {pk for pk, shown in derived.items() if shown == status}, (
                    user,
                    period,
                    status,
                )


def test_the_stored_status_is_the_derived_one_for_the_demo(analyst, observer, head, partner):
    from abide.core.demo import assess_demo, load_demo, load_demo_observations

    load_demo(actor=analyst, reviewer=analyst)
    load_demo_observations(observer=observer, analyst=analyst)
    assess_demo(analyst=analyst)
    assert CurrentStatus.objects.exists()
    assert_stored_is_derived(analyst, AnonymousUser(), partner, observer)
    for assessment in Assessment.objects.filter(period_kind="week")[:3]:
        override(assessment, "violated", actor=head, justification="Seen by the head.")
    assert_stored_is_derived(analyst, AnonymousUser(), partner)
    # The data migration's work: rebuilt from scratch, the same.
    CurrentStatus.objects.all().delete()
    rebuild_current()
    assert_stored_is_derived(analyst, AnonymousUser(), partner)


def test_the_stored_status_is_the_derived_one_through_a_randomised_history(analyst, head):
    rng = random.Random(15)
    commitments = [
        pledge(
            text=f"promise {n}",
            date_made=MONDAY + dt.timedelta(days=rng.randrange(-20, 40)),
            obligor=rng.choice(["azerbaijan", "armenia"]),
        )
        for n in range(10)
    ]
    for _ in range(14):
        shelling = observe(
            day=MONDAY + dt.timedelta(days=rng.randrange(0, 90)),
            actors=(rng.choice(["azerbaijan", "armenia"]),),
        )
        shelling.sensitivity = rng.choice(["public", "internal"])
        shelling.save()
        if rng.random() < 0.5:
            transition(shelling, "corroborated", actor=analyst, reason="Two sources.")
    for commitment in commitments:
        propose_links(commitment, actor=analyst)
    weeks = [_week(n) for n in range(13)]
    for commitment in commitments:  # each its own weeks: some far behind the latest
        assess([commitment], rng.sample(weeks, rng.randrange(0, 6)), actor=analyst)
    assert_stored_is_derived(analyst, AnonymousUser())

    weekly = list(Assessment.objects.filter(period_kind="week").order_by("pk"))
    for assessment in rng.sample(weekly, 4):
        sign_off(assessment, actor=analyst)
    for assessment in rng.sample(weekly, 4):
        override(
            assessment,
            rng.choice(["upheld", "violated", "not_assessable"]),
            actor=head,
            justification="The head saw it otherwise.",
        )
    assert_stored_is_derived(analyst, AnonymousUser())
    assert_period_filters_as_derived(weeks[:6:2], analyst, AnonymousUser())

    first, later = commitments[0], commitments[1]
    first.date_made = MONDAY - dt.timedelta(days=30)
    first.save()
    later.date_made, later.category, later.obligor_party = (
        MONDAY + dt.timedelta(weeks=3),
        first.category,
        first.obligor_party,
    )
    later.save()
    supersede(first, by_commitment=later, actor=analyst, reason="Replaced by the later one.")
    set_expiry(commitments[2], MONDAY + dt.timedelta(weeks=2), actor=analyst, reason="A truce.")
    assert_stored_is_derived(analyst, AnonymousUser())  # nothing reassessed yet
    assess(commitments[:3], weeks, actor=analyst)
    flag_retraction(
        commitments[3],
        later_statement(spoken=MONDAY + dt.timedelta(weeks=5)),
        kind="refuses",
        actor=analyst,
        reason="He rules it out.",
    )
    assert_stored_is_derived(analyst, AnonymousUser())
    statuses = set(CurrentStatus.objects.values_list("status", flat=True))
    assert {"superseded", "expired"} & statuses


def test_a_week_assessed_ahead_becomes_current_when_it_comes(analyst):
    commitment = pledge()
    stored = assess([commitment], [_week(0), _week(2)], actor=analyst)
    by_week = {a.period_start: a for a in stored}
    CurrentStatus.objects.all().delete()
    keep_current(stored, today=_week(1).start)  # as stored in week 1
    row = CurrentStatus.objects.get(commitment=commitment)
    assert (row.week, row.next_week) == (_week(0).start, _week(2).start)
    assert bring_due_up_to_date(today=_week(2).start - dt.timedelta(days=1)) == 0
    assert bring_due_up_to_date(today=_week(2).start) == 1
    row.refresh_from_db()
    assert (row.assessment_id, row.next_week) == (by_week[_week(2).start].pk, None)


def _commitments(count: int) -> list[Commitment]:
    category = pledge().category
    Commitment.objects.all().delete()
    made = [
        Commitment(
            kind="pledge",
            category=category,
            text=f"pledge {n}",
            date_made=MONDAY - dt.timedelta(days=n % 400),
            review_state="confirmed",
        )
        for n in range(count)
    ]
    return Commitment.objects.bulk_create(made)


def test_six_hundred_commitments_are_all_reachable_page_by_page(client, analyst):
    made = _commitments(600)
    seen: list[int] = []
    for page in (1, 2, 3):
        body = client.get(f"/api/commitments?page_size=250&page={page}").json()
        assert body["count"] == 600
        seen += [item["id"] for item in body["items"]]
    assert sorted(seen) == sorted(c.pk for c in made) and len(set(seen)) == 600
    beyond = client.get("/api/commitments?page_size=250&page=4")
    assert beyond.status_code == 200
    assert beyond.json() == {"items": [], "count": 600, "next": None, "previous": None}

    client.force_login(analyst)
    listed = ""
    for page in range(1, 8):
        listed += client.get(reverse("compliance:commitments") + f"?page={page}").content.decode()
    assert all(f">pledge {n}<" in listed for n in range(600))
    last = client.get(reverse("compliance:commitments") + "?page=6").content.decode()
    assert "Page 6 of 6" in last and "600 commitments" in last and 'rel="next"' not in last
    tracker = tracker_page(analyst, page=6, per_page=100)
    assert (tracker.number, tracker.pages, tracker.count, len(tracker.rows)) == (6, 6, 600, 100)
    assert "Page 6 of 6" in client.get(reverse("compliance:tracker") + "?page=6").content.decode()


def test_commitments_sort_by_status_most_pressing_first_and_by_date_either_way(
    client, analyst, head
):
    made = [pledge(text=f"pledge {n}", date_made=dt.date(2023, 9, 1 + n)) for n in range(4)]
    assessments = assess(made[:3], [_week(0)], actor=analyst)
    for assessment, status in zip(
        assessments, ["upheld", "violated", "not_assessable"], strict=True
    ):
        override(assessment, status, actor=head, justification="Seen so.")
    client.force_login(analyst)
    by_status = client.get("/api/commitments?sort=status").json()["items"]
    assert [item["status"] for item in by_status] == sorted(
        (item["status"] for item in by_status), key=STATUS_ORDER.index
    )
    assert by_status[0]["status"] == "violated" and by_status[-1]["status"] == "not_yet"
    reverse_status = client.get("/api/commitments?sort=status&order=desc").json()["items"]
    assert reverse_status[0]["status"] == "not_yet"
    oldest = client.get("/api/commitments?sort=date_made&order=asc").json()["items"]
    assert [item["id"] for item in oldest] == [c.pk for c in made]
    violated = client.get("/api/commitments?status=violated").json()
    assert [item["id"] for item in violated["items"]] == [made[1].pk] and violated["count"] == 1
    assert client.get("/api/commitments?sort=colour").status_code == 422
    assert client.get("/api/commitments?order=sideways").status_code == 422
    page = client.get(reverse("compliance:tracker") + "?sort=status&status=violated")
    assert "pledge 1" in page.content.decode() and "pledge 2" not in page.content.decode()


def test_a_page_costs_the_same_queries_whatever_its_number(client, analyst):
    made = _commitments(450)
    assess(made[:300], [_week(0)], actor=analyst)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for query in ("", "&status=not_assessable", "&sort=status"):
        first = queries(f"/api/commitments?page_size=10&page=1{query}")
        deep = queries(f"/api/commitments?page_size=10&page=25{query}")
        assert first == deep <= 12, query
    client.force_login(analyst)
    first = queries(reverse("compliance:tracker") + "?page=1")
    deep = queries(reverse("compliance:tracker") + "?page=5")
    assert first == deep


def test_the_migration_fills_each_rank_from_the_status_beside_it():
    from django.apps import apps

    from abide.compliance.tests.test_cursors import _spread

    fill = importlib.import_module("abide.compliance.migrations.0007_current_status_rank").fill
    _spread(60)
    CurrentStatus.objects.update(rank=0, public_rank=0)
    fill(apps, None)
    assert_ranks_are_the_statuses()
    assert len(set(CurrentStatus.objects.values_list("rank", flat=True))) > 3
