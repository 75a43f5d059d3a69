"""A small map of a point among the country outlines, as SVG drawn on the server. No Django.

    point_map(40.2, 45.1, title="Near Jermuk")  # '<svg ...><title>Near Jermuk</title>...'

The map is an equirectangular window of ``span`` degrees around the point. Only the rings of
the countries that reach the window are drawn, clamped to a margin around it and thinned to
what its scale shows, so a map is a few kilobytes whatever the outlines' detail.
"""

from __future__ import annotations

import math
from functools import cache, lru_cache
from html import escape

from abide.geo.outlines import countries

Ring = tuple[tuple[float, float], ...]

#: The map's colours, inside the SVG so that it stands alone (in a report, a PDF).
STYLE = (
    "<style>.sea{fill:#dceaf6}.land{fill:#f5f2ea;stroke:#8d887c;stroke-width:.6}"
    ".highlight{fill:#ebe0c4}.point{fill:#b52a2a;stroke:#fff;stroke-width:1.5}</style>"
)


@cache
def _rings() -> tuple[tuple[str, tuple[float, float, float, float], Ring], ...]:
    """Every outer and inner ring of every country with its bounding box (west, south, east,
    north) and its country's code."""
    found = []
    for feature in countries()["features"]:
        code = feature["properties"].get("iso_a2") or ""
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        for polygon in polygons:
            for ring in polygon:
                points = tuple((float(x), float(y)) for x, y in ring)
                xs, ys = [p[0] for p in points], [p[1] for p in points]
                found.append((code, (min(xs), min(ys), max(xs), max(ys)), points))
    return tuple(found)


def _clamped(ring: Ring, box: tuple[float, float, float, float], step: float) -> list:
    """The ring's points clamped to ``box``, each at least ``step`` from the last kept; of a
    run of points clamped onto one edge, only its ends."""
    west, south, east, north = box
    kept: list[tuple[float, float]] = []
    for x, y in ring:
        point = (min(max(x, west), east), min(max(y, south), north))
        if kept and abs(point[0] - kept[-1][0]) < step and abs(point[1] - kept[-1][1]) < step:
            continue
        if len(kept) >= 2:
            (ax, ay), (bx, by) = kept[-2], kept[-1]
            for edge, i in ((west, 0), (east, 0), (south, 1), (north, 1)):
                if (ax, ay)[i] == (bx, by)[i] == point[i] == edge:
                    kept.pop()  # the middle of a run along one edge
                    break
        kept.append(point)
    return kept


@lru_cache(maxsize=2048)
def point_map(
    latitude: float | None,
    longitude: float | None,
    *,
    span: float = 4.0,
    width: int = 160,
    height: int = 120,
    title: str = "",
    highlight: str = "",
) -> str:
    """The SVG of a window of ``span`` degrees of longitude around the point, the countries'
    outlines and the point as a dot; ``highlight`` (an ISO code) is shaded. Without a point,
    an empty map saying so in its title."""
    label = escape(title)
    if latitude is None or longitude is None:
        return (
            f'<svg class="point-map" xmlns="http://www.w3.org/2000/svg" role="img" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
            f"<title>{label}</title></svg>"
        )
    # Degrees of latitude shown: the window's shape, widened where meridians converge.
    shrink = max(math.cos(math.radians(latitude)), 0.2)
    span_x = span
    span_y = span * height / width * shrink
    west, east = longitude - span_x / 2, longitude + span_x / 2
    south, north = latitude - span_y / 2, latitude + span_y / 2
    paths = _land_paths((west, south, east, north), width, height, highlight=highlight)
    cx, cy = width / 2, height / 2
    return (
        f'<svg class="point-map" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f"<title>{label}</title>{STYLE}"
        f'<rect class="sea" width="{width}" height="{height}"/>'
        + "".join(paths)
        + f'<circle class="point" cx="{cx:.1f}" cy="{cy:.1f}" r="4"/></svg>'
    )


def _window(
    box: tuple[float, float, float, float], width: int, height: int
) -> tuple[float, float, float, float]:
    """The smallest window of the map's shape around ``box`` (west, south, east, north), with
    a tenth of it to spare on each side and at least three degrees across, so that a few
    points close together still show where they are among the countries."""
    west, south, east, north = box
    middle = (south + north) / 2
    shrink = max(math.cos(math.radians(middle)), 0.2)
    span_x = max((east - west) * 1.2, 3.0)
    span_y = (north - south) * 1.2
    # Widen whichever way the box is too narrow for the map's shape.
    span_x = max(span_x, span_y / shrink * width / height)
    span_y = span_x * height / width * shrink
    cx = (west + east) / 2
    return cx - span_x / 2, middle - span_y / 2, cx + span_x / 2, middle + span_y / 2


#: Points nearer each other than this (in the map's units) are drawn as one dot.
DOT = 4


def points_map(
    points: list[tuple[float, float, str]],
    bbox: tuple[float, float, float, float] | None,
    *,
    width: int = 360,
    height: int = 240,
    title: str = "",
) -> str:
    """The SVG of the countries' outlines around ``bbox`` with a dot for the points
    ``(latitude, longitude, css class)``, one per class and spot (``DOT``), its area growing
    with their number; the class names the dot's colour (``cat-<n>``, see ``POINT_COLOURS``).
    Without a box, an empty map saying so in its title."""
    label = escape(title)
    head = (
        f'<svg class="points-map" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%">'
        f"<title>{label}</title>"
    )
    if bbox is None:
        return head + "</svg>"
    west, south, east, north = _window(tuple(bbox), width, height)
    span_x, span_y = east - west, north - south
    paths = _land_paths((west, south, east, north), width, height)
    # Points closer than a dot's width are one dot, larger as it stands for more: a map of
    # many thousands of points stays a few hundred shapes.
    cells: dict[tuple[str, int, int], list[float]] = {}
    for lat, lon, css in points:
        x, y = (lon - west) / span_x * width, (north - lat) / span_y * height
        cell = cells.setdefault((css, round(x / DOT), round(y / DOT)), [0.0, 0.0, 0])
        cell[0] += x
        cell[1] += y
        cell[2] += 1
    dots = [
        f'<circle class="{escape(css)}" cx="{x / n:.1f}" cy="{y / n:.1f}" '
        f'r="{3 + math.log2(n):.1f}"/>'
        for (css, _i, _j), (x, y, n) in cells.items()
    ]
    colours = "".join(
        f".{css}{{fill:{colour};stroke:#fff;stroke-width:.8;fill-opacity:.85}}"
        for css, colour in POINT_COLOURS.items()
    )
    return (
        head
        + STYLE
        + f"<style>{colours}</style>"
        + f'<rect class="sea" width="{width}" height="{height}"/>'
        + "".join(paths)
        + "".join(dots)
        + "</svg>"
    )


#: The colours of a map's dots, one class per category in the order of the legend.
POINT_COLOURS = {
    f"cat-{i}": colour
    for i, colour in enumerate(
        ("#b52a2a", "#0b5cab", "#3a8a3a", "#d99a1e", "#6a3d9a", "#1f9e9e", "#7a4a1f")
    )
}


def _land_paths(
    window: tuple[float, float, float, float], width: int, height: int, highlight: str = ""
) -> list[str]:
    """The country outlines inside ``window`` (west, south, east, north, with a margin of a
    quarter each way), as SVG paths of a ``width`` × ``height`` drawing; ``highlight`` names
    the country drawn apart."""
    west, south, east, north = window
    span_x, span_y = east - west, north - south
    margin = (west - span_x / 4, south - span_y / 4, east + span_x / 4, north + span_y / 4)
    step = 1.5 * span_x / width  # about a pixel and a half
    paths = []
    for code, (w, s, e, n), ring in _rings():
        if e < margin[0] or w > margin[2] or n < margin[1] or s > margin[3]:
            continue
        points = _clamped(ring, margin, step)
        if len(points) < 3:
            continue
        d = "M" + "L".join(
            f"{(x - west) / span_x * width:.1f},{(north - y) / span_y * height:.1f}"
            for x, y in points
        )
        css = "land highlight" if highlight and code == highlight else "land"
        paths.append(f'<path class="{css}" d="{d}Z"/>')
    return paths
