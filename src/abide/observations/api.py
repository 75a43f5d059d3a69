"""Observations through the API: list, read, report, attach evidence, verify, grade, record
patrols, and suggest place names.

Handlers are thin: what a user may see comes from :mod:`abide.observations.access` and
:mod:`abide.observations.filtering`, what they see of it from
:mod:`abide.observations.presenting`, and every change is one service, which checks the
role (403), validates (422 naming the field) and audits. Reading needs no account; changing
needs an API token or a signed-in session (401 without, or with a token that is not valid).
"""

from __future__ import annotations

import math

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from abide.accounts.api_auth import CHANGE, READ
from abide.observations.access import get_observation_for
from abide.observations.evidence import store_evidence
from abide.observations.filtering import observations_for_request
from abide.observations.models import Observation
from abide.observations.paging import DEFAULT_LIMIT, page_of
from abide.observations.presenting import (
    evidence_data,
    for_display,
    observation_data,
    observation_detail,
)
from abide.observations.reporting import ActorIn, default_gazetteer
from abide.observations.schemas import (
    EvidenceOut,
    GradeIn,
    ObservationDetailOut,
    ObservationIn,
    ObservationOut,
    ObservationPage,
    PatrolIn,
    PatrolOut,
    PlaceOut,
    StatusOut,
    TransitionIn,
)
from abide.observations.services import grade, record_patrol, report_observation, transition

router = Router(tags=["observations"])

#: The most places one request for suggestions may ask for.
MAX_PLACES = 50


@router.get("/observations", response=ObservationPage, auth=READ)
def list_observations(
    request: HttpRequest,
    cursor: str = "",
    limit: int = DEFAULT_LIMIT,
    since: str = "",
    until: str = "",
    category: str = "",
    subtype: str = "",
    status: str = "",
    direction: str = "",
    party: str = "",
    dataset: str = "",
    country: str = "",
    area: str = "",
    patrol: str = "",
    bbox: str = "",
    sensitivity: str = "",
) -> dict:
    """The observations the caller may see, latest observed first, a page at a time by
    cursor: ``limit`` (1-500, default 100) per page, and ``next_cursor`` to pass as
    ``cursor`` for the next (null on the last). Filters: ``since`` and ``until`` (days
    YYYY-MM-DD, both included, of the observed start), ``category``, ``subtype``, ``party``
    (identifiers), ``status``, ``direction``, ``sensitivity``, ``dataset``, ``country``
    (ISO 3166-1 alpha-2), ``area`` (a first- or second-level area as stored), ``patrol``
    (id) and ``bbox`` (west,south,east,north). The public and partners see places coarsened
    to their public precision, and ``bbox`` and ``area`` match the places as they see them."""
    observations = observations_for_request(request.user, request.GET)
    rows, next_cursor = page_of(for_display(observations), cursor=cursor or None, limit=limit)
    return {
        "items": [observation_data(request.user, row) for row in rows],
        "next_cursor": next_cursor,
    }


@router.get("/observations/{observation_id}", response=ObservationDetailOut, auth=READ)
def get_observation(request: HttpRequest, observation_id: int) -> dict:
    """One observation with its evidence files and verification history, as far as the
    caller may see them; 404 if the caller may not see it."""
    observation = get_observation_for(request.user, observation_id)
    return observation_detail(request.user, observation)


@router.post("/observations", response={200: ObservationOut, 201: ObservationOut}, auth=CHANGE)
def report(request: HttpRequest, data: ObservationIn) -> Status:
    """Report an observation (observers, partners, analysts, the head of mission): 201 with
    it. The same ``client_key`` again from the same user stores nothing and answers 200
    with the observation stored the first time."""
    fields = data.dict()
    actors = [ActorIn(**actor) for actor in fields.pop("actors")]
    observation, created = report_observation(actor=request.user, actors=actors, **fields)
    observation = for_display(Observation.objects).get(pk=observation.pk)  # as stored
    return Status(201 if created else 200, observation_data(request.user, observation))


@router.post(
    "/observations/{observation_id}/evidence",
    response={200: EvidenceOut, 201: EvidenceOut},
    auth=CHANGE,
)
def add_evidence(request: HttpRequest, observation_id: int, file: File[UploadedFile]) -> Status:
    """Attach a file (multipart, field ``file``): typed by its content (JPEG, PNG, WebP, GIF,
    TIFF, PDF, MP4, QuickTime, MP3, WAV, Ogg, UTF-8 text), within the size limit; 201 with
    its SHA-256, type, size and EXIF. The same file again answers 200 with the stored one."""
    observation = get_observation_for(request.user, observation_id)
    evidence, created = store_evidence(observation, file, name=file.name or "", actor=request.user)
    return Status(201 if created else 200, evidence_data(evidence))


def _status(observation_id: int, request: HttpRequest) -> dict:
    observation = get_observation_for(request.user, observation_id)
    return {
        "id": observation.pk,
        "status": observation.status,
        "reliability": observation.reliability or None,
        "credibility": observation.credibility,
    }


@router.post("/observations/{observation_id}/transition", response=StatusOut, auth=CHANGE)
def change_status(request: HttpRequest, observation_id: int, data: TransitionIn) -> dict:
    """Move the observation through verification (analysts, the head of mission) with a
    reason: reported → corroborated, verified or disputed; corroborated → verified or
    disputed; disputed → corroborated, verified or refuted; verified or refuted → disputed."""
    observation = get_observation_for(request.user, observation_id)
    try:
        transition(observation, data.to, actor=request.user, reason=data.reason)
    except ValidationError as exc:
        raise _renamed(exc, {"to_status": "to", "__all__": "to"}) from None
    return _status(observation_id, request)


@router.post("/observations/{observation_id}/grade", response=StatusOut, auth=CHANGE)
def grade_source(request: HttpRequest, observation_id: int, data: GradeIn) -> dict:
    """Grade the source's reliability (A-F) and the information's credibility (1-6), the
    Admiralty code; either alone (analysts, the head of mission)."""
    observation = get_observation_for(request.user, observation_id)
    grade(
        observation,
        reliability=data.reliability,
        credibility=data.credibility,
        actor=request.user,
        reason=data.reason,
    )
    return _status(observation_id, request)


@router.post("/patrols", response={201: PatrolOut}, auth=CHANGE, tags=["patrols"])
def add_patrol(request: HttpRequest, data: PatrolIn) -> Status:
    """Record a patrol (observers, analysts, the head of mission): where and when a team
    looked, including the patrols that saw nothing."""
    patrol = record_patrol(actor=request.user, **data.dict())
    return Status(
        201,
        {
            "id": patrol.pk,
            "team": patrol.team,
            "started_at": patrol.started_at,
            "ended_at": patrol.ended_at,
            "members": sorted(patrol.members.values_list("username", flat=True)),
            "area_admin": patrol.area_admin,
            "area_places": patrol.area_places,
            "area_polygon": patrol.area_polygon,
            "route": patrol.route,
            "footprint": patrol.footprint,
            "notes": patrol.notes,
        },
    )


@router.get("/places", response=list[PlaceOut], auth=READ, tags=["places"])
def suggest_places(
    request: HttpRequest, q: str = "", limit: int = 10, country: str = ""
) -> list[dict]:
    """Places whose name, in any spelling or script, begins with ``q`` ("Step", "Ստեփ",
    "Степ" and "Xankə" all offer Khankendi): a name typed in full first, then the places in
    ``country`` (ISO codes, comma-separated, if given), then those whose own name begins so,
    the most populous first. ``limit`` 1-50 (default 10). Needs no account."""
    if not 1 <= limit <= MAX_PLACES:
        raise ValidationError(
            {
                "limit": _("limit must be from 1 to %(max)d, not %(value)s")
                % {"max": MAX_PLACES, "value": limit}
            }
        )
    codes = [code.strip() for code in country.split(",") if code.strip()]
    for code in codes:
        if len(code) != 2 or not code.isalpha():
            raise ValidationError(
                {
                    "country": _("%(value)r is not a two-letter country code (ISO 3166-1)")
                    % {"value": code}
                }
            )
    return [
        {
            "name": suggestion.place.name,
            "label": suggestion.label,
            "country_code": suggestion.place.country_code,
            "admin1": suggestion.place.admin1_code,
            "latitude": suggestion.place.latitude,
            "longitude": suggestion.place.longitude,
        }
        for suggestion in default_gazetteer().suggest(q, limit, countries=codes)
        if math.isfinite(suggestion.place.latitude) and math.isfinite(suggestion.place.longitude)
    ]


def _renamed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """The error with its fields named as the API names them."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    renamed: dict[str, list[str]] = {}
    for field, messages in errors.items():
        renamed.setdefault(names.get(field, field), []).extend(messages)
    return ValidationError(renamed)


__all__ = ["ObservationOut", "router"]
