"""Corrections: a reporter fixes their own report until an analyst has looked at it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from abide.accounts.models import User
from abide.audit.services import record_change, snapshot
from abide.observations import mapcells
from abide.observations.access import can_correct
from abide.observations.checks import _sync
from abide.observations.models import Observation, ObservationActor
from abide.observations.reporting import ActorIn, build_observation
from abide.observations.signals import observation_changed

#: What a correction may change: what the reporter said, not who said it or what was decided.
CORRECTABLE = (
    "category",
    "subtype",
    "direction",
    "observed_start",
    "observed_end",
    "time_precision",
    "place_name",
    "latitude",
    "longitude",
    "place_precision",
    "actors",
    "casualties_low",
    "casualties_best",
    "casualties_high",
    "casualties_civilian",
    "casualties_combatant",
    "casualties_unknown",
    "narrative",
    "language",
    "sensitivity",
    "public_precision",
    "patrol",
)
#: The stored fields a correction rewrites (those the checks fill in from what was given too).
_WRITTEN = (
    "observed_start",
    "observed_end",
    "time_precision",
    "latitude",
    "longitude",
    "place_precision",
    "country",
    "admin1",
    "place_name",
    "geonameid",
    "category",
    "subtype",
    "direction",
    "casualties_low",
    "casualties_best",
    "casualties_high",
    "casualties_civilian",
    "casualties_combatant",
    "casualties_unknown",
    "narrative",
    "language",
    "sensitivity",
    "public_precision",
    "patrol",
)


def _as_reported(observation: Observation) -> dict[str, Any]:
    """The observation's fields as :func:`report_observation` takes them."""
    values: dict[str, Any] = {
        name: getattr(observation, name)
        for name in CORRECTABLE
        if name not in ("actors", "place_precision")
    }
    values["place_precision"] = observation.place_precision
    values["actors"] = [
        ActorIn(name=row.name, party=row.party, attribution=row.attribution)
        for row in observation.actors.select_related("party").order_by("position")
    ]
    return values


def correct_observation(observation: Observation, *, actor: User, **changes: Any) -> Observation:
    """Change what the reporter said in ``observation``, checked as a new report is.

    Only the reporter may, and only while the observation is still ``reported``, with no
    verification step and no grade: once an analyst has looked at it, it stays as reviewed.
    Fields not given keep their value; ``changes`` takes the arguments of
    :func:`~abide.observations.reporting.report_observation` named in :data:`CORRECTABLE`.
    The before and after are audited.
    """
    unknown = sorted(set(changes) - set(CORRECTABLE))
    if unknown:
        raise TypeError(f"not correctable: {', '.join(unknown)}")
    with transaction.atomic():
        locked = Observation.objects.select_for_update().get(pk=observation.pk)
        if not can_correct(actor, locked):
            raise PermissionDenied(
                _("only its reporter may correct an observation, and only before it is reviewed")
            )
        values = {**_as_reported(locked), **changes}
        if "latitude" in changes or "longitude" in changes or "place_name" in changes:
            # A new place is placed again: the precision follows from what was given, and a
            # new point without a name is named after its nearest place.
            values["place_precision"] = changes.get("place_precision")
            if "place_name" not in changes:
                values["place_name"] = ""
        checked, actor_rows = build_observation(
            actor=actor,
            client_key=locked.client_key,
            reporter_kind=locked.reporter_kind,
            **values,
        )
        before = snapshot(locked)
        former_cells = mapcells.keys_of([locked.pk])
        for name in _WRITTEN:
            setattr(locked, name, getattr(checked, name))
        locked.save(update_fields=[*_WRITTEN, "updated_at"])
        ObservationActor.objects.filter(observation=locked).delete()
        for row in actor_rows:
            row.observation = locked
        ObservationActor.objects.bulk_create(actor_rows)
        record_change(
            locked,
            actor=actor,
            action="correct",
            before=before,
            related=ObservationActor.objects.filter(observation=locked).order_by("position"),
        )
        mapcells.refresh_map_cells(former_cells)  # its new place: through the signal
        # Coverage may have changed (a new time, place or category): reassessed as new.
        observation_changed.send(Observation, observation=locked, actor=actor, created=True)
    _sync(observation, locked, *_WRITTEN, "updated_at")
    return locked
