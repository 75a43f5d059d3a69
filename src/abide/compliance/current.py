"""Each commitment's current status, stored: its latest weekly assessment up to today, as the
mission sees it and as everyone else is shown it.

The tracker's current status is the latest weekly assessment within the weeks it shows (see
``abide.compliance.tracker``); keeping the latest one here lets the tracker, the commitments
list and ``/api/commitments`` filter, sort and page by status in the database. The assessment
keeps it whenever it stores, signs off or overrides an assessment (:func:`keep_current`); a
week assessed ahead of time becomes current when it comes (:func:`bring_due_up_to_date`).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Min, OuterRef, Subquery
from django.utils import timezone

from abide.compliance.access import as_seen_by
from abide.compliance.models import Assessment, AssessmentStatus, CurrentStatus, PeriodKind
from abide.compliance.status_order import rank_of

_FIELDS = ["assessment", "week", "status", "public_status", "rank", "public_rank", "next_week"]


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.now().date()


#: Commitments worked out at once (within the databases' limits on query parameters).
CHUNK = 2000


def _save(current: dict[int, Assessment | None], ahead: dict[int, dt.date | None]) -> None:
    """Write the rows of these commitments: their current assessment (None: none yet) with
    both statuses, and the first week assessed ahead."""
    items = list(current.items())
    for first in range(0, len(items), CHUNK):
        _save_chunk(dict(items[first : first + CHUNK]), ahead)


def _save_chunk(current: dict[int, Assessment | None], ahead: dict[int, dt.date | None]) -> None:
    assessments = [a for a in current.values() if a is not None]
    shown = [copy.copy(assessment) for assessment in assessments]
    as_seen_by(AnonymousUser(), shown)
    public = {assessment.pk: assessment.status for assessment in shown}
    rows = []
    for commitment_id, assessment in current.items():
        status = assessment.status if assessment else AssessmentStatus.NOT_YET
        public_status = public[assessment.pk] if assessment else AssessmentStatus.NOT_YET
        rows.append(
            CurrentStatus(
                commitment_id=commitment_id,
                assessment=assessment,
                week=assessment.period_start if assessment else None,
                status=status,
                public_status=public_status,
                rank=rank_of(status),
                public_rank=rank_of(public_status),
                next_week=ahead.get(commitment_id),
            )
        )
    CurrentStatus.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["commitment"],
        update_fields=_FIELDS,
    )


def keep_current(assessments: Iterable[Assessment], *, today: dt.date | None = None) -> None:
    """Bring the current status of the commitments of ``assessments`` (just stored, signed
    off or overridden) up to date: a weekly assessment up to today at least as late as the
    current one becomes current; a later week is noted as assessed ahead."""
    today = _today(today)
    weekly = [a for a in assessments if a.period_kind == PeriodKind.WEEK]
    if not weekly:
        return
    rows = {
        row.commitment_id: row
        for row in CurrentStatus.objects.filter(
            commitment_id__in={a.commitment_id for a in weekly}
        ).select_related("assessment")
    }
    current: dict[int, Assessment | None] = {}
    ahead: dict[int, dt.date | None] = {}
    for assessment in weekly:
        commitment_id = assessment.commitment_id
        row = rows.get(commitment_id)
        if commitment_id not in current:
            current[commitment_id] = row.assessment if row else None
            ahead[commitment_id] = row.next_week if row else None
        if assessment.period_start > today:
            first = ahead[commitment_id]
            ahead[commitment_id] = min(first or assessment.period_start, assessment.period_start)
            continue
        held = current[commitment_id]
        if held is None or assessment.period_start >= held.period_start:
            current[commitment_id] = assessment
    _save(current, ahead)


def rebuild_current(
    commitment_ids: Iterable[int] | None = None, *, today: dt.date | None = None
) -> int:
    """Work out the current status of these commitments (all of them with None) from their
    stored assessments, a chunk at a time; the number of rows written."""
    today = _today(today)
    with transaction.atomic():
        if commitment_ids is None:
            CurrentStatus.objects.all().delete()
            ids = sorted(
                Assessment.objects.filter(period_kind=PeriodKind.WEEK)
                .order_by()
                .values_list("commitment_id", flat=True)
                .distinct()
            )
        else:
            ids = sorted(set(commitment_ids))
        written = 0
        for first in range(0, len(ids), CHUNK):
            written += _rebuild(ids[first : first + CHUNK], today, whole=commitment_ids is None)
    return written


def _rebuild(ids: list[int], today: dt.date, *, whole: bool) -> int:
    weekly = Assessment.objects.filter(period_kind=PeriodKind.WEEK, commitment_id__in=ids)
    latest = (
        Assessment.objects.filter(
            commitment_id=OuterRef("commitment_id"),
            period_kind=PeriodKind.WEEK,
            period_start__lte=today,
        )
        .order_by("-period_start")
        .values("period_start")[:1]
    )
    current: dict[int, Assessment | None] = {
        assessment.commitment_id: assessment
        for assessment in weekly.filter(period_start__lte=today, period_start=Subquery(latest))
    }
    ahead: dict[int, dt.date | None] = dict(
        weekly.filter(period_start__gt=today)
        .values("commitment_id")
        .annotate(first=Min("period_start"))
        .values_list("commitment_id", "first")
    )
    for commitment_id in ahead:
        current.setdefault(commitment_id, None)
    if not whole:  # the rows of commitments left without any weekly assessment
        CurrentStatus.objects.filter(commitment_id__in=ids).exclude(
            commitment_id__in=list(current)
        ).delete()
    _save(current, ahead)
    return len(current)


def bring_due_up_to_date(today: dt.date | None = None) -> int:
    """Rebuild the rows whose week assessed ahead has come (one indexed query when none has);
    the number of rows rebuilt."""
    today = _today(today)
    due = list(
        CurrentStatus.objects.filter(next_week__lte=today).values_list("commitment_id", flat=True)
    )
    return rebuild_current(due, today=today) if due else 0
