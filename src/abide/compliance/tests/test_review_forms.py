"""Review work on the commitment page: the forms, who sees them, and what each one changes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from abide.audit.models import AuditEntry
from abide.audit.services import verify_log
from abide.compliance.assessment import assess
from abide.compliance.linking import propose_links, set_scope
from abide.compliance.models import Assessment, Lifecycle, Link, LinkState, Scope
from abide.compliance.periods import period_of
from abide.compliance.tests.test_linking import observe, pledge
from abide.compliance.tests.test_retractions import later_statement
from abide.observations.services import transition
from abide.registry.models import ReviewState

pytestmark = pytest.mark.usefixtures("starter_registry")


@pytest.fixture
def tracked(starter_registry, analyst):
    """A confirmed pledge with two proposed links, one of them public (corroborated), assessed
    over four weeks from 25 September 2023."""
    kept = pledge()
    first = observe(day=dt.date(2023, 9, 27))
    second = observe(day=dt.date(2023, 10, 11))
    transition(second, "corroborated", actor=analyst, reason="Two sources.")
    propose_links(kept, actor=analyst)
    weeks = [period_of("week", dt.date(2023, 9, 25) + dt.timedelta(weeks=n)) for n in range(4)]
    assess([kept], weeks, actor=analyst)
    return kept, first, second


def page_url(commitment) -> str:
    return reverse("compliance:commitment", args=[commitment.pk])


def candidate(commitment, observation) -> Link:
    return Link.objects.get(commitment=commitment, observation=observation)


def form_of(page: str, key: str) -> str:
    """The markup of one review form of the page."""
    match = re.search(rf'<form class="review-form[^"]*" id="form-{key}".*?</form>', page, re.S)
    assert match, f"no form {key}"
    return match.group(0)


def audit_count() -> int:
    return AuditEntry.objects.count()


# --- proposed links ---------------------------------------------------------------------------


def test_an_analyst_confirms_a_proposed_link_correcting_how_it_bears(client, tracked, analyst):
    kept, first, _ = tracked
    link = candidate(kept, first)
    assert (link.state, link.bearing) == (LinkState.CANDIDATE, "undercuts")
    client.force_login(analyst)
    page = client.get(page_url(kept)).content.decode()
    form = form_of(page, f"confirm-{link.pk}")
    assert f'action="/tracker/{kept.pk}/links/{link.pk}/confirm"' in form
    assert 'name="csrfmiddlewaretoken"' in form and 'dir="auto"' in form

    response = client.post(
        reverse("compliance:confirm-link", args=[kept.pk, link.pk]),
        {
            "reason": "The shelling hit the town named.",
            "bearing": "undercuts",
            "obligor_role": "perpetrator",
        },
    )

    assert response.status_code == 302 and response.url == page_url(kept)
    link.refresh_from_db()
    assert (link.state, link.obligor_role, link.decided_by) == (
        LinkState.CONFIRMED,
        "perpetrator",
        analyst,
    )
    assert link.reason == "The shelling hit the town named."
    entry = AuditEntry.objects.filter(object_type="compliance.link", object_id=str(link.pk)).last()
    assert (entry.action, entry.actor) == ("confirmed", analyst)
    assert verify_log().ok
    page = client.get(response.url).content.decode()
    assert "The link is confirmed." in page
    assert f"form-confirm-{link.pk}" not in page  # no longer waiting for review


def test_rejecting_without_a_reason_changes_nothing_and_says_why_beside_the_field(
    client, tracked, analyst
):
    kept, first, _ = tracked
    link = candidate(kept, first)
    client.force_login(analyst)
    before = audit_count()

    response = client.post(
        reverse("compliance:reject-link", args=[kept.pk, link.pk]), {"reason": "  "}
    )

    assert response.status_code == 422
    page = response.content.decode()
    form = form_of(page, f"reject-{link.pk}")
    assert "a reason is required" in form  # beside the field...
    assert f'aria-invalid="true" aria-describedby="id_reject-{link.pk}_reason_error"' in form
    assert "Nothing was changed" in page  # ...and in the summary on top
    assert re.search(r"<details class=\"review\" open>\s*<summary>", page)
    link.refresh_from_db()
    assert link.state == LinkState.CANDIDATE and audit_count() == before


def test_an_analyst_rejects_a_proposed_link_with_a_reason(client, tracked, analyst):
    kept, first, _ = tracked
    link = candidate(kept, first)
    client.force_login(analyst)
    response = client.post(
        reverse("compliance:reject-link", args=[kept.pk, link.pk]), {"reason": "Another town."}
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.state, link.reason) == (LinkState.REJECTED, "Another town.")
    assert "The link is rejected." in client.get(response.url).content.decode()


def test_an_analyst_links_an_observation_by_hand(client, tracked, analyst):
    kept, *_ = tracked
    elsewhere = observe(day=dt.date(2023, 10, 20), actors=("armenia",))
    client.force_login(analyst)
    url = reverse("compliance:add-link", args=[kept.pk])
    data = {"bearing": "supports", "obligor_role": "not_named", "reason": "Seen by our patrol."}

    missing = client.post(url, {**data, "observation": 999_999})
    assert missing.status_code == 422
    assert "no such observation" in form_of(missing.content.decode(), "add-link")
    assert not Link.objects.filter(commitment=kept, observation=elsewhere).exists()

    response = client.post(url, {**data, "observation": elsewhere.pk})
    assert response.status_code == 302
    link = Link.objects.get(commitment=kept, observation=elsewhere)
    assert (link.state, link.bearing, link.created_by) == (LinkState.CONFIRMED, "supports", analyst)
    assert AuditEntry.objects.filter(object_type="compliance.link", action="create").exists()


def test_a_link_of_another_commitment_is_not_found(client, tracked, analyst):
    kept, first, _ = tracked
    other = pledge(text="another promise")
    link = candidate(kept, first)
    client.force_login(analyst)
    response = client.post(
        reverse("compliance:confirm-link", args=[other.pk, link.pk]), {"reason": "Sure."}
    )
    assert response.status_code == 404
    link.refresh_from_db()
    assert link.state == LinkState.CANDIDATE


# --- who may do it ----------------------------------------------------------------------------


def test_an_anonymous_post_is_sent_to_log_in_and_changes_nothing(client, tracked):
    kept, first, _ = tracked
    link = candidate(kept, first)
    before = audit_count()
    response = client.post(
        reverse("compliance:confirm-link", args=[kept.pk, link.pk]), {"reason": "Sure."}
    )
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next=/tracker/{kept.pk}/"
    link.refresh_from_db()
    assert link.state == LinkState.CANDIDATE and audit_count() == before


@pytest.mark.parametrize("role", ["observer", "partner", "administrator"])
def test_a_user_who_may_not_review_links_is_refused(client, tracked, role, request):
    kept, first, _ = tracked
    link = candidate(kept, first)
    client.force_login(request.getfixturevalue(role))
    before = audit_count()
    for name, args in [
        ("compliance:confirm-link", [kept.pk, link.pk]),
        ("compliance:reject-link", [kept.pk, link.pk]),
        ("compliance:add-link", [kept.pk]),
        ("compliance:scope", [kept.pk]),
    ]:
        response = client.post(reverse(name, args=args), {"reason": "Sure.", "countries": "AZ"})
        assert response.status_code == 403, name
    link.refresh_from_db()
    assert link.state == LinkState.CANDIDATE and audit_count() == before
    page = client.get(page_url(kept)).content.decode()
    assert "form-confirm-" not in page and "form-reject-" not in page
    assert "form-add-link" not in page and "form-scope" not in page


def test_an_observer_may_not_end_a_commitment_nor_sign_off(client, tracked, observer):
    kept, *_ = tracked
    week = Assessment.objects.filter(commitment=kept).first()
    client.force_login(observer)
    for name, args in [
        ("compliance:sign-off", [kept.pk, week.pk]),
        ("compliance:expiry", [kept.pk]),
        ("compliance:supersede", [kept.pk]),
        ("compliance:retraction", [kept.pk]),
    ]:
        assert client.post(reverse(name, args=args), {"reason": "x"}).status_code == 403, name
    week.refresh_from_db()
    assert week.signed_off_by is None and not Lifecycle.objects.exists()
    assert "review-form" not in client.get(page_url(kept)).content.decode()


def test_an_unconfirmed_commitment_is_not_found_for_those_who_may_not_see_it(
    client, tracked, observer
):
    hidden = pledge(text="an unconfirmed promise", review_state=ReviewState.PROPOSED)
    client.force_login(observer)
    response = client.post(reverse("compliance:expiry", args=[hidden.pk]), {"reason": "x"})
    assert response.status_code == 404


def test_a_review_action_takes_only_a_post_with_its_csrf_token(tracked, analyst):
    kept, first, _ = tracked
    link = candidate(kept, first)
    url = reverse("compliance:confirm-link", args=[kept.pk, link.pk])
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    assert client.get(url).status_code == 405
    assert client.post(url, {"reason": "Sure."}).status_code == 403
    link.refresh_from_db()
    assert link.state == LinkState.CANDIDATE
    page = client.get(page_url(kept)).content.decode()
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', form_of(page, f"confirm-{link.pk}")
    )
    assert (
        client.post(url, {"reason": "Sure.", "csrfmiddlewaretoken": token.group(1)}).status_code
        == 302
    )
    link.refresh_from_db()
    assert link.state == LinkState.CONFIRMED


def test_the_public_page_has_no_form_and_no_proposed_link(client, tracked):
    kept, first, second = tracked
    page = client.get(page_url(kept)).content.decode()
    assert page.count("<form") == 1  # the choice of language
    assert "review-form" not in page and "csrfmiddlewaretoken" in page
    assert "proposed, not yet reviewed" not in page
    assert f'id="observation-{first.pk}"' not in page
    assert f'id="observation-{second.pk}"' not in page
    assert ">Review<" not in page and "Sign off" not in page


# --- assessments ------------------------------------------------------------------------------


def test_the_head_of_mission_overrides_an_assessment_saying_why(client, tracked, head):
    kept, *_ = tracked
    week = Assessment.objects.filter(commitment=kept).order_by("period_start").first()
    client.force_login(head)
    assert f"form-override-{week.pk}" in client.get(page_url(kept)).content.decode()

    response = client.post(
        reverse("compliance:override", args=[kept.pk, week.pk]),
        {"status": "violated", "justification": "Our patrol saw the shelling itself."},
    )

    assert response.status_code == 302 and response.url == page_url(kept)
    week.refresh_from_db()
    assert (week.override_status, week.overridden_by) == ("violated", head)
    assert week.computed_status != "violated" or week.override_status == "violated"
    entry = AuditEntry.objects.filter(object_type="compliance.assessment").last()
    assert (entry.action, entry.actor) == ("override", head)
    page = client.get(page_url(kept)).content.decode()
    assert "The status is set." in page
    assert "Set by the head of mission:" in page and "Our patrol saw the shelling itself." in page


def test_an_override_without_a_justification_stores_nothing(client, tracked, head):
    kept, *_ = tracked
    week = Assessment.objects.filter(commitment=kept).first()
    client.force_login(head)
    before = audit_count()
    response = client.post(
        reverse("compliance:override", args=[kept.pk, week.pk]),
        {"status": "violated", "justification": ""},
    )
    assert response.status_code == 422
    form = form_of(response.content.decode(), f"override-{week.pk}")
    assert "an override needs a justification" in form
    assert '<option value="violated" selected>' in form  # what was chosen is kept
    week.refresh_from_db()
    assert week.override_status == "" and audit_count() == before


def test_an_analyst_signs_off_but_may_not_override(client, tracked, analyst):
    kept, *_ = tracked
    week = Assessment.objects.filter(commitment=kept).first()
    client.force_login(analyst)
    page = client.get(page_url(kept)).content.decode()
    assert f"form-sign-off-{week.pk}" in page and "form-override-" not in page
    refused = client.post(
        reverse("compliance:override", args=[kept.pk, week.pk]),
        {"status": "violated", "justification": "I think so."},
    )
    assert refused.status_code == 403
    week.refresh_from_db()
    assert week.override_status == ""

    response = client.post(reverse("compliance:sign-off", args=[kept.pk, week.pk]))
    assert response.status_code == 302
    week.refresh_from_db()
    assert week.signed_off_by == analyst and week.signed_off_at is not None
    assert AuditEntry.objects.filter(
        object_type="compliance.assessment", action="sign off"
    ).exists()
    assert f"form-sign-off-{week.pk}" not in client.get(page_url(kept)).content.decode()


def test_an_assessment_of_another_commitment_is_not_found(client, tracked, head):
    kept, *_ = tracked
    other = pledge(text="another promise")
    week = Assessment.objects.filter(commitment=kept).first()
    client.force_login(head)
    response = client.post(
        reverse("compliance:override", args=[other.pk, week.pk]),
        {"status": "violated", "justification": "Because."},
    )
    assert response.status_code == 404


# --- scope, retraction, lifecycle -------------------------------------------------------------


def test_an_analyst_sets_the_scope_keeping_the_places_set_through_the_api(client, tracked, analyst):
    kept, *_ = tracked
    place = {"name": "Stepanakert", "latitude": 39.82, "longitude": 46.75, "radius_km": 20}
    set_scope(kept, actor=analyst, countries=["AZ"], places=[place])
    client.force_login(analyst)
    page = client.get(page_url(kept)).content.decode()
    form = form_of(page, "scope")
    assert 'href="/api/docs"' in form and "This scope has 1 named place." in form

    bad = client.post(reverse("compliance:scope", args=[kept.pk]), {"countries": "Atlantis"})
    assert bad.status_code == 422
    assert "unknown country &#x27;Atlantis&#x27;" in form_of(bad.content.decode(), "scope")

    response = client.post(
        reverse("compliance:scope", args=[kept.pk]),
        {
            "countries": "Azerbaijan, AM",
            "admin_areas": "Khojaly, Shusha",
            "population": "civilians",
        },
    )
    assert response.status_code == 302
    scope = Scope.objects.get(commitment=kept)
    assert scope.countries == ["AM", "AZ"] and scope.admin_areas == ["Khojaly", "Shusha"]
    assert scope.population == "civilians" and scope.places[0]["name"] == "Stepanakert"


def test_an_analyst_flags_a_later_statement_that_walks_the_pledge_back(client, analyst):
    promise = pledge(category="monitoring_access", text="accept an observer mission")
    statement = later_statement()
    client.force_login(analyst)
    assert "would not accept any observer" in form_of(
        client.get(page_url(promise)).content.decode(), "retraction"
    )
    url = reverse("compliance:retraction", args=[promise.pk])

    missing = client.post(url, {"statement": statement.pk, "kind": "refuses", "reason": ""})
    assert missing.status_code == 422 and "say why" in missing.content.decode()

    response = client.post(
        url, {"statement": statement.pk, "kind": "refuses", "reason": "He rules it out."}
    )
    assert response.status_code == 302
    (retraction,) = promise.retractions.all()
    assert (retraction.statement, retraction.flagged_by) == (statement, analyst)
    assert "Walked back" in client.get(page_url(promise)).content.decode()


def test_an_analyst_marks_a_commitment_superseded_and_sets_when_it_expires(
    client, tracked, analyst
):
    kept, *_ = tracked
    later = pledge(text="a later, wider truce", date_made=dt.date(2023, 10, 15))
    client.force_login(analyst)

    itself = client.post(
        reverse("compliance:supersede", args=[kept.pk]), {"superseded_by": kept.pk, "reason": "x"}
    )
    assert itself.status_code == 422 and not Lifecycle.objects.exists()

    response = client.post(
        reverse("compliance:supersede", args=[kept.pk]),
        {"superseded_by": later.pk, "reason": "The truce replaced it."},
    )
    assert response.status_code == 302
    lifecycle = Lifecycle.objects.get(commitment=kept)
    assert (lifecycle.superseded_by, lifecycle.superseded_on) == (later, dt.date(2023, 10, 15))

    early = client.post(
        reverse("compliance:expiry", args=[kept.pk]),
        {"expires_on": "2023-01-01", "reason": "72 hours."},
    )
    assert early.status_code == 422
    assert "cannot expire before it is made" in form_of(early.content.decode(), "expiry")
    response = client.post(
        reverse("compliance:expiry", args=[kept.pk]),
        {"expires_on": "2023-09-29", "reason": "72 hours."},
    )
    assert response.status_code == 302
    lifecycle.refresh_from_db()
    assert lifecycle.expires_on == dt.date(2023, 9, 29)
    assert "The last day it binds is set." in client.get(page_url(kept)).content.decode()


def test_the_review_forms_render_right_to_left_in_arabic(client, tracked, head):
    kept, *_ = tracked
    client.force_login(head)
    client.cookies["django_language"] = "ar"
    page = client.get(page_url(kept)).content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert page.count("review-form") > 3 and 'dir="auto"' in form_of(page, "scope")
