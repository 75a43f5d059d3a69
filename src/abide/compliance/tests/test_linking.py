"""Scopes, proposed links and analysts' decisions on which observations bear on a commitment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from abide.audit.models import AuditEntry
from abide.audit.services import verify_log
from abide.compliance.linking import (
    add_link,
    confirm_link,
    propose_links,
    propose_links_for,
    reject_link,
    set_scope,
)
from abide.compliance.models import Link, LinkState, Scope
from abide.observations.importer import import_file
from abide.observations.models import Observation, ObservationActor, SubType
from abide.registry.models import Category, Commitment, Party, ReviewState
from abide.testing import shared_path

pytestmark = pytest.mark.usefixtures("starter_registry")

UTC = dt.UTC


def pledge(obligor: str = "azerbaijan", category: str = "cessation_of_hostilities", **fields):
    values = {
        "kind": "pledge",
        "obligor_party": Party.objects.get(slug=obligor),
        "category": Category.objects.get(slug=category),
        "text": "no further military action",
        "date_made": dt.date(2023, 9, 26),
        "review_state": ReviewState.CONFIRMED,
    }
    values.update(fields)
    return Commitment.objects.create(**values)


def observe(
    *,
    day: dt.date = dt.date(2023, 10, 1),
    country: str = "AZ",
    actors: tuple[str, ...] = ("azerbaijan",),
    subtype: str = "shelling",
    direction: str | None = None,
    latitude: float = 39.82,
    longitude: float = 46.75,
    admin1: str = "",
) -> Observation:
    kind = SubType.objects.get(slug=subtype)
    start = dt.datetime.combine(day, dt.time(10), tzinfo=UTC)
    observation = Observation.objects.create(
        observed_start=start,
        observed_end=start + dt.timedelta(hours=1),
        time_precision="exact",
        reported_at=start,
        latitude=latitude,
        longitude=longitude,
        place_precision="exact",
        country=country,
        admin1=admin1,
        category=kind.category,
        subtype=kind,
        direction=direction or kind.default_direction,
        reporter_kind="observer",
    )
    for position, slug in enumerate(actors):
        party = Party.objects.get(slug=slug)
        ObservationActor.objects.create(
            observation=observation, party=party, name=party.name_en, position=position
        )
    return observation


def test_an_observation_naming_the_obligor_in_its_territory_after_the_pledge_is_proposed(
    analyst,
):
    commitment = pledge()
    shelling = observe()
    observe(actors=("armenia",))  # names another party only
    observe(day=dt.date(2023, 9, 20))  # before the pledge
    observe(country="AM", latitude=40.18, longitude=44.51)  # outside the obligor's territory
    observe(subtype="convoy_blocked")  # another category
    observe(subtype="protest", actors=("azerbaijan",))  # neither supports nor undercuts

    links = propose_links(commitment, actor=analyst)
    assert [(link.observation, link.state, link.bearing, link.obligor_role) for link in links] == [
        (shelling, "candidate", "undercuts", "involved")
    ]
    assert propose_links(commitment, actor=analyst) == []  # proposed once
    assert Link.objects.count() == 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "propose links" and entry.touched == [
        {"type": "compliance.link", "id": str(links[0].pk)}
    ]


def test_a_supporting_observation_naming_no_one_is_proposed_as_evidence(analyst):
    commitment = pledge(category="humanitarian_access", kind="demand", text="let aid through")
    passed = observe(subtype="convoy_passed", actors=())
    blocked_by_no_one = observe(subtype="convoy_blocked", actors=())
    links = propose_links(commitment, actor=analyst)
    assert [(link.observation, link.bearing, link.obligor_role) for link in links] == [
        (passed, "supports", "not_named")
    ]
    assert not Link.objects.filter(observation=blocked_by_no_one).exists()


def test_a_deadline_ends_what_bears_on_a_commitment(analyst):
    commitment = pledge(deadline=dt.date(2023, 10, 5))
    inside = observe(day=dt.date(2023, 10, 5))
    observe(day=dt.date(2023, 10, 6))
    assert [link.observation for link in propose_links(commitment, actor=analyst)] == [inside]


def test_unconfirmed_commitments_get_no_candidates(analyst):
    commitment = pledge(review_state=ReviewState.PROPOSED)
    observe()
    assert propose_links(commitment, actor=analyst) == []


def test_a_scope_of_countries_areas_places_or_a_polygon_decides_what_is_inside(analyst):
    commitment = pledge()
    in_armenia = observe(country="AM", latitude=40.18, longitude=44.51)
    in_lachin_area = observe(country="", latitude=39.64, longitude=46.55)
    in_syunik = observe(country="", latitude=39.2, longitude=46.4, admin1="Syunik")
    set_scope(commitment, actor=analyst, countries=["Armenia"])
    assert {link.observation for link in propose_links(commitment, actor=analyst)} == {in_armenia}

    set_scope(
        commitment,
        actor=analyst,
        places=[{"name": "Lachin", "latitude": 39.64, "longitude": 46.55, "radius_km": 5}],
        admin_areas=["Syunik"],
    )
    assert {link.observation for link in propose_links(commitment, actor=analyst)} == {
        in_lachin_area,
        in_syunik,
    }
    square = {
        "type": "Polygon",
        "coordinates": [[[46.0, 39.0], [47.0, 39.0], [47.0, 40.0], [46.0, 40.0], [46.0, 39.0]]],
    }
    other = observe(country="", latitude=39.5, longitude=46.9)
    set_scope(commitment, actor=analyst, polygon=square)
    assert [link.observation for link in propose_links(commitment, actor=analyst)] == [other]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"countries": ["Atlantis"]}, "countries", "unknown country 'Atlantis'"),
        ({}, "countries", "give at least one country"),
        (
            {"places": [{"name": "X", "latitude": 95, "longitude": 0, "radius_km": 5}]},
            "places",
            "X: coordinates or radius out of range",
        ),
        ({"polygon": {"type": "Point", "coordinates": [0, 0]}}, "polygon", "Polygon"),
        (
            {
                "polygon": {
                    "type": "Polygon",
                    "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],
                }
            },
            "polygon",
            "invalid polygon",
        ),
    ],
)
def test_a_bad_scope_is_refused_naming_the_field(analyst, fields, field, message):
    commitment = pledge()
    with pytest.raises(ValidationError) as refused:
        set_scope(commitment, actor=analyst, **fields)
    assert message in " ".join(refused.value.message_dict[field])
    assert not Scope.objects.exists()


def test_a_new_observation_is_proposed_to_the_commitments_it_bears_on_only(analyst):
    kept = pledge()
    pledge(obligor="armenia")
    pledge(category="humanitarian_access", kind="demand")
    shelling = observe()
    links = propose_links_for(shelling, actor=analyst)
    assert [link.commitment for link in links] == [kept]
    assert propose_links_for(shelling, actor=analyst) == []


def test_analysts_confirm_reject_and_add_links_with_a_reason_all_audited(analyst, observer):
    commitment = pledge()
    first, second, third = observe(), observe(), observe(actors=())
    candidates = {link.observation: link for link in propose_links(commitment, actor=analyst)}

    with pytest.raises(PermissionDenied):
        confirm_link(candidates[first], actor=observer, reason="seen")
    with pytest.raises(ValidationError):
        confirm_link(candidates[first], actor=analyst, reason=" ")

    confirmed = confirm_link(
        candidates[first], actor=analyst, reason="crater photographed", obligor_role="perpetrator"
    )
    assert (confirmed.state, confirmed.obligor_role, confirmed.decided_by) == (
        "confirmed",
        "perpetrator",
        analyst,
    )
    rejected = reject_link(candidates[second], actor=analyst, reason="outgoing fire, not incoming")
    assert rejected.state == LinkState.REJECTED
    added = add_link(
        commitment,
        third,
        actor=analyst,
        bearing="undercuts",
        obligor_role="perpetrator",
        reason="the unit was identified later",
    )
    assert (added.state, added.created_by, added.reason) == (
        "confirmed",
        analyst,
        "the unit was identified later",
    )
    actions = list(
        AuditEntry.objects.filter(object_type="compliance.link")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["propose links", "confirmed", "rejected", "create"]
    assert verify_log().ok


def test_the_clashes_of_may_2020_are_proposed_to_each_side_they_involve(analyst):
    path = shared_path("data", "events", "acled", "RPanlilio_acled_2020-05_global.csv")
    import_file(path, "acled", actor=analyst)
    made = {"date_made": dt.date(1994, 5, 11)}
    commitments = {
        slug: pledge(obligor=slug, **made)
        for slug in ("azerbaijan", "armenia", "nagorno-karabakh-authorities")
    }
    for commitment in commitments.values():
        set_scope(commitment, actor=analyst, countries=["Armenia", "Azerbaijan"])
    proposed = {
        slug: propose_links(commitment, actor=analyst) for slug, commitment in commitments.items()
    }
    clashes = {
        slug: sum(link.observation.subtype.slug == "armed_clash" for link in links)
        for slug, links in proposed.items()
    }
    # 71 clashes on the line of contact (Artsakh and Azerbaijani forces), 34 on the border
    # (Armenian and Azerbaijani forces); and a landmine that hit Artsakh forces (AZE14237).
    assert clashes == {"azerbaijan": 105, "armenia": 34, "nagorno-karabakh-authorities": 71}
    assert {slug: len(links) for slug, links in proposed.items()} == {
        "azerbaijan": 105,
        "armenia": 34,
        "nagorno-karabakh-authorities": 72,
    }
    assert all(link.obligor_role == "involved" for links in proposed.values() for link in links)
