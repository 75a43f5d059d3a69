"""The demo data set: documents written for abide, stored through the ingestion services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import yaml

from abide.accounts.models import User
from abide.registry.models import Category, Commitment
from abide.registry.services import (
    CommitmentIn,
    DocumentIn,
    IngestResult,
    LinkIn,
    RegistryError,
    StatementIn,
    confirm_commitment,
    find_party,
    find_person,
    ingest_document,
)

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo.yaml"


def _party(name: str | None):
    if not name:
        return None
    party = find_party(name)
    if party is None:
        raise RegistryError(f"{DEMO_FILE.name}: unknown party {name!r}")
    return party


def _person(name: str | None):
    if not name:
        return None
    person = find_person(name)
    if person is None:
        raise RegistryError(f"{DEMO_FILE.name}: unknown person {name!r}")
    return person


def _date(value: object) -> dt.date | None:
    return (
        value if isinstance(value, dt.date) or value is None else dt.date.fromisoformat(str(value))
    )


def _document(raw: dict) -> DocumentIn:
    text = raw["text"].strip()
    statements = []
    for item in raw.get("statements", []):
        start = text.find(item["quote"])
        if start < 0:
            raise RegistryError(f"{DEMO_FILE.name}: quote not in its text: {item['quote']!r}")
        chain = tuple(
            LinkIn(
                relation=link["relation"],
                person=_person(link.get("who")),
                party=_party(link.get("party")),
                name=link.get("name", ""),
                to_person=_person(link.get("to")),
            )
            for link in item.get("chain", [])
        )
        statements.append(
            StatementIn(
                start=start,
                end=start + len(item["quote"]),
                mode=item["mode"],
                speaker_person=_person(item.get("speaker")),
                speaker_party=_party(item.get("speaker_party")),
                addressee_person=_person(item.get("addressee")),
                addressee_party=_party(item.get("addressee_party")),
                date_spoken=_date(item.get("date_spoken")),
                chain=chain,
            )
        )
    commitments = tuple(
        CommitmentIn(
            kind=item["kind"],
            category=Category.objects.get(slug=item["category"]),
            text=item["text"],
            statements=tuple(item.get("statements", [])),
            obligor_party=_party(item.get("obligor")),
            obligor_person=_person(item.get("obligor_person")),
            demanded_by_party=_party(item.get("by_party")),
            demanded_by_person=_person(item.get("by")),
            scope_area=item.get("scope_area", ""),
            scope_population=item.get("scope_population", ""),
            date_made=_date(item.get("date_made")),
        )
        for item in raw.get("commitments", [])
    )
    dateline = raw.get("dateline") or {}
    return DocumentIn(
        kind=raw["kind"],
        title=raw["title"],
        text=text,
        language=raw["language"],
        publisher=raw.get("publisher", ""),
        published=_date(raw.get("published")),
        dateline_place=dateline.get("place", ""),
        dateline_date=_date(dateline.get("date")),
        dateline_agency=dateline.get("agency", ""),
        metadata={"demo": True},
        statements=tuple(statements),
        commitments=commitments,
    )


def load_demo(
    *,
    actor: User,
    reviewer: User | None = None,
    progress: Callable[[str], None] = lambda m: None,
) -> list[IngestResult]:
    """Ingest every demo document (each is stored once, by its text's hash). With a
    ``reviewer``, the commitments of newly ingested documents are confirmed in their name."""
    raw = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    results = []
    for item in raw["documents"]:
        result = ingest_document(_document(item), actor=actor)
        state = "ingested" if result.created else "already ingested"
        progress(f"{state}: {result.source.title}")
        if result.created and reviewer is not None:
            commitments = Commitment.objects.filter(statements__source=result.source).distinct()
            for commitment in commitments:
                confirm_commitment(commitment, actor=reviewer, note="demo data")
            progress(f"confirmed {len(commitments)} commitments as {reviewer.username}")
        results.append(result)
    return results
