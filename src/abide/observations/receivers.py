"""How the observations app keeps its own derived data in step: the map's summary table
(:mod:`abide.observations.mapcells`) after a report, a correction, a change of status, a
deletion."""

from __future__ import annotations

from typing import Any

from abide.observations import mapcells
from abide.observations.models import Observation


def on_observation_changed(sender: Any, *, observation: Observation, **kwargs: Any) -> None:
    """The map's rows where the observation is now (its former place, after a correction, is
    refreshed by the correction itself)."""
    mapcells.refresh_observations([observation.pk])


def before_observation_deleted(sender: Any, *, instance: Observation, **kwargs: Any) -> None:
    instance._map_keys = mapcells.keys_of([instance.pk])


def after_observation_deleted(sender: Any, *, instance: Observation, **kwargs: Any) -> None:
    mapcells.refresh_map_cells(getattr(instance, "_map_keys", ()))


def after_observation_saved(sender: Any, *, instance: Observation, **kwargs: Any) -> None:
    """Once the change is committed, the observation's evidence files are put in the form its
    sensitivity asks for: sealed while it is restricted, plain otherwise."""
    update_fields = kwargs.get("update_fields")
    if kwargs.get("created") or (update_fields is not None and "sensitivity" not in update_fields):
        return
    from django.db import transaction

    from abide.observations.evidence import reseal_observation

    pk = instance.pk
    transaction.on_commit(lambda: reseal_observation(pk))
