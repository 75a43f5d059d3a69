"""The commitments list (``/commitments/``): every commitment a user may see, latest made first,
paged in the database by number (``page=``) or next to a cursor (``after=`` / ``before=``).

The list is ordered by the day each commitment was made, then by its id, both descending: the
order of the index on (``date_made``, ``id``), so that a page next to a cursor is an index range
at any depth. (It was ordered by the category's position within a day: only a tiebreak, which a
cursor could only follow through a join with the categories.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet

from abide.accounts.access import AnyUser
from abide.compliance.cursor import Cursor, make_cursor
from abide.compliance.tracker import later_ranges
from abide.registry.access import get_commitments_for
from abide.registry.models import Commitment, CommitmentKind

#: Rows on one page of the commitments list.
LIST_PER_PAGE = 100


@dataclass
class CommitmentPage:
    rows: list[Commitment]
    #: The page's number (None for a page found by a cursor: its depth is not counted).
    number: int | None
    pages: int
    #: How many commitments match, on every page.
    count: int = 0
    #: The cursors of the pages after and before this one (None where there is none).
    next: str | None = None
    previous: str | None = None


def listed_commitments(
    user: AnyUser, *, party: str = "", category: str = "", kind: str = ""
) -> QuerySet[Commitment]:
    """The commitments ``user`` may see, filtered, latest made first (then the latest id)."""
    rows = get_commitments_for(user)
    if party:
        rows = rows.filter(obligor_party__slug=party)
    if category:
        rows = rows.filter(category__slug=category)
    if kind in CommitmentKind.values:
        rows = rows.filter(kind=kind)
    return rows.order_by(F("date_made").desc(), "-pk")


def _cursor(key: Any, pk: int) -> Cursor:
    return make_cursor("date_made", "desc", key, pk)


def _walk(rows: QuerySet[Commitment], cursor: Cursor, size: int, descending: bool) -> list:
    keys: list[tuple[Any, int]] = []
    for part in later_ranges("date_made", cursor.key, cursor.id, descending):
        keys += rows.filter(part).values_list("date_made", "pk")[: size - len(keys)]
        if len(keys) >= size:
            break
    return keys


def commitment_list_page(
    user: AnyUser,
    *,
    party: str = "",
    category: str = "",
    kind: str = "",
    page: int = 1,
    per_page: int = LIST_PER_PAGE,
    after: Cursor | None = None,
    before: Cursor | None = None,
) -> CommitmentPage:
    """One page of the list (a page beyond the last is the last): the page's ids first, read
    through the index the order follows, then those commitments. With a cursor (``after`` or
    ``before``, of the list's order) the page next to it; one with nothing next to it is the
    first page."""
    rows = listed_commitments(user, party=party, category=category, kind=kind)
    count = rows.order_by().count()
    pages = max(1, -(-count // per_page))
    keys: list[tuple[Any, int]] = []
    number: int | None = None
    if after is not None:
        found = _walk(rows, after, per_page + 1, True)
        keys, has_previous, has_next = found[:per_page], True, len(found) > per_page
    elif before is not None:
        found = _walk(rows.reverse(), before, per_page + 1, False)
        keys = found[:per_page][::-1]
        has_previous, has_next = len(found) > per_page, True
    if keys:
        if not has_previous:
            number = 1
    else:
        number = min(max(page, 1), pages)
        keys = list(
            rows.values_list("date_made", "pk")[(number - 1) * per_page : number * per_page]
        )
        has_previous, has_next = number > 1, number < pages
    ids = [pk for _key, pk in keys]
    found_rows = rows.order_by().in_bulk(ids)
    return CommitmentPage(
        [found_rows[pk] for pk in ids],
        number,
        pages,
        count,
        _cursor(*keys[-1]).encode() if has_next and keys else None,
        _cursor(*keys[0]).encode() if has_previous and keys else None,
    )
