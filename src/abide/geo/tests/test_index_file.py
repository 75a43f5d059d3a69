"""The gazetteer read from its index files answers as the in-memory gazetteer did.

A broad sample (2,000 names in a dozen scripts, as GeoNames spells them and as people type
them, their prefixes, and 500 points) is looked up in both, and every answer compared:
places, distances and the order of suggestions.
"""

from __future__ import annotations

import math
import random
import unicodedata

import pytest

from abide.geo.gazetteer import Gazetteer
from abide.geo.tests.memory import InMemoryGazetteer, memory_index

#: How many names of each script the sample takes (2,000 in all).
QUOTAS = {
    "LATIN": 500,
    "CYRILLIC": 250,
    "ARABIC": 250,
    "ARMENIAN": 100,
    "GEORGIAN": 100,
    "CJK": 150,
    "HANGUL": 100,
    "GREEK": 100,
    "HEBREW": 100,
    "DEVANAGARI": 100,
    "THAI": 100,
    "KATAKANA": 50,
    "HIRAGANA": 50,
    "ETHIOPIC": 50,
}

#: Countries of the ``country=`` and ``countries=`` arguments.
COUNTRIES = ("AM", "AZ", "UA", "SD", "PS", "RU", "US", "CN", "SY", "GE")


def _script(key: str) -> str:
    for character in key:
        if character.isalpha():
            return unicodedata.name(character, "?").split()[0]
    return "?"


def _as_typed(name: str, rng: random.Random) -> str:
    """The name as someone might type it: in capitals, with hyphens, in title case..."""
    return rng.choice(
        [
            name,
            name.title(),
            name.upper(),
            name.replace(" ", "-"),
            f"  {name} ",
            name.replace(" ", "'"),
        ]
    )


@pytest.fixture(scope="module")
def sample() -> list[str]:
    rng = random.Random(15)
    keys = [
        key
        for index in (memory_index(5000), memory_index(1000, supplementing=5000))
        for key in (*index.names, *index.spellings)
    ]
    rng.shuffle(keys)
    taken: dict[str, list[str]] = {script: [] for script in QUOTAS}
    for key in keys:
        script = _script(key)
        bucket = taken.get(script)
        if bucket is not None and len(bucket) < QUOTAS[script]:
            bucket.append(key)
    names = [_as_typed(key, rng) for bucket in taken.values() for key in bucket]
    assert len(names) == sum(QUOTAS.values())
    return names


@pytest.fixture(scope="module")
def points() -> list[tuple[float, float]]:
    """500 points: 200 anywhere on the globe, 250 near cities, 40 on cities (whose ties
    between places at the same point must break alike), and the edges of the map."""
    rng = random.Random(15)
    cities = [place for place in memory_index(1000, supplementing=5000).places]
    found = [
        (math.degrees(math.asin(rng.uniform(-1, 1))), rng.uniform(-180, 180)) for _ in range(200)
    ]
    for place in rng.sample(cities, 250):
        found.append((place.latitude + rng.gauss(0, 0.2), place.longitude + rng.gauss(0, 0.2)))
    found += [(place.latitude, place.longitude) for place in rng.sample(cities, 40)]
    found += [(90.0, 0.0), (-90.0, 0.0), (0.0, 180.0), (0.0, -180.0), (-16.5, 179.99)]
    found += [(89.9, 45.0), (-89.9, -45.0), (65.0, -179.9), (52.0, 179.9), (0.0, 0.0)]
    found = [(max(-90.0, min(90.0, latitude)), longitude) for latitude, longitude in found]
    assert len(found) == 500
    return found


@pytest.fixture(scope="module")
def old() -> Gazetteer:
    return InMemoryGazetteer()


@pytest.fixture(scope="module")
def new() -> Gazetteer:
    return Gazetteer()


def _differences(pairs: list[tuple[object, object, object]]) -> list[object]:
    return [(what, before, after) for what, before, after in pairs if before != after][:5]


def test_names_resolve_to_the_same_places(sample, old, new):
    rng = random.Random(15)
    pairs = []
    for name in sample:
        pairs.append((name, old.resolve(name), new.resolve(name)))
        country = rng.choice(COUNTRIES)
        pairs.append(
            (
                (name, country),
                old.resolve(name, country=country),
                new.resolve(name, country=country),
            )
        )
    assert _differences(pairs) == []
    assert sum(after is not None for _, _, after in pairs) > len(pairs) * 0.9


def test_candidates_are_the_same_places_in_the_same_order(sample, old, new):
    pairs = [(name, old.candidates(name), new.candidates(name)) for name in sample]
    assert _differences(pairs) == []


def test_same_place_gives_the_same_verdicts(sample, old, new):
    rng = random.Random(15)
    pairs = []
    for name in sample:
        other = rng.choice(sample)
        pairs.append(((name, other), old.same_place(name, other), new.same_place(name, other)))
    assert _differences(pairs) == []


def test_suggestions_are_the_same_in_the_same_order(sample, old, new):
    rng = random.Random(15)
    pairs = []
    for name in sample[::2]:
        prefix = name.strip()[: rng.randint(1, 6)]
        pairs.append((prefix, old.suggest(prefix, 10), new.suggest(prefix, 10)))
    for name in sample[1::8]:
        prefix = name.strip()[: rng.randint(1, 4)]
        countries = rng.sample(COUNTRIES, 2)
        pairs.append(
            (
                (prefix, countries),
                old.suggest(prefix, 5, countries=countries),
                new.suggest(prefix, 5, countries=countries),
            )
        )
    assert _differences(pairs) == []
    assert sum(len(after) for _, _, after in pairs) > len(pairs) * 3


def test_the_nearest_place_and_its_distance_are_the_same(points, old, new):
    pairs = []
    for latitude, longitude in points:
        point = (latitude, longitude)
        pairs.append((point, old.nearest(*point), new.nearest(*point)))
        pairs.append(((*point, 25), old.nearest(*point, max_km=25), new.nearest(*point, max_km=25)))
    assert _differences(pairs) == []
    assert sum(after is None for _, _, after in pairs) < len(pairs) / 2


def test_a_gazetteer_without_fallback_answers_alike(sample):
    old = InMemoryGazetteer(5000, fallback=False)
    new = Gazetteer(5000, fallback=False)
    pairs = [(name, old.resolve(name), new.resolve(name)) for name in sample[::10]]
    pairs += [(name, old.suggest(name[:2], 5), new.suggest(name[:2], 5)) for name in sample[::20]]
    pairs += [((10.0, lon), old.nearest(10.0, lon), new.nearest(10.0, lon)) for lon in (0, 90)]
    assert _differences(pairs) == []
