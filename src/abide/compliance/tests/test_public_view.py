"""What readers outside the mission (the public, partners) are shown of assessments: a verdict
resting only on observations they may not see is withheld, and coverage counts only the
observations everyone may see. The mission sees them as computed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from abide.compliance.assessment import assess, override
from abide.compliance.linking import propose_links
from abide.compliance.models import Assessment, AssessmentStatus
from abide.compliance.periods import period_of
from abide.compliance.tests.test_linking import observe, pledge
from abide.compliance.tracker import tracker_rows
from abide.web.figures import commitment_statuses

pytestmark = pytest.mark.usefixtures("starter_registry")

WEEK = period_of("week", dt.date(2023, 9, 25))
TODAY = dt.date(2023, 9, 27)


def shelling(sensitivity: str, status: str, day: int = 27):
    observation = observe(day=dt.date(2023, 9, day))
    observation.sensitivity, observation.status = sensitivity, status
    observation.save()
    return observation


def assessed(analyst, *observations) -> Assessment:
    commitment = pledge()
    propose_links(commitment, actor=analyst)
    (assessment,) = assess([commitment], [WEEK], actor=analyst)
    return assessment


def shown(user, assessment: Assessment) -> str:
    (row,) = tracker_rows(user, today=TODAY, weeks=1)
    assert row.commitment.pk == assessment.commitment_id
    return row.status


def test_a_verdict_resting_only_on_restricted_evidence_is_withheld_outside_the_mission(
    analyst, observer, partner, client
):
    shelling("restricted", "verified")
    assessment = assessed(analyst)
    verdict = assessment.computed_status
    assert verdict in (AssessmentStatus.VIOLATED, AssessmentStatus.AT_RISK)
    assert shown(analyst, assessment) == verdict
    assert shown(observer, assessment) == verdict
    assert shown(AnonymousUser(), assessment) == AssessmentStatus.WITHHELD
    assert shown(partner, assessment) == AssessmentStatus.WITHHELD
    # The same on the commitment's page, in the API and in the public figures.
    page = client.get(f"/tracker/{assessment.commitment_id}/").content.decode()
    assert "not assessed publicly" in page and "status-withheld" in page
    data = client.get(f"/api/commitments/{assessment.commitment_id}").json()
    assert [a["computed_status"] for a in data["history"]] == ["withheld"]
    counts = {s: n for s, _, n in commitment_statuses(AnonymousUser(), WEEK)}
    assert counts["withheld"] == 1 and counts[verdict] == 0
    counts = {s: n for s, _, n in commitment_statuses(analyst, WEEK)}
    assert counts[verdict] == 1 and "withheld" not in counts
    # Stored as computed.
    assert Assessment.objects.get(pk=assessment.pk).computed_status == verdict


def test_a_verdict_with_a_published_observation_among_its_evidence_is_shown(analyst):
    shelling("restricted", "verified")
    shelling("public", "verified", day=28)
    assessment = assessed(analyst)
    assert shown(AnonymousUser(), assessment) == assessment.computed_status


def test_unpublished_public_evidence_is_not_enough(analyst):
    shelling("public", "reported")
    assessment = assessed(analyst)
    assert shown(AnonymousUser(), assessment) == AssessmentStatus.WITHHELD


def test_the_head_of_missions_status_is_shown_as_set(analyst, head):
    shelling("restricted", "verified")
    assessment = assessed(analyst)
    override(assessment, "violated", actor=head, justification="Confirmed by the head.")
    assert shown(AnonymousUser(), assessment) == AssessmentStatus.VIOLATED


def test_withheld_cannot_be_set_by_the_head_of_mission(analyst, head):
    from django.core.exceptions import ValidationError

    shelling("restricted", "verified")
    assessment = assessed(analyst)
    with pytest.raises(ValidationError):
        override(assessment, "withheld", actor=head, justification="no")


def test_coverage_outside_the_mission_counts_only_published_observations(analyst, client):
    shelling("restricted", "verified")
    shelling("internal", "verified", day=28)
    shelling("public", "verified", day=29)
    shelling("public", "reported", day=29)
    assessment = assessed(analyst)
    assert (assessment.coverage_observations, assessment.coverage_public_observations) == (4, 1)
    (row,) = tracker_rows(analyst, today=TODAY, weeks=1)
    assert row.current.coverage_observations == 4
    (row,) = tracker_rows(AnonymousUser(), today=TODAY, weeks=1)
    assert row.current.coverage_observations == 1
    data = client.get(f"/api/commitments/{assessment.commitment_id}").json()
    assert data["coverage_observations"] == 1
    assert [a["coverage_observations"] for a in data["history"]] == [1]
