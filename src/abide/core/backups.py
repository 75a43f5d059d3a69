"""Backups: a consistent snapshot of the database and the stored files, and restoring one.

A backup is one tar file (gzip-compressed) holding:

- ``database/abide.sqlite3`` (SQLite's online backup API, while the server runs) or
  ``database/abide.pgdump`` (``pg_dump`` in its custom format, from an exported snapshot);
- ``data/...``: the evidence files that the snapshot's evidence rows name (sealed files stay
  sealed), and the other files of the data directory (its secret key, generated reports), but
  not thumbnails, which are made again;
- ``manifest.json``: the format, the time, the database engine, the audit chain's head in the
  snapshot, and the SHA-256 and size of every other member.

Restoring checks every member against the manifest before anything is put in place, and
only into an empty data directory and an empty database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection

import abide
from abide.audit.models import AuditHead
from abide.observations.evidence import evidence_root, sealed_path
from abide.observations.models import Evidence

__all__ = ["BackupError", "BackupResult", "RestoreResult", "make_backup", "restore_backup"]

FORMAT = "abide-backup/1"
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/abide.sqlite3"
PGDUMP_MEMBER = "database/abide.pgdump"
#: Files of the data directory made again when needed, or left over from work in progress.
_SKIPPED_DIRS = {"thumbnails"}
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup that cannot be made, read or restored: says what and where."""


@dataclass
class BackupResult:
    path: Path
    engine: str
    audit_entries: int
    audit_head: str
    files: int
    size: int
    missing: list[str] = field(default_factory=list)


@dataclass
class RestoreResult:
    engine: str
    audit_entries: int
    audit_head: str
    files: int


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"the database engine {vendor!r} cannot be backed up")
    return vendor


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _inside(path: Path, directory: Path) -> bool:
    path, directory = path.resolve(), directory.resolve()
    return path == directory or directory in path.parents


def _sqlite_files() -> set[Path]:
    if connection.vendor != "sqlite":
        return set()
    name = Path(str(connection.settings_dict["NAME"])).resolve()
    return {name.with_name(name.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")}


def _output_path(output: Path) -> Path:
    if output.is_dir():
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        output = output / f"abide-backup-{stamp}.tar.gz"
    if output.exists():
        raise BackupError(f"--output: {output} exists already; a backup never overwrites a file")
    if not output.parent.is_dir():
        raise BackupError(f"--output: the directory {output.parent} does not exist")
    if _inside(output, Path(settings.DATA_DIR)):
        raise BackupError(
            f"--output: {output} is inside the data directory {settings.DATA_DIR}; write the "
            "backup elsewhere"
        )
    return output


# --- the database snapshot ------------------------------------------------------------------


def _snapshot_sqlite(target: Path) -> tuple[set[str], tuple[int, str]]:
    """Copy the database with SQLite's online backup API; the evidence and the audit head
    named in the copy."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        shas = {row[0] for row in copy.execute(f"SELECT sha256 FROM {Evidence._meta.db_table}")}
        head = copy.execute(f"SELECT seq, hash FROM {AuditHead._meta.db_table} WHERE id = 1")
        found = head.fetchone()
    finally:
        copy.close()
    os.chmod(target, 0o600)
    return shas, (int(found[0]), str(found[1])) if found else (0, "0" * 64)


def _pg_env() -> dict[str, str]:
    """The connection's parameters as libpq's environment (the password never in argv)."""
    params = connection.settings_dict
    environment = dict(os.environ)
    for key, name in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if params.get(key):
            environment[name] = str(params[key])
    return environment


def _pg_major() -> int:
    connection.ensure_connection()
    return int(connection.pg_version) // 10000


def pg_tool(name: str) -> str:
    """``pg_dump`` or ``pg_restore`` of the server's major version (or a newer one)."""
    major = _pg_major()
    candidates = [Path(f"/usr/lib/postgresql/{major}/bin/{name}")]
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    versions = []
    for candidate in candidates:
        if not candidate.exists():
            continue
        done = subprocess.run(
            [str(candidate), "--version"], capture_output=True, text=True, check=False
        )
        match = re.search(r"(\d+)(?:\.\d+)?", done.stdout)
        if match and int(match.group(1)) >= major:
            return str(candidate)
        versions.append(done.stdout.strip())
    have = f" (found: {'; '.join(versions)})" if versions else ""
    raise BackupError(
        f"{name} of PostgreSQL {major} or newer is needed for this server{have}: install "
        f"postgresql-client-{major} (scripts/install-pg-client)"
    )


def _snapshot_postgresql(target: Path) -> tuple[set[str], tuple[int, str]]:
    """``pg_dump`` of a snapshot exported by a transaction that reads the evidence and the
    audit head of that same snapshot."""
    import psycopg

    pg_dump = pg_tool("pg_dump")
    raw = psycopg.connect(**connection.get_connection_params())
    try:
        raw.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        raw.read_only = True
        with raw.transaction(), raw.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            cursor.execute(f"SELECT sha256 FROM {Evidence._meta.db_table}")
            shas = {row[0] for row in cursor.fetchall()}
            cursor.execute(f"SELECT seq, hash FROM {AuditHead._meta.db_table} WHERE id = 1")
            found = cursor.fetchone()
            done = subprocess.run(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                ],
                env=_pg_env(),
                capture_output=True,
                text=True,
                check=False,
            )
    finally:
        raw.close()
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    os.chmod(target, 0o600)
    return shas, (int(found[0]), str(found[1])) if found else (0, "0" * 64)


# --- the files ------------------------------------------------------------------------------


def _evidence_files(shas: set[str]) -> tuple[list[Path], list[str]]:
    """The stored forms (plain, sealed) of each file named; the hashes with neither."""
    files, missing = [], []
    root = evidence_root()
    for sha in sorted(shas):
        forms = [path for path in (root / sha[:2] / sha, sealed_path(sha)) if path.exists()]
        if not forms:
            missing.append(sha)
        files.extend(forms)
    return files, missing


def _other_files(data_dir: Path, skip: set[Path]) -> Iterator[Path]:
    """The data directory's files outside the evidence store: the secret key, reports."""
    for directory, dirnames, filenames in os.walk(data_dir):
        here = Path(directory)
        if here == data_dir:
            dirnames[:] = [d for d in dirnames if d not in _SKIPPED_DIRS and d != "evidence"]
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in sorted(filenames):
            path = here / name
            if name.startswith(".") or path.resolve() in skip or not path.is_file():
                continue
            yield path


def make_backup(output: Path, *, progress: Callable[[str], None] = lambda m: None) -> BackupResult:
    """Write a backup of the database and the data directory's files to ``output`` (a file,
    or a directory to write ``abide-backup-<time>.tar.gz`` into). Safe while the server runs:
    the database is copied as one consistent snapshot, and the evidence files it names are
    never altered once stored."""
    engine = _engine()
    output = _output_path(output)
    data_dir = Path(settings.DATA_DIR).resolve()
    with tempfile.TemporaryDirectory(prefix="abide-backup-") as work:
        work_dir = Path(work)
        os.chmod(work_dir, 0o700)
        if engine == "sqlite":
            database, member = work_dir / "abide.sqlite3", SQLITE_MEMBER
            progress("copying the database (SQLite online backup)")
            shas, (entries, head) = _snapshot_sqlite(database)
        else:
            database, member = work_dir / "abide.pgdump", PGDUMP_MEMBER
            progress("dumping the database (pg_dump)")
            shas, (entries, head) = _snapshot_postgresql(database)
        evidence, missing = _evidence_files(shas)
        others = list(_other_files(data_dir, _sqlite_files()))
        members: list[tuple[Path, str]] = [(database, member)]
        members += [(path, f"data/{path.relative_to(data_dir).as_posix()}") for path in evidence]
        members += [(path, f"data/{path.relative_to(data_dir).as_posix()}") for path in others]
        progress(f"writing {len(members)} files to {output}")
        manifest: dict = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "abide_version": abide.__version__,
            "database": {"engine": engine, "member": member},
            "audit": {"entries": entries, "head": head},
            "evidence": {"files": len(shas), "missing": missing},
            "members": {},
        }
        if engine == "postgresql":
            manifest["database"]["server_major_version"] = _pg_major()
        partial = output.with_name(f".{output.name}.part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
                for path, name in members:
                    manifest["members"][name] = {
                        "sha256": _sha256(path),
                        "size": path.stat().st_size,
                    }
                    info = archive.gettarinfo(str(path), arcname=name)
                    info.uid = info.gid = 0
                    info.uname = info.gname = ""
                    with path.open("rb") as handle:
                        archive.addfile(info, handle)
                body = json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode = len(body), 0o600
                info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
                archive.addfile(info, io.BytesIO(body))
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupResult(
        output, engine, entries, head, len(members) - 1, output.stat().st_size, missing
    )


# --- restoring ------------------------------------------------------------------------------


def _read_manifest(archive: tarfile.TarFile, path: Path) -> dict:
    try:
        handle = archive.extractfile(MANIFEST)
    except KeyError:
        raise BackupError(f"{path} is not an abide backup: it has no {MANIFEST}") from None
    if handle is None:
        raise BackupError(f"{path}: {MANIFEST} is not a file")
    try:
        manifest = json.loads(handle.read().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{path}: {MANIFEST} is not JSON: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not an abide backup of format {FORMAT}")
    if not isinstance(manifest.get("members"), dict) or not isinstance(
        manifest.get("database"), dict
    ):
        raise BackupError(f"{path}: {MANIFEST} lacks its members or its database")
    return manifest


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"the backup names a file outside the data directory: {name!r}")
    if path.parts[0] not in {"data", "database"} or len(path.parts) < 2:
        raise BackupError(f"the backup holds an unexpected member: {name!r}")
    return path


def _unpack(archive: tarfile.TarFile, manifest: dict, staging: Path, source: Path) -> None:
    """Extract every member into ``staging``, checking each against the manifest."""
    expected = dict(manifest["members"])
    for info in archive:
        if info.name == MANIFEST:
            continue
        if info.name not in expected:
            raise BackupError(f"{source}: {info.name!r} is not in the manifest")
        if not info.isfile():
            raise BackupError(f"{source}: {info.name!r} is not a regular file")
        relative = _safe_name(info.name)
        target = staging.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        handle = archive.extractfile(info)
        assert handle is not None
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        want = expected.pop(info.name)
        if digest.hexdigest() != want.get("sha256") or size != want.get("size"):
            raise BackupError(
                f"{source}: {info.name} does not match its SHA-256 in the manifest: the backup is "
                "damaged or was altered"
            )
    if expected:
        raise BackupError(f"{source}: missing from the backup: {', '.join(sorted(expected))}")


def _require_empty(engine: str, data_dir: Path) -> None:
    """Refuse a data directory holding anything but the secret key abide made at start (and
    an empty database file), and a database with tables."""
    database_files = _sqlite_files()
    leftovers = []
    if data_dir.exists():
        for path in sorted(data_dir.iterdir()):
            empty_database = path.resolve() in database_files and path.stat().st_size == 0
            if path.name != "secret_key" and not empty_database:
                leftovers.append(path.name)
    for path in database_files:
        if path.exists() and path.stat().st_size > 0 and not _inside(path, data_dir):
            leftovers.append(str(path))
    if leftovers:
        raise BackupError(
            f"the data directory {data_dir} is not empty ({', '.join(leftovers[:5])}): restore "
            "only into an empty one (set ABIDE_DATA_DIR to a new directory)"
        )
    if engine == "postgresql":
        tables = connection.introspection.table_names()
        if tables:
            raise BackupError(
                f"the database {connection.settings_dict['NAME']} is not empty ({len(tables)} "
                "tables): restore only into a new, empty database"
            )


def _restore_sqlite(database: Path) -> None:
    target = Path(str(connection.settings_dict["NAME"]))
    connection.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    for path in _sqlite_files():
        if path.exists() and path.stat().st_size == 0:
            path.unlink()
    os.chmod(database, 0o600)
    shutil.move(str(database), str(target))


def _restore_postgresql(database: Path) -> None:
    pg_restore = pg_tool("pg_restore")
    done = subprocess.run(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(database),
        ],
        env=_pg_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")


def restore_backup(
    source: Path, *, progress: Callable[[str], None] = lambda m: None
) -> RestoreResult:
    """Restore the backup ``source`` into the (empty) data directory and (empty) database."""
    engine = _engine()
    data_dir = Path(settings.DATA_DIR).resolve()
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    try:
        archive = tarfile.open(source, mode="r:*")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{source} is not a backup (a tar file): {exc}") from exc
    with archive:
        manifest = _read_manifest(archive, source)
        backed_up = manifest["database"].get("engine")
        if backed_up != engine:
            raise BackupError(
                f"{source} is a backup of a {backed_up} database; this abide uses {engine} "
                "(set DATABASE_URL accordingly)"
            )
        _require_empty(engine, data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_dir))
        try:
            progress("checking every file against the manifest")
            _unpack(archive, manifest, staging, source)
            member = PurePosixPath(manifest["database"]["member"])
            database = staging.joinpath(*member.parts)
            progress("restoring the database")
            if engine == "sqlite":
                _restore_sqlite(database)
            else:
                _restore_postgresql(database)
            files = 0
            restored = staging / "data"
            for path in sorted(restored.rglob("*")) if restored.exists() else []:
                if not path.is_file():
                    continue
                target = data_dir / path.relative_to(restored)
                target.parent.mkdir(parents=True, exist_ok=True)
                mode = 0o444 if _inside(target, evidence_root()) else 0o600
                os.chmod(path, mode)
                os.replace(path, target)
                files += 1
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    audit = manifest.get("audit", {})
    return RestoreResult(engine, int(audit.get("entries", 0)), str(audit.get("head", "")), files)
