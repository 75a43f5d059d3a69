"""The audit trail on an object's page: who changed it, when, and from what to what; shown to
those who may read the audit log only."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from abide.audit.models import AuditEntry
from abide.compliance.tests.test_linking import pledge
from abide.registry.models import ReviewState
from abide.registry.services import confirm_commitment, edit_commitment

pytestmark = pytest.mark.usefixtures("starter_registry")


@pytest.fixture
def reviewed(analyst):
    commitment = pledge(review_state=ReviewState.PROPOSED, text="no further military action")
    confirm_commitment(commitment, actor=analyst, note="The readout says so.")
    edit_commitment(commitment, actor=analyst, text="no further military action in Karabakh")
    return commitment


def page(client, commitment) -> str:
    return client.get(f"/tracker/{commitment.pk}/").content.decode()


@pytest.mark.parametrize("role", ["head", "administrator"])
def test_the_head_and_administrators_see_who_changed_what_and_when(
    client, request, role, reviewed, analyst
):
    client.force_login(request.getfixturevalue(role))
    html = page(client, reviewed)
    assert '<section class="audit-trail"' in html
    entries = AuditEntry.objects.filter(
        object_type="registry.commitment", object_id=str(reviewed.pk)
    ).order_by("-seq")
    assert len(entries) == 2
    shown = [int(seq) for seq in re.findall(r'data-seq="(\d+)"', html)]
    assert shown == [entry.seq for entry in entries]  # newest first
    edit = entries[0]
    assert edit.changes["text"] == [
        "no further military action",
        "no further military action in Karabakh",
    ]
    assert (
        '<td class="before" dir="auto">no further military action</td>'
        '<td class="after" dir="auto">no further military action in Karabakh</td>'
    ) in html
    assert '<td class="before" dir="auto">proposed</td>' in html  # the review's state change
    assert analyst.username in html


@pytest.mark.parametrize("role", [None, "observer", "partner", "analyst"])
def test_the_trail_is_hidden_from_everyone_else(client, request, role, reviewed):
    if role:
        client.force_login(request.getfixturevalue(role))
    html = page(client, reviewed)
    assert "audit-trail" not in html and "Audit trail" not in html


def test_the_tag_says_so_when_an_object_has_no_audited_change(head):
    commitment = pledge()
    request = RequestFactory().get("/")
    request.user = head
    html = Template("{% load audit_tags %}{% audit_trail obj %}").render(
        Context({"request": request, "obj": commitment})
    )
    assert "No audited change." in html


def test_the_observation_page_shows_its_trail_to_the_head_and_hides_it_from_analysts(
    client, head, analyst
):
    from abide.observations.services import transition
    from abide.observations.tests.helpers import stored

    observation = stored(sensitivity="internal", public_precision="10km")
    transition(observation, "corroborated", actor=analyst, reason="Two patrols heard it.")
    client.force_login(head)
    html = client.get(f"/observations/{observation.pk}/").content.decode()
    assert '<section class="audit-trail"' in html
    assert "Two patrols heard it." in html
    assert '<td class="after" dir="auto">corroborated</td>' in html
    client.force_login(analyst)
    assert "audit-trail" not in client.get(f"/observations/{observation.pk}/").content.decode()


def test_the_source_page_shows_its_ingestion_to_the_head(client, head, analyst):
    from abide.registry.services import DocumentIn, ingest_document

    source = ingest_document(
        DocumentIn(
            kind="readout", title="A readout", text="The parties agreed to a truce.", language="en"
        ),
        actor=analyst,
    ).source
    client.force_login(head)
    html = client.get(f"/sources/{source.pk}/").content.decode()
    assert '<section class="audit-trail"' in html and analyst.username in html
