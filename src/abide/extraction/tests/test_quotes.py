"""Quotes and who said them."""

from __future__ import annotations

import datetime as dt

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


def test_a_single_word_or_a_name_in_quotation_marks_is_not_a_quote(extract):
    result = extract(
        "Norman said the plan was “waste.” Kim said the plan, named “Camps of Instruction,” "
        "was ready. Representative Nancy Mace said the bill was “a failing plan.”"
    )
    assert speakers(result) == [("Nancy Mace", "a failing plan.")]


def test_a_paragraph_opening_with_a_name_and_a_colon_introduces_the_quote(extract):
    result = extract(
        "Leaders reacted at once.\n\n"
        "Australian Prime Minister Anthony Albanese: “Australia welcomes the plan.”\n\n"
        "Statement from President Biden: “We will keep working for peace.”"
    )
    assert speakers(result) == [
        ("Anthony Albanese", "Australia welcomes the plan."),
        ("Joe Biden", "We will keep working for peace."),
    ]


def test_an_introduction_naming_no_person_does_not_continue_the_last_speaker(extract):
    result = extract(
        "Leaders reacted at once.\n\n"
        "Australian Prime Minister Anthony Albanese: “Australia welcomes the plan.”\n\n"
        "China: “China welcomes all efforts conducive to easing the tension.”"
    )
    assert speakers(result) == [("Anthony Albanese", "Australia welcomes the plan.")]


def test_an_institution_speaks_for_its_party_in_whole_sentences_only(extract):
    result = extract(
        "Leaders reacted at once.\n\n"
        "Azerbaijani Ministry of Foreign Affairs: “We welcome the announcement of the plan.”\n\n"
        "The U.S. State Department said: “Do not travel to the region due to the risk of "
        "detention.” The State Department called the plan “a good start.”"
    )
    assert speakers(result) == [
        ("Azerbaijani Ministry of Foreign Affairs", "We welcome the announcement of the plan."),
        ("U.S. State Department", "Do not travel to the region due to the risk of detention."),
    ]
    assert [q["party"] for q in result["quotes"]] == ["Azerbaijan", "United States"]


def test_a_statement_opening_in_quotation_marks_is_by_the_author_its_title_names(extract):
    front = "---\ntitle: {}\nsource_url: https://www.whitehouse.gov/x/\ndate: '2025-03-19'\n---\n\n"
    body = "“Today the two Presidents had a productive call.\n\nThe teams will meet soon.”\n"
    by_person = extract(
        front.format("Statement from Secretary Rubio on the Call") + body,
        published=dt.date(2025, 3, 19),
        kind="markdown",
    )
    by_house = extract(
        front.format("White House Statement on the Call") + body,
        published=dt.date(2025, 3, 19),
        kind="markdown",
    )
    text = "Today the two Presidents had a productive call.\n\nThe teams will meet soon."
    assert speakers(by_person) == [("Marco Rubio", text)]
    assert speakers(by_house) == [("White House", text)]


def test_he_asked_after_a_question_closing_its_sentence_names_the_speaker(extract):
    result = extract(
        "Nikol Pashinyan spoke in Yerevan. Voters listened. “If Armenia does not make peace, "
        "what alternatives are there?” he asked pointedly."
    )
    assert speakers(result) == [
        ("Nikol Pashinyan", "If Armenia does not make peace, what alternatives are there?")
    ]


def test_an_office_that_gives_only_the_party_means_its_person_named_last(extract):
    result = extract(
        "Nikol Pashinyan spoke in Yerevan on Monday. “Yes, I recognised the territorial "
        "integrity of Azerbaijan,” the Armenian leader admitted."
    )
    assert [s for s, _ in speakers(result)] == ["Nikol Pashinyan"]


def test_a_quotation_runs_on_over_paragraphs_to_its_closing_mark():
    text = "Biden said: “The first paragraph.\n\nThe second paragraph.” Then the rest."
    assert [text[s:e] for s, e in quote_spans(text)] == [
        "The first paragraph.\n\nThe second paragraph."
    ]


def test_a_name_after_the_closing_verb_is_the_speaker_even_when_parsed_as_its_object(extract):
    result = extract(
        "“It was clear that day that her spirit would move mountains to rescue her husband, "
        "Keith,” exclaimed First Lady Melania Trump."
    )
    assert [s for s, _ in speakers(result)] == ["Melania Trump"]


def test_the_subject_of_after_saying_is_the_speaker(extract):
    result = extract(
        "Senator Tim Scott voted against the law. Senator Scott—after saying the bill would "
        "“put the American Dream further out of reach for families”—said he was "
        "“excited to see the work begin” in Florence."
    )
    assert speakers(result) == [
        ("Tim Scott", "put the American Dream further out of reach for families"),
        ("Tim Scott", "excited to see the work begin"),
    ]


def test_he_added_after_a_person_named_with_an_unknown_organisation_means_that_person(extract):
    result = extract(
        "“The budget focuses on combat ships,” said Lee Jong-moo, head of Hanwha Philly "
        "Shipyard.\n\n“Support shipbuilding has fallen behind schedule,” he added."
    )
    assert [s for s, _ in speakers(result)] == ["Lee Jong-moo", "Lee Jong-moo"]


def test_bold_markdown_over_a_line_break_leaves_the_speaker_readable(extract):
    text = (
        "---\ntitle: Peace\ndate: '2025-08-08'\n---\n\n"
        "“We are laying a foundation for a better story,” [**said Prime Minister\n"
        "Pashinyan**](https://example.org/post).\n"
    )
    result = extract(text, published=dt.date(2025, 8, 8), kind="markdown")
    assert [s for s, _ in speakers(result)] == ["Nikol Pashinyan"]


def test_i_in_remarks_is_the_person_the_title_names_and_she_is_someone_else(extract):
    text = (
        "---\ntitle: Remarks by President Biden and First Lady Jill Biden at a Summit\n"
        "date: '2024-11-13'\n---\n\n"
        "She said she wanted to keep teaching. I said, “Of course, you should.”\n\n"
        "Her student saw me. She had said, “Mom! That is my English teacher!”\n"
    )
    result = extract(text, published=dt.date(2024, 11, 13), kind="markdown")
    assert speakers(result) == [("Joe Biden", "Of course, you should.")]


def test_a_straight_quotation_runs_on_over_paragraphs_to_its_closing_mark():
    text = 'The letter said: "Your Majesty,\n\nI extend my congratulations," it reads. "Next'
    assert [text[s:e] for s, e in quote_spans(text)] == [
        "Your Majesty,\n\nI extend my congratulations,",
        "Next",
    ]


def test_a_quote_ending_a_sentence_is_not_said_by_the_next_sentences_subject(extract):
    result = extract(
        "Franklin D. Roosevelt took to the radio and hoped that blessings prevail over “the "
        "unholy forces of our enemy.” President Ronald Reagan later proclaimed a Year of Peace."
    )
    assert speakers(result) == []


def test_the_subject_of_a_clause_a_colon_ends_speaks_the_quote(extract):
    result = extract(
        "Patrick Henry rose from his seat with no notes in hand, boldly beseeching his fellow "
        "Virginians: “If we wish to be free, we must fight!”"
    )
    assert speakers(result) == [("Patrick Henry", "If we wish to be free, we must fight!")]


def test_a_possessor_of_words_and_a_spoken_quote_marker_name_the_speaker(extract):
    result = extract(
        "Nikol Pashinyan spoke in Stepanakert. His statement that “Karabakh is Armenia” was "
        "criticised. When Donald Trump looks at America, he sees, quote, “a failing nation.”"
    )
    assert speakers(result) == [
        ("Nikol Pashinyan", "Karabakh is Armenia"),
        ("Donald Trump", "a failing nation."),
    ]


def test_referred_to_as_quotes_and_a_minister_is_not_the_leader_named_last(extract):
    result = extract(
        "Pope Francis met Ilham Aliyev. Pope Francis referred to Azerbaijan as a “true example "
        "of tolerance.” Nikol Pashinyan spoke later. The minister of defense of Armenia calls "
        "for “new war for new territories.”"
    )
    assert speakers(result) == [("Pope Francis", "true example of tolerance.")]


def test_uncommon_speech_verbs_and_a_person_named_beside_a_nationality_name_the_speaker(extract):
    result = extract(
        "Recognizing his grave error, the British General Phineas Riall famously cried out, "
        "“Those are regulars, by God!” “This funding is a game changer for youth,” commented "
        "Scott Turner."
    )
    assert speakers(result) == [
        ("Phineas Riall", "Those are regulars, by God!"),
        ("Scott Turner", "This funding is a game changer for youth,"),
    ]


def test_he_is_not_the_person_named_aside_earlier_in_his_sentence(extract):
    result = extract(
        "Ragif Aliyev said that he was injured on September 20.\n\n"
        "Responding to the question of the accused David Manukyan, he said, “The enemy’s goal "
        "was to annihilate us.”"
    )
    assert speakers(result) == [("Ragif Aliyev", "The enemy’s goal was to annihilate us.")]
