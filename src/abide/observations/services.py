"""State changes of observations: report, verify, grade, discuss, patrol, and link as events.

Each function checks the acting user's role in :mod:`abide.observations.access` (raising
``PermissionDenied``), runs in one transaction and writes its audit record in it. Invalid
input raises a ``ValidationError`` whose dictionary names the field at fault.
"""

from abide.observations.events import (
    count_events,
    event_candidates,
    link_as_one_event,
    unlink_from_event,
)
from abide.observations.patrols import record_patrol
from abide.observations.reporting import (
    ActorIn,
    default_gazetteer,
    report_observation,
)
from abide.observations.verification import ALLOWED_TRANSITIONS, add_comment, grade, transition

__all__ = [
    "ALLOWED_TRANSITIONS",
    "ActorIn",
    "add_comment",
    "count_events",
    "default_gazetteer",
    "event_candidates",
    "grade",
    "link_as_one_event",
    "record_patrol",
    "report_observation",
    "transition",
    "unlink_from_event",
]
