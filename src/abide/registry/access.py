"""What each user may see of the registry. Every view, API handler and command asks here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from abide.accounts.access import AnyUser, can_edit_registry, is_mission_reader
from abide.registry.models import Commitment, Party, Person, ReviewState, Source


def get_parties_for(user: AnyUser) -> QuerySet[Party]:
    """Parties are reference data: everyone sees them."""
    return Party.objects.all()


def get_obligors_for(user: AnyUser) -> QuerySet[Party]:
    """The parties that are the obligor of some commitment (what the lists filter by): one
    indexed probe per party, not a read of every commitment."""
    return get_parties_for(user).filter(
        Exists(Commitment.objects.filter(obligor_party_id=OuterRef("pk")))
    )


def get_persons_for(user: AnyUser) -> QuerySet[Person]:
    return Person.objects.all()


def get_commitments_for(user: AnyUser) -> QuerySet[Commitment]:
    """The mission's staff see every commitment; everyone else only confirmed ones."""
    commitments = Commitment.objects.select_related(
        "obligor_party", "obligor_person", "demanded_by_party", "demanded_by_person", "category"
    )
    if is_mission_reader(user):
        return commitments
    return commitments.filter(review_state=ReviewState.CONFIRMED)


def get_commitment_for(user: AnyUser, pk: int, *, change: bool = False) -> Commitment:
    """One commitment the user may see (and, with ``change``, review); 404 otherwise."""
    if change and not can_edit_registry(user):
        raise Http404("no such commitment")
    commitment = get_commitments_for(user).filter(pk=pk).first()
    if commitment is None:
        raise Http404("no such commitment")
    return commitment


def get_sources_for(user: AnyUser) -> QuerySet[Source]:
    """Staff see every source; others only those a confirmed commitment rests on."""
    if is_mission_reader(user):
        return Source.objects.all()
    return Source.objects.filter(
        statements__commitments__review_state=ReviewState.CONFIRMED
    ).distinct()


def require_registry_editor(user: AnyUser, doing: str) -> None:
    """Refuse (PermissionDenied) anyone but the registry's editors: analysts, the head of
    mission and administrators. ``doing`` says what was refused, e.g. "load a registry file"."""
    if not can_edit_registry(user):
        who = user.get_username() if user.is_authenticated else _("the public")
        raise PermissionDenied(
            _(
                "%(user)s may not %(doing)s: only analysts, the head of mission and "
                "administrators change the registry"
            )
            % {"user": who, "doing": doing}
        )
