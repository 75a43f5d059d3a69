"""The map's cells zoomed out and unfiltered: SQLite from grid indexes, PostgreSQL by hashing.

SQLite groups by sorting; counting a million observations into cells that way takes seconds.
Migration 0007 gives SQLite two indexes on the grid of ``PER_DEGREE`` cells a degree (an
eighth of a degree: smaller than a cell of the map up to ``MAX_ZOOM``), with the category and
the coordinates: one of every observation with a point, one of what the public sees (public,
corroborated or verified, not hidden) on its coarsened point. A ``GROUP BY`` in the index's
order reads it once, without sorting, and these base cells (some thousands) are then gathered
into the map's cells by their centroids. The SQL here must be the indexes' expressions exactly
(constants written out, never bound), or SQLite does not use them; a test checks the plan.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from django.db import connection, transaction

from abide.observations.models import PUBLIC_DECIMALS

PER_DEGREE = 8
#: The highest zoom whose cells are at least as large as the base cells.
MAX_ZOOM = 8

TABLE = "observations_observation"


def coarse(column: str) -> str:
    """The column rounded to the public precision, in SQLite's SQL."""
    whens = " ".join(
        f"WHEN '{precision}' THEN ROUND({column}, {decimals})"
        for precision, decimals in PUBLIC_DECIMALS.items()
        if decimals is not None
    )
    return f"CASE public_precision {whens} ELSE {column} END"


def _cell(expression: str) -> str:
    return f"CAST(({expression} + 180.0) * {PER_DEGREE} AS INTEGER)"


EVERY = {
    "y": _cell("latitude"),
    "x": _cell("longitude"),
    "latitude": "latitude",
    "longitude": "longitude",
    "where": "latitude IS NOT NULL AND longitude IS NOT NULL",
    "columns": "latitude, longitude",
}
PUBLIC = {
    "y": _cell(coarse("latitude")),
    "x": _cell(coarse("longitude")),
    "latitude": coarse("latitude"),
    "longitude": coarse("longitude"),
    "where": (
        "sensitivity = 'public' AND status IN ('corroborated', 'verified') "
        "AND latitude IS NOT NULL AND longitude IS NOT NULL AND public_precision <> 'hidden'"
    ),
    "columns": "latitude, longitude, public_precision, sensitivity, status",
}
INDEXES = {"observation_map_grid": EVERY, "observation_map_grid_public": PUBLIC}


def create_index_sql(name: str) -> str:
    grid = INDEXES[name]
    return (
        f"CREATE INDEX {name} ON {TABLE} ({grid['y']}, {grid['x']}, category_id, "
        f"{grid['columns']}) WHERE {grid['where']}"
    )


def available() -> bool:
    return connection.vendor in ("sqlite", "postgresql")


def _pg_coarse(column: str) -> str:
    """The column rounded to the public precision, in double precision (PostgreSQL's
    ``round(numeric, n)`` would convert every row to numeric first)."""
    whens = " ".join(
        f"WHEN '{precision}' THEN round({column} * {10**decimals}) / {10**decimals}"
        for precision, decimals in PUBLIC_DECIMALS.items()
        if decimals is not None
    )
    return f"CASE public_precision {whens} ELSE {column} END"


def postgres_cells_sql(
    public: bool, south: float, north: float, west: float, east: float, cell: float
) -> str:
    """PostgreSQL: the map's cells of the box, hashed (no index of its own: an index-only scan
    of ``observation_map`` or ``observation_map_public`` feeds a hash aggregate)."""
    if public:
        latitude, longitude = _pg_coarse("latitude"), _pg_coarse("longitude")
        where = PUBLIC["where"]
        margin = 0.5  # the widest rounding (100 km: a whole degree) moves a point this far
    else:
        latitude, longitude, where, margin = "latitude", "longitude", EVERY["where"], 0.0

    def near(column: str, low: float, high: float) -> str:
        return f"{column} BETWEEN {low - margin!r} AND {high + margin!r}"

    box = f"{near('latitude', south, north)} AND "
    if west <= east:
        box += near("longitude", west, east)
    else:
        box += f"({near('longitude', west, 180.0)} OR {near('longitude', -180.0, east)})"
    shown = f"{latitude} BETWEEN {south!r} AND {north!r} AND " + (
        f"{longitude} BETWEEN {west!r} AND {east!r}"
        if west <= east
        else f"({longitude} >= {west!r} OR {longitude} <= {east!r})"
    )
    return (
        f"SELECT floor(({latitude}) / {cell!r}), floor(({longitude}) / {cell!r}), category_id, "
        f"COUNT(*), SUM({latitude}), SUM({longitude}) FROM {TABLE} "
        f"WHERE {where} AND {box} AND {shown} GROUP BY 1, 2, 3"
    )


def base_cells_sql(public: bool, south: float, north: float, west: float, east: float) -> str:
    """The base cells of the box: (y, x, category, count, sum of latitudes, of longitudes)."""
    name = "observation_map_grid_public" if public else "observation_map_grid"
    grid = INDEXES[name]

    def number(value: float) -> str:
        return str(math.floor((value + 180.0) * PER_DEGREE))

    y_range = f"{grid['y']} BETWEEN {number(south)} AND {number(north)}"
    if west <= east:
        x_range = f"{grid['x']} BETWEEN {number(west)} AND {number(east)}"
    else:  # across the date line
        x_range = f"({grid['x']} >= {number(west)} OR {grid['x']} <= {number(east)})"
    return (
        f"SELECT {grid['y']}, {grid['x']}, category_id, COUNT(*), SUM({grid['latitude']}), "
        f"SUM({grid['longitude']}) FROM {TABLE} INDEXED BY {name} "
        f"WHERE {grid['where']} AND {y_range} AND {x_range} GROUP BY 1, 2, 3"
    )


def gather(
    rows: Iterable[tuple[int, int, int, int, float, float]], cell: float
) -> dict[tuple[int, int, int], list[float]]:
    """The base cells gathered into the map's cells of ``cell`` degrees, by their centroids:
    {(y, x, category): [count, sum of latitudes, sum of longitudes]}."""
    cells: dict[tuple[int, int, int], list[float]] = {}
    for _y, _x, category, count, latitudes, longitudes in rows:
        key = (
            math.floor(latitudes / count / cell),
            math.floor(longitudes / count / cell),
            category,
        )
        total = cells.setdefault(key, [0, 0.0, 0.0])
        total[0] += count
        total[1] += latitudes
        total[2] += longitudes
    return cells


def grid_cells(public: bool, box: object, cell: float) -> dict[tuple[int, int, int], list[float]]:
    if connection.vendor == "postgresql":
        sql = postgres_cells_sql(public, box.south, box.north, box.west, box.east, cell)
        with transaction.atomic(), connection.cursor() as cursor:
            # Enough memory to hash the cells rather than sort a million rows; no JIT
            # compilation, which costs more than it saves on one scan.
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(sql)
            return gather(cursor.fetchall(), cell)
    sql = base_cells_sql(public, box.south, box.north, box.west, box.east)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return gather(cursor.fetchall(), cell)
