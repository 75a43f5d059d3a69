"""The desk through the API: sources (list, read with their spans, add through the worker), the
ingestion jobs, and the review of proposed commitments.

Reading sources follows ``get_sources_for``; everything else needs an API token or a signed-in
session of the mission's analysts. Each change calls one service: a refusal is 403, bad input
422 naming the field."""

import datetime as dt
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from abide.accounts.access import can_edit_registry
from abide.accounts.api_auth import CHANGE, READ
from abide.core.pagination import Pages
from abide.registry.access import get_commitments_for, get_sources_for
from abide.registry.jobs import Job, get_job_for, queue_ingest
from abide.registry.merging import merge_commitments
from abide.registry.models import Category, Commitment, CommitmentKind, Party, WalkBack
from abide.registry.review import PAGE_SIZE, review_queue_for
from abide.registry.services import (
    confirm_commitment,
    edit_commitment,
    reject_commitment,
)

router = Router(tags=["sources and review"])
MAX_PAGE_SIZE = 500


class SourceOut(Schema):
    id: int
    title: str
    kind: str
    publisher: str
    published: dt.date | None
    language: str
    url: str
    extraction: str
    ingested_at: dt.datetime


class SpanOut(Schema):
    id: int
    start: int
    end: int
    mode: str
    speaker: str | None
    speaker_party: str | None
    date_spoken: dt.date | None


class CommitmentOut(Schema):
    id: int
    kind: str
    obligor: str | None
    demanded_by: str | None
    category: str
    text: str
    scope_area: str
    scope_population: str
    date_made: dt.date | None
    deadline: dt.date | None
    condition: str
    confidence: float | None
    review_state: str
    merged_into: int | None
    statements: list[int]


class WalkBackOut(Schema):
    id: int
    statement: int
    party: str
    category: str
    kind: str
    text: str


class SourceDetailOut(SourceOut):
    text: str
    statements: list[SpanOut]
    commitments: list[CommitmentOut]
    walk_backs: list[WalkBackOut]


class SourceIn(Schema):
    text: str
    name: str = ""
    published: dt.date | None = None
    publisher: str = ""
    url: str = ""


class JobOut(Schema):
    id: str
    status: str
    name: str
    url: str
    source: int | None
    created: bool
    statements: int
    commitments: int
    walk_backs: int
    errors: list[str]


class NoteIn(Schema):
    note: str = ""


class ReasonIn(Schema):
    reason: str


class MergeIn(ReasonIn):
    duplicate: int


class CommitmentPatch(Schema):
    kind: str | None = None
    obligor: str | None = None
    demanded_by: str | None = None
    category: str | None = None
    text: str | None = None
    scope_area: str | None = None
    scope_population: str | None = None
    deadline: dt.date | None = None
    condition: str | None = None


class Error(Schema):
    detail: object


def _source(source: object) -> dict:
    return {
        name: getattr(source, name)
        for name in (
            "id",
            "title",
            "kind",
            "publisher",
            "published",
            "language",
            "url",
            "extraction",
            "ingested_at",
        )
    }


def _commitment(c: Commitment) -> dict:
    return {
        "id": c.pk,
        "kind": c.kind,
        "obligor": c.obligor_party.slug if c.obligor_party else None,
        "demanded_by": c.demanded_by_party.slug if c.demanded_by_party else None,
        "category": c.category.slug,
        "text": c.text,
        "scope_area": c.scope_area,
        "scope_population": c.scope_population,
        "date_made": c.date_made,
        "deadline": c.deadline,
        "condition": c.condition,
        "confidence": c.confidence,
        "review_state": c.review_state,
        "merged_into": c.merged_into_id,
        "statements": [s.pk for s in c.statements.all()],
    }


def _job(job: Job) -> dict:
    return {
        "id": job.id,
        "status": job.status,
        "name": job.name,
        "url": f"/api/jobs/{job.id}",
        "source": job.source,
        "created": job.created,
        "statements": job.statements,
        "commitments": job.commitments,
        "walk_backs": job.walk_backs,
        "errors": job.errors,
    }


@router.get("/sources", response=list[SourceOut], auth=READ)
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_sources(
    request: HttpRequest,
    publisher: str = "",
    language: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    q: str = "",
) -> list[dict]:
    """The sources the caller may see, newest first; a page at a time with the ``count``."""
    rows = get_sources_for(request.user).defer("text", "metadata")
    if publisher:
        rows = rows.filter(publisher__icontains=publisher)
    if language:
        rows = rows.filter(language=language)
    if since:
        rows = rows.filter(published__gte=since)
    if until:
        rows = rows.filter(published__lte=until)
    if q:
        rows = rows.filter(title__icontains=q)
    return rows.order_by(F("published").desc(nulls_last=True), "-ingested_at", "-pk")


@router.get("/sources/{source_id}", response=SourceDetailOut, auth=READ)
def get_source(request: HttpRequest, source_id: int) -> dict:
    """A source's text with the character spans of its statements, and the commitments and
    walk-backs read in it (the public sees confirmed commitments only)."""
    source = get_object_or_404(get_sources_for(request.user), pk=source_id)
    statements = source.statements.select_related("speaker_person", "speaker_party")
    commitments = (
        get_commitments_for(request.user)
        .filter(statements__source=source)
        .distinct()
        .prefetch_related("statements")
        .order_by("pk")
    )
    walk_backs = (
        WalkBack.objects.filter(statement__source=source).select_related("party", "category")
        if can_edit_registry(request.user)
        else WalkBack.objects.none()
    )
    return {
        **_source(source),
        "text": source.text,
        "statements": [
            {
                "id": s.pk,
                "start": s.start,
                "end": s.end,
                "mode": s.mode,
                "speaker": s.speaker_person.slug if s.speaker_person else None,
                "speaker_party": s.speaker_party.slug if s.speaker_party else None,
                "date_spoken": s.date_spoken,
            }
            for s in statements
        ],
        "commitments": [_commitment(c) for c in commitments],
        "walk_backs": [
            {
                "id": w.pk,
                "statement": w.statement_id,
                "party": w.party.slug,
                "category": w.category.slug,
                "kind": w.kind,
                "text": w.text,
            }
            for w in walk_backs
        ],
    }


@router.post("/sources", response={202: JobOut}, auth=CHANGE)
def add_source(request: HttpRequest, data: SourceIn) -> Status:
    """Queue a text for reading by the worker (``name`` with .html or .md says how to read it);
    answered 202 with the job to follow at ``GET /api/jobs/{id}``."""
    common = {
        "actor": request.user,
        "published": data.published,
        "publisher": data.publisher,
        "url": data.url,
    }
    if data.name:
        job = queue_ingest(file_name=data.name, file_data=data.text.encode("utf-8"), **common)
    else:
        job = queue_ingest(text=data.text, **common)
    return Status(202, _job(job))


@router.get("/jobs/{job_id}", response=JobOut, auth=CHANGE)
def get_job(request: HttpRequest, job_id: UUID) -> dict:
    """An ingestion job: queued, running, done (with what it stored) or failed (and why)."""
    try:
        return _job(get_job_for(request.user, str(job_id)))
    except LookupError:
        raise HttpError(404, "no such job") from None


@router.get("/review/commitments", response=list[CommitmentOut], auth=CHANGE)
def review_queue(
    request: HttpRequest,
    source: int | None = None,
    party: str = "",
    category: str = "",
    kind: str = "",
    confidence: float | None = None,
    page: int = 1,
) -> list[dict]:
    """The proposed commitments, oldest first, 25 a page."""
    if kind and kind not in CommitmentKind.values:
        raise ValidationError(
            {"kind": f"{kind!r} is not one of {', '.join(CommitmentKind.values)}"}
        )
    chosen = review_queue_for(
        request.user,
        source=source,
        party=get_object_or_404(Party, slug=party) if party else None,
        category=get_object_or_404(Category, slug=category) if category else None,
        kind=kind,
        confidence=confidence,
        page=page,
    )
    return [_commitment(c) for c in chosen.object_list]


def _reviewable(request: HttpRequest, commitment_id: int) -> Commitment:
    if not can_edit_registry(request.user):
        raise PermissionDenied("only the mission's analysts review commitments")
    return get_object_or_404(get_commitments_for(request.user), pk=commitment_id)


@router.post("/commitments/{commitment_id}/confirm", response=CommitmentOut, auth=CHANGE)
def confirm(request: HttpRequest, commitment_id: int, data: NoteIn | None = None) -> dict:
    commitment = _reviewable(request, commitment_id)
    note = data.note if data else ""
    return _commitment(confirm_commitment(commitment, actor=request.user, note=note))


@router.post("/commitments/{commitment_id}/reject", response=CommitmentOut, auth=CHANGE)
def reject(request: HttpRequest, commitment_id: int, data: ReasonIn) -> dict:
    commitment = _reviewable(request, commitment_id)
    return _commitment(reject_commitment(commitment, actor=request.user, reason=data.reason))


def patch_commitment(request: HttpRequest, commitment_id: int, data: CommitmentPatch) -> dict:
    """Correct a commitment's fields; parties and the category by their identifiers."""
    commitment = _reviewable(request, commitment_id)
    given = data.dict(exclude_unset=True)
    changes: dict[str, object] = {}
    for field, target, model in (
        ("obligor", "obligor_party", Party),
        ("demanded_by", "demanded_by_party", Party),
        ("category", "category", Category),
    ):
        if field in given:
            slug = given.pop(field)
            found = model.objects.filter(slug=slug).first() if slug else None
            if slug and found is None:
                raise ValidationError({field: f"no {model._meta.model_name} {slug!r}"})
            if field == "category" and found is None:
                raise ValidationError({field: "a commitment has a category"})
            changes[target] = found
    changes.update({k: ("" if v is None and k != "deadline" else v) for k, v in given.items()})
    return _commitment(edit_commitment(commitment, actor=request.user, **changes))


#: ``PATCH /commitments/{commitment_id}`` shares its path with the compliance router's GET, and
#: django-ninja serves one path from one router: ``abide.api`` adds it to that router with these.
PATCH_COMMITMENT = {
    "path": "/commitments/{commitment_id}",
    "methods": ["PATCH"],
    "view_func": patch_commitment,
    "response": CommitmentOut,
    "auth": CHANGE,
    "tags": ["sources and review"],
}


@router.post("/commitments/{commitment_id}/merge", response=CommitmentOut, auth=CHANGE)
def merge(request: HttpRequest, commitment_id: int, data: MergeIn) -> dict:
    """Merge the commitment ``duplicate`` into this one: this one keeps the statements of both,
    the duplicate is rejected as merged, pointing here."""
    keep = _reviewable(request, commitment_id)
    duplicate = get_commitments_for(request.user).filter(pk=data.duplicate).first()
    if duplicate is None:
        raise ValidationError({"duplicate": f"there is no commitment {data.duplicate}"})
    return _commitment(merge_commitments(keep, duplicate, actor=request.user, reason=data.reason))
