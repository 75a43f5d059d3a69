"""Keyset cursors of the commitment lists: where a page ends (or starts), as the sort key and
the id of its last (or first) row, so that the next page is found by an index range whatever
its depth, instead of skipping every row before it.

A cursor is opaque and URL-safe (base64url of a small JSON list); it names the sort and the
order it was made for, and is refused for another."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

#: The sort each list sorts by when none is asked for.
DEFAULT_SORT = "date_made"
_DATES = ("date_made", "deadline")
_NUMBERS = ("status", "category")
_TEXTS = ("obligor",)


class CursorError(ValueError):
    """A cursor that cannot be read, or was made for another sort or order."""


def sort_and_direction(sort: str, order: str) -> tuple[str, bool]:
    """The sort (the default where none is given) and whether it runs descending: by default
    the latest made first, everything else ascending."""
    sort = sort or DEFAULT_SORT
    return sort, order == "desc" or (not order and sort == DEFAULT_SORT)


@dataclass(frozen=True)
class Cursor:
    sort: str
    descending: bool
    #: The row's sort key (None where the row has none: no date, no obligor); the id for ``id``.
    key: Any
    id: int

    def encode(self) -> str:
        key = self.key.isoformat() if isinstance(self.key, dt.date) else self.key
        raw = json.dumps([self.sort, "desc" if self.descending else "asc", key, self.id])
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def make_cursor(sort: str, order: str, key: Any, pk: int) -> Cursor:
    sort, descending = sort_and_direction(sort, order)
    return Cursor(sort, descending, pk if sort == "id" else key, pk)


def _key(sort: str, key: Any) -> Any:
    if key is None:
        if sort in (*_NUMBERS, "id"):
            raise TypeError
        return None
    if sort in _DATES:
        return dt.date.fromisoformat(key)
    if sort in (*_NUMBERS, "id"):
        if isinstance(key, bool) or not isinstance(key, int):
            raise TypeError
        return key
    if not isinstance(key, str):
        raise TypeError
    return key


def read_cursor(raw: str, *, sort: str, order: str) -> Cursor:
    """The cursor ``raw`` stands for, if it was made for ``sort`` in ``order``."""
    try:
        padded = raw + "=" * (-len(raw) % 4)
        name, direction, key, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(pk, int) or isinstance(pk, bool) or direction not in ("asc", "desc"):
            raise TypeError
        if name not in (*_DATES, *_NUMBERS, *_TEXTS, "id"):
            raise TypeError
        key = _key(name, key)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise CursorError("not a cursor of this list") from None
    wanted, descending = sort_and_direction(sort, order)
    if (name, direction == "desc") != (wanted, descending):
        raise CursorError(
            f"a cursor of the list sorted by {name} {direction}, not by {wanted} "
            f"{'desc' if descending else 'asc'}"
        )
    return Cursor(name, descending, key, pk)
