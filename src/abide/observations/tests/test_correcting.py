"""Corrections through the service: checked as a report is, placed again, audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from abide.audit.models import AuditEntry
from abide.audit.services import verify_log
from abide.observations.correcting import correct_observation
from abide.observations.tests.test_services import report

GORIS = (39.5111, 46.3417)


def test_a_corrected_point_is_placed_again(starter_registry, observer):
    observation = report(observer)
    assert observation.country == "AZ"
    correct_observation(observation, actor=observer, latitude=GORIS[0], longitude=GORIS[1])
    observation.refresh_from_db()
    assert (observation.latitude, observation.longitude) == GORIS
    assert observation.country == "AM"
    assert observation.place_name == "Goris"
    entry = AuditEntry.objects.get(action="correct")
    assert entry.changes["country"] == ["AZ", "AM"]
    assert verify_log().ok


def test_a_correction_is_checked_as_a_report_is_and_changes_nothing_when_refused(
    starter_registry, observer
):
    observation = report(observer, casualties_low=1, casualties_best=2)
    with pytest.raises(ValidationError) as refused:
        correct_observation(observation, actor=observer, casualties_best=0, subtype="nonsense")
    assert set(refused.value.message_dict) == {"casualties_best", "subtype"}
    observation.refresh_from_db()
    assert observation.casualties_best == 2
    assert not AuditEntry.objects.filter(action="correct").exists()


def test_only_what_the_reporter_said_may_be_corrected(starter_registry, observer):
    observation = report(observer)
    with pytest.raises(TypeError, match="status"):
        correct_observation(observation, actor=observer, status="verified")
