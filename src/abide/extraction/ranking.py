"""abide's commitment ranker: which commitments a document holds, learned from the corpus.

A document's commitments are scored as a set of ``(kind, obligor, category)`` triples. The rules
propose some (with a confidence), the sentence classifier scores every sentence for
``commitment``, ``pledge``, ``demand`` and each category, and the registry's names say which
parties each sentence mentions. The ranker takes every triple these make possible — each kind,
each category, and as obligor every party the rules named, the narrator, a joint statement's
signatories, the parties mentioned in a sentence the classifier finds a commitment in, and
``unspecified`` — describes it by the features below and keeps those its model scores at or
above its threshold; a triple the rules themselves would give (confidence 0.5 or more) needs
only the lower ``keep`` score. Both were chosen by cross-validation on the train split. The
rules' answers are features, not verdicts: a triple the rules found may be dropped and one
they missed added.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from thinc.api import Model

from abide.extraction.registry import RegistrySnapshot, normalise
from abide.registry.registry_file import CATEGORY_IDS

KINDS = ("pledge", "demand")
CATEGORIES = tuple(CATEGORY_IDS)
UNSPECIFIED = "unspecified"
#: a sentence whose ``commitment`` score reaches this offers the parties it mentions as obligors.
MENTION_SCORE = 0.2

Triple = tuple[str, str, str]


@dataclass(frozen=True)
class ScoredSentence:
    """A sentence: its characters in the text, its classifier scores and the parties (keys) it
    names."""

    start: int
    end: int
    cats: Mapping[str, float]
    parties: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleAnswer:
    """One commitment the rules found, whatever its confidence."""

    kind: str
    obligor: str
    category: str
    confidence: float
    spans: tuple[tuple[int, int], ...]


@dataclass
class RankingInput:
    """What the ranker knows of a document."""

    sentences: list[ScoredSentence]
    rules: list[RuleAnswer]
    narrator: str | None = None
    signatories: tuple[str, ...] = ()
    title_parties: tuple[str, ...] = ()
    length: int = 0
    _mentions: dict[str, list[ScoredSentence]] = field(default_factory=dict, repr=False)

    def candidates(self) -> list[str]:
        """Every obligor worth scoring, in a stable order."""
        obligors = {r.obligor for r in self.rules} | {UNSPECIFIED, *self.signatories}
        if self.narrator:
            obligors.add(self.narrator)
        for sentence in self.sentences:
            if sentence.cats.get("commitment", 0.0) >= MENTION_SCORE:
                obligors.update(sentence.parties)
        return sorted(obligors)

    def mentions(self, obligor: str) -> list[ScoredSentence]:
        if not self._mentions:
            for sentence in self.sentences:
                for party in sentence.parties:
                    self._mentions.setdefault(party, []).append(sentence)
        return self._mentions.get(obligor, [])


FEATURES: tuple[str, ...] = (
    "rule_exact",
    "rule_confidence",
    "rule_kept",
    "rule_evidence",
    "rule_same_party_and_kind_other_category",
    "rule_same_party_and_kind_category_other",
    "rule_same_party_and_category_other_kind",
    "rule_same_kind_and_category_other_party",
    "rule_same_party",
    "party_commitment_category",
    "party_category",
    "party_kind_commitment_category",
    "party_commitment_category_sum",
    "evidence_category",
    "evidence_kind",
    "narrated_commitment_category",
    "narrated_kind_commitment_category",
    "document_commitment_category",
    "document_kind_commitment_category",
    "narrator",
    "unspecified",
    "signatory",
    "in_title",
    "mention_share",
    "mentions",
    "rule_triples",
    "length",
    *(f"category_{c}" for c in CATEGORIES),
    "pledge",
    "pledge_by_narrator",
    "demand_on_unspecified",
    "pledge_by_unspecified",
    "rule_exact_times_party_category",
    "other_category_times_evidence_category",
)


RULE_KEPT = FEATURES.index("rule_kept")


def party_key(name: str | None, registry: RegistrySnapshot) -> str:
    """A party's key as the scoring compares names: the registry's id, else the name as
    written (case and accents aside); ``unspecified`` for none. Both the gold's obligors and
    the extractor's are keyed by it."""
    if not name or normalise(name) == UNSPECIFIED:
        return UNSPECIFIED
    party = registry.party_for(name)
    return party.id if party is not None else normalise(name)


def _within(sentence: ScoredSentence, spans: Sequence[tuple[int, int]]) -> bool:
    return any(sentence.start <= start < sentence.end for start, _ in spans)


#: the order of a sentence's scores in the arrays ``features`` works on.
_LABELS = ("commitment", *KINDS, *CATEGORIES)
_CATEGORY_COLUMNS = slice(1 + len(KINDS), len(_LABELS))


def _aggregates(scores: np.ndarray) -> dict[str, np.ndarray]:
    """Per category (and kind), the best and summed scores of some sentences (rows of
    ``scores``, columns ``_LABELS``); zeros for none."""
    size = len(CATEGORIES)
    if len(scores) == 0:
        zero = np.zeros(size)
        return {"cc": zero, "c": zero, "sum": zero, **{k: zero for k in KINDS}}
    commitment = scores[:, :1]
    categories = scores[:, _CATEGORY_COLUMNS]
    found = commitment * categories
    return {
        "cc": found.max(axis=0),
        "c": categories.max(axis=0),
        "sum": np.log1p(found.sum(axis=0)),
        **{kind: (found * scores[:, 1 + i : 2 + i]).max(axis=0) for i, kind in enumerate(KINDS)},
    }


def features(document: RankingInput) -> tuple[list[Triple], np.ndarray]:
    """Every candidate triple of ``document`` and its row of ``FEATURES``."""
    sentences = document.sentences
    count = max(len(sentences), 1)
    scores = np.asarray(
        [[s.cats.get(label, 0.0) for label in _LABELS] for s in sentences], dtype="float64"
    ).reshape(len(sentences), len(_LABELS))
    row_of = {id(s): i for i, s in enumerate(sentences)}
    by_triple: dict[Triple, list[RuleAnswer]] = {}
    evidence: dict[tuple[str, str], list[int]] = {}
    for rule in document.rules:
        by_triple.setdefault((rule.kind, rule.obligor, rule.category), []).append(rule)
        evidence.setdefault((rule.kind, rule.obligor), []).extend(
            i for i, s in enumerate(sentences) if _within(s, rule.spans)
        )
    rule_triples = set(by_triple)
    whole = _aggregates(scores)
    unnamed = _aggregates(scores[[i for i, s in enumerate(sentences) if not s.parties]])
    length = math.log(document.length + 1) / 10
    triples_count = math.log1p(len(rule_triples))
    keys: list[Triple] = []
    rows: list[list[float]] = []
    for obligor in document.candidates():
        mentioned = document.mentions(obligor)
        unspecified = 1.0 if obligor == UNSPECIFIED else 0.0
        among = whole if unspecified else _aggregates(scores[[row_of[id(s)] for s in mentioned]])
        narrator = 1.0 if obligor == document.narrator else 0.0
        narrated = unnamed if narrator else None
        any_rule = 1.0 if any(t[1] == obligor for t in rule_triples) else 0.0
        signatory = 1.0 if obligor in document.signatories else 0.0
        in_title = 1.0 if obligor in document.title_parties else 0.0
        for kind in KINDS:
            said = scores[evidence.get((kind, obligor), [])]
            evidence_kind = float(said[:, 1 + KINDS.index(kind)].max()) if len(said) else 0.0
            said_category = (
                said[:, _CATEGORY_COLUMNS].max(axis=0) if len(said) else np.zeros(len(CATEGORIES))
            )
            pledge = 1.0 if kind == "pledge" else 0.0
            for c, category in enumerate(CATEGORIES):
                exact = by_triple.get((kind, obligor, category), [])
                others = [
                    t[2] for t in rule_triples if t[:2] == (kind, obligor) and t[2] != category
                ]
                party_cc = float(among["cc"][c])
                evidence_category = float(said_category[c])
                rows.append(
                    [
                        1.0 if exact else 0.0,
                        max((r.confidence for r in exact), default=0.0),
                        1.0 if any(r.confidence >= 0.5 for r in exact) else 0.0,
                        math.log1p(sum(len(r.spans) for r in exact)),
                        1.0 if others else 0.0,
                        1.0 if "other" in others else 0.0,
                        1.0
                        if any(t[0] != kind and t[1:] == (obligor, category) for t in rule_triples)
                        else 0.0,
                        1.0
                        if any(
                            t[0] == kind and t[1] != obligor and t[2] == category
                            for t in rule_triples
                        )
                        else 0.0,
                        any_rule,
                        party_cc,
                        float(among["c"][c]),
                        float(among[kind][c]),
                        float(among["sum"][c]),
                        evidence_category,
                        evidence_kind,
                        float(narrated["cc"][c]) if narrated else 0.0,
                        float(narrated[kind][c]) if narrated else 0.0,
                        float(whole["cc"][c]),
                        float(whole[kind][c]),
                        narrator,
                        unspecified,
                        signatory,
                        in_title,
                        len(mentioned) / count,
                        math.log1p(len(mentioned)),
                        triples_count,
                        length,
                        *(1.0 if category == other else 0.0 for other in CATEGORIES),
                        pledge,
                        pledge * narrator,
                        (1.0 - pledge) * unspecified,
                        pledge * unspecified,
                        (1.0 if exact else 0.0) * party_cc,
                        (1.0 if others else 0.0) * evidence_category,
                    ]
                )
                keys.append((kind, obligor, category))
    matrix = np.asarray(rows, dtype="float32").reshape(len(rows), len(FEATURES))
    return keys, matrix


class RankerModel:
    """The trained model: a one-hidden-layer network over the standardised features (thinc),
    and its two thresholds: ``threshold`` for any triple, ``keep`` (no higher) for one the rules
    give with a confidence of 0.5 or more."""

    WEIGHTS = "weights.bin"
    SETTINGS = "ranker.json"

    def __init__(
        self,
        network: Model,
        *,
        mean: np.ndarray,
        scale: np.ndarray,
        threshold: float,
        hidden: int,
        keep: float | None = None,
        scores: dict | None = None,
    ) -> None:
        self.network = network
        self.mean = mean.astype("float32")
        self.scale = scale.astype("float32")
        self.threshold = threshold
        self.keep = threshold if keep is None else min(keep, threshold)
        self.hidden = hidden
        self.scores = scores or {}

    @staticmethod
    def network_for(hidden: int) -> Model:
        from thinc.api import Relu, Sigmoid, chain

        return chain(Relu(hidden, len(FEATURES), dropout=0.1), Sigmoid(1, hidden))

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        if len(matrix) == 0:
            return np.zeros(0, dtype="float32")
        standard = ((matrix - self.mean) / self.scale).astype("float32")
        return np.asarray(self.network.predict(standard))[:, 0]

    def to_disk(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / self.WEIGHTS).write_bytes(self.network.to_bytes())
        settings = {
            "features": list(FEATURES),
            "hidden": self.hidden,
            "threshold": round(float(self.threshold), 4),
            "keep": round(float(self.keep), 4),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "scores": self.scores,
        }
        (directory / self.SETTINGS).write_text(json.dumps(settings, indent=1) + "\n", "utf-8")

    @classmethod
    def from_disk(cls, directory: Path) -> RankerModel:
        """The ranker in ``directory``; ``ValueError`` when its features are not this code's."""
        settings = json.loads((directory / cls.SETTINGS).read_text(encoding="utf-8"))
        if settings.get("features") != list(FEATURES):
            raise ValueError("it was trained on other features than this code computes")
        network = cls.network_for(int(settings["hidden"]))
        network.initialize(X=np.zeros((1, len(FEATURES)), dtype="float32"))
        network.from_bytes((directory / cls.WEIGHTS).read_bytes())
        return cls(
            network,
            mean=np.asarray(settings["mean"], dtype="float32"),
            scale=np.asarray(settings["scale"], dtype="float32"),
            threshold=float(settings["threshold"]),
            keep=float(settings.get("keep", settings["threshold"])),
            hidden=int(settings["hidden"]),
            scores=settings.get("scores") or {},
        )

    def choose(self, document: RankingInput) -> dict[Triple, float]:
        """The triples kept, each with its probability."""
        keys, matrix = features(document)
        probabilities = self.probabilities(matrix)
        return {
            key: float(p)
            for key, p, kept in zip(keys, probabilities, matrix[:, RULE_KEPT], strict=True)
            if p >= (self.keep if kept else self.threshold)
        }

    def confidence(self, probability: float) -> float:
        """A kept triple's confidence: 0.5 at the threshold (or at ``keep``, for one the rules
        give and the ranker keeps below the threshold), 1.0 at certainty."""
        floor = self.threshold if probability >= self.threshold else self.keep
        span = max(1.0 - floor, 1e-6)
        return round(max(0.5, min(1.0, 0.5 + 0.5 * (probability - floor) / span)), 2)
