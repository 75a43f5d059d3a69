"""When commitments stop binding: superseded by a later commitment, or expired."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from abide.accounts.access import can_edit_registry
from abide.accounts.models import User
from abide.audit.services import record_change, snapshot
from abide.compliance.models import Lifecycle
from abide.observations.checks import required_reason
from abide.registry.models import Commitment, ReviewState


def _require_editor(actor: User) -> None:
    if not can_edit_registry(actor):
        raise PermissionDenied(_("only analysts and the head of mission end commitments"))


def _confirmed(commitment: Commitment, field: str) -> None:
    """Only a confirmed commitment binds, and so only it can stop binding."""
    if commitment.review_state != ReviewState.CONFIRMED:
        raise ValidationError(
            {
                field: _("%(text)r is %(state)s, not confirmed: only a confirmed commitment ends")
                % {"text": commitment.text[:80], "state": commitment.get_review_state_display()}
            }
        )


def _save(commitment: Commitment, actor: User, reason: str, **values: object) -> Lifecycle:
    _require_editor(actor)
    reason = required_reason(reason)
    with transaction.atomic():
        lifecycle = Lifecycle.objects.filter(commitment=commitment).first()
        before = snapshot(lifecycle) if lifecycle else None
        lifecycle = lifecycle or Lifecycle(commitment=commitment)
        for name, value in values.items():
            setattr(lifecycle, name, value)
        lifecycle.set_by = actor
        lifecycle.reason = reason
        lifecycle.save()
        record_change(
            lifecycle, actor=actor, action="change" if before else "create", before=before
        )
    return lifecycle


def supersede(
    commitment: Commitment, *, by_commitment: Commitment, actor: User, reason: str
) -> Lifecycle:
    """``by_commitment`` replaces ``commitment`` from the day it was made: same obligor and
    category, made later, both confirmed."""
    _require_editor(actor)
    _confirmed(commitment, "commitment")
    _confirmed(by_commitment, "superseded_by")
    errors = {}
    if by_commitment.pk == commitment.pk:
        errors["superseded_by"] = _("a commitment does not supersede itself")
    elif (by_commitment.obligor_party_id, by_commitment.category_id) != (
        commitment.obligor_party_id,
        commitment.category_id,
    ):
        errors["superseded_by"] = _("the later commitment has another obligor or category")
    elif not by_commitment.date_made or (
        commitment.date_made and by_commitment.date_made <= commitment.date_made
    ):
        errors["superseded_by"] = _("the later commitment must be made after this one")
    if errors:
        raise ValidationError(errors)
    return _save(
        commitment,
        actor,
        reason,
        superseded_by=by_commitment,
        superseded_on=by_commitment.date_made,
    )


def set_expiry(
    commitment: Commitment, expires_on: dt.date, *, actor: User, reason: str
) -> Lifecycle:
    """The last day ``commitment`` binds (a truce of 72 hours, a pledge for the winter)."""
    _require_editor(actor)
    _confirmed(commitment, "commitment")
    if commitment.date_made and expires_on < commitment.date_made:
        raise ValidationError({"expires_on": _("a commitment cannot expire before it is made")})
    return _save(commitment, actor, reason, expires_on=expires_on)
