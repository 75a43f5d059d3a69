"""What the desk's tests share: running the worker on the queue, in-process or as `abide worker`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

TINY = Path(__file__).resolve().parents[2] / "extraction" / "tests" / "data" / "tiny-readout.txt"


def run_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """`abide worker --batch`: run every queued job in this process, then return. Inside a test's
    transaction the worker must not recycle the connection between jobs (it would be the test's)."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


def database_url() -> str:
    """The URL of the database the tests use, for a worker run as its own process."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def start_worker_process(*extra: str) -> subprocess.Popen:
    """`abide worker` as its own process against the tests' database."""
    source = Path(__file__).resolve().parents[3]
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "PYTHONPATH": f"{source}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        "DJANGO_SETTINGS_MODULE": "abide.settings",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "abide.cli", "worker", "--no-startup-delay", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
