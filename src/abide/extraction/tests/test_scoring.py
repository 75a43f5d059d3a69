"""The evaluation scorer: the scoring rules of the gold format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from abide.extraction.registry import RegistrySnapshot
from abide.extraction.scoring import (
    PRF,
    GoldError,
    NameMatcher,
    load_gold,
    load_predictions,
    quote_tokens,
    score,
    score_document,
)

STARTER_REGISTRY = (
    Path(__file__).resolve().parents[2] / "registry" / "data" / "starter_registry.yaml"
)
# tests → extraction → abide → src → main → /work
FOUNDING_GOLD = (
    Path(__file__).resolve().parents[5]
    / "shared"
    / "eval"
    / "armenpress-2023-09-27-blinken-aliyev.gold.json"
)
PLAIN = NameMatcher()  # no registry: names compared as written


@pytest.fixture(scope="module")
def names() -> NameMatcher:
    return NameMatcher(RegistrySnapshot.from_file(STARTER_REGISTRY))


def commitment(kind: str, obligor: str, category: str, **extra: object) -> dict:
    return {"kind": kind, "obligor": obligor, "category": category, **extra}


def quote(speaker: str | None, text: str) -> dict:
    return {"speaker": speaker, "text": text}


def doc(commitments=(), quotes=(), dateline=None) -> dict:
    return {"dateline": dateline, "quotes": list(quotes), "commitments": list(commitments)}


CEASEFIRE = commitment("pledge", "Azerbaijan", "cessation_of_hostilities")
AID = commitment("demand", "Azerbaijan", "humanitarian_access")
OBSERVERS = commitment("pledge", "Azerbaijan", "monitoring_access")
TALKS = commitment("pledge", "Armenia", "peace_process")
DATELINE = {"place": "Yerevan", "month": 9, "day": 27, "agency": "ARMENPRESS"}
TEN_WORDS = "one two three four five six seven eight nine ten"


# -- counts --------------------------------------------------------------------------------------


def test_precision_recall_and_f1_are_zero_when_undefined():
    empty = PRF(0, 0, 0)
    assert (empty.precision, empty.recall, empty.f1) == (0.0, 0.0, 0.0)
    assert PRF(0, 3, 2).f1 == 0.0
    prf = PRF(tp=2, fp=2, fn=0)
    assert prf.precision == 0.5
    assert prf.recall == 1.0
    assert prf.f1 == pytest.approx(2 / 3)


# -- commitments ---------------------------------------------------------------------------------


def test_a_perfect_prediction_scores_one(names):
    gold = doc([CEASEFIRE, AID], [quote("Antony Blinken", TEN_WORDS)], DATELINE)
    result = score_document(gold, gold, names=names)
    for prf in (result.commitments, result.quotes):
        assert (prf.precision, prf.recall, prf.f1) == (1.0, 1.0, 1.0)
    assert (result.dateline_points, result.dateline_total) == (4, 4)
    assert result.missed == []
    assert result.spurious == []


def test_a_missed_and_a_spurious_triple_are_counted_exactly(names):
    gold = doc([CEASEFIRE, AID, OBSERVERS])
    prediction = doc([CEASEFIRE, AID, TALKS])
    result = score_document(gold, prediction, names=names)
    assert (result.commitments.tp, result.commitments.fp, result.commitments.fn) == (2, 1, 1)
    assert result.commitments.precision == pytest.approx(2 / 3)
    assert result.commitments.recall == pytest.approx(2 / 3)
    assert result.missed == ["commitment (pledge, Azerbaijan, monitoring_access)"]
    assert result.spurious == ["commitment (pledge, Armenia, peace_process)"]


def test_kind_and_category_must_both_agree(names):
    gold = doc([CEASEFIRE])
    wrong_kind = commitment("demand", "Azerbaijan", "cessation_of_hostilities")
    wrong_category = commitment("pledge", "Azerbaijan", "other")
    result = score_document(gold, doc([wrong_kind, wrong_category]), names=names)
    assert (result.commitments.tp, result.commitments.fp, result.commitments.fn) == (0, 2, 1)


def test_optional_gold_triples_are_ignored_whether_predicted_or_not(names):
    gold = doc([CEASEFIRE, {**TALKS, "optional": True}])
    found = score_document(gold, doc([CEASEFIRE, TALKS]), names=names)
    not_found = score_document(gold, doc([CEASEFIRE]), names=names)
    for result in (found, not_found):
        assert (result.commitments.tp, result.commitments.fp, result.commitments.fn) == (1, 0, 0)
        assert result.missed == []
        assert result.spurious == []


def test_by_and_by_party_are_not_scored(names):
    gold = doc([{**AID, "by": "Antony Blinken", "by_party": "United States"}])
    prediction = doc([{**AID, "by": "Matthew Miller", "by_party": "France"}])
    result = score_document(gold, prediction, names=names)
    assert (result.commitments.tp, result.commitments.fp, result.commitments.fn) == (1, 0, 0)


def test_party_names_resolve_through_the_registry_aliases(names):
    assert names.same_party("US", "United States")
    assert names.same_party("Turkey", "Türkiye")
    assert names.same_party("the Azerbaijani side", "azerbaijan")
    assert not names.same_party("Turkey", "United States")
    gold = doc([commitment("demand", "United States", "peace_process")])
    prediction = doc([commitment("demand", "US", "peace_process")])
    assert score_document(gold, prediction, names=names).commitments.tp == 1


def test_without_a_registry_aliases_do_not_match_but_spelling_variants_do():
    assert not PLAIN.same_party("US", "United States")
    assert PLAIN.same_party("Türkiye", "TURKIYE")
    assert NameMatcher(None).same_party("Unknownland", "unknownland")


def test_unknown_party_names_are_compared_as_written(names):
    assert names.same_party(
        "Nagorno-Karabakh de facto authorities", "nagorno-karabakh DE FACTO authorities"
    )
    assert not names.same_party("Nagorno-Karabakh de facto authorities", "Azerbaijan")


def test_unspecified_only_equals_unspecified(names):
    assert names.same_party("unspecified", "Unspecified")
    assert not names.same_party("unspecified", "Azerbaijan")
    assert not names.same_party("Armenia", "unspecified")


def test_duplicate_predicted_triples_count_once(names):
    gold = doc([AID])
    us_demand = commitment("demand", "US", "peace_process")
    prediction = doc(
        [
            AID,
            AID,
            {**AID, "by": "someone else"},
            us_demand,
            commitment("demand", "United States", "peace_process"),
        ]
    )
    result = score_document(gold, prediction, names=names)
    assert (result.commitments.tp, result.commitments.fp, result.commitments.fn) == (1, 1, 0)


def test_a_document_without_required_triples_still_counts_false_positives(names):
    gold = doc([{**TALKS, "optional": True}])
    result = score_document(gold, doc([TALKS, CEASEFIRE, AID]), names=names)
    assert (result.commitments.tp, result.commitments.fp, result.commitments.fn) == (0, 2, 0)
    assert result.commitments.precision == 0.0


def test_a_prediction_may_lack_quotes_and_commitments_and_carry_extra_fields(names):
    gold = doc([CEASEFIRE], [quote("Antony Blinken", TEN_WORDS)])
    result = score_document(gold, {"title": "x", "confidence": 0.3}, names=names)
    assert (result.commitments.tp, result.commitments.fp, result.commitments.fn) == (0, 0, 1)
    assert (result.quotes.tp, result.quotes.fp, result.quotes.fn) == (0, 0, 1)
    extra = {**CEASEFIRE, "spans": [[0, 4]], "scope": "whatever"}
    result = score_document(gold, {"commitments": [extra], "chains": []}, names=names)
    assert result.commitments.tp == 1


# -- quotes --------------------------------------------------------------------------------------


def test_quote_texts_are_normalised_before_comparing():
    assert quote_tokens("“The Secretary,” he said — “spoke again.”") == [
        "the",
        "secretary",
        "he",
        "said",
        "spoke",
        "again",
    ]
    assert quote_tokens("  Mutual   RESPECT. ") == ["mutual", "respect"]


def test_a_quote_sharing_80_percent_of_the_gold_tokens_matches(names):
    gold = doc(quotes=[quote("Antony Blinken", TEN_WORDS)])
    eight_of_ten = "“One two three four five six seven eight,” he added"
    result = score_document(gold, doc(quotes=[quote("Antony Blinken", eight_of_ten)]), names=names)
    assert (result.quotes.tp, result.quotes.fp, result.quotes.fn) == (1, 0, 0)


def test_a_quote_sharing_less_than_80_percent_of_the_gold_tokens_does_not_match(names):
    gold = doc(quotes=[quote("Antony Blinken", TEN_WORDS)])
    seven_of_ten = "one two three four five six seven"
    result = score_document(gold, doc(quotes=[quote("Antony Blinken", seven_of_ten)]), names=names)
    assert (result.quotes.tp, result.quotes.fp, result.quotes.fn) == (0, 1, 1)


def test_token_overlap_counts_repeated_words_only_as_often_as_the_gold_has_them(names):
    gold = doc(quotes=[quote("Antony Blinken", "peace peace now and forever")])
    repeated = "peace peace peace peace peace"  # shares two of five gold tokens
    result = score_document(gold, doc(quotes=[quote("Antony Blinken", repeated)]), names=names)
    assert result.quotes.tp == 0


def test_quotes_are_matched_one_to_one(names):
    gold = doc(quotes=[quote("Antony Blinken", TEN_WORDS)])
    prediction = doc(
        quotes=[quote("Antony Blinken", TEN_WORDS), quote("Antony Blinken", TEN_WORDS)]
    )
    result = score_document(gold, prediction, names=names)
    assert (result.quotes.tp, result.quotes.fp, result.quotes.fn) == (1, 1, 0)
    assert len(result.spurious) == 1


def test_quotes_are_matched_greedily_highest_overlap_first(names):
    gold_b = "a b c d e f g h i j"
    gold_a = "a b c d e f g h i k"
    guess_1 = gold_a  # all of gold_a, 9 of gold_b's 10 tokens
    guess_2 = "c d e f g h i j x y"  # 8 of gold_b's tokens, 7 of gold_a's: only gold_b
    # Taking gold quotes in order, gold_b would take guess_1 (its best) and leave gold_a
    # without a match; the best overlap overall (gold_a, guess_1) goes first instead.
    gold = doc(quotes=[quote("Antony Blinken", gold_b), quote("Antony Blinken", gold_a)])
    prediction = doc(quotes=[quote("Antony Blinken", guess_1), quote("Antony Blinken", guess_2)])
    result = score_document(gold, prediction, names=names)
    assert (result.quotes.tp, result.quotes.fp, result.quotes.fn) == (2, 0, 0)


def test_a_quote_by_another_speaker_does_not_match(names):
    gold = doc(quotes=[quote("Antony Blinken", TEN_WORDS)])
    for speaker in ("Matthew Miller", None, ""):
        result = score_document(gold, doc(quotes=[quote(speaker, TEN_WORDS)]), names=names)
        assert (result.quotes.tp, result.quotes.fp, result.quotes.fn) == (0, 1, 1)


def test_middle_names_and_initials_do_not_stop_a_speaker_matching(names):
    assert PLAIN.same_person("Antony J. Blinken", "Antony Blinken")
    assert PLAIN.same_person("Antony John Blinken", "antony blinken")
    assert not PLAIN.same_person("Antony Blinken", "Matthew Miller")
    gold = doc(quotes=[quote("Antony Blinken", TEN_WORDS)])
    prediction = doc(quotes=[quote("Antony J. Blinken", TEN_WORDS)])
    assert score_document(gold, prediction, names=PLAIN).quotes.tp == 1


def test_the_registry_resolves_a_speaker_named_by_surname(names):
    assert names.same_person("Blinken", "Antony Blinken")
    assert not PLAIN.same_person("Blinken", "Antony Blinken")
    assert not names.same_person("Blinken", "Matthew Miller")


# -- datelines -----------------------------------------------------------------------------------


def test_a_dateline_earns_a_point_for_each_matching_field(names):
    gold = doc(dateline=DATELINE)
    cases = [
        (DATELINE, 4),
        ({"place": "YEREVAN", "month": "9", "day": 27, "agency": "Armenpress"}, 4),
        ({**DATELINE, "day": 26}, 3),
        ({**DATELINE, "place": "Baku", "agency": "APA"}, 2),
        ({"place": None, "month": 9, "day": None, "agency": None}, 1),
        (None, 0),
    ]
    for predicted, points in cases:
        result = score_document(gold, doc(dateline=predicted), names=names)
        assert (result.dateline_points, result.dateline_total) == (points, 4), predicted
        assert not result.false_dateline
    assert score_document(gold, {}, names=names).dateline_points == 0


def test_places_are_compared_through_the_place_matcher(names):
    class Gazetteer:
        def same_place(self, a: str, b: str) -> bool:
            return {a.lower(), b.lower()} <= {"yerevan", "erevan"}

    gold = doc(dateline=DATELINE)
    prediction = doc(dateline={**DATELINE, "place": "Erevan"})
    assert score_document(gold, prediction, names=names).dateline_points == 3
    assert score_document(gold, prediction, names=names, places=Gazetteer()).dateline_points == 4


def test_a_dateline_predicted_where_the_gold_has_none_is_a_false_dateline(names):
    gold = doc(dateline=None)
    result = score_document(gold, doc(dateline=DATELINE), names=names)
    assert result.false_dateline
    assert (result.dateline_points, result.dateline_total) == (0, 0)
    assert not score_document(gold, doc(dateline=None), names=names).false_dateline


# -- reports -------------------------------------------------------------------------------------


def two_documents(names: NameMatcher):
    perfect = doc([CEASEFIRE], dateline=DATELINE)
    poor_gold = doc([CEASEFIRE, AID, OBSERVERS])
    poor_prediction = doc([CEASEFIRE, TALKS], dateline=DATELINE)
    return score([("perfect", perfect, perfect), ("poor", poor_gold, poor_prediction)], names=names)


def test_the_totals_are_micro_averaged_by_summing_the_counts(names):
    report = two_documents(names)
    assert [d.name for d in report.documents] == ["perfect", "poor"]
    assert report.documents[0].commitments.f1 == 1.0
    assert report.documents[1].commitments.f1 == pytest.approx(0.4)
    total = report.commitments
    assert (total.tp, total.fp, total.fn) == (2, 1, 2)
    assert total.precision == pytest.approx(2 / 3)
    assert total.recall == pytest.approx(1 / 2)
    assert total.f1 == pytest.approx(4 / 7)  # not the mean of the F1s, 0.7
    assert report.dateline_accuracy == 1.0  # only the document with a gold dateline
    assert report.false_datelines == 1


def test_dateline_accuracy_is_none_without_gold_datelines(names):
    report = score([("a", doc([CEASEFIRE]), doc([CEASEFIRE]))], names=names)
    assert report.dateline_accuracy is None
    assert score([], names=names).commitments == PRF(0, 0, 0)


def test_the_report_as_a_dict_holds_documents_and_rounded_totals(names):
    data = two_documents(names).as_dict()
    json.dumps(data)  # JSON-ready
    assert data["total"]["commitments"] == {
        "tp": 2,
        "fp": 1,
        "fn": 2,
        "precision": 0.6667,
        "recall": 0.5,
        "f1": 0.5714,
    }
    assert data["total"]["dateline_accuracy"] == 1.0
    assert data["total"]["false_datelines"] == 1
    poor = data["documents"][1]
    assert poor["name"] == "poor"
    assert poor["commitments"]["f1"] == 0.4
    assert poor["false_dateline"] is True
    assert poor["missed"] == [
        "commitment (demand, Azerbaijan, humanitarian_access)",
        "commitment (pledge, Azerbaijan, monitoring_access)",
    ]
    assert poor["spurious"] == ["commitment (pledge, Armenia, peace_process)"]


def test_the_report_table_has_a_row_per_document_and_a_micro_row(names):
    table = two_documents(names).table()
    lines = table.splitlines()
    perfect = next(line for line in lines if line.startswith("perfect"))
    poor = next(line for line in lines if line.startswith("poor"))
    micro = next(line for line in lines if line.startswith("micro"))
    assert "1/0/0" in perfect and "4/4" in perfect
    assert "1/1/2" in poor
    assert "0.571" in micro and "2/1/2" in micro and "4/4" in micro
    assert "false datelines 1" in table


# -- loading -------------------------------------------------------------------------------------


def write_gold(tmp_path: Path, gold: object, name: str = "doc.gold.json") -> Path:
    path = tmp_path / name
    path.write_text(gold if isinstance(gold, str) else json.dumps(gold), encoding="utf-8")
    return path


def test_load_gold_resolves_the_text_beside_the_gold_file(tmp_path):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "doc.txt").write_text("Some text.", encoding="utf-8")
    path = write_gold(
        tmp_path, {"text": "texts/doc.txt", "dateline": None, "commitments": [CEASEFIRE]}
    )
    gold = load_gold(path)
    assert Path(gold["text_path"]) == (tmp_path / "texts" / "doc.txt").resolve()
    assert Path(gold["text_path"]).is_absolute()
    assert gold["commitments"] == [CEASEFIRE]


def test_load_gold_names_the_file_on_bad_json(tmp_path):
    path = write_gold(tmp_path, '{"text": "doc.txt",')
    with pytest.raises(GoldError) as error:
        load_gold(path)
    assert str(path) in str(error.value)
    assert "JSON" in str(error.value)


def test_load_gold_names_the_file_and_field_of_an_unknown_category(tmp_path):
    (tmp_path / "doc.txt").write_text("Some text.", encoding="utf-8")
    bad = commitment("pledge", "Azerbaijan", "ceasefire")
    path = write_gold(tmp_path, {"text": "doc.txt", "commitments": [CEASEFIRE, bad]})
    with pytest.raises(GoldError) as error:
        load_gold(path)
    assert str(path) in str(error.value)
    assert "commitments[1].category" in str(error.value)
    assert "'ceasefire'" in str(error.value)
    assert error.value.field == "commitments[1].category"


def test_load_gold_rejects_a_kind_other_than_pledge_or_demand(tmp_path):
    (tmp_path / "doc.txt").write_text("Some text.", encoding="utf-8")
    path = write_gold(tmp_path, {"text": "doc.txt", "commitments": [{**AID, "kind": "promise"}]})
    with pytest.raises(GoldError, match=r"commitments\[0\]\.kind"):
        load_gold(path)


def test_load_gold_names_the_file_and_field_of_a_missing_text(tmp_path):
    missing_file = write_gold(tmp_path, {"text": "nowhere.txt", "commitments": []})
    with pytest.raises(GoldError) as error:
        load_gold(missing_file)
    assert str(missing_file) in str(error.value)
    assert error.value.field == "text"
    assert "nowhere.txt" in str(error.value)

    no_field = write_gold(tmp_path, {"commitments": []}, name="other.gold.json")
    with pytest.raises(GoldError) as error:
        load_gold(no_field)
    assert str(no_field) in str(error.value)
    assert error.value.field == "text"


def test_load_predictions_reads_a_list_one_object_or_one_object_per_line(tmp_path):
    as_list = tmp_path / "list.json"
    as_list.write_text(json.dumps([doc([CEASEFIRE]), doc([AID])]), encoding="utf-8")
    as_lines = tmp_path / "lines.jsonl"
    as_lines.write_text(f"{json.dumps(doc([CEASEFIRE]))}\n\n{json.dumps(doc([AID]))}\n")
    one = tmp_path / "one.json"
    one.write_text(json.dumps(doc([AID])), encoding="utf-8")
    assert load_predictions(as_list) == load_predictions(as_lines) == [doc([CEASEFIRE]), doc([AID])]
    assert load_predictions(one) == [doc([AID])]


# -- the founding article ------------------------------------------------------------------------


def test_the_founding_articles_gold_scores_perfectly_against_itself(names):
    if not FOUNDING_GOLD.is_file():
        pytest.skip(f"{FOUNDING_GOLD} is absent: the shared evaluation data is not mounted")
    gold = load_gold(FOUNDING_GOLD)
    prediction = {
        "title": gold["title"],
        "dateline": gold["dateline"],
        "quotes": [{"speaker": q["speaker"], "text": q["text"]} for q in gold["quotes"]],
        "commitments": [
            {key: c[key] for key in ("kind", "obligor", "by", "category", "evidence")}
            for c in gold["commitments"]
            if not c.get("optional")
        ],
    }
    report = score([(FOUNDING_GOLD.name, gold, prediction)], names=names)
    assert report.commitments.f1 == 1.0
    assert report.commitments.tp == 9
    assert report.quotes.f1 == 1.0
    assert report.quotes.tp == 5
    assert report.dateline_accuracy == 1.0
    assert report.false_datelines == 0
