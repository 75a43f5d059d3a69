"""`abide export observations` and the exporting library: CSV and GeoJSON, filters, public."""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import json
import re
import time
import tracemalloc

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from abide.cli import main
from abide.observations import exporting
from abide.observations.exporting import COLUMNS, export_observations, filter_observations
from abide.observations.models import Observation, ObservationActor, SubType
from abide.registry.models import Category, Party

UTC = dt.UTC
MARCH_1 = dt.datetime(2024, 3, 1, 10, 30, tzinfo=UTC)
NARRATIVE = 'Shells landed near the school.\nA resident said: "three, maybe four", at dusk.'


def observe(**fields: object) -> Observation:
    """An unsaved observation: an hour of shelling near Martuni (1 March 2024 unless told)."""
    start = fields.get("observed_start", MARCH_1)
    assert isinstance(start, dt.datetime)
    values: dict[str, object] = {
        "observed_start": start,
        "observed_end": start + dt.timedelta(hours=1),
        "time_precision": "exact",
        "reported_at": start + dt.timedelta(hours=3),
        "latitude": 39.79512,
        "longitude": 47.11278,
        "place_precision": "exact",
        "country": "AZ",
        "admin1": "Khojavend",
        "place_name": "Martuni",
        "direction": "undercuts",
        "reporter_kind": "observer",
        "narrative": "Shelling heard to the east.",
    }
    values.update(fields)
    if "category" not in values:
        values["category"] = Category.objects.get(slug="cessation_of_hostilities")
    if "subtype" not in values:
        values["subtype"] = SubType.objects.get(slug="shelling")
    return Observation(**values)


def create(**fields: object) -> Observation:
    observation = observe(**fields)
    observation.save()
    return observation


def export(queryset=None, *, format="csv", public=False) -> tuple[int, str]:
    out = io.StringIO()
    count = export_observations(
        Observation.objects.order_by("observed_start", "id") if queryset is None else queryset,
        out,
        format=format,
        public=public,
    )
    return count, out.getvalue()


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def run(*args: str) -> tuple[str, str]:
    """`abide export ...` in-process: its standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    call_command("export", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def shelling(starter_registry) -> Observation:
    """A verified, public shelling with casualties, two actors, a quoted multi-line narrative."""
    observation = create(
        casualties_low=1,
        casualties_best=2,
        casualties_high=4,
        casualties_civilian=2,
        narrative=NARRATIVE,
        status="verified",
        reliability="B",
        credibility=2,
        sensitivity="public",
        public_precision="10km",
        dataset="acled",
        dataset_version="2024-03",
        original_id="AZE1234",
        original_row={"notes": "SECRET-ROW-CONTENT"},
    )
    ObservationActor.objects.create(
        observation=observation,
        party=Party.objects.get(slug="azerbaijan"),
        name="Azerbaijani forces",
    )
    ObservationActor.objects.create(
        observation=observation, name="unidentified gunmen", attribution="suspected", position=1
    )
    return observation


def test_csv_round_trips_every_column_with_a_multi_line_narrative_quoted(shelling):
    count, text = export()
    assert count == 1
    assert next(csv.reader(io.StringIO(text))) == list(COLUMNS)
    (row,) = csv_rows(text)
    assert row == {
        "id": str(shelling.pk),
        "observed_start": "2024-03-01T10:30:00+00:00",
        "observed_end": "2024-03-01T11:30:00+00:00",
        "time_precision": "exact",
        "reported_at": "2024-03-01T13:30:00+00:00",
        "latitude": "39.79512",
        "longitude": "47.11278",
        "place_precision": "exact",
        "country": "AZ",
        "admin1": "Khojavend",
        "admin2": "",
        "place_name": "Martuni",
        "category": "cessation_of_hostilities",
        "subtype": "shelling",
        "direction": "undercuts",
        "casualties_low": "1",
        "casualties_best": "2",
        "casualties_high": "4",
        "casualties_civilian": "2",
        "casualties_combatant": "",
        "casualties_unknown": "",
        "actors": "azerbaijan; unidentified gunmen",
        "narrative": NARRATIVE,
        "status": "verified",
        "reliability": "B",
        "credibility": "2",
        "sensitivity": "public",
        "reporter_kind": "observer",
        "dataset": "acled",
        "dataset_version": "2024-03",
        "original_id": "AZE1234",
        "event_id": "",
    }
    assert (
        '"Shells landed near the school.\nA resident said: ""three, maybe four"", at dusk."' in text
    )
    assert "SECRET-ROW-CONTENT" not in text


def test_geojson_is_a_feature_collection_of_points_in_longitude_latitude_order(shelling):
    elsewhere = create(latitude=None, longitude=None, place_precision="admin1", admin1="Syunik")
    count, text = export(format="geojson")
    assert count == 2
    collection = json.loads(text)
    assert collection["type"] == "FeatureCollection"
    first, second = collection["features"]
    assert first["type"] == "Feature" and first["id"] == shelling.pk
    assert first["geometry"] == {"type": "Point", "coordinates": [47.11278, 39.79512]}
    assert list(first["properties"]) == list(COLUMNS)
    assert first["properties"]["actors"] == "azerbaijan; unidentified gunmen"
    assert first["properties"]["casualties_best"] == 2
    assert first["properties"]["narrative"].count("\n") == 1
    assert second["id"] == elsewhere.pk and second["geometry"] is None
    assert second["properties"]["latitude"] is None
    assert "SECRET-ROW-CONTENT" not in text


def test_an_empty_selection_is_a_header_or_an_empty_collection(db):
    assert export() == (0, ",".join(COLUMNS) + "\r\n")
    count, text = export(format="geojson")
    assert count == 0 and json.loads(text) == {"type": "FeatureCollection", "features": []}


def test_actors_come_in_one_query_per_chunk_not_one_per_row(
    starter_registry, monkeypatch, django_assert_num_queries
):
    armenia = Party.objects.get(slug="armenia")
    for day in range(5):
        observation = create(observed_start=MARCH_1 + dt.timedelta(days=day))
        ObservationActor.objects.create(observation=observation, party=armenia, name="Armenia")
    monkeypatch.setattr(exporting, "CHUNK_SIZE", 2)
    with django_assert_num_queries(1 + 3):  # the rows, then the actors of 3 chunks (2, 2, 1)
        count, text = export()
    assert count == 5
    assert [row["actors"] for row in csv_rows(text)] == ["armenia"] * 5


@pytest.fixture
def assorted(starter_registry) -> dict[str, Observation]:
    access = Category.objects.get(slug="humanitarian_access")
    return {
        "shelling": create(status="verified", country="AZ"),
        "clash": create(
            subtype=SubType.objects.get(slug="armed_clash"),
            observed_start=dt.datetime(2024, 3, 5, 23, 59, tzinfo=UTC),
            observed_end=dt.datetime(2024, 3, 6, 1, tzinfo=UTC),
            country="AM",
            dataset="acled",
            original_id="ARM1",
        ),
        "convoy": create(
            category=access,
            subtype=SubType.objects.get(slug="convoy_passed"),
            direction="supports",
            observed_start=dt.datetime(2024, 3, 6, tzinfo=UTC),
            observed_end=dt.datetime(2024, 3, 6, 2, tzinfo=UTC),
            sensitivity="public",
            status="corroborated",
        ),
        "blocked": create(
            category=access,
            subtype=None,
            observed_start=dt.datetime(2024, 2, 29, 23, tzinfo=UTC),
            observed_end=dt.datetime(2024, 2, 29, 23, 30, tzinfo=UTC),
            status="disputed",
            sensitivity="restricted",
        ),
    }


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"shelling", "clash", "convoy", "blocked"}),
        ({"category": "humanitarian_access"}, {"convoy", "blocked"}),
        ({"subtype": "armed_clash"}, {"clash"}),
        ({"category": "cessation_of_hostilities", "subtype": "shelling"}, {"shelling"}),
        ({"country": "am"}, {"clash"}),
        ({"since": dt.date(2024, 3, 1)}, {"shelling", "clash", "convoy"}),
        ({"until": dt.date(2024, 3, 5)}, {"shelling", "clash", "blocked"}),
        ({"since": dt.date(2024, 3, 5), "until": dt.date(2024, 3, 5)}, {"clash"}),
        ({"status": "disputed"}, {"blocked"}),
        ({"dataset": "acled"}, {"clash"}),
        ({"sensitivity": "public"}, {"convoy"}),
        ({"direction": "supports"}, {"convoy"}),
        ({"category": "humanitarian_access", "status": "corroborated"}, {"convoy"}),
    ],
)
def test_filters_select_the_observations_matching_all_of_them(assorted, filters, expected):
    selected = set(filter_observations(Observation.objects.all(), **filters))
    assert selected == {assorted[name] for name in expected}


def test_the_command_applies_its_filters(assorted):
    out, err = run(
        "observations",
        "--format",
        "csv",
        "--category",
        "humanitarian_access",
        "--since",
        "2024-03-01",
    )
    assert [row["id"] for row in csv_rows(out)] == [str(assorted["convoy"].pk)]
    assert err == "exported 1 observation to standard output\n"
    out, _ = run("observations", "--format", "csv", "--country", "AZ", "--status", "verified")
    assert [row["id"] for row in csv_rows(out)] == [str(assorted["shelling"].pk)]


def test_the_command_writes_observations_in_the_order_they_were_observed(assorted):
    out, err = run("observations", "--format", "geojson")
    ids = [feature["id"] for feature in json.loads(out)["features"]]
    order = ["blocked", "shelling", "clash", "convoy"]
    assert ids == [assorted[name].pk for name in order]
    assert err == "exported 4 observations to standard output\n"


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (
            {"category": "ceasefire"},
            "unknown category 'ceasefire' (known: cessation_of_hostilities",
        ),
        ({"subtype": "bombing"}, "unknown sub-type 'bombing'"),
        (
            {"category": "humanitarian_access", "subtype": "shelling"},
            "sub-type 'shelling' belongs to category 'cessation_of_hostilities', "
            "not 'humanitarian_access'",
        ),
        ({"country": "Armenia"}, "'Armenia' is not a two-letter country code"),
        ({"status": "confirmed"}, "unknown value 'confirmed' (choose from reported, corroborated"),
        (
            {"since": dt.date(2024, 3, 5), "until": dt.date(2024, 3, 1)},
            "2024-03-01 is before the start date 2024-03-05",
        ),
    ],
)
def test_a_filter_that_names_nothing_is_refused_clearly(db, filters, message):
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        filter_observations(Observation.objects.all(), **filters)


def test_the_command_names_the_option_of_an_unknown_category(db):
    with pytest.raises(CommandError, match=r"^--category: unknown category 'ceasefire'"):
        run("observations", "--format", "csv", "--category", "ceasefire")


def test_public_leaves_out_internal_and_restricted_observations(assorted):
    count, text = export(public=True)
    assert count == 1
    assert [row["id"] for row in csv_rows(text)] == [str(assorted["convoy"].pk)]
    out, err = run("observations", "--format", "csv", "--public")
    assert [row["id"] for row in csv_rows(out)] == [str(assorted["convoy"].pk)]
    assert err == "exported 1 observation to standard output\n"


@pytest.mark.parametrize(
    ("precision", "latitude", "longitude"),
    [
        ("exact", 40.12345, 46.98765),
        ("1km", 40.12, 46.99),
        ("10km", 40.1, 47.0),
        ("100km", 40.0, 47.0),
    ],
)
def test_public_rounds_coordinates_to_the_public_precision(
    starter_registry, precision, latitude, longitude
):
    create(
        sensitivity="public",
        status="verified",
        public_precision=precision,
        latitude=40.12345,
        longitude=46.98765,
    )
    (row,) = csv_rows(export(public=True)[1])
    assert (float(row["latitude"]), float(row["longitude"])) == (latitude, longitude)
    (feature,) = json.loads(export(format="geojson", public=True)[1])["features"]
    assert feature["geometry"]["coordinates"] == [longitude, latitude]
    assert feature["properties"]["latitude"] == latitude


def test_public_hides_the_place_of_a_hidden_observation(starter_registry):
    create(
        sensitivity="public",
        status="verified",
        public_precision="hidden",
        latitude=40.12345,
        longitude=46.98765,
    )
    (row,) = csv_rows(export(public=True)[1])
    assert (row["latitude"], row["longitude"]) == ("", "")
    (feature,) = json.loads(export(format="geojson", public=True)[1])["features"]
    assert feature["geometry"] is None
    assert feature["properties"]["latitude"] is None and feature["properties"]["longitude"] is None
    assert "40.1" not in export(format="geojson", public=True)[1]
    # Inside the mission the place is kept.
    (internal,) = csv_rows(export()[1])
    assert internal["latitude"] == "40.12345"


@pytest.mark.parametrize(
    ("precision", "shown"),
    [
        ("1km", ("Martuni", "Khojavend", "Karabakh")),
        ("10km", ("", "Khojavend", "Karabakh")),
        ("100km", ("", "", "Karabakh")),
        ("hidden", ("", "", "")),
    ],
)
def test_public_leaves_out_place_names_finer_than_the_public_precision(
    starter_registry, precision, shown
):
    create(
        sensitivity="public",
        status="verified",
        public_precision=precision,
        latitude=39.79,
        longitude=47.11,
        place_name="Martuni",
        admin2="Khojavend",
        admin1="Karabakh",
    )
    (row,) = csv_rows(export(public=True)[1])
    assert (row["place_name"], row["admin2"], row["admin1"]) == shown
    (internal,) = csv_rows(export()[1])
    assert internal["place_name"] == "Martuni"


def test_public_leaves_out_public_observations_not_yet_corroborated(starter_registry):
    published = create(sensitivity="public", status="corroborated")
    for status in ("reported", "disputed", "refuted"):
        create(sensitivity="public", status=status)
    (row,) = csv_rows(export(public=True)[1])
    assert row["id"] == str(published.pk)


def test_public_export_carries_no_original_row(shelling):
    for format in ("csv", "geojson"):
        count, text = export(format=format, public=True)
        assert count == 1
        assert "SECRET-ROW-CONTENT" not in text and "original_row" not in text


def test_a_bad_since_is_refused_naming_the_option(db, capsys):
    with pytest.raises(CommandError, match=r"argument --since: '2024-13-01' is not a date"):
        run("observations", "--format", "csv", "--since", "2024-13-01")
    with pytest.raises(CommandError, match=r"^--since: '1/3/2024' is not a date \(YYYY-MM-DD\)$"):
        call_command("export", "observations", format="csv", since="1/3/2024")
    assert main(["export", "observations", "--format", "csv", "--since", "yesterday"]) == 2
    captured = capsys.readouterr()
    assert "argument --since: 'yesterday' is not a date (YYYY-MM-DD)" in captured.err
    assert captured.out == ""


def test_through_abide_an_unknown_category_exits_non_zero_with_a_one_line_message(db, capsys):
    assert main(["export", "observations", "--format", "csv", "--category", "ceasefire"]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("CommandError: --category: unknown category 'ceasefire'")
    assert len(captured.err.strip().splitlines()) == 1


def test_only_observations_can_be_exported(db, capsys):
    assert main(["export", "commitments", "--format", "csv"]) == 2
    assert "argument what: invalid choice: 'commitments'" in capsys.readouterr().err


def test_output_goes_to_the_file_and_the_count_to_standard_error(shelling, tmp_path):
    target = tmp_path / "observations.geojson"
    out, err = run("observations", "--format", "geojson", "--output", str(target))
    assert out == ""
    assert err == f"exported 1 observation to {target}\n"
    assert target.read_text(encoding="utf-8") == export(format="geojson")[1]
    assert [path.name for path in tmp_path.iterdir()] == ["observations.geojson"]


def test_the_file_is_written_under_another_name_and_renamed_once_complete(
    shelling, tmp_path, monkeypatch
):
    target = tmp_path / "observations.csv"
    seen_during_export: list[list[str]] = []
    actors_of = exporting._actors_of

    def watching(ids: list[int]) -> dict[int, list[str]]:
        seen_during_export.append(sorted(path.name for path in tmp_path.iterdir()))
        return actors_of(ids)

    monkeypatch.setattr(exporting, "_actors_of", watching)
    run("observations", "--format", "csv", "--output", str(target))
    (names,) = seen_during_export
    assert len(names) == 1 and names[0].startswith(".observations.csv.")
    assert target.read_text(encoding="utf-8").startswith("id,observed_start,")


def test_a_failure_part_way_leaves_the_earlier_file_and_no_half_file(
    shelling, tmp_path, monkeypatch
):
    target = tmp_path / "observations.csv"
    target.write_text("the export of yesterday\n", encoding="utf-8")

    def failing(ids: list[int]) -> dict[int, list[str]]:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(exporting, "_actors_of", failing)
    with pytest.raises(RuntimeError, match="the database went away"):
        run("observations", "--format", "csv", "--output", str(target))
    assert [path.name for path in tmp_path.iterdir()] == ["observations.csv"]
    assert target.read_text(encoding="utf-8") == "the export of yesterday\n"


def test_an_output_in_a_missing_folder_is_refused_naming_the_option(db, tmp_path):
    with pytest.raises(CommandError, match=r"^--output: no folder .*missing to write into$"):
        run("observations", "--format", "csv", "--output", str(tmp_path / "missing" / "x.csv"))


class CountingSink(io.TextIOBase):
    """A text stream that keeps nothing but the number of characters written to it."""

    def __init__(self) -> None:
        super().__init__()
        self.characters = 0

    def write(self, text: str) -> int:
        self.characters += len(text)
        return len(text)


def peak_memory_of_export(queryset, format: str) -> tuple[int, int]:
    """The export's count and its peak of traced memory, in bytes."""
    sink = CountingSink()
    gc.collect()
    tracemalloc.start()
    try:
        count = export_observations(queryset, sink, format=format)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert sink.characters > 200 * count
    return count, peak


@pytest.mark.slow
def test_memory_stays_flat_from_5000_to_20000_observations(starter_registry):
    """The peak is one chunk of rows and its actors (about 10 MB for 2,000), whatever the total."""
    started = time.monotonic()
    armenia = Party.objects.get(slug="armenia")
    shelling = SubType.objects.select_related("category").get(slug="shelling")
    for batch in range(4):
        observations = Observation.objects.bulk_create(
            observe(
                observed_start=MARCH_1 + dt.timedelta(minutes=n),
                category=shelling.category,
                subtype=shelling,
                dataset="first" if batch == 0 else "more",
                original_id=f"{batch}-{n}",
                narrative=f"Observation {batch}-{n}: shelling heard to the east, " * 3,
            )
            for n in range(5000)
        )
        ObservationActor.objects.bulk_create(
            ObservationActor(observation=observation, party=armenia, name="Armenian forces")
            for observation in observations
        )
        del observations
    created = time.monotonic()

    for format in ("csv", "geojson"):
        small_count, small = peak_memory_of_export(
            Observation.objects.filter(dataset="first").order_by("observed_start", "id"), format
        )
        large_count, large = peak_memory_of_export(
            Observation.objects.order_by("observed_start", "id"), format
        )
        assert (small_count, large_count) == (5000, 20000)
        assert large < 2 * small, f"{format}: peak {large} bytes for 20,000, {small} for 5,000"
        assert large < 16_000_000, f"{format}: peak {large} bytes"
    print(
        f"created in {created - started:.1f} s, exported in {time.monotonic() - created:.1f} s; "
        f"last peaks {small / 1e6:.1f} MB (5,000) and {large / 1e6:.1f} MB (20,000)"
    )
