"""The report's map on the shipped country outlines and its trend chart, drawn by the
dashboard's chart code, both as SVG that stands alone."""

from __future__ import annotations

import re

from abide.geo.svgmap import points_map
from abide.reports.drawings import map_legend, report_map, trend_chart
from abide.reports.shaping import visual
from abide.reports.tests.documents import sample_document
from abide.web import charts


def test_the_map_draws_the_outlines_around_the_points_and_a_dot_for_each():
    svg = points_map([(40.2, 45.9, "cat-0"), (39.6, 46.5, "cat-1")], (45.9, 39.6, 46.5, 40.2),
                     title="Points <2>")
    assert svg.startswith('<svg class="points-map"') and "<title>Points &lt;2&gt;</title>" in svg
    assert svg.count('<path class="land"') >= 2  # Armenia and Azerbaijan at least
    dots = re.findall(r'<circle class="(cat-\d)" cx="([0-9.]+)" cy="([0-9.]+)"', svg)
    assert [d[0] for d in dots] == ["cat-0", "cat-1"]
    for _css, x, y in dots:
        assert 0 < float(x) < 360 and 0 < float(y) < 240
    # North is up: the northern point is higher on the map.
    assert float(dots[0][2]) < float(dots[1][2])
    assert ".cat-0{fill:" in svg and "<script" not in svg


def test_a_map_without_points_says_so_in_its_title():
    assert points_map([], None, title="No point") == (
        '<svg class="points-map" xmlns="http://www.w3.org/2000/svg" role="img" '
        'viewBox="0 0 360 240" width="100%"><title>No point</title></svg>'
    )


def test_the_legend_orders_the_categories_by_their_points_with_names_in_the_language():
    legend = map_legend(sample_document(), "ru")
    assert [(e["slug"], e["count"]) for e in legend] == [
        ("ceasefire", "2"), ("freedom_of_movement", "1")
    ]
    assert legend[0]["name"] == "Прекращение огня"
    svg = report_map(sample_document(), "ru", legend)
    assert svg.count('class="cat-0"') == 2 and svg.count('class="cat-1"') == 1


def test_the_trend_chart_is_the_dashboards_chart_code_with_one_line_per_category():
    svg = trend_chart(sample_document(), "tr")
    assert svg.startswith('<svg class="chart trend"') and charts.STYLE in svg
    assert svg.count("<polyline") == 2
    # Figures in Turkish: 1.250 is the last week's ceasefire count.
    assert "\u2068Ateşkes: 1.250\u2069" in svg
    assert "2023-W39" in svg and "Ateşkes: 2023-W32 900" in svg  # the description


def test_the_trend_chart_reads_right_to_left_and_is_shaped_for_print():
    page = trend_chart(sample_document(), "ar")
    assert 'direction="rtl"' in page and "\u2068وقف إطلاق النار: 1,250\u2069" in page
    printed = trend_chart(sample_document(), "ar", for_print=True)
    assert ">" + visual("وقف إطلاق النار: 1,250") + "<" in printed
    assert "\u2068" not in printed.split("</desc>")[1]
    # The oldest week is drawn at the right edge, the newest towards the left.
    first = re.search(r'<polyline [^>]*points="([0-9.]+),', page).group(1)
    assert float(first) > charts.WIDTH / 2


def test_the_dashboards_charts_draw_as_before_without_a_shape():
    bars = charts.status_bars([charts.Bar("violated", "violated", 1234)], title="S")
    assert ">\u20681,234\u2069</text>" in bars
    shaped = charts.status_bars(
        [charts.Bar("violated", "منتهك", 2)], title="S", rtl=True, shape=visual
    )
    assert ">" + visual("منتهك") + "<" in shaped


def test_many_points_on_one_spot_are_one_larger_dot():
    points = [(40.2, 45.9, "cat-0")] * 1000 + [(40.2, 45.9, "cat-1")]
    svg = points_map(points, (45.9, 40.2, 45.9, 40.2))
    radii = re.findall(r'<circle class="(cat-\d)" cx="[0-9.]+" cy="[0-9.]+" r="([0-9.]+)"', svg)
    assert radii == [("cat-0", "13.0"), ("cat-1", "3.0")]
