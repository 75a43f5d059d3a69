"""The report as HTML in every language: its words through gettext, its figures and dates
in the language's format, people's words in their own language, right to left in Arabic."""

from __future__ import annotations

import re

import pytest
from django.utils.html import escape
from django.utils.translation import gettext, override, pgettext

from abide.compliance.models import AssessmentStatus
from abide.registry.models import WalkBackKind
from abide.reports import formatting
from abide.reports.html import reading_text, render_html
from abide.reports.models import REPORT_LANGUAGES
from abide.reports.tests import documents
from abide.reports.tests.documents import sample_document

#: Headings every period report has, as the templates write them.
HEADINGS = (
    "Headline figures",
    "Casualties",
    "Commitments",
    "Unanswered demands",
    "Walk-backs",
    "Notable incidents",
    "Map",
    "Trend",
    "Coverage",
    "Summary",
    "On whose word it rests",
)


def _in(text: str, html: str) -> bool:
    return escape(text) in html


@pytest.mark.parametrize("language", REPORT_LANGUAGES)
def test_the_page_is_in_the_language_with_its_direction_and_headings(language):
    html = render_html(sample_document(), language)
    direction = "rtl" if language == "ar" else "ltr"
    assert html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert f'<article class="report report-internal kind-period" lang="{language}" ' \
        f'dir="{direction}">' in html
    with override(language):
        for heading in HEADINGS:
            assert re.search(rf"<h[234][^>]*>{re.escape(escape(gettext(heading)))}</h[234]>", html)
        # The statuses' labels from the models' choices, translated where a catalogue has them.
        assert _in(str(AssessmentStatus.VIOLATED.label), html)
        assert _in(str(AssessmentStatus.OVERDUE.label), html)
        assert _in(str(WalkBackKind.CONDITIONS.label), html)
        title = gettext("Weekly report: %(period)s") % {
            "period": formatting.interval("2023-09-25", "2023-10-01", language)
        }
        assert f"<title>{escape(title)}</title>" in html
        footer = gettext("Page %(page)s of %(pages)s")
    assert "counter(page)" in html and "counter(pages)" in html
    assert footer.split("%(page)s")[0].strip() in html


def test_the_arabic_page_carries_translated_labels_from_the_catalogues():
    html = render_html(sample_document(), "ar")
    # Strings that existed before the reports (the models' choices) are already in Arabic.
    assert "منتهَك" in html  # violated
    assert "يضع عليه شروطًا جديدة" in html  # puts new conditions on it
    assert 'dir="rtl"' in html


@pytest.mark.parametrize("language", REPORT_LANGUAGES)
def test_figures_and_dates_are_in_the_languages_format_and_link_to_their_observations(language):
    document = sample_document()
    html = render_html(document, language)
    number = lambda value: formatting.number(value, language)  # noqa: E731
    for value in (documents.SHELLING_NOW, documents.SHELLING_BEFORE, documents.MOVEMENT_NOW):
        assert f">{number(value)}<" in html
    assert escape(formatting.signed(documents.SHELLING_NOW - documents.SHELLING_BEFORE,
                                    language)) in html
    assert escape(formatting.signed(documents.MOVEMENT_NOW - documents.MOVEMENT_BEFORE,
                                    language)) in html
    assert f">{number(documents.CASUALTIES_BEST)}<" in html
    for figure in document["figures"]:
        assert f'<a href="{escape(figure["observations_url"])}">{number(figure["current"])}</a>' \
            in html
    assert escape(formatting.interval("2023-09-25", "2023-10-01", language)) in html
    assert escape(formatting.date("2023-09-20", language)) in html
    assert escape(formatting.datetime("2023-10-02T09:00:00+00:00", language)) in html
    # Names in the language.
    assert escape(formatting.name(documents.AZERBAIJAN, language)) in html
    assert escape(formatting.name(documents.SHELLING, language)) in html


def test_numbers_differ_between_languages_as_babel_writes_them():
    pages = {language: render_html(sample_document(), language) for language in ("en", "ru",
                                                                                  "tr")}
    assert ">1,234<" in pages["en"] and ">1\xa0234<" in pages["ru"] and ">1.234<" in pages["tr"]
    assert "September 20, 2023" in pages["en"] and "20 Eylül 2023" in pages["tr"]


def test_a_quote_written_in_armenian_is_shown_in_armenian_with_its_label_and_translation():
    english = render_html(sample_document(), "en")
    assert f'<blockquote lang="hy" dir="ltr">{documents.QUOTE_HY}</blockquote>' in english
    assert "written in Armenian" in english
    assert f'<blockquote class="translation" lang="en" dir="ltr">{documents.QUOTE_EN}' \
           "</blockquote>" in english
    armenian = render_html(sample_document(), "hy")
    assert f'<blockquote lang="hy" dir="ltr">{documents.QUOTE_HY}</blockquote>' in armenian
    assert documents.QUOTE_EN not in armenian.split("<section class=\"commitments\">")[1]
    arabic = render_html(sample_document(), "ar")
    # The Arabic narrative keeps its direction inside any page; the Armenian quote its own.
    assert f'<blockquote lang="ar" dir="rtl">{documents.NARRATIVE_AR}</blockquote>' in english
    assert f'<blockquote lang="hy" dir="ltr">{documents.QUOTE_HY}</blockquote>' in arabic


@pytest.mark.parametrize("language", REPORT_LANGUAGES)
def test_the_chain_of_attribution_says_who_told_whom_and_who_passed_it_on(language):
    html = render_html(sample_document(), language)
    name = lambda names: formatting.name(names, language)  # noqa: E731
    with override(language):
        told = pgettext("attribution chain", "%(who)s told %(to)s") % {
            "who": name(documents.ALIYEV), "to": name(documents.BLINKEN)
        }
        reported = pgettext("attribution chain", "%(who)s reported it") % {
            "who": name(documents.MILLER)
        }
        published = pgettext("attribution chain", "%(who)s published it") % {
            "who": name(documents.ARMENPRESS)
        }
    chain = re.search(r'<span class="chain">(.*?)</span>', html).group(1)
    assert chain.index(escape(told)) < chain.index(escape(reported)) < chain.index(
        escape(published)
    )
    if language == "en":
        assert chain == ("Ilham Aliyev told Antony Blinken, Matthew Miller reported it, "
                         "and Armenpress published it")


def test_the_report_says_its_id_version_state_tier_and_what_it_corrects():
    html = render_html(sample_document(), "en")
    assert "#7</bdi>, version 2," in html and ">published</span>" in html
    assert "This version corrects report #6:" in html
    assert "The count of shelling was 1,243; it is 1,234." in html
    assert "Internal version: for the mission only" in html
    public = render_html(sample_document(tier="public"), "en")
    assert "Public version" in public and "only corroborated or verified" in public


def test_the_open_demand_states_its_age_and_the_commitment_its_change():
    html = render_html(sample_document(), "en")
    assert ">30 days<" in html
    assert "changed: before, at risk" in html
    assert "unchanged since the previous period" in html


@pytest.mark.parametrize("language", REPORT_LANGUAGES)
def test_the_reading_time_is_that_of_the_words_of_the_page_in_its_language(language):
    html = render_html(sample_document(), language, page=False)
    minutes = formatting.reading_minutes(reading_text(html))
    with override(language):
        words = formatting.reading_time(reading_text(html), language)
    assert f'<span class="reading-time">{escape(words)}</span>' in html
    assert formatting.number(minutes, language) in words
    # A long summary makes it longer.
    document = sample_document()
    document["summaries"][0]["text"] = " ".join(["word"] * 1000)
    longer = render_html(document, language, page=False)
    assert formatting.reading_minutes(reading_text(longer)) > minutes
    with override(language):
        assert escape(formatting.reading_time(reading_text(longer), language)) in longer


def test_the_body_alone_is_for_the_sites_own_page():
    body = render_html(sample_document(), "ar", page=False)
    assert body.startswith('<article class="report report-internal kind-period" lang="ar" '
                           'dir="rtl">')
    assert "<html" not in body and "<style>" not in body.split("<svg")[0]


def test_the_map_and_the_trend_chart_are_inline_svg_in_every_page():
    html = render_html(sample_document(), "en")
    assert html.count('<svg class="points-map"') == 1
    assert html.count('<circle class="cat-') == 3
    assert '<svg class="chart trend"' in html and "<polyline" in html
    assert "Ceasefire: 1,250" in html  # the trend's last value in its legend
    arabic = render_html(sample_document(), "ar")
    assert 'class="chart trend" ' in arabic and 'direction="rtl"' in arabic
    # On a page, the words stay as written (the browser shapes them).
    assert "\u2068وقف إطلاق النار: 1,250\u2069" in arabic


def test_a_public_document_without_narratives_or_places_renders():
    document = sample_document(tier="public")
    document["incidents"][0]["narrative"] = None
    document["incidents"][0]["place"].update(name="", latitude=None, longitude=None,
                                             precision="hidden")
    document["map"] = {"points": [], "bbox": None}
    html = render_html(document, "tr")
    assert 'class="report report-public' in html
    assert documents.NARRATIVE_AR not in html
    with override("tr"):
        assert escape(gettext("not shown")) in html


@pytest.mark.parametrize("language", REPORT_LANGUAGES)
def test_a_dossier_shows_the_commitments_history_evidence_and_retractions(language):
    html = render_html(sample_document(dossier=True), language)
    with override(language):
        for heading in ("The commitment", "Status history", "Evidence", "Retractions"):
            assert f">{escape(gettext(heading))}</h2>" in html
        assert escape(str(AssessmentStatus.AT_RISK.label)) in html
    assert "2023-W38" in html and "Puts a condition on the ceasefire." in html
    assert escape(formatting.date("2024-09-20", language)) in html


def test_a_report_built_without_being_stored_says_so_and_draws_only_observed_categories():
    document = sample_document()
    document["report"] = {"id": None, "version": None, "state": None, "corrects": None,
                          "published_at": None}
    for period in document["trend"]:
        period["counts"]["peace_process"] = 0
    html = render_html(document, "en")
    assert "not stored: built from the database as it is now" in html
    assert "version" not in html.split('class="report-facts"')[1].split("</dl>")[0]
    assert "peace_process" not in html.split('class="chart trend"')[1]
    assert html.split('class="chart trend"')[1].count("<polyline") == 2
