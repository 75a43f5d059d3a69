"""`abide ingest` killed with SIGKILL at random points stores whole documents only (each with
all its statements and proposals, audited), keeps the audit chain valid, and the re-run ends
with each document stored exactly once."""

from __future__ import annotations

from pathlib import Path

import pytest

from abide.audit.models import AuditEntry
from abide.core.tests.kills import assert_audit_log_intact, kill_at_random_points
from abide.extraction import read_text
from abide.registry.ingestion import make_extractor
from abide.registry.models import Commitment, Source, Statement

DOCUMENTS = 2
TIMES = 20

TEXT = """\
Statement {n} on the ceasefire around village {n}

BAKU, September {day} (Armenpress). Azerbaijan pledged on Monday to allow humanitarian access to
the road to village {n} and to take no further military action there, the State Department
spokesperson said. Armenia urged Azerbaijan to let observers reach village {n}.
"""


def write_documents(folder: Path, round_: int) -> Path:
    folder.mkdir()
    for index in range(DOCUMENTS):
        n = round_ * DOCUMENTS + index + 1
        (folder / f"d{index}.txt").write_text(TEXT.format(n=n, day=1 + n % 28), encoding="utf-8")
    return folder


def assert_consistent() -> None:
    """Every stored source came with its ingest audit entry naming exactly its statements and
    commitments; no statement or commitment is stored without its source's entry."""
    entries = {
        int(entry.object_id): entry
        for entry in AuditEntry.objects.filter(action="ingest", object_type="registry.source")
    }
    sources = set(Source.objects.values_list("id", flat=True))
    assert sources == set(entries), f"sources without their entry: {sources - set(entries)}"
    named: dict[str, set[int]] = {"registry.statement": set(), "registry.commitment": set()}
    for entry in entries.values():
        for item in entry.touched:
            if item["type"] in named:
                named[item["type"]].add(int(item["id"]))
    statements = set(Statement.objects.filter(source__in=sources).values_list("id", flat=True))
    assert statements == named["registry.statement"], "statements stored apart from a document"
    assert set(Statement.objects.values_list("id", flat=True)) == statements
    commitments = set(
        Commitment.objects.filter(statements__source__in=sources).values_list("id", flat=True)
    )
    assert commitments <= named["registry.commitment"], "commitments stored unaudited"
    assert_audit_log_intact()


def assert_complete(titles: set[str]) -> None:
    assert_consistent()
    stored = list(Source.objects.filter(title__startswith="Statement ").values_list("title"))
    assert sorted(title for (title,) in stored) == sorted(titles), "not each document once"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_ingestion_killed_at_random_points_stays_consistent_and_the_rerun_completes_it(
    tmp_path, starter_registry, analyst
):
    titles: set[str] = set()

    def command(round_: int) -> list[str]:
        folder = tmp_path / f"round{round_}"
        if not folder.exists():
            write_documents(folder, round_)
        return ["ingest", str(folder), "--as", analyst.username]

    def after_rerun(round_: int) -> None:
        for index in range(DOCUMENTS):
            n = round_ * DOCUMENTS + index + 1
            titles.add(f"Statement {n} on the ceasefire around village {n}")
        assert_complete(titles)

    report = kill_at_random_points(
        command,
        times=TIMES,
        # The English pipeline and the gazetteer, loaded once before the children are forked.
        preload=lambda: make_extractor().extract(read_text(TEXT.format(n=0, day=1))),
        after_kill=lambda round_: assert_consistent(),
        after_rerun=after_rerun,
    )
    print(
        f"ingest: {report.killed} killed mid-ingestion, {report.finished_first} finished first, "
        f"window {report.window:.2f} s, seed {report.seed}"
    )
    assert report.rounds == TIMES
    assert report.killed >= TIMES // 2, "most kills should land inside the ingestion"
