"""Extraction errors by kind, each pinned on a small hand-made gold and prediction."""

from __future__ import annotations

from pathlib import Path

import pytest

from abide.extraction.error_kinds import (
    COMMITMENT_KINDS,
    QUOTE_KINDS,
    classify,
    commitment_errors,
    error_counts,
    error_table,
    errors_as_dict,
    quote_errors,
)
from abide.extraction.registry import RegistrySnapshot
from abide.extraction.scoring import NameMatcher, score_document

STARTER_REGISTRY = (
    Path(__file__).resolve().parents[2] / "registry" / "data" / "starter_registry.yaml"
)

CEASEFIRE = "Azerbaijan pledged to respect the ceasefire along the line of contact."
CONVOYS = "Blinken urged Azerbaijan to let the aid convoys through the Lachin corridor."
TALKS = "The two leaders agreed to resume the peace talks in Washington next month."
DETAINEES = "Armenia called for the release of all detainees held since the war."


@pytest.fixture(scope="module")
def names() -> NameMatcher:
    return NameMatcher(RegistrySnapshot.from_file(STARTER_REGISTRY))


def c(kind: str, obligor: str, category: str, *evidence: str, **extra: object) -> dict:
    return {
        "kind": kind,
        "obligor": obligor,
        "category": category,
        "evidence": list(evidence),
        **extra,
    }


def gold(*commitments: dict, quotes: tuple = ()) -> dict:
    return {"commitments": list(commitments), "quotes": list(quotes)}


def kinds(items) -> list[tuple[str, str, str]]:
    return sorted((i.side, i.kind, i.item) for i in items)


def test_a_prediction_with_another_obligor_near_a_missed_entry_is_a_wrong_party(names):
    truth = gold(c("demand", "Azerbaijan", "humanitarian_access", CONVOYS))
    guess = gold(c("demand", "Armenia", "humanitarian_access", CONVOYS))
    assert kinds(commitment_errors(truth, guess, names=names)) == [
        ("missed", "wrong_party", "commitment (demand, Azerbaijan, humanitarian_access)"),
        ("spurious", "wrong_party", "commitment (demand, Armenia, humanitarian_access)"),
    ]


def test_a_prediction_with_another_category_near_a_missed_entry_is_a_wrong_category(names):
    truth = gold(c("demand", "Azerbaijan", "humanitarian_access", CONVOYS))
    guess = gold(c("demand", "Azerbaijan", "freedom_of_movement", CONVOYS))
    items = commitment_errors(truth, guess, names=names)
    assert {(i.side, i.kind) for i in items} == {
        ("missed", "wrong_category"),
        ("spurious", "wrong_category"),
    }
    spurious = next(i for i in items if i.side == "spurious")
    assert spurious.near == "commitment (demand, Azerbaijan, humanitarian_access)"


def test_a_pledge_read_where_the_gold_has_a_demand_is_a_wrong_kind(names):
    truth = gold(c("demand", "Azerbaijan", "cessation_of_hostilities", CEASEFIRE))
    guess = gold(c("pledge", "Azerbaijan", "cessation_of_hostilities", CEASEFIRE))
    assert {i.kind for i in commitment_errors(truth, guess, names=names)} == {"wrong_kind"}


def test_the_same_difference_far_from_the_missed_entry_is_a_false_cue_and_a_missed_cue(names):
    truth = gold(c("demand", "Azerbaijan", "humanitarian_access", CONVOYS))
    guess = gold(c("demand", "Armenia", "humanitarian_access", TALKS))
    assert kinds(commitment_errors(truth, guess, names=names)) == [
        ("missed", "missed_cue", "commitment (demand, Azerbaijan, humanitarian_access)"),
        ("spurious", "false_cue", "commitment (demand, Armenia, humanitarian_access)"),
    ]


def test_a_second_prediction_from_a_found_entrys_evidence_is_a_split(names):
    truth = gold(c("pledge", "Azerbaijan", "cessation_of_hostilities", CEASEFIRE))
    guess = gold(
        c("pledge", "Azerbaijan", "cessation_of_hostilities", CEASEFIRE),
        c("pledge", "Armenia", "peace_process", CEASEFIRE),
    )
    assert kinds(commitment_errors(truth, guess, names=names)) == [
        ("spurious", "split_merged", "commitment (pledge, Armenia, peace_process)"),
    ]


def test_a_gold_entry_whose_evidence_another_prediction_took_is_merged(names):
    truth = gold(
        c("pledge", "Armenia", "peace_process", TALKS),
        c("pledge", "Azerbaijan", "peace_process", TALKS),
    )
    guess = gold(c("pledge", "Armenia", "peace_process", TALKS))
    (item,) = commitment_errors(truth, guess, names=names)
    assert (item.side, item.kind, item.near) == (
        "missed",
        "split_merged",
        "commitment (pledge, Armenia, peace_process)",
    )


def test_a_place_or_a_name_the_gold_never_gives_as_obligor_is_a_false_party(names):
    truth = gold(c("demand", "Azerbaijan", "humanitarian_access", CONVOYS))
    guess = gold(
        c("demand", "Geneva", "peace_process", TALKS),
        c("demand", "Azerbaijan", "humanitarian_access", CONVOYS),
        c("demand", "Armenia", "amnesty_and_detention", DETAINEES, by="Khankendi"),
    )
    items = commitment_errors(truth, guess, names=names)
    assert [(i.kind, i.item, i.near) for i in items] == [
        ("false_party", "commitment (demand, Geneva, peace_process)", "Geneva"),
        ("false_party", "commitment (demand, Armenia, amnesty_and_detention)", "Khankendi"),
    ]


def test_a_party_the_registry_knows_or_the_gold_names_is_no_false_party(names):
    truth = gold(
        c("demand", "Sunrise Brigade", "cessation_of_hostilities", CEASEFIRE),
        quotes=({"speaker": "Maria Exampleva", "text": "We will talk."},),
    )
    guess = gold(
        c("pledge", "Russia", "other", TALKS),
        c("demand", "Sunrise Brigade", "other", DETAINEES, by="Maria Exampleva"),
        c("demand", "unspecified", "other", CONVOYS),
    )
    items = commitment_errors(truth, guess, names=names)
    assert "false_party" not in {i.kind for i in items}
    assert {i.kind for i in items if i.side == "spurious"} == {"false_cue"}


def test_near_a_missed_entry_with_two_differences_is_a_misread(names):
    truth = gold(c("demand", "Azerbaijan", "humanitarian_access", CONVOYS))
    guess = gold(c("demand", "Armenia", "freedom_of_movement", CONVOYS))
    assert {i.kind for i in commitment_errors(truth, guess, names=names)} == {"misread"}


def test_near_an_optional_entry_with_one_difference_counts_on_the_spurious_side_only(names):
    truth = gold(c("pledge", "Azerbaijan", "other", CEASEFIRE, optional=True))
    guess = gold(c("pledge", "Azerbaijan", "cessation_of_hostilities", CEASEFIRE))
    (item,) = commitment_errors(truth, guess, names=names)
    assert (item.side, item.kind) == ("spurious", "wrong_category")
    assert item.near.endswith("(optional)")


def test_a_gold_entry_without_evidence_is_near_everything(names):
    truth = gold(c("demand", "Azerbaijan", "humanitarian_access"))
    guess = gold(c("demand", "Armenia", "humanitarian_access", TALKS))
    assert {i.kind for i in commitment_errors(truth, guess, names=names)} == {"wrong_party"}


def test_the_counts_of_each_side_add_up_to_the_false_positives_and_negatives(names):
    truth = gold(
        c("pledge", "Azerbaijan", "cessation_of_hostilities", CEASEFIRE),
        c("demand", "Azerbaijan", "humanitarian_access", CONVOYS),
        c("pledge", "Armenia", "peace_process", TALKS),
        c("pledge", "Azerbaijan", "peace_process", TALKS),
        c("demand", "Armenia", "amnesty_and_detention", DETAINEES),
    )
    guess = gold(
        c("pledge", "Azerbaijan", "cessation_of_hostilities", CEASEFIRE),
        c("pledge", "Armenia", "monitoring_access", CEASEFIRE),
        c("demand", "Armenia", "humanitarian_access", CONVOYS),
        c("pledge", "Armenia", "peace_process", TALKS),
        c("demand", "Geneva", "other", "Geneva hosted a conference on mines."),
    )
    score = score_document(truth, guess, names=names)
    items = commitment_errors(truth, guess, names=names)
    assert sum(i.side == "spurious" for i in items) == score.commitments.fp == 3
    assert sum(i.side == "missed" for i in items) == score.commitments.fn == 3
    assert kinds(items) == [
        ("missed", "missed_cue", "commitment (demand, Armenia, amnesty_and_detention)"),
        ("missed", "split_merged", "commitment (pledge, Azerbaijan, peace_process)"),
        ("missed", "wrong_party", "commitment (demand, Azerbaijan, humanitarian_access)"),
        ("spurious", "false_party", "commitment (demand, Geneva, other)"),
        ("spurious", "split_merged", "commitment (pledge, Armenia, monitoring_access)"),
        ("spurious", "wrong_party", "commitment (demand, Armenia, humanitarian_access)"),
    ]


def test_quotes_are_missed_spurious_or_said_by_the_wrong_speaker(names):
    said = "We will open the road to every convoy within two days."
    truth = gold(
        quotes=(
            {"speaker": "Ilham Aliyev", "text": said},
            {"speaker": "Nikol Pashinyan", "text": "Peace is within reach."},
        )
    )
    guess = gold(
        quotes=(
            {"speaker": "Antony Blinken", "text": said},
            {"speaker": "Antony Blinken", "text": "Nothing of the kind was said."},
        )
    )
    items = quote_errors(truth, guess, names=names)
    assert sorted((i.side, i.kind) for i in items) == [
        ("missed", "missed"),
        ("missed", "wrong_speaker"),
        ("spurious", "spurious"),
        ("spurious", "wrong_speaker"),
    ]
    wrong = next(i for i in items if i.kind == "wrong_speaker" and i.side == "spurious")
    assert wrong.item.startswith("quote Antony Blinken") and "Ilham Aliyev" in wrong.near


def test_the_table_and_the_json_count_every_kind_by_side(names):
    truth = gold(c("demand", "Azerbaijan", "humanitarian_access", CONVOYS))
    guess = gold(
        c("demand", "Armenia", "humanitarian_access", CONVOYS),
        c("pledge", "United States", "other", TALKS),
    )
    items = classify([("doc", truth, guess)], names=names)
    counts = error_counts(items)
    assert list(counts["commitments"]) == list(COMMITMENT_KINDS)
    assert list(counts["quotes"]) == list(QUOTE_KINDS)
    assert counts["commitments"]["wrong_party"] == {"spurious": 1, "missed": 1}
    assert counts["commitments"]["false_cue"] == {"spurious": 1, "missed": 0}
    table = error_table(items).splitlines()
    assert table[0].split() == ["errors", "by", "kind", "spurious", "missed"]
    rows = [row.rsplit(maxsplit=2) for row in table if row.startswith("  ")]
    assert ["  wrong party", "1", "1"] in rows
    assert ["  false cue", "1", "-"] in rows
    assert ["  missed cue", "-", "0"] in rows
    assert rows[len(COMMITMENT_KINDS)] == ["  total", "2", "1"]
    data = errors_as_dict(items)
    assert data["counts"] == counts
    assert {
        "document": "doc",
        "what": "commitment",
        "side": "missed",
        "kind": "wrong_party",
        "item": "commitment (demand, Azerbaijan, humanitarian_access)",
        "near": "commitment (demand, Armenia, humanitarian_access)",
    } in data["items"]


def test_a_joint_demander_is_a_false_party_only_if_one_of_its_parties_is(names):
    truth = gold(c("demand", "Russia", "cessation_of_hostilities", CEASEFIRE))
    joint = c("demand", "Iran", "other", TALKS, by_party="Armenia and Azerbaijan")
    place = c("demand", "Iran", "peace_process", TALKS, by_party="Armenia and Khankendi")
    items = commitment_errors(truth, gold(joint, place), names=names)
    assert [(i.kind, i.near) for i in items if i.side == "spurious"] == [
        ("false_cue", None),
        ("false_party", "Armenia and Khankendi"),
    ]
