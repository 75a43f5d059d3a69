"""Observations partitioned by month on PostgreSQL: where rows land, the months made ahead by
the worker and before an import's rows, rows moving between months, a month's query reading
one partition, and the migration carrying existing rows over. SQLite keeps one table."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from abide.compliance.models import Link
from abide.compliance.tests.test_linking import pledge
from abide.observations import partitions
from abide.observations.models import Comment, Observation
from abide.observations.tests.helpers import stored
from abide.observations.tests.test_import import run, ucdp_row, write_ucdp

pytestmark = pytest.mark.usefixtures("starter_registry")
postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only: SQLite has no partitions"
)
UTC = dt.UTC
FEB_2032 = dt.date(2032, 2, 1)


def _partition_of(observation: Observation) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tableoid::regclass::text FROM {partitions.TABLE} WHERE id = %s",
            [observation.pk],
        )
        return cursor.fetchone()[0]


def _at(year: int, month: int, day: int = 15) -> dt.datetime:
    return dt.datetime(year, month, day, 12, tzinfo=UTC)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only: this run uses PostgreSQL")
def test_sqlite_keeps_one_table_and_makes_no_partitions(db):
    assert partitions.is_partitioned() is False
    assert partitions.ensure_months([_at(2031, 1)]) == []
    assert partitions.create_months_ahead() == []
    assert stored(observed_start=_at(2031, 1)).pk


@postgresql
def test_the_table_is_partitioned_by_range_of_its_start_with_a_default_partition(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.partstrat, a.attname FROM pg_partitioned_table p "
            "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
            "WHERE p.partrelid = %s::regclass",
            [partitions.TABLE],
        )
        assert cursor.fetchall() == [("r", "observed_start")]
        cursor.execute(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = %s::regclass "
            "AND inhrelid = %s::regclass",
            [partitions.TABLE, partitions.DEFAULT_PARTITION],
        )
        assert cursor.fetchone() == (1,)
        # No foreign key of another table to it: each would need a unique key on id alone.
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE confrelid = %s::regclass",
            [partitions.TABLE],
        )
        assert cursor.fetchone() == (0,)


@postgresql
def test_rows_land_in_their_months_partition_or_else_the_default_one(db):
    assert partitions.ensure_months([_at(2030, 3)]) == [dt.date(2030, 3, 1)]
    in_march = stored(observed_start=_at(2030, 3, 31))
    in_april = stored(observed_start=_at(2030, 4, 1))
    assert _partition_of(in_march) == f"{partitions.TABLE}_p2030_03"
    assert _partition_of(in_april) == partitions.DEFAULT_PARTITION
    # The April partition, made later, takes its row over from the DEFAULT one; ids stay.
    assert partitions.ensure_months([_at(2030, 4)]) == [dt.date(2030, 4, 1)]
    assert _partition_of(in_april) == f"{partitions.TABLE}_p2030_04"
    assert Observation.objects.get(pk=in_april.pk).observed_start == _at(2030, 4, 1)


@postgresql
def test_the_workers_step_makes_the_months_ahead_once(db):
    made = partitions.create_months_ahead(today=dt.date(2031, 11, 20))
    assert made == [dt.date(2031, 11, 1), dt.date(2031, 12, 1), dt.date(2032, 1, 1), FEB_2032]
    assert partitions.create_months_ahead(today=dt.date(2031, 11, 20)) == []
    assert {dt.date(2032, 2, 1), dt.date(2031, 11, 1)} <= partitions.existing_months()


@postgresql
def test_the_worker_makes_this_months_partitions_at_start_and_queues_itself_daily(db, monkeypatch):
    # The worker closes stale connections between jobs: not the test's own.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    stray = stored(observed_start=_at(2029, 6))
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
    today = partitions.month_of(dt.datetime.now(UTC))
    assert today in partitions.existing_months()
    assert _partition_of(stray) == f"{partitions.TABLE}_p2029_06"
    waiting = DBTaskResult.objects.filter(
        task_path=partitions.keep_months_ahead.module_path, status=TaskResultStatus.READY
    )
    assert waiting.count() == 1 and waiting.get().run_after > dt.datetime.now(UTC)
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
    assert waiting.count() == 1


@postgresql
def test_an_import_spanning_months_without_partitions_makes_them_and_fills_them(tmp_path, analyst):
    months = ["1995-01-10", "1995-02-10", "1995-03-10"]
    assert not {dt.date(1995, m, 1) for m in (1, 2, 3)} & partitions.existing_months()
    path = write_ucdp(
        tmp_path / "ged.csv", [ucdp_row(n, start=start) for n, start in enumerate(months, 1)]
    )
    summary, problems = run(path, "ucdp", analyst)
    assert (summary.created, problems) == (3, [])
    by_month = {
        observation.observed_start.month: _partition_of(observation)
        for observation in Observation.objects.filter(dataset__startswith="ucdp")
    }
    assert by_month == {m: f"{partitions.TABLE}_p1995_0{m}" for m in (1, 2, 3)}


@postgresql
def test_a_months_query_reads_its_partition_only(db):
    partitions.ensure_months([_at(2030, 1), _at(2030, 2), _at(2030, 3)])
    query = Observation.objects.filter(
        observed_start__gte=_at(2030, 2, 1).replace(hour=0),
        observed_start__lt=_at(2030, 3, 1).replace(hour=0),
    )
    plan = query.explain()
    assert f"{partitions.TABLE}_p2030_02" in plan
    assert f"{partitions.TABLE}_p2030_01" not in plan
    assert f"{partitions.TABLE}_p2030_03" not in plan
    assert partitions.DEFAULT_PARTITION not in plan


@postgresql
def test_an_observation_moved_to_another_month_moves_partition_and_keeps_what_refers_to_it(
    db, analyst
):
    partitions.ensure_months([_at(2030, 5), _at(2030, 8)])
    observation = stored(observed_start=_at(2030, 5))
    Comment.objects.create(observation=observation, author=analyst, text="Seen from the ridge.")
    link = Link.objects.create(
        commitment=pledge(),
        observation=observation,
        state="candidate",
        bearing="undercuts",
        obligor_role="not_named",
    )
    observation.observed_start, observation.observed_end = _at(2030, 8), _at(2030, 8, 16)
    observation.save()
    assert _partition_of(observation) == f"{partitions.TABLE}_p2030_08"
    assert Observation.objects.filter(pk=observation.pk).count() == 1
    assert [c.text for c in observation.comments.all()] == ["Seen from the ridge."]
    assert Link.objects.get(pk=link.pk).observation_id == observation.pk
    # Django's on_delete still applies without the database's constraints: CASCADE.
    observation.delete()
    assert not Comment.objects.filter(observation_id=observation.pk).exists()
    assert not Link.objects.filter(pk=link.pk).exists()


@postgresql
def test_the_migration_carries_existing_rows_over_with_their_ids(db):
    migration = importlib.import_module(
        "abide.observations.migrations.0012_partition_observations_by_month"
    )
    rows = [stored(observed_start=_at(2012, month)) for month in (1, 7)]
    with connection.schema_editor() as editor:
        migration.unpartition(None, editor)
    assert partitions.is_partitioned() is False
    rows.append(stored(observed_start=_at(2013, 2)))
    with connection.schema_editor() as editor:
        migration.partition(None, editor)
    assert partitions.is_partitioned() is True
    assert [_partition_of(row) for row in rows] == [
        f"{partitions.TABLE}_p2012_01",
        f"{partitions.TABLE}_p2012_07",
        f"{partitions.TABLE}_p2013_02",
    ]
    assert {dt.date(2012, m, 1) for m in range(1, 13)} <= partitions.existing_months()
    later = stored(observed_start=_at(2013, 2))
    assert later.pk > max(row.pk for row in rows)  # the identity goes on after the old rows
