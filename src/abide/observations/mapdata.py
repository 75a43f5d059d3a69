"""What the map shows: grid cells counted in SQL when zoomed out, points when zoomed in.

Zoomed out, the observations in view are grouped by a grid whose cells are an eighth of a map
tile wide (``GROUP BY floor(latitude / cell), floor(longitude / cell), category``: SQLite and
PostgreSQL alike): each cell gives its count and centroid per category, so the answer is as
small for a million observations as for a hundred. From ``POINTS_ZOOM`` on, the observations
themselves, at most ``POINT_LIMIT`` of them; more than that gives the cells again, with a
message to zoom in. For the public the point of each observation is its coarsened one
(:mod:`abide.observations.public_place`): it is what is filtered, counted and averaged.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import Floor
from django.urls import reverse
from django.utils.translation import gettext as _

from abide.observations import mapcells
from abide.observations.models import Observation, rounded_point
from abide.observations.public_place import in_public_box
from abide.registry.models import Category

#: From this zoom on the map shows observations one by one.
POINTS_ZOOM = 11
#: The most observations sent as points; more than that in view and the cells are sent.
POINT_LIMIT = 2000
#: Grid cells across one map tile (256 pixels): cells of 32 pixels.
CELLS_PER_TILE = 8
MAX_ZOOM = 22


@dataclass(frozen=True)
class Box:
    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, text: str) -> Box:
        """``west,south,east,north`` in degrees (as Leaflet's ``toBBoxString`` gives it)."""
        parts = (text or "").split(",")
        try:
            west, south, east, north = (float(part) for part in parts)
        except ValueError:
            raise ValidationError(
                {
                    "bbox": _("give the box as west,south,east,north in degrees, not %(value)r")
                    % {"value": text}
                }
            ) from None
        if not all(math.isfinite(v) for v in (west, south, east, north)):
            raise ValidationError({"bbox": _("the box's corners must be numbers")})
        if south > north:
            raise ValidationError({"bbox": _("the box's south edge is north of its north edge")})
        # Leaflet gives longitudes beyond ±180 when the world is scrolled round: whole world.
        if east - west >= 360:
            west, east = -180.0, 180.0
        else:
            west = (west + 180.0) % 360.0 - 180.0
            east = (east + 180.0) % 360.0 - 180.0
        return cls(west, max(south, -90.0), east, min(north, 90.0))

    def q(self, latitude: str, longitude: str, margin: float = 0.0) -> Q:
        """Inside the box (``margin`` degrees wider); across the date line when west > east."""
        inside = Q(
            **{f"{latitude}__gte": self.south - margin, f"{latitude}__lte": self.north + margin}
        )
        west, east = self.west - margin, self.east + margin
        if (west <= -180.0 and east >= 180.0) or self.east - self.west >= 360:
            return inside
        if self.west > self.east:  # across the date line
            return inside & (Q(**{f"{longitude}__gte": west}) | Q(**{f"{longitude}__lte": east}))
        return inside & Q(**{f"{longitude}__gte": west, f"{longitude}__lte": east})


def parse_zoom(text: str | None) -> int:
    try:
        zoom = int(text or "")
    except ValueError:
        raise ValidationError(
            {"zoom": _("the zoom must be a whole number from 0 to %(max)d") % {"max": MAX_ZOOM}}
        ) from None
    if not 0 <= zoom <= MAX_ZOOM:
        raise ValidationError(
            {"zoom": _("the zoom must be a whole number from 0 to %(max)d") % {"max": MAX_ZOOM}}
        )
    return zoom


def cell_degrees(zoom: int) -> float:
    """The side of a grid cell at ``zoom``, in degrees of longitude."""
    return 360.0 / (2**zoom) / CELLS_PER_TILE


def map_data(
    queryset: QuerySet[Observation],
    *,
    zoom: int,
    box: Box,
    public: bool,
    summary: str | None = None,
    category_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> dict[str, Any]:
    """The answer of the map's data endpoint for the observations of ``queryset`` in ``box``.

    ``{"kind": "points", "features": [...]}`` from ``POINTS_ZOOM`` on when at most
    ``POINT_LIMIT`` are in view; else ``{"kind": "cells", "cell": degrees, "cells": [{"category",
    "count", "latitude", "longitude"}], "too_many": bool, "message": str}``: every cell that
    the box touches, whole (the box widened to the cells' edges).

    ``summary`` ("every" or "public") says that ``queryset`` is all the observations, or all
    that the public sees, narrowed at most by ``category_id`` and the days ``since`` and
    ``until`` (both included): zoomed out, the cells are then summed from the map's summary
    table (:mod:`abide.observations.mapcells`), with the same answer.
    """
    slugs = dict(Category.objects.values_list("pk", "slug"))
    too_many = False
    if zoom >= POINTS_ZOOM:
        points = _points(_in_box(queryset, box, public), public=public, slugs=slugs)
        if points is not None:
            return {"kind": "points", "zoom": zoom, "features": points}
        too_many = True
    size = cell_degrees(zoom)
    rows = (math.floor(box.south / size), math.floor(box.north / size))
    columns = (math.floor(box.west / size), math.floor(box.east / size))
    if summary is not None and mapcells.serves(zoom):
        summed = mapcells.summed_cells(
            summary,
            zoom=zoom,
            rows=rows,
            columns=columns,
            category_id=category_id,
            since=since,
            until=until,
        )
        cells = [
            {
                "category_id": cell["category_id"],
                "count": int(cell["total"]),
                "cell_latitude": cell["latitudes"] / cell["total"],
                "cell_longitude": cell["longitudes"] / cell["total"],
            }
            for cell in summed
        ]
        return _cells_answer(cells, zoom, size, slugs, too_many)
    # The box widened to the edges of the cells it touches (the east and north edges left
    # out: they belong to the next cells).
    whole = Box(
        west=columns[0] * size,
        south=rows[0] * size,
        east=math.nextafter((columns[1] + 1) * size, -math.inf),
        north=math.nextafter((rows[1] + 1) * size, -math.inf),
    )
    latitude, longitude = (
        ("public_latitude", "public_longitude") if public else ("latitude", "longitude")
    )
    cells = (
        _in_box(queryset, whole, public)
        .annotate(grid_y=Floor(F(latitude) / size), grid_x=Floor(F(longitude) / size))
        .values("grid_y", "grid_x", "category_id")
        .annotate(count=Count("pk"), cell_latitude=Avg(latitude), cell_longitude=Avg(longitude))
        .order_by()
    )
    return _cells_answer(cells, zoom, size, slugs, too_many)


def _in_box(queryset: QuerySet[Observation], box: Box, public: bool) -> QuerySet[Observation]:
    """The observations of ``queryset`` whose point (for the public: coarsened) is in ``box``."""
    if public:
        return in_public_box(queryset, box).order_by()
    return queryset.filter(
        box.q("latitude", "longitude"), latitude__isnull=False, longitude__isnull=False
    ).order_by()


def _cells_answer(
    cells: Any, zoom: int, size: float, slugs: dict[int, str], too_many: bool
) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "kind": "cells",
        "zoom": zoom,
        "cell": size,
        "cells": [
            {
                "category": slugs.get(cell["category_id"], ""),
                "count": cell["count"],
                "latitude": round(cell["cell_latitude"], 6),
                "longitude": round(cell["cell_longitude"], 6),
            }
            for cell in cells
        ],
        "too_many": too_many,
    }
    if too_many:
        answer["message"] = _(
            "More than %(limit)s observations here: zoom in to see them one by one."
        ) % {"limit": f"{POINT_LIMIT:,}"}
    return answer


def _points(
    queryset: QuerySet[Observation], *, public: bool, slugs: dict[int, str]
) -> list[dict[str, Any]] | None:
    """The observations in view as GeoJSON features, newest first; None if there are more
    than ``POINT_LIMIT``."""
    fields = ["pk", "latitude", "longitude", "category_id", "status", "observed_start"]
    if public:
        fields.append("public_precision")
    rows = list(queryset.order_by("-observed_start", "-pk").values(*fields)[: POINT_LIMIT + 1])
    if len(rows) > POINT_LIMIT:
        return None
    features = []
    for row in rows:
        latitude, longitude = row["latitude"], row["longitude"]
        if public:  # the same rounding as the public export
            latitude, longitude = rounded_point(latitude, longitude, row["public_precision"])
        features.append(
            {
                "type": "Feature",
                "id": row["pk"],
                "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
                "properties": {
                    "category": slugs.get(row["category_id"], ""),
                    "status": row["status"],
                    "date": row["observed_start"].date().isoformat(),
                    "url": reverse("observations:detail", args=[row["pk"]]),
                },
            }
        )
    return features
