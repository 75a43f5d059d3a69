"""Settings come from the environment and fail loudly, in one line, on a bad value."""

from __future__ import annotations

import pytest

from abide.core.tests.test_cli import run_abide


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ABIDE_DEBUG": "maybe"}, "ABIDE_DEBUG: 'maybe' is not a boolean"),
        ({"DATABASE_URL": "mysql://localhost/x"}, "DATABASE_URL: unsupported scheme 'mysql'"),
        ({"ABIDE_SECRET_KEY": "short"}, "ABIDE_SECRET_KEY: must be at least 32 characters"),
        ({"ABIDE_ALLOWED_HOSTS": " , "}, "ABIDE_ALLOWED_HOSTS: the list is empty"),
        ({"ABIDE_SECRET_KEY_FILE": "/nonexistent/key"}, "ABIDE_SECRET_KEY_FILE: cannot read"),
        (
            {"ABIDE_SQLITE_TIMEOUT": "soon", "DATABASE_URL": ""},
            "ABIDE_SQLITE_TIMEOUT: 'soon' is not a whole number",
        ),
    ],
)
def test_a_bad_setting_fails_with_one_clear_line(tmp_path, env, message):
    result = run_abide("version", env=env, data_dir=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("abide: error: configuration: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_database_that_cannot_be_reached_fails_with_one_clear_line(tmp_path):
    result = run_abide(
        "init", env={"DATABASE_URL": "postgres://abide:secret@127.0.0.1:9/abide"}, data_dir=tmp_path
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        "abide: error: cannot use DATABASE_URL=postgres://…@127.0.0.1:9/abide"
    )
    assert "secret" not in result.stderr


def test_the_secret_key_is_generated_once_and_kept_in_the_data_dir(tmp_path):
    assert run_abide("version", data_dir=tmp_path).returncode == 0
    key_file = tmp_path / "secret_key"
    key = key_file.read_text()
    assert len(key) >= 50 and oct(key_file.stat().st_mode)[-3:] == "600"
    assert run_abide("version", data_dir=tmp_path).returncode == 0
    assert key_file.read_text() == key


def test_a_data_dir_that_is_a_file_is_refused(tmp_path):
    path = tmp_path / "a-file"
    path.write_text("x")
    result = run_abide("version", data_dir=path)
    assert result.returncode == 2
    assert "ABIDE_DATA_DIR" in result.stderr and "not a directory" in result.stderr


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: this run uses PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 20_000
