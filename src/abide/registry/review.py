"""Reviewing proposed commitments: the queue, and correcting one as it is confirmed."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.utils.translation import gettext as _

from abide.accounts.access import AnyUser, can_edit_registry
from abide.accounts.models import User
from abide.registry.access import get_commitments_for
from abide.registry.models import Category, Commitment, Party, ReviewState
from abide.registry.services import confirm_commitment, edit_commitment

PAGE_SIZE = 25


def review_queue_for(
    user: AnyUser,
    *,
    source: int | None = None,
    party: Party | None = None,
    category: Category | None = None,
    kind: str = "",
    confidence: float | None = None,
    page: int = 1,
) -> Page:
    """The proposed commitments, oldest first, a page at a time (LIMIT/OFFSET in SQL)."""
    if not can_edit_registry(user):
        raise PermissionDenied(_("Only the mission's analysts review commitments."))
    rows = (
        get_commitments_for(user)
        .filter(review_state=ReviewState.PROPOSED)
        .prefetch_related("statements__source", "statements__speaker_person")
        .order_by("created_at", "pk")
    )
    if source:
        rows = rows.filter(statements__source_id=source).distinct()
    if party is not None:
        rows = rows.filter(obligor_party=party) | rows.filter(demanded_by_party=party)
    if category is not None:
        rows = rows.filter(category=category)
    if kind:
        rows = rows.filter(kind=kind)
    if confidence is not None:
        rows = rows.filter(confidence__gte=confidence)
    return Paginator(rows, PAGE_SIZE).get_page(page)


def merge_candidates(commitments: list[Commitment]) -> dict[int, list[Commitment]]:
    """For each commitment, the others of its kind, category and obligor it may repeat (one
    query for the whole page)."""
    if not commitments:
        return {}
    keys = {(c.kind, c.category_id, c.obligor_party_id) for c in commitments}
    others = (
        Commitment.objects.exclude(review_state=ReviewState.REJECTED)
        .filter(category_id__in={k[1] for k in keys}, kind__in={k[0] for k in keys})
        .select_related("obligor_party")
        .order_by("created_at", "pk")[:2000]
    )
    found: dict[int, list[Commitment]] = {c.pk: [] for c in commitments}
    for other in others:
        for c in commitments:
            if other.pk != c.pk and (other.kind, other.category_id, other.obligor_party_id) == (
                c.kind,
                c.category_id,
                c.obligor_party_id,
            ):
                found[c.pk].append(other)
    return found


@transaction.atomic
def edit_and_confirm_commitment(
    commitment: Commitment, *, actor: User, note: str = "", **changes: object
) -> Commitment:
    """Correct a proposed commitment's fields and confirm it, in one transaction."""
    if not can_edit_registry(actor):
        raise PermissionDenied(_("Only the mission's analysts review commitments."))
    commitment = edit_commitment(commitment, actor=actor, **changes)
    return confirm_commitment(commitment, actor=actor, note=note)
