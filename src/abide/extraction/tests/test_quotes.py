"""Quotes and who said them."""

from __future__ import annotations

from abide.extraction.quotes import quote_spans


def speakers(prediction: dict) -> list[tuple[str, str]]:
    return [(q["speaker"], q["text"]) for q in prediction["quotes"]]


def test_quote_spans_handle_straight_and_curly_marks_across_sentences():
    text = 'He said "we will. We must." Then “a second one.” and “an open one'
    assert [text[s:e] for s, e in quote_spans(text)] == [
        "we will. We must.",
        "a second one.",
        "an open one",
    ]


def test_a_quotation_left_open_at_a_paragraph_end_is_closed_there():
    text = "“First paragraph of a speech.\n\n“Second paragraph,” she said."
    assert [text[s:e] for s, e in quote_spans(text)] == [
        "First paragraph of a speech.",
        "Second paragraph,",
    ]


def test_x_said_and_said_x_both_name_the_speaker(extract):
    result = extract(
        "“We are ready to talk,” Nikol Pashinyan said. “The road must reopen,” said Antony Blinken."
    )
    assert speakers(result) == [
        ("Nikol Pashinyan", "We are ready to talk,"),
        ("Antony Blinken", "The road must reopen,"),
    ]


def test_a_colon_introduction_names_the_speaker_of_the_next_quote(extract):
    result = extract("Jake Sullivan told reporters:\n\n“We will keep working for peace.”")
    assert speakers(result) == [("Jake Sullivan", "We will keep working for peace.")]


def test_a_partial_quote_in_reported_speech_belongs_to_the_reporting_subject(extract):
    result = extract(
        "Blinken urged the Azerbaijani President to commit to "
        "“broad amnesty and allow an international observer mission.”"
    )
    assert speakers(result) == [
        ("Antony Blinken", "broad amnesty and allow an international observer mission.")
    ]


def test_the_secretary_and_he_resolve_to_the_person_the_text_means(extract):
    result = extract(
        "Secretary Blinken spoke with President Aliyev on Tuesday. "
        "“We expect calm,” the Secretary said. “Calm is essential,” he added."
    )
    assert [s for s, _ in speakers(result)] == ["Antony Blinken", "Antony Blinken"]


def test_a_quote_continued_in_the_next_paragraph_keeps_its_speaker(extract):
    result = extract(
        "“The first part of the message,” Matthew Miller said.\n\n“And the second part of it.”"
    )
    assert [s for s, _ in speakers(result)] == ["Matthew Miller", "Matthew Miller"]


def test_a_title_or_slogan_in_quotation_marks_is_not_a_quote(extract):
    result = extract("The program, called “Bridges for Peace,” began in May.")
    assert speakers(result) == []
