"""The data directory is abide's user's only: the folder 0700, what abide creates in it 0600
(evidence files read-only: 0400)."""

from __future__ import annotations

import io
import sqlite3
import stat
from pathlib import Path

import pytest
from PIL import Image

from abide.core.tests.test_cli import run_abide

#: The database in the data directory, whatever DATABASE_URL the tests run with.
SQLITE = {"DATABASE_URL": ""}


def loose(root: Path) -> list[str]:
    """Everything under ``root`` (itself included) that another user could read or enter."""
    return [
        f"{path}: {oct(stat.S_IMODE(path.lstat().st_mode))}"
        for path in [root, *root.rglob("*")]
        if stat.S_IMODE(path.lstat().st_mode) & 0o077
    ]


def test_init_creates_a_private_data_directory(tmp_path):
    data_dir = tmp_path / "abide-data"
    result = run_abide("init", env=SQLITE, data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    names = {path.name for path in data_dir.iterdir()}
    assert {"abide.sqlite3", "secret_key"} <= names
    assert loose(data_dir) == []


def test_init_tightens_a_data_directory_made_before(tmp_path):
    data_dir = tmp_path / "old"
    (data_dir / "evidence" / "ab").mkdir(parents=True)
    sqlite3.connect(data_dir / "abide.sqlite3").close()
    (data_dir / "evidence" / "ab" / "abcd").write_bytes(b"x")
    for path in [data_dir, data_dir / "evidence", data_dir / "evidence" / "ab"]:
        path.chmod(0o755)
    (data_dir / "abide.sqlite3").chmod(0o644)
    (data_dir / "evidence" / "ab" / "abcd").chmod(0o444)
    result = run_abide("init", env=SQLITE, data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    # The folder itself is made 0700 as the settings load; init tightens the four inside.
    assert "made 4 files and folders private" in result.stdout
    assert loose(data_dir) == []
    assert stat.S_IMODE((data_dir / "evidence" / "ab" / "abcd").stat().st_mode) == 0o400


def test_the_demo_password_file_is_private(tmp_path, settings):
    from abide.core.bootstrap import demo_password

    settings.DATA_DIR = tmp_path
    demo_password()
    assert stat.S_IMODE((tmp_path / "demo-password").stat().st_mode) == 0o600


@pytest.mark.django_db
def test_evidence_and_thumbnails_are_stored_private(tmp_path, settings, observer):
    import datetime as dt

    from abide.observations.evidence import evidence_path, store_evidence
    from abide.observations.services import report_observation
    from abide.observations.thumbnails import thumbnail

    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir(mode=0o700)
    observation, _ = report_observation(
        actor=observer,
        category="cessation_of_hostilities",
        subtype="shelling",
        observed_start=dt.datetime(2023, 9, 19, 10, tzinfo=dt.UTC),
        time_precision="exact",
        latitude=39.8177,
        longitude=46.7528,
        sensitivity="internal",
        public_precision="1km",
    )
    image = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 40, 40)).save(image, "PNG")
    image.seek(0)
    evidence, _ = store_evidence(observation, image, name="crater.png", actor=observer)
    assert stat.S_IMODE(evidence_path(evidence).stat().st_mode) == 0o400
    thumbnail(evidence)
    assert loose(settings.DATA_DIR) == []
