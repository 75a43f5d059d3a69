"""`abide backup` and `abide restore`: a snapshot taken while abide writes, restored elsewhere.

Run as real processes against a real data directory and database of the engine the suite
runs on (SQLite, or PostgreSQL with databases made for the test and dropped after it).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

SECRET = b"Witness K. Aliyeva saw the convoy at the checkpoint; call her on +374 55 000000.\n"

SEED = """
import datetime as dt, io
import django
django.setup()
from abide.accounts.models import Role
from abide.accounts.services import ensure_user, system_user
from abide.observations.evidence import store_evidence
from abide.observations.services import report_observation
observer, _ = ensure_user("olga", actor=system_user(), role=Role.OBSERVER)
for sensitivity, text in (("restricted", __SECRET__), ("internal", b"A plain note.\\n")):
    observation, _ = report_observation(
        actor=observer, category="cessation_of_hostilities", subtype="shelling",
        observed_start=dt.datetime(2023, 9, 19, 10, tzinfo=dt.UTC), time_precision="exact",
        latitude=39.8177, longitude=46.7528, sensitivity=sensitivity, public_precision="1km",
    )
    store_evidence(observation, io.BytesIO(text), name="w.txt", actor=observer)
""".replace("__SECRET__", repr(SECRET))

WRITER = """
import pathlib, sys
import django
django.setup()
from abide.accounts.models import Role
from abide.accounts.services import ensure_user, system_user
stop, ready = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
count = 0
while not stop.exists():
    ensure_user(f"writer-{count}", actor=system_user(), role=Role.OBSERVER)
    count += 1
    if count == 3:
        ready.touch()
print(count)
"""

READ_EVIDENCE = """
import hashlib
import django
django.setup()
from abide.observations.evidence import open_evidence
from abide.observations.models import Evidence
for evidence in Evidence.objects.order_by("pk"):
    with open_evidence(evidence) as handle:
        data = handle.read()
    print(evidence.observation.sensitivity, hashlib.sha256(data).hexdigest() == evidence.sha256,
          data == __SECRET__)
""".replace("__SECRET__", repr(SECRET))


@dataclass
class Site:
    """A data directory and its database, as the environment of the processes using them."""

    data_dir: Path
    database_url: str

    def env(self) -> dict[str, str]:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        environment["ABIDE_DATA_DIR"] = str(self.data_dir)
        environment["DJANGO_SETTINGS_MODULE"] = "abide.settings"
        if self.database_url:
            environment["DATABASE_URL"] = self.database_url
        else:
            environment.pop("DATABASE_URL", None)
        return environment

    def abide(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "abide.cli", *args],
            capture_output=True,
            text=True,
            env=self.env(),
            timeout=300,
            check=False,
        )

    def python(self, code: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", code, *args],
            capture_output=True,
            text=True,
            env=self.env(),
            timeout=300,
            check=False,
        )

    def evidence_files(self) -> dict[str, bytes]:
        root = self.data_dir / "evidence"
        return {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*"))
            if path.is_file()
        }


class Databases:
    """Fresh databases for one test module: files for SQLite, new PostgreSQL databases."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.postgres = connection.vendor == "postgresql"
        self.made: list[str] = []
        if self.postgres:
            params = settings.DATABASES["default"]
            self.params = {
                "host": params.get("HOST") or "127.0.0.1",
                "port": params.get("PORT") or 5432,
                "user": params.get("USER") or "postgres",
                "password": params.get("PASSWORD") or "",
            }
            self.prefix = f"{params['NAME']}_backup"

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(dbname="postgres", autocommit=True, **self.params) as admin:
            admin.execute(statement)

    def site(self, name: str) -> Site:
        data_dir = self.root / name
        if not self.postgres:
            return Site(data_dir, "")
        database = f"{self.prefix}_{name}"
        self._admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{database}"')
        self.made.append(database)
        p = self.params
        auth = f"{p['user']}:{p['password']}@" if p["password"] else f"{p['user']}@"
        return Site(data_dir, f"postgres://{auth}{p['host']}:{p['port']}/{database}")

    def drop_all(self) -> None:
        for database in self.made:
            self._admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def ok(done: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def databases(tmp_path_factory) -> Iterator[Databases]:
    made = Databases(tmp_path_factory.mktemp("backups"))
    yield made
    if made.postgres:
        made.drop_all()


@pytest.fixture(scope="module")
def source(databases) -> Site:
    """An initialised site with a restricted and an internal observation, each with a file."""
    site = databases.site("source")
    ok(site.abide("init"))
    ok(site.python(SEED))
    return site


@pytest.fixture(scope="module")
def backup(source, databases) -> Path:
    out = databases.root / "out"
    out.mkdir()
    done = ok(source.abide("backup", "--output", str(out)))
    (path,) = out.glob("abide-backup-*.tar.gz")
    assert str(path) in done.stdout
    return path


def dumpdata(site: Site) -> list:
    return json.loads(ok(site.abide("dumpdata")).stdout)


def test_a_backup_restores_the_same_data_files_and_a_valid_chain(source, backup, databases):
    target = databases.site("restored")
    done = ok(target.abide("restore", str(backup)))
    assert "audit log intact" in done.stdout
    assert dumpdata(target) == dumpdata(source)
    assert target.evidence_files() == source.evidence_files()
    assert "audit log intact" in ok(target.abide("audit", "verify")).stdout


def test_restricted_evidence_stays_sealed_in_the_backup_and_is_recovered_with_the_key(
    source, backup, databases
):
    with tarfile.open(backup) as archive:
        names = archive.getnames()
        sealed = [name for name in names if name.endswith(".sealed")]
        assert len(sealed) == 1
        stored = archive.extractfile(sealed[0]).read()
    assert SECRET not in stored and b"Aliyeva" not in stored
    target = databases.site("sealed")
    ok(target.abide("restore", str(backup)))
    lines = ok(target.python(READ_EVIDENCE)).stdout.split("\n")
    assert lines[:2] == ["restricted True True", "internal True False"]


def test_a_backup_taken_while_abide_writes_is_consistent(source, databases):
    stop, ready = databases.root / "stop", databases.root / "ready"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(stop), str(ready)],
        env=source.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(600):
            if ready.exists() or writer.poll() is not None:
                break
            time.sleep(0.1)
        assert ready.exists(), writer.stderr.read() if writer.poll() is not None else "not ready"
        output = databases.root / "during.tar.gz"
        ok(source.abide("backup", "--output", str(output)))
    finally:
        stop.touch()
        written, errors = writer.communicate(timeout=120)
    assert writer.returncode == 0, errors
    assert int(written) >= 3
    manifest = json.loads(tarfile.open(output).extractfile("manifest.json").read())
    target = databases.site("during")
    done = ok(target.abide("restore", str(output)))
    head = manifest["audit"]
    assert f"audit log intact: {head['entries']} entries, head {head['head']}" in done.stdout


def test_restore_refuses_a_data_directory_or_database_that_is_not_empty(source, backup):
    done = source.abide("restore", str(backup))
    assert done.returncode == 1
    assert "is not empty" in done.stderr
    assert "restore only into" in done.stderr


def test_restore_refuses_a_backup_altered_after_it_was_made(backup, databases):
    altered = databases.root / "altered.tar.gz"
    with tarfile.open(backup) as original, tarfile.open(altered, "w:gz") as copy:
        for info in original:
            data = original.extractfile(info).read()
            if info.name.endswith(".sealed"):
                data = bytes([data[0] ^ 1]) + data[1:]
            copy.addfile(info, io.BytesIO(data))
    target = databases.site("altered")
    done = target.abide("restore", str(altered))
    assert done.returncode == 1
    assert "does not match its SHA-256 in the manifest" in done.stderr
    left = sorted(p.name for p in target.data_dir.iterdir()) if target.data_dir.exists() else []
    assert set(left) <= {"secret_key"}  # nothing restored
    if target.database_url:
        tables = target.python(
            "import django; django.setup(); from django.db import connection; "
            "print(len(connection.introspection.table_names()))"
        )
        assert ok(tables).stdout.strip() == "0"


def test_restore_refuses_a_file_that_is_not_a_backup(databases):
    target = databases.site("notabackup")
    bogus = databases.root / "bogus.tar.gz"
    bogus.write_bytes(b"just some bytes")
    done = target.abide("restore", str(bogus))
    assert done.returncode == 1
    assert "is not a backup" in done.stderr


def test_restore_refuses_members_outside_the_data_directory(backup, databases):
    hostile = databases.root / "hostile.tar.gz"
    with tarfile.open(backup) as original, tarfile.open(hostile, "w:gz") as copy:
        manifest = json.loads(original.extractfile("manifest.json").read())
        payload = b"#!/bin/sh\n"
        name = "data/../../escaped"
        manifest["members"][name] = {
            "sha256": hashlib.sha256(payload).hexdigest(),
            "size": len(payload),
        }
        info = tarfile.TarInfo(name)
        info.size = len(payload)
        copy.addfile(info, io.BytesIO(payload))
        body = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(body)
        copy.addfile(info, io.BytesIO(body))
    target = databases.site("hostile")
    done = target.abide("restore", str(hostile))
    assert done.returncode == 1
    assert "outside the data directory" in done.stderr
    assert not (databases.root / "escaped").exists()


def test_backup_refuses_to_write_inside_the_data_directory(source):
    done = source.abide("backup", "--output", str(source.data_dir))
    assert done.returncode == 1
    assert "inside the data directory" in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["backup", "--help"],
        ["restore", "--help"],
        ["evidence", "keygen", "--help"],
        ["evidence", "seal", "--help"],
        ["audit", "keygen", "--help"],
        ["audit", "checkpoint", "--help"],
    ],
)
def test_the_operations_commands_explain_themselves(args, capsys):
    from abide.cli import abide_commands, main

    assert {"backup", "restore", "evidence"} <= set(abide_commands())
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "usage:" in out and len(out.splitlines()) > 3
