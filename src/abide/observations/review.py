"""The analysts' review of reported observations: one or several moved to a status at once."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from abide.accounts.models import User
from abide.observations.access import can_verify_observations
from abide.observations.checks import _require, required_reason
from abide.observations.models import Observation, Status, VerificationStep
from abide.observations.verification import transition

#: The most observations moved by one decision.
MAX_AT_ONCE = 200


def review_observations(
    ids: Iterable[int],
    to_status: str,
    *,
    actor: User,
    reason: str,
    from_status: str = Status.REPORTED,
) -> list[VerificationStep]:
    """Move every observation of ``ids`` from ``from_status`` (the status the reviewer saw) to
    ``to_status``, with one reason: one :func:`transition` each, all in one transaction.

    All or nothing: if any of them is no longer in ``from_status`` (someone decided it since
    the page was drawn), does not exist, or may not go to ``to_status``, a ValidationError says
    which and none is changed.
    """
    _require(can_verify_observations(actor), _("you may not change the status of observations"))
    reason = required_reason(reason)
    wanted = sorted({int(pk) for pk in ids})
    if not wanted:
        raise ValidationError({"observations": _("choose at least one observation")})
    if len(wanted) > MAX_AT_ONCE:
        raise ValidationError(
            {"observations": _("choose at most %(max)d observations") % {"max": MAX_AT_ONCE}}
        )
    with transaction.atomic():
        locked = list(Observation.objects.select_for_update().filter(pk__in=wanted).order_by("pk"))
        missing = sorted(set(wanted) - {o.pk for o in locked})
        if missing:
            raise ValidationError(
                {
                    "observations": _("no such observation: %(ids)s")
                    % {"ids": ", ".join(map(str, missing))}
                }
            )
        decided = [o.pk for o in locked if o.status != from_status]
        if decided:
            raise ValidationError(
                {
                    "observations": _(
                        "already decided by someone else since this page was shown: %(ids)s"
                    )
                    % {"ids": ", ".join(map(str, decided))}
                },
                code="stale",
            )
        return [transition(o, to_status, actor=actor, reason=reason) for o in locked]
