"""The founding article, end to end: every required commitment and quote, no false positive."""

from __future__ import annotations

import datetime as dt
import json

from abide.extraction import read_file
from abide.extraction.prediction import to_prediction
from abide.extraction.scoring import NameMatcher, load_gold, score_document
from abide.testing import shared_path


def test_the_founding_article_is_extracted_completely_and_without_false_positives(extractor):
    gold = load_gold(shared_path("eval", "armenpress-2023-09-27-blinken-aliyev.gold.json"))
    document = read_file(gold["text_path"], published=dt.date(2023, 9, 27))
    prediction = to_prediction(extractor.extract(document))
    result = score_document(gold, prediction, names=NameMatcher(extractor.registry))
    assert (result.commitments.tp, result.commitments.fp, result.commitments.fn) == (9, 0, 0)
    assert (result.quotes.tp, result.quotes.fp, result.quotes.fn) == (5, 0, 0)
    assert result.dateline_points == 4
    assert prediction["title"] == gold["title"]
    json.dumps(prediction)  # the prediction is plain JSON


def test_the_founding_article_chain_runs_from_aliyev_to_armenpress(extractor):
    path = shared_path("seed", "armenpress-2023-09-27-blinken-aliyev.txt")
    prediction = to_prediction(extractor.extract(read_file(path, published=dt.date(2023, 9, 27))))
    told = [
        s
        for s in prediction["statements"]
        if s["chain"]
        and s["chain"][0] == {"relation": "told", "who": "Ilham Aliyev", "to": "Antony Blinken"}
    ]
    assert told, "Aliyev told Blinken"
    assert [link["who"] for link in told[0]["chain"]] == [
        "Ilham Aliyev",
        "Matthew Miller",
        "ARMENPRESS",
    ]
    assert told[0]["date_spoken"] == "2023-09-26"
