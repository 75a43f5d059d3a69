"""Reports of one event linked as one, so that every figure counts it once."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from abide.accounts.models import User
from abide.audit.services import record_change, snapshot
from abide.geo.gazetteer import EARTH_RADIUS_KM, haversine_km
from abide.observations.access import (
    can_verify_observations,
)
from abide.observations.checks import _require, _sync, required_reason
from abide.observations.models import (
    Event,
    Observation,
)


def _bounding_box(latitude: float, longitude: float, max_km: float) -> Q:
    """The latitude-longitude box around the circle of ``max_km``: a prefilter for SQL."""
    angle = max_km / EARTH_RADIUS_KM
    spread_lat = math.degrees(angle) + 1e-9
    south, north = latitude - spread_lat, latitude + spread_lat
    box = Q(latitude__gte=max(south, -90.0), latitude__lte=min(north, 90.0))
    if south <= -90.0 or north >= 90.0:
        return box  # the circle holds a pole: every longitude
    ratio = math.sin(angle) / math.cos(math.radians(latitude))
    if ratio >= 1.0:
        return box
    spread_lon = math.degrees(math.asin(ratio)) + 1e-9
    west, east = longitude - spread_lon, longitude + spread_lon
    if west < -180.0:
        return box & (Q(longitude__gte=west + 360.0) | Q(longitude__lte=east))
    if east > 180.0:
        return box & (Q(longitude__gte=west) | Q(longitude__lte=east - 360.0))
    return box & Q(longitude__gte=west, longitude__lte=east)


def event_candidates(
    observation: Observation, *, max_days: float = 2, max_km: float = 25
) -> list[Observation]:
    """Observations that may report the same event: same category, time windows that overlap
    once widened by ``max_days``, points within ``max_km``; nearest first. Those already in
    the observation's event are left out; an observation without a point has no candidates."""
    if observation.latitude is None or observation.longitude is None:
        return []
    slack = dt.timedelta(days=max_days)
    candidates = (
        Observation.objects.filter(
            category_id=observation.category_id,
            observed_start__lte=observation.observed_end + slack,
            observed_end__gte=observation.observed_start - slack,
        )
        .filter(_bounding_box(observation.latitude, observation.longitude, max_km))
        .exclude(pk=observation.pk)
        .select_related("category", "subtype")
        .order_by()
    )
    if observation.event_id is not None:
        candidates = candidates.exclude(event_id=observation.event_id)
    found = []
    for other in candidates:
        km = haversine_km(
            observation.latitude, observation.longitude, other.latitude, other.longitude
        )
        if km <= max_km:
            apart = abs((other.observed_start - observation.observed_start).total_seconds())
            found.append((km, apart, other.pk, other))
    found.sort(key=lambda item: item[:3])
    return [other for *_, other in found]


def link_as_one_event(observations: Iterable[Observation], *, actor: User, reason: str) -> Event:
    """Record that the observations report one event (counted once). Events that some of
    them already belong to are merged into the oldest of those, with all their observations."""
    _require(can_verify_observations(actor), _("you may not link observations as one event"))
    reason = required_reason(reason)
    given = list(observations)
    ids = sorted({o.pk for o in given})
    if len(ids) < 2:
        raise ValidationError({"observations": _("link at least two observations as one event")})
    with transaction.atomic():
        locked = list(Observation.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        if len(locked) != len(ids):
            raise ValidationError({"observations": _("some of these observations do not exist")})
        event_ids = sorted({o.event_id for o in locked if o.event_id is not None})
        if len(event_ids) == 1 and all(o.event_id == event_ids[0] for o in locked):
            event = Event.objects.get(pk=event_ids[0])  # already one event: nothing to do
        else:
            if event_ids:
                event = Event.objects.select_for_update().get(pk=event_ids[0])
                created = False
            else:
                event = Event.objects.create(created_by=actor, reason=reason)
                created = True
            merged = event_ids[1:]
            moving = list(
                Observation.objects.select_for_update()
                .filter(Q(pk__in=ids) | Q(event_id__in=merged))
                .exclude(event_id=event.pk)
                .order_by("pk")
            )
            now = timezone.now()
            Observation.objects.filter(pk__in=[o.pk for o in moving]).update(
                event=event, updated_at=now
            )
            for other in moving:
                other.event, other.updated_at = event, now
            record_change(
                event,
                actor=actor,
                action="link",
                before=None if created else snapshot(event),
                related=moving,
                detail={
                    "reason": reason,
                    "observations": [o.pk for o in moving],
                    "merged_events": merged,
                },
            )
            for gone in Event.objects.filter(pk__in=merged).order_by("pk"):
                record_change(
                    gone,
                    actor=actor,
                    action="delete",
                    before=snapshot(gone),
                    detail={"merged_into": event.pk, "reason": reason},
                )
                gone.delete()
    for observation in given:
        observation.event = event
    return event


def unlink_from_event(observation: Observation, *, actor: User, reason: str) -> Observation:
    """Take the observation out of its event (deleting the event if none is left in it)."""
    _require(can_verify_observations(actor), _("you may not unlink observations from events"))
    reason = required_reason(reason)
    with transaction.atomic():
        locked = Observation.objects.select_for_update().get(pk=observation.pk)
        if locked.event_id is None:
            raise ValidationError({"event": _("this observation is not linked to any event")})
        event = Event.objects.select_for_update().get(pk=locked.event_id)
        before = snapshot(locked)
        locked.event = None
        locked.save(update_fields=["event", "updated_at"])
        record_change(
            locked,
            actor=actor,
            action="unlink",
            before=before,
            detail={"event": event.pk, "reason": reason},
        )
        if not event.observations.exists():
            record_change(
                event,
                actor=actor,
                action="delete",
                before=snapshot(event),
                detail={"reason": "its last observation was unlinked", "unlinking": reason},
            )
            event.delete()
    _sync(observation, locked, "event", "updated_at")
    return observation


def count_events(queryset: QuerySet[Observation]) -> int:
    """How many things happened: each event once, however many of its observations are in
    ``queryset``, and each observation that belongs to no event once."""
    counts = queryset.order_by().aggregate(
        events=Count("event", distinct=True), alone=Count("pk", filter=Q(event__isnull=True))
    )
    return counts["events"] + counts["alone"]
