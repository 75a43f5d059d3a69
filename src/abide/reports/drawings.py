"""A report's map and trend chart, drawn on the server as SVG so the PDF has them too.

The map is the country outlines abide ships (``abide.geo.svgmap``) with the period's points;
the trend chart is the dashboard's chart code (``abide.web.charts``). For a PDF, the charts'
words are given in visual order (``abide.reports.shaping``): WeasyPrint draws SVG text a letter
at a time.
"""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from abide.geo.svgmap import POINT_COLOURS, points_map
from abide.reports import formatting
from abide.reports.shaping import visual
from abide.web import charts

#: Categories drawn in the trend chart at most, the most observed first.
TREND_SERIES = len(charts.SERIES_COLOURS)


def category_names(document: dict, language: str) -> dict[str, str]:
    """Each category slug the document names, with its name in the language."""
    found: dict[str, str] = {}
    for figure in document.get("figures", []):
        category = figure["category"]
        found.setdefault(category["slug"], formatting.name(category["names"], language))
    for entry in document.get("commitments", []) + document.get("incidents", []):
        category = entry["category"]
        found.setdefault(category["slug"], formatting.name(category["names"], language))
    return found


def map_legend(document: dict, language: str) -> list[dict]:
    """The map's categories in order of the number of points, each with its dot's class,
    colour, name and count."""
    counts: dict[str, int] = {}
    for point in document["map"]["points"]:
        counts[point["category"]] = counts.get(point["category"], 0) + 1
    names = category_names(document, language)
    colours = list(POINT_COLOURS.items())
    ordered = sorted(counts, key=lambda slug: (-counts[slug], slug))
    return [
        {
            "slug": slug,
            "css": colours[min(i, len(colours) - 1)][0],
            "colour": colours[min(i, len(colours) - 1)][1],
            "name": names.get(slug, slug),
            "count": formatting.number(counts[slug], language),
        }
        for i, slug in enumerate(ordered)
    ]


def report_map(document: dict, language: str, legend: list[dict]) -> SafeString:
    """The SVG map of the period's points (the tier's points: the public tier's are rounded
    or left out by the builder)."""
    css = {entry["slug"]: entry["css"] for entry in legend}
    points = [
        (p["latitude"], p["longitude"], css.get(p["category"], "cat-0"))
        for p in document["map"]["points"]
        if p.get("latitude") is not None and p.get("longitude") is not None
    ]
    bbox = document["map"].get("bbox")
    title = gettext("Map of the period's observations: %(count)s points") % {
        "count": formatting.number(len(points), language)
    }
    return mark_safe(points_map(points, tuple(bbox) if bbox else None, title=title))


def trend_chart(document: dict, language: str, *, for_print: bool = False) -> SafeString:
    """The observations per category over the report's periods, one line each."""
    periods = document.get("trend", [])
    names = category_names(document, language)
    totals: dict[str, int] = {}
    for period in periods:
        for slug, count in period["counts"].items():
            totals[slug] = totals.get(slug, 0) + count
    # Categories never observed over the periods would be flat lines on the axis: left out.
    slugs = sorted(
        (slug for slug, total in totals.items() if total),
        key=lambda slug: (-totals[slug], slug),
    )[:TREND_SERIES]
    series = [
        charts.Series(
            names.get(slug, slug), tuple(int(p["counts"].get(slug, 0)) for p in periods)
        )
        for slug in slugs
    ]
    return charts.trend_lines(
        [p["label"] for p in periods],
        series,
        title=gettext("Observations per category, period by period"),
        rtl=formatting.direction(language) == "rtl",
        shape=visual if for_print else None,
        number=lambda value: formatting.number(value, language),
    )
