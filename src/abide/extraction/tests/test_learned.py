"""The learned layer (sentence classifier and commitment ranker): trained reproducibly, checked
at load, named by `abide version`, and used by the extractor."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from abide.extraction import Extractor, ModelError, RegistrySnapshot, read_file
from abide.extraction.learned import (
    MODEL_DIRECTORY,
    SentenceClassifier,
    check_model,
    describe_model,
)
from abide.extraction.prediction import to_prediction
from abide.extraction.scoring import NameMatcher, load_gold, score_document
from abide.extraction.training.corpus import locate, split_files
from abide.extraction.training.train import main as train_main
from abide.extraction.training.train import train
from abide.registry.files import STARTER_REGISTRY
from abide.testing import shared_path

TEXTS = {
    "alpha": (
        "Azerbaijan pledged to release all Armenian detainees by the end of the month.\n\n"
        "The weather in Baku was mild on Tuesday.\n\n"
        "The United States called on both sides to observe the ceasefire.\n\n"
        "The delegation visited a museum."
    ),
    "beta": (
        "Armenia committed to opening the road to humanitarian convoys.\n\n"
        "The conference ended in the afternoon.\n\n"
        "The ministers urged Russia to allow international monitors into the region.\n\n"
        "Lunch was served in the garden."
    ),
    "gamma": (
        "Israel agreed to a four-day pause in the fighting.\n\n"
        "The press secretary took questions from reporters."
    ),
}
COMMITMENTS = {
    "alpha": [
        ("pledge", "Azerbaijan", "amnesty_and_detention", "release all Armenian detainees"),
        ("demand", "unspecified", "cessation_of_hostilities", "observe the ceasefire"),
    ],
    "beta": [
        ("pledge", "Armenia", "humanitarian_access", "opening the road to humanitarian convoys"),
        ("demand", "Russia", "monitoring_access", "allow international monitors"),
    ],
    "gamma": [("pledge", "Israel", "cessation_of_hostilities", "a four-day pause")],
}


needs_model = pytest.mark.skipif(
    not (MODEL_DIRECTORY / "manifest.json").is_file(),
    reason="the sentence model is not built here: `make train` builds it from ../shared's texts",
)


def tiny_repository(root: Path) -> Path:
    """A repository laid out as this one (eval/corpus/gold, splits) with three tiny texts."""
    gold = root / "eval" / "corpus" / "gold"
    gold.mkdir(parents=True)
    (root / "texts").mkdir()
    for name, text in TEXTS.items():
        (root / "texts" / f"{name}.txt").write_text(text, encoding="utf-8")
        entry = {
            "text": f"../../../texts/{name}.txt",
            "context": {"published": "2023-09-27"},
            "title": name,
            "dateline": None,
            "quotes": [],
            "commitments": [
                {"kind": k, "obligor": o, "category": c, "evidence": [e]}
                for k, o, c, e in COMMITMENTS[name]
            ],
        }
        (gold / f"{name}.gold.json").write_text(json.dumps(entry), encoding="utf-8")
    splits = root / "eval" / "corpus" / "splits"
    splits.mkdir()
    (splits / "train.txt").write_text("texts/alpha.txt\ntexts/beta.txt\n", encoding="utf-8")
    (splits / "dev.txt").write_text("texts/gamma.txt\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory) -> list[tuple[Path, dict]]:
    """The tiny corpus trained twice, into two folders, by the repository's config."""
    root = tiny_repository(tmp_path_factory.mktemp("repository"))
    models = []
    for run in ("first", "second"):
        output = root / run / "model"
        manifest = train(
            output,
            train_files=split_files(root, "train"),
            dev_files=split_files(root, "dev"),
            work=root / run / "work",
            overrides={"training.max_steps": 30, "training.eval_frequency": 10},
        )
        models.append((output, manifest))
    return models


def test_training_twice_on_the_same_corpus_gives_the_same_weights(tiny_models):
    (_, one), (_, two) = tiny_models
    for weights in ("textcat_multilabel/model", "ranker/weights.bin", "ranker/ranker.json"):
        assert one["files"][weights] == two["files"][weights]
    assert one["model_sha256"] == two["model_sha256"]
    assert one["ranker"] == two["ranker"]
    assert one["ranker"]["folds"] == 2  # two train documents: each scored by the other's model
    assert one["ranker"]["scores"]["threshold_chosen_on"] == "train, by cross-validation"
    assert one["corpus"]["train"] == two["corpus"]["train"]
    assert one["corpus"]["train"]["positive_sentences"] == 4
    assert one["corpus"]["train"]["evidence_located"] == "4/4"


def test_the_test_split_is_never_read_for_training(tmp_path):
    with pytest.raises(ValueError, match="frozen"):
        split_files(tmp_path, "test")


def test_evidence_is_found_across_line_breaks_and_case():
    assert locate("They will\n  Release the detainees.", "will release the") == [(5, 23)]


@needs_model
def test_the_shipped_model_passes_its_check_and_records_its_training():
    manifest = check_model()
    assert manifest["name"] == "abide-sentences"
    assert manifest["corpus"]["train"]["documents"] == 286
    assert manifest["corpus"]["dev"]["documents"] == 60
    assert "test" not in manifest["corpus"]
    size = sum(p.stat().st_size for p in MODEL_DIRECTORY.rglob("*") if p.is_file())
    assert size < 50 * 1024 * 1024


def test_a_tampered_weight_file_is_refused_with_a_clear_error(tiny_models, tmp_path):
    model = tmp_path / "model"
    shutil.copytree(tiny_models[0][0], model)
    weights = model / "textcat_multilabel" / "model"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelError, match=r"textcat_multilabel/model does not match its manifest"):
        check_model(model)
    assert "does not match its manifest" in describe_model(model)


def test_a_model_from_another_config_is_refused(tiny_models, tmp_path):
    model = tmp_path / "model"
    shutil.copytree(tiny_models[0][0], model)
    manifest = json.loads((model / "manifest.json").read_text())
    manifest["config_sha256"] = "0" * 64
    (model / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="trained by another config"):
        check_model(model)


def test_a_missing_model_or_an_unlisted_file_is_refused(tiny_models, tmp_path):
    with pytest.raises(ModelError, match=r"missing .*run `make train`"):
        check_model(tmp_path / "nowhere")
    model = tmp_path / "model"
    shutil.copytree(tiny_models[0][0], model)
    (model / "textcat_multilabel" / "extra.bin").write_bytes(b"\0")
    with pytest.raises(ModelError, match=r"does not name: textcat_multilabel/extra\.bin"):
        check_model(model)


def test_a_model_whose_ranker_cannot_be_read_is_refused(tiny_models, tmp_path):
    model = tmp_path / "model"
    shutil.copytree(tiny_models[0][0], model)
    SentenceClassifier(model)  # as trained: accepted
    settings = model / "ranker" / "ranker.json"
    settings.write_text(settings.read_text().replace('"rule_exact"', '"rule_maybe"'))
    manifest = json.loads((model / "manifest.json").read_text())
    manifest["files"]["ranker/ranker.json"] = hashlib.sha256(settings.read_bytes()).hexdigest()
    (model / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match=r"commitment ranker .* other features.*make train"):
        SentenceClassifier(model)


@needs_model
def test_the_founding_article_stays_exact_with_the_learned_layer():
    registry = RegistrySnapshot.from_file(STARTER_REGISTRY)
    gold = load_gold(shared_path("eval", "armenpress-2023-09-27-blinken-aliyev.gold.json"))
    document = read_file(gold["text_path"], published=dt.date(2023, 9, 27))
    prediction = to_prediction(Extractor(registry, learned=True).extract(document))
    result = score_document(gold, prediction, names=NameMatcher(registry))
    assert (result.commitments.tp, result.commitments.fp, result.commitments.fn) == (9, 0, 0)
    assert (result.quotes.tp, result.quotes.fp, result.quotes.fn) == (5, 0, 0)


@needs_model
def test_abide_version_names_the_model_and_its_hash():
    out = StringIO()
    call_command("version", stdout=out)
    manifest = check_model()
    assert f"sentence model: abide-sentences {manifest['model_sha256'][:12]}" in out.getvalue()


@needs_model
def test_the_learned_layer_is_on_by_default_and_can_be_turned_off(monkeypatch):
    registry = RegistrySnapshot.from_file(STARTER_REGISTRY)
    monkeypatch.delenv("ABIDE_LEARNED")
    assert Extractor(registry).classifier is not None
    monkeypatch.setenv("ABIDE_LEARNED", "off")
    assert Extractor(registry).classifier is None
    monkeypatch.setenv("ABIDE_LEARNED", "on")
    assert Extractor(registry).classifier is not None
    assert Extractor(registry, learned=False).classifier is None


def test_make_train_says_so_when_the_texts_are_absent(tmp_path, capsys):
    root = tiny_repository(tmp_path / "repository")
    shutil.rmtree(root / "texts")
    output = tmp_path / "model"
    assert train_main(["--repository", str(root), "--output", str(output)]) == 2
    assert "the corpus's texts are absent" in capsys.readouterr().err
    assert not output.exists()
