"""The table of imported rows' keys on PostgreSQL: kept by the database whoever writes the
observations, a key held once across every month's partition, filled by its migration, and
read by the importer; and when a PostgreSQL import brings the planner's statistics up to date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction

from abide.observations import original_keys, partitions
from abide.observations.models import Observation
from abide.observations.tests.helpers import stored
from abide.observations.tests.test_import import run, ucdp_row, write_ucdp
from abide.observations.writing import Statistics

pytestmark = [
    pytest.mark.usefixtures("starter_registry"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: SQLite's one table has a unique (data set, original id) index",
    ),
]


def _at(year: int, month: int) -> dt.datetime:
    return dt.datetime(year, month, 15, 12, tzinfo=dt.UTC)


def keys() -> set[tuple[str, str, int]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT dataset, original_id, observation_id FROM {original_keys.TABLE}")
        return set(cursor.fetchall())


def test_every_write_of_the_observations_keeps_the_keys(db):
    partitions.ensure_months([_at(2030, 5), _at(2030, 8)])
    first = stored(dataset="ucdp-ged", original_id="7", observed_start=_at(2030, 5))
    second = stored(dataset="acled", original_id="AZE7", observed_start=_at(2030, 5))
    stored()  # a report of the mission's own: no original id, no key
    assert keys() == {("ucdp-ged", "7", first.pk), ("acled", "AZE7", second.pk)}

    # Moved to another month (another partition): the key stays, on the same id.
    first.observed_start, first.observed_end = _at(2030, 8), _at(2030, 8) + dt.timedelta(hours=1)
    first.save()
    assert ("ucdp-ged", "7", first.pk) in keys()

    # The key itself changed: the old one goes, the new one comes.
    Observation.objects.filter(pk=first.pk).update(original_id="8")
    assert keys() == {("ucdp-ged", "8", first.pk), ("acled", "AZE7", second.pk)}

    # Two rows swap their keys in one statement.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {partitions.TABLE} SET dataset = CASE id WHEN %s THEN 'acled' "
            "ELSE 'ucdp-ged' END, original_id = CASE id WHEN %s THEN 'AZE7' ELSE '8' END "
            "WHERE id IN (%s, %s)",
            [first.pk, first.pk, first.pk, second.pk],
        )
    assert keys() == {("acled", "AZE7", first.pk), ("ucdp-ged", "8", second.pk)}

    Observation.objects.filter(pk=first.pk).delete()
    assert keys() == {("ucdp-ged", "8", second.pk)}

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no check left pending: TRUNCATE
        cursor.execute(f"TRUNCATE {partitions.TABLE} CASCADE")
    assert keys() == set()


def test_a_key_is_refused_twice_even_in_another_months_partition(db):
    partitions.ensure_months([_at(2031, 1), _at(2031, 6)])
    stored(dataset="ucdp-ged", original_id="42", observed_start=_at(2031, 1))

    with pytest.raises(IntegrityError), transaction.atomic():
        stored(dataset="ucdp-ged", original_id="42", observed_start=_at(2031, 6))

    assert Observation.objects.filter(dataset="ucdp-ged", original_id="42").count() == 1
    # The same original id in another data set is another key.
    stored(dataset="acled", original_id="42", observed_start=_at(2031, 6))


def test_the_migration_fills_the_keys_already_stored_keeping_the_lowest_id_of_a_twice_held_key(
    db,
):
    partitions.ensure_months([_at(2032, 1), _at(2032, 2)])
    original_keys.drop(connection)
    first = stored(dataset="ucdp-ged", original_id="1", observed_start=_at(2032, 1))
    again = stored(dataset="ucdp-ged", original_id="1", observed_start=_at(2032, 2))
    other = stored(dataset="ucdp-ged", original_id="2", observed_start=_at(2032, 2))
    assert again.pk > first.pk

    original_keys.create(connection)

    assert keys() == {("ucdp-ged", "1", first.pk), ("ucdp-ged", "2", other.pk)}
    later = stored(dataset="ucdp-ged", original_id="3", observed_start=_at(2032, 1))
    assert ("ucdp-ged", "3", later.pk) in keys()  # the triggers are back


def test_an_import_finds_its_stored_rows_through_the_keys_in_any_month(tmp_path: Path, analyst):
    rows = [ucdp_row(n) for n in (1, 2, 3)]
    run(write_ucdp(tmp_path / "first.csv", rows), "ucdp", analyst)
    stored_ids = dict(
        Observation.objects.filter(dataset="ucdp-ged").values_list("original_id", "id")
    )
    assert {(k, i) for _, k, i in keys()} == set(stored_ids.items())

    # Row 2 moves to another year; row 3 was deleted meanwhile: updated, and made again.
    Observation.objects.filter(pk=stored_ids["3"]).delete()
    moved = ucdp_row(2, start="2031-06-01")
    summary, problems = run(
        write_ucdp(tmp_path / "again.csv", [rows[0], moved, rows[2]]), "ucdp", analyst
    )

    assert problems == []
    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, 1)
    after = dict(Observation.objects.filter(dataset="ucdp-ged").values_list("original_id", "id"))
    assert after["1"] == stored_ids["1"] and after["2"] == stored_ids["2"]
    assert after["3"] != stored_ids["3"]
    assert Observation.objects.get(pk=after["2"]).observed_start.year == 2031
    assert {(k, i) for _, k, i in keys()} == set(after.items())


def test_an_import_analyses_only_when_the_rows_written_outnumber_those_known_before(db):
    partitions.ensure_months([_at(2033, 3)])
    for n in range(5):
        stored(dataset="ucdp-ged", original_id=str(n), observed_start=_at(2033, 3))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {partitions.TABLE}")
    analyses: list[str] = []

    def spy(execute, sql, params, many, context):
        if sql.startswith("ANALYZE"):
            analyses.append(sql)
        return execute(sql, params, many, context)

    statistics = Statistics()
    assert statistics.at_last == 5  # what the planner knew of when the import began
    with connection.execute_wrapper(spy):
        statistics.wrote(999)
        assert analyses == []  # never fewer than 1,000 rows between two analyses
        statistics.wrote(1)
        assert len(analyses) == 3  # the observations' lookup columns, the actors, the keys
        assert any(original_keys.TABLE in sql for sql in analyses)
        statistics.wrote(1004)
        assert len(analyses) == 3  # 1,005 known now: the next after 1,005 more
        statistics.wrote(1)
        assert len(analyses) == 6
