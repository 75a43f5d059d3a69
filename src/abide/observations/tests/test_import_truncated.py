"""A GeoJSON file that breaks off: the whole features before the break are stored (nothing
under --strict), the import run ends as failed, and the summary is printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from abide.audit.services import verify_log
from abide.cli import main
from abide.observations.importer import ImportFailed, import_file
from abide.observations.models import ImportRun, Observation

MAPPING = (
    "dataset: partner-points\ncolumns: {id: ref, date: day, narrative: note}\n"
    "default: {category: humanitarian_access, subtype: convoy_blocked}\n"
)


def truncated_geojson(tmp_path: Path, whole: int) -> tuple[Path, Path]:
    """``whole`` complete features, then one cut in the middle: the file ends there."""
    mapping = tmp_path / "map.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    features = [
        {
            "type": "Feature",
            "properties": {"ref": n, "day": "2024-05-01", "note": f"Convoy {n} stopped"},
            "geometry": {"type": "Point", "coordinates": [46.75, 39.75]},
        }
        for n in range(1, whole + 2)
    ]
    text = json.dumps({"type": "FeatureCollection", "features": features})
    cut = text.rindex('"note"')  # inside the last feature
    data = tmp_path / "points.geojson"
    data.write_text(text[:cut], encoding="utf-8")
    return data, mapping


@pytest.mark.django_db
def test_the_whole_features_before_the_break_are_stored_and_the_run_fails(tmp_path, analyst):
    data, mapping = truncated_geojson(tmp_path, whole=7)
    summary = import_file(data, "geojson", actor=analyst, mapping=mapping, batch_size=5)
    assert summary.broken.startswith(f"{data}: feature 8: unreadable JSON")
    assert (summary.created, summary.rows) == (7, 7)
    assert sorted(
        Observation.objects.filter(dataset="partner-points").values_list("original_id", flat=True)
    ) == [str(n) for n in range(1, 8)]
    (run,) = ImportRun.objects.all()
    assert (run.state, run.created, run.rows_done) == (ImportRun.State.FAILED, 7, 7)
    assert run.finished_at is not None
    assert verify_log().ok


@pytest.mark.django_db
def test_strict_stores_nothing_from_a_truncated_file(tmp_path, analyst):
    data, mapping = truncated_geojson(tmp_path, whole=3)
    with pytest.raises(ImportFailed, match="unreadable JSON"):
        import_file(data, "geojson", actor=analyst, mapping=mapping, strict=True)
    assert not Observation.objects.filter(dataset="partner-points").exists()
    assert not ImportRun.objects.filter(state=ImportRun.State.RUNNING).exists()


@pytest.mark.django_db
def test_the_command_prints_the_summary_and_exits_non_zero(tmp_path, analyst, capsys):
    data, mapping = truncated_geojson(tmp_path, whole=2)
    code = main(
        ["import", "geojson", str(data), "--mapping", str(mapping), "--as", analyst.username]
    )
    captured = capsys.readouterr()
    assert code == 1
    assert f"{data}: partner-points: 2 created, 0 updated, 0 unchanged, 0 rejected (2 rows)" in (
        captured.out
    )
    assert "the file breaks off; the 2 whole records before the break were imported" in (
        captured.err
    )
    assert "Traceback" not in captured.err
    assert ImportRun.objects.get().state == ImportRun.State.FAILED
