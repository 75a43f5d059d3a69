"""``make train``: the corpus's train split to a sentence classifier in package data.

Seeded (the config's ``seed``) and single-threaded: the same corpus and config give the same
weights. The test split is never read. Writes the spaCy pipeline and ``manifest.json`` (corpus
and config hashes, the hash of every file, the scores on dev) to ``--output``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

from spacy.language import Language

from abide.extraction.training.corpus import (
    LABELS,
    ConversionReport,
    corpus_hash,
    sentence_examples,
    split_files,
    to_docbin,
)

TRAINING = Path(__file__).resolve().parent
CONFIG = TRAINING / "config.cfg"
REPOSITORY = TRAINING.parents[3]
MODEL_DIRECTORY = TRAINING.parent / "data" / "model"
MANIFEST = "manifest.json"
MODEL_NAME = "abide-sentences"
THRESHOLD = 0.5


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def model_files(directory: Path) -> dict[str, str]:
    """SHA-256 of every file of a model folder but its manifest, by relative path."""
    return {
        path.relative_to(directory).as_posix(): file_hash(path)
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


def sentence_pipeline() -> Language:
    """The English pipeline as far as it splits sentences (as the extractor splits them)."""
    from abide.extraction import components  # noqa: F401  (registers abide_paragraphs)
    from abide.extraction.extractor import load_pipeline

    nlp = load_pipeline()
    nlp.add_pipe("abide_paragraphs", before="parser")
    nlp.select_pipes(
        disable=[n for n in ("ner", "lemmatizer", "attribute_ruler") if n in nlp.pipe_names]
    )
    return nlp


def convert(files: list[Path], output: Path, nlp: Language) -> ConversionReport:
    import spacy

    report = ConversionReport()
    examples = []
    for path in files:
        examples.extend(sentence_examples(path, nlp, report))
    to_docbin(examples, spacy.blank("en")).to_disk(output)
    return report


def evaluate(model: Path, dev: Path) -> dict:
    """Precision and recall of each label on dev at the extractor's threshold."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.load(model)
    gold = list(DocBin().from_disk(dev).get_docs(nlp.vocab))
    counts = {label: [0, 0, 0] for label in LABELS}  # tp, fp, fn
    for reference, predicted in zip(gold, nlp.pipe(d.text for d in gold), strict=True):
        for label in LABELS:
            truth, guess = reference.cats[label] > 0.5, predicted.cats[label] >= THRESHOLD
            counts[label][0] += truth and guess
            counts[label][1] += guess and not truth
            counts[label][2] += truth and not guess
    scores = {}
    for label, (tp, fp, fn) in counts.items():
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[label] = {
            "p": round(precision, 3),
            "r": round(recall, 3),
            "f": round(f1, 3),
            "support": tp + fn,
        }
    return scores


def train(
    output: Path,
    *,
    train_files: list[Path],
    dev_files: list[Path],
    work: Path,
    config: Path = CONFIG,
    overrides: dict | None = None,
) -> dict:
    """Convert, train, evaluate and write the model with its manifest; return the manifest."""
    import spacy
    from spacy.cli.train import train as spacy_train
    from spacy.util import load_config

    work.mkdir(parents=True, exist_ok=True)
    nlp = sentence_pipeline()
    reports = {
        "train": convert(train_files, work / "train.spacy", nlp),
        "dev": convert(dev_files, work / "dev.spacy", nlp),
    }
    del nlp
    settings = {"paths.train": str(work / "train.spacy"), "paths.dev": str(work / "dev.spacy")}
    settings.update(overrides or {})
    trained = work / "output"
    shutil.rmtree(trained, ignore_errors=True)
    spacy_train(config, trained, overrides=settings, use_gpu=-1)
    best = trained / "model-best"
    if output.exists():
        shutil.rmtree(output)
    shutil.copytree(best, output)
    # The shipped config names no folder of the machine that trained it.
    shipped = load_config(output / "config.cfg", interpolate=False)
    shipped["paths"]["train"] = shipped["paths"]["dev"] = None
    shipped.to_disk(output / "config.cfg")
    meta = json.loads((output / "meta.json").read_text(encoding="utf-8"))
    manifest = {
        "name": MODEL_NAME,
        "spacy": spacy.__version__,
        "labels": list(LABELS),
        "threshold": THRESHOLD,
        "config_sha256": file_hash(config),
        "corpus": {
            split: {
                "sha256": corpus_hash(files),
                "documents": len(files),
                "sentences": reports[split].sentences,
                "positive_sentences": reports[split].positives,
                "evidence_located": f"{reports[split].evidence_found}/{reports[split].evidence}",
            }
            for split, files in (("train", train_files), ("dev", dev_files))
        },
        "scores": {
            "dev_cats_macro_auc": round(
                meta.get("performance", {}).get("cats_macro_auc") or 0.0, 4
            ),
            "dev": evaluate(output, work / "dev.spacy"),
        },
        "files": model_files(output),
    }
    manifest["model_sha256"] = hashlib.sha256(
        json.dumps(manifest["files"], sort_keys=True).encode()
    ).hexdigest()
    (output / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m abide.extraction.training.train")
    parser.add_argument("--repository", type=Path, default=REPOSITORY)
    parser.add_argument("--output", type=Path, default=MODEL_DIRECTORY)
    parser.add_argument("--work", type=Path, default=REPOSITORY / "build" / "train")
    args = parser.parse_args(argv)
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    train_files = split_files(args.repository, "train")
    dev_files = split_files(args.repository, "dev")
    first = json.loads(train_files[0].read_text(encoding="utf-8"))["text"]
    if not (train_files[0].parent / first).exists():
        print(
            f"make train: the corpus's texts are absent ({first} from {train_files[0].parent}); "
            "they live in ../shared/data/texts",
            file=sys.stderr,
        )
        return 2
    manifest = train(args.output, train_files=train_files, dev_files=dev_files, work=args.work)
    print(json.dumps({k: manifest[k] for k in ("corpus", "scores", "model_sha256")}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
