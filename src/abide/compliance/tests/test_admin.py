"""Compliance in the admin: read-only rows; decisions only through actions that call the
services as the signed-in user, refusals reported as messages."""

from __future__ import annotations

import pytest

from abide.audit.models import AuditEntry
from abide.compliance.models import Assessment, Link, LinkState, Scope

pytestmark = pytest.mark.usefixtures("starter_registry")


def act(client, model: str, action: str, rows: list, reason: str = ""):
    return client.post(
        f"/admin/compliance/{model}/",
        {"action": action, "_selected_action": [r.pk for r in rows], "reason": reason, "index": 0},
        follow=True,
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_links_assessments_and_scopes_cannot_be_changed_in_the_admin(client, analyst, link):
    client.force_login(analyst)
    page = client.get(f"/admin/compliance/link/{link.pk}/change/")
    assert page.status_code == 200
    assert 'name="state"' not in page.content.decode()
    posted = client.post(
        f"/admin/compliance/link/{link.pk}/change/", {"state": "confirmed", "reason": "x"}
    )
    assert posted.status_code == 403
    assert Link.objects.get(pk=link.pk).state == LinkState.CANDIDATE
    assessment = Assessment.objects.first()
    page = client.get(f"/admin/compliance/assessment/{assessment.pk}/change/").content.decode()
    for owned in ("signed_off_by", "override_status", "override_justification", "computed_status"):
        assert f'name="{owned}"' not in page, owned
    assert client.get("/admin/compliance/scope/add/").status_code == 403
    assert not Scope.objects.exists()


def test_link_actions_confirm_reject_and_reopen_through_the_services(client, analyst, link):
    client.force_login(analyst)
    no_reason = act(client, "link", "confirm_selected", [link])
    assert any("a reason is required" in m for m in messages_of(no_reason))
    assert Link.objects.get(pk=link.pk).state == LinkState.CANDIDATE

    rejected = act(client, "link", "reject_selected", [link], reason="Outgoing fire.")
    assert "1 links rejected." in messages_of(rejected)
    entry = AuditEntry.objects.filter(action="rejected").get()
    assert entry.actor == analyst

    twice = act(client, "link", "confirm_selected", [link], reason="Theirs.")
    assert any("already rejected: reopen it" in m for m in messages_of(twice))
    assert Link.objects.get(pk=link.pk).state == LinkState.REJECTED

    reopened = act(client, "link", "reopen_selected", [link], reason="Look again.")
    assert "1 links reopened." in messages_of(reopened)
    confirmed = act(client, "link", "confirm_selected", [link], reason="Theirs.")
    assert "1 links confirmed." in messages_of(confirmed)
    assert Link.objects.get(pk=link.pk).decided_by == analyst


def test_an_administrator_is_refused_link_decisions_as_a_message(client, administrator, link):
    client.force_login(administrator)
    response = act(client, "link", "confirm_selected", [link], reason="Looks right.")
    (message,) = messages_of(response)
    assert "only analysts and the head of mission link observations" in message
    assert Link.objects.get(pk=link.pk).state == LinkState.CANDIDATE


def test_the_sign_off_action_signs_once(client, analyst, head, link):
    assessment = Assessment.objects.get()
    client.force_login(analyst)
    assert "1 assessments signed off." in messages_of(
        act(client, "assessment", "sign_off_selected", [assessment])
    )
    client.force_login(head)
    (message,) = messages_of(act(client, "assessment", "sign_off_selected", [assessment]))
    assert "already signed off" in message
    assert Assessment.objects.get(pk=assessment.pk).signed_off_by == analyst
