"""Reporting observations: validated, placed through the gazetteer, stored once per client key."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from abide.accounts.models import Role, User
from abide.audit.services import record_change
from abide.geo.gazetteer import Gazetteer, Place, haversine_km
from abide.observations.access import (
    can_report_observations,
)
from abide.observations.checks import _aware, _choice, _Errors, _require
from abide.observations.models import (
    Attribution,
    Direction,
    Observation,
    ObservationActor,
    Patrol,
    PlacePrecision,
    PublicPrecision,
    ReporterKind,
    Sensitivity,
    SubType,
    TimePrecision,
)
from abide.observations.signals import observation_changed
from abide.registry.models import Category, Party

#: A point is named after the nearest place only if that place is at most this far away.
NEAREST_PLACE_KM = 50.0

_ROLE_REPORTER_KIND = {Role.OBSERVER: ReporterKind.OBSERVER, Role.PARTNER: ReporterKind.PARTNER}


# --- the gazetteer ---------------------------------------------------------------------------

_gazetteer: Gazetteer | None = None
_gazetteer_lock = threading.Lock()


def default_gazetteer() -> Gazetteer:
    """The process's gazetteer, built the first time a place is resolved (it takes seconds)."""
    global _gazetteer
    if _gazetteer is None:
        with _gazetteer_lock:
            if _gazetteer is None:
                _gazetteer = Gazetteer()
    return _gazetteer


@dataclass(frozen=True)
class ActorIn:
    """An actor named in a report: a registry party when known (a party, or its identifier),
    and the name as reported (the party's English name when not given)."""

    name: str = ""
    party: Party | str | None = None
    attribution: str = Attribution.ALLEGED


def _end_of_period(start: dt.datetime, precision: str) -> dt.datetime:
    """The last instant of the period that starts at ``start`` and is as long as ``precision``
    says (the start itself for an exact time)."""
    one = dt.timedelta(microseconds=1)
    if precision == TimePrecision.DAY:
        return start + dt.timedelta(days=1) - one
    if precision == TimePrecision.WEEK:
        return start + dt.timedelta(days=7) - one
    if precision in (TimePrecision.MONTH, TimePrecision.YEAR):
        months = 1 if precision == TimePrecision.MONTH else 12
        index = start.month - 1 + months
        year, month = start.year + index // 12, index % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return start.replace(year=year, month=month, day=day) - one
    return start


def _coordinate(value: Any, field: str, low: float, high: float, errors: _Errors) -> float | None:
    if isinstance(value, bool):
        errors.add(field, _("%(field)s must be a number") % {"field": field})
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors.add(
            field, _("%(field)s must be a number, not %(value)r") % {"field": field, "value": value}
        )
        return None
    if not math.isfinite(number) or not low <= number <= high:
        errors.add(
            field,
            _("%(field)s must be between %(low)s and %(high)s, not %(value)s")
            % {"field": field, "low": low, "high": high, "value": value},
        )
        return None
    return number


def _category(value: Category | str, errors: _Errors) -> Category | None:
    if isinstance(value, Category):
        return value
    found = Category.objects.filter(slug=value).first() if isinstance(value, str) else None
    if found is None:
        errors.add("category", _("unknown category: %(value)r") % {"value": value})
    return found


def _subtype(
    value: SubType | str | None, category: Category | None, errors: _Errors
) -> SubType | None:
    if value is None or value == "":
        return None
    subtype = value if isinstance(value, SubType) else None
    if subtype is None and isinstance(value, str):
        subtype = SubType.objects.filter(slug=value).first()
    if subtype is None:
        errors.add("subtype", _("unknown sub-type: %(value)r") % {"value": value})
        return None
    if category is not None and subtype.category_id != category.pk:
        errors.add(
            "subtype",
            _("sub-type %(subtype)s belongs to category %(its)s, not to %(category)s")
            % {"subtype": subtype.slug, "its": subtype.category.slug, "category": category.slug},
        )
        return None
    return subtype


def _actors(actors: Iterable[ActorIn | Party | str], errors: _Errors) -> list[ObservationActor]:
    from abide.registry.services import find_party

    rows = []
    for position, actor in enumerate(actors):
        if isinstance(actor, str):
            actor = ActorIn(name=actor, party=find_party(actor))
        elif isinstance(actor, Party):
            actor = ActorIn(name=actor.name_en, party=actor)
        if isinstance(actor, ActorIn) and isinstance(actor.party, str):
            party = Party.objects.filter(slug=actor.party).first()
            if party is None:
                errors.add(
                    "actors",
                    _("actor %(n)d: unknown party %(slug)r")
                    % {"n": position + 1, "slug": actor.party},
                )
                continue
            actor = ActorIn(
                name=actor.name or party.name_en, party=party, attribution=actor.attribution
            )
        if (
            not isinstance(actor, ActorIn)
            or not isinstance(actor.name, str)
            or not actor.name.strip()
        ):
            errors.add("actors", _("actor %(n)d has no name") % {"n": position + 1})
            continue
        if len(actor.name.strip()) > 300:
            errors.add("actors", _("actor %(n)d: the name is too long") % {"n": position + 1})
            continue
        if _choice(actor.attribution, Attribution, "actors", errors) is None:
            continue
        rows.append(
            ObservationActor(
                party=actor.party,
                name=actor.name.strip(),
                attribution=actor.attribution,
                position=position,
            )
        )
    return rows


@dataclass
class _Location:
    latitude: float | None = None
    longitude: float | None = None
    place_name: str = ""
    country: str = ""
    admin1: str = ""
    geonameid: int | None = None
    precision: str = PlacePrecision.EXACT

    def take(self, place: Place, *, point: bool) -> None:
        """Take the place's country, area and id (and its point, with ``point``)."""
        self.country = place.country_code
        self.admin1 = place.admin1_code
        self.geonameid = place.geonameid
        if point and math.isfinite(place.latitude) and math.isfinite(place.longitude):
            self.latitude, self.longitude = place.latitude, place.longitude


def _locate(
    place_name: str,
    latitude: float | None,
    longitude: float | None,
    gazetteer: Gazetteer,
    errors: _Errors,
) -> _Location:
    """The point and the named place of a report, each filled from the other if missing.

    Only a name: the gazetteer's place of that name (an unknown name is an error). Only a
    point: the nearest named place within :data:`NEAREST_PLACE_KM`. Both: the point as given,
    with the named place's country and area if it lies near the point (else the nearest's).
    """
    location = _Location(latitude=latitude, longitude=longitude, place_name=place_name)
    if latitude is None or longitude is None:
        place = gazetteer.resolve(place_name)
        if place is None:
            errors.add("place_name", _("unknown place name: %(name)s") % {"name": place_name})
            return location
        location.take(place, point=True)
        is_country = place.kind == "country"
        location.precision = PlacePrecision.COUNTRY if is_country else PlacePrecision.NEAR
        return location
    nearest = gazetteer.nearest(latitude, longitude, max_km=NEAREST_PLACE_KM)
    named = gazetteer.resolve(place_name) if place_name else None
    if (
        named is not None
        and named.kind == "city"
        and haversine_km(latitude, longitude, named.latitude, named.longitude) <= NEAREST_PLACE_KM
    ):
        location.take(named, point=False)
    elif nearest is not None:
        location.take(nearest[0], point=False)
        if place_name:
            location.geonameid = None  # the name given is not the nearest place's
        else:
            location.place_name = nearest[0].name
    return location


def _stored_for_key(client_key: str, actor: User) -> Observation | None:
    """The observation already stored under ``client_key`` by ``by``; an error if another
    user used that key."""
    stored = Observation.objects.filter(client_key=client_key).first()
    if stored is not None and stored.reported_by_id != actor.pk:
        raise ValidationError(
            {
                "client_key": _("client key %(key)s was already used by another user")
                % {"key": client_key}
            }
        )
    return stored


def build_observation(
    *,
    actor: User,
    category: Category | str,
    observed_start: dt.datetime,
    observed_end: dt.datetime | None = None,
    time_precision: str,
    place_name: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    place_precision: str | None = None,
    subtype: SubType | str | None = None,
    direction: str | None = None,
    actors: Iterable[ActorIn | Party | str] = (),
    casualties_low: int | None = None,
    casualties_best: int | None = None,
    casualties_high: int | None = None,
    casualties_civilian: int | None = None,
    casualties_combatant: int | None = None,
    casualties_unknown: int | None = None,
    narrative: str = "",
    language: str = "en",
    sensitivity: str,
    public_precision: str,
    client_key: str | None = None,
    patrol: Patrol | int | None = None,
    reporter_kind: str | None = None,
    gazetteer: Gazetteer | None = None,
) -> tuple[Observation, list[ObservationActor]]:
    """A checked, unsaved observation and its actor rows, from what a reporter gives; a
    ValidationError naming each field at fault. The checks of :func:`report_observation`, shared
    with corrections (``abide.observations.correcting``)."""
    key = (client_key or "").strip() or None
    errors = _Errors()
    category_obj = _category(category, errors)
    subtype_obj = _subtype(subtype, category_obj, errors)

    _choice(time_precision, TimePrecision, "time_precision", errors)
    start = _aware(observed_start, "observed_start", errors)
    end = None
    if observed_end is not None:
        end = _aware(observed_end, "observed_end", errors)
    elif start is not None and time_precision in TimePrecision.values:
        end = _end_of_period(start, time_precision)
    if start is not None and end is not None and end < start:
        errors.add(
            "observed_end",
            _("observed_end (%(end)s) is before observed_start (%(start)s)")
            % {"end": end.isoformat(), "start": start.isoformat()},
        )

    place_name = (place_name or "").strip()
    if len(place_name) > 200:
        errors.add("place_name", _("place_name is longer than 200 characters"))
    lat = lon = None
    if latitude is not None:
        lat = _coordinate(latitude, "latitude", -90.0, 90.0, errors)
    if longitude is not None:
        lon = _coordinate(longitude, "longitude", -180.0, 180.0, errors)
    if latitude is not None and longitude is None:
        errors.add("longitude", _("longitude is missing: latitude was given without it"))
    if longitude is not None and latitude is None:
        errors.add("latitude", _("latitude is missing: longitude was given without it"))
    if not place_name and latitude is None and longitude is None:
        errors.add("place_name", _("give a place name, or a latitude and a longitude"))
    if place_precision is not None:
        _choice(place_precision, PlacePrecision, "place_precision", errors)

    if direction is not None:
        _choice(direction, Direction, "direction", errors)
    elif subtype_obj is not None:
        direction = subtype_obj.default_direction
    elif "subtype" not in errors.by_field:
        errors.add("direction", _("give a direction, or a sub-type that implies one"))

    casualties = {
        "casualties_low": casualties_low,
        "casualties_best": casualties_best,
        "casualties_high": casualties_high,
        "casualties_civilian": casualties_civilian,
        "casualties_combatant": casualties_combatant,
        "casualties_unknown": casualties_unknown,
    }
    for field, value in casualties.items():
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 0
        ):
            errors.add(field, _("%(field)s must be a whole number of 0 or more") % {"field": field})
    ordered = [
        (field, casualties[field])
        for field in ("casualties_low", "casualties_best", "casualties_high")
        if isinstance(casualties[field], int) and not isinstance(casualties[field], bool)
    ]
    for (lower, low), (upper, high) in pairwise(ordered):
        if low > high:
            errors.add(
                upper,
                _("%(upper)s (%(high)d) is below %(lower)s (%(low)d)")
                % {"upper": upper, "high": high, "lower": lower, "low": low},
            )

    _choice(sensitivity, Sensitivity, "sensitivity", errors)
    _choice(public_precision, PublicPrecision, "public_precision", errors)
    if not isinstance(language, str) or not 0 < len(language) <= 10:
        errors.add("language", _("language must be a language code such as en or hy"))
    if not isinstance(narrative, str):
        errors.add("narrative", _("narrative must be text"))

    role_kind = _ROLE_REPORTER_KIND.get(actor.role)
    if reporter_kind is None:
        reporter_kind = role_kind or ReporterKind.OBSERVER
    elif _choice(reporter_kind, ReporterKind, "reporter_kind", errors) is not None:
        if role_kind is not None and reporter_kind != role_kind:
            errors.add(
                "reporter_kind",
                _("a user with the role %(role)s reports as %(kind)s, not as %(given)s")
                % {"role": actor.role, "kind": role_kind, "given": reporter_kind},
            )
    if isinstance(patrol, int) and not isinstance(patrol, bool):
        found_patrol = Patrol.objects.filter(pk=patrol).first()
        if found_patrol is None:
            errors.add("patrol", _("no patrol %(id)s") % {"id": patrol})
        patrol = found_patrol
    elif patrol is not None and (not isinstance(patrol, Patrol) or patrol.pk is None):
        errors.add("patrol", _("patrol must be a stored patrol"))
    actor_rows = _actors(actors, errors)
    errors.raise_any()

    location = _locate(place_name, lat, lon, gazetteer or default_gazetteer(), errors)
    errors.raise_any()

    observation = Observation(
        observed_start=start,
        observed_end=end,
        time_precision=time_precision,
        reported_at=timezone.now(),
        latitude=location.latitude,
        longitude=location.longitude,
        place_precision=place_precision or location.precision,
        country=location.country,
        admin1=location.admin1,
        place_name=location.place_name,
        geonameid=location.geonameid,
        category=category_obj,
        subtype=subtype_obj,
        direction=direction,
        **casualties,
        narrative=narrative.strip(),
        language=language,
        reporter_kind=reporter_kind,
        reported_by=actor,
        client_key=key or "",
        sensitivity=sensitivity,
        public_precision=public_precision,
        patrol=patrol,
    )
    observation.full_clean(validate_unique=False, validate_constraints=False)
    return observation, actor_rows


def report_observation(
    *,
    actor: User,
    category: Category | str,
    observed_start: dt.datetime,
    observed_end: dt.datetime | None = None,
    time_precision: str,
    place_name: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    place_precision: str | None = None,
    subtype: SubType | str | None = None,
    direction: str | None = None,
    actors: Iterable[ActorIn | Party | str] = (),
    casualties_low: int | None = None,
    casualties_best: int | None = None,
    casualties_high: int | None = None,
    casualties_civilian: int | None = None,
    casualties_combatant: int | None = None,
    casualties_unknown: int | None = None,
    narrative: str = "",
    language: str = "en",
    sensitivity: str,
    public_precision: str,
    client_key: str | None = None,
    patrol: Patrol | int | None = None,
    reporter_kind: str | None = None,
    gazetteer: Gazetteer | None = None,
) -> tuple[Observation, bool]:
    """Store one report of something seen; ``(observation, created)``.

    ``observed_end`` defaults to the end of the period that ``time_precision`` gives. A place
    name alone is resolved to its point, country and area; a point alone is named after the
    nearest place. An actor's party and the patrol may be given by identifier (slug, id).
    ``direction`` defaults to the sub-type's usual direction, ``reporter_kind``
    to the reporter's role. A submission retried with the same ``client_key`` by the same user
    returns the stored observation with ``created=False``.
    """
    _require(can_report_observations(actor), _("you may not report observations"))
    key = (client_key or "").strip() or None
    if key is not None:
        if len(key) > 100:
            raise ValidationError({"client_key": _("client_key is longer than 100 characters")})
        stored = _stored_for_key(key, actor)
        if stored is not None:
            return stored, False

    observation, actor_rows = build_observation(
        actor=actor,
        category=category,
        observed_start=observed_start,
        observed_end=observed_end,
        time_precision=time_precision,
        place_name=place_name,
        latitude=latitude,
        longitude=longitude,
        place_precision=place_precision,
        subtype=subtype,
        direction=direction,
        actors=actors,
        casualties_low=casualties_low,
        casualties_best=casualties_best,
        casualties_high=casualties_high,
        casualties_civilian=casualties_civilian,
        casualties_combatant=casualties_combatant,
        casualties_unknown=casualties_unknown,
        narrative=narrative,
        language=language,
        sensitivity=sensitivity,
        public_precision=public_precision,
        client_key=key,
        patrol=patrol,
        reporter_kind=reporter_kind,
        gazetteer=gazetteer,
    )

    with transaction.atomic():
        try:
            with transaction.atomic():
                observation.save(force_insert=True)
        except IntegrityError:
            # Two submissions with the same key at once: the other one was stored first.
            stored = _stored_for_key(key, actor) if key is not None else None
            if stored is None:
                raise
            return stored, False
        for row in actor_rows:
            row.observation = observation
        ObservationActor.objects.bulk_create(actor_rows)
        record_change(
            observation,
            actor=actor,
            action="report",
            related=ObservationActor.objects.filter(observation=observation).order_by("position"),
            detail={"client_key": key} if key else None,
        )
        observation_changed.send(Observation, observation=observation, actor=actor, created=True)
    return observation, True
