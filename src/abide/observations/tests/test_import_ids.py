"""The importer takes its new rows' ids before writing them: each new row gets an id never
given before, after those of the rows already stored, and its own actors."""

from __future__ import annotations

from pathlib import Path

import pytest

from abide.audit.models import AuditEntry
from abide.observations.models import Observation, ObservationActor
from abide.observations.tests.helpers import stored
from abide.observations.tests.test_import import run, ucdp_row, write_ucdp

pytestmark = pytest.mark.usefixtures("starter_registry")


def militia_row(number: int, *, latitude: str = "39.8") -> str:
    """A UCDP row whose first side is a militia of its own."""
    return ucdp_row(number, latitude=latitude).replace(
        "Government of Azerbaijan", f"Militia {number}"
    )


def actor_names(observation: Observation) -> list[str]:
    return list(
        ObservationActor.objects.filter(observation=observation)
        .order_by("position")
        .values_list("name", flat=True)
    )


def test_new_rows_take_ids_never_given_before_each_with_its_own_actors(tmp_path: Path, analyst):
    deleted = stored()
    last_given = deleted.id
    deleted.delete()  # its id is not given again
    path = write_ucdp(tmp_path / "ged.csv", [militia_row(n) for n in range(1, 8)])

    summary, problems = run(path, "ucdp", analyst, batch_size=3)

    assert (summary.created, problems) == (7, [])
    rows = [Observation.objects.get(dataset="ucdp-ged", original_id=str(n)) for n in range(1, 8)]
    ids = [row.id for row in rows]
    assert ids == sorted(ids) and len(set(ids)) == 7 and ids[0] > last_given
    for number, row in enumerate(rows, 1):
        assert actor_names(row) == [f"Militia {number}", "Republic of Artsakh"]
    touched = [
        int(item["id"])
        for entry in AuditEntry.objects.filter(action="import").order_by("seq")
        for item in entry.touched
    ]
    assert touched == ids


def test_an_observation_recorded_between_two_imports_keeps_its_id(tmp_path: Path, analyst):
    run(write_ucdp(tmp_path / "first.csv", [militia_row(n) for n in range(1, 4)]), "ucdp", analyst)
    between = stored()
    second = [militia_row(1, latitude="39.9"), militia_row(2), *map(militia_row, range(4, 6))]

    summary, problems = run(write_ucdp(tmp_path / "second.csv", second), "ucdp", analyst)

    assert problems == []
    assert (summary.created, summary.updated, summary.unchanged) == (2, 1, 1)
    assert Observation.objects.get(pk=between.pk).original_id is None
    new = Observation.objects.filter(dataset="ucdp-ged", original_id__in=["4", "5"])
    assert sorted(row.id for row in new)[0] > between.id
    assert Observation.objects.get(dataset="ucdp-ged", original_id="1").latitude == 39.9
    assert Observation.objects.filter(dataset="ucdp-ged").count() == 5
    for row in new:
        assert actor_names(row) == [f"Militia {row.original_id}", "Republic of Artsakh"]
