"""The commitments list by cursor: every commitment once, in the order of its numbered pages,
forward and back, as the public and as the mission; what is wrong in a cursor gives page 1."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from abide.compliance.commitment_list import commitment_list_page
from abide.compliance.cursor import make_cursor
from abide.compliance.tests.test_cursors import _spread
from abide.registry.models import Commitment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("starter_registry")]

PAGE = 40


def _walk_pages(user, **filters) -> list[int]:
    first = commitment_list_page(user, per_page=PAGE, **filters)
    by_page = []
    for number in range(1, first.pages + 1):
        by_page += [
            c.pk for c in commitment_list_page(user, page=number, per_page=PAGE, **filters).rows
        ]
    assert len(by_page) == first.count == len(set(by_page))
    return by_page


def _rows(body: str) -> str:
    return body[body.index('<tbody id="rows">') : body.index("</tbody>")]


def _read(raw: str):
    from abide.compliance.cursor import read_cursor

    return read_cursor(raw, sort="", order="")


@pytest.mark.parametrize("reader", ["public", "mission"])
def test_walking_the_list_by_cursor_gives_every_commitment_once_in_the_order_of_its_pages(
    analyst, reader
):
    _spread(300)
    user = AnonymousUser() if reader == "public" else analyst
    for filters in ({}, {"kind": "pledge"}):
        by_page = _walk_pages(user, **filters)
        page = commitment_list_page(user, per_page=PAGE, **filters)
        steps, by_cursor = [page], [c.pk for c in page.rows]
        while page.next:
            page = commitment_list_page(user, per_page=PAGE, after=_read(page.next), **filters)
            assert page.number is None and page.count == len(by_page)
            by_cursor += [c.pk for c in page.rows]
            steps.append(page)
        assert by_cursor == by_page and steps[0].previous is None
        back = [[c.pk for c in page.rows]]
        while page.previous:
            page = commitment_list_page(user, per_page=PAGE, before=_read(page.previous), **filters)
            back.insert(0, [c.pk for c in page.rows])
        assert [pk for part in back for pk in part] == by_page
        assert page.number == 1


def test_the_list_is_latest_made_first_then_latest_id_unknown_days_where_the_database_puts_them(
    analyst,
):
    _spread(120)
    shown = commitment_list_page(analyst, per_page=1000).rows
    assert {c.pk for c in shown} == set(Commitment.objects.values_list("pk", flat=True))
    known = [(c.date_made, c.pk) for c in shown if c.date_made is not None]
    assert known == sorted(known, reverse=True)
    unknown = [i for i, c in enumerate(shown) if c.date_made is None]
    # PostgreSQL sorts an unknown day first when descending, SQLite last.
    edge = unknown == list(range(len(unknown))) or unknown == list(
        range(len(shown) - len(unknown), len(shown))
    )
    assert unknown and edge


def test_the_public_list_by_cursor_never_shows_a_proposed_commitment(analyst):
    _spread(200)
    page = commitment_list_page(AnonymousUser(), per_page=PAGE)
    while page.next:
        page = commitment_list_page(AnonymousUser(), per_page=PAGE, after=_read(page.next))
        assert {c.review_state for c in page.rows} == {"confirmed"}


def test_a_deep_page_by_cursor_costs_the_queries_of_the_first(analyst, client):
    _spread(300)
    client.force_login(analyst)
    client.get("/commitments/")
    with CaptureQueriesContext(connection) as first:
        body = client.get("/commitments/").content.decode()
    cursors = re.findall(r'rel="next" href="\?after=([\w-]+)"', body)
    assert cursors
    with CaptureQueriesContext(connection) as deep:
        body = client.get(f"/commitments/?after={cursors[0]}").content.decode()
    assert 'rel="prev" href="?before=' in body
    assert len(deep) <= len(first) + 1


def test_the_list_page_drops_a_cursor_it_cannot_read_and_keeps_the_filters(client, analyst):
    _spread(300)
    client.force_login(analyst)
    assert client.get("/commitments/?after=nonsense").status_code == 200
    other = make_cursor("deadline", "asc", None, 5).encode()
    first = _rows(client.get("/commitments/").content.decode())
    refused = client.get(f"/commitments/?before={other}").content.decode()
    assert _rows(refused) == first and "Page 1 of" in refused
    body = client.get("/commitments/?kind=pledge").content.decode()
    following = re.findall(r'rel="next" href="\?([^"]+)"', body)
    assert following and following[0].startswith("kind=pledge&amp;after=")
