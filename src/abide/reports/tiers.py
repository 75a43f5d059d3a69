"""The two tiers of a report, from one data set.

Internal: everything the mission holds. Public: only what anyone may see of the
observations (public ones, corroborated or verified: :func:`abide.observations.access.
get_observations_for` for an anonymous reader), places at each observation's public precision
(coordinates rounded or left out, names finer than the precision left out), and never who
reported or recorded anything. Figures in the public tier count only those observations.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from abide.observations.access import get_observations_for
from abide.observations.filtering import _coarse_area
from abide.observations.models import PUBLIC_HIDDEN_NAMES, Observation, rounded_point

TIERS = ("internal", "public")


def observations_in_tier(tier: str) -> QuerySet[Observation]:
    """The observations a tier may count and show."""
    if tier == "public":
        return get_observations_for(AnonymousUser())
    return Observation.objects.all()


def area_condition(areas: Iterable[str], tier: str) -> Q:
    """Observations in any of the named (first- or second-level) areas: as recorded inside,
    as published (only the names the public precision shows) in the public tier."""
    condition = Q(pk__in=[])
    for area in areas:
        if tier == "public":
            condition |= _coarse_area(area)
        else:
            condition |= Q(admin1=area) | Q(admin2=area)
    return condition


def place_of(observation: Observation, tier: str) -> dict:
    """Where, as the tier may show it."""
    if tier != "public":
        return {
            "name": observation.place_name,
            "admin1": observation.admin1,
            "country": observation.country,
            "latitude": observation.latitude,
            "longitude": observation.longitude,
            "precision": observation.place_precision,
        }
    precision = observation.public_precision
    hidden = PUBLIC_HIDDEN_NAMES.get(precision, ("place_name", "admin2", "admin1"))
    latitude, longitude = rounded_point(observation.latitude, observation.longitude, precision)
    return {
        "name": "" if "place_name" in hidden else observation.place_name,
        "admin1": "" if "admin1" in hidden else observation.admin1,
        "country": observation.country,
        "latitude": latitude,
        "longitude": longitude,
        "precision": precision,
    }


def incident_of(observation: Observation, tier: str) -> dict:
    """An observation told of in a report (an incident, or a dossier's evidence): never who
    reported it."""
    from abide.reports.building import named

    narrative = None
    if observation.narrative:
        narrative = {
            "text": observation.narrative,
            "language": observation.language or "",
            "translations": {},
        }
    return {
        "observation": observation.pk,
        "url": f"/observations/{observation.pk}/",
        "start": observation.observed_start.isoformat(),
        "end": observation.observed_end.isoformat(),
        "category": named(observation.category),
        "subtype": named(observation.subtype),
        "place": place_of(observation, tier),
        "narrative": narrative,
    }
