"""The day a stored time falls on, worked out by the database."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.functions import TruncDate


class Day(TruncDate):
    """The day of a time, in the current time zone (or ``tzinfo``). On SQLite, where a
    datetime is stored as text in the connection's zone (``YYYY-MM-DD HH:MM:SS``), a day in
    that zone is the text's first ten characters: read by SQLite itself instead of a Python
    function called for each row (a million rows: seconds). On PostgreSQL a day is cheaper to
    read than a time (no zone to attach in Python)."""

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        if settings.USE_TZ and self.get_tzname() != connection.timezone_name:
            return self.as_sql(compiler, connection, **extra)
        sql, params = compiler.compile(self.lhs)
        return f"substr({sql}, 1, 10)", list(params)
