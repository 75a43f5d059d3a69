"""Importing PA-X, the Peace Agreements Database (v4 CSV), as sources and proposed pledges.

Each agreement becomes one Source of kind "agreement", keyed by its PA-X ``AgtId``. PA-X
holds no agreement texts, so the source's text is a short synthetic one built from the
title, the signatories and the provisions that were mapped; it is built the same way every
time, so that its SHA-256 tells whether an agreement changed since it was last imported.

Which coded provisions make commitments is decided by a mapping file
(``data/pax_mapping.yaml``): for every mapped provision present in an agreement, each
signatory party that the registry knows makes one pledge, proposed for review, resting on
a statement that spans that provision's line of the synthetic text.

The file is streamed with the csv module; every ``batch_size`` agreements are written in
one transaction with one audit entry. Re-importing the same file changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from abide.accounts.access import AnyUser
from abide.accounts.models import User
from abide.audit.services import record_batch
from abide.geo.gazetteer import _read_countries
from abide.registry.access import require_registry_editor
from abide.registry.files import DATA
from abide.registry.models import (
    Category,
    Commitment,
    CommitmentKind,
    Mode,
    Party,
    PartyAlias,
    ReviewState,
    Source,
    SourceKind,
    Statement,
)
from abide.registry.services import normalise_text, text_sha256

#: The mapping used when none is given.
PAX_MAPPING = DATA / "pax_mapping.yaml"

#: The columns every PA-X file has and this import reads (besides the mapped provisions).
REQUIRED = (
    "Con",
    "PP",
    "PPName",
    "AgtId",
    "Ver",
    "Agt",
    "Dat",
    "Status",
    "Agtp",
    "Stage",
    "StageSub",
    "Part",
    "ThrdPart",
    "Loc1ISO",
    "Loc2ISO",
)

#: The columns kept in a source's metadata as they are.
KEPT = (
    "AgtId",
    "Ver",
    "PP",
    "PPName",
    "Stage",
    "StageSub",
    "Status",
    "Agtp",
    "Con",
    "Part",
    "ThrdPart",
    "Loc1ISO",
    "Loc2ISO",
)

#: Values a provision variable may take (0 = absent).
_VALUES = {"0", "1", "2", "3"}

Problem = Callable[[str], None]
Progress = Callable[[int, int], None]


class PaxImportFailed(ValidationError):
    """The file cannot be imported at all (unknown layout, unreadable, bad mapping); its one
    message names the file and, where it applies, the line and column."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="pax")

    def __str__(self) -> str:
        return self.messages[0]


# --- the mapping ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Provision:
    variable: str
    category: str
    text: str
    present: frozenset[str]
    population: str = ""


@dataclass(frozen=True)
class PaxMapping:
    path: Path
    dataset: str
    provisions: tuple[Provision, ...]
    #: Extra names (as PA-X writes them) for registry parties, by party identifier.
    party_names: dict[str, str]


def read_pax_mapping(path: Path = PAX_MAPPING) -> PaxMapping:
    """Read and check a mapping file; PaxImportFailed names the first problem."""
    path = Path(path)

    def bad(where: str, reason: str) -> PaxImportFailed:
        return PaxImportFailed(f"{path}: {where}: {reason}")

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PaxImportFailed(
            _("%(path)s: cannot read the mapping: %(error)s") % {"path": path, "error": exc}
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("provisions"), list):
        raise bad("provisions", _("a list of provisions is needed"))
    default = data.get("present", [1, 2, 3])
    provisions: list[Provision] = []
    seen: set[str] = set()
    for number, entry in enumerate(data["provisions"]):
        where = f"provisions[{number}]"
        if not isinstance(entry, dict):
            raise bad(where, _("not a mapping"))
        for key in ("variable", "category", "text"):
            if not str(entry.get(key) or "").strip():
                raise bad(f"{where}: {key}", _("missing"))
        variable = str(entry["variable"]).strip()
        if variable in seen:
            raise bad(f"{where}: variable", _("%(name)s is mapped twice") % {"name": variable})
        seen.add(variable)
        present = entry.get("present", default)
        if not isinstance(present, list) or not {str(v) for v in present} <= _VALUES - {"0"}:
            raise bad(f"{where}: present", _("a list of values among 1, 2 and 3 is needed"))
        provisions.append(
            Provision(
                variable=variable,
                category=str(entry["category"]).strip(),
                text=" ".join(str(entry["text"]).split()),
                present=frozenset(str(v) for v in present),
                population=str(entry.get("population") or "").strip(),
            )
        )
    names = data.get("party_names") or {}
    if not isinstance(names, dict):
        raise bad("party_names", _("a mapping of names to party identifiers is needed"))
    return PaxMapping(
        path=path,
        dataset=str(data.get("dataset") or "pa-x"),
        provisions=tuple(provisions),
        party_names={str(k): str(v) for k, v in names.items()},
    )


# --- resolving parties -----------------------------------------------------------------------


_DASHES = re.compile(r"[-‐‑‒–—]")
_SPACE = re.compile(r"\s+")


def _plain(text: str) -> str:
    """Accents stripped, dashes as spaces, spaces collapsed; case kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("’", "'").replace("‘", "'")
    return _SPACE.sub(" ", _DASHES.sub(" ", stripped)).strip()


def _is_acronym(name: str) -> bool:
    """Acronyms ("US", "UN", "PA") are matched in capitals only: "us" is no party."""
    letters = [ch for ch in name if ch.isalpha()]
    return len(letters) <= 6 and all(ch.isupper() for ch in letters)


class PartyFinder:
    """Finds the registry parties named in a text: by identifier, English name, alias or a
    name the mapping adds, as whole words, the longest name first."""

    def __init__(self, names: dict[str, int]) -> None:
        folded: dict[str, int] = {}
        capitals: dict[str, int] = {}
        for name, party_id in names.items():
            plain = _plain(name)
            if not plain:
                continue
            if _is_acronym(plain):
                capitals.setdefault(plain, party_id)
            else:
                folded.setdefault(plain.casefold(), party_id)
        self._folded = folded
        self._capitals = capitals
        self._folded_re = self._pattern(folded)
        self._capitals_re = self._pattern(capitals)

    @staticmethod
    def _pattern(names: dict[str, int]) -> re.Pattern[str] | None:
        if not names:
            return None
        ordered = sorted(names, key=len, reverse=True)
        return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)")

    def named_in(self, text: str) -> list[int]:
        """The parties named in ``text``, in the order they first appear."""
        plain = _plain(text)
        found: list[tuple[int, int]] = []
        if self._folded_re is not None:
            folded = plain.casefold()
            found += [
                (m.start(), self._folded[m.group()]) for m in self._folded_re.finditer(folded)
            ]
        if self._capitals_re is not None:
            found += [
                (m.start(), self._capitals[m.group()]) for m in self._capitals_re.finditer(plain)
            ]
        parties: list[int] = []
        for _start, party_id in sorted(found):
            if party_id not in parties:
                parties.append(party_id)
        return parties

    def exactly(self, name: str) -> int | None:
        """The party that ``name`` is the whole name of, if any."""
        plain = _plain(name)
        if _is_acronym(plain) and plain in self._capitals:
            return self._capitals[plain]
        return self._folded.get(plain.casefold())


def party_finder(mapping: PaxMapping) -> PartyFinder:
    """A finder over the registry as it is now, with the mapping's extra names."""
    names: dict[str, int] = {}
    slugs: dict[str, int] = {}
    for party_id, slug, name in Party.objects.values_list("id", "slug", "name_en"):
        slugs[slug] = party_id
        names.setdefault(name, party_id)
    for alias, party_id in PartyAlias.objects.values_list("alias", "party_id"):
        names.setdefault(alias, party_id)
    for name, slug in mapping.party_names.items():
        if slug not in slugs:
            raise PaxImportFailed(
                _("%(path)s: party_names: %(name)r: no registry party %(slug)r")
                % {"path": mapping.path, "name": name, "slug": slug}
            )
        names[name] = slugs[slug]
    return PartyFinder(names)


def _country_names() -> dict[str, str]:
    return {country["iso3"]: country["name"] for country in _read_countries().values()}


# --- reading rows ------------------------------------------------------------------------------


class RowError(Exception):
    """One bad row: the message is "column: reason"."""


@dataclass(frozen=True)
class Agreement:
    """One PA-X row, checked, with its synthetic text."""

    agt_id: str
    title: str
    date: dt.date
    metadata: dict
    text: str
    #: (provision, start, end): each mapped provision present, with its span in ``text``.
    provisions: tuple[tuple[Provision, int, int], ...]
    signatories: tuple[int, ...]
    scope: str
    unmatched: tuple[str, ...]


def _one_line(text: str) -> str:
    parts = [" ".join(line.split()) for line in text.splitlines()]
    return "; ".join(part for part in parts if part)


def _build(
    values: dict[str, str],
    mapping: PaxMapping,
    finder: PartyFinder,
    countries: dict[str, str],
) -> Agreement:
    agt_id = values["AgtId"].strip()
    if not agt_id:
        raise RowError(f"AgtId: {_('missing')}")
    if not agt_id.isdigit():
        raise RowError(f"AgtId: {_('not a whole number: %(value)r') % {'value': agt_id}}")
    title = " ".join(values["Agt"].split())
    if not title:
        raise RowError(f"Agt: {_('missing')}")
    raw_date = values["Dat"].strip()
    try:
        date = dt.date.fromisoformat(raw_date)
    except ValueError:
        raise RowError(
            f"Dat: {_('not a date (YYYY-MM-DD): %(value)r') % {'value': raw_date}}"
        ) from None
    present: list[Provision] = []
    coded: dict[str, int] = {}
    for provision in mapping.provisions:
        value = (values[provision.variable] or "").strip() or "0"
        if value not in _VALUES:
            raise RowError(
                f"{provision.variable}: "
                + _("not a provision value (0 to 3): %(value)r") % {"value": value}
            )
        if value in provision.present:
            present.append(provision)
            coded[provision.variable] = int(value)

    # The synthetic text: stored data in English, not a message, so never translated (a
    # translation would change its hash). Every line is already in normalised form.
    lines = [
        unicodedata.normalize("NFC", line)
        for line in (
            f"PA-X agreement {agt_id}, version {values['Ver'].strip() or '1'}: {title}",
            f"Date: {date.isoformat()}",
            f"Peace process: {_one_line(values['PPName'])}",
            f"Conflict: {_one_line(values['Con'])}",
            f"Parties: {_one_line(values['Part']) or '-'}",
            f"Third parties: {_one_line(values['ThrdPart']) or '-'}",
            "Provisions agreed:" if present else "No mapped provisions.",
        )
    ]
    spans: list[tuple[Provision, int, int]] = []
    offset = sum(len(line) + 1 for line in lines)
    for provision in present:
        line = unicodedata.normalize("NFC", f"- {provision.text}")
        spans.append((provision, offset + 2, offset + len(line)))
        lines.append(line)
        offset += len(line) + 1
    text = "\n".join(lines)
    if normalise_text(text) != text:  # the spans must fit the stored (normalised) text
        raise RowError(f"Agt: {_('the text cannot be built')}")

    isos = [values[column].strip() for column in ("Loc1ISO", "Loc2ISO")]
    scope = ", ".join(dict.fromkeys(countries.get(iso, iso) for iso in isos if iso))
    unmatched = [name for name in _conflict_names(values["Con"]) if finder.exactly(name) is None]
    metadata = {key: values[key] for key in KEPT}
    metadata.update(dataset=mapping.dataset, provisions=coded)
    return Agreement(
        agt_id=agt_id,
        title=title if len(title) <= 500 else title[:499] + "…",
        date=date,
        metadata=metadata,
        text=text,
        provisions=tuple(spans),
        signatories=tuple(finder.named_in(values["Part"])),
        scope=scope,
        unmatched=tuple(dict.fromkeys(unmatched)),
    )


def _conflict_names(con: str) -> list[str]:
    """The names in a ``Con`` value: "Armenia/Azerbaijan/(Nagorno-Karabakh)" has three;
    slashes inside parentheses do not split ("Yugoslavia (former)" stays whole)."""
    names, depth, current = [], 0, ""
    for ch in con + "/":
        depth += (ch == "(") - (ch == ")")
        if ch == "/" and depth <= 0:
            name = current.strip()
            if name.startswith("(") and name.endswith(")") and name.count("(") == 1:
                name = name[1:-1].strip()
            if name:
                names.append(name)
            current, depth = "", 0
        else:
            current += ch
    return names


def _lines(path: Path, counter: list[int]) -> Iterator[str]:
    """The file's lines (newlines kept), counting the bytes read into ``counter[0]``."""
    with path.open(encoding="utf-8-sig", newline="") as file:
        for line in file:
            counter[0] += len(line.encode("utf-8"))
            yield line


def _records(path: Path, mapping: PaxMapping) -> Iterator[tuple[int, dict[str, str] | None, int]]:
    """(first line, values or None when the row is short, bytes read) for every record."""
    counter = [0]
    reader = csv.reader(_lines(path, counter))
    try:
        header = next(reader)
    except StopIteration:
        header = []
    except (UnicodeDecodeError, csv.Error) as exc:
        raise PaxImportFailed(f"{path}:1: header: {exc}") from None
    required = (*REQUIRED, *(p.variable for p in mapping.provisions))
    missing = [name for name in dict.fromkeys(required) if name not in header]
    if missing:
        raise PaxImportFailed(
            _("%(path)s:1: header: not a PA-X layout: missing columns %(columns)s")
            % {"path": path, "columns": ", ".join(missing)}
        )
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except (UnicodeDecodeError, csv.Error) as exc:
            raise PaxImportFailed(f"{path}:{line}: {exc}") from None
        if any(cell.strip() for cell in row):
            if len(row) != len(header):
                yield line, None, counter[0]
            else:
                yield line, dict(zip(header, row, strict=True)), counter[0]
        line = reader.line_num + 1


# --- importing ---------------------------------------------------------------------------------


@dataclass
class PaxSummary:
    file: str
    dataset: str = "pa-x"
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    dry_run: bool = False
    #: Commitments made in this run, by category identifier.
    commitments: Counter = field(default_factory=Counter)
    #: Agreements read whose signatories (``Part``) name no registry party: no commitments.
    without_parties: int = 0
    #: Conflict parties (the ``Con`` column) that match no registry party, with the number of
    #: agreements naming them.
    unmatched_parties: dict[str, int] = field(default_factory=dict)


def import_pax(
    path: Path,
    *,
    actor: AnyUser,
    mapping: Path | None = None,
    batch_size: int = 200,
    dry_run: bool = False,
    strict: bool = False,
    on_problem: Problem = lambda message: None,
    on_progress: Progress = lambda done, total: None,
) -> PaxSummary:
    """Import a PA-X agreements file; see the module's docstring.

    Bad rows are reported through ``on_problem`` as ``FILE:LINE: column: reason``, counted
    and not stored; with ``strict`` nothing is stored if any row is bad; with ``dry_run``
    everything is checked and counted, and nothing kept.
    """
    require_registry_editor(actor, _("import agreements into the registry"))
    if batch_size < 1:
        raise PaxImportFailed(_("the batch size must be at least 1"))
    path = Path(path)
    if not path.is_file():
        raise PaxImportFailed(_("%(path)s: no such file") % {"path": path})
    rules = read_pax_mapping(mapping or PAX_MAPPING)
    categories = dict(Category.objects.values_list("slug", "id"))
    for provision in rules.provisions:
        if provision.category not in categories:
            raise PaxImportFailed(
                _("%(path)s: %(variable)s: unknown category %(category)r")
                % {
                    "path": rules.path,
                    "variable": provision.variable,
                    "category": provision.category,
                }
            )
    finder = party_finder(rules)
    countries = _country_names()
    summary = PaxSummary(file=str(path), dataset=rules.dataset, dry_run=dry_run)
    size = path.stat().st_size

    def agreements() -> Iterator[tuple[int, Agreement | None]]:
        for line, values, done in _records(path, rules):
            agreement = None
            try:
                if values is None:
                    raise RowError(_("row: wrong number of columns"))
                agreement = _build(values, rules, finder, countries)
            except RowError as exc:
                on_problem(f"{path}:{line}: {exc}")
            yield line, agreement
            on_progress(done, size)

    if strict:
        bad = sum(agreement is None for _line, agreement in agreements())
        if bad:
            raise PaxImportFailed(
                _("%(count)d bad rows: nothing was stored (--strict)") % {"count": bad}
            )
    writer = _Writer(rules, categories, summary, actor, path)
    batch: list[tuple[int, Agreement]] = []
    for line, agreement in agreements():
        summary.rows += 1
        if agreement is None:
            summary.rejected += 1
            continue
        summary.without_parties += not agreement.signatories
        for name in agreement.unmatched:
            summary.unmatched_parties[name] = summary.unmatched_parties.get(name, 0) + 1
        batch.append((line, agreement))
        if len(batch) >= batch_size:
            writer.write(batch)
            batch = []
    if batch:
        writer.write(batch)
    on_progress(size, size)
    return summary


class _Writer:
    """Writes batches of agreements, one transaction and one audit entry each."""

    def __init__(
        self,
        mapping: PaxMapping,
        categories: dict[str, int],
        summary: PaxSummary,
        actor: User,
        path: Path,
    ) -> None:
        self.mapping = mapping
        self.categories = categories
        self.summary = summary
        self.actor = actor
        self.path = path
        # The agreements already stored: AgtId -> source id.
        self.stored: dict[str, int] = {}
        for pk, metadata in Source.objects.filter(kind=SourceKind.AGREEMENT).values_list(
            "id", "metadata"
        ):
            if isinstance(metadata, dict) and metadata.get("dataset") == mapping.dataset:
                self.stored.setdefault(str(metadata.get("AgtId")), pk)

    def write(self, batch: list[tuple[int, Agreement]]) -> None:
        created: list[int] = []
        updated: list[int] = []
        commitments: Counter = Counter()
        stored = dict(self.stored)
        with transaction.atomic():
            for _line, agreement in batch:
                outcome, source_id, made = self._write_one(agreement)
                if outcome == "created":
                    created.append(source_id)
                elif outcome == "updated":
                    updated.append(source_id)
                commitments.update(made)
            touched = created + updated
            if touched:
                record_batch(
                    actor=self.actor,
                    action="import",
                    model=Source,
                    ids=touched,
                    detail={
                        "file": str(self.path)[-500:],
                        "dataset": self.mapping.dataset,
                        "mapping": self.mapping.path.name,
                        "lines": [batch[0][0], batch[-1][0]],
                        "created": len(created),
                        "updated": len(updated),
                        "commitments": dict(sorted(commitments.items())),
                    },
                )
            if self.summary.dry_run:
                transaction.set_rollback(True)
        if self.summary.dry_run:  # nothing was kept: forget this batch's sources
            self.stored = stored
        self.summary.created += len(created)
        self.summary.updated += len(updated)
        self.summary.unchanged += len(batch) - len(touched)
        self.summary.commitments.update(commitments)

    def _write_one(self, agreement: Agreement) -> tuple[str, int, Counter]:
        digest = text_sha256(agreement.text)
        source_id = self.stored.get(agreement.agt_id)
        source = Source.objects.filter(pk=source_id).first() if source_id else None
        if source is not None and source.sha256 == digest:
            return "unchanged", source.pk, Counter()
        kept: set[tuple[int, int, str]] = set()
        if source is None:
            source = Source(kind=SourceKind.AGREEMENT, ingested_by=self.actor)
            outcome = "created"
        else:
            # Reviewed commitments stay (detached from the old text's statements); proposed
            # ones are made afresh from the new row.
            old = Commitment.objects.filter(statements__source=source).distinct()
            kept = {
                (c.obligor_party_id, c.category_id, c.text)
                for c in old.exclude(review_state=ReviewState.PROPOSED)
            }
            Commitment.objects.filter(
                pk__in=list(
                    old.filter(review_state=ReviewState.PROPOSED).values_list("pk", flat=True)
                )
            ).delete()
            Statement.objects.filter(source=source).delete()
            outcome = "updated"
        source.title = agreement.title
        source.publisher = "PA-X"
        source.published = agreement.date
        source.language = "en"
        source.text = agreement.text
        source.sha256 = digest
        source.metadata = agreement.metadata
        source.url = ""
        source.save()
        self.stored[agreement.agt_id] = source.pk
        made: Counter = Counter()
        for provision, start, end in agreement.provisions:
            statement = Statement.objects.create(
                source=source,
                start=start,
                end=end,
                mode=Mode.PARAPHRASE,
                date_spoken=agreement.date,
            )
            category_id = self.categories[provision.category]
            for party_id in agreement.signatories:
                if (party_id, category_id, provision.text) in kept:
                    continue
                commitment = Commitment.objects.create(
                    kind=CommitmentKind.PLEDGE,
                    obligor_party_id=party_id,
                    category_id=category_id,
                    text=provision.text,
                    scope_area=agreement.scope[:300],
                    scope_population=provision.population[:300],
                    date_made=agreement.date,
                    review_state=ReviewState.PROPOSED,
                )
                commitment.statements.add(statement)
                made[provision.category] += 1
        return outcome, source.pk, made
