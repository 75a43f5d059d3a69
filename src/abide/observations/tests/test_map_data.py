"""The map's data: cells counted in SQL when zoomed out, points when zoomed in; the public's
at the public precision."""

from __future__ import annotations

import pytest

from abide.observations import mapdata
from abide.observations.services import transition
from abide.observations.tests.test_reading_pages import report

WORLD = "-180,-90,180,90"
AROUND = "46.70,39.78,46.80,39.86"  # about 8 km around the points


@pytest.fixture
def published(starter_registry, analyst):
    """Four public observations, verified, each of another public precision."""
    observations = {}
    for precision, (latitude, longitude) in {
        "exact": (39.81773, 46.75281),
        "1km": (39.81773, 46.75281),
        "10km": (39.83641, 46.77119),
        "100km": (39.83641, 46.77119),
    }.items():
        observation = report(
            analyst,
            sensitivity="public",
            public_precision=precision,
            latitude=latitude,
            longitude=longitude,
        )
        transition(observation, "verified", actor=analyst, reason="seen")
        observations[precision] = observation
    observations["hidden"] = report(analyst, sensitivity="public", public_precision="hidden")
    transition(observations["hidden"], "verified", actor=analyst, reason="seen")
    observations["restricted"] = report(analyst, sensitivity="restricted")
    return observations


def get(client, **params):
    response = client.get("/map/data", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_zoomed_out_it_sends_cells_with_counts_per_category(client, published, analyst):
    client.force_login(analyst)
    answer = get(client, zoom=4, bbox=WORLD)
    assert answer["kind"] == "cells"
    assert sum(cell["count"] for cell in answer["cells"]) == 6
    assert {cell["category"] for cell in answer["cells"]} == {"cessation_of_hostilities"}
    assert not answer["too_many"]


def test_zoomed_in_it_sends_points(client, published, analyst):
    client.force_login(analyst)
    answer = get(client, zoom=14, bbox=AROUND)
    assert answer["kind"] == "points"
    assert {feature["id"] for feature in answer["features"]} == {o.pk for o in published.values()}
    feature = next(f for f in answer["features"] if f["id"] == published["10km"].pk)
    assert feature["geometry"]["coordinates"] == [46.77119, 39.83641]
    assert feature["properties"]["url"] == f"/observations/{published['10km'].pk}/"


def test_zoomed_in_with_too_many_it_sends_cells_and_says_zoom_in(
    client, published, analyst, monkeypatch
):
    monkeypatch.setattr(mapdata, "POINT_LIMIT", 3)
    client.force_login(analyst)
    answer = get(client, zoom=14, bbox=AROUND)
    assert answer["kind"] == "cells"
    assert answer["too_many"]
    assert "zoom in" in answer["message"]
    assert sum(cell["count"] for cell in answer["cells"]) == 6


def test_the_public_gets_points_at_their_public_precision_only(client, published):
    answer = get(client, zoom=14, bbox="45,39,48,41")
    points = {f["id"]: f["geometry"]["coordinates"] for f in answer["features"]}
    assert points == {
        published["exact"].pk: [46.75281, 39.81773],
        published["1km"].pk: [46.75, 39.82],
        published["10km"].pk: [46.8, 39.8],
        published["100km"].pk: [47.0, 40.0],
    }


def test_the_public_cells_are_counted_and_centred_on_the_coarsened_points(
    client, published, monkeypatch
):
    # Cells small enough to hold one observation each; the hidden and the restricted ones
    # are left out.
    monkeypatch.setattr(mapdata, "CELLS_PER_TILE", 4096)
    answer = get(client, zoom=10, bbox="45,39,48,41")
    assert answer["kind"] == "cells"
    centres = sorted((c["latitude"], c["longitude"], c["count"]) for c in answer["cells"])
    assert centres == [
        (39.8, 46.8, 1),
        (39.81773, 46.75281, 1),
        (39.82, 46.75, 1),
        (40.0, 47.0, 1),
    ]


def test_the_public_box_applies_to_the_coarsened_point(client, published):
    # The 100 km observation is shown at 40, 47: a box around its recorded point misses it.
    answer = get(client, zoom=14, bbox="46.77,39.83,46.78,39.84")
    assert answer["features"] == []
    answer = get(client, zoom=14, bbox="46.99,39.99,47.01,40.01")
    assert [f["id"] for f in answer["features"]] == [published["100km"].pk]


def test_the_map_data_uses_the_lists_filters(client, published, analyst):
    client.force_login(analyst)
    answer = get(client, zoom=14, bbox=AROUND, status="reported")
    assert {f["id"] for f in answer["features"]} == {published["restricted"].pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"zoom": "x", "bbox": WORLD}, "zoom"),
        ({"zoom": "30", "bbox": WORLD}, "zoom"),
        ({"zoom": "5", "bbox": "1,2,3"}, "bbox"),
        ({"zoom": "5", "bbox": "0,10,1,5"}, "bbox"),
        ({"zoom": "5", "bbox": WORLD, "since": "yesterday"}, "since"),
    ],
)
def test_bad_map_parameters_are_422_naming_the_field(client, published, params, field):
    response = client.get("/map/data", params)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_the_map_page_loads_leaflet_and_the_outlines_from_abide_itself(client, starter_registry):
    content = client.get("/map/").content.decode()
    assert "/static/leaflet/leaflet.js" in content
    assert "/static/leaflet/leaflet.css" in content
    assert "/static/outlines/countries.geojson" in content
    assert "Natural Earth" in content
    assert "https://" not in content.split("<main>")[1]
    assert 'data-tiles=""' in content


def test_a_tile_url_setting_is_given_to_the_map(client, starter_registry, settings):
    settings.ABIDE_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    content = client.get("/map/").content.decode()
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in content


@pytest.mark.parametrize("public", [False, True])
def test_zoomed_out_unfiltered_cells_are_summed_from_the_map_cells(
    client, published, analyst, public
):
    if not public:
        client.force_login(analyst)
    answer = get(client, zoom=6, bbox="45,39,48,41")
    # The public: neither the hidden nor the restricted one.
    assert sum(cell["count"] for cell in answer["cells"]) == (4 if public else 6)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        get(client, zoom=6, bbox="45,39,48,41")
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert '"observations_mapcell"' in read
    assert 'FROM "observations_observation"' not in read


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("tiles.example.org/{z}/{x}/{y}.png", "is not an http(s) URL or a path"),
        ("https://tiles.example.org/{z}/{x}.png", "lacks {y}"),
    ],
)
def test_a_bad_tile_url_setting_stops_abide_naming_it(monkeypatch, value, message):
    from django.core.exceptions import ImproperlyConfigured

    from abide import env

    monkeypatch.setenv("ABIDE_MAP_TILE_URL", value)
    with pytest.raises(ImproperlyConfigured, match="ABIDE_MAP_TILE_URL") as raised:
        env.tile_url("ABIDE_MAP_TILE_URL")
    assert message in str(raised.value)


def test_no_tile_url_means_no_tiles(monkeypatch):
    from abide import env

    monkeypatch.setenv("ABIDE_MAP_TILE_URL", " ")
    assert env.tile_url("ABIDE_MAP_TILE_URL") == ""


def test_zoomed_out_the_public_cells_are_averaged_over_the_coarsened_points(client, published):
    # Zoom 6, unfiltered: summed from the map's summary table.
    answer = get(client, zoom=6, bbox="45,39,48,41")
    total = sum(cell["count"] for cell in answer["cells"])
    latitudes = sum(cell["latitude"] * cell["count"] for cell in answer["cells"])
    longitudes = sum(cell["longitude"] * cell["count"] for cell in answer["cells"])
    assert total == 4
    assert latitudes == pytest.approx(39.81773 + 39.82 + 39.8 + 40.0, abs=1e-5)
    assert longitudes == pytest.approx(46.75281 + 46.75 + 46.8 + 47.0, abs=1e-5)
