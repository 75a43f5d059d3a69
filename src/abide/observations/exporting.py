"""Observations out of abide: filtered, streamed as CSV or GeoJSON in constant memory.

Rows are read with ``QuerySet.iterator`` and written one at a time; the actors of each chunk
of rows come in one query. Nothing holds the whole export, so a million rows cost what a few
thousand do. ``public=True`` gives what may leave the mission: what everyone may see (public
observations, corroborated or verified), with places coarsened to their public precision.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, Literal, TextIO

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from abide.observations.access import get_observations_for
from abide.observations.filtering import FilterError, filter_observations
from abide.observations.models import (
    PUBLIC_HIDDEN_NAMES,
    Observation,
    ObservationActor,
    rounded_point,
)

__all__ = [
    "COLUMNS",
    "FORMATS",
    "FilterError",
    "export_observations",
    "filter_observations",
]

Format = Literal["csv", "geojson"]
FORMATS: tuple[Format, ...] = ("csv", "geojson")

#: Rows read from the database at a time, and the size of each batch of actors fetched.
CHUNK_SIZE = 2000

#: The columns of the CSV and the properties of each GeoJSON feature, in order.
COLUMNS = (
    "id",
    "observed_start",
    "observed_end",
    "time_precision",
    "reported_at",
    "latitude",
    "longitude",
    "place_precision",
    "country",
    "admin1",
    "admin2",
    "place_name",
    "category",
    "subtype",
    "direction",
    "casualties_low",
    "casualties_best",
    "casualties_high",
    "casualties_civilian",
    "casualties_combatant",
    "casualties_unknown",
    "actors",
    "narrative",
    "status",
    "reliability",
    "credibility",
    "sensitivity",
    "reporter_kind",
    "dataset",
    "dataset_version",
    "original_id",
    "event_id",
)

#: Separates the actors of one observation in the ``actors`` column.
ACTOR_SEPARATOR = "; "

#: The database fields read for each row: the columns, with the slugs of category and
#: sub-type, no actors (read per chunk), and the public precision. Never ``original_row``: it
#: stays inside abide.
_FIELDS = (
    *(
        {"category": "category__slug", "subtype": "subtype__slug"}.get(column, column)
        for column in COLUMNS
        if column != "actors"
    ),
    "public_precision",
)


def export_observations(
    queryset: QuerySet[Observation],
    out: TextIO,
    *,
    format: Format,
    public: bool = False,
) -> int:
    """Write the observations of ``queryset``, in its order, to ``out``; return how many.

    ``format`` is "csv" (a header row, then one row per observation) or "geojson" (a
    FeatureCollection, one Point feature per observation, ``null`` geometry where there are no
    coordinates). With ``public``, only what everyone may see is written (public observations,
    corroborated or verified), with coordinates rounded to their public precision (left out
    where it is "hidden") and the place names finer than it left out.
    """
    if format not in FORMATS:
        raise ValueError(
            _("unknown format %(format)r (choose from %(choices)s)")
            % {"format": format, "choices": ", ".join(FORMATS)}
        )
    counter = _Counter()
    for piece in _pieces(queryset, format=format, public=public, counter=counter):
        out.write(piece)
    return counter.count


def stream_observations(
    queryset: QuerySet[Observation], *, format: Format, public: bool = False
) -> Iterator[str]:
    """What :func:`export_observations` writes, as pieces of text (about 64 KB each): for a
    streamed HTTP response."""
    if format not in FORMATS:
        raise ValueError(
            _("unknown format %(format)r (choose from %(choices)s)")
            % {"format": format, "choices": ", ".join(FORMATS)}
        )
    buffered: list[str] = []
    size = 0
    for piece in _pieces(queryset, format=format, public=public, counter=_Counter()):
        buffered.append(piece)
        size += len(piece)
        if size >= STREAM_CHARS:
            yield "".join(buffered)
            buffered, size = [], 0
    if buffered:
        yield "".join(buffered)


#: Characters gathered before a piece of a streamed export is sent.
STREAM_CHARS = 64 * 1024


class _Counter:
    count = 0


def _pieces(
    queryset: QuerySet[Observation], *, format: Format, public: bool, counter: _Counter
) -> Iterator[str]:
    if public:
        queryset = queryset & get_observations_for(AnonymousUser())
    records = _records(queryset, public=public)
    if format == "csv":
        return _csv_pieces(records, counter)
    return _geojson_pieces(records, counter)


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _actors_of(ids: list[int]) -> dict[int, list[str]]:
    """The actors of these observations, in their order: the party's slug, else the name."""
    actors: dict[int, list[str]] = {}
    rows = (
        ObservationActor.objects.filter(observation_id__in=ids)
        .order_by("observation_id", "position", "id")
        .values_list("observation_id", "party__slug", "name")
    )
    for observation_id, party, name in rows:
        actors.setdefault(observation_id, []).append(party or name)
    return actors


def _records(queryset: QuerySet[Observation], *, public: bool) -> Iterator[dict[str, Any]]:
    """One dict per observation, keyed by ``COLUMNS``, ready to write."""
    rows = queryset.values(*_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    for chunk in _chunks(rows, CHUNK_SIZE):
        actors = _actors_of([row["id"] for row in chunk])
        for row in chunk:
            if public:
                row["latitude"], row["longitude"] = rounded_point(
                    row["latitude"], row["longitude"], row["public_precision"]
                )
                for name in PUBLIC_HIDDEN_NAMES.get(row["public_precision"], ()):
                    row[name] = ""
            row["category"] = row.pop("category__slug")
            row["subtype"] = row.pop("subtype__slug")
            row["actors"] = ACTOR_SEPARATOR.join(actors.get(row["id"], ()))
            for field in ("observed_start", "observed_end", "reported_at"):
                row[field] = row[field].isoformat()
            yield {column: row[column] for column in COLUMNS}


def _csv_pieces(records: Iterable[dict[str, Any]], counter: _Counter) -> Iterator[str]:
    line = io.StringIO()
    writer = csv.writer(line)
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow(record.values())
        counter.count += 1
        if line.tell() >= 8192:
            yield line.getvalue()
            line.seek(0)
            line.truncate()
    yield line.getvalue()


def _geojson_pieces(records: Iterable[dict[str, Any]], counter: _Counter) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": [\n'
    count = 0
    for record in records:
        geometry = None
        if record["latitude"] is not None and record["longitude"] is not None:
            geometry = {"type": "Point", "coordinates": [record["longitude"], record["latitude"]]}
        feature = {
            "type": "Feature",
            "id": record["id"],
            "geometry": geometry,
            "properties": record,
        }
        yield (",\n" if count else "") + json.dumps(feature, ensure_ascii=False)
        count += 1
        counter.count = count
    yield "\n]}\n"
