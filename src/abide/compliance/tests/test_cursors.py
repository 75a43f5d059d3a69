"""Keyset cursors of /api/commitments and the tracker: walking a list by ``after=`` gives every
commitment once, in the order of ``page=``, for every sort and order (ties in the sort key
included), ``before=`` walks back, a cursor of another sort is refused; a page costs the same
queries at the start and deep. And the tracker's open demands and obligor list, now found in
SQL, are what the old derivation gave."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from abide.compliance.current import rebuild_current
from abide.compliance.cursor import make_cursor
from abide.compliance.demands import unanswered_demands
from abide.compliance.models import Assessment, AssessmentStatus
from abide.compliance.periods import period_of
from abide.compliance.tracker import tracker_page, unanswered_demands_for
from abide.compliance.tracker_filters import SORT_KEYS, parse_list_filters
from abide.core.demo import load_demo
from abide.registry.access import get_commitments_for, get_obligors_for, get_parties_for
from abide.registry.models import Category, Commitment, Party

pytestmark = pytest.mark.django_db

SIZE = 600
PAGE = 100


def _spread(count: int, seed: int = 15) -> list[Commitment]:
    """``count`` confirmed commitments with many ties in every sort key: a few days made, few
    deadlines (a third without), few obligors (some without), a handful of categories; and
    this week's assessments for two thirds of them, their statuses drawn at random."""
    rng = random.Random(seed)
    parties = [*Party.objects.order_by("pk")[:4], None]
    categories = list(Category.objects.order_by("pk")[:5])
    today = timezone.now().date()
    made = Commitment.objects.bulk_create(
        Commitment(
            kind=rng.choice(["pledge", "pledge", "demand"]),
            obligor_party=rng.choice(parties),
            category=rng.choice(categories),
            text=f"pledge {n}",
            date_made=rng.choice([None, *(today - dt.timedelta(days=d) for d in range(1, 30))]),
            deadline=rng.choice([None, today, today + dt.timedelta(days=9)]),
            review_state=rng.choice(["confirmed"] * 9 + ["proposed"]),
        )
        for n in range(count)
    )
    week = period_of("week", today)
    statuses = [s for s in AssessmentStatus.values if s != "withheld"]
    Assessment.objects.bulk_create(
        Assessment(
            commitment=commitment,
            period_kind="week",
            period_start=week.start,
            period_end=week.end,
            computed_status=rng.choice(statuses),
            override_status=rng.choice(statuses) if rng.random() < 0.2 else "",
            rules_version=1,
            computed_at=timezone.now(),
        )
        for commitment in made
        if rng.random() < 0.66
    )
    rebuild_current()
    return made


def _ids(body: dict) -> list[int]:
    return [item["id"] for item in body["items"]]


def _walks(client, query: str) -> None:
    by_page: list[int] = []
    first = client.get(f"/api/commitments?page_size={PAGE}&{query}").json()
    count = first["count"]
    pages = -(-count // PAGE)
    for number in range(1, pages + 1):
        body = client.get(f"/api/commitments?page_size={PAGE}&page={number}&{query}").json()
        by_page += _ids(body)
    assert len(by_page) == count == len(set(by_page)), query

    by_cursor: list[int] = []
    body = first
    steps = [body]
    by_cursor += _ids(body)
    while body["next"]:
        body = client.get(f"/api/commitments?page_size={PAGE}&after={body['next']}&{query}").json()
        assert body["count"] == count
        by_cursor += _ids(body)
        steps.append(body)
    assert by_cursor == by_page, query
    assert steps[0]["previous"] is None and len(steps) == pages

    back: list[list[int]] = [_ids(steps[-1])]
    body = steps[-1]
    while body["previous"]:
        body = client.get(
            f"/api/commitments?page_size={PAGE}&before={body['previous']}&{query}"
        ).json()
        back.insert(0, _ids(body))
    assert [pk for part in back for pk in part] == by_page, query
    assert [len(part) for part in back] == [len(_ids(step)) for step in steps]


@pytest.mark.parametrize("reader", ["public", "mission"])
def test_walking_by_cursor_gives_every_commitment_once_in_the_order_of_the_pages(
    client, analyst, reader
):
    _spread(SIZE)
    if reader == "mission":
        client.force_login(analyst)
    for sort in SORT_KEYS:
        for order in ("asc", "desc"):
            _walks(client, f"sort={sort}&order={order}")
    _walks(client, "")  # the default: the latest made first
    _walks(client, "status=not_yet&sort=deadline")
    _walks(client, "kind=demand&sort=obligor&order=desc")


def test_a_cursor_of_another_sort_or_a_broken_one_is_refused_naming_the_parameter(client):
    _spread(150)
    body = client.get("/api/commitments?sort=deadline&page_size=50").json()
    refused = client.get(f"/api/commitments?sort=obligor&after={body['next']}")
    assert refused.status_code == 422 and "after" in refused.json()["detail"]
    refused = client.get(f"/api/commitments?sort=deadline&order=desc&before={body['next']}")
    assert refused.status_code == 422 and "before" in refused.json()["detail"]
    for broken in ("x", "bm90IGpzb24", "WyJkYXRlX21hZGUiLCAiZGVzYyIsIDEsIDJd", "%00"):
        answer = client.get(f"/api/commitments?after={broken}")
        assert answer.status_code == 422 and "after" in str(answer.json()["detail"])
    assert client.get("/api/commitments?status=sideways").status_code == 422
    assert client.get("/api/commitments?kind=wish").status_code == 422
    # The pages drop it and show the first page.
    first_page = f"Page 1 of {-(-body['count'] // 100)}"
    page = client.get(reverse("compliance:tracker") + "?sort=obligor&after=" + body["next"])
    assert page.status_code == 200 and first_page in page.content.decode()
    page = client.get(reverse("compliance:tracker") + "?after=garbage")
    assert page.status_code == 200 and first_page in page.content.decode()


def test_the_one_parser_reads_the_filters_for_the_api_and_the_pages_alike():
    cursor = make_cursor("status", "", 3, 42).encode()
    found = parse_list_filters({"sort": "status", "after": cursor, "kind": "demand"})
    assert found.errors == {} and found.after.key == 3 and found.after.id == 42
    assert found.query() == {
        "party": "",
        "category": "",
        "kind": "demand",
        "status": "",
        "sort": "status",
        "order": "",
    }
    wrong = parse_list_filters({"sort": "colour", "order": "up", "status": "x", "kind": "y"})
    assert set(wrong.errors) == {"sort", "order", "status", "kind"}
    assert wrong.query()["sort"] == wrong.query()["order"] == wrong.query()["kind"] == ""
    assert set(parse_list_filters({"sort": "deadline", "after": cursor}).errors) == {"after"}


def _queries(client, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
    return len(captured), response.json()


def test_every_page_by_cursor_is_the_page_by_number_in_bounded_queries(client, analyst):
    _spread(SIZE)
    for user in (None, analyst):
        if user is not None:
            client.force_login(user)
        for query in ("&sort=status", "&sort=id&order=desc", "", "&sort=deadline&order=desc"):
            url = f"/api/commitments?page_size=50{query}"
            client.get(url)  # what is read once per process (cached) out of the count
            cost, body = _queries(client, url)
            pages = [(cost, body)]
            while body["next"]:
                cost, body = _queries(client, f"{url}&page={len(pages) + 1}")
                pages.append((cost, body))
            assert len(pages) >= 10, query
            for number in range(1, len(pages)):
                before, page = pages[number - 1][1], pages[number][1]
                deep, found = _queries(client, f"{url}&after={before['next']}")
                back, back_found = _queries(client, f"{url}&before={page['previous']}")
                assert found["items"] == page["items"]
                assert back_found["items"] == before["items"]
                assert max(deep, back, pages[number][0]) <= 12, (query, number)


def test_a_page_by_cursor_costs_the_queries_of_the_first_page(client, analyst):
    """The same rows on every page as far as their queries go (no date unknown, the same
    status): page 1, a page by cursor far on and back cost the same."""
    category = Category.objects.order_by("pk").first()
    made = Commitment.objects.bulk_create(
        Commitment(
            kind="pledge",
            category=category,
            text=f"pledge {n}",
            date_made=dt.date(2023, 1, 1) + dt.timedelta(days=n % 40),
            deadline=dt.date(2024, 1, 1) + dt.timedelta(days=n % 7),
            review_state="confirmed",
        )
        for n in range(450)
    )
    assert len(made) == 450
    client.force_login(analyst)
    for query in ("", "&sort=status", "&sort=deadline", "&status=not_yet&sort=obligor"):
        url = f"/api/commitments?page_size=10{query}"
        client.get(url)
        first, body = _queries(client, url)
        for _ in range(25):
            body = client.get(f"{url}&after={body['next']}").json()
        deep, _ = _queries(client, f"{url}&after={body['next']}")
        back, _ = _queries(client, f"{url}&before={body['previous']}")
        assert first == deep == back <= 12, query
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("compliance:tracker") + "?sort=status")
        first = len(captured)
        with CaptureQueriesContext(connection) as captured:
            client.get(
                reverse("compliance:tracker") + f"?sort=status&after={page.context['page'].next}"
            )
        assert len(captured) == first


def test_the_tracker_pages_next_and_back_by_cursor(client, analyst):
    _spread(SIZE)
    client.force_login(analyst)
    first = tracker_page(analyst, per_page=PAGE, sort="obligor")
    second = tracker_page(
        analyst,
        per_page=PAGE,
        sort="obligor",
        after=parse_list_filters({"sort": "obligor", "after": first.next}).after,
    )
    assert second.number is None and second.count == first.count
    by_number = tracker_page(analyst, page=2, per_page=PAGE, sort="obligor")
    assert [row.commitment.pk for row in second.rows] == [
        row.commitment.pk for row in by_number.rows
    ]
    back = tracker_page(
        analyst,
        per_page=PAGE,
        sort="obligor",
        before=parse_list_filters({"sort": "obligor", "before": second.previous}).before,
    )
    assert back.number == 1 and back.previous is None
    assert [row.commitment.pk for row in back.rows] == [row.commitment.pk for row in first.rows]
    html = client.get(reverse("compliance:tracker") + "?sort=obligor").content.decode()
    assert f'rel="next" href="?sort=obligor&amp;after={first.next}"' in html


def _old_unanswered_demands_for(user, on: dt.date) -> list:
    """The derivation the tracker used before: every commitment the user sees, in Python."""
    visible = set(get_commitments_for(user).values_list("pk", flat=True))
    found = [item for item in unanswered_demands(on) if item.demand.pk in visible]
    return sorted(found, key=lambda item: (item.days_open is None, -(item.days_open or 0)))


def _same_demands(new: list, old: list) -> None:
    assert [item.days_open for item in new] == [item.days_open for item in old]
    assert sorted(item.demand.pk for item in new) == sorted(item.demand.pk for item in old)


def test_the_open_demands_and_the_obligors_are_those_of_the_old_derivation_on_the_demo(
    analyst,
):
    load_demo(actor=analyst, reviewer=analyst)
    for user in (AnonymousUser(), analyst):
        for on in (dt.date(2023, 9, 26), dt.date(2023, 10, 10), dt.date(2026, 12, 6)):
            old = _old_unanswered_demands_for(user, on)
            _same_demands(unanswered_demands_for(user, on), old)
            _same_demands(unanswered_demands_for(user, on, limit=2), old[:2])
        old_obligors = get_parties_for(user).filter(commitments__isnull=False).distinct()
        assert list(get_obligors_for(user)) == list(old_obligors)


def test_the_open_demands_and_the_obligors_are_those_of_the_old_derivation_at_random(analyst):
    _spread(400, seed=7)
    for user in (AnonymousUser(), analyst):
        on = timezone.now().date() - dt.timedelta(days=10)
        old = _old_unanswered_demands_for(user, on)
        assert old, "the random case has open demands"
        _same_demands(unanswered_demands_for(user, on), old)
        _same_demands(unanswered_demands_for(user, on, limit=5), old[:5])
        old_obligors = get_parties_for(user).filter(commitments__isnull=False).distinct()
        assert list(get_obligors_for(user)) == list(old_obligors)


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite only: PostgreSQL's planner reads these few rows from the table itself",
)
@pytest.mark.parametrize("user", ["public", "mission"])
def test_a_page_by_number_in_the_default_order_steps_over_one_covering_index(user, analyst):
    """``page=1000`` steps over 99,900 entries: of a covering index (state, day, id), not
    rows of the table read one by one."""
    from abide.compliance.tracker import tracker_commitments

    reader = AnonymousUser() if user == "public" else analyst
    keys = tracker_commitments(reader).values_list("date_made", "pk")[99_900:100_000]
    sql, params = keys.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "USING COVERING INDEX commitment_state_by_day" in plan, plan
