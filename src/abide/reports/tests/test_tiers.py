"""The public tier holds nothing the public may not see: a test seeds secrets (an observer's
name, internal and restricted observations and their narratives, an unverified one, exact
coordinates and the name of the place they give away) and scans every public output."""

from __future__ import annotations

import datetime as dt

import pytest

from abide.accounts.models import Role
from abide.observations.services import report_observation, transition
from abide.reports.building import build_document, document_for
from abide.reports.jsonout import render_json
from abide.reports.models import REPORT_LANGUAGES
from abide.reports.services import approve_report, create_report, publish_report, set_incidents
from abide.reports.spec import parse_spec
from abide.testing import make_user

TODAY = dt.date(2024, 1, 15)
WHEN = dt.datetime(2023, 9, 27, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def secrets(starter_registry, analyst) -> dict:
    """Observations of the founding week holding secrets, and the strings to look for."""
    spy = make_user("zebulon-secretname", Role.OBSERVER)
    spy.first_name, spy.last_name = "Zebulon", "Secretname"
    spy.save()

    def seen(narrative: str, sensitivity: str, status: str | None, **place: object) -> object:
        observation, _created = report_observation(
            actor=spy,
            category="cessation_of_hostilities",
            subtype="shelling",
            observed_start=WHEN,
            time_precision="exact",
            narrative=narrative,
            sensitivity=sensitivity,
            public_precision=place.pop("public_precision", "10km"),
            casualties_low=1,
            casualties_best=2,
            casualties_high=3,
            **place,
        )
        if status:
            transition(observation, status, actor=analyst, reason="seen by two teams")
        return observation

    shown = seen(
        "Shelling heard from the ridge.",
        "public",
        "corroborated",
        latitude=39.123456,
        longitude=46.654321,
    )
    hidden_place = seen(
        "Shells landed by the school.",
        "public",
        "verified",
        latitude=39.287654,
        longitude=46.398765,
        public_precision="hidden",
    )
    others = [
        seen("SECRET-INTERNAL-NARRATIVE", "internal", "verified", latitude=39.2, longitude=46.4),
        seen(
            "SECRET-RESTRICTED-NARRATIVE", "restricted", "verified", latitude=39.25, longitude=46.45
        ),
        seen("SECRET-UNVERIFIED-NARRATIVE", "public", None, latitude=39.3, longitude=46.5),
    ]
    shown.refresh_from_db()
    hidden_place.refresh_from_db()
    assert shown.place_name and hidden_place.place_name  # named after the nearest place
    return {
        "observations": [shown, hidden_place, *others],
        "shown": shown,
        "strings": [
            "zebulon",
            "Secretname",
            "SECRET-INTERNAL-NARRATIVE",
            "SECRET-RESTRICTED-NARRATIVE",
            "SECRET-UNVERIFIED-NARRATIVE",
            "39.123456",
            "46.654321",
            "39.287654",
            "46.398765",
            *(name for name in (shown.place_name, hidden_place.place_name) if len(name) > 3),
        ],
    }


def _public_outputs(document: dict) -> list[str]:
    return [render_json(document, language) for language in REPORT_LANGUAGES]


def test_the_public_tier_holds_none_of_the_seeded_secrets(secrets, analyst, head):
    report = create_report(parse_spec("2023-W39", today=TODAY), actor=analyst)
    set_incidents(report, [o.pk for o in secrets["observations"]], actor=analyst)
    internal = render_json(
        build_document(parse_spec("2023-W39", today=TODAY), tier="internal", report=report), "en"
    )
    assert "SECRET-INTERNAL-NARRATIVE" in internal  # the seed is there to be found
    assert "39.123456" in internal
    approve_report(report, actor=head)
    publish_report(report, actor=head)
    outputs = _public_outputs(document_for(report, "public"))
    outputs += _public_outputs(build_document(parse_spec("2023-W39", today=TODAY), tier="public"))
    for output in outputs:
        for secret in secrets["strings"]:
            assert secret not in output, secret
    public = document_for(report, "public")
    assert [i["observation"] for i in public["incidents"]] == [
        o.pk for o in secrets["observations"][:2]
    ]
    first = public["incidents"][0]["place"]
    assert (first["latitude"], first["longitude"], first["precision"]) == (39.1, 46.7, "10km")
    assert first["name"] == ""
    second = public["incidents"][1]["place"]
    assert (second["latitude"], second["longitude"], second["admin1"]) == (None, None, "")


def test_public_figures_count_only_what_the_public_may_see(secrets):
    spec = parse_spec("2023-W39", today=TODAY)
    figures = {
        (f["category"]["slug"], f["subtype"] and f["subtype"]["slug"]): f
        for f in build_document(spec, tier="public")["figures"]
    }
    inside = {
        (f["category"]["slug"], f["subtype"] and f["subtype"]["slug"]): f
        for f in build_document(spec, tier="internal")["figures"]
    }
    key = ("cessation_of_hostilities", "shelling")
    assert figures[key]["current"] == 2
    assert figures[key]["casualties"] == {"low": 2, "best": 4, "high": 6}
    assert inside[key]["current"] == 5
    assert inside[key]["casualties"] == {"low": 5, "best": 10, "high": 15}


def test_the_public_map_shows_points_at_their_public_precision_only(secrets):
    document = build_document(parse_spec("2023-W39", today=TODAY), tier="public")
    assert document["map"]["points"] == [
        {"latitude": 39.1, "longitude": 46.7, "category": "cessation_of_hostilities"}
    ]
    assert document["map"]["bbox"] == [46.7, 39.1, 46.7, 39.1]
