"""The order the lists sort statuses by (the most pressing first), and each status's rank in it:
the rank is stored beside each commitment's current status so that the sort by status reads a
column (and its index) instead of working the rank out for every row."""

from __future__ import annotations

from abide.compliance.models import AssessmentStatus

#: Statuses in the order the tracker sorts them by: the most pressing first.
STATUS_ORDER = (
    AssessmentStatus.VIOLATED,
    AssessmentStatus.AT_RISK,
    AssessmentStatus.OVERDUE,
    AssessmentStatus.NOT_ASSESSABLE,
    AssessmentStatus.WITHHELD,
    AssessmentStatus.UPHELD,
    AssessmentStatus.FULFILLED,
    AssessmentStatus.SUPERSEDED,
    AssessmentStatus.EXPIRED,
    AssessmentStatus.NOT_YET,
)

#: The rank of "not yet assessed": what a commitment without a current status shows.
NOT_YET_RANK = STATUS_ORDER.index(AssessmentStatus.NOT_YET)


def rank_of(status: str) -> int:
    """Where ``status`` comes in :data:`STATUS_ORDER` (an unknown status after every other)."""
    try:
        return STATUS_ORDER.index(status)
    except ValueError:
        return len(STATUS_ORDER)
