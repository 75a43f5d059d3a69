"""What every page's navigation needs to know: which of the analysts' pages the user may open."""

from __future__ import annotations

from django.http import HttpRequest

from abide.accounts.access import can_edit_registry, is_mission_reader
from abide.compliance.access import can_link
from abide.observations.access import can_verify_observations
from abide.reports.access import can_draft_reports


def desk(request: HttpRequest) -> dict[str, dict[str, bool]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"desk": {}}
    return {
        "desk": {
            "dashboard": is_mission_reader(user),
            "observations": can_verify_observations(user),
            "links": can_link(user),
            "retractions": can_edit_registry(user),
            "sources": can_edit_registry(user),
            "commitments": can_edit_registry(user),
            "reports": can_draft_reports(user),
        }
    }
