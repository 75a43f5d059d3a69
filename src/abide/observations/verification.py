"""Verification, grading and discussion of observations: each step by a named user, audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from abide.accounts.models import User
from abide.audit.services import record_change, snapshot
from abide.observations.access import (
    can_comment,
    can_verify_observations,
)
from abide.observations.checks import MAX_TEXT, _choice, _Errors, _require, _sync, required_reason
from abide.observations.models import (
    Comment,
    Credibility,
    Observation,
    Reliability,
    Status,
    VerificationStep,
)
from abide.observations.signals import observation_changed

#: The only changes of status there are: from each status, the statuses it may go to.
ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.REPORTED: (Status.CORROBORATED, Status.VERIFIED, Status.DISPUTED),
    Status.CORROBORATED: (Status.VERIFIED, Status.DISPUTED),
    Status.DISPUTED: (Status.CORROBORATED, Status.VERIFIED, Status.REFUTED),
    Status.VERIFIED: (Status.DISPUTED,),
    Status.REFUTED: (Status.DISPUTED,),
}


def transition(
    observation: Observation, to_status: str, *, actor: User, reason: str
) -> VerificationStep:
    """Change the observation's verification status: the only way it changes.

    The allowed steps are :data:`ALLOWED_TRANSITIONS`; any other raises a ValidationError. The
    row is locked first, so that of two concurrent changes the second sees the first's result.
    """
    _require(can_verify_observations(actor), _("you may not change the status of observations"))
    reason = required_reason(reason)
    errors = _Errors()
    _choice(to_status, Status, "to_status", errors)
    errors.raise_any()
    with transaction.atomic():
        locked = Observation.objects.select_for_update().get(pk=observation.pk)
        current = locked.status
        allowed = ALLOWED_TRANSITIONS.get(current, ())
        if to_status not in allowed:
            raise ValidationError(
                _("cannot go from %(from)s to %(to)s: allowed from %(from)s: %(allowed)s")
                % {
                    "from": current,
                    "to": to_status,
                    "allowed": ", ".join(str(s) for s in allowed) or _("nothing"),
                },
                code="transition",
            )
        before = snapshot(locked)
        locked.status = to_status
        locked.save(update_fields=["status", "updated_at"])
        step = VerificationStep.objects.create(
            observation=locked, from_status=current, to_status=to_status, by=actor, reason=reason
        )
        record_change(
            locked,
            actor=actor,
            action=f"status:{to_status}",
            before=before,
            related=[step],
            detail={"from": current, "to": to_status, "reason": reason},
        )
        observation_changed.send(Observation, observation=locked, actor=actor)
    _sync(observation, locked, "status", "updated_at")
    return step


def grade(
    observation: Observation,
    *,
    reliability: str | None = None,
    credibility: int | None = None,
    actor: User,
    reason: str = "",
) -> Observation:
    """Grade the source's reliability (A-F) and the information's credibility (1-6), each
    on its own (the Admiralty code); either may be given alone."""
    _require(can_verify_observations(actor), _("you may not grade observations"))
    errors = _Errors()
    if reliability is None and credibility is None:
        errors.add("reliability", _("give a reliability, a credibility or both"))
    if reliability is not None:
        _choice(reliability, Reliability, "reliability", errors)
    if credibility is not None:
        if isinstance(credibility, bool) or credibility not in Credibility.values:
            errors.add(
                "credibility",
                _("credibility must be a whole number from 1 to 6, not %(value)r")
                % {"value": credibility},
            )
    errors.raise_any()
    with transaction.atomic():
        locked = Observation.objects.select_for_update().get(pk=observation.pk)
        before = snapshot(locked)
        if reliability is not None:
            locked.reliability = reliability
        if credibility is not None:
            locked.credibility = credibility
        if snapshot(locked) != before:
            locked.save(update_fields=["reliability", "credibility", "updated_at"])
            record_change(
                locked,
                actor=actor,
                action="grade",
                before=before,
                detail={"reason": (reason or "").strip()},
            )
    _sync(observation, locked, "reliability", "credibility", "updated_at")
    return observation


def add_comment(observation: Observation, text: str, *, actor: User) -> Comment:
    """Add a message to the observation's discussion."""
    _require(can_comment(actor, observation), _("you may not comment on this observation"))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("the comment is empty")})
    if len(text) > MAX_TEXT:
        raise ValidationError(
            {"text": _("the comment is longer than %(max)d characters") % {"max": MAX_TEXT}}
        )
    with transaction.atomic():
        comment = Comment.objects.create(observation=observation, author=actor, text=text)
        record_change(comment, actor=actor, action="create")
    return comment
