"""`abide extract` and `abide eval extraction` as a user runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from abide.cli import main
from abide.testing import shared_path

TESTS_DATA = Path(__file__).resolve().parents[2] / "extraction" / "tests" / "data"
README = Path(__file__).resolve().parents[4] / "README.md"


def test_extract_prints_a_readable_table(capsys):
    assert main(["extract", str(TESTS_DATA / "tiny-readout.txt"), "--published", "2024-03-03"]) == 0
    out = capsys.readouterr().out
    assert "dateline:  Baku, 3/3, ABIDE DESK" in out
    assert "Sergey Lavrov (Russia): “We will keep our peacekeepers in place,”" in out
    assert "demand Azerbaijan" in out and "humanitarian_access" in out


def test_extract_json_prints_one_object_per_document_in_the_gold_format(capsys):
    assert (
        main(
            ["extract", str(TESTS_DATA / "tiny-readout.txt"), "--published", "2024-03-03", "--json"]
        )
        == 0
    )
    (line,) = capsys.readouterr().out.strip().splitlines()
    prediction = json.loads(line)
    assert prediction["dateline"] == {"place": "Baku", "month": 3, "day": 3, "agency": "ABIDE DESK"}
    assert {(c["kind"], c["obligor"], c["category"]) for c in prediction["commitments"]} >= {
        ("demand", "Azerbaijan", "cessation_of_hostilities"),
        ("demand", "Azerbaijan", "humanitarian_access"),
    }


def test_extract_reports_an_unreadable_file_and_goes_on(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x00binary")
    assert main(["extract", str(bad), str(TESTS_DATA / "tiny-readout.txt")]) == 1
    captured = capsys.readouterr()
    assert f"{bad}: a binary file, not text" in captured.err
    assert "tiny-readout.txt" in captured.out


def test_extract_over_a_folder_prints_json_lines_and_its_progress_on_stderr(tmp_path, capsys):
    text = (TESTS_DATA / "tiny-readout.txt").read_text(encoding="utf-8")
    for name in ("a.txt", "b.md", "c.txt"):
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4 not read")
    assert main(["extract", str(tmp_path), "--published", "2024-03-03", "--json"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    assert [Path(json.loads(line)["file"]).name for line in lines] == ["a.txt", "b.md", "c.txt"]
    assert f"[1/3] {tmp_path / 'a.txt'}" in captured.err
    assert f"[3/3] {tmp_path / 'c.txt'}" in captured.err


def test_extract_refuses_a_folder_with_nothing_to_read(tmp_path, capsys):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4 not read")
    assert main(["extract", str(tmp_path)]) == 1
    assert "no readable files (.txt, .md, .html) in the paths given" in capsys.readouterr().err


def test_extract_refuses_a_bad_date(capsys):
    assert main(["extract", str(TESTS_DATA / "tiny-readout.txt"), "--published", "27/09/2023"]) == 2
    assert "'27/09/2023' is not a date (YYYY-MM-DD)" in capsys.readouterr().err


def test_eval_scores_a_tiny_gold_set(capsys):
    assert main(["eval", "extraction", str(TESTS_DATA / "tiny-readout.gold.json"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (
        report["total"]["commitments"]["tp"],
        report["total"]["commitments"]["fp"],
        report["total"]["commitments"]["fn"],
    ) == (2, 0, 0)
    assert report["total"]["quotes"]["f1"] == 1.0
    assert report["total"]["dateline_accuracy"] == 1.0


def _gold_with_two_errors(tmp_path: Path) -> Path:
    """The tiny readout's gold with the convoys demand laid on Armenia and the quote given
    to another speaker: a wrong party and a wrong speaker for the extractor."""
    gold = json.loads((TESTS_DATA / "tiny-readout.gold.json").read_text(encoding="utf-8"))
    gold["text"] = str(TESTS_DATA / "tiny-readout.txt")
    gold["commitments"][1]["obligor"] = "Armenia"
    gold["quotes"][0]["speaker"] = "Ilham Aliyev"
    path = tmp_path / "tiny-readout.gold.json"
    path.write_text(json.dumps(gold), encoding="utf-8")
    return path


def test_eval_errors_lists_each_error_and_counts_them_by_kind(tmp_path, capsys):
    gold = _gold_with_two_errors(tmp_path)
    assert main(["eval", "extraction", str(gold), "--errors"]) == 0
    out = capsys.readouterr().out
    assert "tiny-readout: missed   commitment (demand, Armenia, humanitarian_access)" in out
    assert "tiny-readout: spurious commitment (demand, Azerbaijan, humanitarian_access)" in out
    rows = {
        row.rsplit(maxsplit=2)[0].strip(): row.split()[-2:]
        for row in out.split("errors by kind")[1].splitlines()
        if row.startswith("  ")
    }
    assert rows["wrong party"] == ["1", "1"]
    assert rows["wrong speaker"] == ["1", "1"]
    assert rows["missed cue"] == ["-", "0"]


def test_eval_json_errors_holds_the_counts_and_the_classified_items(tmp_path, capsys):
    gold = _gold_with_two_errors(tmp_path)
    assert main(["eval", "extraction", str(gold), "--errors", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)  # the whole output is one JSON object
    counts = report["errors"]["counts"]
    assert counts["commitments"]["wrong_party"] == {"spurious": 1, "missed": 1}
    assert counts["quotes"]["wrong_speaker"] == {"spurious": 1, "missed": 1}
    assert {
        "document": "tiny-readout",
        "what": "commitment",
        "side": "missed",
        "kind": "wrong_party",
        "item": "commitment (demand, Armenia, humanitarian_access)",
        "near": "commitment (demand, Azerbaijan, humanitarian_access)",
    } in report["errors"]["items"]


def test_eval_json_without_errors_has_no_errors_object(capsys):
    assert main(["eval", "extraction", str(TESTS_DATA / "tiny-readout.gold.json"), "--json"]) == 0
    assert "errors" not in json.loads(capsys.readouterr().out)


def test_eval_names_a_bad_gold_file(tmp_path, capsys):
    gold = tmp_path / "x.gold.json"
    gold.write_text('{"text": "missing.txt", "commitments": []}', encoding="utf-8")
    assert main(["eval", "extraction", str(gold)]) == 1
    err = capsys.readouterr().err
    assert "x.gold.json" in err and "missing.txt" in err


def _readme_figures() -> dict[str, float]:
    match = re.search(r"<!-- dev-scores: (.*?) -->", README.read_text(encoding="utf-8"))
    assert match, "the README states the development set's scores"
    return {k: float(v) for k, v in (item.split("=") for item in match.group(1).split())}


@pytest.mark.slow
def test_the_development_set_scores_no_worse_than_the_readme_says(capsys):
    shared_path("data", "texts", "whitehouse", "archive")  # skips without the shared data
    eval_dir = README.parent / "eval"
    folders = [str(eval_dir / name) for name in ("dev", "dev-un", "dev-quotes")]
    assert main(["eval", "extraction", *folders, "--json", "--rules-only"]) == 0
    report = json.loads(capsys.readouterr().out)
    figures = _readme_figures()
    assert report["total"]["commitments"]["f1"] >= figures["commitments_f1"] - 0.02
    assert report["total"]["quotes"]["f1"] >= figures["quotes_f1"] - 0.02
