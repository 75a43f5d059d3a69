"""Suggesting places for a name being typed, in any script."""

from __future__ import annotations

import pytest

from abide.geo.gazetteer import Gazetteer, Suggestion

KHANKENDI = 146970


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer()


@pytest.mark.parametrize(
    "typed",
    [
        "Stepanakert",
        "Stepanak",
        "Ստեփանակերտ",
        "Ստեփան",
        "Степанакерт",
        "Степанак",
        "Xankəndi",
        "xankend",
        "Khankendi",
        "Ханкенди",
        "خانكندي",
    ],
)
def test_khankendi_is_offered_for_its_names_in_four_scripts(gazetteer, typed):
    offered = [s.place.geonameid for s in gazetteer.suggest(typed, 10)]
    assert KHANKENDI in offered


def test_a_name_typed_in_full_comes_first(gazetteer):
    first = gazetteer.suggest("Степанакерт", 10)[0]
    assert first.place.geonameid == KHANKENDI
    assert first.label == "Khankendi (Степанакерт), Azerbaijan"


def test_the_label_shows_the_matched_name_and_the_country(gazetteer):
    first = gazetteer.suggest("Stepanakert", 5)[0]
    assert first.label == "Khankendi (Stepanakert), Azerbaijan"
    yerevan = gazetteer.suggest("Yerevan", 5)[0]
    assert yerevan.label == "Yerevan, Armenia"


def test_a_country_is_labelled_by_its_name_alone(gazetteer):
    labels = [s.label for s in gazetteer.suggest("Azerbaijan", 5)]
    assert labels[0] == "Azerbaijan"


def test_the_preferred_countries_come_before_more_populous_places(gazetteer):
    anywhere = [s.place.country_code for s in gazetteer.suggest("Step", 10)]
    preferred = gazetteer.suggest("Step", 10, countries=["az", "AM"])
    assert anywhere[0] not in ("AZ", "AM")
    assert {s.place.country_code for s in preferred[:2]} == {"AZ", "AM"}
    assert KHANKENDI in [s.place.geonameid for s in preferred[:2]]


def test_each_place_is_offered_once_and_no_more_than_the_limit(gazetteer):
    offered = gazetteer.suggest("s", 25)
    assert len(offered) == 25
    identities = [(s.place.geonameid, s.place.kind) for s in offered]
    assert len(set(identities)) == 25


def test_places_of_that_own_name_come_first_the_most_populous_first(gazetteer):
    offered = gazetteer.suggest("Bak", 10)
    assert offered[0].place.name == "Bak"  # typed in full
    own = [s for s in offered[1:] if s.place.name.lower().startswith("bak")]
    assert offered[1 : 1 + len(own)] == own
    populations = [s.place.population for s in own]
    assert populations == sorted(populations, reverse=True)
    assert own[0].place.name == "Baku"  # not Beijing, one of whose names begins so


def test_nothing_is_offered_for_nothing_or_an_unknown_beginning(gazetteer):
    assert gazetteer.suggest("", 10) == []
    assert gazetteer.suggest(" - ", 10) == []
    assert gazetteer.suggest("Qqqxzv", 10) == []
    assert gazetteer.suggest("Yerevan", 0) == []


def test_suggestions_are_typed(gazetteer):
    suggestion = gazetteer.suggest("Yerevan", 1)[0]
    assert isinstance(suggestion, Suggestion)
    assert suggestion.matched == "yerevan"
