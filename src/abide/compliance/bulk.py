"""Updating many rows at once without the CASE expressions of Django's ``bulk_update`` (whose
building costs milliseconds a row): one parameterised statement run for every row
(``executemany``). New rows: :mod:`abide.core.bulk`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connections, models

#: Rows sent at once.
BATCH = 2000


def update_columns(
    model: type[models.Model], objects: Sequence[models.Model], fields: Iterable[str]
) -> None:
    """Write ``fields`` of each of ``objects`` (saved rows of ``model``) as they are in memory."""
    if not objects:
        return
    database = model.objects.db
    connection = connections[database]
    concrete = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in concrete)
    pk = model._meta.pk
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(pk.column)} = %s"
    with connection.cursor() as cursor:
        for first in range(0, len(objects), BATCH):
            cursor.executemany(
                sql,
                [
                    [
                        *(
                            field.get_db_prep_save(getattr(obj, field.attname), connection)
                            for field in concrete
                        ),
                        pk.get_db_prep_save(obj.pk, connection),
                    ]
                    for obj in objects[first : first + BATCH]
                ],
            )
