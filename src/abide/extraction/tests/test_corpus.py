"""The extraction corpus (eval/corpus): frozen test split, disjoint splits, valid gold files."""

from __future__ import annotations

import hashlib
import json
import runpy
from pathlib import Path

import pytest

from abide.extraction.scoring import load_gold
from abide.testing import shared_path

REPO = Path(__file__).resolve().parents[4]
CORPUS = REPO / "eval" / "corpus"
SPLIT_NAMES = ("train", "dev", "test")


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _splits() -> dict[str, list[str]]:
    return {name: _lines(CORPUS / "splits" / f"{name}.txt") for name in SPLIT_NAMES}


def _texts_root() -> Path:
    """The directory that holds ``shared/`` (paths in the lists are relative to it)."""
    return shared_path("data", "texts").parents[2]


def test_the_frozen_test_list_matches_its_recorded_hash():
    recorded = (CORPUS / "splits" / "test.sha256").read_text(encoding="utf-8").split()[0]
    actual = hashlib.sha256((CORPUS / "splits" / "test.txt").read_bytes()).hexdigest()
    assert actual == recorded, "splits/test.txt changed after it was frozen"


def test_the_splits_are_disjoint_and_together_are_the_selection():
    splits = _splits()
    seen: dict[str, str] = {}
    for name, paths in splits.items():
        assert len(paths) == len(set(paths)), f"{name}.txt lists a document twice"
        for path in paths:
            assert path not in seen, f"{path} is in both {seen[path]} and {name}"
            seen[path] = name
    assert sorted(seen) == sorted(_lines(CORPUS / "selected.txt"))
    assert len(seen) >= 420


def test_the_assignment_order_lists_every_selected_document_once_with_its_split():
    splits = {path: name for name, paths in _splits().items() for path in paths}
    rows = [line.split("\t") for line in _lines(CORPUS / "assignments.txt") if line[0] != "#"]
    assert [row[3] for row in rows].count(rows[0][3]) == 1
    assert sorted(row[3] for row in rows) == sorted(splits)
    assert all(splits[path] == split for _, split, _, path in rows)
    doubled = {split for _, split, mode, _ in rows if mode == "double"}
    assert sum(mode == "double" for _, _, mode, _ in rows) >= 40
    assert doubled == set(SPLIT_NAMES)


def test_no_corpus_document_is_one_of_the_development_sets():
    dev_names = {
        gold.name[: -len(".gold.json")]
        for folder in ("dev", "dev-un", "dev-quotes")
        for gold in (REPO / "eval" / folder).glob("*.gold.json")
    }
    assert len(dev_names) == 73
    dev_texts = {
        Path(json.loads(gold.read_text(encoding="utf-8"))["text"]).name
        for folder in ("dev", "dev-un", "dev-quotes")
        for gold in (REPO / "eval" / folder).glob("*.gold.json")
    }
    for path in _lines(CORPUS / "selected.txt"):
        name = Path(path).stem
        # copies in whitehouse/<folder>/ are named <section>_<YYYY-MM>_<archive name>.md
        archive_name = name.split("_", 2)[-1] if "/archive/" not in path else name
        assert archive_name not in dev_names, path
        assert Path(path).name not in dev_texts, path


def test_every_selected_text_exists_and_is_within_the_length_limit():
    root = _texts_root()
    for path in _lines(CORPUS / "selected.txt"):
        assert path.startswith("shared/data/texts/"), path
        text = (root / path).read_text(encoding="utf-8")
        assert len(text) <= 25_000, path


def test_the_selection_rule_reproduces_the_committed_lists(tmp_path):
    root = _texts_root()
    rule = runpy.run_path(str(CORPUS / "select.py"))
    selected, splits, lines = rule["build"](root, REPO)
    assert selected == _lines(CORPUS / "selected.txt")
    assert splits == _splits()
    assert lines == (CORPUS / "assignments.txt").read_text(encoding="utf-8").splitlines(True)
    for name, paths in _splits().items():
        assert all(rule["split_of"](path) == name for path in paths)


def test_no_document_is_selected_twice_under_two_folders():
    rule = runpy.run_path(str(CORPUS / "select.py"))
    identities = [rule["stem"](path) for path in _lines(CORPUS / "selected.txt")]
    assert len(identities) == len(set(identities))


@pytest.mark.parametrize(
    "gold_path",
    sorted((CORPUS / "gold").glob("**/*.gold.json"))
    + sorted((CORPUS / "gold-second").glob("*.gold.json"))
    or [None],
    ids=lambda path: f"{path.parent.name}/{path.name}" if path else "none-yet",
)
def test_every_corpus_gold_file_is_valid_its_text_selected_and_its_evidence_verbatim(gold_path):
    if gold_path is None:
        pytest.skip("no gold file in eval/corpus/gold yet")
    shared_path("data", "texts")
    gold = load_gold(gold_path)  # raises GoldError on bad gold or a missing text
    text = Path(gold["text_path"])
    assert text.is_file()
    shared = shared_path("data", "texts").parents[1].resolve()
    relative = "shared/" + text.relative_to(shared).as_posix()
    assert relative in _lines(CORPUS / "selected.txt")
    assert gold_path.name == f"{text.stem}.gold.json"
    flat = " ".join(text.read_text(encoding="utf-8").split())
    for commitment in gold["commitments"]:
        assert isinstance(commitment.get("optional"), bool), "optional is written on every entry"
        for evidence in commitment["evidence"]:
            assert " ".join(evidence.split()) in flat, f"evidence not verbatim: {evidence!r}"
    for quote in gold["quotes"]:
        assert " ".join(quote["text"].split()) in flat, f"quote not verbatim: {quote['text']!r}"


def test_every_document_selected_is_annotated_and_every_double_one_twice():
    assignments = [
        line.split("\t") for line in _lines(CORPUS / "assignments.txt") if not line.startswith("#")
    ]
    for _rank, _split, annotation, path in assignments:
        name = f"{Path(path).stem}.gold.json"
        assert (CORPUS / "gold" / name).is_file(), path
        assert (CORPUS / "gold-second" / name).is_file() == (annotation == "double"), path


def test_annotator_agreement_is_perfect_for_identical_files_and_drops_with_a_missed_entry(
    tmp_path,
):
    shared_path("data", "texts")
    source = (
        CORPUS
        / "gold"
        / (
            "briefings-statements_2025-10_2025-10-26-joint-declaration-by-the-prime-minister-of-the-"
            "kingdom-of-cambodia-and-the-prime-minister-of-the-kingdom-of-thailand-on-the-outcomes-"
            "of-their-meeting-in-kuala-lampur-malaysia.gold.json"
        )
    )
    gold = load_gold(source)
    gold["text"] = gold.pop("text_path")  # absolute, so the copies resolve it
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / source.name).write_text(json.dumps(gold), encoding="utf-8")
    (second / source.name).write_text(json.dumps(gold), encoding="utf-8")
    agreement = runpy.run_path(str(CORPUS / "agreement.py"))["agreement"]

    one, two = agreement(first, second)
    assert one.commitments.f1 == two.commitments.f1 == 1.0

    required = [c for c in gold["commitments"] if not c["optional"]]
    gold["commitments"] = required[1:]
    (second / source.name).write_text(json.dumps(gold), encoding="utf-8")
    one, two = agreement(first, second)
    assert one.commitments.fn == 1 and one.commitments.fp == 0
    assert two.commitments.fp == 1 and two.commitments.fn == 0
