"""The web and the API reach links, assessments, retractions and statements through the same
``get_<thing>_for`` helpers of ``compliance.access``: what the commitment page does not show a
user, the API answers 404 for, before any role is checked (a 403 would say that it exists)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from abide.compliance.access import (
    get_assessment_for,
    get_link_for,
    get_retraction_for,
    get_statement_for,
)
from abide.compliance.assessment import assess
from abide.compliance.linking import confirm_link, propose_links
from abide.compliance.models import Assessment, Link, Retraction, RetractionState
from abide.compliance.periods import period_of
from abide.compliance.tests.test_linking import observe, pledge
from abide.compliance.tests.test_retractions import later_statement
from abide.observations.services import transition
from abide.registry.models import ReviewState

pytestmark = pytest.mark.usefixtures("starter_registry")

WEEK = period_of("week", dt.date(2023, 9, 25))


@pytest.fixture
def seen(analyst) -> dict:
    """A confirmed pledge with a candidate link to an internal shelling and a confirmed one to
    a public, corroborated shelling; a proposed pledge with its own link; their assessments;
    a proposed retraction."""
    kept = pledge()
    hidden = observe(day=dt.date(2023, 9, 27))
    public = observe(day=dt.date(2023, 9, 28))
    public.sensitivity = "public"
    public.save()
    transition(public, "corroborated", actor=analyst, reason="Two sources.")
    unreviewed = pledge(text="an unreviewed promise", review_state=ReviewState.PROPOSED)
    propose_links(kept, actor=analyst)
    unreviewed_link = Link.objects.create(
        commitment=unreviewed,
        observation=public,
        state="candidate",
        bearing="undercuts",
        obligor_role="involved",
    )
    confirm_link(
        Link.objects.get(commitment=kept, observation=public), actor=analyst, reason="Theirs."
    )
    assess([kept, unreviewed], [WEEK], actor=analyst)
    statement = later_statement()
    retraction = Retraction.objects.create(
        commitment=kept,
        statement=statement,
        kind="refuses",
        flagged_by=analyst,
        reason="abide proposed it",
        state=RetractionState.PROPOSED,
    )
    return {
        "kept": kept,
        "hidden": Link.objects.get(commitment=kept, observation=hidden),
        "public": Link.objects.get(commitment=kept, observation=public),
        "unreviewed": unreviewed_link,
        "assessment": Assessment.objects.get(commitment=kept),
        "unreviewed_assessment": Assessment.objects.get(commitment=unreviewed),
        "retraction": retraction,
        "statement": statement,
    }


def post(client, url: str, body: dict | None = None):
    return client.post(url, body or {"reason": "seen"}, content_type="application/json")


def test_the_api_404s_for_a_link_whose_observation_the_page_does_not_show(client, partner, seen):
    client.force_login(partner)
    page = client.get(f"/tracker/{seen['kept'].pk}/").content.decode()
    assert f'id="observation-{seen["public"].observation_id}"' in page
    assert f'id="observation-{seen["hidden"].observation_id}"' not in page

    assert post(client, f"/api/links/{seen['hidden'].pk}/confirm").status_code == 404
    assert post(client, f"/api/links/{seen['hidden'].pk}/reject").status_code == 404
    # The one the page shows exists for the partner: refused by its role, not hidden.
    assert post(client, f"/api/links/{seen['public'].pk}/reopen").status_code == 403
    assert Link.objects.get(pk=seen["hidden"].pk).state == "candidate"


def test_the_api_and_the_web_404_for_the_link_of_a_commitment_not_yet_confirmed(
    client, partner, seen
):
    link = seen["unreviewed"]
    client.force_login(partner)
    web = client.post(f"/tracker/{link.commitment_id}/links/{link.pk}/confirm", {"reason": "x"})
    assert web.status_code == 404
    assert post(client, f"/api/links/{link.pk}/confirm").status_code == 404


def test_the_web_404s_for_a_link_of_another_commitment(client, analyst, seen):
    client.force_login(analyst)
    other = seen["unreviewed"]
    response = client.post(
        f"/tracker/{seen['kept'].pk}/links/{other.pk}/confirm", {"reason": "Theirs."}
    )
    assert response.status_code == 404
    assert Link.objects.get(pk=other.pk).state == "candidate"


def test_assessments_of_a_commitment_the_user_may_not_see_are_404_on_both(client, partner, seen):
    assessment = seen["unreviewed_assessment"]
    client.force_login(partner)
    api = client.post(f"/api/assessments/{assessment.pk}/sign-off")
    web = client.post(
        f"/tracker/{assessment.commitment_id}/assessments/{assessment.pk}/sign-off", {}
    )
    assert (api.status_code, web.status_code) == (404, 404)
    assert client.post(f"/api/assessments/{seen['assessment'].pk}/sign-off").status_code == 403


def test_a_proposed_retraction_and_an_unpublished_statement_are_404_for_others(
    client, observer, seen
):
    client.force_login(observer)
    retraction, statement = seen["retraction"], seen["statement"]
    assert post(client, f"/api/retractions/{retraction.pk}/confirm").status_code == 404
    flagged = post(
        client,
        f"/api/commitments/{seen['kept'].pk}/retractions",
        {"statement": statement.pk, "kind": "refuses", "reason": "He said so."},
    )
    assert flagged.status_code == 404  # the statement's source is not public
    assert Retraction.objects.get(pk=retraction.pk).state == RetractionState.PROPOSED


@pytest.mark.parametrize("role", ["observer", "partner", "analyst", "head"])
def test_the_helpers_answer_as_each_role_may_see(request, seen, role):
    user = request.getfixturevalue(role)
    staff = role in ("analyst", "head")

    def reachable(lookup, *args, **kwargs) -> bool:
        try:
            lookup(user, *args, **kwargs)
        except Http404:
            return False
        return True

    assert reachable(get_link_for, seen["public"].pk)
    assert reachable(get_link_for, seen["hidden"].pk) == staff  # a candidate: staff only
    assert reachable(get_link_for, seen["unreviewed"].pk) == staff
    assert not reachable(get_link_for, seen["public"].pk, commitment=seen["unreviewed"].commitment)
    assert reachable(get_assessment_for, seen["assessment"].pk)
    assert reachable(get_assessment_for, seen["unreviewed_assessment"].pk) == staff
    assert reachable(get_retraction_for, seen["retraction"].pk) == staff
    assert reachable(get_statement_for, seen["statement"].pk) == staff
