"""The reporting, correction and patrol pages through HTTP: who may use them, what they store,
what they refuse (422, the message beside the field, nothing stored) and retried submissions."""

from __future__ import annotations

import hashlib
import html
import json
import re
import uuid

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from abide.audit.models import AuditEntry
from abide.observations.correcting import correct_observation
from abide.observations.models import Evidence, Observation, Patrol
from abide.observations.services import grade, record_patrol, transition
from abide.observations.tests.test_evidence import exe_bytes, jpeg_with_exif
from abide.testing import make_user

NEW = "/observations/new/"
PATROL = "/patrols/new/"
KHANKENDI = ("39.8177", "46.7528")
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    """Each test stores its files in a fresh data directory."""
    settings.DATA_DIR = tmp_path
    return tmp_path


def form_data(**overrides) -> dict:
    values = {
        "latitude": KHANKENDI[0],
        "longitude": KHANKENDI[1],
        "place_name": "",
        "place_precision": "",
        "observed_start": "2023-09-19T10:00",
        "utc_offset": "240",
        "time_precision": "exact",
        "category": "cessation_of_hostilities",
        "subtype": "shelling",
        "direction": "",
        "actor_1": "azerbaijan",
        "attribution_1": "alleged",
        "attribution_2": "alleged",
        "attribution_3": "alleged",
        "casualties_low": "1",
        "casualties_best": "2",
        "casualties_high": "3",
        "casualties_civilian": "2",
        "narrative": "Shells fell near the market.",
        "language": "en",
        "sensitivity": "internal",
        "public_precision": "10km",
        "client_key": str(uuid.uuid4()),
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def photo(name: str = "market.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_with_exif(39.8177, 46.7528), content_type="image/jpeg")


def errors_beside(response, field: str) -> list[str]:
    """The messages shown in the error list of ``field`` on the page."""
    page = response.content.decode()
    found = re.search(rf'<ul class="errorlist" id="id_{field}_errors"[^>]*>(.*?)</ul>', page, re.S)
    assert found, f"no error list for {field}"
    return [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)]


# --- who may open the pages ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role_fixture", "report", "patrol"),
    [
        ("observer", 200, 200),
        ("partner", 200, 403),
        ("analyst", 200, 200),
        ("head", 200, 200),
        ("administrator", 403, 403),
    ],
)
def test_each_role_may_open_the_pages_its_rules_allow(
    client, starter_registry, request, role_fixture, report, patrol
):
    client.force_login(request.getfixturevalue(role_fixture))
    response = client.get(NEW)
    assert response.status_code == report
    assert "{#" not in response.content.decode()
    assert client.get(PATROL).status_code == patrol
    assert client.get("/observations/mine/").status_code == report


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, db):
    for url in (NEW, PATROL, "/observations/mine/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{settings.LOGIN_URL}?next=")
    assert client.post(NEW, form_data(), **JSON).status_code == 401
    assert Observation.objects.count() == 0


def test_a_refused_role_stores_nothing(client, starter_registry, administrator):
    client.force_login(administrator)
    assert client.post(NEW, form_data()).status_code == 403
    assert client.post(NEW, form_data(), **JSON).json()["error"]
    assert Observation.objects.count() == 0


def test_the_navigation_links_to_the_pages_a_user_may_use(client, starter_registry, partner):
    assert reverse("observations:new") not in client.get("/").content.decode()
    client.force_login(partner)
    page = client.get("/").content.decode()
    assert f'href="{reverse("observations:new")}"' in page
    assert f'href="{reverse("observations:mine")}"' in page
    assert f'href="{reverse("observations:patrol-new")}"' not in page


# --- reporting -------------------------------------------------------------------------------


def test_an_observer_reports_with_a_photo_and_sees_its_exif(client, starter_registry, observer):
    client.force_login(observer)
    data = form_data(files=[photo()])
    response = client.post(NEW, data)
    observation = Observation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("observations:received", args=[observation.pk])
    # The time was typed on a phone four hours east of UTC.
    assert observation.observed_start.isoformat() == "2023-09-19T06:00:00+00:00"
    assert observation.subtype.slug == "shelling"
    assert observation.direction == "undercuts"  # from the sub-type
    assert [(a.party.slug, a.attribution) for a in observation.actors.all()] == [
        ("azerbaijan", "alleged")
    ]
    assert (observation.casualties_low, observation.casualties_best) == (1, 2)
    assert observation.public_precision == "10km"
    assert observation.country == "AZ"
    (evidence,) = observation.evidence.all()
    assert evidence.sha256 == hashlib.sha256(jpeg_with_exif(39.8177, 46.7528)).hexdigest()
    page = client.get(response["Location"]).content.decode()
    assert "EOS 90D" in page and "Canon" in page and "2023:09:19 10:15:42" in page
    assert evidence.sha256 in page


def test_a_report_by_place_name_alone_is_placed_by_the_gazetteer(client, starter_registry, partner):
    client.force_login(partner)
    response = client.post(NEW, form_data(latitude="", longitude="", place_name="Stepanakert"))
    assert response.status_code == 302
    observation = Observation.objects.get()
    assert observation.place_precision == "near"
    assert observation.latitude == pytest.approx(39.8, abs=0.1)
    assert observation.reporter_kind == "partner"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"category": ""}, "category", "This field is required."),
        ({"category": "nonsense"}, "category", "Select a valid choice."),
        ({"subtype": "convoy_blocked"}, "subtype", "belongs to category humanitarian_access"),
        ({"observed_start": ""}, "observed_start", "This field is required."),
        ({"observed_start": "yesterday"}, "observed_start", "Enter a valid date/time."),
        ({"time_precision": "hour"}, "time_precision", "Select a valid choice."),
        ({"latitude": "95"}, "latitude", "less than or equal to 90"),
        ({"longitude": ""}, "longitude", "longitude is missing"),
        ({"latitude": "", "longitude": ""}, "place_name", "give a place name"),
        (
            {"latitude": "", "longitude": "", "place_name": "Nowhereville Qqq"},
            "place_name",
            "unknown place name",
        ),
        ({"casualties_high": "0"}, "casualties_high", "is below casualties_best"),
        ({"casualties_low": "-1"}, "casualties_low", "greater than or equal to 0"),
        ({"actor_1": "atlantis"}, "actor_1", "Select a valid choice."),
        ({"attribution_1": "certain"}, "attribution_1", "Select a valid choice."),
        ({"sensitivity": "secret"}, "sensitivity", "Select a valid choice."),
        ({"public_precision": "5km"}, "public_precision", "Select a valid choice."),
        ({"language": "xx"}, "language", "Select a valid choice."),
        ({"direction": "sideways"}, "direction", "Select a valid choice."),
        ({"patrol": "999999"}, "patrol", "Select a valid choice."),
        (
            {"files": [SimpleUploadedFile("tool.jpg", exe_bytes())]},
            "files",
            "is not accepted as evidence",
        ),
        ({"files": [SimpleUploadedFile("empty.jpg", b"")]}, "files", "The submitted file is empty"),
        (
            {"files": [photo(), SimpleUploadedFile("broken.jpg", b"\xff\xd8\xff\xe0broken")]},
            "files",
            "",
        ),
    ],
)
def test_a_bad_field_is_refused_with_its_message_beside_it_and_nothing_stored(
    client, starter_registry, observer, data_dir, overrides, field, message
):
    client.force_login(observer)
    response = client.post(NEW, form_data(**overrides))
    assert response.status_code == 422
    shown = errors_beside(response, field)
    assert shown and message in " ".join(shown)
    assert 'class="error-summary"' in response.content.decode()
    assert Observation.objects.count() == 0
    assert Evidence.objects.count() == 0


def test_the_script_gets_the_errors_as_json_by_field(client, starter_registry, observer):
    client.force_login(observer)
    response = client.post(NEW, form_data(latitude="95", casualties_high="0"), **JSON)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "latitude" in errors
    assert Observation.objects.count() == 0


def test_a_submission_retried_with_its_client_key_is_stored_once_with_its_files_once(
    client, starter_registry, observer
):
    client.force_login(observer)
    key = str(uuid.uuid4())
    first = client.post(NEW, form_data(client_key=key, files=[photo()]), **JSON)
    again = client.post(NEW, form_data(client_key=key, files=[photo()]), **JSON)
    plain = client.post(NEW, form_data(client_key=key, files=[photo()]))
    assert first.status_code == 201 and first.json()["created"] is True
    assert again.status_code == 200 and again.json()["created"] is False
    assert first.json()["id"] == again.json()["id"]
    assert plain.status_code == 302 and plain["Location"] == first.json()["url"]
    assert Observation.objects.count() == 1
    assert Evidence.objects.count() == 1
    assert AuditEntry.objects.filter(action="report").count() == 1


def test_what_another_user_left_in_the_phones_outbox_is_not_stored_in_this_ones_name(
    client, starter_registry, observer, partner
):
    client.force_login(partner)
    response = client.post(NEW, form_data(outbox_user=str(observer.pk)), **JSON)
    assert response.status_code == 409
    assert Observation.objects.count() == 0
    response = client.post(NEW, form_data(outbox_user=str(partner.pk)), **JSON)
    assert response.status_code == 201
    assert Observation.objects.get().reported_by == partner


def test_a_client_key_of_another_user_is_refused(client, starter_registry, observer):
    key = str(uuid.uuid4())
    client.force_login(observer)
    client.post(NEW, form_data(client_key=key))
    client.force_login(make_user("oleg-observer", "observer"))
    response = client.post(NEW, form_data(client_key=key))
    assert response.status_code == 422
    assert "already used by another user" in response.content.decode()
    assert Observation.objects.count() == 1


def test_the_report_may_name_one_of_the_observers_recent_patrols(
    client, starter_registry, observer, analyst
):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    own = record_patrol(
        actor=observer, team="Team 1", started_at=now - dt.timedelta(hours=3), ended_at=now
    )
    other = record_patrol(
        actor=analyst, team="Team 9", started_at=now - dt.timedelta(hours=3), ended_at=now
    )
    client.force_login(observer)
    page = client.get(NEW).content.decode()
    assert "Team 1" in page and "Team 9" not in page
    assert client.post(NEW, form_data(patrol=str(other.pk))).status_code == 422
    assert client.post(NEW, form_data(patrol=str(own.pk))).status_code == 302
    assert Observation.objects.get().patrol == own


# --- my reports and corrections --------------------------------------------------------------


@pytest.fixture
def reported(client, starter_registry, observer):
    client.force_login(observer)
    client.post(NEW, form_data())
    return Observation.objects.get()


def test_my_reports_lists_mine_with_their_status_and_the_edit_link(
    client, reported, observer, analyst
):
    import datetime as dt

    from abide.observations.services import report_observation

    report_observation(
        actor=analyst,
        category="humanitarian_access",
        observed_start=dt.datetime(2023, 9, 20, tzinfo=dt.UTC),
        time_precision="day",
        direction="supports",
        place_name="Goris",
        sensitivity="internal",
        public_precision="1km",
    )
    page = client.get("/observations/mine/").content.decode()
    assert f'id="observation-{reported.pk}"' in page
    assert reverse("observations:edit", args=[reported.pk]) in page
    assert "reported" in page
    assert page.count('<li id="observation-') == 1
    assert "{#" not in page and "{% comment" not in page


def test_the_reporter_corrects_a_report_before_review_and_it_is_audited(client, reported, observer):
    page = client.get(f"/observations/{reported.pk}/edit/").content.decode()
    assert 'value="Shells fell near the market."' in page or "Shells fell near the market." in page
    data = form_data(
        observed_start="2023-09-19T06:00",
        utc_offset="0",
        casualties_high="5",
        narrative="Shells fell near the school.",
        subtype="small_arms_fire",
        attribution_1="suspected",
    )
    data.pop("client_key")
    response = client.post(f"/observations/{reported.pk}/edit/", data)
    assert response.status_code == 302
    reported.refresh_from_db()
    assert reported.narrative == "Shells fell near the school."
    assert reported.casualties_high == 5
    assert reported.subtype.slug == "small_arms_fire"
    assert reported.actors.get().attribution == "suspected"
    entry = AuditEntry.objects.get(action="correct")
    assert entry.actor == observer
    assert entry.changes["narrative"] == [
        "Shells fell near the market.",
        "Shells fell near the school.",
    ]
    assert entry.changes["casualties_high"] == [3, 5]
    assert "observed_start" not in entry.changes  # the same instant


def test_a_bad_correction_is_refused_beside_the_field_and_changes_nothing(client, reported):
    data = form_data(casualties_low="7")
    data.pop("client_key")
    response = client.post(f"/observations/{reported.pk}/edit/", data)
    assert response.status_code == 422
    assert "is below casualties_low" in " ".join(errors_beside(response, "casualties_best"))
    reported.refresh_from_db()
    assert reported.casualties_low == 1
    assert not AuditEntry.objects.filter(action="correct").exists()


def test_only_the_reporter_may_correct(client, reported, analyst):
    other = make_user("oleg-observer", "observer")
    for user in (other, analyst):
        client.force_login(user)
        assert client.get(f"/observations/{reported.pk}/edit/").status_code == 403
        data = form_data(narrative="changed")
        assert client.post(f"/observations/{reported.pk}/edit/", data).status_code == 403
        with pytest.raises(PermissionDenied):
            correct_observation(reported, actor=user, narrative="changed")
    reported.refresh_from_db()
    assert reported.narrative == "Shells fell near the market."


@pytest.mark.parametrize("review", ["grade", "transition"])
def test_a_reviewed_report_is_no_longer_correctable(client, reported, observer, analyst, review):
    if review == "grade":
        grade(reported, actor=analyst, reliability="B", credibility=2, reason="Known source.")
    else:
        transition(reported, "corroborated", actor=analyst, reason="Second report.")
    assert client.get(f"/observations/{reported.pk}/edit/").status_code == 403
    with pytest.raises(PermissionDenied):
        correct_observation(reported, actor=observer, narrative="changed")
    page = client.get("/observations/mine/").content.decode()
    assert reverse("observations:edit", args=[reported.pk]) not in page


# --- patrols ---------------------------------------------------------------------------------


def patrol_data(**overrides) -> dict:
    values = {
        "team": "Team 2",
        "started_at": "2023-09-19T08:00",
        "ended_at": "2023-09-19T12:30",
        "utc_offset": "0",
        "area_places": "Goris\nLachin",
        "area_admin": "",
        "route": json.dumps(
            {"type": "LineString", "coordinates": [[46.34, 39.51], [46.55, 39.60]]}
        ),
        "area_polygon": "",
        "notes": "Nothing seen.",
        "client_key": str(uuid.uuid4()),
    }
    values.update(overrides)
    return values


def test_an_observer_records_a_patrol_with_its_route(client, starter_registry, observer):
    client.force_login(observer)
    response = client.post(PATROL, patrol_data())
    assert response.status_code == 302
    patrol = Patrol.objects.get()
    assert patrol.route["coordinates"] == [[46.34, 39.51], [46.55, 39.60]]
    assert patrol.area_places == ["Goris", "Lachin"]
    assert patrol.notes == "Nothing seen."
    assert patrol.created_by == observer
    assert response["Location"].endswith(f"#patrol-{patrol.pk}")
    assert AuditEntry.objects.filter(action="create", object_id=str(patrol.pk)).exists()


def test_a_patrol_with_a_drawn_area_is_stored(client, starter_registry, analyst):
    client.force_login(analyst)
    ring = [[46.3, 39.5], [46.6, 39.5], [46.6, 39.7], [46.3, 39.5]]
    feature = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}}
    response = client.post(PATROL, patrol_data(route="", area_polygon=json.dumps(feature)), **JSON)
    assert response.status_code == 201
    assert Patrol.objects.get().area_polygon["type"] == "Polygon"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"team": ""}, "team", "This field is required."),
        ({"ended_at": "2023-09-19T07:00"}, "ended_at", "is before started_at"),
        ({"route": "{not json"}, "route", "is not valid GeoJSON"),
        (
            {"route": json.dumps({"type": "LineString", "coordinates": [[46.3, 39.5]]})},
            "route",
            "needs at least two positions",
        ),
        (
            {"route": json.dumps({"type": "LineString", "coordinates": [[39.5, 146.3], [1, 2]]})},
            "route",
            "is off the earth",
        ),
        (
            {"area_polygon": json.dumps({"type": "Polygon", "coordinates": [[[1, 2], [3, 4]]]})},
            "area_polygon",
            "needs at least four positions",
        ),
    ],
)
def test_a_bad_patrol_is_refused_beside_the_field(
    client, starter_registry, observer, overrides, field, message
):
    client.force_login(observer)
    response = client.post(PATROL, patrol_data(**overrides))
    assert response.status_code == 422
    assert message in " ".join(errors_beside(response, field))
    assert Patrol.objects.count() == 0


def test_a_patrol_retried_with_its_client_key_is_stored_once(client, starter_registry, observer):
    client.force_login(observer)
    data = patrol_data()
    first = client.post(PATROL, data, **JSON)
    again = client.post(PATROL, data, **JSON)
    assert first.json()["id"] == again.json()["id"]
    assert Patrol.objects.count() == 1


def test_a_partner_may_not_record_a_patrol(client, starter_registry, partner):
    client.force_login(partner)
    assert client.post(PATROL, patrol_data()).status_code == 403
    assert Patrol.objects.count() == 0


# --- offline ---------------------------------------------------------------------------------


def test_the_service_worker_is_served_from_the_root_with_its_scope_and_version(client, db):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    version = re.search(r'const VERSION = "([0-9a-f]{16})"', body)
    assert version
    assert '"/observations/new/"' in body and '"/patrols/new/"' in body
    assert '"/static/leaflet/leaflet.js"' in body and '"/static/outlines/countries.geojson"' in body
    for asset in re.search(r"const ASSETS = (\[.*?\]);", body).group(1).strip("[]").split(", "):
        assert client.get(json.loads(asset)).status_code == 200, asset
