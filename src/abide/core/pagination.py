"""Page-number pagination of the API's lists, and keyset cursors beside it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

#: The highest page number a list answers: beyond it the offset would overflow the databases'
#: 64-bit integers (SQLite refuses it with a server error), and no list has that many pages.
MAX_PAGE = 10**9


class Pages(PageNumberPagination):
    """django-ninja's page-number pagination, with the page number bounded (422 beyond)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)


class PagesWithin(Pages):
    """Pages of a list counted first, and only the page's rows fetched from what the handler
    returns (a queryset, or anything with ``len`` and slices). A page beyond the last is empty,
    with the ``count``, as in every other list of the API.

    Where what the handler returns also pages by cursor (``keyset(size)``: the page next to
    the cursor it was given, None without one; ``cursors(has_previous, has_next)``: the cursors
    around the page last sliced), the answer carries ``next`` and ``previous`` cursors: the
    same list by ``after=`` / ``before=``, found by an index range at any depth."""

    class Output(Schema):
        items: list[Any]
        count: int
        next: str | None = None
        previous: str | None = None

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        size = self._get_page_size(pagination.page_size)
        count = self._items_count(queryset)
        keyset = getattr(queryset, "keyset", None)
        if keyset is not None:
            found = keyset(size)
            if found is not None:
                return {**found, "count": count}
        offset = (pagination.page - 1) * size
        if offset >= count:
            return {self.items_attribute: [], "count": count}
        items = queryset[offset : offset + size]
        answer = {self.items_attribute: items, "count": count}
        cursors = getattr(queryset, "cursors", None)
        if cursors is not None:
            answer.update(cursors(offset > 0, offset + size < count))
        return answer
