"""The observations list, its downloads, and the observation page.

Thin: what a reader may see comes from ``get_observations_for`` and the access helpers, the
filters from one form shared with the map and the downloads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from abide.accounts.access import AnyUser
from abide.compliance.access import can_link
from abide.compliance.models import Link, LinkState
from abide.observations.access import (
    can_comment,
    can_download_evidence,
    can_verify_observations,
    evidence_name_for,
    get_observation_for,
    get_observations_for,
    reads_discussion,
    sees_exact_place,
    sees_exact_places,
    sees_reporter,
)
from abide.observations.exporting import stream_observations
from abide.observations.models import (
    PUBLIC_HIDDEN_NAMES,
    Evidence,
    Observation,
    ObservationActor,
    rounded_point,
)
from abide.observations.services import ALLOWED_TRANSITIONS, event_candidates
from abide.observations.thumbnails import is_image
from abide.observations.views.filters import filtered_observations
from abide.observations.views.forms import (
    CommentForm,
    GradeForm,
    LinkEventForm,
    TransitionForm,
    UnlinkEventForm,
)
from abide.registry.access import get_commitments_for

PAGE_SIZE = 50
#: Same-event candidates offered on the page at most.
CANDIDATES_SHOWN = 20
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "geojson": "application/geo+json"}


@dataclass
class Place:
    """An observation's place as the reader is shown it."""

    latitude: float | None
    longitude: float | None
    exact: bool
    place_name: str
    admin2: str
    admin1: str
    country: str
    precision: str


def place_for(user: AnyUser, observation: Observation) -> Place:
    names = {
        "place_name": observation.place_name,
        "admin2": observation.admin2,
        "admin1": observation.admin1,
    }
    exact = sees_exact_place(user, observation)
    latitude, longitude = observation.latitude, observation.longitude
    if not exact:
        latitude, longitude = rounded_point(latitude, longitude, observation.public_precision)
        for name in PUBLIC_HIDDEN_NAMES.get(observation.public_precision, ()):
            names[name] = ""
    precision = (
        observation.get_place_precision_display()
        if exact
        else observation.get_public_precision_display()
    )
    return Place(
        latitude, longitude, exact, country=observation.country, precision=precision, **names
    )


def _page(queryset: QuerySet[Observation], number: str | None) -> tuple[Page, list[Observation]]:
    """One page of ``queryset`` newest first: the page's keys found on the index of the time
    alone, then its rows by key (so that page 1,000 reads 50 rows, not 50,000)."""
    keys = queryset.order_by("-observed_start", "-pk").values_list("pk", flat=True)
    page = Paginator(keys, PAGE_SIZE).get_page(number)
    ids = list(page.object_list)
    rows = (
        Observation.objects.filter(pk__in=ids)
        .select_related("category", "subtype")
        .prefetch_related(
            Prefetch(
                "actors",
                queryset=ObservationActor.objects.select_related("party").order_by("position"),
            )
        )
    )
    by_id = {row.pk: row for row in rows}
    return page, [by_id[pk] for pk in ids if pk in by_id]


@require_safe
def observation_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form, queryset = filtered_observations(user, request.GET)
    page, rows = _page(queryset, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [(row, place_for(user, row)) for row in rows],
        "query": query.urlencode(),
        "exact": sees_exact_places(user),
    }
    template = (
        "observations/_results.html"
        if request.headers.get("HX-Request")
        else "observations/list.html"
    )
    return render(request, template, context, status=422 if form.errors else 200)


@require_safe
def download(request: HttpRequest, format: str) -> HttpResponse:
    """The filtered list as CSV or GeoJSON, streamed. Readers who are shown places at their
    public precision (the public, partners) get the public export."""
    form, queryset = filtered_observations(request.user, request.GET)
    if form.errors:
        return render(
            request,
            "observations/list.html",
            {"form": form, "page": None, "rows": [], "query": ""},
            status=422,
        )
    public = not sees_exact_places(request.user)
    pieces = stream_observations(queryset, format=format, public=public)
    response = StreamingHttpResponse(pieces, content_type=CONTENT_TYPES[format])
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    extension = "csv" if format == "csv" else "geojson"
    response["Content-Disposition"] = f'attachment; filename="observations-{stamp}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the observation page --------------------------------------------------------------------


@dataclass
class EvidenceItem:
    evidence: Evidence
    url: str
    thumbnail: str | None
    exif: dict[str, Any]
    downloadable: bool
    name: str


@dataclass
class Actions:
    """The forms of the page, each None where the reader may not use it."""

    transitions: list[tuple[str, str, TransitionForm]] = field(default_factory=list)
    grade: GradeForm | None = None
    unlink: UnlinkEventForm | None = None
    candidates: list[tuple[Observation, LinkEventForm]] = field(default_factory=list)
    comment: CommentForm | None = None
    failed: Any = None


def _form(form_class: type, key: str, bound: Any, **kwargs: Any) -> Any:
    if bound is not None and bound.key == key:
        return bound
    return form_class(key=key, **kwargs)


def _evidence_items(user: AnyUser, observation: Observation) -> list[EvidenceItem]:
    items = []
    exact = sees_exact_place(user, observation)
    for evidence in observation.evidence.order_by("uploaded_at", "pk"):
        url = reverse("observations:evidence", args=[observation.pk, evidence.sha256])
        thumbnail = (
            reverse("observations:thumbnail", args=[observation.pk, evidence.sha256])
            if is_image(evidence)
            else None
        )
        exif = dict(evidence.metadata.get("exif", {})) if exact else {}
        if exact and evidence.metadata.get("gps"):
            exif["GPS"] = ", ".join(f"{v}" for v in evidence.metadata["gps"].values())
        items.append(
            EvidenceItem(
                evidence,
                url,
                thumbnail,
                exif,
                can_download_evidence(user, observation, evidence),
                evidence_name_for(user, observation, evidence),
            )
        )
    return items


def _links(user: AnyUser, observation: Observation) -> list[Link]:
    states = [LinkState.CONFIRMED]
    if can_link(user):
        states.append(LinkState.CANDIDATE)
    return list(
        Link.objects.filter(
            observation=observation,
            state__in=states,
            commitment__in=get_commitments_for(user),
        )
        .select_related("commitment__obligor_party", "commitment__category")
        .order_by("commitment__date_made", "pk")
    )


def detail_page(
    request: HttpRequest, observation: Observation, *, bound: Any = None, status: int = 200
) -> HttpResponse:
    user = request.user
    observation = (
        Observation.objects.select_related("category", "subtype", "reported_by", "patrol", "event")
        .prefetch_related(
            Prefetch(
                "actors",
                queryset=ObservationActor.objects.select_related("party").order_by("position"),
            )
        )
        .get(pk=observation.pk)
    )
    verifier = can_verify_observations(user)
    actions = Actions(failed=bound if bound is not None and bound.errors else None)
    same_event: list[Observation] = []
    if observation.event_id is not None:
        same_event = list(
            get_observations_for(user)
            .filter(event_id=observation.event_id)
            .exclude(pk=observation.pk)
            .select_related("category")
        )
    if verifier:
        for to_status in ALLOWED_TRANSITIONS.get(observation.status, ()):
            label = dict(type(observation)._meta.get_field("status").choices)[to_status]
            actions.transitions.append(
                (
                    to_status,
                    label,
                    _form(
                        TransitionForm,
                        f"status-{to_status}",
                        bound,
                        initial={"to_status": to_status},
                    ),
                )
            )
        actions.grade = _form(
            GradeForm,
            "grade",
            bound,
            initial={
                "reliability": observation.reliability,
                "credibility": observation.credibility,
            },
        )
        if observation.event_id is not None:
            actions.unlink = _form(UnlinkEventForm, "unlink", bound)
        actions.candidates = [
            (other, _form(LinkEventForm, f"link-{other.pk}", bound, initial={"other": other.pk}))
            for other in event_candidates(observation)[:CANDIDATES_SHOWN]
        ]
    if can_comment(user, observation):
        actions.comment = _form(CommentForm, "comment", bound)
    discussion = reads_discussion(user, observation)
    context = {
        "observation": observation,
        "place": place_for(user, observation),
        "reporter": sees_reporter(user, observation),
        "evidence": _evidence_items(user, observation),
        "steps": list(observation.verification_steps.select_related("by")),
        "comments": list(observation.comments.select_related("author")) if discussion else None,
        "links": _links(user, observation),
        "same_event": same_event,
        "actions": actions,
        "verifier": verifier,
        "names": discussion,
    }
    return render(request, "observations/detail.html", context, status=status)


@require_safe
def observation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return detail_page(request, get_observation_for(request.user, pk))
