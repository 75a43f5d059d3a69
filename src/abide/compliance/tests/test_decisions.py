"""A decision is made once: a decided link is reopened before it is decided again, an
assessment is signed off once, and only a confirmed commitment expires or is superseded. The
services, the API and the review forms say so alike."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from abide.audit.models import AuditEntry
from abide.audit.services import verify_log
from abide.compliance.assessment import sign_off
from abide.compliance.lifecycle import set_expiry, supersede
from abide.compliance.linking import (
    add_link,
    confirm_link,
    reject_link,
    reopen_link,
)
from abide.compliance.models import Assessment, Lifecycle, Link, LinkState
from abide.compliance.tests.conftest import WEEK
from abide.compliance.tests.test_linking import pledge
from abide.compliance.tests.test_review_forms import form_of, page_url
from abide.registry.models import ReviewState

pytestmark = pytest.mark.usefixtures("starter_registry")


def status() -> str:
    return Assessment.objects.get(period_kind="week", period_start=WEEK.start).computed_status


# --- links -----------------------------------------------------------------------------------


def test_rejected_then_confirmed_needs_a_reopen_in_between(link, analyst, head):
    reject_link(link, actor=analyst, reason="Outgoing fire, not theirs.")
    with pytest.raises(ValidationError) as twice:
        confirm_link(link, actor=head, reason="Theirs after all.")
    assert twice.value.message_dict == {
        "state": ["this link is already rejected: reopen it before deciding again"]
    }
    with pytest.raises(ValidationError, match="already rejected"):
        reject_link(link, actor=head, reason="Still not theirs.")
    assert Link.objects.get(pk=link.pk).state == LinkState.REJECTED

    reopened = reopen_link(link, actor=head, reason="A second team saw their guns.")
    assert (reopened.state, reopened.decided_by, reopened.decided_at) == ("candidate", None, None)
    entry = AuditEntry.objects.filter(action="reopen").get()
    assert entry.actor == head and entry.changes["state"] == ["rejected", "candidate"]
    assert entry.changes["reason"][1] == "A second team saw their guns."

    confirm_link(link, actor=head, reason="Theirs.", obligor_role="perpetrator")
    with pytest.raises(ValidationError, match="already confirmed"):
        confirm_link(link, actor=head, reason="Theirs, again.")
    assert verify_log().ok


def test_reopening_counts_the_link_again_as_a_candidate_and_reassesses(link, analyst):
    assert status() == "at_risk"  # a reported shelling naming the obligor
    reject_link(link, actor=analyst, reason="Not theirs.")
    assert status() == "upheld"  # the shelling still shows the mission looked
    reopen_link(link, actor=analyst, reason="Look again.")
    assert status() == "at_risk"


def test_reopening_needs_a_decided_link_a_reason_and_a_linker(link, analyst, observer):
    with pytest.raises(ValidationError, match="not decided yet"):
        reopen_link(link, actor=analyst, reason="Why not.")
    confirm_link(link, actor=analyst, reason="Theirs.")
    with pytest.raises(ValidationError) as no_reason:
        reopen_link(link, actor=analyst, reason="  ")
    assert list(no_reason.value.message_dict) == ["reason"]
    with pytest.raises(PermissionDenied):
        reopen_link(link, actor=observer, reason="I disagree.")
    assert Link.objects.get(pk=link.pk).state == LinkState.CONFIRMED


def test_adding_by_hand_a_link_already_decided_asks_for_a_reopen(link, analyst):
    reject_link(link, actor=analyst, reason="Not theirs.")
    with pytest.raises(ValidationError) as decided:
        add_link(
            link.commitment,
            link.observation,
            actor=analyst,
            bearing="undercuts",
            obligor_role="perpetrator",
            reason="Theirs.",
        )
    assert list(decided.value.message_dict) == ["observation"]
    assert Link.objects.get(pk=link.pk).state == LinkState.REJECTED


# --- sign-off and lifecycle ------------------------------------------------------------------


def test_an_assessment_is_signed_off_once_until_its_status_changes(link, analyst, head):
    assessment = Assessment.objects.get(period_kind="week", period_start=WEEK.start)
    sign_off(assessment, actor=analyst)
    with pytest.raises(ValidationError) as twice:
        sign_off(assessment, actor=head)
    assert list(twice.value.message_dict) == ["signed_off_by"]
    assert Assessment.objects.get(pk=assessment.pk).signed_off_by == analyst
    reject_link(link, actor=analyst, reason="Not theirs.")  # a new status clears the sign-off
    assessment.refresh_from_db()
    assert assessment.signed_off_by is None
    sign_off(assessment, actor=head)
    assert Assessment.objects.get(pk=assessment.pk).signed_off_by == head


def test_a_proposed_commitment_gets_no_expiry_and_no_supersession(analyst):
    proposed = pledge(review_state=ReviewState.PROPOSED)
    confirmed = pledge(date_made=dt.date(2023, 9, 20))
    later = pledge(date_made=dt.date(2023, 10, 1), review_state=ReviewState.PROPOSED)
    with pytest.raises(ValidationError) as expiry:
        set_expiry(proposed, dt.date(2023, 9, 29), actor=analyst, reason="A 72-hour truce.")
    assert list(expiry.value.message_dict) == ["commitment"]
    with pytest.raises(ValidationError) as by_proposed:
        supersede(confirmed, by_commitment=later, actor=analyst, reason="Replaced.")
    assert list(by_proposed.value.message_dict) == ["superseded_by"]
    with pytest.raises(ValidationError) as of_proposed:
        supersede(proposed, by_commitment=confirmed, actor=analyst, reason="Replaced.")
    assert "commitment" in of_proposed.value.message_dict
    assert not Lifecycle.objects.exists()


# --- the API and the review forms -------------------------------------------------------------


def test_the_api_reopens_a_decided_link_and_refuses_a_second_decision(link, client, analyst):
    client.force_login(analyst)
    url = f"/api/links/{link.pk}"
    body = {"reason": "Not theirs."}
    assert client.post(f"{url}/reject", body, content_type="application/json").status_code == 200
    again = client.post(f"{url}/confirm", body, content_type="application/json")
    assert again.status_code == 422
    assert "reopen it before deciding again" in again.json()["detail"]["state"][0]
    early = client.post(f"{url}/reopen", {"reason": ""}, content_type="application/json")
    assert early.status_code == 422 and "reason" in early.json()["detail"]
    reopened = client.post(
        f"{url}/reopen", {"reason": "Look again."}, content_type="application/json"
    )
    assert reopened.status_code == 200 and reopened.json() == {"id": link.pk, "state": "candidate"}
    confirmed = client.post(f"{url}/confirm", body, content_type="application/json")
    assert confirmed.json()["state"] == "confirmed"


def test_the_api_refuses_a_reopen_by_an_observer_and_a_second_sign_off(
    link, client, observer, analyst
):
    confirm_link(link, actor=analyst, reason="Theirs.")
    client.force_login(observer)
    refused = client.post(
        f"/api/links/{link.pk}/reopen", {"reason": "No."}, content_type="application/json"
    )
    assert refused.status_code == 403
    assessment = Assessment.objects.get(period_kind="week", period_start=WEEK.start)
    client.force_login(analyst)
    assert client.post(f"/api/assessments/{assessment.pk}/sign-off").status_code == 200
    twice = client.post(f"/api/assessments/{assessment.pk}/sign-off")
    assert twice.status_code == 422 and "signed_off_by" in twice.json()["detail"]


def test_the_commitment_page_offers_reopen_for_decided_links(link, client, analyst, observer):
    commitment = link.commitment
    reject_link(link, actor=analyst, reason="Not theirs.")
    client.force_login(analyst)
    page = client.get(page_url(commitment)).content.decode()
    form = form_of(page, f"reopen-{link.pk}")
    assert f'action="/tracker/{commitment.pk}/links/{link.pk}/reopen"' in form
    assert "rejected: does not count" in page
    assert f'id="form-confirm-{link.pk}"' not in page

    missing = client.post(reverse("compliance:reopen-link", args=[commitment.pk, link.pk]), {})
    assert missing.status_code == 422 and "a reason is required" in missing.content.decode()
    done = client.post(
        reverse("compliance:reopen-link", args=[commitment.pk, link.pk]),
        {"reason": "A second team saw their guns."},
        follow=True,
    )
    assert "The link is reopened" in done.content.decode()
    assert Link.objects.get(pk=link.pk).state == LinkState.CANDIDATE
    assert f'id="form-confirm-{link.pk}"' in done.content.decode()

    client.force_login(observer)
    assert f"reopen-{link.pk}" not in client.get(page_url(commitment)).content.decode()
    refused = client.post(
        reverse("compliance:reopen-link", args=[commitment.pk, link.pk]), {"reason": "No."}
    )
    assert refused.status_code == 403
