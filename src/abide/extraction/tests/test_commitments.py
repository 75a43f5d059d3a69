"""Pledges and demands: kind, obligor, category, conditions, chains, dates, proposals."""

from __future__ import annotations

import datetime as dt

import pytest

from abide.extraction.tests.conftest import triples


def test_urged_to_is_a_demand_on_the_person_urged_and_their_party(extract):
    result = extract("Blinken urged Aliyev to allow humanitarian access.")
    assert triples(result) == {("demand", "Azerbaijan", "humanitarian_access")}
    (commitment,) = result["commitments"]
    assert commitment["by"] == "Antony Blinken" and commitment["by_party"] == "United States"
    assert commitment["evidence"] == ["allow humanitarian access"]


def test_a_pledge_word_inside_a_demand_stays_a_demand(extract):
    result = extract("Blinken urged the Azerbaijani President to commit to a broad amnesty.")
    assert triples(result) == {("demand", "Azerbaijan", "amnesty_and_detention")}


def test_expects_x_to_is_a_demand_on_x_not_a_pledge_of_the_one_who_expects(extract):
    result = extract("The U.S. expects Azerbaijan to release the detainees.")
    assert triples(result) == {("demand", "Azerbaijan", "amnesty_and_detention")}


def test_refused_to_commit_is_no_pledge(extract):
    assert triples(extract("Armenia refused to commit to a ceasefire.")) == set()


def test_will_never_accept_is_a_refusal_but_will_not_attack_is_a_restraint(extract):
    result = extract(
        "“We will never accept this, and we will not attack civilians,” said Ilham Aliyev."
    )
    assert triples(result) == {("pledge", "Azerbaijan", "protection_of_civilians")}


def test_a_condition_is_recorded_and_kept_out_of_what_is_promised(extract):
    result = extract(
        "Azerbaijan said it would withdraw its forces from the border if Armenia did the same."
    )
    (commitment,) = result["commitments"]
    assert (commitment["kind"], commitment["obligor"], commitment["category"]) == (
        "pledge",
        "Azerbaijan",
        "cessation_of_hostilities",
    )
    assert commitment["condition"] == "if Armenia did the same"
    assert commitment["evidence"] == ["withdraw its forces from the border"]


def test_both_sides_resolves_to_the_parties_the_text_names(extract):
    result = extract(
        "Russia urged both sides to respect the ceasefire. Armenia and Azerbaijan met in Moscow."
    )
    assert triples(result) == {
        ("demand", "Armenia", "cessation_of_hostilities"),
        ("demand", "Azerbaijan", "cessation_of_hostilities"),
    }


def test_in_a_readout_the_demand_falls_on_the_leader_called(extract):
    result = extract(
        "President Biden spoke with Prime Minister Pashinyan of Armenia. The "
        "President underscored the need to release all prisoners of war."
    )
    assert triples(result) == {("demand", "Armenia", "amnesty_and_detention")}
    assert result["commitments"][0]["by"] == "Joe Biden"


def test_the_category_comes_from_what_is_demanded_not_from_the_circumstances(extract):
    result = extract("Blinken urged Aliyev to allow humanitarian access during the ceasefire.")
    assert triples(result) == {("demand", "Azerbaijan", "humanitarian_access")}


def test_coordinated_demands_are_split_by_category(extract):
    result = extract(
        "Blinken called on Aliyev to refrain from further hostilities and to "
        "provide unhindered humanitarian access."
    )
    assert triples(result) == {
        ("demand", "Azerbaijan", "cessation_of_hostilities"),
        ("demand", "Azerbaijan", "humanitarian_access"),
    }


def test_one_commitment_per_kind_obligor_and_category_citing_every_statement(extract):
    result = extract(
        "Blinken urged Aliyev to stop the hostilities. Sullivan called on "
        "Azerbaijan to end all military action."
    )
    (commitment,) = result["commitments"]
    assert len(commitment["evidence"]) == 2 and len(commitment["statements"]) == 2


def test_reported_speech_nested_several_deep_keeps_its_chain_and_date(extract):
    text = (
        "YEREVAN, SEPTEMBER 27, ARMENPRESS. Blinken spoke with Aliyev on September 26. "
        "According to Miller, the Azerbaijani President told Blinken that there will be "
        "no further military action."
    )
    result = extract(text, published=dt.date(2023, 9, 27))
    assert ("pledge", "Azerbaijan", "cessation_of_hostilities") in triples(result)
    told = next(
        s for s in result["statements"] if s["chain"] and s["chain"][0]["relation"] == "told"
    )
    assert told["chain"] == [
        {"relation": "told", "who": "Ilham Aliyev", "to": "Antony Blinken"},
        {"relation": "reported", "who": "Matthew Miller", "to": None},
        {"relation": "published", "who": "ARMENPRESS", "to": None},
    ]
    assert told["date_spoken"] == "2023-09-26"


def test_the_azerbaijani_president_is_resolved_at_the_date_of_the_document(extract):
    result = extract(
        "The Azerbaijani President urged Armenia to sign the peace treaty.",
        published=dt.date(2023, 9, 27),
    )
    assert result["commitments"][0]["by"] == "Ilham Aliyev"


def test_people_and_parties_unknown_to_the_registry_are_proposed(extract):
    result = extract(
        "Foreign Minister Maria Exampleva of Ruritania urged the rebels to release the hostages."
    )
    proposals = {(p["kind"], p["name"]) for p in result["proposals"]}
    assert ("person", "Maria Exampleva") in proposals


def test_places_unknown_to_the_registry_are_never_proposed_as_parties(extract):
    result = extract(
        "Geneva will host the talks. Khankendi promised to open the road. "
        "The Sunrise Brigade pledged to withdraw from the ridge."
    )
    proposals = {p["name"] for p in result["proposals"]}
    assert "Geneva" not in proposals and "Khankendi" not in proposals
    assert not any(c["obligor"] in {"Geneva", "Khankendi"} for c in result["commitments"])


def test_scope_names_the_area_and_population_where_the_text_gives_them(extract):
    result = extract("Blinken urged Aliyev to protect civilians in Nagorno-Karabakh.")
    (commitment,) = result["commitments"]
    scope = commitment["scope"]
    assert (scope["area"], scope["population"]) == ("Nagorno-Karabakh", "civilians")


def test_a_deadline_is_read_from_by_a_date_or_within_a_delay(extract):
    result = extract(
        "On September 26, Blinken urged Aliyev to release the detainees by October 15.",
        published=dt.date(2023, 9, 27),
    )
    assert result["commitments"][0]["deadline"] == "2023-10-15"
    result = extract(
        "On September 26, Blinken urged Aliyev to open the road within 3 days.",
        published=dt.date(2023, 9, 27),
    )
    assert result["commitments"][0]["deadline"] == "2023-09-29"


def test_according_to_names_the_speaker_of_a_quote(extract):
    result = extract("According to Matthew Miller, “the talks will go on next week.”")
    assert [q["speaker"] for q in result["quotes"]] == ["Matthew Miller"]


def test_the_area_is_resolved_to_a_place_of_the_gazetteer(extractor):
    from abide.extraction import read_text
    from abide.extraction.extractor import Extractor
    from abide.extraction.prediction import to_prediction
    from abide.geo.gazetteer import Gazetteer

    with_places = Extractor(extractor.registry, nlp=extractor.nlp, gazetteer=Gazetteer())
    result = to_prediction(
        with_places.extract(
            read_text(
                "Blinken urged Aliyev to protect civilians in Stepanakert.",
                published=dt.date(2023, 9, 27),
            )
        )
    )
    place = result["commitments"][0]["scope"]["place"]
    assert place["country"] == "AZ" and abs(place["latitude"] - 39.82) < 0.2


JOINT = (
    "Joint Statement of the United States and Armenia\n\n"
    "The leaders committed to continue the peace talks. We commit to deliver humanitarian "
    "aid to the displaced. Both leaders called for a ceasefire."
)


def test_a_joint_statement_binds_each_party_its_title_names(extract):
    result = extract(JOINT)

    assert result["title"] == "Joint Statement of the United States and Armenia"
    assert triples(result) == {
        ("pledge", "United States", "peace_process"),
        ("pledge", "Armenia", "peace_process"),
        ("pledge", "United States", "humanitarian_access"),
        ("pledge", "Armenia", "humanitarian_access"),
        ("demand", "unspecified", "cessation_of_hostilities"),
    }


def test_a_joint_statement_proposes_a_signatory_country_the_registry_does_not_know(extract):
    result = extract(
        "Joint Statement from the Leaders of the United States and the Republic of Indonesia\n\n"
        "The two leaders committed to continue the peace talks. Both leaders pledged to deliver "
        "humanitarian aid to the displaced."
    )

    assert triples(result) == {
        ("pledge", "United States", "peace_process"),
        ("pledge", "Indonesia", "peace_process"),
        ("pledge", "United States", "humanitarian_access"),
        ("pledge", "Indonesia", "humanitarian_access"),
    }
    assert [(p["kind"], p["name"]) for p in result["proposals"]] == [("party", "Indonesia")]


@pytest.mark.parametrize(
    ("title", "parties"),
    [
        ("U.S.-Armenia Joint Leaders’ Statement", ("United States", "Armenia")),
        ("Joint Statement by President Biden and President Macron", ("United States", "France")),
    ],
)
def test_a_joint_leaders_statement_or_one_naming_leaders_binds_their_states(
    extract, title, parties
):
    result = extract(f"{title}\n\nThe leaders committed to continue the peace talks.")

    assert triples(result) == {("pledge", party, "peace_process") for party in parties}


def test_a_city_in_a_joint_statements_title_is_no_signatory(extract):
    """Only countries are signatories: a title naming one country and a city names too few,
    and the city is never proposed as a party."""
    alone = extract(
        "Joint Statement of the United States on the Talks in Geneva\n\n"
        "The leaders committed to continue the peace talks."
    )
    two = extract(
        "Joint Statement of the United States and Switzerland on the Talks in Geneva\n\n"
        "The leaders committed to continue the peace talks."
    )

    assert triples(alone) == set() and alone["proposals"] == []
    assert triples(two) == {
        ("pledge", "United States", "peace_process"),
        ("pledge", "Switzerland", "peace_process"),
    }
    assert [p["name"] for p in two["proposals"]] == ["Switzerland"]


def test_only_a_joint_statement_makes_its_leaders_and_its_we_the_parties_it_names(extract):
    result = extract(JOINT.replace("Joint Statement of", "Statement on"))

    assert triples(result) == {("demand", "unspecified", "cessation_of_hostilities")}


def test_a_quoted_speaker_in_a_joint_statement_speaks_for_their_own_party(extract):
    result = extract(
        "Joint Statement of the United States and Armenia\n\n"
        "“We will release the detainees,” said Ilham Aliyev."
    )

    assert triples(result) == {("pledge", "Azerbaijan", "amnesty_and_detention")}


def readout(title: str, body: str) -> str:
    return (
        f'---\ntitle: "{title}"\n'
        "source_url: https://www.whitehouse.gov/briefing-room/statements-releases/readout/\n"
        f"---\n\n{body}"
    )


def test_a_readouts_leaders_are_the_narrator_and_the_parties_its_title_names(extract):
    result = extract(
        readout(
            "Readout of President Biden’s Call with President Macron of France and "
            "Chancellor Scholz of Germany",
            "The leaders committed to continue the peace talks.",
        )
    )

    assert triples(result) == {
        ("pledge", "United States", "peace_process"),
        ("pledge", "France", "peace_process"),
        ("pledge", "Germany", "peace_process"),
    }


def test_a_readout_naming_no_party_or_without_a_narrator_has_no_participants(extract):
    """ "The leaders" of a readout whose title names nobody after "with", or of a text no party
    narrates, are not the title's parties."""
    nobody = extract(
        readout(
            "Readout of the President’s Meeting with Business Leaders",
            "The leaders committed to continue the peace talks.",
        )
    )
    no_narrator = extract(
        "Readout of President Biden’s Call with President Macron of France\n\n"
        "The leaders committed to continue the peace talks."
    )

    assert ("pledge", "France", "peace_process") not in triples(nobody) | triples(no_narrator)
    assert ("pledge", "United States", "peace_process") not in triples(no_narrator)
