"""Gold files to sentence-level training examples.

A sentence is labelled with what the gold's *required* commitments say in it: ``commitment``
(one of their evidence spans is in it), ``pledge`` / ``demand`` and the category. A sentence
that holds only optional evidence is left out (neither positive nor negative); every other
sentence of an annotated document is a negative example.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, DocBin

from abide.extraction.document import read_file
from abide.registry.registry_file import CATEGORY_IDS as CATEGORIES

KINDS = ("pledge", "demand")
LABELS = ("commitment", *KINDS, *CATEGORIES)


@dataclass
class SentenceExample:
    text: str
    labels: set[str] = field(default_factory=set)


@dataclass
class ConversionReport:
    documents: int = 0
    sentences: int = 0
    positives: int = 0
    skipped_optional: int = 0
    evidence: int = 0
    evidence_found: int = 0


def split_files(repository: Path, split: str) -> list[Path]:
    """The gold files of ``split`` (train or dev) of ``eval/corpus``, in the split's order."""
    if split == "test":
        raise ValueError("the test split is frozen: never train or choose on it")
    corpus = repository / "eval" / "corpus"
    names = (corpus / "splits" / f"{split}.txt").read_text(encoding="utf-8").split()
    return [corpus / "gold" / f"{Path(name).stem}.gold.json" for name in names]


def corpus_hash(files: Iterable[Path]) -> str:
    """SHA-256 over the names and contents of the gold files (what the model was trained on)."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\n" + path.read_bytes() + b"\n")
    return digest.hexdigest()


def sentence_examples(
    gold_path: Path, nlp: Language, report: ConversionReport | None = None
) -> list[SentenceExample]:
    """The labelled sentences of one gold file's text, split as the extractor splits them."""
    report = report if report is not None else ConversionReport()
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    text_path = (gold_path.parent / gold["text"]).resolve()
    published = gold.get("context", {}).get("published")
    document = read_file(
        text_path, published=dt.date.fromisoformat(published) if published else None
    )
    doc = nlp(document.body)
    sentences = list(doc.sents)
    labels: dict[int, set[str]] = {}
    optional: set[int] = set()
    for commitment in gold.get("commitments", []):
        for evidence in commitment.get("evidence", []):
            report.evidence += 1
            hits = locate(document.body, evidence)
            if hits:
                report.evidence_found += 1
            for start, end in hits:
                for index in _sentences_over(sentences, start, end):
                    if commitment.get("optional"):
                        optional.add(index)
                    else:
                        labels.setdefault(index, set()).update(
                            {"commitment", commitment["kind"], commitment["category"]}
                        )
    examples = []
    for index, sentence in enumerate(sentences):
        if index not in labels and index in optional:
            report.skipped_optional += 1
            continue
        text = sentence.text.strip()
        if not text:
            continue
        examples.append(SentenceExample(text, labels.get(index, set())))
    report.documents += 1
    report.sentences += len(examples)
    report.positives += sum(bool(example.labels) for example in examples)
    return examples


def locate(body: str, evidence: str) -> list[tuple[int, int]]:
    """Every place ``evidence`` is said in ``body``, white space and case aside."""
    words = evidence.split()
    if not words:
        return []
    pattern = r"\s+".join(re.escape(word) for word in words)
    return [m.span() for m in re.finditer(pattern, body, flags=re.IGNORECASE)]


def _sentences_over(sentences: list, start: int, end: int) -> list[int]:
    return [
        index
        for index, sentence in enumerate(sentences)
        if sentence.start_char < end and start < sentence.end_char
    ]


def to_docbin(examples: Iterable[SentenceExample], nlp: Language) -> DocBin:
    """The examples as spaCy docs with one score per label in ``doc.cats``."""
    docbin = DocBin(store_user_data=False)
    for example in examples:
        doc: Doc = nlp.make_doc(example.text)
        doc.cats = {label: float(label in example.labels) for label in LABELS}
        docbin.add(doc)
    return docbin
