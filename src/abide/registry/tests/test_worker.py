"""Sources queued for ingestion and run by the worker, as `abide ingest` stores them."""

from __future__ import annotations

import datetime as dt
import signal
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tasks_db.models import DBTaskResult

from abide.audit.models import AuditEntry
from abide.cli import abide_commands
from abide.registry.jobs import MAX_SOURCE_BYTES, get_job_for, queue_ingest
from abide.registry.models import Commitment, Source
from abide.registry.tests.desk import TINY, run_worker, start_worker_process


def test_a_queued_text_is_read_and_stored_by_the_worker_with_its_counts(
    starter_registry, analyst, monkeypatch
):
    job = queue_ingest(
        actor=analyst,
        file_name="tiny-readout.txt",
        file_data=TINY.read_bytes(),
        published=dt.date(2024, 3, 3),
        publisher="abide desk",
        url="https://example.org/readout",
    )
    assert job.status == "queued" and Source.objects.count() == 0
    run_worker(monkeypatch)
    done = get_job_for(analyst, job.id)
    assert done.status == "done" and done.created and done.errors == []
    source = Source.objects.get(pk=done.source)
    assert (source.publisher, source.url, source.published) == (
        "abide desk",
        "https://example.org/readout",
        dt.date(2024, 3, 3),
    )
    stored = Commitment.objects.filter(statements__source=source).distinct()
    assert done.commitments == stored.count() >= 2
    assert done.statements == source.statements.count()
    entry = AuditEntry.objects.filter(action="ingest").get()
    assert entry.actor == analyst and entry.object_id == str(source.pk)


def test_the_same_text_again_is_reported_as_already_stored(starter_registry, analyst, monkeypatch):
    first = queue_ingest(actor=analyst, text=TINY.read_text())
    second = queue_ingest(actor=analyst, text=TINY.read_text())
    run_worker(monkeypatch)
    a, b = get_job_for(analyst, first.id), get_job_for(analyst, second.id)
    assert a.created and not b.created and a.source == b.source
    assert Source.objects.count() == 1


def test_pasted_html_is_read_as_html(starter_registry, analyst, monkeypatch):
    html = (
        "<html><body><h1>Readout</h1><p>"
        + TINY.read_text().split("\n", 2)[2]
        + "</p></body></html>"
    )
    job = queue_ingest(actor=analyst, text=html)
    assert job.name == "pasted.html"
    run_worker(monkeypatch)
    source = Source.objects.get(pk=get_job_for(analyst, job.id).source)
    assert "<p>" not in source.text and "Lavrov" in source.text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", b"%PDF-1.7 ...", "abide reads .txt, .md and .html files"),
        ("report.txt", b"", "the file is empty"),
        ("report.txt", b"   \n ", "the file is empty"),
        ("report.txt", b"a" * (MAX_SOURCE_BYTES + 1), "larger than"),
        ("report.txt", b"abc\x00def", "a binary file"),
        ("report.txt", "caf\u00e9".encode("latin-1"), "not UTF-8"),
    ],
)
def test_a_bad_upload_is_refused_naming_the_file_and_nothing_is_queued(
    starter_registry, analyst, name, data, message
):
    with pytest.raises(ValidationError) as caught:
        queue_ingest(actor=analyst, file_name=name, file_data=data)
    assert message in caught.value.message_dict["file"][0]
    assert name in caught.value.message_dict["file"][0]
    assert DBTaskResult.objects.count() == 0


def test_a_bad_address_or_no_text_is_refused_naming_the_field(starter_registry, analyst):
    with pytest.raises(ValidationError) as caught:
        queue_ingest(actor=analyst, text="   ")
    assert "text" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        queue_ingest(actor=analyst, text="Some words.", url="javascript:alert(1)")
    assert "url" in caught.value.message_dict
    assert DBTaskResult.objects.count() == 0


@pytest.mark.parametrize("role", ["observer", "partner"])
def test_only_analysts_queue_sources_and_follow_jobs(starter_registry, analyst, role, request):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        queue_ingest(actor=user, text=TINY.read_text())
    job = queue_ingest(actor=analyst, text=TINY.read_text())
    with pytest.raises(PermissionDenied):
        get_job_for(user, job.id)
    assert DBTaskResult.objects.count() == 1


def test_abide_help_lists_the_worker():
    assert "worker" in abide_commands()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_abide_worker_as_its_own_process_takes_the_queued_source_and_stops_on_sigterm(
    starter_registry, analyst
):
    job = queue_ingest(actor=analyst, text=TINY.read_text(), publisher="abide desk")
    worker = start_worker_process("--interval", "0.2")
    try:
        deadline = time.monotonic() + 120
        found = get_job_for(analyst, job.id)
        while not found.finished and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
            found = get_job_for(analyst, job.id)
        assert found.status == "done", found
        assert Source.objects.get(pk=found.source).publisher == "abide desk"
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert worker.returncode == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_demo_starts_a_worker_beside_the_server_and_stops_it_with_the_server(
    starter_registry, analyst, monkeypatch
):
    from abide.core.management.commands.demo import start_worker, stop_worker
    from abide.registry.tests.desk import database_url

    monkeypatch.setenv("DATABASE_URL", database_url())
    job = queue_ingest(actor=analyst, text=TINY.read_text())
    worker = start_worker()
    try:
        deadline = time.monotonic() + 120
        found = get_job_for(analyst, job.id)
        while not found.finished and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
            found = get_job_for(analyst, job.id)
        assert found.status == "done"
    finally:
        stop_worker(worker)
    assert worker.returncode == 0
