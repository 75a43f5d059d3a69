"""Reading documents: title, dateline, body without furniture, language, formats, bad files."""

from __future__ import annotations

import datetime as dt

import pytest

from abide.extraction import DocumentError, read_file, read_text

ARTICLE = """Ceasefire talks resume in Geneva

3 minute read

GENEVA, MARCH 4, ABIDE NEWS. Delegations met again on Monday.

The talks will continue tomorrow.

English العربية Հայերեն Русский Türkçe
"""


def test_a_news_article_yields_title_dateline_and_body_without_furniture():
    document = read_text(ARTICLE, published=dt.date(2024, 3, 5))
    assert document.title == "Ceasefire talks resume in Geneva"
    dateline = document.dateline
    assert (dateline.place, dateline.month, dateline.day, dateline.agency) == (
        "Geneva",
        3,
        4,
        "ABIDE NEWS",
    )
    assert dateline.date == dt.date(2024, 3, 4)
    assert "minute read" not in document.body and "Русский" not in document.body
    assert document.body.startswith("GENEVA, MARCH 4")
    assert document.language == "en"
    assert document.reading_minutes == 1


def test_a_december_dateline_published_in_january_belongs_to_the_year_before():
    document = read_text(
        "BAKU, DECEMBER 30, ABIDE NEWS. Text follows here.", published=dt.date(2024, 1, 2)
    )
    assert document.dateline.date == dt.date(2023, 12, 30)


def test_markdown_front_matter_gives_title_date_and_url_and_the_wrapping_is_undone(tmp_path):
    path = tmp_path / "readout.md"
    path.write_text(
        "---\ntitle: 'Readout of a Call'\ndate: '2022-12-22'\n"
        "source_url: https://www.whitehouse.gov/briefing-room/x/\n---\n \n"
        "The advisor spoke with the\nsecretary today about **access**.\n\n\\###\n",
        encoding="utf-8",
    )
    document = read_file(path)
    assert document.title == "Readout of a Call"
    assert document.published == dt.date(2022, 12, 22)
    assert document.url.startswith("https://www.whitehouse.gov/")
    assert document.body == "The advisor spoke with the secretary today about access."


def test_html_is_reduced_to_its_main_text(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<!doctype html><html><head><title>Truce holds</title></head><body>"
        "<nav>Home | World | Sport</nav><article><h1>Truce holds</h1>"
        "<p>The truce between the two sides held for a third day, officials said on Sunday, "
        "as aid convoys reached the city and families began to return to their homes.</p>"
        "<p>Both delegations will meet again next week to discuss the exchange of prisoners "
        "and the reopening of the main road.</p></article>"
        "<footer>Copyright</footer></body></html>",
        encoding="utf-8",
    )
    document = read_file(path, published=dt.date(2024, 5, 1))
    assert document.title == "Truce holds"
    assert "third day" in document.body and "Copyright" not in document.body


def test_the_language_of_a_russian_text_is_detected():
    assert read_text("Стороны договорились о прекращении огня с полуночи.").language == "ru"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"\x00\x01\x02binary", "a binary file"),
        (b"caf\xe9 au lait", "not UTF-8 text"),
    ],
)
def test_an_unreadable_file_is_refused_with_its_reason(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=reason):
        read_file(path)
