"""The actions of the observation page: each one POST calling one service, audited."""

from __future__ import annotations

import pytest

from abide.audit.models import AuditEntry
from abide.observations.models import Comment, Observation, Status, VerificationStep
from abide.observations.tests.test_reading_pages import report


@pytest.fixture
def reported(starter_registry, observer):
    return report(observer, sensitivity="internal")


def audit_actions(observation) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            object_type="observations.observation", object_id=str(observation.pk)
        )
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_an_analyst_verifies_with_a_reason_and_the_step_is_audited(client, reported, analyst):
    client.force_login(analyst)
    response = client.post(
        f"/observations/{reported.pk}/status",
        {"to_status": "verified", "reason": "two patrols saw the craters"},
    )
    assert response.status_code == 302
    reported.refresh_from_db()
    assert reported.status == Status.VERIFIED
    step = VerificationStep.objects.get(observation=reported)
    assert (step.by, step.reason) == (analyst, "two patrols saw the craters")
    assert "status:verified" in audit_actions(reported)
    page = client.get(response["Location"]).content.decode()
    assert "The status is changed." in page


def test_a_transition_without_a_reason_is_refused_beside_the_field(client, reported, head):
    client.force_login(head)
    response = client.post(
        f"/observations/{reported.pk}/status", {"to_status": "verified", "reason": "  "}
    )
    assert response.status_code == 422
    content = response.content.decode()
    assert 'id="id_status-verified_reason"' in content
    assert "Nothing was changed" in content
    reported.refresh_from_db()
    assert reported.status == Status.REPORTED
    assert not VerificationStep.objects.exists()


def test_a_transition_that_is_not_allowed_is_refused(client, reported, analyst):
    client.force_login(analyst)
    response = client.post(
        f"/observations/{reported.pk}/status", {"to_status": "refuted", "reason": "no trace"}
    )
    assert response.status_code == 422
    assert "cannot go from reported to refuted" in response.content.decode()
    reported.refresh_from_db()
    assert reported.status == Status.REPORTED


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("status", {"to_status": "verified", "reason": "I saw it"}),
        ("grade", {"reliability": "A", "credibility": "1"}),
        ("event/unlink", {"reason": "not the same"}),
    ],
)
def test_an_observer_may_not_verify_grade_or_link(client, reported, observer, path, data):
    client.force_login(observer)
    response = client.post(f"/observations/{reported.pk}/{path}", data)
    assert response.status_code == 403
    reported.refresh_from_db()
    assert (reported.status, reported.reliability) == (Status.REPORTED, "")


def test_an_anonymous_post_is_sent_to_log_in(client, reported):
    response = client.post(f"/observations/{reported.pk}/status", {"to_status": "verified"})
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_an_action_on_an_observation_the_user_may_not_see_is_404(
    client, starter_registry, analyst, partner
):
    restricted = report(analyst, sensitivity="restricted")
    client.force_login(partner)
    response = client.post(f"/observations/{restricted.pk}/comments", {"text": "hello"})
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_an_analyst_grades_with_the_admiralty_code(client, reported, analyst):
    client.force_login(analyst)
    response = client.post(
        f"/observations/{reported.pk}/grade",
        {"reliability": "B", "credibility": "2", "reason": "a usually reliable team"},
    )
    assert response.status_code == 302
    reported.refresh_from_db()
    assert (reported.reliability, reported.credibility) == ("B", 2)
    assert "grade" in audit_actions(reported)


def test_a_grading_of_nothing_is_refused_beside_the_field(client, reported, analyst):
    client.force_login(analyst)
    response = client.post(
        f"/observations/{reported.pk}/grade", {"reliability": "", "credibility": ""}
    )
    assert response.status_code == 422
    assert "give a reliability, a credibility or both" in response.content.decode()


def test_an_analyst_links_a_nearby_report_as_one_event_and_unlinks_it(
    client, reported, analyst, observer
):
    nearby = report(observer, latitude=39.82, longitude=46.76)
    client.force_login(analyst)
    page = client.get(f"/observations/{reported.pk}/").content.decode()
    assert f'name="other" value="{nearby.pk}"' in page  # offered as a candidate
    response = client.post(
        f"/observations/{reported.pk}/event/link",
        {"other": nearby.pk, "reason": "the same shelling, two teams"},
    )
    assert response.status_code == 302
    reported.refresh_from_db()
    nearby.refresh_from_db()
    assert reported.event_id is not None and reported.event_id == nearby.event_id
    assert AuditEntry.objects.filter(object_type="observations.event", action="link").exists()
    page = client.get(f"/observations/{reported.pk}/").content.decode()
    assert "Reports of the same event" in page and f"/observations/{nearby.pk}/" in page

    response = client.post(f"/observations/{reported.pk}/event/unlink", {"reason": ""})
    assert response.status_code == 422
    response = client.post(
        f"/observations/{reported.pk}/event/unlink", {"reason": "different days after all"}
    )
    assert response.status_code == 302
    reported.refresh_from_db()
    assert reported.event_id is None
    assert "unlink" in audit_actions(reported)


def test_linking_to_an_observation_that_does_not_exist_is_refused(client, reported, analyst):
    client.force_login(analyst)
    response = client.post(
        f"/observations/{reported.pk}/event/link", {"other": 999999, "reason": "same"}
    )
    assert response.status_code == 422
    assert Observation.objects.filter(event__isnull=False).count() == 0


def test_an_observer_comments_and_an_empty_comment_is_refused(client, reported, observer):
    client.force_login(observer)
    empty = client.post(f"/observations/{reported.pk}/comments", {"text": ""})
    assert empty.status_code == 422
    assert "the comment is empty" in empty.content.decode()
    response = client.post(f"/observations/{reported.pk}/comments", {"text": "I was there too"})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.author, comment.text) == (observer, "I was there too")
    assert AuditEntry.objects.filter(object_type="observations.comment", action="create").exists()
