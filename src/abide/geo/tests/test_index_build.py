"""Building the gazetteer's index files: once, whole or not at all, and again when damaged.

Each test builds the smallest index (cities15000) in its own directory, in other processes
where the point is what several processes do.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from abide.geo.index_file import IndexFileError, ensure_index_file, index_path, is_valid
from abide.geo.place_file import PlaceFile

#: A process that makes sure the index of cities15000 is in the directory given, and prints
#: the file's inode (the same inode: the same file, not rebuilt).
ENSURE = """
import os, sys
from pathlib import Path
from abide.geo.index_file import ensure_index_file
print(os.stat(ensure_index_file(15000, directory=Path(sys.argv[1]))).st_ino)
"""


def start(directory: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", ENSURE, str(directory)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    """The inode the process printed, and what it wrote on stderr."""
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    return int(out), err


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, list[tuple[int, str]]]:
    """A directory where two processes started together ensured the index; what each said."""
    directory = tmp_path_factory.mktemp("gazetteer")
    first, second = start(directory), start(directory)
    return directory, [finish(first), finish(second)]


def test_two_processes_at_once_build_the_file_once_and_share_it(built):
    built, ((inode_a, err_a), (inode_b, err_b)) = built
    assert inode_a == inode_b
    assert (err_a + err_b).count("building the index of cities15000") == 1
    assert is_valid(index_path(15000, directory=built), 15000)
    assert list(built.glob("*.part")) == []


def test_a_later_process_opens_the_file_without_rebuilding_it(built):
    built, _outcomes = built
    path = index_path(15000, directory=built)
    before = path.stat().st_ino
    inode, err = finish(start(built))
    assert inode == before
    assert "building" not in err
    assert PlaceFile(path).lookup("yerevan")[0].country_code == "AM"


def test_a_killed_build_leaves_no_index_and_the_next_build_completes(tmp_path):
    process = start(tmp_path)
    deadline = time.monotonic() + 600
    while not list(tmp_path.glob(".*.part")) and time.monotonic() < deadline:
        assert process.poll() is None, "the build ended before it could be interrupted"
        time.sleep(0.02)
    process.kill()
    process.wait()
    path = index_path(15000, directory=tmp_path)
    assert not path.exists()
    _inode, err = finish(start(tmp_path))
    assert "building the index of cities15000" in err
    assert is_valid(path, 15000)
    assert list(tmp_path.glob("*.part")) == []  # the interrupted build's leftover removed


def test_a_damaged_or_foreign_file_is_detected(built, tmp_path):
    built, _outcomes = built
    original = index_path(15000, directory=built)
    path = index_path(15000, directory=tmp_path)

    shutil.copyfile(original, path)
    with path.open("r+b") as file:
        file.truncate(path.stat().st_size // 2)
    assert not is_valid(path, 15000)

    shutil.copyfile(original, path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE meta SET value = '0' WHERE name = 'format'")
    connection.close()
    assert not is_valid(path, 15000)

    path.write_bytes(b"not an index " * 1000)
    assert not is_valid(path, 15000)

    shutil.copyfile(original, path)
    assert is_valid(path, 15000)
    assert not is_valid(path, 5000)  # another data file's index under this name


def test_a_truncated_file_is_rebuilt(built, tmp_path):
    built, _outcomes = built
    path = index_path(15000, directory=tmp_path)
    shutil.copyfile(index_path(15000, directory=built), path)
    with path.open("r+b") as file:
        file.truncate(path.stat().st_size - 4096)
    _inode, err = finish(start(tmp_path))
    assert "building the index of cities15000" in err
    assert is_valid(path, 15000)
    assert PlaceFile(path).lookup("yerevan")[0].country_code == "AM"


def test_an_unwritable_directory_is_a_clear_error(tmp_path):
    (tmp_path / "a-file").write_text("")
    directory = tmp_path / "a-file" / "cache"
    with pytest.raises(IndexFileError, match=r"cannot build the gazetteer index .* in .*a-file"):
        ensure_index_file(15000, directory=directory)
