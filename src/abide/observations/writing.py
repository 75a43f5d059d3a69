"""Writing a batch of imported rows: new rows inserted in bulk, changed rows updated.

Inserts take the database's fastest path (``executemany`` on SQLite, ``COPY`` on PostgreSQL);
rows already stored under the same (data set, original id) are compared and updated only
where they differ. Callers hold the transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from abide.core import bulk
from abide.observations import mapcells, original_keys, partitions
from abide.observations.models import Observation, ObservationActor
from abide.observations.rows import Draft

#: Values of the columns that imported rows leave alone.
DEFAULTS = {
    "geonameid": None,
    "reported_by_id": None,
    "client_key": "",
    "reliability": "",
    "credibility": None,
    "patrol_id": None,
    "event_id": None,
}

#: The columns compared to tell an updated row from an unchanged one (not the timestamps).
_SKIP = {"id", "created_at", "updated_at", *DEFAULTS}
COMPARED = tuple(f.attname for f in Observation._meta.concrete_fields if f.attname not in _SKIP)
INSERTED = tuple(f.attname for f in Observation._meta.concrete_fields if f.attname != "id")
ACTOR_COLUMNS = ("observation_id", "party_id", "name", "attribution", "position")


@dataclass
class BatchResult:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0


def _stored_keys(dataset: str, keys: Sequence[str]) -> list[str]:
    """Those of ``keys`` stored for ``dataset``: one query with one parameter for the keys
    (a new file's batches find none). On PostgreSQL it reads the table of keys beside the
    partitioned observations (:mod:`abide.observations.original_keys`), one descent of one
    index per key; on SQLite, the observations' unique (data set, original id) index."""
    if not keys:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return original_keys.stored(cursor, dataset, keys)
        cursor.execute(
            f"SELECT original_id FROM {bulk.table(Observation)} WHERE dataset = %s "
            "AND original_id IN (SELECT value FROM json_each(%s))",
            [dataset, json.dumps(list(keys))],
        )
        return [row[0] for row in cursor.fetchall()]


def existing_rows(dataset: str, keys: Sequence[str]) -> dict[str, dict]:
    """The stored rows of ``dataset`` with these original ids: their compared values and
    actors, by original id."""
    if not keys:
        return {}
    keys = _stored_keys(dataset, keys)
    if not keys:
        return {}
    rows = {
        row["original_id"]: row
        for row in Observation.objects.filter(dataset=dataset, original_id__in=keys)
        .order_by()
        .values("id", *COMPARED)
    }
    if rows:
        ids = {row["id"]: row for row in rows.values()}
        for row in ids.values():
            row["actors"] = []
        for actor in (
            ObservationActor.objects.filter(observation_id__in=ids)
            .order_by("observation_id", "position")
            .values_list("observation_id", "party_id", "name", "attribution")
        ):
            ids[actor[0]]["actors"].append(actor[1:])
    return rows


def plan(drafts: Sequence[Draft], stored: dict[str, dict]) -> tuple[list, list, int]:
    """Split ``drafts`` into new ones, (id, draft, changed columns) to update, and the count
    of unchanged ones."""
    new, changed, unchanged = [], [], 0
    for draft in drafts:
        row = stored.get(draft.key)
        if row is None:
            new.append(draft)
            continue
        columns = [name for name in COMPARED if row[name] != value(draft, name)]
        actors_differ = row["actors"] != list(draft.actors)
        if columns or actors_differ:
            changed.append((row["id"], draft, columns, actors_differ))
        else:
            unchanged += 1
    return new, changed, unchanged


_DATETIMES = frozenset(
    f.attname for f in Observation._meta.concrete_fields if f.get_internal_type() == "DateTimeField"
)
#: The columns a draft gives, in the order of :data:`INSERTED`, then the defaults, then the
#: two timestamps; the key, taken ahead (:func:`abide.core.bulk.new_ids`), before them all.
_DRAFT_COLUMNS = tuple(name for name in INSERTED if name not in DEFAULTS and name not in _SKIP)
_DEFAULT_VALUES = tuple(DEFAULTS[name] for name in INSERTED if name in DEFAULTS)
_ORDER = (
    "id",
    *_DRAFT_COLUMNS,
    *(name for name in INSERTED if name in DEFAULTS),
    "created_at",
    "updated_at",
)


@lru_cache(maxsize=8192)
def _sqlite_datetime(value: dt.datetime) -> str:
    """A datetime as Django stores it in SQLite: naive UTC, ISO with a space."""
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


@lru_cache(maxsize=2)
def _adapters(postgres: bool) -> tuple[tuple[int, object], ...]:
    """(position in a draft's row, function) for each value the database wants adapted."""
    adapted = [(_DRAFT_COLUMNS.index("original_row"), _json)]
    if not postgres:
        adapted += [
            (_DRAFT_COLUMNS.index(name), _sqlite_datetime)
            for name in _DATETIMES
            if name in _DRAFT_COLUMNS
        ]
    return tuple(adapted)


_TAKE = itemgetter(*_DRAFT_COLUMNS)


_ORIGINAL = _DRAFT_COLUMNS.index("original_row")


def prepare(draft: Draft, postgres: bool) -> Draft:
    """Work out ``draft``'s row as a new row is written (the values of :data:`_DRAFT_COLUMNS`,
    adapted for the database, the original row as JSON): done where the rows are read, ahead
    of the writes (:func:`abide.core.ahead.read_ahead`), it is not done while they wait.
    The original row is kept as that JSON only: a batch of a file's rows held twice, as
    dictionaries of their columns and as text, is a few hundred megabytes."""
    row = list(_TAKE(draft.values))
    for position, adapt in _adapters(postgres):
        row[position] = adapt(row[position])
    draft.row = row
    del draft.values["original_row"]
    return draft


def value(draft: Draft, name: str) -> object:
    """``draft``'s value of the column ``name`` (its original row read back from the JSON
    once it is prepared)."""
    if name == "original_row" and draft.row is not None:
        return json.loads(draft.row[_ORIGINAL])
    return draft.values[name]


def _rows(drafts: Sequence[Draft], ids: Sequence[int], now: dt.datetime) -> list[list]:
    """The drafts' values, each after its id, in the order of :data:`_ORDER`, adapted for the
    database."""
    postgres = connection.vendor == "postgresql"
    stamp = now if postgres else _sqlite_datetime(now)
    tail = [*_DEFAULT_VALUES, stamp, stamp]
    rows = []
    for pk, draft in zip(ids, drafts, strict=True):
        if draft.row is None:
            prepare(draft, postgres)
        rows.append([pk, *draft.row, *tail])
    return rows


def _json(value: object) -> str:
    """``value`` as JSON text, without the spaces after separators (a row's thirty columns:
    sixty bytes fewer to write)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_batch(dataset: str, drafts: Sequence[Draft], *, expect_new: bool = False) -> BatchResult:
    """Store ``drafts`` (distinct original ids) of ``dataset``, and note the days of the map's
    summary they change (counted again at the end of the import); the caller's transaction.

    With ``expect_new`` (PostgreSQL; the importer asks for it after a batch that found none of
    its keys stored), the rows are first written as new without looking their keys up, under a
    savepoint: should one of them be stored already, the database refuses it (the table of
    keys is unique), the savepoint is rolled back and the batch is written as usual."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        # A batch lost to a server crash is lost with its resume point (the same
        # transaction), and the next run writes it again: no need to wait for the disk.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        if expect_new:
            try:
                with transaction.atomic():
                    return _write(list(drafts), [], 0)
            except IntegrityError as exc:
                if not _already_stored(exc):
                    raise
    stored = existing_rows(dataset, [draft.key for draft in drafts])
    return _write(*plan(drafts, stored))


def _already_stored(error: IntegrityError) -> bool:
    """Whether ``error`` is a key already stored (a unique violation), not a broken rule."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == "23505"


def _write(new: list[Draft], changed: list, unchanged: int) -> BatchResult:
    result = BatchResult(unchanged=unchanged)
    now = timezone.now()
    starts = _starts(new)
    changed_starts = _starts(draft for _, draft, *_ in changed)
    # PostgreSQL: each month its partition before its rows arrive (else the DEFAULT one).
    partitions.ensure_months(starts | changed_starts)
    if new:
        result.created = bulk.new_ids(Observation, len(new))
        bulk.insert_rows(bulk.table(Observation), _ORDER, _rows(new, result.created, now))
        bulk.insert_rows(
            bulk.table(ObservationActor),
            ACTOR_COLUMNS,
            [
                (pk, party, name, attribution, position)
                for pk, draft in zip(result.created, new, strict=True)
                for position, (party, name, attribution) in enumerate(draft.actors)
            ],
        )
    days = {timezone.localtime(start).date() for start in starts}
    if changed:
        days.update(
            timezone.localtime(start).date()
            for start in Observation.objects.filter(pk__in=[pk for pk, *_ in changed])
            .order_by()
            .values_list("observed_start", flat=True)
        )
        days.update(timezone.localtime(start).date() for start in changed_starts)
        _update(changed, now)
        result.updated = [pk for pk, *_ in changed]
    if days:  # the map counts these days again at the end of the import
        mapcells.mark_days(days)
    return result


def _starts(drafts: Iterable[Draft]) -> set[dt.datetime]:
    """The distinct times the drafts start (a batch has far fewer than rows)."""
    return {draft.values["observed_start"] for draft in drafts}


def _update(changed: list, now: object) -> None:
    by_columns: dict[tuple[str, ...], list[Observation]] = {}
    for pk, draft, columns, _ in changed:
        if columns:
            values = {name: value(draft, name) for name in columns}
            by_columns.setdefault(tuple(columns), []).append(
                Observation(id=pk, updated_at=now, **values)
            )
    for columns, objects in by_columns.items():
        Observation.objects.bulk_update(objects, [*columns, "updated_at"])
    renewed = [(pk, draft) for pk, draft, _, actors_differ in changed if actors_differ]
    if renewed:
        ObservationActor.objects.filter(observation_id__in=[pk for pk, _ in renewed]).delete()
        bulk.insert_rows(
            bulk.table(ObservationActor),
            ACTOR_COLUMNS,
            [
                (pk, party, name, attribution, position)
                for pk, draft in renewed
                for position, (party, name, attribution) in enumerate(draft.actors)
            ],
        )


class Statistics:
    """Keeps PostgreSQL's planner statistics of the observations in step with a long import.

    A table that grew from nothing since it was last analysed looks, to the planner, as if it
    held no row of the data set being imported, which then reads every row of that data set
    on the (data set, original id) index for each batch's lookup (the table of keys' on
    PostgreSQL, then the observations' for the keys found). Analysing whenever the rows
    written since the last time outnumber those there were (at first: those the planner knew
    of when the import began) then costs a few analyses per import into an empty table
    (1,000, 2,000, 4,000 ... rows), and none until it has doubled into a table that holds
    rows already, and keeps every lookup on the index. (Each analysis of the observations
    visits every month's partition: 200,000 ACLED rows imported after as many UCDP rows spent
    8.7 s in analyses when they were counted from nothing, against 1.9 s into an empty
    table.) Only the two
    columns of that lookup are analysed, from a small sample (their values are few or all
    distinct): a full analysis reads a sample of 30,000 rows with their narratives and
    original rows, seconds each time; autovacuum analyses the whole table after the import.
    The actors and the table of keys are analysed whole (narrow rows; the actors serve the
    links proposed after an import). SQLite's planner needs none of this.
    """

    #: The sample of the lookup's columns: 300 times this many rows.
    SAMPLE_TARGET = 10

    def __init__(self) -> None:
        self.enabled = connection.vendor == "postgresql"
        self.at_last = self._known_rows() if self.enabled else 0
        self.written = 0

    @staticmethod
    def _known_rows() -> int:
        """The observations the planner knows of (its estimate, summed over the months)."""
        with connection.cursor() as cursor:
            cursor.execute(
                # The table's own count when it is one table; its partitions' when it has
                # them (a partitioned table's own count is theirs again).
                "SELECT coalesce(sum(greatest(c.reltuples, 0)), 0) FROM pg_class c "
                "WHERE (c.oid = %s::regclass AND c.relkind = 'r') OR c.oid IN "
                "(SELECT inhrelid FROM pg_inherits WHERE inhparent = %s::regclass)",
                [Observation._meta.db_table, Observation._meta.db_table],
            )
            return int(cursor.fetchone()[0])

    def wrote(self, rows: int) -> None:
        if not self.enabled:
            return
        self.written += rows
        if self.written >= max(1000, self.at_last):
            with connection.cursor() as cursor:
                cursor.execute(f"SET default_statistics_target TO {self.SAMPLE_TARGET}")
                try:
                    keys = bulk.columns(["dataset", "original_id"])
                    cursor.execute(f"ANALYZE {bulk.table(Observation)} ({keys})")
                finally:
                    cursor.execute("RESET default_statistics_target")
                cursor.execute(f"ANALYZE {bulk.table(ObservationActor)}")
                cursor.execute(f"ANALYZE {original_keys.TABLE}")
            self.at_last += self.written
            self.written = 0
