"""The lookup of a batch's stored rows (PostgreSQL: in the table of keys; SQLite: in the
observations' unique index): every stored key of the data set is found, and only those; and
how a prepared row is compared with its stored one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from abide.observations import original_keys, writing
from abide.observations.importer import (
    BATCH_SIZE,
    SQLITE_BATCH_SIZE,
    default_batch_size,
    lookups,
)
from abide.observations.models import Observation
from abide.observations.rows import Draft, ucdp_converter
from abide.observations.sources import open_source
from abide.observations.tests.helpers import stored
from abide.observations.tests.test_import import UCDP_HEADER, run, ucdp_row, write_ucdp
from abide.observations.tests.test_original_keys import keys
from abide.observations.writing import _stored_keys, write_batch

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


def test_a_batch_after_new_ones_that_holds_stored_keys_updates_them_and_creates_the_rest(
    tmp_path: Path, analyst
):
    # Stored first: 1, 2, 3 and 7. Then batches of three: [4 5 6] all new, so [7 8 9] is
    # written as new at once (PostgreSQL); 7 is refused as stored, and that batch is written
    # again as usual: 7 compared and updated, 8 and 9 created.
    run(write_ucdp(tmp_path / "first.csv", [ucdp_row(n) for n in (1, 2, 3, 7)]), "ucdp", analyst)
    again = [ucdp_row(n) for n in (4, 5, 6)] + [
        ucdp_row(7, latitude="39.9"),
        ucdp_row(8),
        ucdp_row(9),
    ]

    summary, problems = run(
        write_ucdp(tmp_path / "again.csv", again), "ucdp", analyst, batch_size=3
    )

    assert problems == []
    assert (summary.created, summary.updated, summary.unchanged) == (5, 1, 0)
    rows = Observation.objects.filter(dataset="ucdp-ged")
    assert sorted(rows.values_list("original_id", flat=True), key=int) == [
        str(n) for n in range(1, 10)
    ]
    assert rows.get(original_id="7").latitude == pytest.approx(39.9)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the table of keys is PostgreSQL's (SQLite: index)"
)
def test_after_a_batch_with_no_stored_key_the_next_is_written_without_a_lookup(
    tmp_path: Path, analyst
):
    path = write_ucdp(tmp_path / "new.csv", [ucdp_row(n) for n in range(1, 10)])

    with CaptureQueriesContext(connection) as queries:
        summary, problems = run(path, "ucdp", analyst, batch_size=3)

    assert problems == []
    assert summary.created == 9
    lookups = [q for q in queries.captured_queries if f"FROM {original_keys.TABLE}" in q["sql"]]
    assert len(lookups) == 1  # the first batch's; the two after it found nothing to look up
    stored_keys = sorted((key for dataset, key, _ in keys() if dataset == "ucdp-ged"), key=int)
    assert stored_keys == [str(n) for n in range(1, 10)]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="batches are written as new on PostgreSQL only"
)
def test_a_batch_written_as_new_that_breaks_a_rule_fails_and_stores_nothing(tmp_path: Path):
    draft = _draft(tmp_path, 41, casualties_best=-1)  # the database's check refuses it

    with CaptureQueriesContext(connection) as queries:
        with pytest.raises(IntegrityError), transaction.atomic():
            write_batch("ucdp-ged", [draft], expect_new=True)

    # Not taken for a stored key: not written again after a lookup.
    assert not [q for q in queries.captured_queries if original_keys.TABLE in q["sql"]]
    assert not Observation.objects.filter(dataset="ucdp-ged").exists()


def _draft(tmp_path: Path, event_id: int, **changes: object) -> Draft:
    """A draft of a UCDP row as the importer's converter makes it."""
    source = open_source(write_ucdp(tmp_path / "one.csv", [ucdp_row(event_id)]))
    try:
        draft = ucdp_converter(lookups(), "23.1")(next(source.records()).values)
    finally:
        source.close()
    draft.values.update(changes)
    return draft


def test_sqlite_commits_five_times_the_rows_of_postgresql_unless_told(db):
    # SQLite's commits write each touched page to its log: fewer, larger commits touch fewer.
    expected = SQLITE_BATCH_SIZE if connection.vendor == "sqlite" else BATCH_SIZE
    assert (BATCH_SIZE, SQLITE_BATCH_SIZE) == (5000, 25000)
    assert default_batch_size() == expected


def test_a_prepared_row_keeps_its_original_row_as_json_only_and_compares_it_as_before(db):
    convert = ucdp_converter(lookups(), "23.1")
    header = UCDP_HEADER.split(",")
    record = dict(zip(header, ucdp_row(5).split(","), strict=True))
    draft = convert(record)
    original = draft.values["original_row"]

    prepared = writing.prepare(draft, connection.vendor == "postgresql")

    assert "original_row" not in prepared.values  # no dictionary of the columns kept beside
    assert writing.value(prepared, "original_row") == original
    stored = {
        "5": {"id": 1, **prepared.values, "original_row": original, "actors": prepared.actors}
    }
    assert writing.plan([prepared], stored) == ([], [], 1)
    stored["5"]["original_row"] = {**original, "source_article": "another"}
    new, changed, unchanged = writing.plan([prepared], stored)
    assert (new, unchanged) == ([], 0)
    assert [(pk, columns) for pk, _, columns, _ in changed] == [(1, ["original_row"])]


def test_a_row_read_again_with_only_its_original_row_changed_is_updated(tmp_path: Path, analyst):
    run(write_ucdp(tmp_path / "first.csv", [ucdp_row(1), ucdp_row(2)]), "ucdp", analyst)
    header = UCDP_HEADER.split(",")
    changed = dict(zip(header, ucdp_row(2).split(","), strict=True))
    changed["source_article"] = "Second source"  # a column kept in the original row only

    summary, problems = run(
        write_ucdp(tmp_path / "again.csv", [ucdp_row(1), ",".join(changed.values())]),
        "ucdp",
        analyst,
    )

    assert problems == []
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    row = Observation.objects.get(dataset="ucdp-ged", original_id="2")
    assert row.original_row["source_article"] == "Second source"
    assert row.original_row["side_a"] == "Government of Azerbaijan"


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL keeps the original row as jsonb"
)
def test_sqlite_stores_the_original_row_as_compact_json(tmp_path: Path, analyst):
    run(write_ucdp(tmp_path / "rows.csv", [ucdp_row(1)]), "ucdp", analyst)

    with connection.cursor() as cursor:
        cursor.execute("SELECT original_row FROM observations_observation WHERE original_id = '1'")
        text = cursor.fetchone()[0]

    assert text.startswith('{"id":"1","relid":"","year":"2020",')
    assert json.loads(text) == Observation.objects.get(original_id="1").original_row
