"""The keys of imported rows on PostgreSQL: (data set, original id) → observation, in one table.

PostgreSQL has no unique index across the partitions of the observations (each month's table
has its own, and each must hold the partition key, ``observed_start``). So an imported row's
key, looked up in the observations, is looked up in every month's index, and two rows of one
data set with the same original id but different months would not be refused. This table,
``observations_original_key``, holds each key once, with its primary key on (data set,
original id): the importer finds a batch's stored keys with one descent each, and a key
stored twice is refused by the database.

Triggers on the observations keep it, whoever writes (the importer's ``COPY``, Django's ORM,
SQL by hand): statement-level triggers with transition tables, one ``INSERT ... SELECT`` per
statement rather than one call per row; ``DELETE``, ``UPDATE`` (of the data set or the
original id) and ``TRUNCATE`` likewise. SQLite's single table has a unique index on (data
set, original id) that does both jobs: nothing here applies there.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

from abide.observations.partitions import TABLE as OBSERVATIONS

TABLE = "observations_original_key"

CREATE = [
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        dataset varchar(40) NOT NULL,
        original_id varchar(60) NOT NULL,
        observation_id bigint NOT NULL,
        PRIMARY KEY (dataset, original_id)
    )""",
    f"""CREATE OR REPLACE FUNCTION {TABLE}_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO {TABLE} (dataset, original_id, observation_id)
        SELECT dataset, original_id, id FROM added WHERE original_id IS NOT NULL;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION {TABLE}_removed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM {TABLE} k USING removed r
        WHERE k.dataset = r.dataset AND k.original_id = r.original_id AND k.observation_id = r.id;
        RETURN NULL;
    END $$""",
    # An update that changes a row's key: its old key goes, its new one comes (in that order,
    # so that two rows may swap keys in one statement).
    f"""CREATE OR REPLACE FUNCTION {TABLE}_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM {TABLE} k USING before b JOIN after a ON a.id = b.id
        WHERE (a.dataset, a.original_id) IS DISTINCT FROM (b.dataset, b.original_id)
          AND k.dataset = b.dataset AND k.original_id = b.original_id
          AND k.observation_id = b.id;
        INSERT INTO {TABLE} (dataset, original_id, observation_id)
        SELECT a.dataset, a.original_id, a.id FROM after a JOIN before b ON b.id = a.id
        WHERE (a.dataset, a.original_id) IS DISTINCT FROM (b.dataset, b.original_id)
          AND a.original_id IS NOT NULL;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION {TABLE}_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE {TABLE};
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER {TABLE}_added AFTER INSERT ON {OBSERVATIONS}
        REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_added()""",
    f"""CREATE TRIGGER {TABLE}_removed AFTER DELETE ON {OBSERVATIONS}
        REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_removed()""",
    f"""CREATE TRIGGER {TABLE}_changed AFTER UPDATE ON {OBSERVATIONS}
        REFERENCING OLD TABLE AS before NEW TABLE AS after
        FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_changed()""",
    f"""CREATE TRIGGER {TABLE}_emptied AFTER TRUNCATE ON {OBSERVATIONS}
        FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_emptied()""",
]

#: The keys of the rows already stored, the lowest id first where one key is held twice
#: (possible before this table: the partitions' unique index holds the month too).
FILL = f"""INSERT INTO {TABLE} (dataset, original_id, observation_id)
    SELECT dataset, original_id, id FROM {OBSERVATIONS}
    WHERE original_id IS NOT NULL ORDER BY id
    ON CONFLICT DO NOTHING"""

_EVENTS = ("added", "removed", "changed", "emptied")
DROP = [
    *(f"DROP TRIGGER IF EXISTS {TABLE}_{event} ON {OBSERVATIONS}" for event in _EVENTS),
    *(f"DROP FUNCTION IF EXISTS {TABLE}_{event}()" for event in _EVENTS),
    f"DROP TABLE IF EXISTS {TABLE}",
]


def create(connection: BaseDatabaseWrapper) -> None:
    """The table, filled with the keys already stored, and its triggers (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in DROP:
            cursor.execute(statement)
        cursor.execute(CREATE[0])
        cursor.execute(FILL)
        for statement in CREATE[1:]:
            cursor.execute(statement)


def drop(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in DROP:
            cursor.execute(statement)


def stored(cursor: CursorWrapper, dataset: str, keys: Sequence[str]) -> list[str]:
    """Those of ``keys`` stored for ``dataset`` (PostgreSQL): one descent of the table's
    primary key each."""
    cursor.execute(
        f"SELECT original_id FROM {TABLE} WHERE dataset = %s AND original_id = ANY(%s)",
        [dataset, list(keys)],
    )
    return [row[0] for row in cursor.fetchall()]
