"""Reporting, verifying, grading, discussing, patrolling and linking through the services."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from abide.accounts.models import Role
from abide.audit.models import AuditEntry
from abide.audit.services import verify_log
from abide.observations import verification
from abide.observations.models import (
    Comment,
    Event,
    Observation,
    Patrol,
    Status,
    VerificationStep,
)
from abide.observations.services import (
    ALLOWED_TRANSITIONS,
    ActorIn,
    add_comment,
    count_events,
    event_candidates,
    grade,
    link_as_one_event,
    record_patrol,
    report_observation,
    transition,
    unlink_from_event,
)
from abide.registry.services import find_party
from abide.testing import make_user

UTC = dt.UTC
START = dt.datetime(2023, 9, 19, 10, 0, tzinfo=UTC)
KHANKENDI = (39.8177, 46.7528)


def report(actor, **overrides):
    values = {
        "category": "cessation_of_hostilities",
        "subtype": "shelling",
        "observed_start": START,
        "time_precision": "exact",
        "latitude": KHANKENDI[0],
        "longitude": KHANKENDI[1],
        "sensitivity": "internal",
        "public_precision": "1km",
    }
    values.update(overrides)
    observation, created = report_observation(actor=actor, **values)
    assert created
    return observation


def entries(action=None, **filters):
    found = AuditEntry.objects.filter(**filters)
    return found.filter(action=action) if action else found


# --- reporting -------------------------------------------------------------------------------


def test_a_report_is_stored_with_its_actors_and_audited(starter_registry, observer):
    azerbaijan = find_party("Azerbaijan")
    observation = report(
        observer,
        actors=["Azerbaijan", ActorIn(name="unknown gunmen", attribution="suspected")],
        casualties_low=1,
        casualties_best=2,
        casualties_high=4,
        narrative="  Shells fell near the market.  ",
    )
    assert observation.reported_by == observer
    assert observation.status == Status.REPORTED
    assert observation.narrative == "Shells fell near the market."
    actors = list(observation.actors.order_by("position"))
    assert [(a.name, a.party, a.attribution) for a in actors] == [
        ("Azerbaijan", azerbaijan, "alleged"),
        ("unknown gunmen", None, "suspected"),
    ]
    entry = entries("report", object_type="observations.observation").get()
    assert entry.object_id == str(observation.pk)
    assert entry.actor == observer
    assert {item["type"] for item in entry.touched} == {
        "observations.observation",
        "observations.observationactor",
    }
    assert entry.changes["casualties_best"] == [None, 2]
    assert verify_log().ok


def test_a_retried_submission_is_stored_once(starter_registry, observer):
    first, created = report_observation(
        actor=observer,
        category="cessation_of_hostilities",
        subtype="shelling",
        observed_start=START,
        time_precision="exact",
        place_name="Shusha",
        sensitivity="internal",
        public_precision="1km",
        client_key="phone-7f3a-0001",
    )
    assert created
    audited = AuditEntry.objects.count()
    again, created_again = report_observation(
        actor=observer,
        category="cessation_of_hostilities",
        subtype="shelling",
        observed_start=START,
        time_precision="exact",
        place_name="Shusha",
        sensitivity="internal",
        public_precision="1km",
        client_key="phone-7f3a-0001",
    )
    assert (again.pk, created_again) == (first.pk, False)
    assert Observation.objects.filter(client_key="phone-7f3a-0001").count() == 1
    assert AuditEntry.objects.count() == audited


def test_the_same_client_key_by_another_user_is_refused(starter_registry, observer, partner):
    report(observer, client_key="shared-key")
    with pytest.raises(ValidationError) as caught:
        report(partner, client_key="shared-key")
    assert "client_key" in caught.value.message_dict
    assert Observation.objects.count() == 1


def test_a_place_named_in_armenian_script_is_resolved_by_the_gazetteer(starter_registry, observer):
    observation = report(observer, latitude=None, longitude=None, place_name="Ստեփանակերտ")
    assert observation.place_name == "Ստեփանակերտ"
    assert observation.geonameid == 146970  # Khankendi
    assert observation.country == "AZ"
    assert observation.admin1 == "61"
    assert (observation.latitude, observation.longitude) == pytest.approx(KHANKENDI, abs=0.01)
    assert observation.place_precision == "near"


def test_a_point_alone_is_named_after_the_nearest_place(starter_registry, observer):
    observation = report(observer, latitude=39.83, longitude=46.76)
    assert observation.place_name == "Khankendi"
    assert observation.geonameid == 146970
    assert observation.country == "AZ"
    assert observation.place_precision == "exact"
    assert (observation.latitude, observation.longitude) == (39.83, 46.76)


def test_a_point_far_from_any_place_keeps_no_name(starter_registry, observer):
    observation = report(observer, latitude=0.0, longitude=-140.0)  # the Pacific
    assert (observation.place_name, observation.geonameid, observation.country) == ("", None, "")


def test_a_place_name_with_a_point_keeps_the_point(starter_registry, observer):
    observation = report(observer, place_name="Stepanakert", latitude=39.82, longitude=46.75)
    assert (observation.latitude, observation.longitude) == (39.82, 46.75)
    assert observation.place_name == "Stepanakert"
    assert (observation.geonameid, observation.country) == (146970, "AZ")


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"observed_end": START - dt.timedelta(hours=1)}, "observed_end", "before"),
        ({"observed_start": dt.datetime(2023, 9, 19, 10)}, "observed_start", "time zone"),
        ({"latitude": 91.0}, "latitude", "between -90.0 and 90.0"),
        ({"longitude": -181}, "longitude", "between -180.0 and 180.0"),
        ({"longitude": None}, "longitude", "latitude was given without it"),
        ({"subtype": "convoy_blocked"}, "subtype", "belongs to category humanitarian_access"),
        ({"category": "weather"}, "category", "unknown category"),
        (
            {"latitude": None, "longitude": None, "place_name": "Qqqzzville"},
            "place_name",
            "unknown place name: Qqqzzville",
        ),
        ({"latitude": None, "longitude": None}, "place_name", "give a place name"),
        ({"sensitivity": "secret"}, "sensitivity", "not one of"),
        ({"time_precision": "hour"}, "time_precision", "not one of"),
        ({"subtype": None}, "direction", "give a direction"),
        ({"casualties_low": 5, "casualties_high": 3}, "casualties_high", "below casualties_low"),
        ({"casualties_best": -1}, "casualties_best", "0 or more"),
    ],
)
def test_invalid_input_is_refused_naming_the_field(
    starter_registry, observer, overrides, field, words
):
    with pytest.raises(ValidationError) as caught:
        report(observer, **overrides)
    messages = caught.value.message_dict
    assert field in messages, messages
    assert any(words in message for message in messages[field]), messages[field]
    assert not Observation.objects.exists()
    assert not entries("report").exists()


def test_direction_defaults_to_the_subtypes_and_reporter_kind_to_the_role(
    starter_registry, observer, partner, analyst
):
    by_observer = report(observer)
    by_partner = report(partner, category="freedom_of_movement", subtype="crossing_open")
    by_analyst = report(analyst, subtype=None, direction="neutral", reporter_kind="open_source")
    assert (by_observer.direction, by_observer.reporter_kind) == ("undercuts", "observer")
    assert (by_partner.direction, by_partner.reporter_kind) == ("supports", "partner")
    assert (by_analyst.direction, by_analyst.reporter_kind) == ("neutral", "open_source")


def test_an_observer_may_not_report_as_a_data_set(starter_registry, observer):
    with pytest.raises(ValidationError) as caught:
        report(observer, reporter_kind="dataset")
    assert "reporter_kind" in caught.value.message_dict


def test_the_end_defaults_to_the_end_of_the_period_of_the_precision(starter_registry, observer):
    day = report(
        observer, observed_start=dt.datetime(2023, 9, 19, tzinfo=UTC), time_precision="day"
    )
    month = report(
        observer, observed_start=dt.datetime(2023, 1, 31, tzinfo=UTC), time_precision="month"
    )
    exact = report(observer)
    assert day.observed_end == dt.datetime(2023, 9, 19, 23, 59, 59, 999999, tzinfo=UTC)
    assert month.observed_end == dt.datetime(2023, 2, 27, 23, 59, 59, 999999, tzinfo=UTC)
    assert exact.observed_end == exact.observed_start


def test_an_administrator_does_not_report_observations(starter_registry, administrator):
    with pytest.raises(PermissionDenied):
        report(administrator)
    assert not Observation.objects.exists()


# --- status ----------------------------------------------------------------------------------

PAIRS = [(a, b) for a in Status.values for b in Status.values]


@pytest.mark.parametrize(("from_status", "to_status"), PAIRS)
def test_every_status_change_is_allowed_or_refused_as_the_table_says(
    starter_registry, observer, analyst, from_status, to_status
):
    observation = report(observer)
    Observation.objects.filter(pk=observation.pk).update(status=from_status)
    observation.refresh_from_db()
    allowed = to_status in ALLOWED_TRANSITIONS[from_status]
    audited = AuditEntry.objects.count()
    if allowed:
        step = transition(observation, to_status, actor=analyst, reason="two sources agree")
        assert observation.status == to_status
        observation.refresh_from_db()
        assert observation.status == to_status
        assert (step.from_status, step.to_status, step.by, step.reason) == (
            from_status,
            to_status,
            analyst,
            "two sources agree",
        )
        entry = entries(f"status:{to_status}").get()
        assert entry.changes == {"status": [from_status, to_status]}
        assert entry.detail == {"from": from_status, "to": to_status, "reason": "two sources agree"}
        assert {(item["type"], item["id"]) for item in entry.touched} == {
            ("observations.observation", str(observation.pk)),
            ("observations.verificationstep", str(step.pk)),
        }
    else:
        with pytest.raises(ValidationError) as caught:
            transition(observation, to_status, actor=analyst, reason="two sources agree")
        targets = ", ".join(ALLOWED_TRANSITIONS[from_status])
        assert caught.value.messages == [
            f"cannot go from {from_status} to {to_status}: allowed from {from_status}: {targets}"
        ]
        observation.refresh_from_db()
        assert observation.status == from_status
        assert not VerificationStep.objects.exists()
        assert AuditEntry.objects.count() == audited


def test_the_transition_table_allows_exactly_the_agreed_steps():
    assert {a: set(b) for a, b in ALLOWED_TRANSITIONS.items()} == {
        "reported": {"corroborated", "verified", "disputed"},
        "corroborated": {"verified", "disputed"},
        "disputed": {"corroborated", "verified", "refuted"},
        "verified": {"disputed"},
        "refuted": {"disputed"},
    }


def test_a_status_change_needs_a_reason(starter_registry, observer, analyst):
    observation = report(observer)
    with pytest.raises(ValidationError) as caught:
        transition(observation, "verified", actor=analyst, reason="   ")
    assert "reason" in caught.value.message_dict
    assert not VerificationStep.objects.exists()


@pytest.mark.parametrize("who", ["observer", "partner", "administrator"])
def test_only_analysts_and_the_head_change_status(starter_registry, request, observer, who):
    observation = report(observer)
    with pytest.raises(PermissionDenied):
        transition(observation, "verified", actor=request.getfixturevalue(who), reason="seen")
    observation.refresh_from_db()
    assert observation.status == "reported"


def test_the_head_of_mission_changes_status(starter_registry, observer, head):
    observation = report(observer)
    transition(observation, "disputed", actor=head, reason="contradicted by a patrol")
    transition(observation, "refuted", actor=head, reason="no crater found")
    steps = list(observation.verification_steps.values_list("from_status", "to_status"))
    assert steps == [("reported", "disputed"), ("disputed", "refuted")]
    assert verify_log().ok


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_status_changes_cannot_both_apply(monkeypatch):
    observer = make_user("race-observer", Role.OBSERVER)
    analysts = [make_user(f"race-analyst-{n}", Role.ANALYST) for n in range(2)]
    observation = report(observer)
    real_record_change = verification.record_change

    def slow_record_change(*args, **kwargs):
        import time

        time.sleep(0.3)  # hold the transaction open: the other one must wait for it
        return real_record_change(*args, **kwargs)

    monkeypatch.setattr(verification, "record_change", slow_record_change)
    outcomes: list[object] = []

    def change(analyst) -> None:
        try:
            mine = Observation.objects.get(pk=observation.pk)
            outcomes.append(
                transition(mine, "corroborated", actor=analyst, reason="a second source")
            )
        except BaseException as exc:  # compared below
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=change, args=(analyst,)) for analyst in analysts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    steps = [o for o in outcomes if isinstance(o, VerificationStep)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(steps) == 1 and len(refused) == 1, outcomes
    assert refused[0].messages == [
        "cannot go from corroborated to corroborated: allowed from corroborated: verified, disputed"
    ]
    assert VerificationStep.objects.filter(observation=observation).count() == 1
    observation.refresh_from_db()
    assert observation.status == "corroborated"
    assert entries("status:corroborated").count() == 1


# --- grading and comments --------------------------------------------------------------------


def test_reliability_and_credibility_are_graded_separately_and_audited(
    starter_registry, observer, analyst
):
    observation = report(observer)
    grade(observation, reliability="B", actor=analyst, reason="a trained observer")
    assert (observation.reliability, observation.credibility) == ("B", None)
    grade(observation, credibility=2, actor=analyst)
    observation.refresh_from_db()
    assert (observation.reliability, observation.credibility) == ("B", 2)
    changes = [e.changes for e in entries("grade").order_by("seq")]
    assert changes == [{"reliability": ["", "B"]}, {"credibility": [None, 2]}]
    grade(observation, credibility=2, actor=analyst)  # no change: no entry
    assert entries("grade").count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "reliability"),
        ({"reliability": "G"}, "reliability"),
        ({"credibility": 7}, "credibility"),
        ({"credibility": "2"}, "credibility"),
    ],
)
def test_invalid_grades_are_refused(starter_registry, observer, analyst, kwargs, field):
    observation = report(observer)
    with pytest.raises(ValidationError) as caught:
        grade(observation, actor=analyst, **kwargs)
    assert field in caught.value.message_dict


def test_observers_may_not_grade(starter_registry, observer):
    observation = report(observer)
    with pytest.raises(PermissionDenied):
        grade(observation, reliability="A", actor=observer)


@pytest.mark.parametrize("who", ["observer", "analyst", "head", "partner", "administrator"])
def test_every_mission_role_comments_on_what_it_may_see(starter_registry, request, analyst, who):
    user = request.getfixturevalue(who)
    # A partner joins the discussion of their own reports only.
    observation = report(user if who == "partner" else analyst, sensitivity="public")
    comment = add_comment(observation, "  Seen from the ridge too. ", actor=user)
    assert (comment.text, comment.author) == ("Seen from the ridge too.", user)
    entry = entries("create", object_type="observations.comment").get()
    assert entry.object_id == str(comment.pk)


def test_a_partner_may_not_comment_on_what_it_may_not_see(starter_registry, analyst, partner):
    internal = report(analyst, sensitivity="internal")
    with pytest.raises(PermissionDenied):
        add_comment(internal, "what is this?", actor=partner)
    assert not Comment.objects.exists()


def test_a_partner_may_not_join_the_discussion_of_anothers_report(
    starter_registry, analyst, partner
):
    public = report(analyst, sensitivity="public")
    with pytest.raises(PermissionDenied):
        add_comment(public, "what is this?", actor=partner)
    assert not Comment.objects.exists()


def test_an_empty_comment_is_refused(starter_registry, observer):
    observation = report(observer)
    with pytest.raises(ValidationError) as caught:
        add_comment(observation, " \n ", actor=observer)
    assert "text" in caught.value.message_dict


# --- patrols ---------------------------------------------------------------------------------

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[46.7, 39.8], [46.8, 39.8], [46.8, 39.9], [46.7, 39.9], [46.7, 39.8]]],
}


def test_a_patrol_that_saw_nothing_is_recorded(starter_registry, observer, analyst):
    patrol = record_patrol(
        actor=observer,
        team="Team North",
        started_at=START,
        ended_at=START + dt.timedelta(hours=5),
        members=[observer, analyst],
        area_admin=["Khojaly"],
        area_places=["Khankendi", "Shusha"],
        area_polygon=SQUARE,
        route={"type": "LineString", "coordinates": [(46.75, 39.82), (46.76, 39.76)]},
        notes="Quiet. Nothing seen.",
    )
    assert patrol.observations.count() == 0
    assert set(patrol.members.all()) == {observer, analyst}
    assert patrol.route == {"type": "LineString", "coordinates": [[46.75, 39.82], [46.76, 39.76]]}
    entry = entries("create", object_type="observations.patrol").get()
    assert sorted(entry.changes["members"][1]) == sorted([observer.pk, analyst.pk])
    seen = report(observer, patrol=patrol)
    assert list(patrol.observations.all()) == [seen]


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        (
            {
                "area_polygon": {
                    "type": "Polygon",
                    "coordinates": [[[46.7, 39.8], [46.8, 39.8], [46.7, 39.8]]],
                }
            },
            "area_polygon",
            "ring 1 needs at least four positions",
        ),
        (
            {
                "area_polygon": {
                    "type": "Polygon",
                    "coordinates": [[[46.7, 39.8], [46.8, 39.8], [46.8, 39.9], [46.7, 39.85]]],
                }
            },
            "area_polygon",
            "ring 1 is not closed",
        ),
        (
            {
                "area_polygon": {
                    "type": "Polygon",
                    "coordinates": [[[39.8, 46.7], [39.8, 146.8], [39.9, 46.8], [39.8, 46.7]]],
                }
            },
            "area_polygon",
            "ring 1, position 2 is off the earth",
        ),
        (
            {"area_polygon": {"type": "Point", "coordinates": [46.7, 39.8]}},
            "area_polygon",
            "Polygon",
        ),
        (
            {"route": {"type": "LineString", "coordinates": [[46.7, 39.8]]}},
            "route",
            "at least two positions",
        ),
        (
            {"route": {"type": "LineString", "coordinates": [[46.7, "x"], [1, 2]]}},
            "route",
            "position 1",
        ),
        ({"ended_at": START - dt.timedelta(minutes=1)}, "ended_at", "before started_at"),
        ({"team": "  "}, "team", "required"),
    ],
)
def test_invalid_patrols_are_refused_naming_the_field(
    starter_registry, observer, overrides, field, words
):
    values = {"team": "Team North", "started_at": START, "ended_at": START + dt.timedelta(hours=2)}
    values.update(overrides)
    with pytest.raises(ValidationError) as caught:
        record_patrol(actor=observer, **values)
    messages = caught.value.message_dict
    assert field in messages, messages
    assert any(words in message for message in messages[field]), messages[field]
    assert not Patrol.objects.exists()


def test_partners_do_not_record_patrols(starter_registry, partner):
    with pytest.raises(PermissionDenied):
        record_patrol(actor=partner, team="T", started_at=START, ended_at=START)


# --- one event, counted once -----------------------------------------------------------------


@pytest.fixture
def scene(starter_registry, observer, partner):
    """An observation at Khankendi and others more or less near it in time, place and kind."""
    here = report(observer)
    return {
        "here": here,
        "near": report(
            partner, latitude=39.86, longitude=46.78, observed_start=START + dt.timedelta(days=1)
        ),
        "far": report(observer, latitude=40.7, longitude=46.75),  # ~98 km north
        "later": report(observer, observed_start=START + dt.timedelta(days=10)),
        "other_kind": report(observer, category="humanitarian_access", subtype="convoy_blocked"),
        "imprecise": report(
            observer,
            latitude=39.75,
            longitude=46.70,
            observed_start=dt.datetime(2023, 9, 1, tzinfo=UTC),
            time_precision="month",
        ),
    }


def test_event_candidates_are_the_same_kind_near_in_time_and_place(scene):
    found = event_candidates(scene["here"])
    assert found == [scene["near"], scene["imprecise"]]  # nearest first
    assert event_candidates(scene["here"], max_km=6) == [scene["near"]]
    assert scene["later"] in event_candidates(scene["here"], max_days=10)


def test_an_observation_without_a_point_has_no_candidates(starter_registry, observer):
    observation = report(observer)
    Observation.objects.filter(pk=observation.pk).update(latitude=None, longitude=None)
    observation.refresh_from_db()
    assert event_candidates(observation) == []


def test_candidates_are_found_across_the_antimeridian(starter_registry, observer):
    east = report(observer, latitude=-16.5, longitude=179.95)
    west = report(observer, latitude=-16.5, longitude=-179.95)
    assert event_candidates(east) == [west]
    assert event_candidates(west) == [east]


def test_linked_observations_are_counted_as_one_event(scene, analyst):
    everything = Observation.objects.all()
    assert count_events(everything) == 6
    event = link_as_one_event([scene["here"], scene["near"]], actor=analyst, reason="same shelling")
    assert scene["here"].event == event
    assert count_events(everything) == 5
    assert count_events(everything.filter(pk=scene["here"].pk)) == 1
    assert event_candidates(scene["here"]) == [scene["imprecise"]]
    entry = entries("link", object_type="observations.event").get()
    assert entry.detail["observations"] == sorted([scene["here"].pk, scene["near"].pk])
    assert entry.detail["reason"] == "same shelling"
    assert verify_log().ok


def test_linking_merges_the_events_the_observations_already_belong_to(scene, head):
    first = link_as_one_event([scene["here"], scene["near"]], actor=head, reason="one shelling")
    second = link_as_one_event([scene["far"], scene["later"]], actor=head, reason="one clash")
    merged = link_as_one_event([scene["near"], scene["far"]], actor=head, reason="all one battle")
    assert merged == first
    assert not Event.objects.filter(pk=second.pk).exists()
    members = set(merged.observations.values_list("pk", flat=True))
    assert members == {scene[k].pk for k in ("here", "near", "far", "later")}
    assert count_events(Observation.objects.all()) == 3
    gone = entries("delete", object_type="observations.event").get()
    assert gone.detail["merged_into"] == first.pk
    assert verify_log().ok


def test_unlinking_takes_an_observation_out_of_its_event(scene, analyst):
    event = link_as_one_event([scene["here"], scene["near"]], actor=analyst, reason="same")
    unlink_from_event(scene["near"], actor=analyst, reason="it was the day after")
    assert scene["near"].event is None
    assert count_events(Observation.objects.all()) == 6
    unlink_from_event(scene["here"], actor=analyst, reason="alone now")
    assert not Event.objects.filter(pk=event.pk).exists()
    assert entries("unlink").count() == 2
    with pytest.raises(ValidationError):
        unlink_from_event(scene["here"], actor=analyst, reason="again")
    assert verify_log().ok


def test_linking_needs_two_observations_a_reason_and_an_analyst(scene, analyst, observer):
    with pytest.raises(ValidationError):
        link_as_one_event([scene["here"]], actor=analyst, reason="alone")
    with pytest.raises(ValidationError):
        link_as_one_event([scene["here"], scene["near"]], actor=analyst, reason="")
    with pytest.raises(PermissionDenied):
        link_as_one_event([scene["here"], scene["near"]], actor=observer, reason="same")
    assert not Event.objects.exists()
