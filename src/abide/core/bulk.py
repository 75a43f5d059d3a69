"""Writing many new rows at once by the database's fastest path: their keys taken ahead (so
that no query has to find the rows again), then ``COPY`` on PostgreSQL and one parameterised
``INSERT`` run for every row (``executemany``) on SQLite."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models


def table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def columns(names: Sequence[str]) -> str:
    return ", ".join(connection.ops.quote_name(name) for name in names)


def new_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` keys for new rows of ``model`` (an automatic integer key), taken before the
    rows are written, in ascending order as the database would give them. On SQLite, call it
    inside the transaction that writes them: it holds the write lock from its start
    (IMMEDIATE), so the keys after the largest ever given are free."""
    if count <= 0:
        return []
    name = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One row holding every key: thousands of rows of one key each cost more to fetch.
            cursor.execute(
                "SELECT array_agg(nextval(pg_get_serial_sequence(%s, %s))) "
                "FROM generate_series(1, %s)",
                [connection.ops.quote_name(name), model._meta.pk.column, count],
            )
            return sorted(cursor.fetchone()[0])
        # AUTOINCREMENT never gives a key again, even one whose row was deleted.
        cursor.execute(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"coalesce((SELECT max({connection.ops.quote_name(model._meta.pk.column)}) "
            f"FROM {table(model)}), 0))",
            [name],
        )
        last = cursor.fetchone()[0]
    return list(range(last + 1, last + 1 + count))


def insert_rows(name: str, names: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Insert ``rows`` (values of the columns ``names``, in that order, as the database takes
    them) into the table ``name`` (quoted); the other columns take their defaults."""
    rows = rows if isinstance(rows, list) else list(rows)
    if not rows:
        return
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {name} ({columns(names)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(names))
            cursor.executemany(f"INSERT INTO {name} ({columns(names)}) VALUES ({marks})", rows)
