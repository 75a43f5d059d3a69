"""abide's learned layer: loading it (checked against its manifest) and using it on the rules'
answers.

The model (``data/model/``, written by ``make train``) holds a sentence classifier, which scores
each sentence for the labels ``commitment``, ``pledge``, ``demand`` and each category, and the
commitment ranker (``ranker/``, see ``abide.extraction.ranking``), which decides from those
scores and the rules' answers which commitments the document holds. The rules' commitments it
keeps are kept as the rules found them (evidence, statements, scope, deadline); one it adds takes
what it can from a rule answer of the same party (or kind and category), else its best sentence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from abide.extraction.errors import ModelError
from abide.extraction.ranking import (
    UNSPECIFIED,
    RankerModel,
    RankingInput,
    RuleAnswer,
    ScoredSentence,
    Triple,
)
from abide.extraction.types import Actor, Commitment, ExtractionResult, Span

HERE = Path(__file__).resolve().parent
MODEL_DIRECTORY = HERE / "data" / "model"
CONFIG = HERE / "training" / "config.cfg"
MANIFEST = "manifest.json"
RANKER = "ranker"


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
    ranker = manifest.get("ranker", {})
    dev = ranker.get("scores", {}).get("dev", {})
    return (
        f"sentence model: {manifest.get('name')} {manifest.get('model_sha256', '')[:12]} "
        f"(spaCy {manifest.get('spacy')}, trained on {manifest['corpus']['train']['documents']} "
        f"documents; dev commitment sentences P {commitment.get('p')} R {commitment.get('r')}; "
        f"commitment ranker at {ranker.get('threshold')}"
        + (f" (the rules' own answers at {ranker['keep']})" if "keep" in ranker else "")
        + f", dev commitments P {dev.get('p')} "
        f"R {dev.get('r')} F1 {dev.get('f')})"
    )


class SentenceClassifier:
    """The checked model; ``scores`` gives each sentence's label scores, ``ranker`` the
    commitment ranker trained with it."""

    def __init__(self, directory: Path = MODEL_DIRECTORY) -> None:
        self.manifest = check_model(directory)
        self.nlp: Language = spacy.load(directory)
        try:
            self.ranker = RankerModel.from_disk(directory / RANKER)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(
                f"abide's commitment ranker ({directory / RANKER}) cannot be used ({exc}): "
                "run `make train`"
            ) from exc
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


def ranking_input(
    result: ExtractionResult,
    scored: list[tuple[SpacySpan, dict]],
    *,
    key_of: Callable[[Actor | None], str],
    parties_in: Callable[[str], tuple[str, ...]],
    narrator: Actor | None,
    signatories: list[Actor],
    title: str,
) -> RankingInput:
    """What the ranker knows of a document: the rules' commitments in ``result`` (whatever
    their confidence), the scored sentences and the parties each names (``parties_in``)."""
    return RankingInput(
        sentences=[
            ScoredSentence(s.start_char, s.end_char, cats, parties_in(s.text)) for s, cats in scored
        ],
        rules=[
            RuleAnswer(
                c.kind,
                key_of(c.obligor),
                c.category,
                c.confidence,
                tuple((span.start, span.end) for span in c.evidence),
            )
            for c in result.commitments
        ],
        narrator=key_of(narrator) if narrator is not None else None,
        signatories=tuple(key_of(a) for a in signatories),
        title_parties=parties_in(title) if title else (),
        length=len(result.document.body),
    )


def apply_choice(
    result: ExtractionResult,
    chosen: dict[Triple, float],
    ranker: RankerModel,
    document: RankingInput,
    *,
    key_of: Callable[[Actor | None], str],
    actor_for: Callable[[str], Actor | None],
    sentence_at: dict[int, SpacySpan],
    statement_for: Callable[[SpacySpan, Actor | None], int],
    date_made: dt.date | None = None,
) -> None:
    """Replace the rules' commitments in ``result`` by the triples the ranker ``chosen``."""
    rules = list(result.commitments)

    def triple(c: Commitment) -> Triple:
        return (c.kind, key_of(c.obligor), c.category)

    kept: list[Commitment] = []
    for (kind, obligor_key, category), probability in chosen.items():
        confidence = ranker.confidence(probability)
        exact = [c for c in rules if triple(c) == (kind, obligor_key, category)]
        if exact:
            kept.extend(replace(c, confidence=confidence) for c in exact)
            continue
        obligor = actor_for(obligor_key)
        # a rule answer of the same party and kind, else party and category, else kind and
        # category: its evidence, statements and scope are the new commitment's
        base = next(
            (
                c
                for same in ((0, 1), (1, 2), (0, 2))
                for c in rules
                if all(triple(c)[i] == (kind, obligor_key, category)[i] for i in same)
            ),
            None,
        )
        if base is not None:
            kept.append(
                replace(
                    base,
                    kind=kind,
                    category=category,
                    obligor=obligor,
                    demanded_by=base.demanded_by if kind == "demand" else None,
                    confidence=confidence,
                )
            )
            continue
        sentence = _best_sentence(document, kind, obligor_key, category)
        if sentence is None or sentence.start not in sentence_at:
            continue
        words = sentence_at[sentence.start]
        span = Span(words.start_char, words.end_char, words.text)
        kept.append(
            Commitment(
                kind=kind,
                category=category,
                obligor=obligor,
                demanded_by=None,
                text=words.text,
                evidence=(span,),
                statements=(statement_for(words, obligor if kind == "pledge" else None),),
                confidence=confidence,
                date_made=date_made,
            )
        )
    kept.sort(key=lambda c: (c.evidence[0].start if c.evidence else 0, -c.confidence))
    result.commitments[:] = kept


def _best_sentence(
    document: RankingInput, kind: str, obligor: str, category: str
) -> ScoredSentence | None:
    among = document.sentences if obligor == UNSPECIFIED else document.mentions(obligor)
    return max(
        among or document.sentences,
        key=lambda s: s.cats["commitment"] * s.cats[category] * s.cats[kind],
        default=None,
    )
