"""The 1994 Bishkek ceasefire against the clashes of May 2020, on the real data end to end."""

from __future__ import annotations

import pytest

from abide.compliance.assessment import assess
from abide.compliance.linking import confirm_link, propose_links
from abide.compliance.models import Assessment, Link
from abide.compliance.periods import parse_period
from abide.observations.importer import import_file
from abide.observations.models import Observation
from abide.observations.services import transition
from abide.registry.models import Commitment, Source
from abide.registry.pax import import_pax
from abide.registry.services import confirm_commitment
from abide.testing import shared_path

pytestmark = [pytest.mark.usefixtures("starter_registry"), pytest.mark.slow]

SIDES = ("azerbaijan", "armenia", "nagorno-karabakh-authorities")
PERIODS = [parse_period(text) for text in ("2020-W18", "2020-W19", "2020-05")]


@pytest.fixture
def bishkek(analyst) -> dict[str, Commitment]:
    """PA-X and ACLED imported; the Bishkek ceasefire's pledges confirmed and assessed."""
    import_pax(
        shared_path("data", "agreements", "PA-X_pax_all_agreements_data_manurubo.csv"),
        actor=analyst,
    )
    import_file(
        shared_path("data", "events", "acled", "RPanlilio_acled_2020-05_global.csv"),
        "acled",
        actor=analyst,
    )
    source = Source.objects.get(metadata__AgtId="990")
    assert source.published.isoformat() == "1994-05-11"
    pledges = {
        commitment.obligor_party.slug: commitment
        for commitment in Commitment.objects.filter(
            statements__source=source, category__slug="cessation_of_hostilities"
        ).select_related("obligor_party")
    }
    assert set(pledges) == set(SIDES)
    for commitment in pledges.values():
        confirm_commitment(commitment, actor=analyst, note="Signed in Bishkek, 11 May 1994.")
        commitment.refresh_from_db()
        propose_links(commitment, actor=analyst)
    assess(pledges.values(), PERIODS, actor=analyst)
    return pledges


def status(commitment: Commitment, period) -> Assessment:
    return Assessment.objects.get(
        commitment=commitment, period_kind=period.kind, period_start=period.start
    )


def involving(slug: str, period) -> set[int]:
    return set(
        Observation.objects.filter(
            actors__party__slug=slug,
            subtype__slug="armed_clash",
            observed_start__gte=period.start_time,
            observed_start__lt=period.end_time,
        ).values_list("pk", flat=True)
    )


def test_every_side_is_at_risk_each_week_and_in_may_citing_the_clashes_involving_it(bishkek):
    for slug, commitment in bishkek.items():
        for period in PERIODS:
            assessment = status(commitment, period)
            assert assessment.status == "at_risk", (slug, str(period))
            cited = set(assessment.observations.values_list("pk", flat=True))
            assert involving(slug, period) <= cited, (slug, str(period))
            assert cited, (slug, str(period))


def test_a_verified_clash_attributed_to_azerbaijan_makes_only_its_pledge_violated(bishkek, analyst):
    week = PERIODS[1]  # the week of 4 May 2020
    clash = (
        Observation.objects.filter(
            pk__in=involving("azerbaijan", week) & involving("nagorno-karabakh-authorities", week)
        )
        .order_by("observed_start", "pk")
        .first()
    )
    transition(clash, "verified", actor=analyst, reason="Confirmed by two sources on both sides.")
    link = Link.objects.get(commitment=bishkek["azerbaijan"], observation=clash)
    confirm_link(
        link, actor=analyst, reason="Azerbaijani forces opened fire.", obligor_role="perpetrator"
    )

    assert status(bishkek["azerbaijan"], week).status == "violated"
    assert status(bishkek["azerbaijan"], PERIODS[2]).status == "violated"
    assert list(status(bishkek["azerbaijan"], week).observations.all()) == [clash]
    assert status(bishkek["azerbaijan"], PERIODS[0]).status == "at_risk"  # the week before
    for slug in ("armenia", "nagorno-karabakh-authorities"):
        for period in PERIODS:
            assert status(bishkek[slug], period).status == "at_risk", (slug, str(period))
