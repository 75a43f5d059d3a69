"""Sharing agreements with partner organisations: made and ended by the head of mission or an
administrator, each change audited. What an agreement in force lets partners see is decided in
``abide.observations.access``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from abide.accounts.access import AnyUser, can_decide_sharing
from abide.accounts.models import Organisation, SharingAgreement, User
from abide.audit.services import record_change, snapshot


def _check(actor: User) -> None:
    if not can_decide_sharing(actor):
        raise PermissionDenied(
            _("only the head of mission and administrators decide what is shared with partners")
        )


@transaction.atomic
def make_sharing_agreement(
    organisation: Organisation,
    *,
    actor: User,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    categories: Iterable[object] = (),
) -> SharingAgreement:
    """A new agreement with ``organisation`` covering ``categories`` (none: all of them)."""
    _check(actor)
    if not (title or "").strip():
        raise ValidationError({"title": _("An agreement needs a title.")})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("An agreement cannot end before it starts.")})
    agreement = SharingAgreement.objects.create(
        organisation=organisation,
        title=title.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    agreement.categories.set(list(categories))
    record_change(agreement, actor=actor, action="create")
    return agreement


@transaction.atomic
def end_sharing_agreement(
    agreement: SharingAgreement, *, actor: User, ends_on: dt.date | None = None
) -> SharingAgreement:
    """End an agreement: no longer in force from ``ends_on`` (default: today; an agreement
    not yet in force ends on the day it would have started, in force on no day)."""
    _check(actor)
    if ends_on is not None and ends_on < agreement.starts_on:
        raise ValidationError({"ends_on": _("An agreement cannot end before it starts.")})
    ends_on = ends_on or max(timezone.localdate(), agreement.starts_on)
    before = snapshot(agreement)
    agreement.ends_on = ends_on
    agreement.save(update_fields=["ends_on"])
    record_change(agreement, actor=actor, action="end", before=before)
    return agreement


def agreements_in_force(user: AnyUser, day: dt.date | None = None) -> QuerySet[SharingAgreement]:
    """The agreements in force today (or on ``day``) for the organisation of ``user``."""
    organisation_id = getattr(user, "organisation_id", None)
    if not user.is_authenticated or organisation_id is None:
        return SharingAgreement.objects.none()
    day = day or timezone.localdate()
    return SharingAgreement.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=day),
        organisation_id=organisation_id,
        starts_on__lte=day,
    )
