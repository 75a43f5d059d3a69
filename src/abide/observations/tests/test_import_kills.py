"""Imports of CSV and GeoJSON files killed with SIGKILL at random points leave whole batches
only, every stored row audited and counted by its run, the audit chain valid; the re-run ends
with exactly the rows of the files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from abide.audit.models import AuditEntry
from abide.core.tests.kills import assert_audit_log_intact, kill_at_random_points
from abide.observations.models import ImportRun, Observation

ROWS = 120
BATCH = 15
TIMES = 20

MAPPING = """\
dataset: {dataset}
columns: {{id: ref, date: day, latitude: lat, longitude: lon, narrative: note}}
default: {{category: humanitarian_access, subtype: convoy_blocked}}
"""


def ids_of(round_: int) -> list[str]:
    return [f"r{round_}-{n}" for n in range(1, ROWS + 1)]


def write_csv(path: Path, round_: int) -> Path:
    lines = ["ref,day,lat,lon,note"]
    lines += [
        f'{ref},2024-05-{1 + n % 28:02d},{39 + n / 1000:.4f},46.75,"Convoy stopped, {n}"'
        for n, ref in enumerate(ids_of(round_))
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_geojson(path: Path, round_: int) -> Path:
    features = [
        {
            "type": "Feature",
            "properties": {"ref": ref, "day": f"2024-05-{1 + n % 28:02d}", "note": "Convoy"},
            "geometry": {"type": "Point", "coordinates": [46.75, 39 + n / 1000]},
        }
        for n, ref in enumerate(ids_of(round_))
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def assert_consistent(dataset: str) -> None:
    """No half-stored rows: each stored row is counted by its run and named by an audit entry;
    a run is finished or (killed) running with whole batches done; the chain is valid."""
    runs = list(ImportRun.objects.filter(dataset=dataset))
    stored = set(Observation.objects.filter(dataset=dataset).values_list("id", flat=True))
    assert len(stored) == sum(run.created for run in runs), "rows not counted by their run"
    for run in runs:
        assert run.state in (ImportRun.State.RUNNING, ImportRun.State.FINISHED), run.state
        if run.state == ImportRun.State.RUNNING:
            assert run.rows_done % BATCH == 0, f"run {run.pk} stopped inside a batch"
            assert run.finished_at is None
        else:
            assert run.rows_done == ROWS, f"run {run.pk} finished after {run.rows_done} rows"
    audited = {
        int(item["id"])
        for touched in AuditEntry.objects.filter(
            action="import", object_type="observations.observation"
        ).values_list("touched", flat=True)
        for item in touched
    }
    assert stored <= audited, f"{len(stored - audited)} rows stored without an audit entry"
    assert_audit_log_intact()


def assert_complete(dataset: str, round_: int) -> None:
    assert_consistent(dataset)
    stored = set(Observation.objects.filter(dataset=dataset).values_list("original_id", flat=True))
    expected = {ref for done in range(round_ + 1) for ref in ids_of(done)}
    assert stored == expected, f"{len(stored)} rows, expected {len(expected)}"
    assert not ImportRun.objects.filter(dataset=dataset, state=ImportRun.State.RUNNING).exists()


@pytest.mark.parametrize(("kind", "write"), [("csv", write_csv), ("geojson", write_geojson)])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_killed_at_random_points_stays_consistent_and_the_rerun_completes_it(
    tmp_path, starter_registry, analyst, kind, write
):
    dataset = f"killed-{kind}"
    mapping = tmp_path / "map.yaml"
    mapping.write_text(MAPPING.format(dataset=dataset), encoding="utf-8")

    def command(round_: int) -> list[str]:
        path = tmp_path / f"round{round_}.{kind}"
        if not path.exists():
            write(path, round_)
        return [
            "import", kind, str(path), "--mapping", str(mapping),
            "--batch-size", str(BATCH), "--as", analyst.username,
        ]  # fmt: skip

    report = kill_at_random_points(
        command,
        times=TIMES,
        after_kill=lambda round_: assert_consistent(dataset),
        after_rerun=lambda round_: assert_complete(dataset, round_),
    )
    print(
        f"{kind}: {report.killed} killed mid-import, {report.finished_first} finished first, "
        f"window {report.window:.2f} s, seed {report.seed}"
    )
    assert report.rounds == TIMES
    assert report.killed >= TIMES // 2, "most kills should land inside the import"
