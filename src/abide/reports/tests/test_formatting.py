"""Figures, dates, names and people's words in each report language."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from babel import dates, numbers
from django.utils.translation import gettext, ngettext, override

from abide.reports import formatting
from abide.reports.models import REPORT_LANGUAGES
from abide.reports.shaping import visual
from abide.reports.tests.documents import AZERBAIJAN, QUOTE_EN, QUOTE_HY


@pytest.mark.parametrize("language", REPORT_LANGUAGES)
def test_numbers_and_dates_are_written_the_languages_way(language):
    assert formatting.number(1234567, language) == numbers.format_decimal(
        1234567, locale=language, numbering_system="default"
    )
    assert formatting.percent(0.25, language) == numbers.format_percent(
        0.25, locale=language, numbering_system="default"
    )
    assert formatting.date("2023-09-27", language) == dates.format_date(
        dt.date(2023, 9, 27), "long", locale=language
    )
    minus = numbers.get_minus_sign_symbol(language)
    plus = numbers.get_plus_sign_symbol(language)
    assert formatting.signed(-15, language) == minus + formatting.number(15, language)
    assert formatting.signed(54, language) == plus + formatting.number(54, language)
    assert formatting.signed(0, language) == formatting.number(0, language)


def test_each_language_has_its_own_separators_and_month_names():
    assert formatting.number(1234567, "en") == "1,234,567"
    assert formatting.number(1234567, "tr") == "1.234.567"
    # Russian and Armenian group with a no-break space.
    assert formatting.number(1234567, "ru") == "1\xa0234\xa0567"
    assert formatting.number(1234567, "hy") == "1\xa0234\xa0567"
    assert formatting.percent(0.25, "tr") == "%25"
    assert "سبتمبر" in formatting.date("2023-09-27", "ar")
    assert "сентября" in formatting.date("2023-09-27", "ru")
    assert "Eylül" in formatting.date("2023-09-27", "tr")
    assert "սեպտեմբերի" in formatting.date("2023-09-27", "hy")
    assert formatting.interval("2023-09-25", "2023-10-01", "en") == "Sep 25\u2009–\u2009Oct 1, 2023"
    assert formatting.interval("2023-09-27", "2023-09-27", "en") == "September 27, 2023"
    assert formatting.date(None, "en") == ""


def test_names_come_in_the_language_with_english_standing_in():
    assert formatting.name(AZERBAIJAN, "hy") == "Ադրբեջան"
    assert formatting.name({"en": "Lachin"}, "ar") == "Lachin"
    assert formatting.name(None, "ru") == ""
    assert formatting.direction("ar") == "rtl" and formatting.direction("hy") == "ltr"


def test_words_people_wrote_keep_their_language_with_a_label_and_a_translation():
    written = {"text": QUOTE_HY, "language": "hy", "translations": {"en": QUOTE_EN}}
    english = formatting.shown(written, "en")
    assert english.text == QUOTE_HY and english.language == "hy"
    assert english.label == "written in Armenian"
    assert english.translation == QUOTE_EN and english.translation_label == "translation"
    # In its own language: no label, no translation.
    armenian = formatting.shown(written, "hy")
    assert armenian.label == "" and armenian.translation == ""
    # No Russian translation was entered: the original alone, labelled in Russian words.
    russian = formatting.shown(written, "ru")
    assert russian.translation == "" and "армянский" in russian.label
    with override("ru"):
        assert russian.label == gettext("written in %(language)s") % {"language": "армянский"}
    assert formatting.shown(None, "en") is None


@pytest.mark.parametrize("language", REPORT_LANGUAGES)
def test_the_reading_time_counts_the_words_in_every_script(language):
    words = {"en": "word", "ar": "كلمة", "hy": "բառ", "ru": "слово", "tr": "kelime"}[language]
    text = " ".join([words] * 350)
    assert formatting.word_count(text) == 350
    with override(language):
        expected = ngettext("%(count)s minute read", "%(count)s minute read", 2) % {
            "count": formatting.number(2, language)
        }
    assert formatting.reading_time(text, language) == expected
    assert formatting.reading_minutes("") == 1


def test_arabic_is_given_joined_and_in_visual_order_for_letter_by_letter_drawing():
    shaped = visual("أذربيجان")
    # Joined forms (presentation forms), last letter first.
    assert all("\ufe70" <= c <= "\ufeff" for c in shaped)
    assert unicodedata.normalize("NFKC", shaped)[::-1] == "أذربيجان"
    assert visual("Shelling \u20681,234\u2069") == "Shelling 1,234"
