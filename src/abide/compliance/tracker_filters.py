"""One reading of the list filters of the tracker, the commitments list and /api/commitments:
``party``, ``category``, ``kind``, ``status``, ``sort``, ``order`` and the cursors ``after`` and
``before``. The API turns each error into a 422 naming the field; the pages drop what is wrong
and show the first page, as they always did."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from abide.compliance.cursor import Cursor, CursorError, read_cursor
from abide.compliance.models import AssessmentStatus
from abide.registry.models import CommitmentKind

#: What the lists sort by (``sort``); the column each stands for is the tracker's.
SORT_KEYS = ("date_made", "deadline", "status", "obligor", "category", "id")
ORDERS = ("asc", "desc")


@dataclass
class ListFilters:
    party: str = ""
    category: str = ""
    kind: str = ""
    status: str = ""
    sort: str = ""
    order: str = ""
    after: Cursor | None = None
    before: Cursor | None = None
    #: What was refused, field by field (empty when everything was read).
    errors: dict[str, str] = field(default_factory=dict)

    def query(self) -> dict[str, str]:
        """The keywords ``tracker_query`` takes (cursors aside)."""
        return {
            "party": self.party,
            "category": self.category,
            "kind": self.kind,
            "status": self.status,
            "sort": self.sort,
            "order": self.order,
        }


def _one_of(value: str, allowed: tuple[str, ...] | list[str]) -> str:
    return f"{value!r} is not one of {', '.join(allowed)}"


def parse_list_filters(params: Mapping[str, str]) -> ListFilters:
    """The filters in ``params`` (a query string's), each wrong one left empty and named in
    ``errors``. A cursor is read for the sort and order asked for: one from another is refused."""
    found = ListFilters(party=params.get("party", ""), category=params.get("category", ""))
    kind = params.get("kind", "")
    if kind and kind not in CommitmentKind.values:
        found.errors["kind"] = _one_of(kind, CommitmentKind.values)
    else:
        found.kind = kind
    status = params.get("status", "")
    if status and status not in AssessmentStatus.values:
        found.errors["status"] = _one_of(status, AssessmentStatus.values)
    else:
        found.status = status
    sort = params.get("sort", "")
    if sort and sort not in SORT_KEYS:
        found.errors["sort"] = _one_of(sort, SORT_KEYS)
    else:
        found.sort = sort
    order = params.get("order", "")
    if order and order not in ORDERS:
        found.errors["order"] = _one_of(order, ORDERS)
    else:
        found.order = order
    for name in ("after", "before"):
        raw = params.get(name, "")
        if not raw:
            continue
        try:
            setattr(found, name, read_cursor(raw, sort=found.sort, order=found.order))
        except CursorError as exc:
            found.errors[name] = str(exc)
    if found.after is not None and found.before is not None:
        found.errors["before"] = "give either after or before, not both"
        found.before = None
    return found
