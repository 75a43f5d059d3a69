"""The observations API: listing and reading what each role may see, and reporting."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from abide.accounts.models import User
from abide.accounts.services import system_user
from abide.accounts.tokens import issue_token
from abide.audit.models import AuditEntry
from abide.observations.models import Observation, Patrol
from abide.observations.tests.helpers import UTC, stored

pytestmark = pytest.mark.usefixtures("starter_registry")

REPORT = {
    "category": "cessation_of_hostilities",
    "subtype": "shelling",
    "observed_start": "2024-03-01T10:30:00+04:00",
    "time_precision": "exact",
    "latitude": 39.8177,
    "longitude": 46.7528,
    "place_precision": "exact",
    "place_name": "Stepanakert",
    "direction": "undercuts",
    "actors": [{"party": "azerbaijan", "attribution": "alleged"}],
    "casualties_low": 1,
    "casualties_best": 2,
    "casualties_high": 3,
    "casualties_civilian": 2,
    "narrative": "Shells landed near the school.",
    "language": "en",
    "sensitivity": "internal",
    "public_precision": "10km",
    "client_key": "phone-1-0001",
}


def bearer(user: User) -> dict[str, str]:
    _token, key = issue_token(user, "tests", actor=system_user())
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(client, path: str, body: object, user: User | None = None, **headers: str):
    if user is not None:
        headers.update(bearer(user))
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(path, data, content_type="application/json", **headers)


# --- reporting ---------------------------------------------------------------------------


def test_an_observer_reports_an_observation_and_gets_it_back(client, observer):
    response = post(client, "/api/observations", REPORT, observer)
    assert response.status_code == 201, response.content
    body = response.json()
    stored_row = Observation.objects.get()
    assert body["id"] == stored_row.pk
    assert body["category"] == "cessation_of_hostilities" and body["subtype"] == "shelling"
    assert body["observed_start"] == "2024-03-01T06:30:00Z"
    assert (body["latitude"], body["longitude"]) == (39.8177, 46.7528)
    assert body["country"] == "AZ" and body["place_name"] == "Stepanakert"
    assert body["actors"] == [
        {"party": "azerbaijan", "name": "Azerbaijan", "attribution": "alleged"}
    ]
    assert (body["casualties_low"], body["casualties_best"], body["casualties_high"]) == (1, 2, 3)
    assert body["reported_by"] == observer.username and body["client_key"] == "phone-1-0001"
    assert body["status"] == "reported" and body["place_shown_as"] == "recorded"
    assert stored_row.reported_by == observer and stored_row.reporter_kind == "observer"
    assert AuditEntry.objects.filter(action="report", object_id=str(stored_row.pk)).count() == 1


def test_the_same_client_key_again_answers_200_with_the_same_observation(client, observer):
    first = post(client, "/api/observations", REPORT, observer)
    again = post(client, "/api/observations", {**REPORT, "narrative": "sent twice"}, observer)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["narrative"] == "Shells landed near the school."
    assert Observation.objects.count() == 1


def test_another_user_s_client_key_is_refused(client, observer, partner):
    post(client, "/api/observations", REPORT, observer)
    response = post(client, "/api/observations", REPORT, partner)
    assert response.status_code == 422
    assert "already used by another user" in response.json()["detail"]["client_key"][0]
    assert Observation.objects.count() == 1


def test_without_a_client_key_each_post_is_a_new_report(client, observer):
    body = {**REPORT, "client_key": None}
    assert post(client, "/api/observations", body, observer).status_code == 201
    assert post(client, "/api/observations", body, observer).status_code == 201
    assert Observation.objects.count() == 2


def test_a_report_may_name_its_patrol_and_give_only_a_place_name(client, observer):
    patrol = Patrol.objects.create(
        team="North",
        started_at=dt.datetime(2024, 3, 1, 6, tzinfo=UTC),
        ended_at=dt.datetime(2024, 3, 1, 12, tzinfo=UTC),
        created_by=observer,
    )
    body = {**REPORT, "latitude": None, "longitude": None, "place_precision": None}
    body.update(place_name="Ստեփանակերտ", patrol=patrol.pk, client_key=None)
    response = post(client, "/api/observations", body, observer)
    assert response.status_code == 201, response.content
    assert response.json()["patrol"] == patrol.pk
    assert response.json()["place_precision"] == "near"
    assert Observation.objects.get().patrol == patrol


@pytest.mark.parametrize(
    ("role", "status"),
    [("observer", 201), ("partner", 201), ("analyst", 201), ("head", 201), ("administrator", 403)],
)
def test_who_may_report(client, request, role, status):
    user = request.getfixturevalue(role)
    response = post(client, "/api/observations", REPORT, user)
    assert response.status_code == status, response.content
    assert Observation.objects.count() == (1 if status == 201 else 0)


def test_anonymous_reports_and_bad_tokens_are_401(client):
    assert post(client, "/api/observations", REPORT).status_code == 401
    response = post(client, "/api/observations", REPORT, HTTP_AUTHORIZATION="Bearer abide_nope")
    assert response.status_code == 401
    assert response.json() == {"detail": "this API token is not valid"}
    assert Observation.objects.count() == 0


def test_a_signed_in_session_reports_too(client, observer):
    client.force_login(observer)
    assert post(client, "/api/observations", REPORT).status_code == 201


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"category": None}, "category", ""),
        ({"category": "ceasefire"}, "category", "unknown category: 'ceasefire'"),
        ({"subtype": "bombing"}, "subtype", "unknown sub-type: 'bombing'"),
        ({"subtype": "convoy_passed"}, "subtype", "belongs to category humanitarian_access"),
        ({"latitude": 91.5}, "latitude", "between -90.0 and 90.0"),
        ({"longitude": -181}, "longitude", "between -180.0 and 180.0"),
        ({"latitude": "north"}, "latitude", "valid number"),
        ({"observed_start": "2024-02-30T10:00:00Z"}, "observed_start", "datetime"),
        ({"observed_start": "yesterday"}, "observed_start", "datetime"),
        ({"observed_start": "2024-03-01T10:00:00"}, "observed_start", "time zone"),
        (
            {"observed_end": "2024-02-01T10:00:00Z"},
            "observed_end",
            "is before observed_start",
        ),
        ({"time_precision": "roughly"}, "time_precision", "'roughly' is not one of"),
        ({"actors": [{"party": "atlantis"}]}, "actors", "actor 1: unknown party 'atlantis'"),
        ({"actors": [{"attribution": "alleged"}]}, "actors", "actor 1 has no name"),
        ({"actors": [{"party": "armenia", "attribution": "sure"}]}, "actors", "'sure'"),
        ({"casualties_best": -1}, "casualties_best", "0 or more"),
        ({"casualties_high": 1}, "casualties_high", "is below casualties_best"),
        ({"sensitivity": "secret"}, "sensitivity", "'secret' is not one of"),
        ({"public_precision": "5km"}, "public_precision", "'5km' is not one of"),
        ({"direction": "sideways"}, "direction", "'sideways' is not one of"),
        ({"patrol": 999999}, "patrol", "no patrol 999999"),
        ({"client_key": "k" * 101}, "client_key", "longer than 100"),
        (
            {"latitude": None, "longitude": None, "place_name": "Qqqxzv"},
            "place_name",
            "unknown place name",
        ),
    ],
)
def test_a_bad_report_is_422_naming_the_field_and_nothing_is_stored(
    client, observer, change, field, message
):
    body = {**REPORT, **change}
    if change.get(field, "") is None and field == "category":
        del body["category"]
    response = post(client, "/api/observations", body, observer)
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert field in detail, detail
    assert message in " ".join(detail[field]), detail
    assert Observation.objects.count() == 0


@pytest.mark.parametrize(
    "missing", ["category", "observed_start", "time_precision", "sensitivity", "public_precision"]
)
def test_a_missing_required_field_is_named(client, observer, missing):
    body = {key: value for key, value in REPORT.items() if key != missing}
    response = post(client, "/api/observations", body, observer)
    assert response.status_code == 422
    assert response.json()["detail"] == {missing: ["Field required"]}
    assert Observation.objects.count() == 0


@pytest.mark.parametrize("text", ['{"category": "cessation_of_hostilities",', "not json", "[1"])
def test_a_body_that_is_not_json_is_422_as_json(client, observer, text):
    response = post(client, "/api/observations", text, observer)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    (message,) = response.json()["detail"]["body"]
    assert message.startswith("the body is not valid JSON: ")
    assert Observation.objects.count() == 0


# --- reading -----------------------------------------------------------------------------


@pytest.fixture
def published(observer) -> Observation:
    """A public, verified observation reported by the observer, shown to 10 km outside."""
    return stored(
        sensitivity="public",
        status="verified",
        public_precision="10km",
        reported_by=observer,
        client_key="k-1",
        actors=("azerbaijan",),
    )


def test_the_public_reads_a_published_observation_coarsened_and_without_its_reporter(
    client, published
):
    body = client.get(f"/api/observations/{published.pk}").json()
    assert (body["latitude"], body["longitude"]) == (39.8, 47.1)  # from 39.79512, 47.11278
    assert body["place_name"] == "" and body["geonameid"] is None
    assert body["admin1"] == "Khojavend"
    assert body["reported_by"] is None and body["client_key"] is None
    assert body["patrol"] is None and body["evidence"] == []
    assert body["place_shown_as"] == "published"
    assert body["actors"][0]["party"] == "azerbaijan"


def test_a_hidden_place_shows_no_point_and_no_area_below_the_country(client, observer):
    hidden = stored(sensitivity="public", status="verified", public_precision="hidden")
    body = client.get(f"/api/observations/{hidden.pk}").json()
    assert (body["latitude"], body["longitude"]) == (None, None)
    assert (body["place_name"], body["admin2"], body["admin1"]) == ("", "", "")
    assert body["country"] == "AZ"


@pytest.mark.parametrize(
    ("role", "exact", "reporter"),
    [
        ("observer", True, True),  # the reporter
        ("analyst", True, True),
        ("head", True, True),
        ("administrator", True, True),
        ("partner", False, False),
    ],
)
def test_what_each_role_sees_of_an_observation(client, request, published, role, exact, reporter):
    user = request.getfixturevalue(role)
    body = client.get(f"/api/observations/{published.pk}", **bearer(user)).json()
    assert (body["latitude"] == 39.79512) is exact
    assert (body["reported_by"] == "olga-observer") is reporter


def test_an_observer_sees_others_places_but_not_who_reported_them(client, published):
    other = User.objects.create_user("oleg", password="x" * 20, role="observer")
    body = client.get(f"/api/observations/{published.pk}", **bearer(other)).json()
    assert body["latitude"] == 39.79512 and body["reported_by"] is None


@pytest.mark.parametrize(
    ("sensitivity", "status", "visible"),
    [
        ("public", "verified", {"anonymous", "observer", "partner", "analyst", "head", "admin"}),
        ("public", "reported", {"observer", "analyst", "head", "admin"}),
        ("internal", "verified", {"observer", "analyst", "head", "admin"}),
        ("restricted", "verified", {"analyst", "head", "admin"}),
    ],
)
def test_who_may_read_an_observation(client, request, sensitivity, status, visible):
    observation = stored(sensitivity=sensitivity, status=status)
    fixtures = {"admin": "administrator"}
    for role in ("anonymous", "observer", "partner", "analyst", "head", "admin"):
        user = None if role == "anonymous" else request.getfixturevalue(fixtures.get(role, role))
        headers = {} if user is None else bearer(user)
        one = client.get(f"/api/observations/{observation.pk}", **headers)
        listed = client.get("/api/observations", **headers).json()["items"]
        assert (one.status_code == 200) is (role in visible), role
        assert ([o["id"] for o in listed] == [observation.pk]) is (role in visible), role
        if role not in visible:
            assert one.status_code == 404 and one.json() == {"detail": "Not Found"}


def test_the_list_filters_by_the_parameters(client, analyst, published):
    clash = stored(
        subtype="armed_clash",
        observed_start=dt.datetime(2024, 3, 5, tzinfo=UTC),
        country="AM",
        latitude=39.2,
        longitude=46.4,
    )
    headers = bearer(analyst)

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/observations?{query}", **headers)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert ids("") == [clash.pk, published.pk]
    assert ids("country=AM") == [clash.pk]
    assert ids("subtype=shelling&party=azerbaijan") == [published.pk]
    assert ids("bbox=46,39,47,39.5") == [clash.pk]
    assert ids("since=2024-03-02&until=2024-03-31") == [clash.pk]
    assert ids("status=verified&area=Khojavend") == [published.pk]


def test_the_public_s_box_matches_the_published_point(client, published):
    def ids(bbox: str) -> list[int]:
        return [i["id"] for i in client.get(f"/api/observations?bbox={bbox}").json()["items"]]

    assert ids("47.11,39.79,47.12,39.80") == []  # the true point only
    assert ids("47.09,39.79,47.11,39.81") == [published.pk]  # the published one


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("since=2024-02-30", "since"),
        ("category=ceasefire", "category"),
        ("party=atlantis", "party"),
        ("bbox=1,2,3", "bbox"),
        ("patrol=x", "patrol"),
        ("country=ARM", "country"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=many", "limit"),
        ("cursor=garbage", "cursor"),
    ],
)
def test_a_bad_list_parameter_is_422_naming_it(client, analyst, query, field):
    response = client.get(f"/api/observations?{query}", **bearer(analyst))
    assert response.status_code == 422
    assert list(response.json()["detail"]) == [field]


def test_the_list_comes_in_pages_by_cursor_with_nothing_lost_or_repeated(
    client, analyst, django_assert_max_num_queries
):
    made = [
        stored(observed_start=dt.datetime(2024, 3, 1, tzinfo=UTC) + dt.timedelta(hours=i // 2))
        for i in range(7)
    ]  # pairs share their start: the id breaks the tie
    headers = bearer(analyst)
    seen, cursor, pages = [], "", 0
    while True:
        with django_assert_max_num_queries(6):  # token, user, page, actors, none per row
            body = client.get(f"/api/observations?limit=3&cursor={cursor}", **headers).json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        if body["next_cursor"] is None:
            break
        cursor = body["next_cursor"]
    expected = sorted(made, key=lambda o: (o.observed_start, o.pk), reverse=True)
    assert seen == [o.pk for o in expected]
    assert pages == 3


def test_an_empty_body_is_422_on_body(client, observer):
    response = post(client, "/api/observations", "", observer)
    assert response.status_code == 422
    assert list(response.json()["detail"]) == ["body"]
    assert Observation.objects.count() == 0


@pytest.mark.parametrize("text", ['"report"', "42", "[]", "{}"])
def test_a_body_that_is_no_report_is_422_naming_each_required_field(client, observer, text):
    response = post(client, "/api/observations", text, observer)
    assert response.status_code == 422
    assert set(response.json()["detail"]) == {
        "category",
        "observed_start",
        "time_precision",
        "sensitivity",
        "public_precision",
    }
    assert Observation.objects.count() == 0
