"""Assessing commitments per period: the rules as data, coverage, sign-off and override, and the
founding article's week worked through end to end."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError

from abide.audit.models import AuditEntry
from abide.compliance.assessment import (
    assess,
    evaluate,
    override,
    periods_of,
    reassess_observation,
    sign_off,
)
from abide.compliance.linking import confirm_link, propose_links, set_scope
from abide.compliance.models import Assessment, Link
from abide.compliance.periods import parse_period, period_of
from abide.compliance.rules import RULES_FILE, RulesError, parse_rules
from abide.compliance.tests.test_linking import observe, pledge
from abide.core.demo import load_demo
from abide.observations.events import link_as_one_event
from abide.observations.models import Observation, Patrol
from abide.observations.services import record_patrol, report_observation, transition
from abide.registry.models import Commitment, ReviewState

pytestmark = pytest.mark.usefixtures("starter_registry")

WEEK = parse_period("2023-W39")  # Monday 25 September to Sunday 1 October 2023


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2023, 9, day, hour, tzinfo=dt.UTC)


# --- the founding article's week -----------------------------------------------------------------


@pytest.fixture
def founding_week(analyst, observer):
    """The demo's retelling of the 26 September 2023 call, its commitments confirmed, and a week
    of what an observer recorded afterwards."""
    load_demo(actor=analyst, reviewer=analyst)
    road = {"type": "LineString", "coordinates": [[46.40, 39.51], [46.55, 39.60], [46.75, 39.82]]}
    for day in (27, 29):
        record_patrol(
            actor=observer,
            team="Lachin road team",
            started_at=at(day, 7),
            ended_at=at(day, 13),
            area_places=["Lachin"],
            route=road,
            notes="Drove the road; nothing observed.",
        )
    report = {
        "actor": observer,
        "time_precision": "exact",
        "sensitivity": "internal",
        "public_precision": "10km",
    }
    report_observation(
        **report,
        category="humanitarian_access",
        subtype="convoy_passed",
        observed_start=at(28),
        place_name="Lachin",
        narrative="Aid lorries went through.",
    )
    blocked, _ = report_observation(
        **report,
        category="humanitarian_access",
        subtype="convoy_blocked",
        observed_start=at(29),
        place_name="Lachin",
        actors=["Azerbaijan"],
        narrative="A convoy was turned back at the checkpoint.",
    )
    shelling, _ = report_observation(
        **report,
        category="cessation_of_hostilities",
        subtype="shelling",
        observed_start=at(30, 21),
        latitude=39.8177,
        longitude=46.7528,
        actors=["Azerbaijan"],
        narrative="Explosions heard, said to be shelling.",
    )
    return blocked, shelling


def statuses(analyst) -> dict[str, str]:
    commitments = list(
        Commitment.objects.filter(review_state=ReviewState.CONFIRMED).select_related("category")
    )
    for commitment in commitments:
        propose_links(commitment, actor=analyst)
    assess(commitments, [WEEK], actor=analyst)
    return {
        f"{a.commitment.kind}:{a.commitment.category.slug}": a.status
        for a in Assessment.objects.select_related("commitment__category")
    }


def test_the_founding_week_gives_each_commitment_its_status(founding_week, analyst):
    blocked, shelling = founding_week
    transition(
        blocked, "verified", actor=analyst, reason="Two observers saw the convoy turned back."
    )
    found = statuses(analyst)
    assert found["pledge:cessation_of_hostilities"] == "at_risk"  # the unverified shelling
    assert found["demand:humanitarian_access"] == "violated"  # the verified blocked convoy
    assert found["demand:freedom_of_movement"] == "not_assessable"  # nothing seen of movement
    assert found["demand:amnesty_and_detention"] == "not_assessable"  # nor of detention
    pledge_of_restraint = Assessment.objects.get(
        commitment__kind="pledge", commitment__category__slug="cessation_of_hostilities"
    )
    assert list(pledge_of_restraint.observations.all()) == [shelling]
    aid = Assessment.objects.get(commitment__category__slug="humanitarian_access")
    assert list(aid.observations.all()) == [blocked]
    assert aid.rules_version == 1


def test_patrols_count_by_where_they_went_without_a_gazetteer_at_assessment(
    founding_week, analyst, monkeypatch
):
    for patrol in Patrol.objects.all():
        assert "AZ" in {country for *_, country in patrol.footprint}  # Lachin, the road

    def no_gazetteer() -> None:
        raise AssertionError("the gazetteer was loaded to assess coverage")

    monkeypatch.setattr("abide.observations.patrols.default_gazetteer", no_gazetteer)
    statuses(analyst)
    ceasefire = Assessment.objects.get(
        commitment__kind="pledge", commitment__category__slug="cessation_of_hostilities"
    )
    assert ceasefire.coverage_patrols == 2


def test_until_the_blocked_convoy_is_verified_aid_is_only_at_risk(founding_week, analyst):
    assert statuses(analyst)["demand:humanitarian_access"] == "at_risk"


# --- the rules are data --------------------------------------------------------------------------


def test_a_category_rule_with_its_coverage_minimum_is_changed_by_editing_the_data_alone(analyst):
    commitment = pledge(category="rights_and_property", text="no looting")
    observe(subtype="looting", day=dt.date(2023, 9, 27), actors=())  # names no one: no link
    period = period_of("week", dt.date(2023, 9, 27))
    assert evaluate(commitment, period).status == "upheld"  # one observation in scope suffices

    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    data["version"] = 2
    data["categories"]["rights_and_property"]["coverage"] = {"minimum": 2, "patrols": True}
    stricter = parse_rules(data)
    assert evaluate(commitment, period, stricter).status == "not_assessable"

    data["categories"]["rights_and_property"]["violated"] = {
        "bearing": "undercuts",
        "status": ["reported"],
        "obligor": ["not_named", "involved"],
    }
    Link.objects.create(
        commitment=commitment,
        observation=Observation.objects.get(),
        state="confirmed",
        bearing="undercuts",
        obligor_role="not_named",
    )
    assert evaluate(commitment, period, parse_rules(data)).status == "violated"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"version": "one"}, "version: a whole number"),
        ({"categories": {"other": {"violated": {"bearing": "sideways"}}}}, "needs a bearing"),
        (
            {"categories": {"other": {"violated": {"bearing": "undercuts", "status": ["maybe"]}}}},
            "categories.other.violated: status must list",
        ),
        ({"categories": {"other": {"coverage": {"minimum": -1}}}}, "coverage.minimum"),
        ({"categories": {"other": {"upheld_if": {}}}}, "unknown keys upheld_if"),
    ],
)
def test_bad_rules_are_refused_naming_where(change, message):
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    data.update(change)
    with pytest.raises(RulesError, match=message):
        parse_rules(data)


# --- coverage ----------------------------------------------------------------------------------


def test_reports_linked_as_one_event_count_once_in_coverage(analyst):
    reports = [
        observe(day=dt.date(2023, 9, 27), subtype="shelling", direction="neutral") for _ in range(3)
    ]
    elsewhere = observe(  # in the polygon's bounding box but outside the polygon itself
        day=dt.date(2023, 9, 27), direction="neutral", latitude=39.9, longitude=46.9
    )
    by_country = pledge(text="no further military action anywhere in Azerbaijan")
    by_polygon = pledge(text="no further military action around Khankendi")
    set_scope(by_country, actor=analyst, countries=["Azerbaijan"])
    triangle = [[46.6, 39.7], [46.9, 39.7], [46.6, 39.95], [46.6, 39.7]]
    set_scope(by_polygon, actor=analyst, polygon={"type": "Polygon", "coordinates": [triangle]})
    assert [
        a.coverage_observations for a in assess([by_country, by_polygon], [WEEK], actor=analyst)
    ] == [4, 3]

    link_as_one_event(reports[:2], actor=analyst, reason="Two teams saw the same quiet night.")
    again = assess([by_country, by_polygon], [WEEK], actor=analyst)
    assert [a.coverage_observations for a in again] == [3, 2]
    assert elsewhere.country == "AZ"


# --- one-off commitments, sign-off and override --------------------------------------------------


def test_a_one_off_commitment_is_fulfilled_by_its_deadline_or_overdue_after_it(analyst):
    release = pledge(
        category="amnesty_and_detention",
        text="release the detainees",
        deadline=dt.date(2023, 10, 10),
    )
    after = period_of("week", dt.date(2023, 10, 16))
    assert evaluate(release, after).status == "overdue"
    freed = observe(subtype="release", day=dt.date(2023, 10, 9))
    transition(freed, "corroborated", actor=analyst, reason="The families confirmed it.")
    propose_links(release, actor=analyst)
    assert evaluate(release, period_of("week", dt.date(2023, 10, 9))).status == "fulfilled"
    assert evaluate(release, period_of("day", dt.date(2023, 9, 1))).status == "not_yet"


def test_an_analyst_signs_off_and_the_head_overrides_with_a_justification(analyst, head):
    commitment = pledge()
    observe(day=dt.date(2023, 9, 27))
    propose_links(commitment, actor=analyst)
    (assessment,) = assess([commitment], [WEEK], actor=analyst)
    assert assessment.status == "at_risk"

    signed = sign_off(assessment, actor=analyst)
    assert signed.signed_off_by == analyst
    with pytest.raises(PermissionDenied):
        override(assessment, "violated", actor=analyst, justification="I think so")
    with pytest.raises(ValidationError):
        override(assessment, "violated", actor=head, justification="  ")
    overridden = override(
        assessment, "violated", actor=head, justification="Confirmed by the OSCE."
    )
    assert (overridden.status, overridden.computed_status) == ("violated", "at_risk")
    assert overridden.override_justification == "Confirmed by the OSCE."
    actions = AuditEntry.objects.filter(object_type="compliance.assessment").values_list(
        "action", flat=True
    )
    assert list(actions.order_by("seq")) == ["assess", "sign off", "override"]


def test_a_changed_status_needs_a_new_sign_off(analyst):
    commitment = pledge()
    shelling = observe(day=dt.date(2023, 9, 27))
    (link,) = propose_links(commitment, actor=analyst)
    (assessment,) = assess([commitment], [WEEK], actor=analyst)
    sign_off(assessment, actor=analyst)
    transition(shelling, "verified", actor=analyst, reason="Crater and fragments found.")
    confirm_link(
        link, actor=analyst, reason="Fired from Azerbaijani positions.", obligor_role="perpetrator"
    )
    (again,) = assess([commitment], [WEEK], actor=analyst)
    assert (again.pk, again.status, again.signed_off_by) == (assessment.pk, "violated", None)


# --- incremental updates -------------------------------------------------------------------------


def test_a_verified_observation_updates_only_the_assessments_it_bears_on(
    analyst, django_assert_max_num_queries
):
    kept, other = pledge(), pledge(obligor="armenia")
    shelling = observe(day=dt.date(2023, 9, 27))
    elsewhere = observe(
        day=dt.date(2023, 9, 27), actors=("armenia",), country="AM", latitude=40.2, longitude=44.5
    )
    for commitment in (kept, other):
        propose_links(commitment, actor=analyst)
    periods = [*periods_of(shelling), period_of("week", dt.date(2023, 10, 9))]
    assess([kept, other], periods, actor=analyst)
    before = {
        (a.commitment_id, a.period_kind, a.period_start): (a.computed_status, a.computed_at)
        for a in Assessment.objects.all()
    }
    assert len(before) == 8

    transition(shelling, "verified", actor=analyst, reason="Seen by two teams.")
    confirm_link(
        Link.objects.get(observation=shelling),
        actor=analyst,
        reason="Their guns.",
        obligor_role="perpetrator",
    )
    with django_assert_max_num_queries(60):
        changed = reassess_observation(shelling, actor=analyst)
    assert {(a.commitment_id, a.period_kind) for a in changed} == {
        (kept.pk, "day"),
        (kept.pk, "week"),
        (kept.pk, "month"),
    }
    after = {
        (a.commitment_id, a.period_kind, a.period_start): (a.computed_status, a.computed_at)
        for a in Assessment.objects.all()
    }
    touched = {key for key in after if after[key] != before[key]}
    assert touched == {
        (kept.pk, kind, period.start)
        for kind, period in (
            ("day", periods_of(shelling)[0]),
            ("week", periods_of(shelling)[1]),
            ("month", periods_of(shelling)[2]),
        )
    }
    assert all(after[key][0] == "violated" for key in touched)
    assert elsewhere.links.get().commitment == other


def test_abide_assess_proposes_links_assesses_and_summarises(analyst, observer, capsys):
    from abide.cli import main

    pledge()
    observe(day=dt.date(2023, 9, 27))
    assert main(["assess", "--period", "2023-W39", "--as", analyst.username]) == 0
    captured = capsys.readouterr()
    assert "proposed 1 new links" in captured.err
    assert captured.out.startswith("2023-W39: 1 commitments: 1 at_risk\n")
    assert "at_risk: Azerbaijan — no further military action (1 observations)" in captured.out
    assert main(["assess", "--period", "2023-W99"]) == 2
    assert "is not a period" in capsys.readouterr().err
    assert main(["assess", "--as", observer.username]) == 1
    assert "may not assess commitments" in capsys.readouterr().err


def test_verifying_and_attributing_an_observation_updates_its_assessments_by_itself(analyst):
    commitment = pledge()
    shelling = observe(day=dt.date(2023, 9, 27))
    (link,) = propose_links(commitment, actor=analyst)
    assess([commitment], periods_of(shelling), actor=analyst)
    assert set(Assessment.objects.values_list("computed_status", flat=True)) == {"at_risk"}
    transition(shelling, "verified", actor=analyst, reason="Seen by two teams.")
    assert set(Assessment.objects.values_list("computed_status", flat=True)) == {"at_risk"}
    confirm_link(
        link, actor=analyst, reason="Fired from their positions.", obligor_role="perpetrator"
    )
    assert set(Assessment.objects.values_list("computed_status", flat=True)) == {"violated"}
    assert Assessment.objects.count() == 3  # no period was added that nobody asked for
