"""The lookup of a batch's stored rows (PostgreSQL: in the table of keys; SQLite: in the
observations' unique index): every stored key of the data set is found, and only those."""

from __future__ import annotations

from pathlib import Path

import pytest

from abide.observations.models import Observation
from abide.observations.tests.helpers import stored
from abide.observations.tests.test_import import run, ucdp_row, write_ucdp
from abide.observations.writing import _stored_keys

pytestmark = pytest.mark.usefixtures("starter_registry")


def test_only_the_stored_keys_of_the_data_set_are_found(db):
    stored(dataset="ucdp-ged", original_id="5")
    stored(dataset="ucdp-ged", original_id="Ärzte-7")
    stored(dataset="acled", original_id="2")  # another data set's row, in every range

    assert _stored_keys("ucdp-ged", ["1", "9"]) == []
    assert _stored_keys("ucdp-ged", ["2", "3"]) == []  # acled's "2" is another key
    assert sorted(_stored_keys("ucdp-ged", ["1", "5", "9"])) == ["5"]
    assert sorted(_stored_keys("ucdp-ged", ["a", "Z", "Ärzte-7"])) == ["Ärzte-7"]
    assert _stored_keys("ucdp-ged", []) == []


def test_batches_mixing_stored_and_new_keys_update_nothing_twice_and_create_the_new(
    tmp_path: Path, analyst
):
    first = [ucdp_row(n) for n in (1, 2, 3, 10, 11, 12)]
    run(write_ucdp(tmp_path / "first.csv", first), "ucdp", analyst)
    # Batches of three: [1 2 3] all stored, [4 5 6] and [7 8 9] all new, [10 11 12] all
    # stored again.
    again = [ucdp_row(n) for n in range(1, 13)]

    summary, problems = run(
        write_ucdp(tmp_path / "again.csv", again), "ucdp", analyst, batch_size=3
    )

    assert problems == []
    assert (summary.created, summary.updated, summary.unchanged) == (6, 0, 6)
    keys = list(
        Observation.objects.filter(dataset="ucdp-ged").values_list("original_id", flat=True)
    )
    assert sorted(keys, key=int) == [str(n) for n in range(1, 13)]
