"""`abide import`: every layout of UCDP GED and ACLED, mapped CSV and GeoJSON, bad rows,
idempotence, dry runs, strict runs, and an import killed mid-batch and resumed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from abide.audit.models import AuditEntry
from abide.audit.services import verify_log
from abide.cli import main
from abide.observations.importer import ImportFailed, import_file
from abide.observations.models import ImportRun, Observation, ObservationActor
from abide.testing import shared_path

pytestmark = pytest.mark.usefixtures("starter_registry")

UCDP_HEADER = (
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,"
    "conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,"
    "side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,"
    "source_date,source_headline,source_original,where_prec,where_coordinates,"
    "where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,"
    "country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,"
    "deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob"
)


def ucdp_row(event_id: int, *, latitude: str = "39.8", start: str = "2020-10-04") -> str:
    values = dict.fromkeys(UCDP_HEADER.split(","), "")
    values.update(
        id=str(event_id),
        year="2020",
        type_of_violence="1",
        side_a="Government of Azerbaijan",
        side_b="Republic of Artsakh",
        where_prec="1",
        where_coordinates="Martuni town",
        adm_1="Khojavend district",
        latitude=latitude,
        longitude="47.1",
        country="Azerbaijan",
        date_prec="1",
        date_start=f"{start} 00:00:00.000",
        date_end=f"{start} 00:00:00.000",
        deaths_a="2",
        deaths_b="3",
        deaths_civilians="1",
        deaths_unknown="0",
        best="6",
        high="8",
        low="5",
        source_headline="Shelling reported near Martuni",
    )
    return ",".join(values.values())


def write_ucdp(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([UCDP_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def run(path: Path, kind: str, actor, **options):
    problems: list[str] = []
    summary = import_file(path, kind, actor=actor, on_problem=problems.append, **options)
    return summary, problems


# --- the real files, every layout ------------------------------------------------------------

EVENT_FILES = [
    # (file, kind, rows in SOURCES.md, bad rows each reported with its line and reason)
    ("ucdp/uncertainUCDP_ucdpged_sample_v23_1000rows.csv", "ucdp", 1000, []),
    ("ucdp/knapply_ged191_syria_16566rows.csv", "ucdp", 16566, []),
    ("ucdp/optgeo_GEDEvent_v23_1_CAR_482_DERIVED.csv", "ucdp", 1848, []),
    ("ucdp/optgeo_GEDEvent_v23_1_CAR_482.geojson", "geojson", 1848, []),
    ("ucdp/thesurojit_HDX_UCDP_GED_conflict_data_ukr_2014-2021.csv", "ucdp", 2989, []),
    ("ucdp/thorbeorn_HDX_UCDP_GED_conflict_data_ukr_variant52cols.csv", "ucdp", 1167, []),
    (
        "acled/RPanlilio_acled_2020-05_global.csv",
        "acled",
        5071,
        [
            ":243: event_id_cnty: no id",
            ":5072: latitude: no value",
        ],
    ),
    ("acled/Jole34_HDX_ACLED_conflict_data_arm_2018-2020.csv", "acled", 4960, []),
    ("acled/dkoban_ACLED_2020-03_afghanistan.csv", "acled", 496, []),
    ("acled/katehara_acled_2015_asia_oldformat.csv", "acled", 10194, []),
    ("acled/AschHarwood_acled_2016-07_africa_oldformat.csv", "acled", 500, []),
]


@pytest.mark.parametrize(
    ("name", "kind", "rows", "bad"), EVENT_FILES, ids=[Path(f[0]).stem[:30] for f in EVENT_FILES]
)
def test_every_event_file_imports_with_the_counts_of_its_sources_and_again_changes_nothing(
    name, kind, rows, bad, analyst
):
    path = shared_path("data", "events", *name.split("/"))
    summary, problems = run(path, kind, analyst)
    assert summary.rows == rows
    assert [problem.removeprefix(str(path)) for problem in problems] == bad
    assert (summary.created, summary.updated, summary.rejected) == (rows - len(bad), 0, len(bad))
    assert Observation.objects.count() == rows - len(bad)
    stored = list(Observation.objects.order_by("id").values())
    audit_entries = AuditEntry.objects.count()

    again, problems = run(path, kind, analyst)
    assert (again.created, again.updated, again.unchanged) == (0, 0, rows - len(bad))
    assert list(Observation.objects.order_by("id").values()) == stored
    assert AuditEntry.objects.count() == audit_entries
    assert verify_log().ok


def test_the_two_ukraine_files_share_events_and_the_second_updates_them(analyst):
    first = shared_path(
        "data", "events", "ucdp", "thesurojit_HDX_UCDP_GED_conflict_data_ukr_2014-2021.csv"
    )
    second = first.with_name("thorbeorn_HDX_UCDP_GED_conflict_data_ukr_variant52cols.csv")
    run(first, "ucdp", analyst)
    summary, _ = run(second, "ucdp", analyst)
    assert summary.created + summary.updated == 1167
    assert summary.updated > 1000
    assert Observation.objects.count() == 2989 + summary.created
    shared = Observation.objects.get(dataset="ucdp-ged", original_id="147997")
    assert shared.original_row["start_year"] == "2014"  # the 52-column layout's row now


def test_acled_azerbaijan_rows_name_the_registry_parties_and_map_kind_and_precision(analyst):
    path = shared_path("data", "events", "acled", "RPanlilio_acled_2020-05_global.csv")
    summary, _ = run(path, "acled", analyst)
    assert "Military Forces of Azerbaijan (2003-)" not in summary.unmatched_actors
    clashes = Observation.objects.filter(country="AZ", subtype__slug="armed_clash")
    assert clashes.count() >= 100
    clash = clashes.filter(actors__party__slug="nagorno-karabakh-authorities").first()
    assert clash is not None
    assert set(clash.actors.values_list("party__slug", flat=True)) >= {"azerbaijan"}
    assert (clash.category.slug, clash.direction) == ("cessation_of_hostilities", "undercuts")
    assert clash.time_precision == "day"
    assert clash.observed_start.date() >= dt.date(2020, 4, 27)
    assert clash.observed_end - clash.observed_start == dt.timedelta(
        hours=23, minutes=59, seconds=59
    )
    assert clash.dataset == "acled" and clash.original_row["event_id_cnty"] == clash.original_id
    # Victims and crowds are not actors.
    assert not ObservationActor.objects.filter(name__startswith="Civilians (").exists()


def test_acled_date_formats_and_multi_line_notes_are_read(analyst):
    events = shared_path("data", "events", "acled")
    run(events / "dkoban_ACLED_2020-03_afghanistan.csv", "acled", analyst)
    assert Observation.objects.get(original_id="AFG44631").observed_start.date() == dt.date(
        2020, 3, 21
    )
    run(events / "katehara_acled_2015_asia_oldformat.csv", "acled", analyst)
    first = Observation.objects.get(original_id="1BNG")
    assert first.observed_start.date() == dt.date(2015, 1, 1)
    assert "\nPolice arrested two people" in first.narrative
    assert (first.category.slug, first.subtype.slug) == ("other", "protest")
    run(events / "AschHarwood_acled_2016-07_africa_oldformat.csv", "acled", analyst)
    baidoa = Observation.objects.get(original_id="8087RTA")
    assert (baidoa.subtype.slug, baidoa.casualties_best, baidoa.country) == ("explosion", 2, "SO")


def test_ucdp_casualties_are_split_as_ucdp_splits_them(analyst):
    path = shared_path("data", "events", "ucdp", "knapply_ged191_syria_16566rows.csv")
    run(path, "ucdp", analyst)
    event = Observation.objects.get(original_id="214797")
    assert (event.casualties_low, event.casualties_best, event.casualties_high) == (4, 4, 4)
    assert (event.casualties_combatant, event.casualties_civilian) == (4, 0)
    assert (event.place_precision, event.country, event.admin1) == (
        "exact",
        "SY",
        "Homs Governorate",
    )
    assert event.dataset_version == "19.1"


# --- bad rows and bad files --------------------------------------------------------------------


def test_bad_rows_are_reported_with_file_line_and_column_and_the_rest_is_stored(tmp_path, analyst):
    path = write_ucdp(
        tmp_path / "ged.csv",
        [
            ucdp_row(1),
            ucdp_row(2, latitude="123"),
            ucdp_row(3, start="2020-13-45"),
            ucdp_row(4),
            "5,too,few",
        ],
    )
    summary, problems = run(path, "ucdp", analyst)
    assert problems == [
        f"{path}:3: latitude: 123 is outside -90..90",
        f"{path}:4: date_start: unreadable date '2020-13-45 00:00:00.000'",
        f"{path}:6: row: 3 cells where the header has 49",
    ]
    assert (summary.created, summary.rejected) == (2, 3)
    assert set(Observation.objects.values_list("original_id", flat=True)) == {"1", "4"}


def test_an_unknown_layout_is_refused_naming_the_missing_columns(tmp_path, analyst):
    path = tmp_path / "other.csv"
    path.write_text("id,when,where\n1,2020-01-01,here\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"other.csv:1: header: not a UCDP GED layout: missing"):
        run(path, "ucdp", analyst)
    with pytest.raises(ImportFailed, match=r"missing columns event_id_cnty, event_date"):
        run(path, "acled", analyst)
    assert not Observation.objects.exists() and not ImportRun.objects.exists()


def test_strict_stores_nothing_from_a_file_with_a_bad_row(tmp_path, analyst):
    path = write_ucdp(tmp_path / "ged.csv", [ucdp_row(1), ucdp_row(2, latitude="-91")])
    with pytest.raises(ImportFailed, match="1 bad rows: nothing was stored"):
        run(path, "ucdp", analyst, strict=True)
    assert not Observation.objects.exists()


def test_a_dry_run_counts_what_would_change_and_stores_nothing(tmp_path, analyst):
    path = write_ucdp(tmp_path / "ged.csv", [ucdp_row(1), ucdp_row(2), ucdp_row(3, latitude="x")])
    summary, problems = run(path, "ucdp", analyst, dry_run=True)
    assert (summary.created, summary.rejected, summary.dry_run) == (2, 1, True)
    assert problems == [f"{path}:4: latitude: not a number: 'x'"]
    assert not Observation.objects.exists() and not ImportRun.objects.exists()


def test_a_changed_row_is_updated_in_place_and_audited(tmp_path, analyst):
    run(write_ucdp(tmp_path / "ged.csv", [ucdp_row(1), ucdp_row(2)]), "ucdp", analyst)
    first_id = Observation.objects.get(original_id="1").id
    entries = AuditEntry.objects.count()
    summary, _ = run(
        write_ucdp(tmp_path / "ged2.csv", [ucdp_row(1, latitude="39.9"), ucdp_row(2)]),
        "ucdp",
        analyst,
    )
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    moved = Observation.objects.get(original_id="1")
    assert (moved.id, moved.latitude) == (first_id, 39.9)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == entries + 1
    assert entry.action == "import" and entry.touched == [
        {"type": "observations.observation", "id": str(first_id)}
    ]


def test_one_audit_entry_per_batch(tmp_path, analyst):
    path = write_ucdp(tmp_path / "ged.csv", [ucdp_row(n) for n in range(1, 26)])
    before = AuditEntry.objects.count()
    run(path, "ucdp", analyst, batch_size=10)
    entries = AuditEntry.objects.filter(action="import").order_by("seq")
    assert AuditEntry.objects.count() - before == 3
    assert [len(entry.touched) for entry in entries] == [10, 10, 5]
    assert entries[0].detail["rows"] == [1, 10] and entries[2].detail["rows"] == [21, 25]


def test_unmatched_actor_names_are_reported_once_each(tmp_path, analyst, capsys):
    rows = [ucdp_row(n).replace("Republic of Artsakh", "Nowhere Front") for n in range(1, 4)]
    path = write_ucdp(tmp_path / "ged.csv", rows)
    assert main(["import", "ucdp", str(path), "--as", analyst.username]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("no party matches actor 'Nowhere Front' (3 rows)") == 1
    assert "3 created, 0 updated, 0 unchanged, 0 rejected" in captured.out


def test_the_command_exits_non_zero_when_rows_were_rejected(tmp_path, analyst, capsys):
    path = write_ucdp(tmp_path / "ged.csv", [ucdp_row(1), ucdp_row(2, latitude="123")])
    assert main(["import", "ucdp", str(path)]) == 1
    captured = capsys.readouterr()
    assert f"{path}:3: latitude: 123 is outside -90..90" in captured.err
    assert "1 created" in captured.out


def test_only_analysts_the_head_and_administrators_may_import(tmp_path, observer, partner, capsys):
    path = write_ucdp(tmp_path / "ged.csv", [ucdp_row(1)])
    for user in (observer, partner):
        with pytest.raises(ImportFailed, match=f"{user.username} may not import observations"):
            run(path, "ucdp", user)
    assert main(["import", "ucdp", str(path), "--as", observer.username]) == 1
    assert "may not import observations" in capsys.readouterr().err
    assert not Observation.objects.exists()


def test_a_csv_without_a_mapping_is_refused(tmp_path, capsys):
    path = write_ucdp(tmp_path / "ged.csv", [ucdp_row(1)])
    assert main(["import", "csv", str(path)]) == 1
    assert "a CSV file needs --mapping" in capsys.readouterr().err


# --- mapped CSV and GeoJSON ----------------------------------------------------------------------

MAPPING = """\
dataset: mission-log
version: "2024"
columns:
  id: ref
  date: day
  latitude: lat
  longitude: lon
  place: village
  country: country
  narrative: what
  actors: [who]
  category: kind
date_formats: ["%d/%m/%Y"]
categories:
  shelling: {category: cessation_of_hostilities, subtype: shelling, direction: undercuts}
  convoy passed: {category: humanitarian_access, subtype: convoy_passed, direction: supports}
sensitivity: internal
"""


def test_a_csv_with_a_column_mapping_imports(tmp_path, analyst):
    mapping = tmp_path / "map.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    data = tmp_path / "log.csv"
    data.write_text(
        "ref,day,lat,lon,village,country,what,who,kind\n"
        'A1,03/05/2024,39.75,46.75,Shushi,Azerbaijan,"Shells fell, twice",'
        "Military Forces of Armenia (1991-),Shelling\n"
        "A2,04/05/2024,39.6,46.6,Lachin,AZE,Convoy through,,convoy passed\n"
        "A3,05/05/2024,39.6,46.6,Lachin,AZE,Unknown,,parade\n",
        encoding="utf-8",
    )
    _summary, problems = run(data, "csv", analyst, mapping=mapping)
    assert problems == [f"{data}:4: kind: no category for 'parade'"]
    shelling = Observation.objects.get(dataset="mission-log", original_id="A1")
    assert (shelling.subtype.slug, shelling.country, shelling.sensitivity) == (
        "shelling",
        "AZ",
        "internal",
    )
    assert shelling.observed_start == dt.datetime(2024, 5, 3, tzinfo=dt.UTC)
    assert list(shelling.actors.values_list("party__slug", flat=True)) == ["armenia"]
    convoy = Observation.objects.get(original_id="A2")
    assert (convoy.direction, convoy.dataset_version) == ("supports", "2024")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("columns: {id: ref}\ndataset: x\ndefault: {category: other}", r"columns.date: required"),
        ("dataset: x\ncolumns: {id: a, date: b, colour: c}", r"columns.colour: unknown field"),
        (
            "dataset: x\ncolumns: {id: a, date: b}\ndefault: {category: weather}",
            r"default: unknown category 'weather'",
        ),
        ("dataset: UCDP!\ncolumns: {id: a, date: b}", r"dataset: a name of lower-case"),
        ("- just\n- a list", r"file: not a mapping"),
    ],
)
def test_a_bad_mapping_file_is_refused_naming_the_key(tmp_path, analyst, text, message):
    mapping = tmp_path / "map.yaml"
    mapping.write_text(text, encoding="utf-8")
    data = write_ucdp(tmp_path / "ged.csv", [ucdp_row(1)])
    with pytest.raises(ImportFailed, match=rf"map.yaml: {message}"):
        run(data, "csv", analyst, mapping=mapping)


def test_a_geojson_file_with_a_mapping_takes_its_points(tmp_path, analyst):
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "dataset: partner-points\ncolumns: {id: ref, date: day, narrative: note}\n"
        "default: {category: humanitarian_access, subtype: convoy_blocked}\n",
        encoding="utf-8",
    )
    features = [
        {
            "type": "Feature",
            "properties": {"ref": n, "day": f"2024-05-0{n}", "note": "Convoy stopped"},
            "geometry": {"type": "Point", "coordinates": [46.75, 39.75 + n / 100]},
        }
        for n in (1, 2)
    ]
    features.append(
        {
            "type": "Feature",
            "properties": {"ref": 3, "day": "2024-05-03"},
            "geometry": {"type": "Point", "coordinates": [46.75, 95]},
        }
    )
    data = tmp_path / "points.geojson"
    data.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    _summary, problems = run(data, "geojson", analyst, mapping=mapping)
    assert problems == [f"{data}:feature 3: latitude: 95 is outside -90..90"]
    point = Observation.objects.get(dataset="partner-points", original_id="2")
    assert (point.latitude, point.longitude, point.subtype.slug) == (39.77, 46.75, "convoy_blocked")


def test_memory_does_not_grow_with_the_file(tmp_path, analyst):
    import gc
    import tracemalloc

    def peak(rows: int) -> int:
        path = write_ucdp(tmp_path / f"ged{rows}.csv", [ucdp_row(n) for n in range(rows)])
        Observation.objects.all().delete()
        gc.collect()
        tracemalloc.start()
        try:
            run(path, "ucdp", analyst, batch_size=250)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(1_000), peak(10_000)
    assert Observation.objects.count() == 10_000
    # Ten times the rows: a peak that grew with the file would be several times larger.
    assert large < 2 * small, (small, large)


def test_the_command_shows_its_progress_and_its_summary(tmp_path, analyst, capsys):
    path = write_ucdp(tmp_path / "ged.csv", [ucdp_row(n) for n in range(1, 2001)])
    assert main(["import", "ucdp", str(path), "--batch-size", "100"]) == 0
    captured = capsys.readouterr()
    assert f"{path}: 50% read" in captured.err
    summary, queued = captured.out.splitlines()
    assert summary == (
        f"{path}: ucdp-ged: 2000 created, 0 updated, 0 unchanged, 0 rejected (2000 rows)"
    )
    assert queued.startswith(f"{path}: proposing links and bringing statuses up to date is queued")
    assert main(["import", "ucdp", str(path), "--dry-run"]) == 0
    assert "dry run, nothing stored: ucdp-ged: 0 created, 0 updated, 2000 unchanged" in (
        capsys.readouterr().out
    )
