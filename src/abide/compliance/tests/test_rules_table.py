"""The rules of ``compliance/data/rules.yaml``, pinned: every rung of every category.

For each category, a grid says which single linked observation matches which rung: one row per
bearing and obligor role, one column per verification status. Each cell lists the rungs the
observation matches:

    V  violated    R  at risk    F  fulfilled (one-off commitments, by the deadline)
    U  upheld (only where the category asks for a supporting observation to be upheld)
    .  none of them

Beside the grid: whether "upheld" needs such an observation, and the coverage (the minimum of
patrols and observations, whether patrols count, which categories of observations count), and
which link states count. The tests read the rules both ways: rung by rung (so that a change
hidden behind a higher rung still fails) and through ``evaluate`` for one linked observation,
standing and one-off, with and without coverage. Any change to the rules fails here: change the
grid with it, deliberately, and bump the rules' version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from abide.compliance.areas import area_of
from abide.compliance.assessment import evaluate
from abide.compliance.models import AssessmentStatus
from abide.compliance.periods import period_of
from abide.compliance.rules import TESTS, Coverage, current_rules
from abide.registry.models import Category, Commitment

STATUSES = ("reported", "corroborated", "verified", "disputed", "refuted")
LETTERS = {"violated": "V", "at_risk": "R", "fulfilled": "F", "upheld": "U"}

#: Undercutting evidence violates only when verified with the obligor as perpetrator; any other
#: report naming it (but a refuted one) puts the commitment at risk. Nothing fulfils it.
HARM = """
    undercuts perpetrator  R   R   VR  R   .
    undercuts involved     R   R   R   R   .
    undercuts not_named    .   .   .   .   .
    supports  perpetrator  .   .   .   .   .
    supports  involved     .   .   .   .   .
    supports  not_named    .   .   .   .   .
"""
#: A verified obstruction violates whether the obligor did it or is only involved; a verified
#: one is no longer "at risk" but violated. Corroborated or verified support fulfils it.
ACCESS = """
    undercuts perpetrator  R   R   V   R   .
    undercuts involved     R   R   V   R   .
    undercuts not_named    .   .   .   .   .
    supports  perpetrator  .   F   F   .   .
    supports  involved     .   F   F   .   .
    supports  not_named    .   F   F   .   .
"""
#: As ACCESS, and a supporting report (even one only reported) is what makes it upheld.
HUMANITARIAN = """
    undercuts perpetrator  R   R   V   R   .
    undercuts involved     R   R   V   R   .
    undercuts not_named    .   .   .   .   .
    supports  perpetrator  U   FU  FU  .   .
    supports  involved     U   FU  FU  .   .
    supports  not_named    U   FU  FU  .   .
"""
#: As ACCESS, without fulfilment.
OTHER = """
    undercuts perpetrator  R   R   V   R   .
    undercuts involved     R   R   V   R   .
    undercuts not_named    .   .   .   .   .
    supports  perpetrator  .   .   .   .   .
    supports  involved     .   .   .   .   .
    supports  not_named    .   .   .   .   .
"""


@dataclass(frozen=True)
class Pin:
    grid: str
    coverage: Coverage
    upheld_needs_an_observation: bool = False
    links: frozenset[str] = frozenset({"candidate", "confirmed"})

    def cells(self) -> dict[tuple[str, str, str], str]:
        found = {}
        for line in self.grid.strip().splitlines():
            bearing, role, *cells = line.split()
            assert len(cells) == len(STATUSES), line
            for status, cell in zip(STATUSES, cells, strict=True):
                found[bearing, role, status] = "" if cell == "." else cell
        return found


def _only(*categories: str) -> frozenset[str]:
    return frozenset(categories)


PINNED = {
    "cessation_of_hostilities": Pin(HARM, Coverage(1, True, None)),
    "protection_of_civilians": Pin(HARM, Coverage(1, True, None)),
    "rights_and_property": Pin(HARM, Coverage(1, True, _only("rights_and_property"))),
    "humanitarian_access": Pin(
        HUMANITARIAN,
        Coverage(1, False, _only("humanitarian_access")),
        upheld_needs_an_observation=True,
    ),
    "freedom_of_movement": Pin(ACCESS, Coverage(1, False, _only("freedom_of_movement"))),
    "amnesty_and_detention": Pin(ACCESS, Coverage(1, False, _only("amnesty_and_detention"))),
    "monitoring_access": Pin(ACCESS, Coverage(1, False, _only("monitoring_access"))),
    "peace_process": Pin(ACCESS, Coverage(1, False, _only("peace_process"))),
    "other": Pin(OTHER, Coverage(1, False, _only("other"))),
}
CASES = [(category, key) for category, pin in PINNED.items() for key in sorted(pin.cells())]


def test_every_category_has_a_rule_and_a_pin():
    assert set(current_rules().by_category) == set(PINNED)


@pytest.mark.django_db
def test_the_pins_cover_every_category_of_the_registry():
    assert set(Category.objects.values_list("slug", flat=True)) == set(PINNED)


def test_the_rules_version_is_the_one_pinned():
    assert current_rules().version == 1, "the rules changed: update the pins and the version"


@pytest.mark.parametrize("category", sorted(PINNED))
def test_each_rung_matches_exactly_the_pinned_observations(category):
    rule = current_rules().for_category(category)
    differences = []
    for (bearing, role, status), cell in PINNED[category].cells().items():
        matched = "".join(
            LETTERS[test]
            for test in TESTS
            if test in rule.tests and rule.tests[test](bearing, status, role)
        )
        if matched != cell:
            differences.append(f"{bearing} {role} {status}: pinned {cell or '.'}, rules {matched}")
    assert not differences, "\n".join(differences)
    assert ("upheld" in rule.tests) == PINNED[category].upheld_needs_an_observation


@pytest.mark.parametrize("category", sorted(PINNED))
def test_coverage_and_the_link_states_that_count_are_pinned(category):
    rule = current_rules().for_category(category)
    assert rule.coverage == PINNED[category].coverage
    assert rule.links == PINNED[category].links


# --- through the engine: one linked observation decides the status ---------------------------

PERIOD = period_of("week", dt.date(2023, 10, 2))
SEEN = dt.datetime(2023, 10, 3, 10, tzinfo=dt.UTC)
DEADLINE = dt.date(2023, 10, 5)


def expected(pin: Pin, cell: str, *, one_off: bool, covered: bool) -> str:
    """The ladder of ``evaluate``, read off the pinned cell."""
    if "V" in cell:
        return AssessmentStatus.VIOLATED
    if "R" in cell:
        return AssessmentStatus.AT_RISK
    if one_off and "F" in cell:
        return AssessmentStatus.FULFILLED
    if covered and (not pin.upheld_needs_an_observation or "U" in cell):
        return AssessmentStatus.UPHELD
    return AssessmentStatus.NOT_ASSESSABLE


def outcome(category: Category, row: tuple, *, one_off: bool, covered: bool) -> str:
    commitment = Commitment(
        kind="pledge",
        category=category,
        text="a pinned promise",
        scope_area="Azerbaijan",
        date_made=dt.date(2023, 9, 1),
        deadline=DEADLINE if one_off else None,
    )
    rule = current_rules().for_category(category.slug)
    area = area_of(commitment)
    minimum = max(rule.coverage.minimum, 1)
    seen = minimum if covered else minimum - 1
    # (patrols, observations seen, of them published): the mission's own count decides.
    coverage = {(area.key, PERIOD, rule.coverage): (0, seen, seen)}
    return evaluate(commitment, PERIOD, coverage=coverage, linked=[row]).status


@pytest.mark.django_db
@pytest.mark.parametrize("category,key", CASES, ids=["-".join((c, *k)) for c, k in CASES])
def test_one_linked_observation_decides_the_status_as_pinned(category, key):
    pin = PINNED[category]
    cell = pin.cells()[key]
    bearing, role, status = key
    kind = Category.objects.get(slug=category)
    for state in sorted(pin.links):
        row = (1, bearing, role, status, SEEN, state)
        for one_off in (False, True):
            for covered in (False, True):
                got = outcome(kind, row, one_off=one_off, covered=covered)
                want = expected(pin, cell, one_off=one_off, covered=covered)
                assert got == want, (state, "one-off" if one_off else "standing", covered)


@pytest.mark.django_db
@pytest.mark.parametrize("category", sorted(PINNED))
def test_a_rejected_link_counts_for_nothing(category):
    """A rejected link is as if there were none: the commitment is upheld or not assessable
    by coverage alone, whatever the observation."""
    pin = PINNED[category]
    kind = Category.objects.get(slug=category)
    row = (1, "undercuts", "perpetrator", "verified", SEEN, "rejected")
    for covered in (False, True):
        got = outcome(kind, row, one_off=False, covered=covered)
        assert got == expected(pin, "", one_off=False, covered=covered)
