"""The observations API's other changes: evidence files, verification, grading, patrols, and
the place-name suggestions."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from abide.audit.models import AuditEntry
from abide.observations.models import Evidence, Observation, Patrol, VerificationStep
from abide.observations.tests.helpers import stored
from abide.observations.tests.test_api import bearer, post

pytestmark = pytest.mark.usefixtures("starter_registry")


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    """Each test stores its files in a fresh data directory."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def observation(observer) -> Observation:
    return stored(reported_by=observer, sensitivity="internal")


def jpeg() -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Fieldcam"  # Make
    Image.new("RGB", (8, 6), (200, 40, 40)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def upload(client, observation_id: int, content: bytes, name: str, user=None):
    headers = bearer(user) if user is not None else {}
    return client.post(
        f"/api/observations/{observation_id}/evidence",
        {"file": SimpleUploadedFile(name, content)},
        **headers,
    )


def stored_files(data_dir) -> list:
    root = data_dir / "evidence"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- evidence ----------------------------------------------------------------------------


def test_the_reporter_attaches_a_photo_and_gets_its_hash_type_size_and_exif(
    client, observer, observation, data_dir
):
    content = jpeg()
    response = upload(client, observation.pk, content, "crater.jpg", observer)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["media_type"] == "image/jpeg" and body["size"] == len(content)
    assert (body["width"], body["height"]) == (8, 6)
    assert body["exif"]["Make"] == "Fieldcam"
    assert len(stored_files(data_dir)) == 1
    detail = client.get(f"/api/observations/{observation.pk}", **bearer(observer)).json()
    assert [e["sha256"] for e in detail["evidence"]] == [body["sha256"]]


def test_the_same_file_again_is_not_stored_twice(client, observer, observation, data_dir):
    content = jpeg()
    first = upload(client, observation.pk, content, "a.jpg", observer)
    again = upload(client, observation.pk, content, "b.jpg", observer)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Evidence.objects.count() == 1 and len(stored_files(data_dir)) == 1


def test_a_disguised_file_is_422_naming_the_file_and_nothing_is_kept(
    client, observer, observation, data_dir
):
    response = upload(client, observation.pk, b"MZ\x90\x00" + b"\x00" * 200, "photo.jpg", observer)
    assert response.status_code == 422
    assert "not accepted as evidence" in response.json()["detail"]["file"][0]
    assert Evidence.objects.count() == 0 and stored_files(data_dir) == []


def test_an_oversized_file_is_422_naming_the_file(
    client, observer, observation, settings, data_dir
):
    settings.ABIDE_EVIDENCE_MAX_BYTES = 1000
    response = upload(client, observation.pk, b"a" * 1001, "notes.txt", observer)
    assert response.status_code == 422
    assert "larger than the limit of 1,000 bytes" in response.json()["detail"]["file"][0]
    assert Evidence.objects.count() == 0 and stored_files(data_dir) == []


def test_an_upload_without_a_file_is_422_naming_it(client, observer, observation):
    response = client.post(f"/api/observations/{observation.pk}/evidence", {}, **bearer(observer))
    assert response.status_code == 422
    assert list(response.json()["detail"]) == ["file"]


@pytest.mark.parametrize(
    ("role", "status"),
    [("analyst", 201), ("head", 201), ("partner", 404), ("administrator", 403)],
)
def test_who_may_attach_evidence(client, request, observation, role, status):
    response = upload(
        client, observation.pk, b"seen at dawn\n", "n.txt", request.getfixturevalue(role)
    )
    assert response.status_code == status
    assert Evidence.objects.count() == (1 if status == 201 else 0)


def test_another_observer_may_not_attach_to_a_report_not_theirs(client, observation):
    from abide.testing import make_user

    other = make_user("oleg-observer", "observer")
    response = upload(client, observation.pk, b"seen\n", "n.txt", other)
    assert response.status_code == 403
    assert response.json() == {"detail": "you may not add evidence to this observation"}


def test_anonymous_uploads_are_401(client, observation):
    assert upload(client, observation.pk, b"seen\n", "n.txt").status_code == 401


# --- verification and grading ----------------------------------------------------------


def test_an_analyst_verifies_an_observation_with_a_reason(client, analyst, observation):
    body = {"to": "verified", "reason": "Crater and fragments photographed."}
    response = post(client, f"/api/observations/{observation.pk}/transition", body, analyst)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "verified"
    step = VerificationStep.objects.get()
    assert (step.from_status, step.to_status, step.by) == ("reported", "verified", analyst)
    history = client.get(f"/api/observations/{observation.pk}", **bearer(analyst)).json()
    assert history["verification"][0]["by"] == analyst.username


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"to": "confirmed", "reason": "x"}, "to", "'confirmed' is not one of"),
        ({"to": "refuted", "reason": "x"}, "to", "cannot go from reported to refuted"),
        ({"to": "verified", "reason": "  "}, "reason", "a reason is required"),
        ({"to": "verified"}, "reason", "Field required"),
    ],
)
def test_a_bad_transition_is_422_naming_the_field(
    client, analyst, observation, body, field, message
):
    response = post(client, f"/api/observations/{observation.pk}/transition", body, analyst)
    assert response.status_code == 422
    assert message in response.json()["detail"][field][0]
    assert Observation.objects.get(pk=observation.pk).status == "reported"


@pytest.mark.parametrize(
    ("role", "status"),
    [("observer", 403), ("partner", 404), ("administrator", 403), ("head", 200)],
)
def test_who_may_change_the_status(client, request, observation, role, status):
    body = {"to": "corroborated", "reason": "A second patrol saw it."}
    user = request.getfixturevalue(role)
    response = post(client, f"/api/observations/{observation.pk}/transition", body, user)
    assert response.status_code == status
    assert VerificationStep.objects.count() == (1 if status == 200 else 0)


def test_an_analyst_grades_source_and_information(client, analyst, observation):
    body = {"reliability": "B", "credibility": 2, "reason": "Known observer; matches imagery."}
    response = post(client, f"/api/observations/{observation.pk}/grade", body, analyst)
    assert response.status_code == 200
    assert response.json() == {
        "id": observation.pk,
        "status": "reported",
        "reliability": "B",
        "credibility": 2,
    }
    assert AuditEntry.objects.filter(action="grade").count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reliability": "G"}, "reliability"),
        ({"credibility": 7}, "credibility"),
        ({"credibility": "high"}, "credibility"),
        ({}, "reliability"),
    ],
)
def test_a_bad_grade_is_422_naming_the_field(client, analyst, observation, body, field):
    response = post(client, f"/api/observations/{observation.pk}/grade", body, analyst)
    assert response.status_code == 422
    assert field in response.json()["detail"]
    refreshed = Observation.objects.get(pk=observation.pk)
    assert (refreshed.reliability, refreshed.credibility) == ("", None)


def test_an_observer_may_not_grade(client, observer, observation):
    body = {"reliability": "A", "credibility": 1}
    response = post(client, f"/api/observations/{observation.pk}/grade", body, observer)
    assert response.status_code == 403


# --- patrols -----------------------------------------------------------------------------

PATROL = {
    "team": "Team North",
    "started_at": "2024-03-01T06:00:00+04:00",
    "ended_at": "2024-03-01T14:00:00+04:00",
    "members": ["olga-observer"],
    "area_places": ["Stepanakert"],
    "route": {"type": "LineString", "coordinates": [[46.75, 39.81], [46.76, 39.76]]},
    "notes": "Nothing seen.",
}


def test_an_observer_records_a_patrol(client, observer):
    response = post(client, "/api/patrols", PATROL, observer)
    assert response.status_code == 201, response.content
    body = response.json()
    patrol = Patrol.objects.get()
    assert body["id"] == patrol.pk and body["members"] == ["olga-observer"]
    assert body["route"]["coordinates"][0] == [46.75, 39.81]
    assert [point[2] for point in body["footprint"]] == ["AZ", "AZ", "AZ"]
    assert list(patrol.members.all()) == [observer]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"team": ""}, "team"),
        ({"ended_at": "2024-03-01T05:00:00+04:00"}, "ended_at"),
        ({"started_at": "dawn"}, "started_at"),
        ({"members": ["nobody"]}, "members"),
        ({"route": {"type": "LineString", "coordinates": [[46.75, 95.0], [46.7, 39.7]]}}, "route"),
        ({"area_polygon": {"type": "Polygon", "coordinates": [[[1, 2], [3, 4]]]}}, "area_polygon"),
    ],
)
def test_a_bad_patrol_is_422_naming_the_field(client, observer, change, field):
    response = post(client, "/api/patrols", {**PATROL, **change}, observer)
    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert Patrol.objects.count() == 0


@pytest.mark.parametrize(("role", "status"), [("partner", 403), ("administrator", 403)])
def test_who_may_not_record_patrols(client, request, role, status):
    response = post(client, "/api/patrols", PATROL, request.getfixturevalue(role))
    assert response.status_code == status and Patrol.objects.count() == 0


# --- places ------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Stepanakert", "Ստեփանակերտ", "Степанакерт", "Xankəndi"])
def test_the_places_endpoint_offers_khankendi_in_four_scripts(client, typed):
    response = client.get("/api/places", {"q": typed, "limit": 10})
    assert response.status_code == 200
    first = response.json()[0]
    assert set(first) == {"name", "label", "country_code", "admin1", "latitude", "longitude"}
    assert first["name"] == "Khankendi" and first["country_code"] == "AZ"
    assert first["label"].startswith("Khankendi") and first["label"].endswith(", Azerbaijan")
    assert abs(first["latitude"] - 39.82) < 0.05 and abs(first["longitude"] - 46.75) < 0.05


def test_the_places_endpoint_prefers_the_countries_asked_for(client):
    places = client.get("/api/places", {"q": "Step", "country": "AZ,AM"}).json()
    assert "Khankendi (Stepanakert), Azerbaijan" in [p["label"] for p in places[:2]]


def test_the_places_endpoint_answers_at_most_the_limit_and_nothing_for_nothing(client):
    assert len(client.get("/api/places", {"q": "s", "limit": 3}).json()) == 3
    assert client.get("/api/places", {"q": ""}).json() == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "a", "limit": 0}, "limit"),
        ({"q": "a", "limit": 51}, "limit"),
        ({"q": "a", "country": "Azerbaijan"}, "country"),
    ],
)
def test_bad_place_parameters_are_422_naming_them(client, params, field):
    response = client.get("/api/places", params)
    assert response.status_code == 422
    assert list(response.json()["detail"]) == [field]


def test_a_bad_token_is_401_even_where_no_sign_in_is_needed(client):
    response = client.get("/api/places", {"q": "Step"}, HTTP_AUTHORIZATION="Bearer abide_no")
    assert response.status_code == 401


def test_the_openapi_document_lists_the_observation_routes(client):
    paths = json.loads(client.get("/api/openapi.json").content)["paths"]
    for path in (
        "/api/observations",
        "/api/observations/{observation_id}",
        "/api/observations/{observation_id}/evidence",
        "/api/observations/{observation_id}/transition",
        "/api/observations/{observation_id}/grade",
        "/api/patrols",
        "/api/places",
    ):
        assert path in paths
