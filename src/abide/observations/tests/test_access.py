"""Who sees which observations, who may do what with them, and what the public sees of a place."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from abide.accounts.models import Role
from abide.observations.access import (
    can_add_evidence,
    can_comment,
    can_record_patrols,
    can_report_observations,
    can_verify_observations,
    get_observation_for,
    get_observations_for,
    public_point,
)
from abide.observations.models import Observation
from abide.observations.services import report_observation, transition
from abide.testing import make_user

START = dt.datetime(2023, 9, 19, 10, tzinfo=dt.UTC)


def report(actor, **overrides):
    values = {
        "category": "cessation_of_hostilities",
        "subtype": "shelling",
        "observed_start": START,
        "time_precision": "exact",
        "latitude": 39.81773,
        "longitude": 46.75281,
        "sensitivity": "internal",
        "public_precision": "1km",
    }
    values.update(overrides)
    return report_observation(actor=actor, **values)[0]


@pytest.fixture
def cast(starter_registry, observer, analyst, partner):
    """One observation of each kind of visibility, named by what it is."""
    public_verified = report(analyst, sensitivity="public", narrative="public verified")
    transition(public_verified, "verified", actor=analyst, reason="seen by two teams")
    public_corroborated = report(analyst, sensitivity="public", narrative="public corroborated")
    transition(public_corroborated, "corroborated", actor=analyst, reason="a second source")
    return {
        "public_verified": public_verified,
        "public_corroborated": public_corroborated,
        "public_reported": report(analyst, sensitivity="public"),
        "public_refuted": _refuted(report(analyst, sensitivity="public"), analyst),
        "internal": report(analyst, sensitivity="internal"),
        "restricted": report(analyst, sensitivity="restricted"),
        "observers_restricted": report(observer, sensitivity="restricted"),
        "partners_internal": report(partner, sensitivity="internal"),
    }


def _refuted(observation: Observation, analyst) -> Observation:
    transition(observation, "disputed", actor=analyst, reason="doubt")
    transition(observation, "refuted", actor=analyst, reason="no trace")
    return observation


def visible(user, cast) -> set[str]:
    seen = set(get_observations_for(user).values_list("pk", flat=True))
    return {name for name, observation in cast.items() if observation.pk in seen}


EVERYTHING = {
    "public_verified",
    "public_corroborated",
    "public_reported",
    "public_refuted",
    "internal",
    "restricted",
    "observers_restricted",
    "partners_internal",
}


@pytest.mark.parametrize("who", ["analyst", "head", "administrator"])
def test_analysts_the_head_and_administrators_see_everything(cast, request, who):
    assert visible(request.getfixturevalue(who), cast) == EVERYTHING


def test_observers_see_all_but_the_restricted_ones_except_their_own(cast, observer):
    assert visible(observer, cast) == EVERYTHING - {"restricted"}


def test_another_observer_does_not_see_an_observers_restricted_report(cast):
    other = make_user("oleg-observer", Role.OBSERVER)
    assert visible(other, cast) == EVERYTHING - {"restricted", "observers_restricted"}


def test_partners_see_their_own_reports_and_what_the_public_sees(cast, partner):
    """Not the public observations still reported, disputed or refuted: those are not
    published, and a partner is outside the mission."""
    assert visible(partner, cast) == {
        "public_verified",
        "public_corroborated",
        "partners_internal",
    }


def test_the_public_sees_only_public_observations_that_are_corroborated_or_verified(cast):
    assert visible(AnonymousUser(), cast) == {"public_verified", "public_corroborated"}


def test_an_inactive_analyst_sees_what_the_public_sees(cast, analyst):
    analyst.is_active = False
    assert visible(analyst, cast) == {"public_verified", "public_corroborated"}


def test_one_observation_is_found_only_where_it_may_be_seen(cast, partner):
    assert get_observation_for(partner, cast["partners_internal"].pk) == cast["partners_internal"]
    with pytest.raises(Http404):
        get_observation_for(partner, cast["internal"].pk)
    with pytest.raises(Http404):
        get_observation_for(AnonymousUser(), cast["public_reported"].pk)


ROLES = ["observer", "partner", "analyst", "head", "administrator"]


@pytest.mark.parametrize(
    ("check", "allowed"),
    [
        (can_report_observations, {"observer", "partner", "analyst", "head"}),
        (can_verify_observations, {"analyst", "head"}),
        (can_record_patrols, {"observer", "analyst", "head"}),
    ],
)
def test_each_role_may_do_what_it_is_for(db, request, check, allowed):
    for who in ROLES:
        assert check(request.getfixturevalue(who)) is (who in allowed), who
    assert check(AnonymousUser()) is False


def test_evidence_is_added_by_the_reporter_and_the_analysts_and_head(cast, request, observer):
    own = cast["observers_restricted"]
    allowed = {who for who in ROLES if can_add_evidence(request.getfixturevalue(who), own)}
    assert allowed == {"observer", "analyst", "head"}
    assert not can_add_evidence(observer, cast["internal"])  # not the observer's report
    assert not can_add_evidence(AnonymousUser(), own)


def test_comments_come_from_mission_roles_on_what_they_may_see(cast, partner, observer):
    # A partner joins the discussion of their own reports only.
    assert not can_comment(partner, cast["public_reported"])
    assert can_comment(partner, cast["partners_internal"])
    assert not can_comment(partner, cast["internal"])
    assert can_comment(observer, cast["internal"])
    assert not can_comment(AnonymousUser(), cast["public_verified"])


@pytest.mark.parametrize(
    ("precision", "point"),
    [
        ("exact", (39.81773, 46.75281)),
        ("1km", (39.82, 46.75)),
        ("10km", (39.8, 46.8)),
        ("100km", (40.0, 47.0)),
        ("hidden", None),
    ],
)
def test_the_public_point_is_rounded_to_the_public_precision(
    starter_registry, observer, precision, point
):
    observation = report(observer, public_precision=precision)
    assert public_point(observation) == point


def test_an_observation_without_a_point_has_no_public_point(starter_registry, observer):
    observation = report(observer)
    observation.latitude = observation.longitude = None
    assert public_point(observation) is None


# --- the admin -------------------------------------------------------------------------------


def test_the_admin_lists_observations_and_shows_the_status_read_only(cast, client, analyst):
    client.force_login(analyst)
    listing = client.get("/admin/observations/observation/")
    assert listing.status_code == 200
    assert listing.context["cl"].show_full_result_count is False
    page = client.get(f"/admin/observations/observation/{cast['internal'].pk}/change/")
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    assert 'name="sensitivity"' in page.content.decode()


@pytest.mark.parametrize(
    "model", ["subtype", "event", "patrol", "evidence", "verificationstep", "comment", "importrun"]
)
def test_every_observations_model_has_an_admin_page(starter_registry, client, analyst, model):
    client.force_login(analyst)
    assert client.get(f"/admin/observations/{model}/").status_code == 200


def test_observers_do_not_use_the_admin(cast, client, observer):
    client.force_login(observer)
    response = client.get("/admin/observations/observation/")
    assert response.status_code in (302, 403)
