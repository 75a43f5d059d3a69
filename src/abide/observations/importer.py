"""Importing event files: streamed, in transactional batches with a resume point, idempotent.

A file is read record by record; every ``batch_size`` records are converted and written in
one transaction together with the run's progress and one audit entry. A run that was killed
is resumed, after its last whole batch, when the same file (by SHA-256) is imported again.
Rows are keyed by (data set, original id): importing a row again updates it where it
changed and leaves it alone where it did not. The next batch is read, checked and converted
in a thread of its own while the database writes the last one (:mod:`abide.core.ahead`); the
writes, their transactions and resume points stay in the caller's thread, in order.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from abide.accounts.models import User
from abide.audit.services import record_batch
from abide.core.ahead import read_ahead
from abide.observations import mapcells
from abide.observations.access import can_import_observations
from abide.observations.custom import read_mapping
from abide.observations.mapping import ActorMatcher
from abide.observations.models import ImportRun, Observation, SubType
from abide.observations.rows import (
    ACLED_ALIASES,
    ACLED_REQUIRED,
    UCDP_REQUIRED,
    Converter,
    Draft,
    LayoutError,
    Lookups,
    RowError,
    acled_converter,
    ucdp_converter,
)
from abide.observations.sources import Source, open_source
from abide.observations.writing import (
    BatchResult,
    Statistics,
    existing_rows,
    plan,
    prepare,
    write_batch,
)
from abide.registry.languages import normalise_alias
from abide.registry.models import Category, Party, PartyAlias

#: The kinds of file ``abide import`` reads.
KINDS = ("ucdp", "acled", "csv", "geojson")
#: Records per transaction unless told: each commit has its cost (the resume point, the audit
#: entry, the map's days, SQLite's checkpoint), and 5,000 rows are a few megabytes.
BATCH_SIZE = 5000
#: SQLite's: each commit writes every page its rows touched to the write-ahead log, and in a
#: large table most rows touch a page of their own in each index; five times as many rows a
#: commit touch far fewer than five times the pages (a million ACLED rows: 155 s with 5,000,
#: 134 s with 15,000, 120 s with 25,000; the write lock is held about 3 s a batch).
SQLITE_BATCH_SIZE = 25000


def default_batch_size() -> int:
    """Records per transaction on this database unless told."""
    return SQLITE_BATCH_SIZE if connection.vendor == "sqlite" else BATCH_SIZE


class ImportFailed(Exception):
    """The file cannot be imported at all (unknown layout, unreadable, bad mapping)."""


@dataclass
class ImportSummary:
    file: str
    dataset: str = ""
    #: Records read in this run (those skipped on resuming included).
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    #: Records already imported by the interrupted run that this one resumed.
    resumed_after: int = 0
    dry_run: bool = False
    #: Why the file ended before its end (a truncated GeoJSON): the whole records read before
    #: the break are stored and the run is marked failed; "" when the file was read to its end.
    broken: str = ""
    #: Actor names that matched no registry party, with their number of rows.
    unmatched_actors: dict[str, int] = field(default_factory=dict)
    #: The import run (its id), for what follows an import; None on a dry run.
    run: int | None = None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def guess_version(path: Path) -> str:
    """The data set's version when the file name gives it: "GEDEvent_v23_1" is 23.1,
    "ged191" is 19.1."""
    name = path.name.lower()
    found = re.search(r"v(\d{2})[._](\d+)", name) or re.search(r"ged(\d{2})(\d)", name)
    return f"{found.group(1)}.{found.group(2)}" if found else ""


def lookups() -> Lookups:
    parties: dict[str, int] = {}
    for party in Party.objects.only("id", "slug", "name_en"):
        parties.setdefault(normalise_alias(party.name_en), party.id)
        parties.setdefault(normalise_alias(party.slug), party.id)
    for normalised, party_id in PartyAlias.objects.values_list("normalised", "party_id"):
        parties.setdefault(normalised, party_id)
    return Lookups(
        categories=dict(Category.objects.values_list("slug", "id")),
        subtypes=dict(SubType.objects.values_list("slug", "id")),
        actors=ActorMatcher(parties),
    )


def _missing(columns: tuple[str, ...], required: tuple[str, ...]) -> list[str]:
    present = set(columns)
    return [name for name in required if name not in present]


def _open(
    path: Path, kind: str, mapping: Path | None, version: str, found: Lookups
) -> tuple[Source, Converter, str]:
    """The open file, its converter and its data set's name."""
    if kind not in KINDS:
        raise ImportFailed(_("unknown kind of file %(kind)r") % {"kind": kind})
    if not path.is_file():
        raise ImportFailed(_("%(path)s: no such file") % {"path": path})
    if mapping is not None:
        custom = read_mapping(mapping, found)
        source = open_source(path, custom.aliases)
        missing = _missing(source.columns, custom.required)
        if missing:
            source.close()
            raise LayoutError(
                _("%(path)s:1: header: columns named in %(mapping)s are missing: %(columns)s")
                % {"path": path, "mapping": mapping, "columns": ", ".join(missing)}
            )
        return source, custom.converter(found), custom.dataset
    if kind == "csv":
        raise ImportFailed(_("a CSV file needs --mapping: a file naming its columns"))
    aliases = ACLED_ALIASES if kind == "acled" else {}
    source = open_source(path, aliases)
    layouts = {"ucdp": UCDP_REQUIRED, "acled": ACLED_REQUIRED}
    if kind == "geojson":
        kind = next(
            (name for name, required in layouts.items() if not _missing(source.columns, required)),
            "",
        )
        if not kind:
            source.close()
            raise LayoutError(
                _(
                    "%(path)s: properties: neither UCDP GED nor ACLED properties; "
                    "give --mapping to name them"
                )
                % {"path": path}
            )
    missing = _missing(source.columns, layouts[kind])
    if missing:
        source.close()
        label = {"ucdp": "UCDP GED", "acled": "ACLED"}[kind]
        raise LayoutError(
            _("%(path)s:1: header: not a %(layout)s layout: missing columns %(columns)s")
            % {"path": path, "layout": label, "columns": ", ".join(missing)}
        )
    if kind == "ucdp":
        return source, ucdp_converter(found, version), "ucdp-ged"
    return source, acled_converter(found, version), "acled"


Problem = Callable[[str], None]
Progress = Callable[[int, int], None]


def import_file(
    path: Path,
    kind: str,
    *,
    actor: User,
    mapping: Path | None = None,
    version: str | None = None,
    batch_size: int | None = None,
    dry_run: bool = False,
    strict: bool = False,
    on_problem: Problem = lambda message: None,
    on_progress: Progress = lambda done, total: None,
) -> ImportSummary:
    """Import one file of ``kind`` (ucdp, acled, csv or geojson); see the module's docstring.

    Bad rows are reported through ``on_problem`` as ``FILE:LINE: column: reason``, counted
    and not stored; with ``strict`` the whole file is checked first and nothing is stored
    if any row is bad. ``on_progress(bytes_read, file_size)`` follows the reading.
    """
    if not can_import_observations(actor):
        raise ImportFailed(
            _(
                "%(user)s may not import observations (analysts, the head of mission and "
                "administrators may)"
            )
            % {"user": actor.get_username()}
        )
    if batch_size is None:
        batch_size = default_batch_size()
    if batch_size < 1:
        raise ImportFailed(_("the batch size must be at least 1"))
    path = Path(path)
    found = lookups()
    version = guess_version(path) if version is None else version
    try:
        source, convert, dataset = _open(path, kind, mapping, version, found)
    except LayoutError as exc:
        raise ImportFailed(str(exc)) from None
    summary = ImportSummary(file=str(path), dataset=dataset, dry_run=dry_run)
    size = path.stat().st_size
    try:
        if strict:
            bad = _check(source, convert, path, on_problem)
            if bad:
                raise ImportFailed(
                    _("%(count)d bad rows: nothing was stored (--strict)") % {"count": bad}
                )
            source.close()
            source, convert, dataset = _open(path, kind, mapping, version, found)
        run = None if dry_run else _run_for(path, dataset, size, actor)
        batch = _Batch(dataset, summary, run, actor, dry_run)
        skip = run.rows_done if run is not None else 0
        summary.resumed_after = skip
        # PostgreSQL: the next batch is read and checked while the server writes the last one.
        # SQLite writes in this process, releasing Python's lock for each row: a reader
        # beside it only takes the lock from it (a million ACLED rows: 164 s, 155 s without).
        postgres = connection.vendor == "postgresql"
        chunks = _chunks(source, convert, path, skip, batch_size, postgres)
        for chunk in read_ahead(chunks) if postgres else chunks:
            for problem in chunk.problems:
                on_problem(problem)
            summary.rows = chunk.rows
            batch.take(chunk)
            if chunk.last:
                # A file that breaks off (a truncated GeoJSON): the whole records before the
                # break are stored, and the run ends as failed rather than waiting to be resumed.
                summary.broken = chunk.broken
                batch.flush(last=True, failed=bool(chunk.broken))
                on_progress(size, size)
            else:
                batch.flush()
                on_progress(chunk.bytes_read, size)
    except LayoutError as exc:
        raise ImportFailed(str(exc)) from None
    finally:
        source.close()
    if run is not None:
        summary.run = run.pk
        run.refresh_from_db()
        summary.created, summary.updated = run.created, run.updated
        summary.unchanged, summary.rejected = run.unchanged, run.rejected
    summary.unmatched_actors = dict(found.actors.unmatched)
    return summary


@dataclass
class _Chunk:
    """The records of one batch, read and converted: their drafts (one per original id, the
    last one standing), how many were read and rejected, and why."""

    drafts: dict[str, Draft] = field(default_factory=dict)
    records: int = 0
    rejected: int = 0
    problems: list[str] = field(default_factory=list)
    #: Records read from the file's start to this batch's end (skipped ones included).
    rows: int = 0
    bytes_read: int = 0
    #: The file's last batch; ``broken`` says why it ends before its end, if it does.
    last: bool = False
    broken: str = ""


def _chunks(
    source: Source, convert: Converter, path: Path, skip: int, batch_size: int, postgres: bool
) -> Iterator[_Chunk]:
    """The file's batches after the first ``skip`` records, read, converted and made ready to
    be written as new rows (no database here: this runs ahead of the writes, in a thread of
    its own)."""
    rows = 0
    chunk = _Chunk()
    try:
        for record in source.records():
            rows += 1
            if rows <= skip:
                continue
            chunk.records += 1
            error = record.error
            if error is None:
                try:
                    draft = prepare(convert(record.values), postgres)
                except RowError as exc:
                    error = exc
                else:
                    # The same id twice in one batch: the last one stands.
                    chunk.drafts.pop(draft.key, None)
                    chunk.drafts[draft.key] = draft
            if error is not None:
                chunk.rejected += 1
                chunk.problems.append(f"{path}:{record.where}: {error}")
            if chunk.records >= batch_size:
                chunk.rows, chunk.bytes_read = rows, source.counter.bytes_read
                yield chunk
                chunk = _Chunk()
    except LayoutError as exc:
        chunk.broken = str(exc)
    chunk.rows, chunk.bytes_read, chunk.last = rows, source.counter.bytes_read, True
    yield chunk


def _check(source: Source, convert: Converter, path: Path, on_problem: Problem) -> int:
    bad = 0
    for record in source.records():
        error = record.error
        if error is None:
            try:
                convert(record.values)
            except RowError as exc:
                error = exc
        if error is not None:
            bad += 1
            on_problem(f"{path}:{record.where}: {error}")
    return bad


def _run_for(path: Path, dataset: str, size: int, actor: User) -> ImportRun:
    """The interrupted run of this very file, to resume; else a new run."""
    digest = file_sha256(path)
    run = (
        ImportRun.objects.filter(dataset=dataset, file_sha256=digest, state=ImportRun.State.RUNNING)
        .order_by("-started_at")
        .first()
    )
    if run is None:
        run = ImportRun.objects.create(
            dataset=dataset,
            file_name=str(path)[-500:],
            file_sha256=digest,
            file_size=size,
            state=ImportRun.State.RUNNING,
            actor=actor,
        )
    return run


class _Batch:
    """The records read since the last commit."""

    def __init__(
        self,
        dataset: str,
        summary: ImportSummary,
        run: ImportRun | None,
        actor: User,
        dry_run: bool,
    ) -> None:
        self.dataset = dataset
        self.summary = summary
        self.run = run
        self.actor = actor
        self.dry_run = dry_run
        self.drafts: dict[str, Draft] = {}
        self.statistics = Statistics()
        self.records = 0
        self.rejected = 0
        self.first_row = summary.rows + 1
        #: The last batch found none of its keys stored: write the next one as new at once.
        self.expect_new = False

    def take(self, chunk: _Chunk) -> None:
        self.drafts = chunk.drafts
        self.records = chunk.records
        self.rejected = chunk.rejected

    def flush(self, *, last: bool = False, failed: bool = False) -> None:
        drafts = list(self.drafts.values())
        if self.dry_run:
            new, changed, unchanged = plan(drafts, existing_rows(self.dataset, list(self.drafts)))
            self.summary.created += len(new)
            self.summary.updated += len(changed)
            self.summary.unchanged += unchanged + (self.records - self.rejected - len(drafts))
            self.summary.rejected += self.rejected
        elif self.records or last:
            with transaction.atomic():
                result = (
                    write_batch(self.dataset, drafts, expect_new=self.expect_new)
                    if drafts
                    else BatchResult()
                )
                self._commit(result, last, failed)
            if drafts:
                self.expect_new = not result.updated and not result.unchanged
            self.statistics.wrote(len(result.created))
            if last:  # the map's days this import changed, counted again once
                mapcells.catch_up()
        self.drafts = {}
        self.records = self.rejected = 0
        self.first_row = self.summary.rows + 1

    def _commit(self, result: BatchResult, last: bool, failed: bool = False) -> None:
        run = self.run
        repeated = self.records - self.rejected - len(result.created) - len(result.updated)
        changes = {
            "rows_done": F("rows_done") + self.records,
            "created": F("created") + len(result.created),
            "updated": F("updated") + len(result.updated),
            "unchanged": F("unchanged") + repeated,
            "rejected": F("rejected") + self.rejected,
        }
        if last:
            state = ImportRun.State.FAILED if failed else ImportRun.State.FINISHED
            changes.update(state=state, finished_at=timezone.now())
        ImportRun.objects.filter(pk=run.pk).update(**changes)
        touched = result.created + result.updated
        if touched:
            record_batch(
                actor=self.actor,
                action="import",
                model=Observation,
                ids=touched,
                detail={
                    "file": run.file_name,
                    "sha256": run.file_sha256,
                    "dataset": self.dataset,
                    "rows": [self.first_row, self.summary.rows],
                    "created": len(result.created),
                    "updated": len(result.updated),
                },
            )
