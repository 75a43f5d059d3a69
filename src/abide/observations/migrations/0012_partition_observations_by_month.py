"""Observations partitioned by month on PostgreSQL; nothing changes on SQLite.

In one transaction: the table is renamed, a partitioned table of the same columns takes its
name, gets a partition for every month its rows fall in (and the current month and those
ahead, and a DEFAULT partition), the rows are carried over, the old table dropped, and its
indexes and constraints made again under their names on the new one. PostgreSQL wants the
partition key in every unique index: the key becomes (id, observed_start), and each unique
constraint gains observed_start. Foreign keys from other tables to observations need a
unique constraint on id alone, which a partitioned table cannot have: they are dropped (their
indexes stay); Django's ``on_delete`` (CASCADE, PROTECT, SET_NULL), which abide relies on,
is Django's and not the database's, and works as before. See README, "Partitions".
"""

from __future__ import annotations

import re

from django.db import migrations

from abide.observations import partitions

TABLE = partitions.TABLE
OLD = f"{TABLE}_unpartitioned"


def _fetch(cursor, sql: str, params: list | None = None) -> list[tuple]:
    cursor.execute(sql, params or [])
    return cursor.fetchall()


def _with_key(definition: str) -> str:
    """A unique index's definition with observed_start added to its columns."""
    if "observed_start" in definition.split(" WHERE ")[0]:
        return definition
    return re.sub(r"\(([^()]*)\)", r"(\1, observed_start)", definition, count=1)


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        if partitions.is_partitioned(schema_editor.connection):
            return
        # Checks still deferred in this transaction are made now: the old table is dropped.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        incoming = _fetch(
            cursor,
            "SELECT conrelid::regclass::text, conname FROM pg_constraint "
            "WHERE confrelid = %s::regclass AND contype = 'f'",
            [TABLE],
        )
        constraints = _fetch(
            cursor,
            "SELECT conname, contype, pg_get_constraintdef(oid), conindid FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f')",
            [TABLE],
        )
        backing = {row[3] for row in constraints if row[1] in "pu"}
        indexes = _fetch(
            cursor,
            "SELECT indexrelid, pg_get_indexdef(indexrelid), indisunique FROM pg_index "
            "WHERE indrelid = %s::regclass",
            [TABLE],
        )
        bounds = _fetch(cursor, f"SELECT min(observed_start), max(observed_start) FROM {TABLE}")
        for table, name in incoming:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING IDENTITY "
            f"INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS) "
            f"PARTITION BY RANGE (observed_start)"
        )
        cursor.execute(f"CREATE TABLE {partitions.DEFAULT_PARTITION} PARTITION OF {TABLE} DEFAULT")
        low, high = bounds[0]
        months = set()
        if low is not None:
            month = partitions.month_of(low)
            while month <= partitions.month_of(high):
                months.add(month)
                month = partitions.next_month(month)
        for month in sorted(months):
            partitions.create_month(cursor, month)
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), "
            f"coalesce((SELECT max(id) FROM {OLD}), 0) + 1, false)"
        )
        cursor.execute(f"DROP TABLE {OLD}")
        for name, kind, definition, _ in constraints:
            if kind == "p":
                definition = "PRIMARY KEY (id, observed_start)"
            elif kind == "u":
                definition = _with_key(definition)
            cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')
        for oid, definition, _unique in indexes:
            if oid in backing:
                continue
            definition = definition.replace(f" ON public.{OLD} ", f" ON public.{TABLE} ")
            definition = definition.replace(f" ON {OLD} ", f" ON {TABLE} ")
            if _unique:
                definition = _with_key(definition)
            cursor.execute(definition)
    partitions.create_months_ahead()
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django's foreign keys are declared
        cursor.execute(f"ANALYZE {TABLE}")


def unpartition(apps, schema_editor):
    """Back to one table: the rows, indexes and constraints as before 0012, and the foreign
    keys of the other tables to it."""
    if schema_editor.connection.vendor != "postgresql":
        return
    connection = schema_editor.connection
    if not partitions.is_partitioned(connection):
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        constraints = _fetch(
            cursor,
            "SELECT conname, contype, pg_get_constraintdef(oid), conindid FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f')",
            [TABLE],
        )
        backing = {row[3] for row in constraints if row[1] in "pu"}
        indexes = _fetch(
            cursor,
            "SELECT indexrelid, pg_get_indexdef(indexrelid), indisunique FROM pg_index "
            "WHERE indrelid = %s::regclass",
            [TABLE],
        )
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING IDENTITY "
            f"INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS)"
        )
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), "
            f"coalesce((SELECT max(id) FROM {OLD}), 0) + 1, false)"
        )
        cursor.execute(f"DROP TABLE {OLD} CASCADE")
        key = ", observed_start"
        for name, kind, definition, _ in constraints:
            if kind == "p":
                definition = "PRIMARY KEY (id)"
            elif kind == "u":
                definition = definition.replace(key, "")
            cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')
        for oid, definition, unique in indexes:
            if oid in backing:
                continue
            definition = definition.replace(f" ON ONLY public.{OLD} ", f" ON public.{TABLE} ")
            definition = definition.replace(f" ON public.{OLD} ", f" ON public.{TABLE} ")
            if unique:
                definition = definition.replace(key, "")
            cursor.execute(definition)
        # The foreign keys of today's models (a later app's historical models may be missing
        # from this migration's state), on the tables that exist.
        existing = set(connection.introspection.table_names(cursor))
        for table, column in _references_to_observations():
            if table in existing:
                cursor.execute(
                    f'ALTER TABLE {table} ADD CONSTRAINT "{table[:40]}_{column}_fk_observation" '
                    f"FOREIGN KEY ({column}) REFERENCES {TABLE} (id) DEFERRABLE INITIALLY DEFERRED"
                )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _references_to_observations() -> list[tuple[str, str]]:
    """(table, column) of every foreign key to observations that has a database constraint."""
    from django.apps import apps as installed

    found = []
    for model in installed.get_models(include_auto_created=True):
        for field in model._meta.local_fields:
            if (
                field.is_relation
                and field.related_model is not None
                and field.related_model._meta.db_table == TABLE
                and field.db_constraint
            ):
                found.append((model._meta.db_table, field.column))
    return found


class Migration(migrations.Migration):
    # After the migrations that made the other tables' foreign keys to observations: each
    # needs a unique key on id alone, which a partitioned table cannot have. A foreign key to
    # Observation added later must be declared with db_constraint=False.
    dependencies = [
        ("observations", "0011_import_run_failed_state"),
        ("compliance", "0001_initial"),
        ("reports", "0001_initial"),
    ]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
