"""abide's learned sentence classifier: loading it (checked against its manifest) and using it
on the rules' answers.

The model (``data/model/``, written by ``make train``) scores each sentence for the labels
``commitment``, ``pledge``, ``demand`` and each category. The rules stay first: the classifier
only names the category of what the rules left as ``other``, and adds a commitment where the
rules found none in a sentence it is confident about, with the rules' own obligor candidates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from abide.extraction.errors import ModelError
from abide.extraction.registry import normalise
from abide.extraction.types import Actor, Commitment, ExtractionResult, Span
from abide.registry.registry_file import CATEGORY_IDS

HERE = Path(__file__).resolve().parent
MODEL_DIRECTORY = HERE / "data" / "model"
CONFIG = HERE / "training" / "config.cfg"
MANIFEST = "manifest.json"
NAMED_CATEGORIES = tuple(c for c in CATEGORY_IDS if c != "other")


@dataclass(frozen=True)
class Policy:
    """How far the classifier may change the rules' answers (thresholds chosen on dev)."""

    #: a rule commitment of category "other" takes the classifier's best named category
    #: when that category scores at least this.
    category: float = 0.3
    #: a sentence the rules found nothing in becomes a commitment when it scores at least this
    #: for ``commitment`` (1.01: never).
    add: float = 0.5
    #: a rule commitment is dropped when every sentence of its evidence scores below this for
    #: ``commitment`` (0.0: never).
    keep: float = 0.0


DEFAULT_POLICY = Policy()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_model(directory: Path = MODEL_DIRECTORY) -> dict:
    """The manifest of the model in ``directory``, once every file is the one it names and the
    model was trained by the config in this repository; else ``ModelError`` saying what is wrong."""
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise ModelError(f"abide's sentence model is missing ({manifest_path}): run `make train`")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files: dict[str, str] = manifest["files"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"abide's sentence model has an unreadable manifest ({exc})") from exc
    for name, expected in sorted(files.items()):
        path = directory / name
        if not path.is_file():
            raise ModelError(f"abide's sentence model lacks {name}: run `make train`")
        if _sha256(path) != expected:
            raise ModelError(
                f"abide's sentence model file {name} does not match its manifest "
                "(changed after training): run `make train`"
            )
    present = {
        p.relative_to(directory).as_posix()
        for p in directory.rglob("*")
        if p.is_file() and p.name != MANIFEST
    }
    if present - set(files):
        extra = ", ".join(sorted(present - set(files)))
        raise ModelError(f"abide's sentence model holds files its manifest does not name: {extra}")
    if manifest.get("config_sha256") != _sha256(CONFIG):
        raise ModelError(
            "abide's sentence model was trained by another config than "
            "extraction/training/config.cfg: run `make train`"
        )
    if manifest.get("spacy", "").split(".")[:2] != spacy.__version__.split(".")[:2]:
        raise ModelError(
            f"abide's sentence model was trained with spaCy {manifest.get('spacy')}, "
            f"this is spaCy {spacy.__version__}: run `make train`"
        )
    return manifest


def describe_model(directory: Path = MODEL_DIRECTORY) -> str:
    """One line for ``abide version``: the model, its hash and its dev scores, or what is wrong."""
    try:
        manifest = check_model(directory)
    except ModelError as exc:
        return f"sentence model: {exc}"
    commitment = manifest.get("scores", {}).get("dev", {}).get("commitment", {})
    return (
        f"sentence model: {manifest.get('name')} {manifest.get('model_sha256', '')[:12]} "
        f"(spaCy {manifest.get('spacy')}, trained on {manifest['corpus']['train']['documents']} "
        f"documents; dev commitment sentences P {commitment.get('p')} R {commitment.get('r')})"
    )


class SentenceClassifier:
    """The checked model; ``scores`` gives each sentence's label scores."""

    def __init__(self, directory: Path = MODEL_DIRECTORY) -> None:
        self.manifest = check_model(directory)
        self.nlp: Language = spacy.load(directory)
        self.name = f"{self.manifest['name']} {self.manifest['model_sha256'][:12]}"

    def scores(self, texts: list[str]) -> list[dict[str, float]]:
        return [dict(doc.cats) for doc in self.nlp.pipe(texts, batch_size=256)]


_CLASSIFIER: SentenceClassifier | None = None
_LOCK = threading.Lock()


def shared_classifier() -> SentenceClassifier:
    """The process's one sentence classifier (checked once)."""
    global _CLASSIFIER
    with _LOCK:
        if _CLASSIFIER is None:
            _CLASSIFIER = SentenceClassifier()
        return _CLASSIFIER


def sentence_scores(doc: Doc, classifier: SentenceClassifier) -> list[tuple[SpacySpan, dict]]:
    sentences = [s for s in doc.sents if s.text.strip()]
    return list(zip(sentences, classifier.scores([s.text.strip() for s in sentences]), strict=True))


def refine(
    result: ExtractionResult,
    doc: Doc,
    scored: list[tuple[SpacySpan, dict]],
    *,
    rule_sentences: set[int],
    narrator: Actor | None,
    resolve_subject: Callable[[SpacySpan], list[Actor]],
    statement_for: Callable[[SpacySpan, Actor | None], int],
    date_made: dt.date | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> None:
    """Apply the classifier's scores to the rules' commitments in ``result`` (in place).

    ``rule_sentences``: start characters of the sentences where the rules found a pledge, a
    demand or a walk-back; ``resolve_subject(sentence)`` the rules' obligor candidates for a
    sentence (its subject resolved as the rules resolve it); ``statement_for(sentence,
    speaker)`` the index of the statement a new commitment rests on."""

    def scores_at(char: int) -> dict | None:
        for sentence, cats in scored:
            if sentence.start_char <= char < sentence.end_char:
                return cats
        return None

    kept: list[Commitment] = []
    seen: set[tuple] = set()
    for commitment in result.commitments:
        found = [scores_at(span.start) for span in commitment.evidence]
        found = [cats for cats in found if cats is not None]
        if found and max(c["commitment"] for c in found) < policy.keep:
            continue
        if commitment.category == "other" and found:
            best = max(NAMED_CATEGORIES, key=lambda c: max(s[c] for s in found))
            if max(s[best] for s in found) >= policy.category:
                commitment = replace(commitment, category=best)
        key = (commitment.kind, _key(commitment.obligor), commitment.category)
        if key in seen:
            continue
        seen.add(key)
        kept.append(commitment)
    for sentence, cats in scored:
        if cats["commitment"] < policy.add or sentence.start_char in rule_sentences:
            continue
        kind = "pledge" if cats["pledge"] >= cats["demand"] else "demand"
        category = max(CATEGORY_IDS, key=lambda c: cats[c])
        obligors = resolve_subject(sentence) if kind == "pledge" else []
        if kind == "pledge" and not obligors and narrator is not None:
            obligors = [narrator]
        for obligor in obligors or [None]:
            key = (kind, _key(obligor), category)
            if key in seen:
                continue
            seen.add(key)
            span = Span(sentence.start_char, sentence.end_char, sentence.text)
            statement = statement_for(sentence, obligor)
            kept.append(
                Commitment(
                    kind=kind,
                    category=category,
                    obligor=obligor,
                    demanded_by=None,
                    text=sentence.text,
                    evidence=(span,),
                    statements=(statement,),
                    confidence=round(0.7 * cats["commitment"], 2),
                    date_made=date_made,
                )
            )
    result.commitments[:] = kept


def _key(actor: Actor | None) -> str:
    if actor is None:
        return "unspecified"
    return actor.party or actor.person or normalise(actor.name)
