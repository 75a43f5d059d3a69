"""Decisions taken from the review queues: several proposed links or retractions at once,
and never one already decided since the reviewer's page was drawn."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from abide.accounts.access import can_edit_registry
from abide.accounts.models import User
from abide.compliance.access import can_link
from abide.compliance.linking import confirm_link, reject_link
from abide.compliance.models import Link, LinkState, Retraction, RetractionState
from abide.compliance.retractions import confirm_retraction, dismiss_retraction
from abide.observations.checks import required_reason

#: The most items one decision takes.
MAX_AT_ONCE = 200
LINK_DECISIONS = ("confirm", "reject")
RETRACTION_DECISIONS = ("confirm", "dismiss")


def _ids(ids: Iterable[int], field: str) -> list[int]:
    wanted = sorted({int(pk) for pk in ids})
    if not wanted:
        raise ValidationError({field: _("choose at least one")})
    if len(wanted) > MAX_AT_ONCE:
        raise ValidationError({field: _("choose at most %(max)d") % {"max": MAX_AT_ONCE}})
    return wanted


def _still_open(found: list, wanted: list[int], state: str, field: str) -> None:
    missing = sorted(set(wanted) - {item.pk for item in found})
    decided = sorted(item.pk for item in found if item.state != state)
    if missing:
        raise ValidationError(
            {field: _("no such item: %(ids)s") % {"ids": ", ".join(map(str, missing))}}
        )
    if decided:
        raise ValidationError(
            {
                field: _("already decided by someone else since this page was shown: %(ids)s")
                % {"ids": ", ".join(map(str, decided))}
            },
            code="stale",
        )


def decide_links(
    ids: Iterable[int],
    decision: str,
    *,
    actor: User,
    reason: str,
    bearing: str | None = None,
    obligor_role: str | None = None,
) -> list[Link]:
    """Confirm or reject the candidate links ``ids`` with one reason: one service call each,
    all in one transaction; none if any of them is no longer a candidate."""
    if not can_link(actor):
        raise PermissionDenied(_("you may not review links"))
    if decision not in LINK_DECISIONS:
        raise ValidationError({"decision": _("confirm or reject, not %(v)r") % {"v": decision}})
    reason = required_reason(reason)
    wanted = _ids(ids, "links")
    with transaction.atomic():
        links = list(Link.objects.select_for_update().filter(pk__in=wanted).order_by("pk"))
        _still_open(links, wanted, LinkState.CANDIDATE, "links")
        if decision == "confirm":
            return [
                confirm_link(
                    link, actor=actor, reason=reason, bearing=bearing, obligor_role=obligor_role
                )
                for link in links
            ]
        return [reject_link(link, actor=actor, reason=reason) for link in links]


def decide_retractions(
    ids: Iterable[int], decision: str, *, actor: User, reason: str
) -> list[Retraction]:
    """Confirm or dismiss the proposed retractions ``ids`` with one reason, all in one
    transaction; none if any of them was decided already."""
    if not can_edit_registry(actor):
        raise PermissionDenied(_("you may not review retractions"))
    if decision not in RETRACTION_DECISIONS:
        raise ValidationError({"decision": _("confirm or dismiss, not %(v)r") % {"v": decision}})
    reason = required_reason(reason)
    wanted = _ids(ids, "retractions")
    with transaction.atomic():
        found = list(Retraction.objects.select_for_update().filter(pk__in=wanted).order_by("pk"))
        _still_open(found, wanted, RetractionState.PROPOSED, "retractions")
        decide = confirm_retraction if decision == "confirm" else dismiss_retraction
        return [decide(item, actor=actor, reason=reason) for item in found]
