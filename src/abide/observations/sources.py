"""Reading event files as streams of records: CSV (with or without an HXL tag row) and GeoJSON.

Each record comes with the place it was read from ("LINE" for CSV, "feature N" for GeoJSON),
so that a bad row can be reported as ``FILE:LINE: column: reason``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import ijson

from abide.observations.rows import LayoutError, RowError

csv.field_size_limit(16 * 1024 * 1024)


class CountingReader(io.RawIOBase):
    """A binary file that counts the bytes read from it (for the progress bar)."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:
        n = self.raw.readinto(buffer)
        self.bytes_read += n or 0
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


@dataclass
class Record:
    where: str
    values: dict[str, str] | None
    #: Set when the record cannot even be read as a row (wrong number of cells).
    error: RowError | None = None


class Source:
    """An open event file: its columns and a stream of records."""

    columns: tuple[str, ...]
    counter: CountingReader

    def records(self) -> Iterator[Record]:
        raise NotImplementedError

    def close(self) -> None:
        self.counter.close()


def normalise_header(
    header: Sequence[str], aliases: dict[str, str] | None = None
) -> tuple[str, ...]:
    """Column names as the converters know them: lower case, trimmed, old names renamed."""
    aliases = aliases or {}
    names = []
    for name in header:
        name = name.strip().lstrip("\ufeff").lower()
        names.append(aliases.get(name, name))
    return tuple(names)


def _is_hxl_row(row: Sequence[str]) -> bool:
    cells = [cell.strip() for cell in row if cell.strip()]
    return bool(cells) and all(cell.startswith("#") for cell in cells)


class CsvSource(Source):
    def __init__(self, path: Path, aliases: dict[str, str] | None = None) -> None:
        self.path = path
        self.counter = CountingReader(path.open("rb"))
        self.text = io.TextIOWrapper(
            io.BufferedReader(self.counter, 1 << 16), encoding="utf-8-sig", newline=""
        )
        self.reader = csv.reader(self.text)
        try:
            header = next(self.reader)
        except StopIteration:
            raise LayoutError(f"{path}:1: header: the file is empty") from None
        except (UnicodeDecodeError, csv.Error) as exc:
            raise LayoutError(f"{path}:1: header: unreadable ({exc})") from None
        self.columns = normalise_header(header, aliases)
        self._line = self.reader.line_num

    def records(self) -> Iterator[Record]:
        width = len(self.columns)
        first = True
        columns = self.columns
        while True:
            start = self._line + 1
            try:
                row = next(self.reader)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise LayoutError(f"{self.path}:{start}: not UTF-8 text ({exc.reason})") from None
            except csv.Error as exc:
                raise LayoutError(f"{self.path}:{start}: unreadable CSV ({exc})") from None
            self._line = self.reader.line_num
            if not row:
                continue
            if first:
                first = False
                if _is_hxl_row(row):
                    continue
            where = str(start)
            if len(row) != width:
                yield Record(
                    where,
                    None,
                    RowError("row", f"{len(row)} cells where the header has {width}"),
                )
                continue
            yield Record(where, dict(zip(columns, row, strict=True)))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class GeoJsonSource(Source):
    """A GeoJSON FeatureCollection, read feature by feature; a Point gives the coordinates."""

    def __init__(self, path: Path, aliases: dict[str, str] | None = None) -> None:
        self.path = path
        self.aliases = aliases or {}
        self.counter = CountingReader(path.open("rb"))
        self.stream = io.BufferedReader(self.counter, 1 << 16)
        first = self._features(self.stream)
        try:
            self._first = next(first)
        except StopIteration:
            raise LayoutError(f"{path}: features: no features in the file") from None
        except ijson.JSONError as exc:
            raise LayoutError(f"{path}: not a GeoJSON FeatureCollection ({exc})") from None
        self._rest = first
        properties = list(self._first.get("properties") or {})
        if (self._first.get("geometry") or {}).get("type") == "Point":
            properties += ["latitude", "longitude"]
        self.columns = normalise_header(properties, self.aliases)

    @staticmethod
    def _features(stream: io.BufferedReader) -> Iterator[dict]:
        yield from ijson.items(stream, "features.item", use_float=True)

    def records(self) -> Iterator[Record]:
        number = 0
        features = self._rest
        feature: dict | None = self._first
        while True:
            if feature is None:
                try:
                    feature = next(features)
                except StopIteration:
                    return
                except ijson.JSONError as exc:
                    raise LayoutError(
                        f"{self.path}: feature {number + 1}: unreadable JSON ({exc})"
                    ) from None
            number += 1
            yield self._record(number, feature)
            feature = None

    def _record(self, number: int, feature: dict) -> Record:
        where = f"feature {number}"
        properties = feature.get("properties")
        if not isinstance(properties, dict):
            return Record(where, None, RowError("properties", "not an object"))
        values = {
            self.aliases.get(key.lower(), key.lower()): _text(value)
            for key, value in properties.items()
        }
        geometry = feature.get("geometry")
        if geometry:
            coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
            if (
                geometry.get("type") != "Point"
                or not isinstance(coordinates, list)
                or len(coordinates) < 2
            ):
                return Record(
                    where, None, RowError("geometry", "not a Point [longitude, latitude]")
                )
            values["longitude"] = _text(coordinates[0])
            values["latitude"] = _text(coordinates[1])
        return Record(where, values)


def open_source(path: Path, aliases: dict[str, str] | None = None) -> Source:
    """The file as a source of records, by its content: GeoJSON starts with "{"."""
    with path.open("rb") as file:
        start = file.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"{"):
        return GeoJsonSource(path, aliases)
    return CsvSource(path, aliases)
