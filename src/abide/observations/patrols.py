"""Patrols: where and when a team looked, including the patrols that saw nothing."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from abide.accounts.models import User
from abide.audit.services import record_change
from abide.geo.gazetteer import Gazetteer
from abide.observations.access import (
    can_record_patrols,
)
from abide.observations.checks import _aware, _Errors, _require
from abide.observations.models import (
    Patrol,
)
from abide.observations.reporting import default_gazetteer


def _position(value: Any, where: str, errors: _Errors, field: str) -> list[float] | None:
    """A GeoJSON position [longitude, latitude] (an altitude may follow), checked."""
    if (
        not isinstance(value, list | tuple)
        or len(value) not in (2, 3)
        or any(isinstance(v, bool) or not isinstance(v, int | float) for v in value)
    ):
        errors.add(
            field,
            _("%(field)s: %(where)s is not a position [longitude, latitude]: %(value)r")
            % {"field": field, "where": where, "value": value},
        )
        return None
    lon, lat = float(value[0]), float(value[1])
    if not all(math.isfinite(float(v)) for v in value):
        errors.add(
            field, _("%(field)s: %(where)s is not finite") % {"field": field, "where": where}
        )
        return None
    if not -180.0 <= lon <= 180.0 or not -90.0 <= lat <= 90.0:
        errors.add(
            field,
            _(
                "%(field)s: %(where)s is off the earth: longitude %(lon)s must be within "
                "-180..180 and latitude %(lat)s within -90..90 (GeoJSON puts longitude first)"
            )
            % {"field": field, "where": where, "lon": value[0], "lat": value[1]},
        )
        return None
    return [float(v) for v in value]


def _geometry(value: Any, kind: str, field: str, errors: _Errors) -> dict | None:
    """A GeoJSON Polygon (closed rings of four or more positions) or LineString (two or more
    positions), checked and copied into plain lists."""
    if value is None:
        return None
    if not isinstance(value, dict) or value.get("type") != kind:
        errors.add(
            field, _("%(field)s must be a GeoJSON %(kind)s") % {"field": field, "kind": kind}
        )
        return None
    coordinates = value.get("coordinates")
    if not isinstance(coordinates, list | tuple) or not coordinates:
        errors.add(field, _("%(field)s has no coordinates") % {"field": field})
        return None
    if kind == "LineString":
        if len(coordinates) < 2:
            errors.add(field, _("%(field)s needs at least two positions") % {"field": field})
            return None
        line = [
            _position(p, _("position %(n)d") % {"n": i + 1}, errors, field)
            for i, p in enumerate(coordinates)
        ]
        return None if None in line else {"type": kind, "coordinates": line}
    rings = []
    for r, ring in enumerate(coordinates, start=1):
        if not isinstance(ring, list | tuple) or len(ring) < 4:
            errors.add(
                field,
                _(
                    "%(field)s: ring %(r)d needs at least four positions (the last repeating "
                    "the first)"
                )
                % {"field": field, "r": r},
            )
            return None
        positions = [
            _position(p, _("ring %(r)d, position %(n)d") % {"r": r, "n": i + 1}, errors, field)
            for i, p in enumerate(ring)
        ]
        if None in positions:
            return None
        if positions[0][:2] != positions[-1][:2]:
            errors.add(
                field,
                _(
                    "%(field)s: ring %(r)d is not closed: it starts at %(first)s and ends at "
                    "%(last)s"
                )
                % {"field": field, "r": r, "first": positions[0], "last": positions[-1]},
            )
            return None
        rings.append(positions)
    return {"type": kind, "coordinates": rings}


def _names(values: Iterable[str], field: str, errors: _Errors) -> list[str]:
    if isinstance(values, str):
        values = [values]
    names = []
    for value in values:
        if not isinstance(value, str) or not value.strip():
            errors.add(
                field, _("%(field)s: every entry must be a non-empty name") % {"field": field}
            )
            continue
        names.append(value.strip())
    return names


def _points(geometry: dict | None) -> list[tuple[float, float]]:
    """(latitude, longitude) of each point of a GeoJSON LineString or Polygon."""
    if not geometry:
        return []
    coordinates = geometry.get("coordinates", [])
    if geometry.get("type") == "LineString":
        return [(lat, lon) for lon, lat, *_ in coordinates]
    if geometry.get("type") == "Polygon":
        return [(lat, lon) for ring in coordinates for lon, lat, *_ in ring]
    return []


def patrol_footprint(
    area_places: Iterable[str],
    route: dict | None,
    area_polygon: dict | None,
    gazetteer: Gazetteer | None = None,
) -> list[list]:
    """Where a patrol went, as [latitude, longitude, country] points: each named place the
    gazetteer knows, and each point of its route and drawn area with the country of the
    nearest city."""
    places, points = list(area_places), _points(route) + _points(area_polygon)
    if not (places or points):
        return []
    gazetteer = gazetteer or default_gazetteer()
    footprint = []
    for name in places:
        place = gazetteer.resolve(name)
        if place is not None:
            footprint.append([place.latitude, place.longitude, place.country_code])
    for latitude, longitude in points:
        nearest = gazetteer.nearest(latitude, longitude)
        footprint.append([latitude, longitude, nearest[0].country_code if nearest else ""])
    return footprint


def _stored_for_key(client_key: str, actor: User) -> Patrol | None:
    """The patrol already stored under ``client_key`` by ``actor``; an error if another user
    used that key."""
    stored = Patrol.objects.filter(client_key=client_key).first()
    if stored is not None and stored.created_by_id != actor.pk:
        raise ValidationError(
            {
                "client_key": _("client key %(key)s was already used by another user")
                % {"key": client_key}
            }
        )
    return stored


def record_patrol(
    *,
    actor: User,
    team: str,
    started_at: dt.datetime,
    ended_at: dt.datetime,
    members: Iterable[User | str] = (),
    area_admin: Iterable[str] = (),
    area_places: Iterable[str] = (),
    area_polygon: dict | None = None,
    route: dict | None = None,
    notes: str = "",
    client_key: str | None = None,
) -> Patrol:
    """Record a team's outing: where and when it looked. One that saw nothing is valid too.

    ``members`` are users or their user names. A submission retried with the same
    ``client_key`` by the same user returns the patrol stored the first time."""
    _require(can_record_patrols(actor), _("you may not record patrols"))
    key = (client_key or "").strip() or None
    if key is not None:
        if len(key) > 100:
            raise ValidationError({"client_key": _("client_key is longer than 100 characters")})
        stored = _stored_for_key(key, actor)
        if stored is not None:
            return stored
    errors = _Errors()
    team = (team or "").strip()
    if not team:
        errors.add("team", _("team is required"))
    elif len(team) > 120:
        errors.add("team", _("team is longer than 120 characters"))
    start = _aware(started_at, "started_at", errors)
    end = _aware(ended_at, "ended_at", errors)
    if start is not None and end is not None and end < start:
        errors.add(
            "ended_at",
            _("ended_at (%(end)s) is before started_at (%(start)s)")
            % {"end": end.isoformat(), "start": start.isoformat()},
        )
    member_list = []
    for member in members:
        if isinstance(member, str):
            user = User.objects.filter(username=member, is_active=True).first()
            if user is None:
                errors.add("members", _("no user %(name)r") % {"name": member})
                continue
            member = user
        if not isinstance(member, User) or member.pk is None:
            errors.add("members", _("members must be stored users"))
            continue
        member_list.append(member)
    admin_names = _names(area_admin, "area_admin", errors)
    place_names = _names(area_places, "area_places", errors)
    polygon = _geometry(area_polygon, "Polygon", "area_polygon", errors)
    line = _geometry(route, "LineString", "route", errors)
    errors.raise_any()
    with transaction.atomic():
        patrol = Patrol(
            team=team,
            started_at=start,
            ended_at=end,
            area_admin=admin_names,
            area_places=place_names,
            area_polygon=polygon,
            route=line,
            footprint=patrol_footprint(place_names, line, polygon),
            notes=(notes or "").strip(),
            created_by=actor,
            client_key=key or "",
        )
        try:
            with transaction.atomic():
                patrol.save(force_insert=True)
        except IntegrityError:
            # Two submissions with the same key at once: the other one was stored first.
            stored = _stored_for_key(key, actor) if key is not None else None
            if stored is None:
                raise
            return stored
        patrol.members.set(member_list)
        record_change(patrol, actor=actor, action="create")
    return patrol
