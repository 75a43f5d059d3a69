"""Merging a duplicate commitment into the one it repeats."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from abide.accounts.access import can_edit_registry
from abide.accounts.models import User
from abide.audit.services import record_change, snapshot
from abide.registry.models import Commitment, ReviewState


@transaction.atomic
def merge_commitments(
    keep: Commitment, duplicate: Commitment, *, actor: User, reason: str
) -> Commitment:
    """Make ``keep`` rest on the statements of both and mark ``duplicate`` rejected, merged into
    ``keep``. Both are audited. The duplicate must still be proposed; the kept one not rejected."""
    if not can_edit_registry(actor):
        raise PermissionDenied(_("Only the mission's analysts merge commitments."))
    keep = Commitment.objects.select_for_update().get(pk=keep.pk)
    duplicate = Commitment.objects.select_for_update().get(pk=duplicate.pk)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why these are the same commitment.")})
    if keep.pk == duplicate.pk:
        raise ValidationError({"duplicate": _("A commitment cannot be merged into itself.")})
    if duplicate.review_state != ReviewState.PROPOSED:
        raise ValidationError(
            {"duplicate": _("Only a proposed commitment can be merged into another.")}
        )
    if keep.review_state == ReviewState.REJECTED:
        raise ValidationError({"duplicate": _("A rejected commitment cannot keep a duplicate.")})
    if keep.kind != duplicate.kind:
        raise ValidationError(
            {"duplicate": _("A pledge and a demand are not the same commitment.")}
        )
    keep_before, duplicate_before = snapshot(keep), snapshot(duplicate)
    moved = list(duplicate.statements.all())
    keep.statements.add(*moved)
    duplicate.statements.clear()
    duplicate.review_state = ReviewState.REJECTED
    duplicate.merged_into = keep
    duplicate.reviewed_by = actor
    duplicate.reviewed_at = timezone.now()
    duplicate.review_note = reason
    duplicate.save()
    detail = {"kept": keep.pk, "duplicate": duplicate.pk, "statements": [s.pk for s in moved]}
    record_change(keep, actor=actor, action="merge", before=keep_before, detail=detail)
    record_change(
        duplicate, actor=actor, action="review:merged", before=duplicate_before, detail=detail
    )
    return keep
