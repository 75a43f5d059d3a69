"""The SQLite grid indexes of migration 0007 (dropped by 0009: the map's cells are now summed
from the summary table of :mod:`abide.observations.mapcells`). Kept for those migrations only:
0007 builds the indexes from these expressions, 0009 builds them again when unapplied."""

from __future__ import annotations

from abide.observations.models import PUBLIC_DECIMALS

PER_DEGREE = 8

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
