"""The country outlines abide's maps draw (Natural Earth 1:50m; see PROVENANCE.md). No Django.

    from abide.geo.outlines import COUNTRIES_GEOJSON, countries
    countries()["features"][0]["properties"]  # {"name": ..., "iso_a2": ..., "iso_n3": ...}

The web serves the same file as the static file ``outlines/countries.geojson``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

#: The GeoJSON file of the outlines.
COUNTRIES_GEOJSON = Path(__file__).resolve().parent / "countries.geojson"


@cache
def countries() -> dict:
    """The outlines as a GeoJSON FeatureCollection, one MultiPolygon feature per country."""
    return json.loads(COUNTRIES_GEOJSON.read_text())
