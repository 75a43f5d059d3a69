"""The admin never bypasses a service: a commitment's review is read-only on its change form,
an edit there goes through ``edit_commitment``, and the admin actions confirm, reject and
reopen through the review services, reporting refusals as messages."""

from __future__ import annotations

import pytest

from abide.audit.models import AuditEntry
from abide.audit.services import verify_log
from abide.compliance.tests.test_linking import observe
from abide.observations.services import transition
from abide.registry.models import Commitment, ReviewState
from abide.registry.services import confirm_commitment, ingest_document
from abide.registry.tests.test_services import _document

pytestmark = pytest.mark.usefixtures("starter_registry")

CHANGELIST = "/admin/registry/commitment/"


@pytest.fixture
def proposed(analyst) -> Commitment:
    ingest_document(_document(), actor=analyst)
    return Commitment.objects.get(kind="pledge")


def change_form_data(commitment: Commitment, **changes: object) -> dict:
    data = {
        "kind": commitment.kind,
        "category": commitment.category_id,
        "text": commitment.text,
        "obligor_party": commitment.obligor_party_id or "",
        "obligor_person": commitment.obligor_person_id or "",
        "demanded_by_party": commitment.demanded_by_party_id or "",
        "demanded_by_person": commitment.demanded_by_person_id or "",
        "scope_area": commitment.scope_area,
        "scope_population": commitment.scope_population,
        "date_made": commitment.date_made.isoformat() if commitment.date_made else "",
        "deadline": commitment.deadline.isoformat() if commitment.deadline else "",
        "condition": commitment.condition,
        "_save": "Save",
    }
    data.update(changes)
    return data


def act(client, action: str, commitments: list[Commitment], reason: str = ""):
    return client.post(
        CHANGELIST,
        {
            "action": action,
            "_selected_action": [c.pk for c in commitments],
            "reason": reason,
            "index": 0,
        },
        follow=True,
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_review_fields_are_read_only_on_the_change_form(client, analyst, proposed):
    client.force_login(analyst)
    page = client.get(f"{CHANGELIST}{proposed.pk}/change/").content.decode()
    assert 'name="text"' in page
    for owned in ("review_state", "reviewed_by", "review_note", "answered_by", "statements"):
        assert f'name="{owned}"' not in page, owned


def test_posting_a_review_state_changes_nothing_but_an_edit_goes_through_the_service(
    client, analyst, proposed
):
    client.force_login(analyst)
    before = AuditEntry.objects.count()
    response = client.post(
        f"{CHANGELIST}{proposed.pk}/change/",
        change_form_data(
            proposed, text="No further military action at all.", review_state="confirmed"
        ),
    )
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.text == "No further military action at all."
    assert proposed.review_state == ReviewState.PROPOSED and proposed.reviewed_by is None
    assert AuditEntry.objects.count() == before + 1  # once, by the service
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "change" and entry.actor == analyst
    assert set(entry.changes) == {"text"}
    assert verify_log().ok


def test_a_bad_edit_is_shown_on_the_form_and_stores_nothing(client, analyst, proposed):
    client.force_login(analyst)
    response = client.post(
        f"{CHANGELIST}{proposed.pk}/change/",
        change_form_data(proposed, date_made="2024-05-01", deadline="2024-04-01"),
    )
    assert response.status_code == 200  # the form again, with the error
    assert "deadline" in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.deadline is None


def test_the_confirm_action_calls_the_service_and_reports_a_second_decision(
    client, analyst, head, proposed
):
    client.force_login(analyst)
    done = act(client, "confirm_selected", [proposed])
    assert "1 commitments confirmed." in messages_of(done)
    proposed.refresh_from_db()
    assert proposed.review_state == ReviewState.CONFIRMED and proposed.reviewed_by == analyst
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "review:confirmed" and entry.actor == analyst

    client.force_login(head)
    again = act(client, "confirm_selected", [proposed])
    (message,) = messages_of(again)
    assert "already confirmed: reopen it before deciding again" in message
    assert Commitment.objects.get(pk=proposed.pk).reviewed_by == analyst


def test_the_reject_action_needs_a_reason_and_reopen_takes_the_decision_back(
    client, analyst, proposed
):
    client.force_login(analyst)
    refused = act(client, "reject_selected", [proposed])
    assert any("a rejection needs a reason" in m for m in messages_of(refused))
    assert Commitment.objects.get(pk=proposed.pk).review_state == ReviewState.PROPOSED

    rejected = act(client, "reject_selected", [proposed], reason="Not a pledge: a report.")
    assert "1 commitments rejected." in messages_of(rejected)
    proposed.refresh_from_db()
    assert (proposed.review_state, proposed.review_note) == ("rejected", "Not a pledge: a report.")

    reopened = act(client, "reopen_selected", [proposed], reason="It is a pledge after all.")
    assert "1 commitments reopened for review." in messages_of(reopened)
    assert Commitment.objects.get(pk=proposed.pk).review_state == ReviewState.PROPOSED


def test_one_refusal_does_not_stop_the_others(client, analyst, proposed):
    demand = Commitment.objects.get(kind="demand")
    confirm_commitment(demand, actor=analyst)
    client.force_login(analyst)
    response = act(client, "confirm_selected", [proposed, demand])
    messages = messages_of(response)
    assert "1 commitments confirmed." in messages
    assert any("already confirmed" in m for m in messages)
    assert Commitment.objects.get(pk=proposed.pk).review_state == ReviewState.CONFIRMED


def test_commitments_are_not_added_in_the_admin(client, analyst):
    client.force_login(analyst)
    assert client.get(f"{CHANGELIST}add/").status_code == 403


def test_an_observations_status_grades_and_event_are_read_only(client, analyst):
    observation = observe()
    transition(observation, "corroborated", actor=analyst, reason="Two sources.")
    client.force_login(analyst)
    page = client.get(f"/admin/observations/observation/{observation.pk}/change/")
    html = page.content.decode()
    assert 'name="narrative"' in html
    for owned in ("status", "reliability", "credibility", "event"):
        assert f'name="{owned}"' not in html, owned
