"""The analysts' queues of proposed links and proposed retractions across commitments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from abide.accounts.services import system_user
from abide.audit.models import AuditEntry
from abide.compliance.linking import confirm_link, propose_links
from abide.compliance.models import Link, LinkState, Retraction, RetractionState
from abide.compliance.tests.test_linking import observe, pledge
from abide.registry.models import Party, Source, Statement

pytestmark = pytest.mark.usefixtures("starter_registry")

ROLES = ("observer", "partner", "analyst", "head", "administrator")
LINKERS = {"analyst", "head"}
RETRACTION_REVIEWERS = {"analyst", "head", "administrator"}


@pytest.fixture
def candidates(analyst) -> list[Link]:
    """Three candidate links: two of one pledge of Azerbaijan, one of a pledge of Armenia."""
    azerbaijan = pledge()
    armenia = pledge(obligor="armenia", text="no shelling of border villages")
    observe(day=dt.date(2023, 10, 1))
    observe(day=dt.date(2023, 10, 2), latitude=39.9)
    observe(
        day=dt.date(2023, 10, 3), country="AM", actors=("armenia",), latitude=40.2, longitude=45.0
    )
    links = propose_links(azerbaijan, actor=analyst) + propose_links(armenia, actor=analyst)
    assert len(links) == 3
    return sorted(links, key=lambda link: (link.created_at, link.pk))


def retraction_of(commitment, words: str = "We will never stop.") -> Retraction:
    text = f"Baku said: {words}"
    source = Source.objects.create(
        kind="statement",
        title=f"Statement {words}",
        language="en",
        text=text,
        sha256=str(abs(hash(text))).ljust(64, "0"),
    )
    statement = Statement.objects.create(
        source=source,
        start=11,
        end=len(text),
        speaker_party=commitment.obligor_party,
        mode="verbatim",
        date_spoken=dt.date(2023, 10, 12),
    )
    return Retraction.objects.create(
        commitment=commitment,
        statement=statement,
        kind="refuses",
        flagged_by=system_user(),
        reason="abide proposed it",
        state=RetractionState.PROPOSED,
    )


@pytest.fixture
def proposals() -> list[Retraction]:
    first = pledge()
    second = pledge(obligor="armenia", category="humanitarian_access", text="open the road")
    return [retraction_of(first), retraction_of(second, "The road stays shut.")]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_allowed_or_refused_the_link_queue(client, request, role, candidates):
    client.force_login(request.getfixturevalue(role))
    allowed = role in LINKERS
    assert client.get("/review/links/").status_code == (200 if allowed else 403)
    link = candidates[0]
    for url, data in (
        (f"/review/links/{link.pk}/confirm", {"reason": "x"}),
        (f"/review/links/{link.pk}/reject", {"reason": "x"}),
        ("/review/links/decide", {"link": [link.pk], "decision": "reject", "reason": "x"}),
    ):
        assert client.post(url, data).status_code == (302 if allowed else 403), url
        if allowed:
            break  # decided: the rest would be stale
    if not allowed:
        assert Link.objects.get(pk=link.pk).state == LinkState.CANDIDATE


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_allowed_or_refused_the_retraction_queue(client, request, role, proposals):
    client.force_login(request.getfixturevalue(role))
    allowed = role in RETRACTION_REVIEWERS
    assert client.get("/review/retractions/").status_code == (200 if allowed else 403)
    first = proposals[0]
    response = client.post(f"/review/retractions/{first.pk}/dismiss", {"reason": "x"})
    assert response.status_code == (302 if allowed else 403)
    bulk = client.post(
        "/review/retractions/decide",
        {"retraction": [proposals[1].pk], "decision": "confirm", "reason": "x"},
    )
    assert bulk.status_code == (302 if allowed else 403)
    expected = RetractionState.CONFIRMED if allowed else RetractionState.PROPOSED
    assert Retraction.objects.get(pk=proposals[1].pk).state == expected


def test_the_public_is_sent_to_log_in_from_both_queues(client, candidates, proposals):
    for url in ("/review/links/", "/review/retractions/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL)
    for url in (
        f"/review/links/{candidates[0].pk}/confirm",
        "/review/links/decide",
        f"/review/retractions/{proposals[0].pk}/confirm",
        "/review/retractions/decide",
    ):
        response = client.post(url, {"reason": "x"})
        assert response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL)


def test_the_link_queue_lists_candidates_oldest_first_and_filters(client, analyst, candidates):
    client.force_login(analyst)
    page = client.get("/review/links/").content.decode()
    positions = [page.index(f'id="link-{link.pk}"') for link in candidates]
    assert positions == sorted(positions)
    assert "undercuts the commitment" in page and "involved" in page
    confirm_link(candidates[0], actor=analyst, reason="seen")
    page = client.get("/review/links/").content.decode()
    assert f'id="link-{candidates[0].pk}"' not in page
    armenian = client.get("/review/links/", {"party": "armenia"}).content.decode()
    assert [f'id="link-{link.pk}"' in armenian for link in candidates] == [False, False, True]
    by_commitment = client.get(
        "/review/links/", {"commitment": candidates[1].commitment_id}
    ).content.decode()
    assert f'id="link-{candidates[1].pk}"' in by_commitment
    assert f'id="link-{candidates[2].pk}"' not in by_commitment
    by_category = client.get("/review/links/", {"category": "humanitarian_access"})
    assert 'class="queue-item"' not in by_category.content.decode()


def test_a_link_is_confirmed_in_place_with_its_bearing_and_audited(client, analyst, candidates):
    client.force_login(analyst)
    link = candidates[0]
    response = client.post(
        f"/review/links/{link.pk}/confirm",
        {
            "reason": "The shelling hit the town.",
            "bearing": "undercuts",
            "obligor_role": "perpetrator",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f"Link {link.pk} is confirmed." in response.content.decode()
    link.refresh_from_db()
    assert (link.state, link.obligor_role, link.decided_by, link.reason) == (
        "confirmed",
        "perpetrator",
        analyst,
        "The shelling hit the town.",
    )
    entry = AuditEntry.objects.get(
        object_type="compliance.link", object_id=str(link.pk), action="confirmed"
    )
    assert entry.changes["state"] == ["candidate", "confirmed"]


def test_a_link_decision_without_a_reason_or_from_a_stale_page_is_refused(
    client, analyst, head, candidates
):
    client.force_login(analyst)
    link = candidates[0]
    missing = client.post(f"/review/links/{link.pk}/reject", {"reason": ""}, HTTP_HX_REQUEST="true")
    assert missing.status_code == 422 and "a reason is required" in missing.content.decode()
    assert Link.objects.get(pk=link.pk).state == LinkState.CANDIDATE
    confirm_link(link, actor=head, reason="confirmed by the head")
    stale = client.post(
        f"/review/links/{link.pk}/reject", {"reason": "Not it."}, HTTP_HX_REQUEST="true"
    )
    assert stale.status_code == 422
    assert "already decided by someone else" in stale.content.decode()
    link.refresh_from_db()
    assert (link.state, link.decided_by) == (LinkState.CONFIRMED, head)


def test_several_links_are_rejected_at_once_or_none(client, analyst, head, candidates):
    client.force_login(analyst)
    confirm_link(candidates[2], actor=head, reason="meanwhile")
    refused = client.post(
        "/review/links/decide",
        {"link": [link.pk for link in candidates], "decision": "reject", "reason": "Elsewhere."},
    )
    assert refused.status_code == 422
    assert Link.objects.filter(state=LinkState.REJECTED).count() == 0
    done = client.post(
        "/review/links/decide",
        {
            "link": [candidates[0].pk, candidates[1].pk],
            "decision": "reject",
            "reason": "Elsewhere.",
        },
    )
    assert done.status_code == 302
    assert set(Link.objects.filter(state=LinkState.REJECTED).values_list("pk", flat=True)) == {
        candidates[0].pk,
        candidates[1].pk,
    }
    assert AuditEntry.objects.filter(object_type="compliance.link", action="rejected").count() == 2


def test_the_retraction_queue_confirms_in_place_and_refuses_a_stale_or_unreasoned_one(
    client, analyst, proposals
):
    client.force_login(analyst)
    page = client.get("/review/retractions/").content.decode()
    assert "We will never stop." in page and "The road stays shut." in page
    assert page.index(f'id="retraction-{proposals[0].pk}"') < page.index(
        f'id="retraction-{proposals[1].pk}"'
    )
    only = client.get("/review/retractions/", {"category": "humanitarian_access"}).content
    assert b"The road stays shut." in only and b"We will never stop." not in only
    first = proposals[0]
    missing = client.post(
        f"/review/retractions/{first.pk}/confirm", {"reason": ""}, HTTP_HX_REQUEST="true"
    )
    assert missing.status_code == 422
    assert Retraction.objects.get(pk=first.pk).state == RetractionState.PROPOSED
    done = client.post(
        f"/review/retractions/{first.pk}/confirm", {"reason": "He refuses."}, HTTP_HX_REQUEST="true"
    )
    assert done.status_code == 200 and b"is confirmed" in done.content
    assert AuditEntry.objects.filter(
        object_type="compliance.retraction", object_id=str(first.pk), action="confirmed"
    ).exists()
    again = client.post(
        f"/review/retractions/{first.pk}/dismiss", {"reason": "No."}, HTTP_HX_REQUEST="true"
    )
    assert again.status_code == 422
    assert Retraction.objects.get(pk=first.pk).state == RetractionState.CONFIRMED


def test_a_party_filter_names_parties_by_their_slug(client, analyst, candidates):
    client.force_login(analyst)
    page = client.get("/review/links/").content.decode()
    assert f'value="{Party.objects.get(slug="armenia").slug}"' in page
