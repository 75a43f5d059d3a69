"""Observations stored directly, for tests of reading them (reporting has its own tests)."""

from __future__ import annotations

import datetime as dt

from abide.observations.models import Observation, ObservationActor, SubType
from abide.registry.models import Category, Party

UTC = dt.UTC
MARCH_1 = dt.datetime(2024, 3, 1, 10, 30, tzinfo=UTC)


def stored(*, actors: tuple[str, ...] = (), **fields: object) -> Observation:
    """A stored observation: an hour of shelling at Martuni, 1 March 2024, unless told."""
    start = fields.get("observed_start", MARCH_1)
    assert isinstance(start, dt.datetime)
    values: dict[str, object] = {
        "observed_start": start,
        "observed_end": start + dt.timedelta(hours=1),
        "time_precision": "exact",
        "reported_at": start + dt.timedelta(hours=3),
        "latitude": 39.79512,
        "longitude": 47.11278,
        "place_precision": "exact",
        "country": "AZ",
        "admin1": "Khojavend",
        "admin2": "Martuni district",
        "place_name": "Martuni",
        "direction": "undercuts",
        "reporter_kind": "observer",
        "narrative": "Shelling heard to the east.",
    }
    values.update(fields)
    if "category" not in values:
        values["category"] = Category.objects.get(slug="cessation_of_hostilities")
    elif isinstance(values["category"], str):
        values["category"] = Category.objects.get(slug=values["category"])
    if "subtype" not in values:
        values["subtype"] = SubType.objects.get(slug="shelling")
    elif isinstance(values["subtype"], str):
        values["subtype"] = SubType.objects.get(slug=values["subtype"])
    observation = Observation.objects.create(**values)
    for position, slug in enumerate(actors):
        party = Party.objects.get(slug=slug)
        ObservationActor.objects.create(
            observation=observation, party=party, name=party.name_en, position=position
        )
    return observation
