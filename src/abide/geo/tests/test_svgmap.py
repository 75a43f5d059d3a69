"""The small SVG map of a point among the country outlines."""

from __future__ import annotations

import re

from abide.geo.svgmap import point_map


def test_a_point_is_drawn_at_the_centre_among_the_outlines_near_it():
    svg = point_map(40.2, 45.1, title="Near <Jermuk>", highlight="AM")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<title>Near &lt;Jermuk&gt;</title>" in svg
    assert '<circle class="point" cx="80.0" cy="60.0"' in svg
    assert svg.count('class="land highlight"') >= 1  # Armenia, shaded
    assert svg.count('<path class="land"') >= 2  # its neighbours
    assert len(svg) < 20_000  # thinned to the map's scale
    coordinates = [float(n) for n in re.findall(r"-?\d+\.\d", svg.split("<path", 1)[1])]
    assert min(coordinates) >= -50 and max(coordinates) <= 210  # clamped near the window


def test_a_map_of_the_open_sea_has_no_land_and_no_point_no_map():
    assert "<path" not in point_map(-40.0, -120.0)
    empty = point_map(None, None, title="Where")
    assert "<circle" not in empty and "<title>Where</title>" in empty
