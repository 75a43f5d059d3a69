"""`abide ingest --url` takes only http(s) URLs: anything else is a clear usage error."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from abide.core.tests.test_cli import run_abide
from abide.registry.ingestion import check_source_url, ingest_files
from abide.registry.models import Source


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "javascript://%0aalert(1)",
        "data:text/html,x",
        "file:///etc/passwd",
        "ftp://example.org/a.txt",
        "not a url",
    ],
)
def test_ingest_refuses_a_url_that_is_not_http_with_a_clear_error(tmp_path, url):
    document = tmp_path / "statement.txt"
    document.write_text("The minister said the army will withdraw by Friday.", encoding="utf-8")
    result = run_abide("ingest", str(document), "--url", url, data_dir=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"abide ingest: error: argument --url: {url!r} is not an http(s) URL"
    )


def test_an_http_url_is_accepted_as_it_is():
    assert check_source_url(" https://example.org/news?id=1 ") == "https://example.org/news?id=1"
    assert check_source_url("") == ""


@pytest.mark.django_db
def test_the_service_refuses_a_javascript_url_before_storing_anything(tmp_path, analyst):
    document = tmp_path / "statement.txt"
    document.write_text("The minister said the army will withdraw by Friday.", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        list(ingest_files([document], actor=analyst, extractor=None, url="javascript:alert(1)"))
    assert "url" in caught.value.message_dict
    assert not Source.objects.exists()
