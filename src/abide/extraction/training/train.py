"""``make train``: the corpus's train split to abide's learned layer in package data.

First the sentence classifier on the whole train split, then one on each fold's rest (so that
every train document is scored by a classifier that never saw it), then the commitment ranker
on the rules' answers and those scores (``training.ranker``), its threshold chosen on dev.
Seeded (the config's ``seed``) and single-threaded: the same corpus and config give the same
weights. The test split is never read. Writes the spaCy pipeline, ``ranker/`` and
``manifest.json`` (corpus and config hashes, the hash of every file, the scores on dev) to
``--output``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Sequence
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
from abide.extraction.training.ranker import FOLDS, fit, labelled

TRAINING = Path(__file__).resolve().parent
CONFIG = TRAINING / "config.cfg"
REPOSITORY = TRAINING.parents[3]
MODEL_DIRECTORY = TRAINING.parent / "data" / "model"
MANIFEST = "manifest.json"
MODEL_NAME = "abide-sentences"
#: the founding article's gold: the ranker's thresholds must read it exactly.
FOUNDING_GOLD = "armenpress-2023-09-27-blinken-aliyev.gold.json"
RANKER = "ranker"
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


class _Scores:
    """A trained sentence classifier as the extractor's sentence scoring uses it."""

    def __init__(self, directory: Path) -> None:
        import spacy

        self.nlp = spacy.load(directory)

    def scores(self, texts: list[str]) -> list[dict[str, float]]:
        return [dict(doc.cats) for doc in self.nlp.pipe(texts, batch_size=256)]


def _say(message: str) -> None:
    print(f"make train: {message}", file=sys.stderr, flush=True)


def train(
    output: Path,
    *,
    train_files: list[Path],
    dev_files: list[Path],
    work: Path,
    config: Path = CONFIG,
    overrides: dict | None = None,
    folds: int = FOLDS,
    exact_files: Sequence[Path] = (),
) -> dict:
    """Convert, train, evaluate and write the model, its ranker and its manifest; return the
    manifest. The ranker's thresholds read each gold file of ``exact_files`` that exists
    exactly (the founding article's, for ``make train``)."""
    import spacy

    from abide.extraction import Extractor, RegistrySnapshot
    from abide.geo.gazetteer import Gazetteer
    from abide.registry.files import STARTER_REGISTRY

    _say(f"the sentence classifier on {len(train_files)} train documents")
    reports = _sentence_classifier(
        output,
        train_files=train_files,
        dev_files=dev_files,
        work=work,
        config=config,
        overrides=overrides,
    )
    registry = RegistrySnapshot.from_file(str(STARTER_REGISTRY))
    extractor = Extractor(registry, gazetteer=Gazetteer(), learned=False)
    folds = max(2, min(folds, len(train_files)))
    ranked_train = []
    for fold in range(folds):
        held = [f for i, f in enumerate(train_files) if i % folds == fold]
        rest = [f for i, f in enumerate(train_files) if i % folds != fold]
        _say(
            f"fold {fold + 1}/{folds}: a sentence classifier on {len(rest)} documents, "
            f"scoring the other {len(held)}"
        )
        fold_model = work / f"fold{fold}" / "model"
        _sentence_classifier(
            fold_model,
            train_files=rest,
            dev_files=dev_files,
            work=work / f"fold{fold}",
            config=config,
            overrides=overrides,
        )
        ranked_train += labelled(held, extractor, _Scores(fold_model), registry)
    _say(
        f"the commitment ranker on {len(ranked_train)} documents (its threshold by "
        f"cross-validation), measured on {len(dev_files)} dev documents"
    )
    ranked_dev = labelled(dev_files, extractor, _Scores(output), registry)
    exact = [path for path in exact_files if path.is_file()]
    ranked_exact = labelled(exact, extractor, _Scores(output), registry)
    ranker = fit(ranked_train, ranked_dev, seed=_seed(config), exact=ranked_exact)
    ranker.to_disk(output / RANKER)
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
        "ranker": {
            "folds": folds,
            "threshold": ranker.threshold,
            "keep": ranker.keep,
            "scores": ranker.scores,
        },
        "files": model_files(output),
    }
    manifest["model_sha256"] = hashlib.sha256(
        json.dumps(manifest["files"], sort_keys=True).encode()
    ).hexdigest()
    (output / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _seed(config: Path) -> int:
    from spacy.util import load_config

    return int(load_config(config, interpolate=False)["system"]["seed"])


def _sentence_classifier(
    output: Path,
    *,
    train_files: list[Path],
    dev_files: list[Path],
    work: Path,
    config: Path,
    overrides: dict | None,
) -> dict[str, ConversionReport]:
    """Convert, train and write a sentence classifier to ``output``; the conversion reports."""
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
    return reports


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
    founding = args.repository.parent / "shared" / "eval" / FOUNDING_GOLD
    manifest = train(
        args.output,
        train_files=train_files,
        dev_files=dev_files,
        work=args.work,
        exact_files=[founding],
    )
    print(
        json.dumps(
            {k: manifest[k] for k in ("corpus", "scores", "ranker", "model_sha256")}, indent=2
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
