"""Observations a page at a time, by keyset: latest observed first, each page one query.

A cursor is the (observed start, id) of the last observation of a page, so the next page is
``WHERE (observed_start, id) < cursor ... LIMIT n``: it costs the same on the thousandth page
as on the first, through the index on the observed time, and an observation stored between
two requests neither repeats nor skips a row of the pages after it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from abide.observations.models import Observation

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


def encode_cursor(observation: Observation) -> str:
    raw = json.dumps([observation.observed_start.isoformat(), observation.pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    """The position a cursor names; a ValidationError naming ``cursor`` if it names none."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        start, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        moment = dt.datetime.fromisoformat(start)
        if moment.tzinfo is None or not isinstance(pk, int) or isinstance(pk, bool):
            raise ValueError(cursor)
    except (ValueError, TypeError, binascii.Error, UnicodeError):
        raise ValidationError(
            {"cursor": _("not a cursor of this list: pass next_cursor as it was given")}
        ) from None
    return moment, pk


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(
            {
                "limit": _("limit must be from 1 to %(max)d, not %(value)s")
                % {"max": MAX_LIMIT, "value": limit}
            }
        )
    return limit


def page_of(
    queryset: QuerySet[Observation], *, cursor: str | None, limit: int
) -> tuple[list[Observation], str | None]:
    """One page of ``queryset``, latest observed first, and the cursor of the next (None on
    the last page)."""
    limit = check_limit(limit)
    queryset = queryset.order_by("-observed_start", "-id")
    if cursor:
        start, pk = decode_cursor(cursor)
        queryset = queryset.filter(Q(observed_start__lt=start) | Q(observed_start=start, id__lt=pk))
    rows = list(queryset[: limit + 1])
    if len(rows) > limit:
        return rows[:limit], encode_cursor(rows[limit - 1])
    return rows, None
