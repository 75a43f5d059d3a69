"""The tracker through the API: commitments with their status, history and evidence, and the
demands left unanswered. Handlers are thin: the tracker's services and the access helpers
decide what each user sees."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from abide.accounts.api_auth import READ
from abide.compliance.cursor import Cursor
from abide.compliance.models import AssessmentStatus
from abide.compliance.periods import parse_period
from abide.compliance.tracker import (
    TrackerRow,
    TrackerRows,
    commitment_detail,
    tracker_query,
    tracker_row,
    unanswered_demands_for,
)
from abide.compliance.tracker_filters import ListFilters, parse_list_filters
from abide.core.pagination import PagesWithin
from abide.registry.access import get_commitment_for

router = Router(tags=["commitments"], auth=READ)
PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


class CommitmentOut(Schema):
    id: int
    kind: str
    obligor: str | None
    category: str
    text: str
    date_made: dt.date | None
    deadline: dt.date | None
    status: str
    status_label: str
    coverage_observations: int | None
    coverage_patrols: int | None
    on_whose_word: str
    walked_back: bool


class AssessmentOut(Schema):
    period: str
    period_start: dt.date
    period_end: dt.date
    status: str
    computed_status: str
    override_status: str
    override_justification: str
    signed_off: bool
    rules_version: int
    coverage_observations: int
    coverage_patrols: int
    observations: list[int]


class EvidenceOut(Schema):
    observation: int
    observed_start: dt.datetime
    category: str
    subtype: str | None
    verification: str
    bearing: str
    link: str


class StatementOut(Schema):
    quote: str
    source: str
    date_spoken: dt.date | None
    attribution: list[str]


class RetractionOut(Schema):
    kind: str
    quote: str
    source: str
    date_spoken: dt.date | None


class CommitmentDetailOut(CommitmentOut):
    history: list[AssessmentOut]
    evidence: list[EvidenceOut]
    statements: list[StatementOut]
    retractions: list[RetractionOut]


class DemandOut(Schema):
    id: int
    obligor: str | None
    demanded_by: str | None
    category: str
    text: str
    date_made: dt.date | None
    days_open: int | None


def _row(row: TrackerRow) -> dict:
    commitment = row.commitment
    return {
        "id": commitment.pk,
        "kind": commitment.kind,
        "obligor": commitment.obligor_party.slug if commitment.obligor_party else None,
        "category": commitment.category.slug,
        "text": commitment.text,
        "date_made": commitment.date_made,
        "deadline": commitment.deadline,
        "status": row.status,
        "status_label": str(AssessmentStatus(row.status).label),
        "coverage_observations": row.current.coverage_observations if row.current else None,
        "coverage_patrols": row.current.coverage_patrols if row.current else None,
        "on_whose_word": row.word,
        "walked_back": row.walked_back,
    }


class _Shaped:
    """Tracker rows handed to the paginator: counted and sliced (or paged next to a cursor),
    each row shaped for output, with the cursors around the page."""

    def __init__(self, rows: TrackerRows, filters: ListFilters) -> None:
        self.rows, self.filters = rows, filters

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, part: slice) -> list[dict]:
        return [_row(row) for row in self.rows[part]]

    def _encoded(self, cursor: Cursor | None, wanted: bool) -> str | None:
        return cursor.encode() if cursor is not None and wanted else None

    def cursors(self, has_previous: bool, has_next: bool) -> dict[str, str | None]:
        return {
            "next": self._encoded(self.rows.last, has_next),
            "previous": self._encoded(self.rows.first, has_previous),
        }

    def keyset(self, size: int) -> dict | None:
        if self.filters.after is not None:
            rows, more = self.rows.after(self.filters.after, size)
            return {"items": [_row(row) for row in rows], **self.cursors(bool(rows), more)}
        if self.filters.before is not None:
            rows, more = self.rows.before(self.filters.before, size)
            return {"items": [_row(row) for row in rows], **self.cursors(more, bool(rows))}
        return None


@router.get("/commitments", response=list[CommitmentOut])
@paginate(PagesWithin, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_commitments(
    request: HttpRequest,
    party: str = "",
    category: str = "",
    kind: str = "",
    status: str = "",
    period: str = "",
    sort: str = "date_made",
    order: str = "",
    after: str = "",
    before: str = "",
) -> _Shaped:
    """Confirmed commitments with their current (latest weekly) status, or with their status
    in ``period`` (a day 2020-05-04, an ISO week 2020-W19 or a month 2020-05); a page at a
    time (``page``, ``page_size`` up to 500; a page beyond the last is empty), with the ``count``
    of all that match. Sorted by ``sort`` (date made, deadline, status, obligor, category or
    id) in ``order`` (``asc`` or ``desc``; by default the latest made first, else ascending).
    The answer's ``next`` and ``previous`` are cursors: ``after=next`` is the page after this
    one, ``before=previous`` the page before, each as fast at any depth (``page`` is ignored
    with a cursor; a cursor is valid for the sort and order it came with)."""
    try:
        chosen = parse_period(period) if period else None
    except ValueError as exc:
        raise HttpError(422, f"period: {exc}") from None
    filters = parse_list_filters(
        {
            "party": party,
            "category": category,
            "kind": kind,
            "status": status,
            "sort": sort,
            "order": order,
            "after": after,
            "before": before,
        }
    )
    if filters.errors:
        name, error = next(iter(filters.errors.items()))
        raise HttpError(422, f"{name}: {error}")
    rows = tracker_query(request.user, period=chosen, **filters.query())
    return _Shaped(rows, filters)


@router.get("/commitments/{commitment_id}", response=CommitmentDetailOut)
def get_commitment(request: HttpRequest, commitment_id: int) -> dict:
    """One commitment: its status history, the evidence the reader may see, its statements."""
    commitment = get_commitment_for(request.user, commitment_id)
    detail = commitment_detail(request.user, commitment)
    data = _row(tracker_row(commitment, user=request.user))
    data["history"] = [
        {
            "period": a.period_kind,
            "period_start": a.period_start,
            "period_end": a.period_end,
            "status": a.status,
            "computed_status": a.computed_status,
            "override_status": a.override_status,
            "override_justification": a.override_justification,
            "signed_off": a.signed_off_by_id is not None,
            "rules_version": a.rules_version,
            "coverage_observations": a.coverage_observations,
            "coverage_patrols": a.coverage_patrols,
            "observations": detail.evidence[a.pk],
        }
        for a in detail.history
    ]
    data["evidence"] = [
        {
            "observation": link.observation_id,
            "observed_start": link.observation.observed_start,
            "category": link.observation.category.slug,
            "subtype": link.observation.subtype.slug if link.observation.subtype else None,
            "verification": link.observation.status,
            "bearing": link.bearing,
            "link": link.state,
        }
        for link in detail.links
    ]
    data["statements"] = [
        {
            "quote": statement.text,
            "source": statement.source.title,
            "date_spoken": statement.date_spoken,
            "attribution": [str(link) for link in statement.chain.all()],
        }
        for statement in detail.statements
    ]
    data["retractions"] = [
        {
            "kind": retraction.kind,
            "quote": retraction.statement.text,
            "source": retraction.statement.source.title,
            "date_spoken": retraction.statement.date_spoken,
        }
        for retraction in detail.retractions
    ]
    return data


@router.get("/demands/unanswered", response=list[DemandOut], tags=["demands"])
def list_unanswered_demands(request: HttpRequest) -> list[dict]:
    """Confirmed demands that no pledge of their obligor answers yet, longest open first."""
    return [
        {
            "id": item.demand.pk,
            "obligor": item.demand.obligor_party.slug if item.demand.obligor_party else None,
            "demanded_by": (
                item.demand.demanded_by_party.slug if item.demand.demanded_by_party else None
            ),
            "category": item.demand.category.slug,
            "text": item.demand.text,
            "date_made": item.demand.date_made,
            "days_open": item.days_open,
        }
        for item in unanswered_demands_for(request.user)
    ]
