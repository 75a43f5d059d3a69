"""Training the commitment ranker (``abide.extraction.ranking``) on the corpus.

The sentence classifier's scores on a train document must be as good as they will be on a new
one, or the ranker learns to trust them too much: each train document is scored by a sentence
classifier trained on the other folds of the train split (``FOLDS``), the dev documents by the
classifier trained on all of it. The network is trained on the train documents, seeded; its
threshold is the one that gives the best F1 over the train documents by cross-validation (the
scoring's rules: a document's triples against its required gold triples, optional ones neither
right nor wrong), so that dev, never used to choose, measures it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from abide.extraction.ranking import (
    RULE_KEPT,
    RankerModel,
    RankingInput,
    Triple,
    features,
    party_key,
)
from abide.extraction.registry import RegistrySnapshot
from abide.extraction.scoring import PRF, load_gold

if TYPE_CHECKING:
    from abide.extraction.extractor import Extractor


class Scorer(Protocol):
    def scores(self, texts: list[str]) -> list[dict[str, float]]: ...


FOLDS = 4
HIDDEN = 32
EPOCHS = 20
BATCH = 256
LEARN_RATE = 0.003
L2 = 1e-4
THRESHOLDS = tuple(round(0.1 + 0.05 * i, 2) for i in range(12))  # 0.10 … 0.65
KEEPS = (0.0, 0.05, 0.1, 0.15, 0.2)  # for the rules' own answers; never above the threshold


@dataclass
class LabelledDocument:
    name: str
    input: RankingInput
    required: set[Triple]
    optional: set[Triple]


def gold_triples(gold: dict, registry: RegistrySnapshot) -> tuple[set[Triple], set[Triple]]:
    """The required and the optional triples of a gold file."""
    required: set[Triple] = set()
    optional: set[Triple] = set()
    for entry in gold.get("commitments") or []:
        triple = (
            str(entry.get("kind")),
            party_key(entry.get("obligor"), registry),
            str(entry.get("category")),
        )
        (optional if entry.get("optional") else required).add(triple)
    return required, optional - required


def labelled(
    files: Iterable[Path], extractor: Extractor, classifier: Scorer, registry: RegistrySnapshot
) -> list[LabelledDocument]:
    """Each gold file's text read by the rules and scored by ``classifier``, with its labels."""
    from abide.extraction import read_file

    documents = []
    for path in files:
        gold = load_gold(path)
        published = (gold.get("context") or {}).get("published")
        document = read_file(
            gold["text_path"], published=dt.date.fromisoformat(published) if published else None
        )
        _, ranking_input = extractor.rules_and_ranking_input(document, classifier)
        required, optional = gold_triples(gold, registry)
        documents.append(LabelledDocument(path.name, ranking_input, required, optional))
    return documents


def _matrix(documents: list[LabelledDocument]):
    rows, labels, weights, owners = [], [], [], []
    for index, document in enumerate(documents):
        keys, matrix = features(document.input)
        rows.append(matrix)
        for key in keys:
            labels.append(1.0 if key in document.required else 0.0)
            weights.append(0.0 if key in document.optional else 1.0)
            owners.append((index, key))
    return (
        np.concatenate(rows) if rows else np.zeros((0, 0)),
        np.asarray(labels),
        np.asarray(weights),
        owners,
    )


def f1(
    documents: list[LabelledDocument],
    owners: list[tuple[int, Triple]],
    probabilities: np.ndarray,
    threshold: float,
    keep: float | None = None,
    rule_kept: np.ndarray | None = None,
) -> dict:
    """Micro-averaged precision, recall and F1 of the triples kept at ``threshold`` (at
    ``keep`` for those ``rule_kept`` marks: the rules' own answers)."""
    keep = threshold if keep is None else min(keep, threshold)
    if rule_kept is None:
        rule_kept = np.zeros(len(owners))
    kept: dict[int, set[Triple]] = {}
    for (index, key), p, rule in zip(owners, probabilities, rule_kept, strict=True):
        if p >= (keep if rule else threshold):
            kept.setdefault(index, set()).add(key)
    total = PRF()
    for index, document in enumerate(documents):
        found = kept.get(index, set())
        total += PRF(
            len(found & document.required),
            len(found - document.required - document.optional),
            len(document.required - found),
        )
    return _as_dict(total)


def _as_dict(counts: PRF) -> dict:
    return {
        "p": round(counts.precision, 3),
        "r": round(counts.recall, 3),
        "f": round(counts.f1, 3),
        "tp": counts.tp,
        "fp": counts.fp,
        "fn": counts.fn,
    }


def _network(documents: list[LabelledDocument], seed: int) -> RankerModel:
    """The network trained on ``documents`` (seeded); its threshold is left at 0.5."""
    from thinc.api import Adam, fix_random_seed

    matrix, labels, weights, _ = _matrix(documents)
    mean = matrix.mean(axis=0)
    scale = matrix.std(axis=0) + 1e-6
    standard = ((matrix - mean) / scale).astype("float32")
    fix_random_seed(seed)
    network = RankerModel.network_for(HIDDEN)
    network.initialize(X=standard[:2], Y=labels[:2, None].astype("float32"))
    optimizer = Adam(LEARN_RATE, L2=L2)
    order_of = np.random.default_rng(seed)
    for _ in range(EPOCHS):
        order = order_of.permutation(len(standard))
        for start in range(0, len(order), BATCH):
            batch = order[start : start + BATCH]
            predicted, backprop = network.begin_update(standard[batch])
            gradient = (predicted[:, 0] - labels[batch]) * weights[batch] / len(batch)
            backprop(gradient[:, None].astype("float32"))
            network.finish_update(optimizer)
    return RankerModel(network, mean=mean, scale=scale, threshold=0.5, hidden=HIDDEN)


def _scores_at(
    documents: list[LabelledDocument], model: RankerModel
) -> dict[tuple[float, float], dict]:
    """The scores at every pair of thresholds (threshold, keep)."""
    matrix, _, _, owners = _matrix(documents)
    probabilities = model.probabilities(matrix) if owners else np.zeros(0)
    rule_kept = matrix[:, RULE_KEPT] if owners else np.zeros(0)
    return {
        (t, k): f1(documents, owners, probabilities, t, k, rule_kept)
        for t in THRESHOLDS
        for k in KEEPS
        if k <= t
    }


def _pooled(counts: list[dict]) -> dict:
    return _as_dict(sum((PRF(c["tp"], c["fp"], c["fn"]) for c in counts), PRF()))


def fit(
    train: list[LabelledDocument],
    dev: list[LabelledDocument],
    *,
    seed: int = 13,
    folds: int = FOLDS,
    exact: Sequence[LabelledDocument] = (),
) -> RankerModel:
    """The network trained on ``train`` (seeded). Its thresholds are the pair with the best F1
    over ``train`` by cross-validation (each fold scored by a network trained on the others)
    among those that read every document of ``exact`` exactly (all its required triples,
    nothing wrong), so that nothing is chosen on ``dev``, whose score is reported at them."""
    folds = max(2, min(folds, len(train)))
    by_fold = []
    for fold in range(folds):
        rest = [d for i, d in enumerate(train) if i % folds != fold]
        held = [d for i, d in enumerate(train) if i % folds == fold]
        by_fold.append(_scores_at(held, _network(rest, seed)))
    cross = {pair: _pooled([scores[pair] for scores in by_fold]) for pair in by_fold[0]}
    model = _network(train, seed)
    allowed = list(cross)
    if exact:
        on_exact = _scores_at(list(exact), model)
        allowed = [p for p in cross if on_exact[p]["fp"] == 0 and on_exact[p]["fn"] == 0]
    best = max(allowed or cross, key=lambda pair: (cross[pair]["f"], -pair[0], pair[1]))
    model.threshold, model.keep = best
    model.scores = {
        "threshold_chosen_on": "train, by cross-validation",
        "exact_on": sorted(d.name for d in exact) if allowed else [],
        "train_cross_validated": cross[best],
        "dev": _scores_at(dev, model)[best],
    }
    return model
