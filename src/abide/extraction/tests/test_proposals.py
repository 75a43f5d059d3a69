"""Unknown people and parties are proposed from names of people and organisations only:
never from places, with real spaCy and the real gazetteer."""

from __future__ import annotations

import datetime as dt

import pytest

from abide.extraction import Extractor, RegistrySnapshot, read_text
from abide.extraction.actors import ActorResolver
from abide.extraction.lexicon import load_lexicon
from abide.extraction.prediction import to_prediction
from abide.extraction.tests.conftest import triples
from abide.geo.gazetteer import Gazetteer
from abide.registry.files import STARTER_REGISTRY

PLACES = {"Geneva", "Khankendi", "Stepanakert", "Khan Younis", "Port Sudan", "Tel Aviv"}


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(RegistrySnapshot.from_file(STARTER_REGISTRY), gazetteer=Gazetteer())


@pytest.fixture(scope="module")
def extract(extractor):
    def run(text: str) -> dict:
        document = read_text(text, published=dt.date(2023, 9, 27))
        return to_prediction(extractor.extract(document), threshold=0)

    return run


def named(prediction: dict) -> set[str]:
    """Every name the prediction puts forward: proposals, obligors, demanders."""
    names = {p["name"] for p in prediction["proposals"]}
    for commitment in prediction["commitments"]:
        names |= {commitment["obligor"], commitment["by"], commitment["by_party"]}
    return {n for n in names if n}


def test_talks_in_geneva_do_not_make_geneva_a_party(extract):
    result = extract(
        "Talks in Geneva will resume next week. Geneva urged both sides to respect the "
        "ceasefire. Geneva demanded that the parties stop fighting."
    )
    assert not named(result) & PLACES
    assert result["proposals"] == []


def test_a_demand_on_khankendi_proposes_no_party(extract):
    result = extract(
        "Azerbaijan demanded that Khankendi hand over its weapons. Khankendi said it would "
        "open the road. Officials in Stepanakert urged Baku to reopen the road."
    )
    assert not named(result) & PLACES
    assert result["proposals"] == []


def test_a_town_of_two_words_the_tagger_takes_for_a_person_is_not_proposed(extractor, extract):
    text = "Khan Younis demanded that Israel stop the shelling."
    labels = {ent.text: ent.label_ for ent in extractor.nlp(text).ents}
    assert labels["Khan Younis"] == "PERSON"  # the tagger's mistake this guards against
    result = extract(text)
    assert not named(result) & PLACES
    assert ("demand", "Israel") in {(c["kind"], c["obligor"]) for c in result["commitments"]}


def test_people_and_organisations_unknown_to_the_registry_are_still_proposed(extract):
    result = extract(
        "Foreign Minister Maria Exampleva of Ruritania urged the rebels to release the "
        "hostages. The Sunrise Brigade pledged to withdraw from the ridge."
    )
    proposals = {(p["kind"], p["name"]) for p in result["proposals"]}
    assert ("person", "Maria Exampleva") in proposals
    assert ("party", "The Sunrise Brigade") in proposals


def test_every_proposal_is_a_person_or_an_organisation_the_tagger_found(extractor, extract):
    text = (
        "In Geneva, Maria Exampleva of the Sunrise Brigade met Armenian and Azerbaijani "
        "officials at the Palais des Nations. The Sunrise Brigade pledged to free the "
        "hostages held near Lachin. Maria Exampleva urged the Ruritanians to open the "
        "Kalbajar road, and the Geneva Call demanded that Khankendi stop the shelling."
    )
    entities = {ent.text: ent.label_ for ent in extractor.nlp(text).ents}
    proposals = extract(text)["proposals"]
    assert proposals
    for proposal in proposals:
        label = next((lab for name, lab in entities.items() if proposal["name"] in name), None)
        assert label in {"PERSON", "ORG"}, proposal
    assert not {p["name"] for p in proposals} & (PLACES | {"Lachin", "Kalbajar"})


@pytest.mark.parametrize(
    ("name", "person", "place"),
    [
        ("Geneva", False, True),
        ("Port Sudan", False, True),
        ("Sana’a", False, True),  # Sanaa, its apostrophe aside
        ("Khan Younis", True, True),  # another name of Khān Yūnis, tagged a person
        ("Khan Younis", False, False),  # not its own name: an organisation might be so named
        ("the Sunrise Brigade", False, False),
        ("Maria Exampleva", True, False),
        ("Taliban", False, False),  # another name of a Turkish village
        ("Wagner", False, False),  # a town of 9,500 in Brazil, and a group
        ("Congress", False, False),  # a town of 2,000 in Arizona
        ("Pedro Sanchez", True, False),  # a town of 1,600, and a prime minister
        ("GAO", False, False),  # an acronym, not Gao in Mali
    ],
)
def test_a_name_is_a_sizeable_town_by_its_own_name_or_a_persons_name_of_several_words(
    name, person, place
):
    resolver = ActorResolver(
        RegistrySnapshot.from_file(STARTER_REGISTRY), load_lexicon(), None, places=Gazetteer()
    )
    assert resolver._is_a_place(name, person=person) is place


WHITE_HOUSE_STATEMENT = (
    "---\ntitle: Statement on aid\n"
    "source_url: https://www.whitehouse.gov/briefing-room/statements/aid/\n---\n\n"
    "I call on Congress to pass the humanitarian aid package. The Senate will vote on it."
)


def test_a_legislature_named_alone_takes_the_name_of_the_state_that_narrates(extractor):
    result = extractor.extract(read_text(WHITE_HOUSE_STATEMENT, published=dt.date(2024, 2, 1)))
    prediction = to_prediction(result, threshold=0)

    assert triples(prediction) == {("demand", "United States Congress", "humanitarian_access")}
    assert {(p.kind, p.name) for p in result.proposals} == {
        ("party", "United States Congress"),
        ("party", "United States Senate"),
    }


def test_a_legislature_in_a_text_no_state_narrates_keeps_its_own_name(extractor):
    text = WHITE_HOUSE_STATEMENT.replace("www.whitehouse.gov", "news.example.org")
    result = extractor.extract(read_text(text, published=dt.date(2024, 2, 1)))

    assert triples(to_prediction(result, threshold=0)) == {
        ("demand", "Congress", "humanitarian_access")
    }
