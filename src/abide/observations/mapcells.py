"""The map's summary: counts of observations per base cell, category and day, for each viewer.

Zoomed out and unfiltered (or filtered only by category and period), the map's cells are sums
of these rows rather than a count of every observation in view. A base cell is the map's cell
at zoom ``MAX_ZOOM`` (``BASE`` degrees, 45/256): the cell of every lower zoom is ``2**(MAX_ZOOM
- zoom)`` base cells, aligned, so ``floor(latitude / cell)`` is exactly ``floor(floor(
latitude / BASE) / 2**(MAX_ZOOM - zoom))`` and the sums answer as the count would.

Two viewers are kept: ``every`` (all observations at their recorded point: what analysts, the
head of mission and administrators see) and ``public`` (public observations once corroborated
or verified, at their coarsened point, hidden ones left out: what the public sees), each point
computed as :mod:`abide.observations.mapdata` computes it. Observers and partners see sets of
their own (their reports) and are counted as before.

The rows stay exact: :func:`refresh_map_cells` recomputes the rows of the (viewer, cell, day)
keys a change touched from the observations, in the caller's transaction; every writer of one
observation calls it (the ``observation_changed`` signal, corrections with the old place,
deletions). An import, which writes thousands of rows a batch, only notes the days its batches
touched (:func:`mark_days`, in the batch's transaction) and counts those days again once, at
its end (:func:`catch_up`); while any day is noted the map counts the observations instead
(:func:`is_current`), so it is never wrong, and a run that dies leaves its days noted until
the next import or ``abide map rebuild`` (:func:`rebuild_map_cells`), which recomputes
everything.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Floor
from django.utils import timezone
from django.utils.translation import gettext as _

from abide.observations.access import PUBLISHED_STATUSES, can_import_observations
from abide.observations.days import Day
from abide.observations.models import MapCell, MapCellDay, Observation, Sensitivity
from abide.observations.public_place import with_public_point

#: The zoom whose map cells are the base cells; the table serves this zoom and those below.
MAX_ZOOM = 8
#: The side of a base cell in degrees: the map's cell at ``MAX_ZOOM`` (exact in binary).
BASE = 360.0 / 2**MAX_ZOOM / 8
#: Added to the cell numbers before dividing them, so that integer division floors.
OFFSET = 2**16
EVERY, PUBLIC = MapCell.Viewer.EVERY, MapCell.Viewer.PUBLIC
#: A public observation's recorded point is at most this far from its coarsened one.
PUBLIC_MARGIN = 0.5
#: Keys read or written per query (SQLite limits an expression's depth).
CHUNK = 150

Key = tuple[str, int, int, dt.date]


def _points(viewer: str, queryset: QuerySet[Observation]) -> tuple[QuerySet[Observation], str, str]:
    """The observations ``viewer`` sees among ``queryset``, with the names of their point."""
    if viewer == PUBLIC:
        queryset = with_public_point(
            queryset.filter(sensitivity=Sensitivity.PUBLIC, status__in=PUBLISHED_STATUSES)
        )
        return queryset, "public_latitude", "public_longitude"
    queryset = queryset.filter(latitude__isnull=False, longitude__isnull=False)
    return queryset, "latitude", "longitude"


def _aggregate(viewer: str, queryset: QuerySet[Observation]) -> Iterable[dict[str, Any]]:
    """Per base cell, category and day: count and sums of the points ``viewer`` sees."""
    rows, latitude, longitude = _points(viewer, queryset.order_by())
    return (
        rows.annotate(
            cell_y=Floor(F(latitude) / BASE),
            cell_x=Floor(F(longitude) / BASE),
            day=Day("observed_start"),
        )
        .values("cell_y", "cell_x", "category_id", "day")
        .annotate(n=Count("pk"), sum_latitude=Sum(latitude), sum_longitude=Sum(longitude))
        .order_by()
    )


def _key(viewer: str, row: dict[str, Any]) -> Key:
    return (viewer, int(row["cell_y"]), int(row["cell_x"]), _as_date(row["day"]))


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def keys_of(ids: Iterable[int]) -> set[Key]:
    """The keys of the observations ``ids`` as they are stored now (for both viewers)."""
    ids = list(ids)
    keys: set[Key] = set()
    for start in range(0, len(ids), 500):
        chunk = Observation.objects.filter(pk__in=ids[start : start + 500])
        for viewer in (EVERY, PUBLIC):
            keys.update(_key(viewer, row) for row in _aggregate(viewer, chunk))
    return keys


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _near(viewer: str, first: dt.date, last: dt.date, keys: list[Key]) -> Q:
    """Observations of the days ``first`` to ``last`` whose recorded point may fall in one of
    ``keys`` (of those days): the box around those cells, widened by the public rounding for
    the public. More than asked (each row found is kept only if its key is one of them), on
    the index of the time."""
    margin = (PUBLIC_MARGIN if viewer == PUBLIC else 0.0) + 1e-9
    rows = [y for _viewer, y, _x, _day in keys]
    columns = [x for _viewer, _y, x, _day in keys]
    return Q(
        observed_start__gte=_start_of(first),
        observed_start__lt=_start_of(last + dt.timedelta(days=1)),
        latitude__gte=min(rows) * BASE - margin,
        latitude__lt=(max(rows) + 1) * BASE + margin,
        longitude__gte=min(columns) * BASE - margin,
        longitude__lt=(max(columns) + 1) * BASE + margin,
    )


def _rows(viewer: str, found: Iterable[dict[str, Any]], wanted: set[Key] | None) -> list[MapCell]:
    cells = []
    for row in found:
        key = _key(viewer, row)
        if wanted is None or key in wanted:
            cells.append(
                MapCell(
                    viewer=viewer,
                    cell_y=key[1],
                    cell_x=key[2],
                    day=key[3],
                    category_id=row["category_id"],
                    count=row["n"],
                    sum_latitude=row["sum_latitude"],
                    sum_longitude=row["sum_longitude"],
                )
            )
    return cells


#: Keys of days at most this far apart are counted again by one query over the days between.
SPAN_GAP = dt.timedelta(days=3)


def _spans(keys: list[Key]) -> Iterable[tuple[dt.date, dt.date, list[Key]]]:
    """``keys`` in runs of near days: (first day, last day, the keys of those days)."""
    span: list[Key] = []
    for key in sorted(keys, key=lambda key: key[3]):
        if span and key[3] - span[-1][3] > SPAN_GAP:
            yield span[0][3], span[-1][3], span
            span = []
        span.append(key)
    if span:
        yield span[0][3], span[-1][3], span


def refresh_map_cells(keys: Iterable[Key]) -> int:
    """Recompute the rows of ``keys`` ((viewer, cell_y, cell_x, day)) from the observations:
    delete them and count them again, in one transaction. The number of rows written."""
    by_viewer: dict[str, list[Key]] = {}
    for key in set(keys):
        by_viewer.setdefault(key[0], []).append(key)
    written = 0
    with transaction.atomic():
        for viewer, viewer_keys in by_viewer.items():
            viewer_keys.sort()
            for start in range(0, len(viewer_keys), CHUNK):
                gone = Q(pk__in=[])
                for _viewer, y, x, day in viewer_keys[start : start + CHUNK]:
                    gone |= Q(cell_y=y, cell_x=x, day=day)
                MapCell.objects.filter(gone, viewer=viewer).delete()
            cells = []
            for first, last, span in _spans(viewer_keys):
                found = _aggregate(
                    viewer, Observation.objects.filter(_near(viewer, first, last, span))
                )
                cells += _rows(viewer, found, set(span))
            MapCell.objects.bulk_create(cells, batch_size=500)
            written += len(cells)
    return written


def refresh_observations(ids: Iterable[int], before: Iterable[Key] = ()) -> int:
    """Refresh the keys of the observations ``ids`` now and ``before`` (their old keys)."""
    return refresh_map_cells({*keys_of(ids), *before})


def mark_days(days: Iterable[dt.date]) -> None:
    """Note days whose cells an import changed (in the caller's transaction)."""
    MapCellDay.objects.bulk_create(
        [MapCellDay(day=day) for day in set(days)], ignore_conflicts=True, batch_size=1000
    )


def is_current() -> bool:
    """Whether the summary answers for every day (no day noted by an import is left)."""
    return not MapCellDay.objects.exists()


def _runs(days: Iterable[dt.date]) -> Iterable[tuple[dt.date, dt.date]]:
    """``days`` as runs of consecutive days: (first, last)."""
    run: list[dt.date] = []
    for day in sorted(set(days)):
        if run and day - run[-1] > dt.timedelta(days=1):
            yield run[0], run[-1]
            run = []
        run.append(day)
    if run:
        yield run[0], run[-1]


def catch_up() -> int:
    """Count again, in one transaction, the whole days that imports noted, and forget them.
    The number of rows written."""
    written = 0
    with transaction.atomic():
        days = list(MapCellDay.objects.values_list("day", flat=True))
        for first, last in _runs(days):
            MapCell.objects.filter(day__gte=first, day__lte=last).delete()
            period = Observation.objects.filter(
                observed_start__gte=_start_of(first),
                observed_start__lt=_start_of(last + dt.timedelta(days=1)),
            )
            for viewer in (EVERY, PUBLIC):
                written += _insert_counted(viewer, period)
            MapCellDay.objects.filter(day__gte=first, day__lte=last).delete()
    return written


def _insert_counted(viewer: str, queryset: QuerySet[Observation]) -> int:
    """Write the rows ``viewer`` sees among ``queryset``, counted and written by the database
    in one statement (an import's days hold many thousand cells). The number written."""
    sql, params = _aggregate(viewer, queryset).query.sql_with_params()
    quote = connection.ops.quote_name
    names = ("cell_y", "cell_x", "category_id", "day")
    columns = ", ".join(
        quote(name) for name in ("viewer", *names, "count", "sum_latitude", "sum_longitude")
    )
    found = ", ".join(
        f"found.{quote(name)}" for name in (*names, "n", "sum_latitude", "sum_longitude")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(MapCell._meta.db_table)} ({columns}) "
            f"SELECT %s, {found} FROM ({sql}) found",
            [viewer, *params],
        )
        return cursor.rowcount


def rebuild_map_cells(*, actor: Any, progress: Callable[[dt.date, int], None] | None = None) -> int:
    """Recompute every row, a month of observations at a time (``progress(first day of the
    month, rows so far)`` after each), in one transaction. Those who import observations
    only (analysts, the head of mission, administrators). The number of rows written."""
    if actor is not None and not can_import_observations(actor):
        raise PermissionDenied(_("only those who import observations may rebuild the map"))
    with transaction.atomic():
        return _rebuild(progress)


def _rebuild(progress: Callable[[dt.date, int], None] | None) -> int:
    MapCell.objects.all().delete()
    MapCellDay.objects.all().delete()
    bounds = Observation.objects.order_by("observed_start").values_list("observed_start", flat=True)
    first, last = bounds.first(), bounds.last()
    if first is None:
        return 0
    first, last = timezone.localtime(first).date(), timezone.localtime(last).date()
    month = first.replace(day=1)
    written = 0
    while month <= last:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        period = Observation.objects.filter(
            observed_start__gte=_start_of(month), observed_start__lt=_start_of(following)
        )
        for viewer in (EVERY, PUBLIC):
            cells = _rows(viewer, _aggregate(viewer, period), None)
            MapCell.objects.bulk_create(cells, batch_size=1000)
            written += len(cells)
        if progress is not None:
            progress(month, written)
        month = following
    return written


def serves(zoom: int) -> bool:
    return zoom <= MAX_ZOOM


def summed_cells(
    viewer: str,
    *,
    zoom: int,
    rows: tuple[int, int],
    columns: tuple[int, int],
    category_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[MapCell]:
    """The map's cells at ``zoom`` numbered ``rows`` (first, last) by ``columns`` (first, last;
    first > last across the date line), summed in SQL from the base cells: each with
    ``category_id``, ``count``, ``cell_latitude`` and ``cell_longitude`` (sums)."""
    factor = 2 ** (MAX_ZOOM - zoom)
    cells = MapCell.objects.filter(
        viewer=viewer,
        cell_y__gte=rows[0] * factor,
        cell_y__lt=(rows[1] + 1) * factor,
    )
    west, east = columns[0] * factor, (columns[1] + 1) * factor
    if columns[0] <= columns[1]:
        cells = cells.filter(cell_x__gte=west, cell_x__lt=east)
    else:
        cells = cells.filter(Q(cell_x__gte=west) | Q(cell_x__lt=east))
    if category_id is not None:
        cells = cells.filter(category_id=category_id)
    if since is not None:
        cells = cells.filter(day__gte=since)
    if until is not None:
        cells = cells.filter(day__lte=until)
    whole = IntegerField()
    return (
        cells.annotate(
            grid_y=(F("cell_y") + OFFSET) / factor, grid_x=(F("cell_x") + OFFSET) / factor
        )
        .values("grid_y", "grid_x", "category_id")
        .annotate(
            total=Sum("count", output_field=whole),
            latitudes=Sum("sum_latitude"),
            longitudes=Sum("sum_longitude"),
        )
        .order_by()
    )


def cell_number(degrees: float, cell: float) -> int:
    return math.floor(degrees / cell)
