"""Pledges walked back: a later statement of the obligor that refuses, denies or conditions
what it promised, flagged on the commitment by an analyst."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from abide.accounts.access import can_edit_registry
from abide.accounts.models import User
from abide.audit.services import record_change
from abide.compliance.models import Retraction, RetractionKind
from abide.registry.models import Commitment, CommitmentKind, Statement


def _speaks_for(statement: Statement, commitment: Commitment) -> bool:
    """Whether the statement is the obligor's: said by the party, or by one of its people."""
    obligor = commitment.obligor_party_id
    if obligor is None:
        return False
    if statement.speaker_party_id == obligor:
        return True
    person = statement.speaker_person
    if person is None:
        return False
    on = statement.date_spoken or statement.source.published
    roles = person.roles.filter(party_id=obligor)
    if on is not None:
        roles = roles.exclude(start__gt=on).exclude(end__lt=on)
    return roles.exists()


def flag_retraction(
    commitment: Commitment, statement: Statement, *, kind: str, by: User, reason: str
) -> Retraction:
    """Flag ``statement`` as walking ``commitment`` back; refused, naming the field, unless it
    is a pledge, the statement is its obligor's and was made after the pledge."""
    if not can_edit_registry(by):
        raise PermissionDenied(_("only analysts and the head of mission flag retractions"))
    errors = {}
    if commitment.kind != CommitmentKind.PLEDGE:
        errors["commitment"] = _("only a pledge can be walked back")
    if kind not in RetractionKind.values:
        errors["kind"] = _("unknown kind %(kind)r") % {"kind": kind}
    if not (reason or "").strip():
        errors["reason"] = _("say why")
    if not _speaks_for(statement, commitment):
        errors["statement"] = _("the statement is not the obligor's")
    spoken = statement.date_spoken or statement.source.published
    if commitment.date_made and spoken and spoken < commitment.date_made:
        errors["statement"] = _("the statement was made before the pledge")
    if Retraction.objects.filter(commitment=commitment, statement=statement).exists():
        errors["statement"] = _("this statement is already flagged on this pledge")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        retraction = Retraction.objects.create(
            commitment=commitment,
            statement=statement,
            kind=kind,
            flagged_by=by,
            reason=reason.strip(),
        )
        record_change(retraction, actor=by, action="create")
    return retraction
