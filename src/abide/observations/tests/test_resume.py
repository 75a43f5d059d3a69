"""An import killed with SIGKILL mid-batch leaves whole batches only, and the re-run finishes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from abide.observations.importer import import_file
from abide.observations.models import ImportRun, Observation
from abide.observations.tests.test_import import ucdp_row, write_ucdp

ROWS = 30_000
BATCH = 500


def database_url() -> str:
    options = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{options['NAME']}"
    host = options.get("HOST") or "127.0.0.1"
    port = options.get("PORT") or 5432
    return f"postgres://{options.get('USER') or 'postgres'}@{host}:{port}/{options['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_killed_mid_batch_resumes_and_ends_with_exactly_the_rows_of_the_file(
    tmp_path, starter_registry, analyst
):
    path = write_ucdp(tmp_path / "big.csv", [ucdp_row(n) for n in range(1, ROWS + 1)])
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "ABIDE_DATA_DIR": str(settings.DATA_DIR),
    }
    command = [str(Path(sys.executable).with_name("abide")), "import", "ucdp", str(path)]
    child = subprocess.Popen(
        [*command, "--batch-size", str(BATCH), "--as", analyst.username],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and child.poll() is None:
            run = ImportRun.objects.first()
            if run is not None and run.rows_done >= 4 * BATCH:
                break
            time.sleep(0.02)
        assert child.poll() is None, child.stderr.read().decode()
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    run = ImportRun.objects.get()
    stored = Observation.objects.count()
    assert run.state == ImportRun.State.RUNNING
    assert 0 < stored < ROWS
    assert stored == run.rows_done and stored % BATCH == 0  # whole batches, nothing of a half

    summary = import_file(path, "ucdp", actor=analyst, batch_size=BATCH)
    assert summary.resumed_after == stored
    assert (summary.created, summary.rejected) == (ROWS, 0)
    assert Observation.objects.count() == ROWS
    assert set(Observation.objects.values_list("original_id", flat=True)) == {
        str(n) for n in range(1, ROWS + 1)
    }
    run.refresh_from_db()
    assert (run.state, run.rows_done) == (ImportRun.State.FINISHED, ROWS)
