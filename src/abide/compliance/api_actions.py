"""What analysts and the head of mission do through the API: review proposed links (and reopen
decided ones), set scopes,
sign off and override assessments, flag retractions, end commitments.

Every handler needs an API token (``Authorization: Bearer abide_...``) or a signed-in session
(and its CSRF token), and calls one service, which
checks the role, validates and audits; refusals come back as 403, bad input as 422 naming
the field.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from abide.accounts.access import is_mission_reader
from abide.accounts.api_auth import CHANGE
from abide.compliance.access import (
    get_assessment_for,
    get_link_for,
    get_retraction_for,
    get_statement_for,
)
from abide.compliance.assessment import override, sign_off
from abide.compliance.lifecycle import set_expiry, supersede
from abide.compliance.linking import add_link, confirm_link, reject_link, reopen_link, set_scope
from abide.compliance.models import Link, LinkState
from abide.compliance.retractions import (
    confirm_retraction,
    dismiss_retraction,
    flag_retraction,
)
from abide.compliance.tracker import proposed_retractions_for
from abide.observations.access import get_observations_for
from abide.registry.access import get_commitment_for

router = Router(tags=["review"], auth=CHANGE)


class Done(Schema):
    id: int
    state: str


class ReasonIn(Schema):
    reason: str


class ConfirmIn(ReasonIn):
    bearing: str | None = None
    obligor_role: str | None = None


class LinkIn(ReasonIn):
    observation: int
    bearing: str
    obligor_role: str


class ScopeIn(Schema):
    countries: list[str] = []
    admin_areas: list[str] = []
    places: list[dict] = []
    polygon: dict | None = None
    population: str = "all"


class OverrideIn(Schema):
    status: str
    justification: str


class RetractionIn(ReasonIn):
    statement: int
    kind: str


class DecideRetractionIn(ReasonIn):
    kind: str | None = None


class ProposedRetractionOut(Schema):
    id: int
    statement: int
    kind: str
    words: str
    quote: str
    source: str
    date_spoken: dt.date | None


class SupersedeIn(ReasonIn):
    by_commitment: int


class ExpiryIn(ReasonIn):
    expires_on: dt.date


class CandidateOut(Schema):
    id: int
    observation: int
    observed_start: dt.datetime
    bearing: str
    obligor_role: str


@router.get("/commitments/{commitment_id}/candidates", response=list[CandidateOut])
def candidates(request: HttpRequest, commitment_id: int) -> list[dict]:
    """The links abide proposed for a commitment, waiting for review."""
    commitment = get_commitment_for(request.user, commitment_id)
    if not is_mission_reader(request.user):
        return []
    links = Link.objects.filter(commitment=commitment, state=LinkState.CANDIDATE).filter(
        observation__in=get_observations_for(request.user)
    )
    return [
        {
            "id": link.pk,
            "observation": link.observation_id,
            "observed_start": link.observation.observed_start,
            "bearing": link.bearing,
            "obligor_role": link.obligor_role,
        }
        for link in links.select_related("observation").order_by("observation__observed_start")
    ]


@router.post("/links/{link_id}/confirm", response=Done)
def confirm(request: HttpRequest, link_id: int, data: ConfirmIn) -> dict:
    link = confirm_link(
        get_link_for(request.user, link_id),
        actor=request.user,
        reason=data.reason,
        bearing=data.bearing,
        obligor_role=data.obligor_role,
    )
    return {"id": link.pk, "state": link.state}


@router.post("/links/{link_id}/reject", response=Done)
def reject(request: HttpRequest, link_id: int, data: ReasonIn) -> dict:
    link = reject_link(get_link_for(request.user, link_id), actor=request.user, reason=data.reason)
    return {"id": link.pk, "state": link.state}


@router.post("/links/{link_id}/reopen", response=Done)
def reopen(request: HttpRequest, link_id: int, data: ReasonIn) -> dict:
    """Take back the decision on a confirmed or rejected link: a candidate again."""
    link = reopen_link(get_link_for(request.user, link_id), actor=request.user, reason=data.reason)
    return {"id": link.pk, "state": link.state}


@router.post("/commitments/{commitment_id}/links", response=Done)
def link_by_hand(request: HttpRequest, commitment_id: int, data: LinkIn) -> dict:
    commitment = get_commitment_for(request.user, commitment_id)
    observation = get_object_or_404(get_observations_for(request.user), pk=data.observation)
    link = add_link(
        commitment,
        observation,
        actor=request.user,
        bearing=data.bearing,
        obligor_role=data.obligor_role,
        reason=data.reason,
    )
    return {"id": link.pk, "state": link.state}


@router.put("/commitments/{commitment_id}/scope", response=Done)
def scope(request: HttpRequest, commitment_id: int, data: ScopeIn) -> dict:
    commitment = get_commitment_for(request.user, commitment_id)
    stored = set_scope(commitment, actor=request.user, **data.dict())
    return {"id": stored.pk, "state": "set"}


@router.post("/assessments/{assessment_id}/sign-off", response=Done)
def sign(request: HttpRequest, assessment_id: int) -> dict:
    signed = sign_off(get_assessment_for(request.user, assessment_id), actor=request.user)
    return {"id": signed.pk, "state": signed.status}


@router.post("/assessments/{assessment_id}/override", response=Done)
def override_status(request: HttpRequest, assessment_id: int, data: OverrideIn) -> dict:
    changed = override(
        get_assessment_for(request.user, assessment_id),
        data.status,
        actor=request.user,
        justification=data.justification,
    )
    return {"id": changed.pk, "state": changed.status}


@router.post("/commitments/{commitment_id}/retractions", response=Done)
def retraction(request: HttpRequest, commitment_id: int, data: RetractionIn) -> dict:
    commitment = get_commitment_for(request.user, commitment_id)
    statement = get_statement_for(request.user, data.statement)
    flagged = flag_retraction(
        commitment, statement, kind=data.kind, actor=request.user, reason=data.reason
    )
    return {"id": flagged.pk, "state": flagged.kind}


@router.get(
    "/commitments/{commitment_id}/proposed-retractions", response=list[ProposedRetractionOut]
)
def proposed_retractions(request: HttpRequest, commitment_id: int) -> list[dict]:
    """The later statements abide found walking the pledge back, waiting for review."""
    commitment = get_commitment_for(request.user, commitment_id)
    return [
        {
            "id": r.pk,
            "statement": r.statement_id,
            "kind": r.kind,
            "words": r.walk_back.text if r.walk_back else "",
            "quote": r.statement.text,
            "source": r.statement.source.title,
            "date_spoken": r.statement.date_spoken,
        }
        for r in proposed_retractions_for(request.user, commitment)
    ]


@router.post("/retractions/{retraction_id}/confirm", response=Done)
def retraction_confirmed(
    request: HttpRequest, retraction_id: int, data: DecideRetractionIn
) -> dict:
    decided = confirm_retraction(
        get_retraction_for(request.user, retraction_id),
        actor=request.user,
        reason=data.reason,
        kind=data.kind,
    )
    return {"id": decided.pk, "state": decided.state}


@router.post("/retractions/{retraction_id}/dismiss", response=Done)
def retraction_dismissed(request: HttpRequest, retraction_id: int, data: ReasonIn) -> dict:
    decided = dismiss_retraction(
        get_retraction_for(request.user, retraction_id), actor=request.user, reason=data.reason
    )
    return {"id": decided.pk, "state": decided.state}


@router.post("/commitments/{commitment_id}/supersede", response=Done)
def superseded(request: HttpRequest, commitment_id: int, data: SupersedeIn) -> dict:
    commitment = get_commitment_for(request.user, commitment_id)
    later = get_commitment_for(request.user, data.by_commitment)
    lifecycle = supersede(commitment, by_commitment=later, actor=request.user, reason=data.reason)
    return {"id": lifecycle.pk, "state": "superseded"}


@router.post("/commitments/{commitment_id}/expiry", response=Done)
def expiry(request: HttpRequest, commitment_id: int, data: ExpiryIn) -> dict:
    commitment = get_commitment_for(request.user, commitment_id)
    lifecycle = set_expiry(commitment, data.expires_on, actor=request.user, reason=data.reason)
    return {"id": lifecycle.pk, "state": "expires"}
