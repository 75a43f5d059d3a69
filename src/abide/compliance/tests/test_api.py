"""The tracker through the API: what each reader gets, and the OpenAPI description."""

from __future__ import annotations

import datetime as dt

import pytest

from abide.compliance.demands import answer_demands
from abide.compliance.tests.test_linking import pledge
from abide.registry.models import ReviewState

pytestmark = pytest.mark.usefixtures("starter_registry")


def test_commitments_come_with_their_status_and_filters_apply(tracked, client):
    kept, *_ = tracked
    response = client.get("/api/commitments")
    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert (item["id"], item["obligor"], item["category"]) == (
        kept.pk,
        "azerbaijan",
        "cessation_of_hostilities",
    )
    assert item["status"] in ("not_yet", "not_assessable", "at_risk")
    assert client.get("/api/commitments?party=armenia").json() == {
        "items": [],
        "count": 0,
        "next": None,
        "previous": None,
    }


def test_a_commitment_has_its_history_and_the_evidence_the_reader_may_see(
    tracked,
    client,
    analyst,
):
    kept, first, second = tracked
    public = client.get(f"/api/commitments/{kept.pk}").json()
    assert [a["status"] for a in public["history"]][:1] == ["not_assessable"]
    assert public["evidence"] == []  # the observations are internal
    assert all(a["observations"] == [] for a in public["history"])
    client.force_login(analyst)
    mission = client.get(f"/api/commitments/{kept.pk}").json()
    assert {e["observation"] for e in mission["evidence"]} == {first.pk, second.pk}
    assert any(a["observations"] == [first.pk] for a in mission["history"])


def test_an_unconfirmed_commitment_is_not_found_for_the_public(client):
    hidden = pledge(review_state=ReviewState.PROPOSED)
    assert client.get(f"/api/commitments/{hidden.pk}").status_code == 404


def test_unanswered_demands_are_listed_with_their_age(client, analyst):
    asked = pledge(kind="demand", category="amnesty_and_detention", date_made=dt.date(2023, 9, 26))
    answered = pledge(kind="demand", date_made=dt.date(2023, 9, 26))
    pledge(date_made=dt.date(2023, 9, 27))
    answer_demands(actor=analyst)
    items = client.get("/api/demands/unanswered").json()
    assert [item["id"] for item in items] == [asked.pk]
    assert items[0]["days_open"] >= 1000 and answered.pk not in {i["id"] for i in items}


def test_the_api_describes_itself_in_openapi(client):
    schema = client.get("/api/openapi.json").json()
    assert {"/api/commitments", "/api/commitments/{commitment_id}", "/api/demands/unanswered"} <= (
        set(schema["paths"])
    )
    assert client.get("/api/docs").status_code == 200


def test_commitments_in_a_given_period_carry_that_periods_status(tracked, client, analyst):
    kept, *_ = tracked
    # At risk by internal observations: the public is not shown that verdict.
    (week,) = client.get("/api/commitments?period=2023-W39").json()["items"]
    assert (week["id"], week["status"]) == (kept.pk, "withheld")
    client.force_login(analyst)
    (week,) = client.get("/api/commitments?period=2023-W39").json()["items"]
    assert (week["id"], week["status"]) == (kept.pk, "at_risk")
    (other,) = client.get("/api/commitments?period=2023-W40").json()["items"]
    assert other["status"] == "not_assessable"
    assert client.get("/api/commitments?period=2023-W39&status=violated").json()["count"] == 0
    bad = client.get("/api/commitments?period=2023-W99")
    assert bad.status_code == 422 and "is not a period" in bad.json()["detail"]


def test_commitments_come_a_page_at_a_time_with_the_count_of_all(client):
    made = [pledge(text=f"pledge {n}", date_made=dt.date(2023, 9, 1 + n)) for n in range(5)]
    first = client.get("/api/commitments?page_size=2").json()
    assert first["count"] == 5
    assert [item["id"] for item in first["items"]] == [made[4].pk, made[3].pk]
    last = client.get("/api/commitments?page_size=2&page=3").json()
    assert [item["id"] for item in last["items"]] == [made[0].pk]
    assert client.get("/api/commitments?page=0").status_code == 422
