"""Retractions abide proposed, reviewed on the commitment page: shown to those who review them
only, confirmed or dismissed with a reason, and public once confirmed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from abide.compliance.models import Retraction, RetractionState
from abide.compliance.tests.test_retraction_proposals import PLEDGE, REFUSAL, ingest, release_pledge
from abide.registry.models import ReviewState

pytestmark = pytest.mark.usefixtures("starter_registry")


@pytest.fixture
def proposed(tmp_path, analyst) -> Retraction:
    ingest(tmp_path, "promise", PLEDGE, "2023-09-28", analyst)
    ingest(tmp_path, "refusal", REFUSAL, "2023-10-12", analyst)
    pledge = release_pledge()
    pledge.review_state = ReviewState.CONFIRMED
    pledge.save()
    return Retraction.objects.get()


def page(client, retraction: Retraction) -> str:
    return client.get(
        reverse("compliance:commitment", args=[retraction.commitment_id])
    ).content.decode()


def test_the_public_and_observers_see_no_proposal(client, proposed, observer):
    for user in (None, observer):
        if user:
            client.force_login(user)
        shown = page(client, proposed)
        assert "never agree" not in shown and "may walk it back" not in shown
    client.force_login(observer)
    url = reverse("compliance:confirm-retraction", args=[proposed.commitment_id, proposed.pk])
    assert client.post(url, {"kind": "refuses", "reason": "Yes."}).status_code == 403
    assert Retraction.objects.get().state == RetractionState.PROPOSED


def test_an_analyst_confirms_a_proposal_and_the_public_then_sees_it(client, proposed, analyst):
    client.force_login(analyst)
    shown = page(client, proposed)
    assert "Later words that may walk it back" in shown and "never agree" in shown
    assert f'id="form-confirm-retraction-{proposed.pk}"' in shown
    url = reverse("compliance:confirm-retraction", args=[proposed.commitment_id, proposed.pk])

    missing = client.post(url, {"kind": "refuses", "reason": ""})
    assert missing.status_code == 422 and "a reason is required" in missing.content.decode()
    assert Retraction.objects.get().state == RetractionState.PROPOSED

    done = client.post(url, {"kind": "denies", "reason": "He rules the amnesty out."}, follow=True)
    assert "The statement is confirmed as walking the pledge back." in done.content.decode()
    retraction = Retraction.objects.get()
    assert (retraction.state, retraction.kind, retraction.decided_by) == (
        RetractionState.CONFIRMED,
        "denies",
        analyst,
    )
    client.logout()
    public = page(client, proposed)
    assert "Walked back" in public and "never agree" in public
    assert "may walk it back" not in public
    assert client.post(url, {"kind": "refuses", "reason": "Again."}).status_code == 302  # login


def test_an_analyst_dismisses_a_proposal_once(client, proposed, analyst):
    client.force_login(analyst)
    url = reverse("compliance:dismiss-retraction", args=[proposed.commitment_id, proposed.pk])
    done = client.post(url, {"reason": "He speaks of other detainees."}, follow=True)
    assert "The proposal is dismissed." in done.content.decode()
    assert Retraction.objects.get().state == RetractionState.DISMISSED
    assert f'id="retraction-{proposed.pk}"' not in page(client, proposed)
    assert client.post(url, {"reason": "Twice."}).status_code == 404  # no longer proposed
