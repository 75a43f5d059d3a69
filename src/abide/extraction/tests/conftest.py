"""One extractor for the whole session: loading spaCy's pipeline takes a second. It is the rules
alone, wherever the learned layer is built, so that these tests prove the rules; the learned
layer has its own tests (test_learned, test_ranking)."""

from __future__ import annotations

import datetime as dt

import pytest

from abide.extraction import Extractor, RegistrySnapshot, read_text
from abide.extraction.prediction import to_prediction
from abide.registry.files import STARTER_REGISTRY


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor(RegistrySnapshot.from_file(STARTER_REGISTRY), learned=False)


@pytest.fixture(scope="session")
def extract(extractor):
    """Extract a constructed text published on 27 September 2023, as a prediction dict."""

    def run(text: str, published: dt.date = dt.date(2023, 9, 27), **kwargs: object) -> dict:
        return to_prediction(
            extractor.extract(read_text(text, published=published, **kwargs)), threshold=0
        )

    return run


def triples(prediction: dict) -> set[tuple[str, str, str]]:
    return {(c["kind"], c["obligor"], c["category"]) for c in prediction["commitments"]}
