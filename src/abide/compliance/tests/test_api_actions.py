"""Reviewing through the API: each action by the right role, refused otherwise, bad input named."""

from __future__ import annotations

import datetime as dt

import pytest

from abide.compliance.assessment import assess
from abide.compliance.linking import confirm_link, propose_links
from abide.compliance.models import Assessment, Link
from abide.compliance.periods import parse_period
from abide.compliance.tests.test_linking import observe, pledge

pytestmark = pytest.mark.usefixtures("starter_registry")


@pytest.fixture
def proposed(analyst):
    commitment = pledge()
    first, second = observe(day=dt.date(2023, 9, 27)), observe(day=dt.date(2023, 9, 28))
    propose_links(commitment, actor=analyst)
    return commitment, first, second


def test_an_analyst_reviews_the_proposed_links_of_a_commitment(proposed, client, analyst):
    commitment, first, second = proposed
    client.force_login(analyst)
    candidates = client.get(f"/api/commitments/{commitment.pk}/candidates").json()
    assert [c["observation"] for c in candidates] == [first.pk, second.pk]
    confirmed = client.post(
        f"/api/links/{candidates[0]['id']}/confirm",
        {"reason": "Crater found.", "obligor_role": "perpetrator"},
        content_type="application/json",
    )
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"
    rejected = client.post(
        f"/api/links/{candidates[1]['id']}/reject",
        {"reason": "Outgoing fire."},
        content_type="application/json",
    )
    assert rejected.json()["state"] == "rejected"
    assert Link.objects.get(observation=first).obligor_role == "perpetrator"
    assert client.get(f"/api/commitments/{commitment.pk}/candidates").json() == []


def test_without_a_session_or_the_role_changes_are_refused(proposed, client, observer, analyst):
    link = Link.objects.first()
    body = {"reason": "seen"}
    anonymous = client.post(f"/api/links/{link.pk}/confirm", body, content_type="application/json")
    assert anonymous.status_code == 401
    client.force_login(observer)
    hidden = client.post(f"/api/links/{link.pk}/confirm", body, content_type="application/json")
    assert hidden.status_code == 404  # a candidate: not shown to observers
    assert Link.objects.get(pk=link.pk).state == "candidate"
    confirm_link(link, actor=analyst, reason="Crater found.")
    refused = client.post(f"/api/links/{link.pk}/reopen", body, content_type="application/json")
    assert refused.status_code == 403
    assert Link.objects.get(pk=link.pk).state == "confirmed"


def test_bad_input_comes_back_naming_the_field(proposed, client, analyst):
    commitment, *_ = proposed
    client.force_login(analyst)
    response = client.put(
        f"/api/commitments/{commitment.pk}/scope",
        {"countries": ["Atlantis"]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "unknown country 'Atlantis'" in response.json()["detail"]["countries"][0]
    scoped = client.put(
        f"/api/commitments/{commitment.pk}/scope",
        {"countries": ["Armenia", "Azerbaijan"]},
        content_type="application/json",
    )
    assert scoped.status_code == 200


def test_the_head_of_mission_overrides_after_the_analyst_signs_off(proposed, client, analyst, head):
    commitment, *_ = proposed
    (assessment,) = assess([commitment], [parse_period("2023-W39")], actor=analyst)
    client.force_login(analyst)
    assert client.post(f"/api/assessments/{assessment.pk}/sign-off").status_code == 200
    body = {"status": "violated", "justification": "Confirmed by the OSCE."}
    url = f"/api/assessments/{assessment.pk}/override"
    assert client.post(url, body, content_type="application/json").status_code == 403
    client.force_login(head)
    overridden = client.post(url, body, content_type="application/json")
    assert overridden.json() == {"id": assessment.pk, "state": "violated"}
    assert Assessment.objects.get(pk=assessment.pk).computed_status == "at_risk"


def test_a_commitment_is_ended_by_a_later_one_through_the_api(client, analyst):
    truce = pledge(date_made=dt.date(2023, 9, 1))
    ceasefire = pledge(date_made=dt.date(2023, 9, 20))
    client.force_login(analyst)
    response = client.post(
        f"/api/commitments/{truce.pk}/supersede",
        {"by_commitment": ceasefire.pk, "reason": "Replaced."},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert truce.lifecycle.superseded_by == ceasefire
