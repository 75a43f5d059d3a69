"""Observations partitioned by month on PostgreSQL (range of ``observed_start``, UTC months).

Each month has its own table, ``observations_observation_pYYYY_MM``; a DEFAULT partition takes
any row whose month has none yet, so that no insert ever fails. The worker creates the months
ahead (:func:`create_months_ahead`, at its start and then daily); an import creates the
months of its rows before writing them (:func:`ensure_months`); a month created while the
DEFAULT partition holds rows of it takes those rows over. SQLite has one table: every function
here does nothing there.

The table's key in the database is (id, observed_start), as PostgreSQL requires the partition
key in every unique index; ids stay unique through their identity sequence, and Django still
knows observations by ``id``. See README, "Partitions".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django_tasks import TaskResultStatus, task

TABLE = "observations_observation"
DEFAULT_PARTITION = f"{TABLE}_default"
#: Months created ahead of the current one by the worker.
MONTHS_AHEAD = 3
#: Taken while partitions are created, so that two processes never create the same one.
_LOCK_KEY = 0x0AB1DE_0B5


def month_of(moment: dt.datetime | dt.date) -> dt.date:
    """The first day of the UTC month of ``moment``."""
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.UTC)
        moment = moment.date()
    return moment.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def partition_name(month: dt.date) -> str:
    return f"{TABLE}_p{month:%Y_%m}"


def is_partitioned(using: BaseDatabaseWrapper | None = None) -> bool:
    """Whether the observations table is partitioned (PostgreSQL after migration 0012)."""
    conn = using or connection
    if conn.vendor != "postgresql":
        return False
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [TABLE]
        )
        return cursor.fetchone() is not None


def existing_months(using: BaseDatabaseWrapper | None = None) -> set[dt.date]:
    """The months that have a partition of their own."""
    conn = using or connection
    prefix = f"{TABLE}_p"
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s)",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    return {
        dt.date(int(name[len(prefix) : len(prefix) + 4]), int(name[-2:]), 1)
        for name in names
        if name.startswith(prefix)
    }


def _bound(month: dt.date) -> str:
    return f"'{month.isoformat()} 00:00:00+00'"


def create_month(cursor: CursorWrapper, month: dt.date) -> None:
    """Create the partition of ``month``, taking over the rows the DEFAULT partition holds
    of it (PostgreSQL refuses a new partition while the DEFAULT one has rows of its range)."""
    name = partition_name(month)
    start, end = _bound(month), _bound(next_month(month))
    in_month = f"observed_start >= {start} AND observed_start < {end}"
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {DEFAULT_PARTITION} WHERE {in_month})")
    (strays,) = cursor.fetchone()
    if strays:
        cursor.execute(
            f"CREATE TEMPORARY TABLE abide_moving ON COMMIT DROP AS "
            f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE {in_month} RETURNING *) "
            f"SELECT * FROM moved"
        )
    cursor.execute(f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES FROM ({start}) TO ({end})")
    if strays:
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM abide_moving")
        cursor.execute("DROP TABLE abide_moving")


#: Months with a partition, by database, as this process saw them in committed
#: transactions: partitions are never dropped, so a batch whose months are all here asks the
#: catalogue nothing. (Noted once the transaction that saw them commits: a partition made in
#: a transaction rolled back is not noted.)
_seen_months: dict[str, set[dt.date]] = {}


def ensure_months(moments: Iterable[dt.datetime | dt.date]) -> list[dt.date]:
    """Give each month of ``moments`` its partition where it has none; the months created.
    Nothing on SQLite or an unpartitioned table. Runs in the caller's transaction if any."""
    if connection.vendor != "postgresql":
        return []
    wanted = {month_of(moment) for moment in moments}
    seen = _seen_months.setdefault(connection.settings_dict["NAME"], set())
    if wanted <= seen:
        return []
    existing = existing_months()
    transaction.on_commit(lambda: seen.update(existing))
    if wanted <= existing or not is_partitioned():
        return []
    created = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        for month in sorted(wanted - existing_months()):
            create_month(cursor, month)
            created.append(month)
    transaction.on_commit(lambda: seen.update(created))
    return created


def create_months_ahead(today: dt.date | None = None, months: int = MONTHS_AHEAD) -> list[dt.date]:
    """The worker's step: partitions for this month and the ``months`` after it, and for any
    month whose rows wait in the DEFAULT partition; the months created (none when all exist)."""
    if not is_partitioned():
        return []
    month = month_of(today or dt.datetime.now(dt.UTC))
    wanted = [month]
    for _ in range(months):
        wanted.append(next_month(wanted[-1]))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT date_trunc('month', observed_start AT TIME ZONE 'UTC')::date "
            f"FROM {DEFAULT_PARTITION}"
        )
        wanted += [row[0] for row in cursor.fetchall()]
    return ensure_months(wanted)


@task()
def keep_months_ahead() -> list[str]:
    """The worker's daily job: :func:`create_months_ahead`, then the same again tomorrow."""
    created = create_months_ahead()
    schedule_months_ahead(dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    return [month.isoformat() for month in created]


def schedule_months_ahead(when: dt.datetime) -> None:
    """Queue :func:`keep_months_ahead` for ``when``, unless it is queued already."""
    from django_tasks_db.models import DBTaskResult

    path = keep_months_ahead.module_path
    waiting = DBTaskResult.objects.filter(task_path=path, status=TaskResultStatus.READY)
    if not waiting.exists():
        keep_months_ahead.using(run_after=when).enqueue()
