"""Hostile input to the importers (property-based): any CSV or GeoJSON file and any mapping file
ends in a summary or in the documented clear error (ImportFailed), never another exception, and
whatever is stored is whole: every stored row is counted by its run and audited."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abide.accounts.models import Role
from abide.audit.models import AuditEntry
from abide.observations.importer import ImportFailed, import_file
from abide.observations.models import ImportRun, Observation
from abide.testing import make_user

#: Examples per property: the whole hostile-input set stays under a minute.
EXAMPLES = 60
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

MAPPING = (
    "dataset: fuzz\n"
    "columns: {id: ref, date: day, latitude: lat, longitude: lon, narrative: note, "
    "fatalities: dead, actors: [who], category: kind}\n"
    "categories: {shelling: {category: cessation_of_hostilities, subtype: shelling}}\n"
    "default: {category: humanitarian_access, subtype: convoy_blocked}\n"
)

HEADER = ["ref", "day", "lat", "lon", "note", "dead", "who", "kind"]

cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", "2024-05-03", "03/05/2024", "39.75", "-91", "1e400", "nan", "shelling", "A1", "-3"]
    ),
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
rows = st.lists(st.lists(cells, min_size=0, max_size=10), max_size=8)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def csv_text(header: list[str], body: list[list[str]]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue()


def geojson_features(draw_props: list, coordinates: list) -> str:
    features = [
        {"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": xy}}
        for props, xy in zip(draw_props, coordinates, strict=False)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, allow_nan=True)


def import_hostile(data: bytes, suffix: str, kind: str, mapping: str = MAPPING, **options):
    """Import ``data`` in a rolled-back transaction; assert the outcome is clean and whole."""
    analyst = make_user("fuzz-analyst", Role.ANALYST)
    with tempfile.TemporaryDirectory() as folder, transaction.atomic():
        path = Path(folder) / f"hostile{suffix}"
        path.write_bytes(data)
        mapping_path = Path(folder) / "map.yaml"
        mapping_path.write_text(mapping, encoding="utf-8")
        before = Observation.objects.count()
        try:
            summary = import_file(path, kind, actor=analyst, mapping=mapping_path, **options)
        except ImportFailed as exc:
            assert str(exc).strip(), "an error with no message"
            if options.get("strict"):
                assert Observation.objects.count() == before, "--strict stored rows"
            summary = None
        runs = ImportRun.objects.filter(dataset="fuzz")
        stored = set(Observation.objects.filter(dataset="fuzz").values_list("id", flat=True))
        assert len(stored) == sum(run.created for run in runs)
        audited = {
            int(item["id"])
            for touched in AuditEntry.objects.filter(action="import").values_list(
                "touched", flat=True
            )
            for item in touched
        }
        assert stored <= audited
        if summary is not None:
            assert summary.created + summary.updated + summary.unchanged <= summary.rows
        transaction.set_rollback(True)


@pytest.mark.django_db
@FUZZ
@given(body=rows, header=st.lists(st.sampled_from(HEADER), max_size=10) | st.just(HEADER))
def test_any_csv_file_is_imported_or_refused_clearly_and_nothing_is_half_stored(
    starter_registry, body, header
):
    import_hostile(csv_text(header, body).encode(), ".csv", "csv")


@pytest.mark.django_db
@FUZZ
@given(data=st.binary(max_size=300), strict=st.booleans())
def test_any_bytes_as_a_csv_file_are_imported_or_refused_clearly(starter_registry, data, strict):
    import_hostile(data, ".csv", "csv", strict=strict)


@pytest.mark.django_db
@FUZZ
@given(
    properties=st.lists(
        st.dictionaries(st.sampled_from(HEADER), cells | json_values, max_size=8), max_size=6
    ),
    coordinates=st.lists(json_values | st.lists(st.floats(), max_size=3), max_size=6),
    cut=st.integers(0, 400),
    strict=st.booleans(),
)
def test_any_geojson_file_is_imported_or_refused_clearly_and_nothing_is_half_stored(
    starter_registry, properties, coordinates, cut, strict
):
    text = geojson_features(properties, coordinates).encode()
    import_hostile(text, ".geojson", "geojson", strict=strict)
    import_hostile(text[:cut], ".geojson", "geojson", strict=strict)  # truncated


@pytest.mark.django_db
@FUZZ
@given(data=json_values.map(lambda v: json.dumps(v).encode()) | st.binary(max_size=200))
def test_any_json_as_a_geojson_file_is_imported_or_refused_clearly(starter_registry, data):
    import_hostile(data, ".geojson", "geojson")


yaml_scalars = st.one_of(
    st.text(max_size=15),
    st.sampled_from(["fuzz", "ref", "day", "other", "shelling", "UCDP!", "%d/%m/%Y", "%Q"]),
    st.integers(),
    st.none(),
    st.booleans(),
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(
        st.sampled_from(
            [
                "dataset", "version", "columns", "categories", "default", "date_formats",
                "sensitivity", "time_precision", "place_precision", "category", "subtype",
                "direction", "id", "date", "latitude", "actors", "x",
            ]
        ),
        children,
        max_size=5,
    ),
    max_leaves=15,
)  # fmt: skip


@pytest.mark.django_db
@FUZZ
@given(mapping=yaml_values.map(json.dumps) | st.text(max_size=200))
def test_any_mapping_file_is_read_or_refused_clearly(starter_registry, mapping):
    data = csv_text(HEADER, [["A1", "2024-05-03", "39.7", "46.7", "x", "1", "", "shelling"]])
    import_hostile(data.encode(), ".csv", "csv", mapping=mapping)
