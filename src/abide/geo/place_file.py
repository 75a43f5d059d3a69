"""Reading a gazetteer index file (see :mod:`abide.geo.index_file`): the lookups of
:class:`~abide.geo.gazetteer.PlaceIndex`, with the same answers, from SQLite."""

from __future__ import annotations

import json
import math
import os
import sqlite3
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from abide.geo.gazetteer import (
    _COLUMNS,
    _HAIR_KM,
    GRID_DEGREES,
    Place,
    _cell,
    _SearchBox,
    haversine_km,
    tables_known,
    use_tables,
)


def _connect_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
    )


def _load_tables(text: str) -> None:
    folding, spelling = (str.maketrans(table) for table in json.loads(text))
    use_tables(folding, spelling)


def _storable(text: str) -> bool:
    """Whether SQLite can take the text (no lone surrogate): one that it cannot is no key."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


#: The columns of ``places`` that make a :class:`Place` (:func:`_to_place`).
_PLACE_COLUMNS = (
    "geonameid, name, latitude, longitude, country_code, country, admin1_code, population, kind"
)

#: Longitude ranges (west, east) of a search box.
_Spans = list[tuple[float, float]]


def _spans(longitude: float, spread: float) -> _Spans:
    """The longitude ranges within ``spread`` degrees of ``longitude``, split at ±180°."""
    if spread >= 180.0:
        return [(-180.0, 180.0)]
    west, east = longitude - spread, longitude + spread
    if west < -180.0:
        return [(west + 360.0, 180.0), (-180.0, east)]
    if east > 180.0:
        return [(west, 180.0), (-180.0, east - 360.0)]
    return [(west, east)]


class PlaceFile:
    """One index file, read-only: the lookups of :class:`~abide.geo.gazetteer.PlaceIndex`
    with the same answers. Each thread (and each process, after a fork) opens its own
    connection."""

    def __init__(self, path: Path) -> None:
        """Open the file (valid: :func:`ensure_index_file`) and take its normalisation
        tables, which spares this process computing them."""
        self.path = path
        self._local = threading.local()
        self._place = lru_cache(maxsize=4096)(self._read_place)
        if not tables_known():
            row = self._db().execute("SELECT value FROM meta WHERE name = 'tables'").fetchone()
            _load_tables(row[0])

    def _db(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.connection = _connect_read_only(self.path)
            local.pid = os.getpid()
        return local.connection

    def _read_place(self, pos: int) -> Place:
        row = (
            self._db()
            .execute(
                f"SELECT {_PLACE_COLUMNS} FROM places WHERE pos = ?",
                (pos,),
            )
            .fetchone()
        )
        return _to_place(row)

    @property
    def places(self) -> list[Place]:
        """Every place, in the order of the in-memory index (reads the whole table)."""
        return [
            _to_place(row)
            for row in self._db().execute(f"SELECT {_PLACE_COLUMNS} FROM places ORDER BY pos")
        ]

    @property
    def city_ids(self) -> frozenset[int]:
        """The geonameids of the cities (what a supplementary index leaves out)."""
        rows = self._db().execute("SELECT geonameid FROM places WHERE kind = 'city'")
        return frozenset(geonameid for (geonameid,) in rows)

    def _positions(self, table: str, key: str) -> list[int]:
        rows = self._db().execute(f"SELECT pos FROM {table} WHERE key = ? ORDER BY ord", (key,))
        return [pos for (pos,) in rows]

    def lookup(self, key: str, exact: str | None = None) -> list[Place]:
        """The places that have a name with this key, most populous first; with ``exact``
        (a spelling key), those that have a name spelt so come before the others."""
        if not _storable(key):
            return []
        rows = self._db().execute(
            f"SELECT names.pos, {_PLACE_COLUMNS} FROM names JOIN places ON places.pos = names.pos"
            " WHERE key = ? ORDER BY ord",
            (key,),
        )
        found = [(row[0], _to_place(row[1:])) for row in rows]
        if len(found) > 1 and exact is not None and exact != key and _storable(exact):
            spelt = self._positions("spellings", exact)
            if spelt:
                by_position = dict(found)
                found = [
                    *((i, by_position.get(i) or self._place(i)) for i in spelt),
                    *((i, place) for i, place in found if i not in spelt),
                ]
        return [place for _position, place in found]

    def starting_with(
        self, prefix: str, limit: int, *, countries: Iterable[str] = ()
    ) -> list[tuple[str, Place]]:
        """Up to ``limit`` places having a name whose key starts with ``prefix``, each once,
        with the key it matched, as :meth:`PlaceIndex.starting_with` gives them."""
        if not countries:
            return self._starting_with(prefix, limit, None)
        return [
            match
            for country in sorted(set(countries))
            for match in self._starting_with(prefix, limit, country)
        ]

    def _starting_with(
        self, prefix: str, limit: int, country: str | None
    ) -> list[tuple[str, Place]]:
        if limit <= 0 or not _storable(prefix) or (country is not None and not _storable(country)):
            return []
        db = self._db()
        bounds = (prefix, prefix + "\U0010ffff")
        wanted = limit * 4
        while True:
            if country is None:
                rows = db.execute(
                    "SELECT key FROM prefixes WHERE key >= ? AND key < ?"
                    " ORDER BY rank DESC, key LIMIT ?",
                    (*bounds, wanted),
                )
            else:
                rows = db.execute(
                    "SELECT key FROM country_prefixes WHERE country = ? AND key >= ? AND key < ?"
                    " ORDER BY rank DESC, key LIMIT ?",
                    (country, *bounds, wanted),
                )
            keys = [key for (key,) in rows]
            if prefix in keys:  # the name typed in full first
                keys.remove(prefix)
                keys.insert(0, prefix)
            found: list[tuple[str, Place]] = []
            seen: set[int] = set()
            for key in keys:
                for position in self._country_positions(key, country):
                    if position not in seen:
                        seen.add(position)
                        found.append((key, self._place(position)))
                if len(found) >= limit:
                    return found[:limit]
            if len(keys) < wanted:
                return found
            wanted *= 4

    def _country_positions(self, key: str, country: str | None) -> list[int]:
        if country is None:
            return self._positions("names", key)
        rows = self._db().execute(
            "SELECT names.pos FROM names JOIN places ON places.pos = names.pos"
            " WHERE names.key = ? AND places.country_code = ? ORDER BY names.ord",
            (key, country),
        )
        return [pos for (pos,) in rows]

    def _cities_in(
        self, south: float, north: float, spans: _Spans
    ) -> list[tuple[int, float, float]]:
        """The cities in the box (positions and coordinates), and perhaps a few beside it:
        the R-tree keeps its bounds in single precision, rounded outwards."""
        found: list[tuple[int, float, float]] = []
        for west, east in spans:
            found += self._db().execute(
                "SELECT places.pos, latitude, longitude FROM points"
                " JOIN places ON places.pos = points.pos"
                " WHERE north >= ? AND south <= ? AND east >= ? AND west <= ?",
                (south, north, west, east),
            )
        return found

    def nearest(
        self, latitude: float, longitude: float, radius_km: float
    ) -> tuple[Place, float] | None:
        """The nearest city within ``radius_km`` of the point and its distance, or None; of
        cities at the same distance, the one the in-memory grid would meet first."""
        box = _SearchBox.around(latitude, longitude, radius_km)
        spans: _Spans = [(-180.0, 180.0)]
        first_column = 0
        if box.spread is not None:
            spans = _spans(longitude, box.spread)
            first_column = box.west
        best: tuple[tuple[float, int, int, int], int] | None = None
        limit = radius_km + _HAIR_KM
        for pos, city_latitude, city_longitude in self._cities_in(box.south, box.north, spans):
            distance = haversine_km(latitude, longitude, city_latitude, city_longitude)
            if distance > limit:
                continue
            row, column = _cell(city_latitude, city_longitude)
            order = (distance, row, (column - first_column) % _COLUMNS, pos)
            if best is None or order < best[0]:
                best = (order, pos)
        if best is None:
            return None
        return self._place(best[1]), best[0][0]

    def some_city_near(self, latitude: float, longitude: float) -> float | None:
        """The distance to some city near the point (an upper bound of the distance to the
        nearest one), from the smallest of boxes doubling in size that holds a city; None if
        there is no city at all."""
        degrees = GRID_DEGREES
        while True:
            cities = self._cities_in(
                max(-90.0, latitude - degrees),
                min(90.0, latitude + degrees),
                _spans(longitude, degrees),
            )
            if cities:
                return min(haversine_km(latitude, longitude, lat, lon) for _, lat, lon in cities)
            if degrees >= 180.0:
                return None
            degrees *= 2


def _to_place(row: tuple) -> Place:
    (geonameid, name, latitude, longitude, country_code, country, admin1_code, population, kind) = (
        row
    )
    return Place(
        geonameid=geonameid,
        name=name,
        latitude=math.nan if latitude is None else latitude,
        longitude=math.nan if longitude is None else longitude,
        country_code=country_code,
        country=country,
        admin1_code=admin1_code,
        population=population,
        kind=kind,
    )
