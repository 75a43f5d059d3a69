"""The map's summary table: its sums answer as counting the observations does, and it stays
equal to a full recount after every kind of change."""

from __future__ import annotations

import datetime as dt
import math
import random

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from abide.cli import main
from abide.observations import mapcells
from abide.observations.access import get_observations_for
from abide.observations.correcting import correct_observation
from abide.observations.filtering import filter_observations
from abide.observations.importer import import_file
from abide.observations.mapdata import Box, map_data
from abide.observations.models import MapCell, Observation
from abide.observations.services import transition
from abide.observations.tests.test_import import ucdp_row, write_ucdp
from abide.observations.tests.test_reading_pages import report
from abide.registry.models import Category

WORLD = Box(-180.0, -90.0, 180.0, 90.0)


def table() -> list[tuple]:
    """The table's rows, comparable."""
    return sorted(
        (
            c.viewer,
            c.cell_y,
            c.cell_x,
            c.day,
            c.category_id,
            c.count,
            round(c.sum_latitude, 9),
            round(c.sum_longitude, 9),
        )
        for c in MapCell.objects.all()
    )


def recounted() -> list[tuple]:
    """The rows a full rebuild gives (the table left rebuilt)."""
    mapcells.rebuild_map_cells(actor=None)
    return table()


def assert_exact() -> list[tuple]:
    kept = table()
    assert kept == recounted()
    return kept


def public_count() -> int:
    return sum(c.count for c in MapCell.objects.filter(viewer="public"))


@pytest.fixture
def varied(starter_registry, analyst):
    """Observations spread over both hemispheres of longitude, across cell edges (some exactly
    on one, some on a half step of their public precision), over 40 days and midnights, of
    three categories, every status, sensitivity and public precision."""
    template = report(analyst, sensitivity="public")
    categories = list(Category.objects.order_by("position")[:3])
    chance = random.Random(20261206)
    start = timezone.make_aware(dt.datetime(2024, 3, 1))
    edge = mapcells.BASE * 200  # exactly on the edge of a base cell (and of every larger one)
    rows = []
    for number in range(400):
        if number % 10 == 0:
            latitude, longitude = edge, -edge + (number % 7) * 0.005
        elif number % 10 == 1:
            latitude, longitude = 40.125, -3.455  # halves of 1 km and 10 km steps
        else:
            latitude = chance.uniform(-12.0, 48.0)
            longitude = chance.uniform(-25.0, 52.0)
        when = start + dt.timedelta(days=chance.randrange(40), minutes=chance.randrange(1440))
        rows.append(
            Observation(
                **{
                    field.attname: getattr(template, field.attname)
                    for field in Observation._meta.concrete_fields
                    if not field.primary_key
                },
            )
        )
        row = rows[-1]
        row.dataset, row.original_id, row.client_key = "test", f"t{number}", ""
        row.latitude, row.longitude = round(latitude, 5), round(longitude, 5)
        row.observed_start = row.observed_end = when
        row.category_id, row.subtype_id = categories[number % 3].pk, None
        row.status = ("reported", "corroborated", "verified")[number // 3 % 3]
        row.sensitivity = ("public", "public", "internal", "restricted")[number % 4]
        row.public_precision = ("exact", "1km", "10km", "100km", "hidden")[number % 5]
    Observation.objects.bulk_create(rows)
    mapcells.rebuild_map_cells(actor=analyst)
    return categories


def cells(answer: dict) -> list[tuple]:
    return sorted(
        (cell["category"], cell["count"], cell["latitude"], cell["longitude"])
        for cell in answer["cells"]
    )


def assert_same_cells(summed: dict, counted: dict) -> None:
    assert summed["kind"] == counted["kind"] == "cells"
    got, expected = cells(summed), cells(counted)
    assert [row[:2] for row in got] == [row[:2] for row in expected]
    for (*_, latitude, longitude), (*_, want_latitude, want_longitude) in zip(
        got, expected, strict=True
    ):
        assert latitude == pytest.approx(want_latitude, abs=2e-6)
        assert longitude == pytest.approx(want_longitude, abs=2e-6)


BOXES = [
    WORLD,
    Box(-20.0, -5.0, 40.0, 45.0),
    Box(-3.6, 40.0, 30.0, 41.3),  # edges inside cells
    Box(170.0, -10.0, -170.0, 10.0),  # across the date line (empty)
]


@pytest.mark.parametrize("viewer", ["analyst", "public"])
@pytest.mark.parametrize(
    "filters",
    [{}, {"category": 0}, {"since": 5, "until": 20}, {"category": 1, "since": 12}],
    ids=["unfiltered", "category", "period", "category-and-since"],
)
def test_the_summed_cells_are_those_counted_from_the_observations(varied, analyst, viewer, filters):
    user = analyst if viewer == "analyst" else AnonymousUser()
    public = viewer == "public"
    first_day = dt.date(2024, 3, 1)
    category = varied[filters["category"]] if "category" in filters else None
    since = first_day + dt.timedelta(days=filters["since"]) if "since" in filters else None
    until = first_day + dt.timedelta(days=filters["until"]) if "until" in filters else None
    queryset = filter_observations(
        get_observations_for(user),
        category=category.slug if category else None,
        since=since,
        until=until,
    )
    compared = 0
    for zoom in range(0, mapcells.MAX_ZOOM + 1):
        for box in BOXES:
            counted = map_data(queryset, zoom=zoom, box=box, public=public)
            summed = map_data(
                queryset,
                zoom=zoom,
                box=box,
                public=public,
                summary="public" if public else "every",
                category_id=category.pk if category else None,
                since=since,
                until=until,
            )
            assert_same_cells(summed, counted)
            compared += len(counted["cells"])
    assert compared > 50


def test_the_public_sees_only_published_public_points_and_the_mission_all(varied):
    every = MapCell.objects.filter(viewer="every")
    assert sum(c.count for c in every) == 401  # and the template, internal and reported
    # Public (1 in 2), corroborated or verified (2 in 3), not hidden (4 in 5).
    expected = sum(
        1 for number in range(400) if number % 4 < 2 and number // 3 % 3 and number % 5 != 4
    )
    assert public_count() == expected


def test_a_report_then_a_verification_keep_the_table_exact(starter_registry, analyst):
    observation = report(analyst, sensitivity="public", public_precision="10km")
    rows = assert_exact()
    assert [row[0] for row in rows] == ["every"]
    transition(observation, "verified", actor=analyst, reason="seen")
    assert_exact()
    assert public_count() == 1  # the public sees it now, at its coarsened point
    public = MapCell.objects.get(viewer="public")
    assert public.sum_latitude == pytest.approx(39.8)
    assert public.sum_longitude == pytest.approx(46.8)


def test_a_correction_that_moves_an_observation_keeps_the_table_exact(
    starter_registry, observer, analyst
):
    report(analyst)  # a neighbour in the same cell stays counted there
    observation = report(observer)
    correct_observation(
        observation,
        actor=observer,
        latitude=36.2,
        longitude=37.15,
        observed_start=timezone.make_aware(dt.datetime(2024, 1, 2, 10)),
        observed_end=timezone.make_aware(dt.datetime(2024, 1, 2, 11)),
    )
    rows = assert_exact()
    assert sorted(row[5] for row in rows) == [1, 1]
    assert {round(row[6], 1) for row in rows} == {39.8, 36.2}


def test_deleting_an_observation_takes_it_off_the_table(starter_registry, analyst):
    observation = report(analyst)
    assert MapCell.objects.count() == 1
    observation.delete()
    assert MapCell.objects.count() == 0


def test_an_import_and_a_re_import_that_moves_rows_keep_the_table_exact(
    starter_registry, analyst, tmp_path
):
    first = write_ucdp(
        tmp_path / "first.csv",
        [ucdp_row(number, latitude=f"39.{number}") for number in range(1, 6)],
    )
    import_file(first, "ucdp", actor=analyst, batch_size=2)
    before = assert_exact()
    assert sum(row[5] for row in before) == 5
    moved = write_ucdp(
        tmp_path / "moved.csv",
        [ucdp_row(1, latitude="35.5", start="2021-01-01")]
        + [ucdp_row(number, latitude=f"39.{number}") for number in range(2, 7)],
    )
    summary = import_file(moved, "ucdp", actor=analyst, batch_size=2)
    assert (summary.created, summary.updated) == (1, 1)
    after = assert_exact()
    assert sum(row[5] for row in after) == 6
    assert any(row[3] == dt.date(2021, 1, 1) for row in after)
    assert not any(row[3] == dt.date(2020, 10, 4) and round(row[6], 1) == 39.1 for row in after)


def test_refreshing_keys_recounts_only_those_keys(varied):
    kept = table()
    MapCell.objects.filter(viewer="every").update(count=999)
    keys = mapcells.keys_of(Observation.objects.values_list("pk", flat=True)[:50])
    mapcells.refresh_map_cells(keys)
    refreshed = {(c.cell_y, c.cell_x, c.day) for c in MapCell.objects.exclude(count=999)}
    assert refreshed and all((y, x, day) in refreshed for _v, y, x, day in keys if _v == "every")
    mapcells.refresh_map_cells(
        {("every", c.cell_y, c.cell_x, c.day) for c in MapCell.objects.filter(count=999)}
    )
    assert table() == kept


def test_only_those_who_import_may_rebuild(starter_registry, observer):
    with pytest.raises(PermissionDenied):
        mapcells.rebuild_map_cells(actor=observer)


def test_abide_map_rebuild_counts_everything_with_progress(varied, capsys):
    kept = table()
    MapCell.objects.all().delete()
    assert main(["map", "rebuild"]) == 0
    captured = capsys.readouterr()
    assert "2024-03: " in captured.err
    assert "map cells rebuilt: " in captured.out
    assert table() == kept


def test_abide_map_without_an_action_names_the_argument(starter_registry, capsys):
    assert main(["map", "refill"]) != 0
    assert "rebuild" in capsys.readouterr().err


def read_tables(client, user, **params) -> tuple[str, dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if user is not None:
        client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/map/data", {"zoom": 6, "bbox": "-30,-20,60,50", **params})
    assert response.status_code == 200, response.content
    return " ".join(query["sql"] for query in queries.captured_queries), response.json()


@pytest.mark.parametrize(
    ("who", "params", "summed"),
    [
        ("analyst", {}, True),
        ("analyst", {"category": "cessation_of_hostilities", "since": "2024-03-05"}, True),
        ("analyst", {"status": "verified"}, False),
        ("analyst", {"country": "AZ"}, False),
        ("observer", {}, False),  # their own restricted reports too
        ("partner", {}, False),  # their own reports too
        ("public", {"until": "2024-03-20"}, True),
        ("public", {"status": "verified"}, False),
    ],
)
def test_the_map_sums_the_table_only_for_the_viewers_and_filters_it_answers(
    client, varied, analyst, observer, partner, who, params, summed
):
    user = {"analyst": analyst, "observer": observer, "partner": partner}.get(who)
    sql, answer = read_tables(client, user, **params)
    assert ('"observations_mapcell"' in sql) is summed
    assert answer["kind"] == "cells" and answer["cells"]


def test_the_view_answers_the_same_summed_or_counted(client, varied, analyst):
    _sql, summed = read_tables(client, analyst, category="humanitarian_access")
    counted = map_data(
        filter_observations(Observation.objects.all(), category="humanitarian_access"),
        zoom=6,
        box=Box.parse("-30,-20,60,50"),
        public=False,
    )
    assert_same_cells(summed, counted)


def test_an_edit_in_the_admin_that_moves_an_observation_keeps_the_table_exact(
    starter_registry, analyst, administrator, rf
):
    from django.contrib import admin

    observation = report(analyst)
    report(analyst)
    request = rf.post("/admin/")
    request.user = administrator
    observation.latitude, observation.sensitivity = 12.5, "public"
    admin.site._registry[Observation].save_model(request, observation, None, True)
    rows = assert_exact()
    assert sorted(round(row[6], 1) for row in rows if row[0] == "every") == [12.5, 39.8]


def test_an_import_notes_its_days_and_the_map_counts_until_they_are_counted_again(
    client, varied, analyst
):
    """While an import's days are noted (a batch written, the run not finished) the map
    counts the observations; once caught up it sums the table again, equal to a recount."""
    from abide.observations.models import MapCellDay

    mapcells.mark_days([dt.date(2024, 3, 5)])
    assert not mapcells.is_current()
    sql, counted = read_tables(client, analyst)
    assert '"observations_mapcell"' not in sql
    mapcells.catch_up()
    assert mapcells.is_current() and not MapCellDay.objects.exists()
    sql, summed = read_tables(client, analyst)
    assert '"observations_mapcell"' in sql
    assert summed == counted


@pytest.mark.parametrize("zone", ["UTC", "Asia/Yerevan", "America/New_York"])
def test_the_summary_counts_each_observation_on_its_day_in_the_current_time_zone(varied, zone):
    """The day of a row of the summary is the day its observations start where the map is
    read (SQLite reads it from the stored text when that zone is the connection's)."""
    with timezone.override(zone):
        found = {
            (int(row["cell_y"]), int(row["cell_x"]), row["category_id"], str(row["day"])): row["n"]
            for row in mapcells._aggregate(mapcells.EVERY, Observation.objects.all())
        }
        expected: dict[tuple, int] = {}
        for row in Observation.objects.all():
            key = (
                math.floor(row.latitude / mapcells.BASE),
                math.floor(row.longitude / mapcells.BASE),
                row.category_id,
                str(timezone.localtime(row.observed_start).date()),
            )
            expected[key] = expected.get(key, 0) + 1

    assert found == expected
    assert len({key[3] for key in found}) > 30  # the rows span the fixture's forty days
