"""The commitment ranker: which triples it considers, what it keeps, and how the kept ones become
commitments. Each test sets the ranker's network by hand (one feature decides), so that the rule
under test, not a trained model, decides the outcome."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from abide.extraction import Extractor, RegistrySnapshot, read_text
from abide.extraction.prediction import to_prediction
from abide.extraction.ranking import (
    FEATURES,
    RankerModel,
    RankingInput,
    RuleAnswer,
    ScoredSentence,
    features,
)
from abide.extraction.tests.conftest import triples
from abide.extraction.training.corpus import LABELS
from abide.extraction.training.ranker import LabelledDocument, fit
from abide.registry.files import STARTER_REGISTRY

PLEDGE_THE_RULES_MISS = (
    "The United States will continue to provide humanitarian assistance to the people of Gaza."
)
RULE_PLEDGE = "Azerbaijan pledged to release all Armenian detainees by the end of the month."


def one_feature_ranker(feature: str, *, threshold: float = 0.5) -> RankerModel:
    """A ranker whose probability is sigmoid(10 x − 5) of one feature x (0 → 0.007, 1 → 0.993)."""
    network = RankerModel.network_for(1)
    network.initialize(X=np.zeros((1, len(FEATURES)), dtype="float32"))
    relu = next(node for node in network.walk() if node.name == "relu" and node.has_param("W"))
    sigmoid = network.layers[-1]
    weights = np.zeros((1, len(FEATURES)), dtype="float32")
    weights[0, FEATURES.index(feature)] = 1.0
    relu.set_param("W", weights)
    relu.set_param("b", np.zeros(1, dtype="float32"))
    sigmoid.set_param("W", np.array([[10.0]], dtype="float32"))
    sigmoid.set_param("b", np.array([-5.0], dtype="float32"))
    size = len(FEATURES)
    return RankerModel(
        network, mean=np.zeros(size), scale=np.ones(size), threshold=threshold, hidden=1
    )


class FixedScores:
    """A sentence classifier that gives every sentence the same scores, and a given ranker."""

    def __init__(self, ranker: RankerModel, **cats: float) -> None:
        self.ranker = ranker
        self.cats = {label: cats.get(label, 0.0) for label in LABELS}

    def scores(self, texts: list[str]) -> list[dict[str, float]]:
        return [dict(self.cats) for _ in texts]


@pytest.fixture(scope="module")
def registry() -> RegistrySnapshot:
    return RegistrySnapshot.from_file(STARTER_REGISTRY)


def extract_with(registry, classifier: FixedScores, text: str) -> dict:
    extractor = Extractor(registry, learned=False)
    extractor.classifier = classifier
    document = read_text(text, published=dt.date(2023, 9, 27))
    return to_prediction(extractor.extract(document))


def test_every_kind_and_category_of_each_possible_obligor_is_a_candidate():
    document = RankingInput(
        sentences=[
            ScoredSentence(
                0, 40, {label: 0.0 for label in LABELS} | {"commitment": 0.9}, ("armenia",)
            ),
            ScoredSentence(41, 80, {label: 0.0 for label in LABELS}, ("russia",)),
        ],
        rules=[RuleAnswer("pledge", "azerbaijan", "other", 0.4, ((0, 10),))],
        narrator="united-states",
        signatories=("france", "germany"),
        length=80,
    )
    keys, matrix = features(document)
    obligors = {obligor for _, obligor, _ in keys}
    # the rules' obligor, the narrator, the signatories, a party named in a sentence the
    # classifier finds a commitment in, and unspecified; not a party named elsewhere
    assert obligors == {
        "azerbaijan",
        "united-states",
        "france",
        "germany",
        "armenia",
        "unspecified",
    }
    assert len(keys) == 6 * 2 * 9 and matrix.shape == (len(keys), len(FEATURES))
    row = matrix[keys.index(("pledge", "azerbaijan", "other"))]
    assert row[FEATURES.index("rule_exact")] == 1.0
    assert row[FEATURES.index("rule_confidence")] == pytest.approx(0.4)
    other = matrix[keys.index(("pledge", "azerbaijan", "peace_process"))]
    assert other[FEATURES.index("rule_exact")] == 0.0
    assert other[FEATURES.index("rule_same_party_and_kind_category_other")] == 1.0


def test_a_triple_is_kept_exactly_when_its_probability_reaches_the_threshold():
    ranker = one_feature_ranker("rule_exact", threshold=0.5)
    document = RankingInput(
        sentences=[ScoredSentence(0, 40, {label: 0.0 for label in LABELS})],
        rules=[RuleAnswer("demand", "unspecified", "cessation_of_hostilities", 0.3, ((0, 5),))],
        length=40,
    )
    assert set(ranker.choose(document)) == {("demand", "unspecified", "cessation_of_hostilities")}
    ranker.threshold = 0.995  # above sigmoid(5)
    assert ranker.choose(document) == {}
    ranker.threshold = 0.5
    assert ranker.confidence(0.5) == 0.5 and ranker.confidence(1.0) == 1.0


def test_the_rules_commitments_the_ranker_keeps_keep_their_evidence(registry):
    rules = to_prediction(
        Extractor(registry, learned=False).extract(
            read_text(RULE_PLEDGE, published=dt.date(2023, 9, 27))
        )
    )
    ranked = extract_with(registry, FixedScores(one_feature_ranker("rule_exact")), RULE_PLEDGE)
    assert triples(ranked) == triples(rules) == {("pledge", "Azerbaijan", "amnesty_and_detention")}
    assert ranked["commitments"][0]["evidence"] == rules["commitments"][0]["evidence"]
    assert ranked["commitments"][0]["confidence"] > 0.9


def test_a_rule_commitment_the_ranker_does_not_keep_is_dropped(registry):
    ranker = one_feature_ranker("party_kind_commitment_category")
    assert triples(extract_with(registry, FixedScores(ranker), RULE_PLEDGE)) == set()


def test_a_pledge_the_rules_miss_is_added_on_its_sentence_with_its_speaker(registry):
    ranker = one_feature_ranker("party_kind_commitment_category")
    scores = FixedScores(ranker, commitment=0.9, pledge=0.9, humanitarian_access=0.9)
    extractor = Extractor(registry, learned=False)
    assert triples(to_prediction(extractor.extract(read_text(PLEDGE_THE_RULES_MISS)))) == set()
    extractor.classifier = scores
    result = extractor.extract(read_text(PLEDGE_THE_RULES_MISS, published=dt.date(2023, 9, 27)))
    prediction = to_prediction(result)
    # every sentence mentioning the United States scores 0.729 for a humanitarian pledge; the
    # unspecified obligor is scored over every sentence too, and is kept as well
    assert ("pledge", "United States", "humanitarian_access") in triples(prediction)
    commitment = next(c for c in result.commitments if c.obligor and c.obligor.party)
    assert commitment.evidence[0].text == PLEDGE_THE_RULES_MISS
    (statement,) = commitment.statements
    assert result.statements[statement].speaker.party_name == "United States"


def test_a_rule_commitment_moved_to_another_category_keeps_its_evidence(registry):
    ranker = one_feature_ranker("other_category_times_evidence_category")
    scores = FixedScores(ranker, commitment=0.9, pledge=0.9, peace_process=0.9)
    prediction = extract_with(registry, scores, RULE_PLEDGE)
    assert ("pledge", "Azerbaijan", "peace_process") in triples(prediction)
    assert ("pledge", "Azerbaijan", "amnesty_and_detention") not in triples(prediction)
    moved = next(c for c in prediction["commitments"] if c["category"] == "peace_process")
    assert moved["evidence"] == ["release all Armenian detainees by the end of the month"]


def test_a_ranker_written_and_read_back_gives_the_same_probabilities(tmp_path):
    ranker = one_feature_ranker("rule_exact", threshold=0.35)
    ranker.to_disk(tmp_path / "ranker")
    again = RankerModel.from_disk(tmp_path / "ranker")
    matrix = np.random.default_rng(1).random((5, len(FEATURES))).astype("float32")
    assert np.allclose(ranker.probabilities(matrix), again.probabilities(matrix))
    assert again.threshold == 0.35


def test_a_ranker_of_other_features_is_refused(tmp_path):
    ranker = one_feature_ranker("rule_exact")
    ranker.to_disk(tmp_path / "ranker")
    settings = tmp_path / "ranker" / RankerModel.SETTINGS
    settings.write_text(settings.read_text().replace('"rule_exact"', '"rule_maybe"'))
    with pytest.raises(ValueError, match="other features"):
        RankerModel.from_disk(tmp_path / "ranker")


def labelled_document(name: str, confidence: float, required: bool) -> LabelledDocument:
    cats = {label: 0.1 for label in LABELS}
    triple = ("pledge", "armenia", "peace_process")
    document = RankingInput(
        sentences=[ScoredSentence(0, 50, cats, ("armenia",))],
        rules=[RuleAnswer(*triple, confidence, ((0, 10),))],
        length=50,
    )
    return LabelledDocument(name, document, {triple} if required else set(), set())


def test_training_picks_thresholds_that_read_the_founding_documents_exactly():
    """The rules' confident answers are right, their doubtful ones wrong: the ranker learns
    it, and its thresholds keep a confident answer of a document that must be read exactly."""
    train = [
        labelled_document(f"d{i}", confidence, confidence >= 0.5)
        for i, confidence in enumerate([0.9, 0.3, 0.8, 0.2, 0.7, 0.4, 0.6, 0.1] * 3)
    ]
    dev = train[:4]
    founding = labelled_document("founding", 0.75, True)

    model = fit(train, dev, seed=13, exact=[founding])

    assert set(model.choose(founding.input)) == founding.required
    assert model.scores["exact_on"] == ["founding"]
    assert model.scores["threshold_chosen_on"] == "train, by cross-validation"
    assert model.keep <= model.threshold
    assert model.scores["train_cross_validated"]["f"] == 1.0
    assert model.scores["dev"]["f"] == 1.0


def test_where_no_thresholds_read_a_document_exactly_training_says_so():
    train = [
        labelled_document(f"d{i}", confidence, confidence >= 0.5)
        for i, confidence in enumerate([0.9, 0.3, 0.8, 0.2] * 3)
    ]
    impossible = labelled_document("impossible", 0.75, False)
    impossible.required.add(("demand", "nowhere", "other"))  # no candidate for it

    model = fit(train, train[:2], seed=13, exact=[impossible])

    assert model.scores["exact_on"] == []
