"""The demo data set: documents written for abide, ingested through the extractor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import yaml

from abide.accounts.models import User
from abide.extraction import Extractor, read_text
from abide.registry.ingestion import make_extractor, to_document_in
from abide.registry.models import Commitment
from abide.registry.services import IngestResult, confirm_commitment, ingest_document

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo.yaml"


def load_demo(
    *,
    actor: User,
    reviewer: User | None = None,
    extractor: Extractor | None = None,
    progress: Callable[[str], None] = lambda m: None,
) -> list[IngestResult]:
    """Ingest every demo document (each is stored once, by its text's hash). With a
    ``reviewer``, the commitments of newly ingested documents are confirmed in their name."""
    raw = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    extractor = extractor or make_extractor()
    results = []
    for item in raw["documents"]:
        published = item["published"]
        if not isinstance(published, dt.date):
            published = dt.date.fromisoformat(str(published))
        document = read_text(item["text"], published=published, kind="text")
        document.title = item["title"]
        document.publisher = item.get("publisher", "")
        document.metadata["demo"] = True
        document_in = replace(to_document_in(extractor.extract(document)), kind=item["kind"])
        result = ingest_document(document_in, actor=actor)
        state = "ingested" if result.created else "already ingested"
        progress(f"{state}: {result.source.title}")
        if result.created and reviewer is not None:
            commitments = Commitment.objects.filter(statements__source=result.source).distinct()
            for commitment in commitments:
                confirm_commitment(commitment, actor=reviewer, note="demo data")
            progress(f"confirmed {len(commitments)} commitments as {reviewer.username}")
        results.append(result)
    return results
