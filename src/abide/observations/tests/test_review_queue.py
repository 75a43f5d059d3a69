"""The analysts' queue of reported observations: who may open it, what it lists, and each
decision made through the services, in place or several at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from abide.audit.models import AuditEntry
from abide.compliance.tests.test_linking import observe
from abide.observations.models import Observation, Status, VerificationStep
from abide.observations.services import transition

pytestmark = pytest.mark.usefixtures("starter_registry")

QUEUE = "/review/observations/"
ROLES = ("observer", "partner", "analyst", "head", "administrator")
ALLOWED = {"analyst", "head"}


@pytest.fixture
def reported(analyst) -> list[Observation]:
    """Three reported observations (reported on 1, 2 and 3 October) and one already verified."""
    found = [observe(day=dt.date(2023, 10, day), latitude=39.8 + day / 10) for day in (3, 1, 2)]
    done = observe(day=dt.date(2023, 9, 30), latitude=41.0)
    transition(done, Status.VERIFIED, actor=analyst, reason="seen by two patrols")
    return sorted(found, key=lambda o: o.reported_at)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_allowed_or_refused_every_queue_url(client, request, role, reported):
    client.force_login(request.getfixturevalue(role))
    first = reported[0]
    expected_get = 200 if role in ALLOWED else 403
    for url in (QUEUE, f"{QUEUE}{first.pk}/", f"{QUEUE}{first.pk}/nearby"):
        assert client.get(url).status_code == expected_get, url
    posts = (
        (f"{QUEUE}{first.pk}/decide", {"to_status": "verified", "reason": "x"}),
        (f"{QUEUE}decide", {"observation": [first.pk], "to_status": "verified", "reason": "x"}),
        (f"{QUEUE}{first.pk}/event", {"candidate": [reported[1].pk], "event_reason": "x"}),
    )
    for url, data in posts:
        response = client.post(url, data)
        if role in ALLOWED:
            assert response.status_code in (302, 422), url
        else:
            assert response.status_code == 403, url
    if role not in ALLOWED:
        assert not VerificationStep.objects.filter(observation=first).exists()


def test_the_public_is_sent_to_log_in_from_every_queue_url(client, reported):
    first = reported[0]
    for url in (QUEUE, f"{QUEUE}{first.pk}/", f"{QUEUE}{first.pk}/nearby"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL)
    for url in (f"{QUEUE}{first.pk}/decide", f"{QUEUE}decide", f"{QUEUE}{first.pk}/event"):
        response = client.post(url, {"to_status": "verified", "reason": "x"})
        assert response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL)
    assert Observation.objects.get(pk=first.pk).status == Status.REPORTED


def test_the_queue_lists_reported_observations_oldest_first_with_map_and_evidence(
    client, analyst, reported
):
    client.force_login(analyst)
    page = client.get(QUEUE).content.decode()
    positions = [page.index(f'id="observation-{o.pk}"') for o in reported]
    assert positions == sorted(positions)
    verified = Observation.objects.get(status=Status.VERIFIED)
    assert f'id="observation-{verified.pk}"' not in page
    assert page.count('<svg class="point-map"') == 3 and "<title>Where" in page
    assert page.count('name="to_status" value="corroborated"') == 3
    assert f'hx-get="{QUEUE}{reported[0].pk}/nearby"' in page  # loaded as it comes into view


def test_the_queue_is_paged_in_sql(client, analyst, monkeypatch, reported):
    from abide.observations import review_views

    monkeypatch.setattr(review_views, "PAGE_SIZE", 2)
    client.force_login(analyst)
    first = client.get(QUEUE).content.decode()
    second = client.get(QUEUE, {"page": 2}).content.decode()
    assert f'id="observation-{reported[1].pk}"' in first and 'rel="next"' in first
    assert f'id="observation-{reported[2].pk}"' in second and 'rel="next"' not in second


def test_an_analyst_verifies_one_in_place_and_it_is_audited(client, analyst, reported):
    client.force_login(analyst)
    target = reported[0]
    response = client.post(
        f"{QUEUE}{target.pk}/decide",
        {"to_status": "verified", "reason": "Two patrols saw it.", "from_status": "reported"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f"Observation {target.pk} is now verified." in response.content.decode()
    target.refresh_from_db()
    assert target.status == Status.VERIFIED
    step = VerificationStep.objects.get(observation=target)
    assert (step.from_status, step.to_status, step.by, step.reason) == (
        "reported",
        "verified",
        analyst,
        "Two patrols saw it.",
    )
    entry = AuditEntry.objects.filter(object_id=str(target.pk), action="status:verified").get()
    assert entry.actor == analyst and entry.changes["status"] == ["reported", "verified"]
    assert f'id="observation-{target.pk}"' not in client.get(QUEUE).content.decode()


def test_a_decision_without_a_reason_is_refused_and_changes_nothing(client, analyst, reported):
    client.force_login(analyst)
    target = reported[0]
    entries = AuditEntry.objects.count()
    response = client.post(
        f"{QUEUE}{target.pk}/decide", {"to_status": "verified", "reason": "  "}, HTTP_HX_REQUEST="1"
    )
    assert response.status_code == 422
    assert "a reason is required" in response.content.decode()
    assert Observation.objects.get(pk=target.pk).status == Status.REPORTED
    assert AuditEntry.objects.count() == entries


def test_an_observation_decided_since_the_page_was_shown_is_not_decided_again(
    client, analyst, head, reported
):
    target = reported[0]
    transition(target, Status.CORROBORATED, actor=head, reason="a second source")
    client.force_login(analyst)
    response = client.post(
        f"{QUEUE}{target.pk}/decide",
        {"to_status": "verified", "reason": "Seen.", "from_status": "reported"},
    )
    assert response.status_code == 422
    assert "already decided by someone else" in response.content.decode()
    assert Observation.objects.get(pk=target.pk).status == Status.CORROBORATED
    assert VerificationStep.objects.filter(observation=target).count() == 1


def test_several_are_disputed_at_once_with_one_reason(client, analyst, reported):
    client.force_login(analyst)
    ids = [reported[0].pk, reported[2].pk]
    response = client.post(
        f"{QUEUE}decide",
        {"observation": ids, "to_status": "disputed", "reason": "The dates do not agree."},
    )
    assert response.status_code == 302
    statuses = dict(
        Observation.objects.filter(pk__in=[o.pk for o in reported]).values_list("pk", "status")
    )
    assert statuses == {
        reported[0].pk: "disputed",
        reported[1].pk: "reported",
        reported[2].pk: "disputed",
    }
    assert AuditEntry.objects.filter(action="status:disputed").count() == 2
    page = client.get(QUEUE).content.decode()
    assert "2 observations are now disputed." in page


def test_several_at_once_is_all_or_nothing_when_one_was_decided_meanwhile(
    client, analyst, head, reported
):
    transition(reported[1], Status.VERIFIED, actor=head, reason="verified meanwhile")
    client.force_login(analyst)
    response = client.post(
        f"{QUEUE}decide",
        {
            "observation": [o.pk for o in reported],
            "to_status": "corroborated",
            "reason": "A second source.",
        },
    )
    assert response.status_code == 422
    assert f"already decided by someone else since this page was shown: {reported[1].pk}" in (
        response.content.decode()
    )
    assert not Observation.objects.filter(status=Status.CORROBORATED).exists()


def test_reports_nearby_are_linked_as_one_event(client, analyst):
    one = observe(day=dt.date(2023, 10, 1))
    other = observe(day=dt.date(2023, 10, 1), latitude=39.83)
    far = observe(day=dt.date(2023, 10, 1), latitude=41.5)
    client.force_login(analyst)
    nearby = client.get(f"{QUEUE}{one.pk}/nearby").content.decode()
    assert f'value="{other.pk}"' in nearby and f'value="{far.pk}"' not in nearby
    missing = client.post(f"{QUEUE}{one.pk}/event", {"candidate": [other.pk], "event_reason": ""})
    assert missing.status_code == 422 and Observation.objects.get(pk=one.pk).event_id is None
    done = client.post(
        f"{QUEUE}{one.pk}/event", {"candidate": [other.pk], "event_reason": "Same shelling."}
    )
    assert done.status_code == 302
    one.refresh_from_db()
    other.refresh_from_db()
    assert one.event_id is not None and one.event_id == other.event_id


def test_the_queue_shows_a_thumbnail_of_each_photo_served_through_the_access_check(
    client, analyst, reported
):
    import io

    from PIL import Image

    from abide.observations.evidence import store_evidence

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG")
    buffer.seek(0)
    photo, _ = store_evidence(reported[0], buffer, name="crater.jpg", actor=analyst)
    client.force_login(analyst)
    page = client.get(QUEUE).content.decode()
    thumbnail = f"/observations/{reported[0].pk}/evidence/{photo.sha256}/thumbnail"
    assert f'src="{thumbnail}"' in page
    response = client.get(thumbnail)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    client.logout()
    assert client.get(thumbnail).status_code in (302, 404)
