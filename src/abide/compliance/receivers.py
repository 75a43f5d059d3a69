"""Keeping assessments current as observations arrive or are verified, and proposing the
retractions a new source brings."""

from __future__ import annotations

from abide.accounts.models import User
from abide.compliance.assessment import reassess_observation
from abide.compliance.linking import propose_links_for
from abide.compliance.retractions import propose_retractions
from abide.observations.models import Observation
from abide.registry.models import Source


def on_observation_changed(
    sender: type, *, observation: Observation, actor: User, created: bool = False, **_: object
) -> None:
    """Propose the new observation's links, then reassess what it bears on, and only that.

    Only the assessments that exist are brought up to date: a period nobody assessed yet is
    assessed when someone asks for it (`abide assess`). An observation that was already there
    (verified, or a link to it decided) changes no coverage: its assessments are worked out
    from what decided them."""
    propose_links_for(observation, actor=actor)
    reassess_observation(observation, actor=actor, existing_only=True, counted=not created)


def on_source_ingested(sender: type, *, source: Source, **_: object) -> None:
    propose_retractions(source)
