"""Pledges walked back: a later statement of the obligor that refuses, denies or conditions
what it promised.

An analyst flags one by hand, or abide proposes it: when a source is ingested, each walk-back
the extractor read in it ("we will never accept a ceasefire") is matched against the same
party's earlier pledges of the same category, and each pledge in it against the party's later
walk-backs, so the order in which sources arrive does not matter. A walk-back that only puts
conditions on something matches pledges made without conditions. Analysts confirm or dismiss
what abide proposes; only confirmed retractions are public.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from abide.accounts.access import can_edit_registry
from abide.accounts.models import User
from abide.accounts.services import system_user
from abide.audit.services import record_batch, record_change, snapshot
from abide.compliance.models import Retraction, RetractionKind, RetractionState
from abide.observations.checks import required_reason
from abide.registry.models import (
    Commitment,
    CommitmentKind,
    ReviewState,
    Source,
    Statement,
    WalkBack,
    WalkBackKind,
)


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


def _require_reviewer(user: User) -> None:
    if not can_edit_registry(user):
        raise PermissionDenied(_("only analysts and the head of mission flag retractions"))


def flag_retraction(
    commitment: Commitment, statement: Statement, *, kind: str, actor: User, reason: str
) -> Retraction:
    """Flag ``statement`` as walking ``commitment`` back; refused, naming the field, unless it
    is a pledge, the statement is its obligor's and was made after the pledge."""
    _require_reviewer(actor)
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
    existing = Retraction.objects.filter(commitment=commitment, statement=statement).first()
    if existing is not None and existing.state != RetractionState.PROPOSED:
        errors["statement"] = _("this statement is already flagged on this pledge")
    if errors:
        raise ValidationError(errors)
    if existing is not None:  # abide proposed it already: the analyst confirms it
        return confirm_retraction(existing, actor=actor, reason=reason, kind=kind)
    with transaction.atomic():
        retraction = Retraction.objects.create(
            commitment=commitment,
            statement=statement,
            kind=kind,
            flagged_by=actor,
            reason=reason.strip(),
        )
        record_change(retraction, actor=actor, action="create")
    return retraction


# --- proposed by abide ----------------------------------------------------------------------


def _spoken() -> Coalesce:
    return Coalesce("statement__date_spoken", "statement__source__published")


def _pledges_walked_back_by(walk_back: WalkBack, spoken: object) -> Q:
    """The pledges ``walk_back`` may walk back: the party's, of its category, made by then."""
    condition = Q(
        kind=CommitmentKind.PLEDGE,
        obligor_party_id=walk_back.party_id,
        category_id=walk_back.category_id,
    ) & ~Q(statements=walk_back.statement_id)
    if spoken is not None:
        condition &= Q(date_made__isnull=True) | Q(date_made__lte=spoken)
    if walk_back.kind == WalkBackKind.CONDITIONS:
        condition &= Q(condition="")
    return condition


def propose_retractions(source: Source) -> list[Retraction]:
    """Propose the retractions that ``source`` brings: its walk-backs matched against earlier
    pledges, and its pledges against later walk-backs; one audit entry for them all. A pair
    already flagged, and a rejected pledge, are left alone."""
    pairs: dict[tuple[int, int], WalkBack] = {}
    walk_backs = WalkBack.objects.filter(statement__source=source).annotate(spoken=_spoken())
    for walk_back in walk_backs:
        for pledge in Commitment.objects.filter(
            _pledges_walked_back_by(walk_back, walk_back.spoken)
        ).exclude(review_state=ReviewState.REJECTED):
            pairs.setdefault((pledge.pk, walk_back.statement_id), walk_back)
    pledges = Commitment.objects.filter(
        statements__source=source, kind=CommitmentKind.PLEDGE, obligor_party__isnull=False
    ).exclude(review_state=ReviewState.REJECTED)
    for pledge in pledges.distinct():
        later = WalkBack.objects.annotate(spoken=_spoken()).filter(
            party_id=pledge.obligor_party_id, category_id=pledge.category_id
        )
        later = later.exclude(statement__source=source)
        if pledge.date_made is not None:
            later = later.filter(Q(spoken__isnull=True) | Q(spoken__gte=pledge.date_made))
        if pledge.condition:
            later = later.exclude(kind=WalkBackKind.CONDITIONS)
        for walk_back in later:
            pairs.setdefault((pledge.pk, walk_back.statement_id), walk_back)
    flagged = set(
        Retraction.objects.filter(commitment_id__in={c for c, _ in pairs}).values_list(
            "commitment_id", "statement_id"
        )
    )
    new = [pair for pair in pairs if pair not in flagged]
    if not new:
        return []
    proposer = system_user()
    with transaction.atomic():
        created = Retraction.objects.bulk_create(
            [
                Retraction(
                    commitment_id=commitment,
                    statement_id=statement,
                    walk_back=pairs[commitment, statement],
                    kind=pairs[commitment, statement].kind,
                    state=RetractionState.PROPOSED,
                    flagged_by=proposer,
                    reason=pairs[commitment, statement].text,
                )
                for commitment, statement in new
            ]
        )
        record_batch(
            actor=proposer,
            action="propose retractions",
            model=Retraction,
            ids=[retraction.pk for retraction in created],
            detail={"source": source.pk},
        )
    return created


def _decide(
    retraction: Retraction, state: str, *, actor: User, reason: str, kind: str | None = None
) -> Retraction:
    _require_reviewer(actor)
    reason = required_reason(reason)
    with transaction.atomic():
        retraction = Retraction.objects.select_for_update().get(pk=retraction.pk)
        if retraction.state != RetractionState.PROPOSED:
            raise ValidationError(
                {
                    "state": _("this retraction was already %(state)s")
                    % {"state": retraction.get_state_display()}
                }
            )
        before = snapshot(retraction)
        retraction.state = state
        retraction.kind = kind or retraction.kind
        retraction.decided_by = actor
        retraction.decided_at = timezone.now()
        retraction.reason = reason
        retraction.save()
        record_change(retraction, actor=actor, action=state, before=before)
    return retraction


def confirm_retraction(
    retraction: Retraction, *, actor: User, reason: str, kind: str | None = None
) -> Retraction:
    """An analyst agrees that the statement walks the pledge back (correcting how, if need
    be): it shows in public."""
    if kind is not None and kind not in RetractionKind.values:
        raise ValidationError({"kind": _("unknown kind %(kind)r") % {"kind": kind}})
    return _decide(retraction, RetractionState.CONFIRMED, actor=actor, reason=reason, kind=kind)


def dismiss_retraction(retraction: Retraction, *, actor: User, reason: str) -> Retraction:
    """An analyst finds that the statement does not walk the pledge back."""
    return _decide(retraction, RetractionState.DISMISSED, actor=actor, reason=reason)
