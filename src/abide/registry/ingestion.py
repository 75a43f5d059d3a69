"""Ingesting documents: the extraction library reads them, the registry's services store them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from abide.accounts.access import AnyUser
from abide.accounts.models import User
from abide.core.errors import describe
from abide.extraction import (
    Actor,
    Document,
    DocumentError,
    ExtractionResult,
    Extractor,
    read_file,
    read_text,
)
from abide.extraction.prediction import THRESHOLD
from abide.geo.gazetteer import Gazetteer
from abide.registry.access import require_registry_editor
from abide.registry.models import Category, Extraction, Party, Person, SourceKind
from abide.registry.services import (
    CommitmentIn,
    DocumentIn,
    IngestResult,
    LinkIn,
    StatementIn,
    WalkBackIn,
    ingest_document,
)
from abide.registry.snapshot import registry_snapshot

READABLE_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}


def check_source_url(url: str) -> str:
    """The URL a document was published at, if it is a valid http(s) URL; anything else
    (``javascript:``, ``data:``, ``file:``, ``ftp:``) is refused with a ValidationError on
    ``url``: a source's link is shown to readers, and must lead to a web page."""
    url = url.strip()
    if not url:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ValidationError(
            {"url": _("%(url)r is not an http(s) URL") % {"url": url[:200]}}
        ) from exc
    return url


class IngestError(Exception):
    """A file that cannot be ingested; nothing of it was stored."""

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass(frozen=True)
class Outcome:
    path: str
    result: IngestResult | None
    error: str = ""


def make_extractor() -> Extractor:
    """An extractor that resolves names against the database's registry."""
    return Extractor(registry_snapshot(), gazetteer=Gazetteer())


def files_in(paths: Iterable[str | Path]) -> list[Path]:
    """The files named, and the readable files under the folders named, in sorted order."""
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in READABLE_SUFFIXES
                )
            )
        else:
            found.append(path)
    return found


def ingest_files(
    paths: Iterable[Path],
    *,
    actor: AnyUser,
    extractor: Extractor,
    published: dt.date | None = None,
    publisher: str = "",
    url: str = "",
    progress: Callable[[Outcome], None] = lambda outcome: None,
) -> Iterator[Outcome]:
    """Ingest each file in its own transaction; a file that fails is reported and skipped.
    Anyone but the registry's editors is refused (PermissionDenied) before any file is read."""
    require_registry_editor(actor, _("ingest documents"))
    url = check_source_url(url)
    rows = RegistryRows.load()
    for path in paths:
        try:
            result = ingest_file(
                path,
                actor=actor,
                extractor=extractor,
                published=published,
                publisher=publisher,
                url=url,
                rows=rows,
            )
            outcome = Outcome(str(path), result)
        except IngestError as exc:
            outcome = Outcome(str(path), None, exc.reason)
        progress(outcome)
        yield outcome


def ingest_file(
    path: str | Path,
    *,
    actor: AnyUser,
    extractor: Extractor,
    published: dt.date | None = None,
    publisher: str = "",
    url: str = "",
    rows: RegistryRows | None = None,
) -> IngestResult:
    """Read, extract and store one file: one transaction, one audit entry. The same text twice
    is reported as already ingested and stores nothing. Anyone but the registry's editors is
    refused (PermissionDenied) before the file is read."""
    require_registry_editor(actor, _("ingest documents"))
    try:
        document = read_file(path, published=published)
    except DocumentError as exc:
        raise IngestError(path, str(exc)) from exc
    return _store(
        document, path, actor=actor, extractor=extractor, publisher=publisher, url=url, rows=rows
    )


def ingest_text(
    text: str,
    *,
    name: str,
    actor: User,
    extractor: Extractor,
    published: dt.date | None = None,
    publisher: str = "",
    url: str = "",
) -> IngestResult:
    """Read, extract and store a text as ``abide ingest`` stores a file named ``name`` (whose
    suffix says whether it is HTML, Markdown or plain text): one transaction, one audit entry."""
    if not text.strip():
        raise IngestError(name, "the text is empty")
    suffix = Path(name).suffix.lower()
    kind = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}.get(
        suffix, "text" if suffix == ".txt" else "auto"
    )
    document = read_text(text, published=published, kind=kind)
    if suffix:
        document.metadata.setdefault("file", Path(name).name)
    return _store(document, name, actor=actor, extractor=extractor, publisher=publisher, url=url)


def _store(
    document: Document,
    path: str | Path,
    *,
    actor: User,
    extractor: Extractor,
    publisher: str,
    url: str,
    rows: RegistryRows | None = None,
) -> IngestResult:
    if publisher:
        document.publisher = publisher
    try:
        url = check_source_url(url)
    except ValidationError as exc:
        raise IngestError(path, describe(exc)) from exc
    if url:
        document.url = url
    result = extractor.extract(document)
    try:
        return ingest_document(to_document_in(result, rows=rows), actor=actor)
    except ValidationError as exc:
        raise IngestError(path, describe(exc)) from exc


@dataclass(frozen=True)
class RegistryRows:
    """The registry's rows by identifier, read once for a whole ingestion run."""

    parties: dict[str, Party]
    persons: dict[str, Person]
    categories: dict[str, Category]

    @classmethod
    def load(cls) -> RegistryRows:
        return cls(
            {p.slug: p for p in Party.objects.all()},
            {p.slug: p for p in Person.objects.all()},
            {c.slug: c for c in Category.objects.all()},
        )


def to_document_in(
    result: ExtractionResult, *, threshold: float = THRESHOLD, rows: RegistryRows | None = None
) -> DocumentIn:
    """The extraction result as the registry's input: names become registry rows."""
    document = result.document
    rows = rows or RegistryRows.load()
    parties, persons, categories = rows.parties, rows.persons, rows.categories

    def party(actor: Actor | None) -> Party | None:
        return parties.get(actor.party) if actor and actor.party else None

    def person(actor: Actor | None) -> Person | None:
        return persons.get(actor.person) if actor and actor.person else None

    statements = tuple(
        StatementIn(
            start=s.span.start,
            end=s.span.end,
            mode=s.mode,
            speaker_person=person(s.speaker),
            speaker_party=party(s.speaker),
            addressee_person=person(s.addressee),
            addressee_party=party(s.addressee),
            date_spoken=s.date_spoken,
            chain=tuple(
                LinkIn(
                    link.relation,
                    person=person(link.actor),
                    party=party(link.actor),
                    name=link.actor.label,
                    to_person=person(link.to),
                )
                for link in s.chain
            ),
        )
        for s in result.statements
    )
    commitments = tuple(
        CommitmentIn(
            kind=c.kind,
            category=categories[c.category],
            text=c.text[:2000],
            statements=c.statements,
            obligor_party=party(c.obligor),
            obligor_person=person(c.obligor),
            demanded_by_party=party(c.demanded_by),
            demanded_by_person=person(c.demanded_by),
            scope_area=c.scope_area[:300],
            scope_population=c.scope_population[:300],
            date_made=c.date_made,
            deadline=c.deadline,
            condition=c.condition,
            confidence=c.confidence,
        )
        for c in result.commitments
        if c.confidence >= threshold and c.category in categories
    )
    walk_backs = tuple(
        WalkBackIn(
            kind=w.kind,
            party=parties[w.actor.party],
            category=categories[w.category],
            text=w.text,
            statement=w.statement,
            condition=w.condition,
            confidence=w.confidence,
        )
        for w in result.walk_backs
        if w.confidence >= threshold and w.actor.party in parties and w.category in categories
    )
    metadata = dict(document.metadata)
    metadata.update(
        {
            "reading_minutes": document.reading_minutes,
            "words": document.words,
            "proposals": [
                {"kind": p.kind, "name": p.name, "mentions": p.mentions} for p in result.proposals
            ],
        }
    )
    dateline = document.dateline
    return DocumentIn(
        kind=source_kind(result),
        title=(document.title or metadata.get("file") or "untitled")[:500],
        text=document.body,
        language=document.language,
        publisher=document.publisher,
        published=document.published,
        url=document.url[:1000],
        dateline_place=dateline.place if dateline else "",
        dateline_date=dateline.date if dateline else None,
        dateline_agency=dateline.agency if dateline else "",
        metadata=_jsonable(metadata),
        extraction=Extraction.EXTRACTED if result.extracted else Extraction.NOT_EXTRACTED,
        statements=statements if result.extracted else (),
        commitments=commitments if result.extracted else (),
        walk_backs=walk_backs if result.extracted else (),
    )


def source_kind(result: ExtractionResult) -> str:
    document = result.document
    title = document.title.lower()
    if title.startswith("readout") or " readout " in f" {title} ":
        return SourceKind.READOUT
    if "briefing" in title or "press gaggle" in title or "press call" in title:
        return SourceKind.BRIEFING
    if "agreement" in title or "accord" in title:
        return SourceKind.AGREEMENT
    if document.dateline is not None:
        return SourceKind.NEWS_ARTICLE
    if "report" in title:
        return SourceKind.REPORT
    return SourceKind.STATEMENT


def _jsonable(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value
