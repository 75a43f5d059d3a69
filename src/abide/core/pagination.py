"""Page-number pagination of the API's lists."""

from __future__ import annotations

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
