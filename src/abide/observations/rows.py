"""Rows of event data sets (UCDP GED, ACLED, a mapped CSV or GeoJSON) to observation values.

A converter takes one record (column name to text) and returns a :class:`Draft`, or raises
:class:`RowError` naming the column at fault. Converters know nothing of files or databases.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from abide.geo.countries import country_code
from abide.observations.mapping import ActorMatcher, Kind, acled_kind, precisions, ucdp_kinds


class RowError(ValueError):
    """A bad value in a row: ``column`` and ``reason``."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(f"{column}: {reason}")
        self.column = column
        self.reason = reason


class LayoutError(ValueError):
    """A file whose columns are not a layout the importer knows."""


@dataclass(slots=True)
class Draft:
    """An observation's column values (by attribute name) and its actors."""

    values: dict
    #: (party id or None, name as reported, attribution)
    actors: list[tuple[int | None, str, str]] = field(default_factory=list)
    #: Its values as written in a new row, once worked out (abide.observations.writing.prepare).
    row: list | None = None

    @property
    def key(self) -> str:
        return self.values["original_id"]


@dataclass(frozen=True)
class Lookups:
    """What converters need from the database: category and sub-type ids, and parties."""

    categories: dict[str, int]
    subtypes: dict[str, int]
    actors: ActorMatcher
    #: The values of each kind met so far (a few per file).
    _kind_values: dict[Kind, dict] = field(default_factory=dict, init=False, repr=False)

    def kind_values(self, kind: Kind) -> dict:
        try:
            return self._kind_values[kind]
        except KeyError:
            values = self._kind_values[kind] = self._find_kind_values(kind)
            return values

    def _find_kind_values(self, kind: Kind) -> dict:
        return {
            "category_id": self.categories[kind.category],
            "subtype_id": self.subtypes[kind.subtype] if kind.subtype else None,
            "direction": kind.direction,
        }


Converter = Callable[[Mapping[str, str]], Draft]

_DATE_FORMATS = ("%Y-%m-%d", "%d-%b-%y", "%d %B %Y", "%d-%B-%Y", "%d-%b-%Y", "%d %b %Y")


@lru_cache(maxsize=4096)
def parse_date(text: str, formats: tuple[str, ...] = _DATE_FORMATS) -> dt.date:
    """A date in any of the forms the data sets use: "2020-05-09", "2020-05-09 00:00:00.000",
    "2009-02-20T00:00:00", "9-May-20", "21 March 2020", "01-January-2015"."""
    text = text.strip()
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
    for form in formats:
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ValueError(f"unreadable date {text!r}")


@lru_cache(maxsize=16384)
def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


@lru_cache(maxsize=16384)
def day_end(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=dt.UTC)


def _date(record: Mapping[str, str], column: str, formats: tuple[str, ...] = _DATE_FORMATS):
    text = record.get(column) or ""
    if not text.strip():
        raise RowError(column, "no date")
    try:
        return parse_date(text, formats)
    except ValueError as exc:
        raise RowError(column, str(exc)) from None


def coordinate(
    record: Mapping[str, str], column: str, limit: float, *, required: bool
) -> float | None:
    text = (record.get(column) or "").strip()
    if not text:
        if required:
            raise RowError(column, "no value")
        return None
    try:
        value = float(text)
    except ValueError:
        raise RowError(column, f"not a number: {text!r}") from None
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise RowError(column, f"{text} is outside -{limit:g}..{limit:g}")
    return value


def count(record: Mapping[str, str], column: str) -> int | None:
    text = record.get(column)
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text)
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise RowError(column, f"not a number: {text!r}") from None
    if value < 0 or value != int(value):
        raise RowError(column, f"not a count of people: {text}")
    return int(value)


def coded(record: Mapping[str, str], column: str, table: dict[str, str], default: str) -> str:
    text = (record.get(column) or "").strip()
    if not text:
        return default
    if text.endswith(".0"):
        text = text[:-2]
    try:
        return table[text]
    except KeyError:
        raise RowError(column, f"unknown code {text!r} (known: {', '.join(table)})") from None


def text(record: Mapping[str, str], column: str, limit: int) -> str:
    return (record.get(column) or "").strip()[:limit]


def fatalities_only(fatalities: int | None) -> dict[str, int | None]:
    """The casualty columns of a data set that gives one figure of deaths, status unknown."""
    return {
        "casualties_low": None,
        "casualties_best": fatalities,
        "casualties_high": None,
        "casualties_civilian": None,
        "casualties_combatant": None,
        "casualties_unknown": fatalities,
    }


def actor_list(lookups: Lookups, names: list[tuple[str, str]]) -> list[tuple[int | None, str, str]]:
    """(party id, name, attribution) for each name of an actor; ACLED joins several with ";".

    Victims, crowds and the unknown ("Civilians (Sudan)", "Protesters (Armenia)") are not
    actors: they stay in the original row only."""
    actors = []
    seen = set()
    for value, attribution in names:
        for name in value.split(";") if ";" in value else (value,):
            name = name.strip()
            if name and name not in seen and not lookups.actors.bystander(name):
                seen.add(name)
                actors.append((lookups.actors.match(name), name[:300], attribution))
    return actors


def _common(
    dataset: str, version: str, id_column: str, original_id: str, record: Mapping[str, str]
) -> dict:
    if not original_id:
        raise RowError(id_column, "no id")
    if len(original_id) > 60:
        raise RowError(id_column, "longer than 60 characters")
    return {
        "original_id": original_id,
        "dataset": dataset,
        "dataset_version": version,
        "original_row": dict(record),
        "language": "en",
        "reporter_kind": "dataset",
        "sensitivity": "public",
        "public_precision": "exact",
        "status": "reported",
    }


# --- UCDP GED -------------------------------------------------------------------------------

UCDP_REQUIRED = ("id", "type_of_violence", "date_start", "date_end", "latitude", "longitude")


def ucdp_converter(lookups: Lookups, version: str) -> Converter:
    kinds = ucdp_kinds()
    date_precisions = precisions("ucdp", "date_prec")
    place_precisions = precisions("ucdp", "where_prec")

    def convert(record: Mapping[str, str]) -> Draft:
        original_id = (record.get("id") or "").strip()
        if original_id.endswith(".0"):
            original_id = original_id[:-2]
        values = _common("ucdp-ged", version, "id", original_id, record)
        violence = (record.get("type_of_violence") or "").strip()
        kind = kinds.get(violence)
        if kind is None:
            raise RowError("type_of_violence", f"unknown type {violence!r} (known: 1, 2, 3)")
        start = _date(record, "date_start")
        end = _date(record, "date_end")
        if end < start:
            raise RowError("date_end", f"{end} is before date_start {start}")
        deaths_a, deaths_b = count(record, "deaths_a"), count(record, "deaths_b")
        combatant = (
            None if deaths_a is None and deaths_b is None else (deaths_a or 0) + (deaths_b or 0)
        )
        values.update(lookups.kind_values(kind))
        values.update(
            observed_start=day_start(start),
            observed_end=day_end(end),
            time_precision=coded(record, "date_prec", date_precisions, "day"),
            reported_at=day_end(end),
            latitude=coordinate(record, "latitude", 90, required=True),
            longitude=coordinate(record, "longitude", 180, required=True),
            place_precision=coded(record, "where_prec", place_precisions, "exact"),
            country=country_code(record.get("country") or ""),
            admin1=text(record, "adm_1", 120),
            admin2=text(record, "adm_2", 120),
            place_name=text(record, "where_coordinates", 200),
            casualties_low=count(record, "low"),
            casualties_best=count(record, "best"),
            casualties_high=count(record, "high"),
            casualties_civilian=count(record, "deaths_civilians"),
            casualties_combatant=combatant,
            casualties_unknown=count(record, "deaths_unknown"),
            narrative=text(record, "source_headline", 10_000)
            or text(record, "where_description", 10_000),
        )
        actors = actor_list(
            lookups,
            [(record.get("side_a") or "", "alleged"), (record.get("side_b") or "", "alleged")],
        )
        return Draft(values, actors)

    return convert


# --- ACLED ----------------------------------------------------------------------------------

ACLED_REQUIRED = ("event_id_cnty", "event_date", "event_type", "latitude", "longitude")

#: Old names of ACLED columns, as the legacy layouts write them.
ACLED_ALIASES = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}


def acled_converter(lookups: Lookups, version: str) -> Converter:
    time_precisions = precisions("acled", "time_precision")
    place_precisions = precisions("acled", "geo_precision")

    def convert(record: Mapping[str, str]) -> Draft:
        original_id = (record.get("event_id_cnty") or "").strip()
        values = _common("acled", version, "event_id_cnty", original_id, record)
        event_type = record.get("event_type") or ""
        kind = acled_kind(event_type, record.get("sub_event_type") or "")
        if kind is None:
            raise RowError("event_type", f"unknown event type {event_type!r}")
        day = _date(record, "event_date")
        timestamp = (record.get("timestamp") or "").strip()
        reported = day_end(day)
        if timestamp:
            try:
                reported = dt.datetime.fromtimestamp(int(timestamp), tz=dt.UTC)
            except (ValueError, OverflowError, OSError):
                raise RowError("timestamp", f"not a Unix time: {timestamp!r}") from None
        fatalities = count(record, "fatalities")
        values.update(lookups.kind_values(kind))
        values.update(
            observed_start=day_start(day),
            observed_end=day_end(day),
            time_precision=coded(record, "time_precision", time_precisions, "day"),
            reported_at=reported,
            latitude=coordinate(record, "latitude", 90, required=True),
            longitude=coordinate(record, "longitude", 180, required=True),
            place_precision=coded(record, "geo_precision", place_precisions, "exact"),
            country=country_code(record.get("iso3") or "")
            or country_code(record.get("country") or ""),
            admin1=text(record, "admin1", 120),
            admin2=text(record, "admin2", 120),
            place_name=text(record, "location", 200),
            **fatalities_only(fatalities),
            narrative=text(record, "notes", 10_000),
        )
        actors = actor_list(
            lookups,
            [
                (record.get("actor1") or "", "alleged"),
                (record.get("assoc_actor_1") or "", "alleged"),
                (record.get("actor2") or "", "alleged"),
                (record.get("assoc_actor_2") or "", "alleged"),
            ],
        )
        return Draft(values, actors)

    return convert
