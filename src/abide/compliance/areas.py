"""The area a commitment covers, and whether an observation falls inside it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Q
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from abide.geo.countries import country_code
from abide.geo.gazetteer import EARTH_RADIUS_KM, haversine_km
from abide.observations.models import Observation
from abide.registry.models import Commitment, Party


@dataclass(frozen=True)
class Circle:
    latitude: float
    longitude: float
    radius_km: float


@dataclass(frozen=True)
class Area:
    """A union of countries, administrative areas (by name), circles and a polygon."""

    countries: frozenset[str] = frozenset()
    admin_areas: frozenset[str] = frozenset()
    circles: tuple[Circle, ...] = ()
    polygon: BaseGeometry | None = None

    @property
    def empty(self) -> bool:
        return not (self.countries or self.admin_areas or self.circles or self.polygon)

    @property
    def key(self) -> tuple:
        """A hashable identity: equal areas have equal keys."""
        polygon = self.polygon.wkb if self.polygon is not None else None
        return (self.countries, self.admin_areas, self.circles, polygon)

    def exact(self) -> Q:
        """The observations inside the area by their country or administrative area."""
        condition = Q(pk__in=[])
        if self.countries:
            condition |= Q(country__in=sorted(self.countries))
        if self.admin_areas:
            names = sorted(self.admin_areas)
            condition |= Q(admin1__in=names) | Q(admin2__in=names)
        return condition

    def by_geometry(self) -> Q | None:
        """The boxes around the area's circles and polygon (None if it has neither)."""
        boxes = [_box(c.latitude, c.longitude, c.radius_km) for c in self.circles]
        if self.polygon is not None:
            west, south, east, north = self.polygon.bounds
            boxes.append((south, north, west, east))
        if not boxes:
            return None
        condition = Q(pk__in=[])
        for south, north, west, east in boxes:
            condition |= Q(
                latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east
            )
        return condition

    def prefilter(self) -> Q:
        """A condition on observations that every observation inside the area meets."""
        geometry = self.by_geometry()
        return self.exact() if geometry is None else self.exact() | geometry

    def contains(self, observation: Observation) -> bool:
        if self.admin_areas and (
            observation.admin1 in self.admin_areas or observation.admin2 in self.admin_areas
        ):
            return True
        return self.contains_point(observation.latitude, observation.longitude, observation.country)

    def contains_point(
        self, latitude: float | None, longitude: float | None, country: str = ""
    ) -> bool:
        """Whether a point (in ``country``, where known) is inside the area."""
        if country and country in self.countries:
            return True
        if latitude is None or longitude is None:
            return False
        for circle in self.circles:
            distance = haversine_km(circle.latitude, circle.longitude, latitude, longitude)
            if distance <= circle.radius_km:
                return True
        return self.polygon is not None and self.polygon.covers(Point(longitude, latitude))


def _box(latitude: float, longitude: float, radius_km: float) -> tuple[float, ...]:
    spread_lat = math.degrees(radius_km / EARTH_RADIUS_KM)
    cos = max(math.cos(math.radians(latitude)), 1e-6)
    spread_lon = min(180.0, spread_lat / cos)
    return (
        latitude - spread_lat,
        latitude + spread_lat,
        longitude - spread_lon,
        longitude + spread_lon,
    )


def territory_of(party: Party | None) -> frozenset[str]:
    """The countries of a party: a state's own; else its parent's (a force, an authority)."""
    while party is not None:
        names = [party.name_en, party.slug, *party.aliases.values_list("alias", flat=True)]
        codes = {code for code in map(country_code, names) if code}
        if codes:
            return frozenset(codes)
        party = party.parent
    return frozenset()


def _named_countries(text: str) -> frozenset[str]:
    """The countries a commitment's area names ("Armenia, Azerbaijan"), if it names only them."""
    names = [name.strip() for name in text.replace(" and ", ",").split(",") if name.strip()]
    codes = [country_code(name) for name in names]
    return frozenset(codes) if codes and all(codes) else frozenset()


def area_of(commitment: Commitment) -> Area:
    """The commitment's scope as an area. Without a scope set by an analyst: the countries its
    area names, else its obligor's territory."""
    scope = getattr(commitment, "scope", None)
    if scope is None:
        return Area(
            countries=_named_countries(commitment.scope_area)
            or territory_of(commitment.obligor_party)
        )
    return Area(
        countries=frozenset(scope.countries),
        admin_areas=frozenset(scope.admin_areas),
        circles=tuple(
            Circle(place["latitude"], place["longitude"], place["radius_km"])
            for place in scope.places
        ),
        polygon=shape(scope.polygon) if scope.polygon else None,
    )
