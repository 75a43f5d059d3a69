"""The observations list, its downloads, the observation page per role, and its evidence."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from PIL import Image

from abide.observations.evidence import store_evidence
from abide.observations.models import Observation
from abide.observations.services import report_observation, transition
from abide.observations.tests.test_evidence import image_bytes, jpeg_with_exif
from abide.observations.views.reading import PAGE_SIZE

START = dt.datetime(2023, 9, 19, 10, tzinfo=dt.UTC)


def report(actor, **overrides) -> Observation:
    values = {
        "category": "cessation_of_hostilities",
        "subtype": "shelling",
        "observed_start": START,
        "time_precision": "exact",
        "latitude": 39.81773,
        "longitude": 46.75281,
        "sensitivity": "internal",
        "public_precision": "1km",
        "place_name": "Khankendi",
    }
    values.update(overrides)
    return report_observation(actor=actor, **values)[0]


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def cast(starter_registry, observer, analyst, partner):
    published = report(analyst, sensitivity="public", narrative="a published shelling")
    transition(published, "verified", actor=analyst, reason="seen by two teams")
    return {
        "published": published,
        "public_reported": report(analyst, sensitivity="public", narrative="not yet checked"),
        "internal": report(observer, sensitivity="internal", narrative="an internal note"),
        "restricted": report(analyst, sensitivity="restricted", narrative="a restricted report"),
        "partners": report(partner, sensitivity="internal", narrative="the partner's own"),
    }


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


def listed_ids(response) -> set[int]:
    content = response.content.decode()
    return {
        int(part.split("/")[0])
        for part in content.split('href="/observations/')[1:]
        if part.split("/")[0].isdigit()
    }


# --- the list --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (None, {"published"}),
        ("partner", {"published", "partners"}),
        ("observer", {"published", "public_reported", "internal", "partners"}),
        ("analyst", {"published", "public_reported", "internal", "restricted", "partners"}),
    ],
)
def test_the_list_shows_what_the_reader_may_see(client, cast, request, who, expected):
    user = request.getfixturevalue(who) if who else None
    response = login(client, user).get("/observations/")
    assert response.status_code == 200
    assert listed_ids(response) == {cast[name].pk for name in expected}


def test_the_list_filters_by_status_and_category_and_serves_an_htmx_fragment(client, cast, analyst):
    client.force_login(analyst)
    response = client.get("/observations/", {"status": "verified"})
    assert listed_ids(response) == {cast["published"].pk}
    fragment = client.get(
        "/observations/", {"category": "humanitarian_access"}, headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert b"<html" not in fragment.content
    assert b"No observation matches." in fragment.content


def test_a_bad_filter_is_named_beside_its_field_with_422(client, cast, analyst):
    client.force_login(analyst)
    response = client.get("/observations/", {"since": "2023-13-45", "bbox": "a,b"})
    assert response.status_code == 422
    content = response.content.decode()
    assert 'id="id_since-error"' in content
    assert "west,south,east,north" in content


def test_the_list_is_paged_newest_first(client, starter_registry, analyst):
    for number in range(PAGE_SIZE + 3):
        report(analyst, observed_start=START + dt.timedelta(hours=number))
    client.force_login(analyst)
    first = client.get("/observations/")
    second = client.get("/observations/", {"page": "2"})
    newest = Observation.objects.order_by("-observed_start").values_list("pk", flat=True)
    assert len(listed_ids(first)) == PAGE_SIZE
    assert listed_ids(second) == set(list(newest)[PAGE_SIZE:])
    assert b"page 2 of 2" in second.content


def test_the_public_box_filter_matches_the_coarsened_place_only(client, cast):
    # The published observation is shown at 39.82, 46.75: a box around the recorded point
    # that leaves the coarsened one out finds nothing.
    around_recorded = client.get("/observations/", {"bbox": "46.7527,39.8176,46.7529,39.8178"})
    assert listed_ids(around_recorded) == set()
    around_shown = client.get("/observations/", {"bbox": "46.74,39.81,46.76,39.83"})
    assert listed_ids(around_shown) == {cast["published"].pk}


# --- downloads -------------------------------------------------------------------------------


def _body(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_an_analyst_downloads_the_filtered_list_as_csv_with_exact_places(client, cast, analyst):
    client.force_login(analyst)
    response = client.get("/observations/download.csv", {"sensitivity": "", "status": "reported"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(_body(response))))
    assert {int(row["id"]) for row in rows} == {
        cast[name].pk for name in ("public_reported", "internal", "restricted", "partners")
    }
    assert {row["latitude"] for row in rows} == {"39.81773"}


def test_the_public_download_is_the_public_export(client, cast):
    response = client.get("/observations/download.geojson")
    assert response.status_code == 200
    collection = json.loads(_body(response))
    assert [feature["id"] for feature in collection["features"]] == [cast["published"].pk]
    feature = collection["features"][0]
    assert feature["geometry"]["coordinates"] == [46.75, 39.82]
    csv_rows = list(csv.DictReader(io.StringIO(_body(client.get("/observations/download.csv")))))
    assert [(row["id"], row["latitude"], row["longitude"]) for row in csv_rows] == [
        (str(cast["published"].pk), "39.82", "46.75")
    ]


def test_a_partner_gets_the_public_export_too(client, cast, partner):
    client.force_login(partner)
    collection = json.loads(_body(client.get("/observations/download.geojson")))
    assert [feature["id"] for feature in collection["features"]] == [cast["published"].pk]


# --- the observation page --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 404),
        ("partner", 404),
        ("observer", 404),
        ("analyst", 200),
        ("head", 200),
        ("administrator", 200),
    ],
)
def test_a_restricted_observation_is_seen_only_by_the_mission_readers(
    client, cast, request, who, status
):
    user = request.getfixturevalue(who) if who else None
    response = login(client, user).get(f"/observations/{cast['restricted'].pk}/")
    assert response.status_code == status
    assert (b"a restricted report" in response.content) == (status == 200)


@pytest.mark.parametrize("who", [None, "partner", "observer", "analyst"])
def test_an_unpublished_public_observation_is_hidden_outside_the_mission(
    client, cast, request, who
):
    user = request.getfixturevalue(who) if who else None
    response = login(client, user).get(f"/observations/{cast['public_reported'].pk}/")
    assert response.status_code == (404 if who in (None, "partner") else 200)


def test_the_public_sees_a_published_observation_coarsened_and_without_its_reporter(
    client, cast, analyst
):
    response = client.get(f"/observations/{cast['published'].pk}/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "39.82, 46.75" in content
    assert "39.81773" not in content
    assert analyst.username not in content
    assert "seen by two teams" not in content  # who verified and why: the mission's
    assert "Discussion" not in content


def test_the_mission_sees_the_exact_place_the_reporter_and_the_history(client, cast, observer):
    client.force_login(observer)
    content = client.get(f"/observations/{cast['published'].pk}/").content.decode()
    assert "39.81773, 46.75281" in content
    assert "ani-analyst" in content
    assert "seen by two teams" in content


@pytest.mark.parametrize("who", ["observer", "partner"])
def test_readers_without_the_verifiers_role_get_no_action_forms(client, cast, request, who):
    client.force_login(request.getfixturevalue(who))
    content = client.get(f"/observations/{cast['published'].pk}/").content.decode()
    assert "/status" not in content and "/grade" not in content
    # A partner joins the discussion of their own reports only (this one is another's).
    assert ("Add a comment" in content) is (who == "observer")


def test_a_verifier_sees_the_allowed_transitions_only(client, cast, analyst):
    client.force_login(analyst)
    content = client.get(f"/observations/{cast['published'].pk}/").content.decode()
    # From verified only "disputed" is allowed.
    assert 'name="to_status" value="disputed"' in content
    assert 'name="to_status" value="corroborated"' not in content
    assert "/grade" in content


# --- evidence --------------------------------------------------------------------------------


@pytest.fixture
def photographed(cast, analyst):
    store_evidence(
        cast["restricted"],
        io.BytesIO(image_bytes("PNG", size=(800, 600))),
        name="site.png",
        actor=analyst,
    )
    evidence, _ = store_evidence(
        cast["published"],
        io.BytesIO(jpeg_with_exif(39.81773, 46.75281)),
        name="crater.jpg",
        actor=analyst,
    )
    return evidence


def test_evidence_is_served_with_its_headers_to_a_reader_of_the_observation(
    client, cast, photographed, observer
):
    client.force_login(observer)
    url = f"/observations/{cast['published'].pk}/evidence/{photographed.sha256}"
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "crater.jpg" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    page = client.get(f"/observations/{cast['published'].pk}/").content.decode()
    assert url in page and "EOS 90D" in page  # the file and its EXIF


def test_restricted_evidence_is_404_for_the_partner_and_the_public(
    client, cast, photographed, partner, analyst
):
    restricted = cast["restricted"]
    sha = restricted.evidence.get().sha256
    for user in (None, partner):
        response = login(client, user).get(f"/observations/{restricted.pk}/evidence/{sha}")
        assert response.status_code == 404
        response = client.get(f"/observations/{restricted.pk}/evidence/{sha}/thumbnail")
        assert response.status_code == 404
    # Nor through another observation the reader may see.
    response = client.get(f"/observations/{cast['published'].pk}/evidence/{sha}")
    assert response.status_code == 404
    client.force_login(analyst)
    assert client.get(f"/observations/{restricted.pk}/evidence/{sha}").status_code == 200


def test_a_thumbnail_is_a_small_jpeg_without_metadata_made_once(
    client, cast, photographed, data_dir
):
    url = f"/observations/{cast['published'].pk}/evidence/{photographed.sha256}/thumbnail"
    response = client.get(url)  # the public: the observation is published
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.format == "JPEG" and not image.getexif()
    cached = list((data_dir / "thumbnails").rglob("*.jpg"))
    assert [path.name for path in cached] == [f"{photographed.sha256}-320.jpg"]


def test_the_public_gets_no_original_that_tells_the_exact_position(client, cast, photographed):
    url = f"/observations/{cast['published'].pk}/evidence/{photographed.sha256}"
    assert client.get(url).status_code == 404
    page = client.get(f"/observations/{cast['published'].pk}/").content.decode()
    assert url + '"' not in page and "EOS 90D" not in page
