"""An observation as one user may see it: every field they may see, and nothing else.

The mission's people see the place as recorded; partners and the public see it coarsened to
the observation's public precision (:func:`~abide.observations.access.public_point`), with the
names finer than that left out, and neither who reported it nor the patrol or key it came
with (their own reports excepted). The same dictionaries serve the API and the pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet

from abide.accounts.access import AnyUser
from abide.observations.access import (
    public_point,
    sees_exact_place,
    sees_reporter,
)
from abide.observations.models import (
    PUBLIC_HIDDEN_NAMES,
    Evidence,
    Observation,
    ObservationActor,
)

#: Casualty counts, by the names the reporting service takes.
CASUALTIES = (
    "casualties_low",
    "casualties_best",
    "casualties_high",
    "casualties_civilian",
    "casualties_combatant",
    "casualties_unknown",
)


def for_display(queryset: QuerySet[Observation]) -> QuerySet[Observation]:
    """``queryset`` with what :func:`observation_data` reads, in a fixed number of queries."""
    return queryset.select_related("category", "subtype", "reported_by").prefetch_related(
        Prefetch(
            "actors",
            queryset=ObservationActor.objects.select_related("party").order_by("position", "id"),
        )
    )


def evidence_data(evidence: Evidence) -> dict[str, Any]:
    """A stored file: its address, type and size, and what it says of itself."""
    metadata = evidence.metadata or {}
    return {
        "id": evidence.pk,
        "sha256": evidence.sha256,
        "media_type": evidence.media_type,
        "size": evidence.size,
        "original_name": evidence.original_name,
        "uploaded_at": evidence.uploaded_at,
        "width": metadata.get("width"),
        "height": metadata.get("height"),
        "exif": metadata.get("exif", {}),
        "gps": metadata.get("gps"),
    }


def observation_data(user: AnyUser, observation: Observation) -> dict[str, Any]:
    """The observation's fields that ``user`` may see (who may see it at all is for
    :func:`~abide.observations.access.get_observations_for` to say)."""
    exact = sees_exact_place(user, observation)
    reporter = sees_reporter(user, observation)
    data: dict[str, Any] = {
        "id": observation.pk,
        "observed_start": observation.observed_start,
        "observed_end": observation.observed_end,
        "time_precision": observation.time_precision,
        "reported_at": observation.reported_at,
        "latitude": observation.latitude,
        "longitude": observation.longitude,
        "place_precision": observation.place_precision,
        "public_precision": observation.public_precision,
        "country": observation.country,
        "admin1": observation.admin1,
        "admin2": observation.admin2,
        "place_name": observation.place_name,
        "geonameid": observation.geonameid,
        "category": observation.category.slug,
        "subtype": observation.subtype.slug if observation.subtype else None,
        "direction": observation.direction,
        "actors": [
            {
                "party": actor.party.slug if actor.party else None,
                "name": actor.name,
                "attribution": actor.attribution,
            }
            for actor in observation.actors.all()
        ],
        **{name: getattr(observation, name) for name in CASUALTIES},
        "narrative": observation.narrative,
        "language": observation.language,
        "sensitivity": observation.sensitivity,
        "status": observation.status,
        "reliability": observation.reliability or None,
        "credibility": observation.credibility,
        "reporter_kind": observation.reporter_kind,
        "reported_by": observation.reported_by.username
        if reporter and observation.reported_by
        else None,
        "client_key": (observation.client_key or None) if reporter else None,
        "patrol": observation.patrol_id if exact else None,
        "event": observation.event_id,
        "dataset": observation.dataset,
        "dataset_version": observation.dataset_version,
        "original_id": observation.original_id,
        "place_shown_as": "recorded" if exact else "published",
    }
    if not exact:
        point = public_point(observation)
        data["latitude"], data["longitude"] = point if point else (None, None)
        for name in PUBLIC_HIDDEN_NAMES.get(observation.public_precision, ()):
            data[name] = ""
        if "place_name" in PUBLIC_HIDDEN_NAMES.get(observation.public_precision, ()):
            data["geonameid"] = None
    return data


def observation_detail(user: AnyUser, observation: Observation) -> dict[str, Any]:
    """:func:`observation_data` with its evidence files and verification history. Files and
    who verified are for those who see the place as recorded (a photo's EXIF says where)."""
    data = observation_data(user, observation)
    exact = sees_exact_place(user, observation)
    data["evidence"] = [evidence_data(e) for e in observation.evidence.all()] if exact else []
    data["verification"] = [
        {
            "from_status": step.from_status,
            "to_status": step.to_status,
            "at": step.at,
            "by": step.by.username if sees_reporter(user, observation) else None,
            "reason": step.reason if exact else "",
        }
        for step in observation.verification_steps.select_related("by")
    ]
    return data


def observations_data(user: AnyUser, observations: Iterable[Observation]) -> list[dict[str, Any]]:
    return [observation_data(user, observation) for observation in observations]
