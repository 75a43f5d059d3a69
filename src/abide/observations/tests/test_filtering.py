"""The parameters of a list of observations: checked by one form, applied by one function."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.datastructures import MultiValueDict

from abide.observations.filtering import (
    BBox,
    ObservationFilterForm,
    filter_observations,
    observations_for_request,
)
from abide.observations.models import Observation, Patrol
from abide.observations.tests.helpers import UTC, stored


@pytest.fixture
def patrol(observer) -> Patrol:
    return Patrol.objects.create(
        team="Team North",
        started_at=dt.datetime(2024, 3, 1, 8, tzinfo=UTC),
        ended_at=dt.datetime(2024, 3, 1, 16, tzinfo=UTC),
        created_by=observer,
    )


@pytest.fixture
def assorted(starter_registry, patrol) -> dict[str, Observation]:
    return {
        "shelling": stored(status="verified", actors=("azerbaijan",), patrol=patrol),
        "clash": stored(
            subtype="armed_clash",
            observed_start=dt.datetime(2024, 3, 5, 23, 59, tzinfo=UTC),
            country="AM",
            admin1="Syunik",
            admin2="",
            latitude=39.2,
            longitude=46.4,
            dataset="acled",
            original_id="ARM1",
            actors=("armenia", "azerbaijan"),
        ),
        "convoy": stored(
            category="humanitarian_access",
            subtype="convoy_passed",
            direction="supports",
            observed_start=dt.datetime(2024, 3, 6, tzinfo=UTC),
            sensitivity="public",
            status="corroborated",
            latitude=40.18,
            longitude=44.51,
            country="AM",
            admin1="Yerevan",
            admin2="",
        ),
        "blocked": stored(
            category="humanitarian_access",
            subtype=None,
            observed_start=dt.datetime(2024, 2, 29, 23, tzinfo=UTC),
            status="disputed",
            sensitivity="restricted",
        ),
    }


def names(assorted: dict[str, Observation], queryset) -> set[str]:
    by_pk = {observation.pk: name for name, observation in assorted.items()}
    return {by_pk[pk] for pk in queryset.values_list("pk", flat=True)}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"shelling", "clash", "convoy", "blocked"}),
        ({"since": "2024-03-01"}, {"shelling", "clash", "convoy"}),
        ({"until": "2024-03-05"}, {"shelling", "clash", "blocked"}),
        ({"since": "2024-03-05", "until": "2024-03-05"}, {"clash"}),
        ({"category": "humanitarian_access"}, {"convoy", "blocked"}),
        ({"subtype": "armed_clash"}, {"clash"}),
        ({"status": "disputed"}, {"blocked"}),
        ({"direction": "supports"}, {"convoy"}),
        ({"party": "azerbaijan"}, {"shelling", "clash"}),
        ({"party": "armenia"}, {"clash"}),
        ({"dataset": "acled"}, {"clash"}),
        ({"country": "am"}, {"clash", "convoy"}),
        ({"area": "Syunik"}, {"clash"}),
        ({"area": "Martuni district"}, {"shelling", "blocked"}),
        ({"bbox": "46,39,47,39.5"}, {"clash"}),
        ({"bbox": "44,39,48,41", "category": "cessation_of_hostilities"}, {"shelling", "clash"}),
        ({"sensitivity": "public"}, {"convoy"}),
        ({"category": "humanitarian_access", "status": "corroborated"}, {"convoy"}),
    ],
)
def test_each_parameter_narrows_the_list(assorted, analyst, params, expected):
    assert names(assorted, observations_for_request(analyst, params)) == expected


def test_the_patrol_parameter_gives_the_observations_of_that_patrol(assorted, analyst, patrol):
    assert names(assorted, observations_for_request(analyst, {"patrol": str(patrol.pk)})) == {
        "shelling"
    }


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"since": "2024-13-01"}, "since", "Enter a valid date."),
        ({"until": "yesterday"}, "until", "Enter a valid date."),
        ({"since": "2024-03-05", "until": "2024-03-01"}, "until", "is before the start date"),
        ({"category": "ceasefire"}, "category", "unknown category 'ceasefire'"),
        ({"subtype": "bombing"}, "subtype", "unknown sub-type 'bombing'"),
        (
            {"category": "humanitarian_access", "subtype": "shelling"},
            "subtype",
            "belongs to category 'cessation_of_hostilities'",
        ),
        ({"status": "confirmed"}, "status", "Select a valid choice."),
        ({"direction": "sideways"}, "direction", "Select a valid choice."),
        ({"party": "atlantis"}, "party", "unknown party 'atlantis'"),
        ({"country": "A1"}, "country", "is not a two-letter country code"),
        ({"country": "ARM"}, "country", "at most 2 characters"),
        ({"patrol": "first"}, "patrol", "Enter a whole number."),
        ({"bbox": "1,2,3"}, "bbox", "four numbers west,south,east,north"),
        ({"bbox": "a,b,c,d"}, "bbox", "four numbers west,south,east,north"),
        ({"bbox": "40,95,41,96"}, "bbox", "latitudes must be within -90..90"),
        ({"bbox": "40,41,41,39"}, "bbox", "south edge 41.0 is north of the north edge 39.0"),
    ],
)
def test_a_bad_parameter_is_refused_under_its_name(db, analyst, params, field, message):
    with pytest.raises(ValidationError) as caught:
        observations_for_request(analyst, params)
    errors = caught.value.message_dict
    assert list(errors) == [field]
    assert message in errors[field][0]


def test_the_form_reads_a_query_dict_and_keeps_the_user_s_view(assorted):
    form = ObservationFilterForm(MultiValueDict({"country": ["AM"]}), user=AnonymousUser())
    assert form.is_valid(), form.errors
    assert names(assorted, form.observations) == {"convoy"}


def test_the_public_sees_only_published_public_observations(assorted):
    assert names(assorted, observations_for_request(AnonymousUser(), {})) == {"convoy"}


def test_an_observer_does_not_see_restricted_observations_of_others(assorted, observer):
    assert names(assorted, observations_for_request(observer, {})) == {
        "shelling",
        "clash",
        "convoy",
    }


def test_the_list_is_paged_in_sql(assorted, analyst):
    observations = observations_for_request(analyst, {"category": "cessation_of_hostilities"})
    with CaptureQueriesContext(connection) as queries:
        page = list(observations[:1])
    assert len(queries) == 1
    assert "LIMIT 1" in queries[0]["sql"].upper()
    assert page == [assorted["clash"]]  # latest observed first


def make_public(**fields: object) -> Observation:
    return stored(sensitivity="public", status="verified", **fields)


@pytest.mark.parametrize(
    ("precision", "bbox", "found"),
    [
        # The point 39.79512, 47.11278 is shown at 39.8, 47.1 when rounded to 10 km.
        ("10km", "47.11,39.79,47.12,39.80", False),  # around the true point only
        ("10km", "47.05,39.75,47.15,39.85", True),  # around the shown point
        ("10km", "47.099,39.799,47.101,39.801", True),  # the shown point only
        ("1km", "47.109,39.799,47.111,39.801", True),  # shown at 39.80, 47.11
        ("1km", "47.112,39.795,47.114,39.796", False),  # the true point, not the shown one
        ("exact", "47.112,39.795,47.114,39.796", True),
        ("hidden", "-180,-90,180,90", False),  # a hidden place is in no box
    ],
)
def test_the_public_s_box_matches_the_place_as_published(starter_registry, precision, bbox, found):
    observation = make_public(public_precision=precision)
    selected = observations_for_request(AnonymousUser(), {"bbox": bbox})
    assert (observation in selected) is found


def test_the_mission_s_box_matches_the_place_as_recorded(starter_registry, observer):
    observation = make_public(public_precision="10km")
    selected = observations_for_request(observer, {"bbox": "47.11,39.79,47.12,39.80"})
    assert list(selected) == [observation]


def test_a_partner_s_box_matches_their_own_report_as_recorded(starter_registry, partner):
    own = stored(sensitivity="internal", public_precision="hidden", reported_by=partner)
    others = make_public(public_precision="hidden")
    selected = observations_for_request(partner, {"bbox": "47.11,39.79,47.12,39.80"})
    assert list(selected) == [own]
    assert others in observations_for_request(partner, {})


def test_the_public_cannot_find_an_area_its_precision_hides(starter_registry):
    shown = make_public(public_precision="10km")
    hidden = make_public(public_precision="hidden")
    admin2_hidden = make_public(public_precision="100km")
    assert set(observations_for_request(AnonymousUser(), {"area": "Khojavend"})) == {
        shown,
        admin2_hidden,
    }
    assert set(observations_for_request(AnonymousUser(), {"area": "Martuni district"})) == {shown}
    assert hidden not in observations_for_request(AnonymousUser(), {"area": "Khojavend"})


def test_a_box_across_the_antimeridian_takes_both_sides(starter_registry, analyst):
    fiji = stored(latitude=-17.8, longitude=178.0)
    samoa = stored(latitude=-13.8, longitude=-171.8)
    stored(latitude=-17.8, longitude=100.0)
    selected = observations_for_request(analyst, {"bbox": "170,-20,-170,-10"})
    assert set(selected) == {fiji, samoa}


def test_the_box_parses_west_south_east_north():
    assert BBox.parse(" 44.5, 39 ,47,41.25") == BBox(44.5, 39.0, 47.0, 41.25)


def test_code_filters_with_the_same_function(assorted):
    selected = filter_observations(
        Observation.objects.all(), party="azerbaijan", country="AZ", patrol=None
    )
    assert names(assorted, selected) == {"shelling"}
