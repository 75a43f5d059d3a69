"""The tracker page and a commitment's page: statuses, trend, evidence, and who sees what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from abide.compliance.tests.test_linking import pledge
from abide.compliance.tracker import tracker_rows
from abide.registry.models import ReviewState

pytestmark = pytest.mark.usefixtures("starter_registry")

TODAY = dt.date(2023, 10, 18)


def test_a_row_has_the_latest_status_its_trend_and_when_it_last_changed(tracked, analyst):
    kept, *_ = tracked
    (row,) = tracker_rows(analyst, today=TODAY)  # confirmed commitments only
    assert row.commitment == kept
    assert row.status == "not_assessable"  # nothing seen in the week of 16 October
    assert [point.status for point in row.trend] == [
        *["not_yet"] * 4,
        "at_risk",
        "not_assessable",
        "at_risk",
        "not_assessable",
    ]
    assert row.last_change == dt.date(2023, 10, 16)
    assert [r.commitment for r in tracker_rows(analyst, today=TODAY, status="not_assessable")] == [
        kept
    ]
    assert tracker_rows(analyst, today=TODAY, status="violated") == []


def test_the_tracker_page_shows_each_confirmed_commitment_with_an_svg_trend(tracked, client):
    response = client.get(reverse("compliance:tracker"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "no further military action" in page and "an unconfirmed promise" not in page
    assert '<svg class="trend"' in page and "<rect" in page


def test_the_public_sees_only_published_evidence_the_mission_sees_candidates(
    tracked, client, analyst
):
    kept, first, _ = tracked
    url = reverse("compliance:commitment", args=[kept.pk])
    public = client.get(url).content.decode()
    assert f'id="observation-{first.pk}"' not in public  # internal and unreviewed
    client.force_login(analyst)
    mission = client.get(url).content.decode()
    assert f'id="observation-{first.pk}"' in mission and "proposed, not yet reviewed" in mission
    assert "Status history" in mission


def test_an_unconfirmed_commitment_page_is_not_found_for_the_public(client, analyst):
    hidden = pledge(review_state=ReviewState.PROPOSED)
    assert client.get(reverse("compliance:commitment", args=[hidden.pk])).status_code == 404
    client.force_login(analyst)
    assert client.get(reverse("compliance:commitment", args=[hidden.pk])).status_code == 200


def test_the_tracker_lists_the_demands_still_unanswered_with_how_long(client, analyst):
    from abide.compliance.tests.test_linking import pledge as commitment

    commitment(kind="demand", category="amnesty_and_detention", text="grant a broad amnesty")
    page = client.get(reverse("compliance:tracker")).content.decode()
    assert "Demands still unanswered" in page and "grant a broad amnesty" in page
    assert "open for" in page


def test_the_tracker_pages_its_rows(client, analyst):
    from abide.compliance.tests.test_linking import pledge as commitment
    from abide.compliance.tracker import tracker_page

    for n in range(5):
        commitment(text=f"promise {n}")
    first = tracker_page(analyst, per_page=2)
    assert (len(first.rows), first.number, first.pages) == (2, 1, 3)
    last = tracker_page(analyst, page=9, per_page=2)
    assert (len(last.rows), last.number) == (1, 3)
    assert client.get(reverse("compliance:tracker") + "?page=x").status_code == 200
