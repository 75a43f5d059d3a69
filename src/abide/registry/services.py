"""State changes of the registry. Each is atomic, acts as a named user, checks that user's
role itself (``PermissionDenied`` for anyone but analysts, the head of mission and
administrators) and is audited. Bad input is a ``ValidationError`` whose dict names the field.

A commitment is decided once: ``confirm_commitment`` and ``reject_commitment`` take a proposed
commitment only; a decided one goes back to review through ``reopen_commitment``, with a
reason, and is then decided afresh."""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from abide.accounts.access import AnyUser
from abide.accounts.models import User
from abide.audit.services import record_change, snapshot
from abide.observations.checks import required_reason
from abide.registry.access import require_registry_editor
from abide.registry.languages import normalise_alias
from abide.registry.models import (
    AttributionLink,
    Category,
    Commitment,
    CommitmentKind,
    Mode,
    Party,
    PartyAlias,
    Person,
    PersonAlias,
    ReviewState,
    Role,
    Source,
    Statement,
    WalkBack,
    WalkBackKind,
)
from abide.registry.registry_file import RegistryData, RegistryFileError, read_registry_file
from abide.registry.signals import source_ingested

# --- loading a registry file --------------------------------------------------------------


@dataclass
class LoadSummary:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0

    def __str__(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.changed)} changed, {self.unchanged} unchanged"
        )


class InvalidRegistryFile(ValidationError):
    """A registry file that cannot be loaded; ``problems`` name the file, entry and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems, code="registry_file")
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(self.problems)


def read_registry(path: str | Path) -> RegistryData:
    """Check a registry file against itself and against what is already stored; an
    :class:`InvalidRegistryFile` naming every problem."""
    known = set(Party.objects.values_list("slug", flat=True))
    owners = dict(PartyAlias.objects.values_list("normalised", "party__slug"))
    owners.update({normalise_alias(p.name_en): p.slug for p in Party.objects.all()})
    try:
        return read_registry_file(path, known_parties=known, alias_owners=owners)
    except RegistryFileError as exc:
        raise InvalidRegistryFile(exc.problems) from exc


@transaction.atomic
def load_registry(data: RegistryData, *, actor: AnyUser) -> LoadSummary:
    """Create or update the parties, people and categories of ``data``.

    Names, kinds and parents are set from the file; aliases and roles are added when missing
    and never removed (an analyst may have added more). Loading the same file twice changes
    nothing and writes no audit entry.
    """
    require_registry_editor(actor, _("load a registry file"))
    summary = LoadSummary()
    for entry in data.parties:
        party = Party.objects.filter(slug=entry.id).first()
        before = snapshot(party) if party else None
        party = party or Party(slug=entry.id)
        party.kind = entry.kind
        for lang in ("en", "ar", "hy", "ru", "tr"):
            setattr(party, f"name_{lang}", entry.names.get(lang, getattr(party, f"name_{lang}")))
        party.parent = Party.objects.get(slug=entry.parent) if entry.parent else None
        party.save()
        have = set(party.aliases.values_list("normalised", flat=True))
        for alias in entry.aliases:
            if normalise_alias(alias) not in have:
                PartyAlias.objects.create(party=party, alias=alias)
                have.add(normalise_alias(alias))
        _audit_load(party, before, actor, summary, data.path)

    for entry in data.persons:
        person = Person.objects.filter(slug=entry.id).first()
        before = snapshot(person) if person else None
        person = person or Person(slug=entry.id)
        for lang in ("en", "ar", "hy", "ru", "tr"):
            setattr(person, f"name_{lang}", entry.names.get(lang, getattr(person, f"name_{lang}")))
        person.save()
        have = set(person.aliases.values_list("normalised", flat=True))
        for alias in entry.aliases:
            key = normalise_alias(alias)
            if key in have:
                continue
            owner = PersonAlias.objects.filter(normalised=key).exclude(person=person).first()
            if owner is not None:
                raise ValidationError(
                    {
                        "aliases": _(
                            "%(file)s: persons (id %(entry)r): field 'aliases': %(alias)r "
                            "already names person %(owner)r"
                        )
                        % {
                            "file": data.path,
                            "entry": entry.id,
                            "alias": alias,
                            "owner": owner.person.slug,
                        }
                    }
                )
            PersonAlias.objects.create(person=person, alias=alias)
            have.add(key)
        for role in entry.roles:
            Role.objects.get_or_create(
                person=person,
                title=role.title,
                party=Party.objects.get(slug=role.party),
                start=role.start,
                defaults={"end": role.end},
            )
        _audit_load(person, before, actor, summary, data.path)

    for entry in data.categories:
        category = Category.objects.get(slug=entry.id)
        before = snapshot(category)
        for lang, text in entry.names.items():
            setattr(category, f"name_{lang}", text)
        for lang, text in entry.descriptions.items():
            setattr(category, f"description_{lang}", text)
        category.save()
        _audit_load(category, before, actor, summary, data.path)
    return summary


def _audit_load(
    obj: Party | Person | Category,
    before: dict | None,
    actor: User,
    summary: LoadSummary,
    path: str,
) -> None:
    label = f"{obj._meta.model_name} {getattr(obj, 'slug', obj.pk)}"
    if before is None:
        record_change(obj, actor=actor, action="create", detail={"file": Path(path).name})
        summary.created.append(label)
    elif before != snapshot(obj):
        record_change(
            obj, actor=actor, action="change", before=before, detail={"file": Path(path).name}
        )
        summary.changed.append(label)
    else:
        summary.unchanged += 1


# --- resolution -------------------------------------------------------------------------


def find_party(name: str) -> Party | None:
    """The party named ``name`` (its identifier, English name or any alias), if any."""
    key = normalise_alias(name)
    party = Party.objects.filter(slug=name).first()
    if party is None:
        alias = PartyAlias.objects.select_related("party").filter(normalised=key).first()
        party = alias.party if alias else None
    if party is None:
        party = next((p for p in Party.objects.all() if normalise_alias(p.name_en) == key), None)
    return party


def find_person(name: str) -> Person | None:
    key = normalise_alias(name)
    person = Person.objects.filter(slug=name).first()
    if person is None:
        alias = PersonAlias.objects.select_related("person").filter(normalised=key).first()
        person = alias.person if alias else None
    if person is None:
        person = next((p for p in Person.objects.all() if normalise_alias(p.name_en) == key), None)
    return person


def holder_of(title: str, party: Party, on: dt.date) -> Person | None:
    """Who held ``title`` for ``party`` on ``on``: "President" of Azerbaijan on 2023-09-26."""
    role = (
        Role.objects.active_on(on)
        .filter(party=party, title__iexact=title)
        .select_related("person")
        .order_by("-start")
        .first()
    )
    return role.person if role else None


# --- sources, statements, commitments ------------------------------------------------------


def normalise_text(text: str) -> str:
    """The form of a text that its hash covers: NFC, Unix line ends, trimmed lines."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def text_sha256(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LinkIn:
    relation: str
    person: Person | None = None
    party: Party | None = None
    name: str = ""
    to_person: Person | None = None


@dataclass(frozen=True)
class StatementIn:
    start: int
    end: int
    mode: str
    speaker_person: Person | None = None
    speaker_party: Party | None = None
    addressee_person: Person | None = None
    addressee_party: Party | None = None
    date_spoken: dt.date | None = None
    chain: tuple[LinkIn, ...] = ()


@dataclass(frozen=True)
class CommitmentIn:
    kind: str
    category: Category
    text: str
    statements: tuple[int, ...]  # indices into the document's statements
    obligor_party: Party | None = None
    obligor_person: Person | None = None
    demanded_by_party: Party | None = None
    demanded_by_person: Person | None = None
    scope_area: str = ""
    scope_population: str = ""
    date_made: dt.date | None = None
    deadline: dt.date | None = None
    condition: str = ""
    confidence: float | None = None


@dataclass(frozen=True)
class WalkBackIn:
    kind: str
    party: Party
    category: Category
    text: str
    statement: int  # index into the document's statements
    condition: str = ""
    confidence: float | None = None


@dataclass(frozen=True)
class DocumentIn:
    kind: str
    title: str
    text: str
    language: str
    publisher: str = ""
    published: dt.date | None = None
    url: str = ""
    dateline_place: str = ""
    dateline_date: dt.date | None = None
    dateline_agency: str = ""
    metadata: dict = field(default_factory=dict)
    extraction: str = "manual"
    statements: tuple[StatementIn, ...] = ()
    commitments: tuple[CommitmentIn, ...] = ()
    walk_backs: tuple[WalkBackIn, ...] = ()


@dataclass(frozen=True)
class IngestResult:
    source: Source
    created: bool
    statements: int = 0
    commitments: int = 0
    walk_backs: int = 0


def _create_statement(source: Source, item: StatementIn) -> Statement:
    """Store one statement of ``source`` with its chain of attribution (not audited here)."""
    length = len(source.text)
    if not 0 <= item.start < item.end <= length:
        raise ValidationError(
            {
                "start": _(
                    "span %(start)s–%(end)s lies outside the source's text of %(length)s characters"
                )
                % {"start": item.start, "end": item.end, "length": length}
            }
        )
    if item.mode not in Mode.values:
        raise ValidationError(
            {
                "mode": _("%(mode)r is not one of %(modes)s")
                % {"mode": item.mode, "modes": ", ".join(Mode.values)}
            }
        )
    statement = Statement(
        source=source,
        start=item.start,
        end=item.end,
        mode=item.mode,
        speaker_person=item.speaker_person,
        speaker_party=item.speaker_party,
        addressee_person=item.addressee_person,
        addressee_party=item.addressee_party,
        date_spoken=item.date_spoken,
    )
    statement.save()
    for position, link in enumerate(item.chain):
        AttributionLink.objects.create(
            statement=statement,
            position=position,
            relation=link.relation,
            person=link.person,
            party=link.party,
            name=link.name,
            to_person=link.to_person,
        )
    return statement


@transaction.atomic
def ingest_document(document: DocumentIn, *, actor: AnyUser) -> IngestResult:
    """Store a source with its statements and proposed commitments: one transaction, one
    audit entry. The same normalised text twice stores nothing and says so."""
    require_registry_editor(actor, _("ingest documents"))
    text = normalise_text(document.text)
    if not text:
        raise ValidationError({"text": _("the document has no text")})
    digest = text_sha256(text)
    existing = Source.objects.filter(sha256=digest).first()
    if existing is not None:
        return IngestResult(existing, created=False)
    source = Source(
        kind=document.kind,
        title=document.title,
        text=text,
        language=document.language,
        publisher=document.publisher,
        published=document.published,
        url=document.url,
        dateline_place=document.dateline_place,
        dateline_date=document.dateline_date,
        dateline_agency=document.dateline_agency,
        metadata=document.metadata,
        sha256=digest,
        ingested_by=actor,
        extraction=document.extraction,
    )
    source.full_clean()
    source.save()
    statements = [_create_statement(source, item) for item in document.statements]
    commitments = []
    for item in document.commitments:
        commitment = Commitment(
            kind=item.kind,
            category=item.category,
            text=item.text,
            obligor_party=item.obligor_party,
            obligor_person=item.obligor_person,
            demanded_by_party=item.demanded_by_party,
            demanded_by_person=item.demanded_by_person,
            scope_area=item.scope_area,
            scope_population=item.scope_population,
            date_made=item.date_made,
            deadline=item.deadline,
            condition=item.condition,
            confidence=item.confidence,
        )
        commitment.full_clean()
        commitment.save()
        try:
            commitment.statements.set([statements[i] for i in item.statements])
        except IndexError as exc:
            raise ValidationError(
                {
                    "statements": _("commitment %(text)r cites a statement that does not exist")
                    % {"text": item.text}
                }
            ) from exc
        commitments.append(commitment)
    walk_backs = [_create_walk_back(statements, item) for item in document.walk_backs]
    record_change(
        source,
        actor=actor,
        action="ingest",
        related=[*statements, *commitments, *walk_backs],
        detail={
            "statements": len(statements),
            "commitments": len(commitments),
            "walk_backs": len(walk_backs),
        },
    )
    source_ingested.send(Source, source=source, actor=actor)
    return IngestResult(source, True, len(statements), len(commitments), len(walk_backs))


def _create_walk_back(statements: list[Statement], item: WalkBackIn) -> WalkBack:
    if not 0 <= item.statement < len(statements):
        raise ValidationError(
            {
                "statement": _("walk-back %(text)r cites a statement that does not exist")
                % {"text": item.text}
            }
        )
    if item.kind not in WalkBackKind.values:
        raise ValidationError(
            {
                "kind": _("walk-back kind %(kind)r is not one of %(kinds)s")
                % {"kind": item.kind, "kinds": ", ".join(WalkBackKind.values)}
            }
        )
    return WalkBack.objects.create(
        statement=statements[item.statement],
        party=item.party,
        category=item.category,
        kind=item.kind,
        text=item.text[:2000],
        condition=item.condition,
        confidence=item.confidence,
    )


def _review(commitment: Commitment, state: str, *, actor: User, note: str) -> Commitment:
    before = snapshot(commitment)
    commitment.review_state = state
    commitment.reviewed_by = actor
    commitment.reviewed_at = timezone.now()
    commitment.review_note = note
    commitment.save()
    record_change(commitment, actor=actor, action=f"review:{state}", before=before)
    return commitment


def _proposed(commitment: Commitment) -> Commitment:
    """The commitment as stored, locked; a ValidationError unless it waits for review."""
    stored = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if stored.review_state != ReviewState.PROPOSED:
        raise ValidationError(
            {
                "review_state": _(
                    "this commitment is already %(state)s: reopen it before deciding again"
                )
                % {"state": stored.get_review_state_display().lower()}
            }
        )
    return stored


def _refreshed(commitment: Commitment, stored: Commitment) -> Commitment:
    """``commitment`` (the caller's object) with the review fields just stored."""
    for name in ("review_state", "reviewed_by", "reviewed_at", "review_note"):
        setattr(commitment, name, getattr(stored, name))
    return commitment


@transaction.atomic
def confirm_commitment(commitment: Commitment, *, actor: AnyUser, note: str = "") -> Commitment:
    """Confirm a proposed commitment: it becomes public and is monitored."""
    require_registry_editor(actor, _("confirm commitments"))
    stored = _review(_proposed(commitment), ReviewState.CONFIRMED, actor=actor, note=note)
    return _refreshed(commitment, stored)


@transaction.atomic
def reject_commitment(commitment: Commitment, *, actor: AnyUser, reason: str) -> Commitment:
    """Reject a proposed commitment (not a commitment, a duplicate, misread), saying why."""
    require_registry_editor(actor, _("reject commitments"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("a rejection needs a reason")})
    stored = _review(_proposed(commitment), ReviewState.REJECTED, actor=actor, note=reason.strip())
    return _refreshed(commitment, stored)


@transaction.atomic
def reopen_commitment(commitment: Commitment, *, actor: AnyUser, reason: str) -> Commitment:
    """Send a confirmed or rejected commitment back to review, saying why: it is proposed
    again (and no longer public) until someone confirms or rejects it afresh."""
    require_registry_editor(actor, _("reopen commitments"))
    reason = required_reason(reason)
    stored = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if stored.review_state == ReviewState.PROPOSED:
        raise ValidationError({"review_state": _("this commitment is not decided yet")})
    return _refreshed(commitment, _review(stored, ReviewState.PROPOSED, actor=actor, note=reason))


@transaction.atomic
def link_demand_to_pledge(demand: Commitment, pledge: Commitment, *, actor: AnyUser) -> Commitment:
    """Record that ``pledge`` answers ``demand`` (same obligor and category)."""
    require_registry_editor(actor, _("link demands to pledges"))
    if demand.kind != CommitmentKind.DEMAND or pledge.kind != CommitmentKind.PLEDGE:
        raise ValidationError({"answered_by": _("a demand is answered by a pledge")})
    if demand.category_id != pledge.category_id:
        raise ValidationError(
            {"answered_by": _("the pledge is about another category than the demand")}
        )
    if demand.obligor_party_id != pledge.obligor_party_id:
        raise ValidationError(
            {"answered_by": _("the pledge is made by another party than the one the demand is on")}
        )
    before = snapshot(demand)
    demand.answered_by = pledge
    demand.save()
    record_change(demand, actor=actor, action="link", before=before)
    return demand


EDITABLE_FIELDS = (
    "kind",
    "category",
    "text",
    "obligor_party",
    "obligor_person",
    "demanded_by_party",
    "demanded_by_person",
    "scope_area",
    "scope_population",
    "date_made",
    "deadline",
    "condition",
)


@transaction.atomic
def edit_commitment(commitment: Commitment, *, actor: AnyUser, **changes: object) -> Commitment:
    """Correct a commitment's fields (what is promised, by whom, its category, scope, dates).
    Its review state is not among them: the review services decide it."""
    require_registry_editor(actor, _("edit commitments"))
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError(
            {name: _("cannot edit %(name)s of a commitment") % {"name": name} for name in unknown}
        )
    before = snapshot(commitment)
    for name, value in changes.items():
        setattr(commitment, name, value)
    commitment.full_clean()
    commitment.save()
    if snapshot(commitment) != before:
        record_change(commitment, actor=actor, action="change", before=before)
    return commitment


@transaction.atomic
def add_statement(
    source: Source,
    *,
    actor: AnyUser,
    start: int,
    end: int,
    mode: str,
    speaker_person: Person | None = None,
    speaker_party: Party | None = None,
    addressee_person: Person | None = None,
    addressee_party: Party | None = None,
    date_spoken: dt.date | None = None,
    chain: tuple[LinkIn, ...] = (),
) -> Statement:
    """Add a statement by hand, from a span of the source's text."""
    require_registry_editor(actor, _("add statements"))
    statement = _create_statement(
        source,
        StatementIn(
            start=start,
            end=end,
            mode=mode,
            speaker_person=speaker_person,
            speaker_party=speaker_party,
            addressee_person=addressee_person,
            addressee_party=addressee_party,
            date_spoken=date_spoken,
            chain=chain,
        ),
    )
    record_change(statement, actor=actor, action="create", detail={"by": "hand"})
    return statement


@transaction.atomic
def add_commitment(
    statements: list[Statement],
    *,
    actor: AnyUser,
    kind: str,
    category: Category,
    text: str,
    **fields: object,
) -> Commitment:
    """Add a commitment by hand, resting on statements already in the registry. It is
    proposed like any other, for review."""
    require_registry_editor(actor, _("add commitments"))
    if not statements:
        raise ValidationError({"statements": _("a commitment rests on at least one statement")})
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError(
            {name: _("unknown field %(name)s") % {"name": name} for name in unknown}
        )
    commitment = Commitment(kind=kind, category=category, text=text, **fields)
    commitment.full_clean()
    commitment.save()
    commitment.statements.set(statements)
    record_change(commitment, actor=actor, action="create", detail={"by": "hand"})
    return commitment
