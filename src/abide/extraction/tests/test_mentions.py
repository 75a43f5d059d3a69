"""The registry's names in a sentence: the obligors the commitment ranker considers there."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from abide.extraction import RegistrySnapshot
from abide.extraction.mentions import PartyNames
from abide.extraction.registry import normalise
from abide.registry.files import STARTER_REGISTRY


@pytest.fixture(scope="module")
def names() -> PartyNames:
    return PartyNames(RegistrySnapshot.from_file(STARTER_REGISTRY))


def test_parties_are_found_by_name_alias_and_person_in_order_of_first_mention(names):
    text = "Ilham Aliyev met U.S. officials; Armenia and the United States agreed. Armenia left."
    assert names.parties_in(text, dt.date(2023, 9, 27)) == (
        "azerbaijan",
        "united-states",
        "armenia",
    )


def test_a_name_inside_a_longer_word_is_no_mention(names):
    assert names.parties_in("The Armenians of Karabakhstan and Russiagate", None) == ()


def test_the_table_finds_what_one_pattern_of_every_name_finds(names):
    """Longest first where several names begin at one word, left to right, whole words only."""
    pattern = re.compile(
        "|".join(
            rf"(?<!\w){re.escape(n)}(?!\w)" for n in sorted(names.names, key=len, reverse=True)
        )
    )
    texts = [
        "The Government of Armenia and the Armenian Armed Forces met the U.S. and the U.N.",
        "Russia, the Russian Federation, Azerbaijan's president and the E.U.'s envoy spoke.",
        "The United Nations Security Council and the United States of America; Türkiye too.",
    ]
    for text in texts:
        normalised = normalise(text)
        expected = [m.group(0) for m in pattern.finditer(normalised)]
        assert [name for *_, name in names.matches(normalised)] == expected
