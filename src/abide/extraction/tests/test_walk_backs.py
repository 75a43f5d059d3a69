"""Walk-backs: where a party refuses, denies or puts conditions on something it may have
promised, read as the extractor reads pledges, with the party, category and statement."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from abide.extraction import read_text


@pytest.fixture(scope="module")
def walk_backs(extractor):
    def run(text: str) -> set[tuple[str, str, str]]:
        result = extractor.extract(read_text(text, published=dt.date(2023, 10, 12)))
        for walk_back in result.walk_backs:
            statement = result.statements[walk_back.statement]
            assert statement.span.start <= walk_back.evidence.start < statement.span.end or (
                walk_back.evidence.start <= statement.span.start < walk_back.evidence.end
            )
        return {(w.kind, w.actor.party, w.category) for w in result.walk_backs}

    return run


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "“We will never accept a ceasefire on these terms,” said Ilham Aliyev.",
            ("refuses", "azerbaijan", "cessation_of_hostilities"),
        ),
        (
            "Azerbaijan refused to reopen the Lachin corridor to humanitarian convoys.",
            ("refuses", "azerbaijan", "humanitarian_access"),
        ),
        (
            "Azerbaijan rejected the ceasefire on Tuesday.",
            ("refuses", "azerbaijan", "cessation_of_hostilities"),
        ),
        (
            "Azerbaijan denied having agreed to an amnesty for the detainees.",
            ("denies", "azerbaijan", "amnesty_and_detention"),
        ),
        (
            "“We never agreed to withdraw our troops,” Ilham Aliyev said.",
            ("denies", "azerbaijan", "cessation_of_hostilities"),
        ),
        (
            "Armenia reneged on its promise to allow humanitarian access.",
            ("refuses", "armenia", "humanitarian_access"),
        ),
        (
            "Ilham Aliyev said Azerbaijan would release the detainees only if Armenia hands over "
            "the maps.",
            ("conditions", "azerbaijan", "amnesty_and_detention"),
        ),
    ],
)
def test_a_party_walking_something_back_is_read_with_how_and_what(walk_backs, text, expected):
    assert walk_backs(text) == {expected}


def test_a_conditional_pledge_is_both_a_pledge_and_a_walk_back(extractor):
    result = extractor.extract(
        read_text(
            "“We will release the detainees if Armenia hands over the maps,” Ilham Aliyev said.",
            published=dt.date(2023, 10, 12),
        )
    )
    (pledge,) = result.commitments
    (walk_back,) = result.walk_backs
    assert pledge.condition == walk_back.condition == "if Armenia hands over the maps"
    assert walk_back.statement in pledge.statements


@pytest.mark.parametrize(
    "text",
    [
        "Armenia agreed on Monday to a ceasefire.",  # a pledge
        "“We will never give up until we bring the hostages home,” Joe Biden said.",  # resolve
        "Blinken urged Aliyev not to reject the ceasefire.",  # inside a demand
        "Azerbaijan rejected the accusations.",  # nothing of a category
    ],
)
def test_pledges_resolve_and_demands_are_not_walk_backs(walk_backs, text):
    assert walk_backs(text) == set()


def test_what_is_refused_is_not_what_the_speaker_goes_on_to_promise(walk_backs, extract):
    text = "“We will never accept this, and we will not attack civilians,” said Ilham Aliyev."
    assert walk_backs(text) == set()
    assert {(c["kind"], c["category"]) for c in extract(text)["commitments"]} == {
        ("pledge", "protection_of_civilians")
    }


def test_abide_extract_shows_the_walk_backs(tmp_path, capsys):
    from abide.cli import main

    path = tmp_path / "later.txt"
    path.write_text(
        "Later words\n\n“We will never accept a ceasefire on these terms,” said Ilham Aliyev.\n",
        encoding="utf-8",
    )
    assert main(["extract", str(path), "--published", "2023-10-12"]) == 0
    shown = capsys.readouterr().out
    assert "walk-backs (1):" in shown and "refuses    Azerbaijan" in shown
    assert main(["extract", str(path), "--json"]) == 0
    (walk_back,) = json.loads(capsys.readouterr().out)["walk_backs"]
    assert (walk_back["kind"], walk_back["party"], walk_back["category"]) == (
        "refuses",
        "Azerbaijan",
        "cessation_of_hostilities",
    )
