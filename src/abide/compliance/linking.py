"""Which observations bear on which commitments: scopes, proposed links, and analysts' decisions.

abide proposes a link (a *candidate*) when an observation has the commitment's category, falls
inside its area, between the day it was made and its deadline, and bears on its obligor: an
observation that undercuts compliance must name the obligor among its actors; one that
supports it may also name no actor at all (a convoy that passed). Analysts confirm or reject
candidates and add links by hand, saying whether the observation supports or undercuts the
commitment and how the obligor figures in it. Every change is audited.

A link is decided once: confirming or rejecting a link already confirmed or rejected is a
ValidationError; ``reopen_link`` makes it a candidate again, with a reason, for a new decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, transaction
from django.db.models import (
    BooleanField,
    DateTimeField,
    Exists,
    F,
    Field,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.validation import explain_validity

from abide.accounts.models import User
from abide.audit.services import record_batch, record_change, snapshot
from abide.compliance.access import can_link
from abide.compliance.areas import area_of
from abide.compliance.models import Bearing, Link, LinkState, ObligorRole, Scope
from abide.geo.countries import country_code
from abide.observations.checks import required_reason
from abide.observations.models import Direction, Observation, ObservationActor
from abide.observations.signals import observation_changed
from abide.registry.models import Commitment, ReviewState


def _require_linker(user: User) -> None:
    if not can_link(user):
        raise PermissionDenied(_("only analysts and the head of mission link observations"))


# --- scopes ---------------------------------------------------------------------------------


def set_scope(
    commitment: Commitment,
    *,
    actor: User,
    countries: Iterable[str] = (),
    admin_areas: Iterable[str] = (),
    places: Iterable[dict] = (),
    polygon: dict | None = None,
    population: str = "all",
) -> Scope:
    """Set where and to whom ``commitment`` applies; a bad value names its field."""
    _require_linker(actor)
    errors: dict[str, str] = {}
    codes = []
    for name in countries:
        code = country_code(name)
        if not code:
            errors["countries"] = _("unknown country %(name)r") % {"name": name}
        codes.append(code)
    circles = []
    for place in places:
        try:
            latitude, longitude = float(place["latitude"]), float(place["longitude"])
            radius = float(place["radius_km"])
        except (KeyError, TypeError, ValueError):
            errors["places"] = _("each place needs a name, latitude, longitude and radius_km")
            continue
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or not 0 < radius <= 5000:
            errors["places"] = _("%(name)s: coordinates or radius out of range") % {
                "name": place.get("name", "?")
            }
            continue
        circles.append(
            {
                "name": str(place.get("name", "")),
                "latitude": latitude,
                "longitude": longitude,
                "radius_km": radius,
            }
        )
    if polygon is not None:
        try:
            geometry = shape(polygon)
        except (AttributeError, KeyError, TypeError, ValueError):
            geometry = None
        if geometry is None or geometry.geom_type not in ("Polygon", "MultiPolygon"):
            errors["polygon"] = _("a GeoJSON Polygon or MultiPolygon is needed")
        elif not geometry.is_valid:
            errors["polygon"] = _("invalid polygon: %(why)s") % {"why": explain_validity(geometry)}
    areas = sorted({name.strip() for name in admin_areas if name.strip()})
    if not (codes or areas or circles or polygon):
        errors["countries"] = _("give at least one country, area, place or polygon")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        scope = Scope.objects.filter(commitment=commitment).first()
        before = snapshot(scope) if scope else None
        scope = scope or Scope(commitment=commitment)
        scope.countries = sorted(set(codes))
        scope.admin_areas = areas
        scope.places = circles
        scope.polygon = polygon
        scope.population = (population or "all").strip()[:200]
        scope.set_by = actor
        scope.save()
        record_change(scope, actor=actor, action="change" if before else "create", before=before)
    commitment.scope = scope
    return scope


# --- proposing links ------------------------------------------------------------------------


def _bears_on(observation: Observation, obligor_id: int | None) -> str | None:
    """How the obligor figures in the observation, if the observation bears on it."""
    if observation.direction not in (Direction.SUPPORTS, Direction.UNDERCUTS):
        return None
    parties = {actor.party_id for actor in observation.actors.all()}
    if obligor_id in parties:
        return ObligorRole.INVOLVED
    if observation.direction == Direction.SUPPORTS and not parties:
        return ObligorRole.NOT_NAMED
    return None


def _in_period(commitment: Commitment, vendor: str = "") -> Q:
    """The observations whose time overlaps the commitment's, from the day it was made to its
    deadline. On PostgreSQL, as an overlap of ranges, which the GiST index of migration
    observations 0004 serves (an index on either end alone still reads half the table)."""
    condition = Q()
    start = end = None
    if commitment.date_made:
        start = dt.datetime.combine(commitment.date_made, dt.time.min, tzinfo=dt.UTC)
        condition &= Q(observed_end__gte=start)
    if commitment.deadline:
        end = dt.datetime.combine(commitment.deadline, dt.time.max, tzinfo=dt.UTC)
        condition &= Q(observed_start__lte=end)
    if vendor == "postgresql" and (start or end) and not (start and end and start > end):
        # The same condition (observed_end >= observed_start is a constraint); alone, lest
        # the planner also read the index on the start, up to the deadline.
        return Q(_Overlaps(_period("observed_start", "observed_end"), _period(start, end)))
    return condition


class _Overlaps(Func):
    """PostgreSQL's ``&&``: whether two ranges overlap."""

    arg_joiner = " && "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def _period(start: str | dt.datetime | None, end: str | dt.datetime | None) -> Func:
    """The closed range from ``start`` to ``end`` (field names, or times; None: unbounded),
    written as the index on observations' periods is."""
    bounds = [
        F(bound) if isinstance(bound, str) else Cast(Value(bound), DateTimeField())
        for bound in (start, end)
    ]
    return Func(*bounds, Value("[]"), function="tstzrange", output_field=Field())


def linkable_commitments() -> QuerySet[Commitment]:
    return Commitment.objects.filter(
        review_state=ReviewState.CONFIRMED, obligor_party__isnull=False
    ).select_related("obligor_party", "scope", "lifecycle")


#: Observations fetched at once, with their actors, when proposing links.
CHUNK = 2000


def propose_links(commitment: Commitment, *, actor: User) -> list[Link]:
    """Create candidate links from ``commitment`` to the observations that may bear on it
    and are not linked to it yet; one audit entry for them all."""
    if commitment.review_state != ReviewState.CONFIRMED or commitment.obligor_party_id is None:
        return []
    area = area_of(commitment)
    if area.empty:
        return []
    # Whether it names the obligor, or supports compliance naming no one: EXISTS subqueries
    # (a join to the actors would need a DISTINCT over every column of the observations).
    vendor = connections[Observation.objects.db].vendor
    actors = ObservationActor.objects.filter(observation_id=OuterRef("pk"))
    named = Exists(actors.filter(party_id=commitment.obligor_party_id))
    unnamed = Q(~Exists(actors), direction=Direction.SUPPORTS)
    keys = (
        Observation.objects.filter(category_id=commitment.category_id)
        .filter(_in_period(commitment, vendor))
        .filter(area.prefilter())
        .filter(direction__in=[Direction.SUPPORTS, Direction.UNDERCUTS])
        .exclude(links__commitment=commitment)
        .order_by()
        .values_list("observed_start", "pk")
    )
    if vendor == "postgresql":
        # PostgreSQL costs an OR of subqueries on every row of the period, and then compiles
        # the query (JIT) for longer than it runs: two queries, a semi- and an anti-join,
        # whose observations are disjoint (with actors, without).
        found = [*keys.filter(named), *keys.filter(unnamed)]
    else:
        # SQLite reads the period once; the index of migration observations 0004 on the
        # actors by observation and party keeps it from probing through the party alone.
        found = list(keys.filter(named | unnamed))
    # The keys first, then the observations by the chunk: not through a server-side cursor,
    # for which PostgreSQL plans to return the first rows fast, not all of them.
    ids = [pk for _, pk in sorted(found, reverse=True)]  # the observations' order
    links = []
    for first in range(0, len(ids), CHUNK):
        chunk = ids[first : first + CHUNK]
        observations = Observation.objects.prefetch_related("actors").in_bulk(chunk)
        for observation in filter(None, map(observations.get, chunk)):
            role = _bears_on(observation, commitment.obligor_party_id)
            if role is not None and area.contains(observation):
                links.append(_candidate(commitment, observation, role))
    return _store_candidates(links, actor)


def propose_links_for(observation: Observation, *, actor: User) -> list[Link]:
    """Candidate links from every confirmed commitment that ``observation`` may bear on:
    what a new or changed observation calls for, without looking at any other. The
    commitments are chosen in SQL (category, obligor among the actors, dates, not yet
    linked); only their areas are checked here."""
    if observation.direction not in (Direction.SUPPORTS, Direction.UNDERCUTS):
        return []
    parties = set(observation.actors.exclude(party=None).values_list("party_id", flat=True))
    named = parties or observation.actors.exists()
    obligors = Q(obligor_party_id__in=parties)
    if observation.direction == Direction.SUPPORTS and not named:
        obligors = Q()  # a convoy that passed bears on whoever promised to let it through
    elif not parties:
        return []
    commitments = (
        linkable_commitments()
        .filter(obligors, category_id=observation.category_id)
        .exclude(date_made__gt=observation.observed_end.date())
        .exclude(deadline__lt=observation.observed_start.date())
        .exclude(links__observation=observation)
    )
    links = []
    for commitment in commitments:
        role = (
            ObligorRole.INVOLVED
            if commitment.obligor_party_id in parties
            else (ObligorRole.NOT_NAMED)
        )
        area = area_of(commitment)
        if not area.empty and area.contains(observation):
            links.append(_candidate(commitment, observation, role))
    return _store_candidates(links, actor)


def _candidate(commitment: Commitment, observation: Observation, role: str) -> Link:
    return Link(
        commitment=commitment,
        observation=observation,
        state=LinkState.CANDIDATE,
        bearing=observation.direction,
        obligor_role=role,
    )


def _store_candidates(links: list[Link], actor: User) -> list[Link]:
    if not links:
        return []
    with transaction.atomic():
        created = Link.objects.bulk_create(links)
        record_batch(
            actor=actor,
            action="propose links",
            model=Link,
            ids=[link.pk for link in created],
            detail={"commitments": sorted({link.commitment_id for link in created})},
        )
    return created


# --- analysts' decisions --------------------------------------------------------------------


def _decide(
    link: Link,
    state: str,
    *,
    actor: User,
    reason: str,
    bearing: str | None = None,
    obligor_role: str | None = None,
) -> Link:
    _require_linker(actor)
    reason = required_reason(reason)
    if bearing is not None and bearing not in Bearing.values:
        raise ValidationError({"bearing": _("unknown bearing %(v)r") % {"v": bearing}})
    if obligor_role is not None and obligor_role not in ObligorRole.values:
        raise ValidationError({"obligor_role": _("unknown role %(v)r") % {"v": obligor_role}})
    with transaction.atomic():
        link = Link.objects.select_for_update().get(pk=link.pk)
        if link.state != LinkState.CANDIDATE:
            raise ValidationError({"state": _already_decided(link)})
        before = snapshot(link)
        link.state = state
        link.bearing = bearing or link.bearing
        link.obligor_role = obligor_role or link.obligor_role
        link.decided_by = actor
        link.decided_at = timezone.now()
        link.reason = reason
        link.save()
        record_change(link, actor=actor, action=state, before=before)
        observation_changed.send(Observation, observation=link.observation, actor=actor)
    return link


def confirm_link(
    link: Link,
    *,
    actor: User,
    reason: str,
    bearing: str | None = None,
    obligor_role: str | None = None,
) -> Link:
    """Confirm that the observation bears on the commitment (correcting how, if need be)."""
    return _decide(
        link,
        LinkState.CONFIRMED,
        actor=actor,
        reason=reason,
        bearing=bearing,
        obligor_role=obligor_role,
    )


def reject_link(link: Link, *, actor: User, reason: str) -> Link:
    return _decide(link, LinkState.REJECTED, actor=actor, reason=reason)


def _already_decided(link: Link) -> str:
    return _("this link is already %(state)s: reopen it before deciding again") % {
        "state": link.get_state_display()
    }


def reopen_link(link: Link, *, actor: User, reason: str) -> Link:
    """Take back the decision on a confirmed or rejected link, saying why: it is a candidate
    again (and counts as one) until an analyst confirms or rejects it afresh."""
    _require_linker(actor)
    reason = required_reason(reason)
    with transaction.atomic():
        link = Link.objects.select_for_update().get(pk=link.pk)
        if link.state == LinkState.CANDIDATE:
            raise ValidationError({"state": _("this link is not decided yet")})
        before = snapshot(link)
        link.state = LinkState.CANDIDATE
        link.decided_by = None
        link.decided_at = None
        link.reason = reason
        link.save()
        record_change(link, actor=actor, action="reopen", before=before)
        observation_changed.send(Observation, observation=link.observation, actor=actor)
    return link


def add_link(
    commitment: Commitment,
    observation: Observation,
    *,
    actor: User,
    bearing: str,
    obligor_role: str,
    reason: str,
) -> Link:
    """Link an observation to a commitment by hand: confirmed at once, or an existing
    candidate confirmed (a link already decided is reopened first)."""
    existing = Link.objects.filter(commitment=commitment, observation=observation).first()
    if existing is not None:
        if existing.state != LinkState.CANDIDATE:
            _require_linker(actor)
            raise ValidationError({"observation": _already_decided(existing)})
        return confirm_link(
            existing, actor=actor, reason=reason, bearing=bearing, obligor_role=obligor_role
        )
    _require_linker(actor)
    reason = required_reason(reason)
    errors = {}
    if bearing not in Bearing.values:
        errors["bearing"] = _("unknown bearing %(v)r") % {"v": bearing}
    if obligor_role not in ObligorRole.values:
        errors["obligor_role"] = _("unknown role %(v)r") % {"v": obligor_role}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        link = Link.objects.create(
            commitment=commitment,
            observation=observation,
            state=LinkState.CONFIRMED,
            bearing=bearing,
            obligor_role=obligor_role,
            created_by=actor,
            decided_by=actor,
            decided_at=timezone.now(),
            reason=reason,
        )
        record_change(link, actor=actor, action="create")
        observation_changed.send(Observation, observation=observation, actor=actor)
    return link
