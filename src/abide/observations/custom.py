"""Column mapping files: how to read a CSV (or GeoJSON) file that is neither UCDP nor ACLED.

A mapping is YAML::

    dataset: mission-log              # the data set's name (provenance, and half the key)
    version: "2024"                   # optional
    columns:                          # what abide needs: the file's column that holds it
      id: incident_id                 # required: the row's own id in the data set
      date: date                      # required: the day observed (or its first day)
      end_date: last_day              # optional
      latitude: lat                   # optional, with longitude (GeoJSON: the Point)
      longitude: lon
      country: country                # a name, or an ISO 3166 code
      admin1: province
      admin2: district
      place: village
      narrative: description
      fatalities: killed
      actors: [perpetrator]           # one or more columns; ";" separates several names
      category: type                  # optional: a column whose values ``categories`` maps
    date_formats: ["%d/%m/%Y"]        # optional; ISO dates are always understood
    categories:                       # value of the category column -> what it is
      shelling: {category: cessation_of_hostilities, subtype: shelling, direction: undercuts}
    default: {category: other, direction: neutral}   # values not listed (or no column)
    time_precision: day               # exact, day, week, month or year
    place_precision: exact            # exact, near, admin2, admin1 or country
    sensitivity: public               # public, internal or restricted
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from django.utils.translation import gettext as _

from abide.geo.countries import country_code
from abide.observations.mapping import Kind
from abide.observations.models import Direction, PlacePrecision, Sensitivity, TimePrecision
from abide.observations.rows import (
    _DATE_FORMATS,
    Draft,
    LayoutError,
    RowError,
    _common,
    _date,
    actor_list,
    coordinate,
    count,
    day_end,
    day_start,
    fatalities_only,
    text,
)

if TYPE_CHECKING:
    from abide.observations.rows import Converter, Lookups

FIELDS = (
    "id",
    "date",
    "end_date",
    "latitude",
    "longitude",
    "country",
    "admin1",
    "admin2",
    "place",
    "narrative",
    "fatalities",
    "actors",
    "category",
)
_DATASET_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")


class MappingError(LayoutError):
    pass


@dataclass(frozen=True)
class CustomMapping:
    dataset: str
    version: str
    columns: dict[str, str | list[str]]
    date_formats: tuple[str, ...]
    categories: dict[str, Kind]
    default: Kind | None
    time_precision: str
    place_precision: str
    sensitivity: str
    aliases: dict[str, str]

    @property
    def required(self) -> tuple[str, ...]:
        """The file's columns that the mapping names (coordinates may come from GeoJSON)."""
        named: list[str] = []
        for key, value in self.columns.items():
            if key in ("latitude", "longitude"):
                continue
            named.extend(value if isinstance(value, list) else [value])
        return tuple(named)

    def converter(self, lookups: Lookups) -> Converter:
        return _converter(self, lookups)


def _fail(path: Path, where: str, reason: str) -> MappingError:
    return MappingError(f"{path}: {where}: {reason}")


def _kind(path: Path, where: str, value: object, lookups: Lookups) -> Kind:
    if not isinstance(value, dict) or "category" not in value:
        raise _fail(path, where, _("needs a category"))
    category, subtype = str(value["category"]), value.get("subtype")
    if category not in lookups.categories:
        raise _fail(path, where, _("unknown category %(name)r") % {"name": category})
    if subtype is not None and str(subtype) not in lookups.subtypes:
        raise _fail(path, where, _("unknown sub-type %(name)r") % {"name": subtype})
    direction = str(value.get("direction", "undercuts"))
    if direction not in Direction.values:
        raise _fail(path, where, _("unknown direction %(name)r") % {"name": direction})
    return Kind(category, str(subtype) if subtype is not None else None, direction)


def _choice(path: Path, data: dict, key: str, choices: list[str], default: str) -> str:
    value = str(data.get(key, default))
    if value not in choices:
        raise _fail(path, key, _("must be one of %(choices)s") % {"choices": ", ".join(choices)})
    return value


def read_mapping(path: Path, lookups: Lookups) -> CustomMapping:
    """Read and check a mapping file; a :class:`MappingError` names the file and the key."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _fail(path, "file", exc.strerror or str(exc)) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise _fail(path, "file", _("not YAML (%(error)s)") % {"error": exc}) from None
    if not isinstance(data, dict):
        raise _fail(path, "file", _("not a mapping of keys to values"))
    dataset = str(data.get("dataset", ""))
    if not _DATASET_NAME.match(dataset) or dataset in ("ucdp-ged", "acled"):
        raise _fail(
            path, "dataset", _("a name of lower-case letters, digits, '.', '_' or '-' is required")
        )
    columns = data.get("columns")
    if not isinstance(columns, dict):
        raise _fail(path, "columns", _("required: which column holds what"))
    for key, value in columns.items():
        where = f"columns.{key}"
        if key not in FIELDS:
            raise _fail(path, where, _("unknown field; known: %(f)s") % {"f": ", ".join(FIELDS)})
        if key == "actors":
            if isinstance(value, str):
                columns[key] = [value]
            elif not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise _fail(path, where, _("a column name or a list of them"))
            columns[key] = [name.strip().lower() for name in columns[key]]
        elif not isinstance(value, str) or not value.strip():
            raise _fail(path, where, _("a column name"))
        else:
            columns[key] = value.strip().lower()
    for key in ("id", "date"):
        if key not in columns:
            raise _fail(path, f"columns.{key}", _("required"))
    if ("latitude" in columns) != ("longitude" in columns):
        raise _fail(path, "columns", _("latitude and longitude go together"))
    formats = data.get("date_formats", [])
    if not isinstance(formats, list) or not all(isinstance(form, str) for form in formats):
        raise _fail(path, "date_formats", _("a list of strptime formats"))
    categories = data.get("categories") or {}
    if not isinstance(categories, dict):
        raise _fail(path, "categories", _("a mapping of values to categories"))
    kinds = {
        str(value).strip().lower(): _kind(path, f"categories.{value}", kind, lookups)
        for value, kind in categories.items()
    }
    default = _kind(path, "default", data["default"], lookups) if "default" in data else None
    if default is None and "category" not in columns:
        raise _fail(path, "default", _("required when no column gives the category"))
    return CustomMapping(
        dataset=dataset,
        version=str(data.get("version", "")),
        columns=columns,
        date_formats=(*formats, *_DATE_FORMATS),
        categories=kinds,
        default=default,
        time_precision=_choice(path, data, "time_precision", TimePrecision.values, "day"),
        place_precision=_choice(path, data, "place_precision", PlacePrecision.values, "exact"),
        sensitivity=_choice(path, data, "sensitivity", Sensitivity.values, "internal"),
        aliases={},
    )


def _converter(mapping: CustomMapping, lookups: Lookups) -> Converter:
    columns = mapping.columns
    formats = mapping.date_formats

    def column(key: str) -> str:
        return columns.get(key, "\x00")  # type: ignore[return-value]

    def convert(record: Mapping[str, str]) -> Draft:
        original_id = text(record, column("id"), 61)
        values = _common(mapping.dataset, mapping.version, column("id"), original_id, record)
        kind = mapping.default
        if "category" in columns:
            value = text(record, column("category"), 200)
            kind = mapping.categories.get(value.lower(), mapping.default)
            if kind is None:
                raise RowError(column("category"), _("no category for %(v)r") % {"v": value})
        start = _date(record, column("date"), formats)
        end = (
            _date(record, column("end_date"), formats) if record.get(column("end_date")) else start
        )
        if end < start:
            raise RowError(column("end_date"), f"{end} is before {start}")
        latitude = longitude = None
        if "latitude" in columns or ("latitude" in record and "longitude" in record):
            lat_column = str(columns.get("latitude", "latitude"))
            lon_column = str(columns.get("longitude", "longitude"))
            latitude = coordinate(record, lat_column, 90, required=False)
            longitude = coordinate(record, lon_column, 180, required=False)
            if (latitude is None) != (longitude is None):
                raise RowError(lat_column if latitude is None else lon_column, "no value")
        fatalities = count(record, column("fatalities")) if "fatalities" in columns else None
        values.update(lookups.kind_values(kind))
        values.update(
            observed_start=day_start(start),
            observed_end=day_end(end),
            time_precision=mapping.time_precision,
            reported_at=day_end(end),
            latitude=latitude,
            longitude=longitude,
            place_precision=mapping.place_precision,
            country=country_code(text(record, column("country"), 100))
            if "country" in columns
            else "",
            admin1=text(record, column("admin1"), 120),
            admin2=text(record, column("admin2"), 120),
            place_name=text(record, column("place"), 200),
            **fatalities_only(fatalities),
            narrative=text(record, column("narrative"), 10_000),
            sensitivity=mapping.sensitivity,
        )
        names = [(record.get(name) or "", "alleged") for name in columns.get("actors", [])]
        return Draft(values, actor_list(lookups, names))

    return convert
