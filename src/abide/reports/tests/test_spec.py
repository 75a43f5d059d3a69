"""What a report covers: periods, scopes and dossiers, and errors naming the bad part."""

from __future__ import annotations

import datetime as dt

import pytest

from abide.reports.spec import SpecError, parse_spec, period_label, previous_of

TODAY = dt.date(2024, 1, 15)


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2023-W39", "week", dt.date(2023, 9, 25), dt.date(2023, 10, 2)),
        ("2023-09", "month", dt.date(2023, 9, 1), dt.date(2023, 10, 1)),
        ("2023-09-27", "day", dt.date(2023, 9, 27), dt.date(2023, 9, 28)),
        ("2023-09-20/2023-09-30", "range", dt.date(2023, 9, 20), dt.date(2023, 10, 1)),
        ("2020-W01", "week", dt.date(2019, 12, 30), dt.date(2020, 1, 6)),
        ("2023-12", "month", dt.date(2023, 12, 1), dt.date(2024, 1, 1)),
    ],
)
def test_it_reads_each_kind_of_period(db, text, kind, start, end):
    spec = parse_spec(text, today=TODAY)
    assert (spec.kind, spec.period_kind, spec.start, spec.end) == ("period", kind, start, end)
    assert period_label(kind, start, end) == text


def test_the_previous_period_has_the_same_length():
    assert previous_of("week", dt.date(2023, 9, 25), dt.date(2023, 10, 2)) == (
        dt.date(2023, 9, 18),
        dt.date(2023, 9, 25),
    )
    assert previous_of("month", dt.date(2023, 3, 1), dt.date(2023, 4, 1)) == (
        dt.date(2023, 2, 1),
        dt.date(2023, 3, 1),
    )
    assert previous_of("range", dt.date(2023, 9, 20), dt.date(2023, 10, 1)) == (
        dt.date(2023, 9, 9),
        dt.date(2023, 9, 20),
    )


def test_it_reads_a_scope_of_countries_areas_and_commitments(db, starter_registry, analyst):
    from abide.registry.models import Category, Commitment

    commitment = Commitment.objects.create(
        kind="pledge", category=Category.objects.first(), text="hold fire"
    )
    spec = parse_spec(
        "2023-W39",
        scope=f"country:AM, country:az,area:Syunik,commitment:{commitment.pk}",
        today=TODAY,
    )
    assert spec.countries == ("AM", "AZ")
    assert spec.areas == ("Syunik",)
    assert spec.commitments == (commitment.pk,)


@pytest.mark.parametrize(
    ("period", "scope", "field", "words"),
    [
        ("2023-W60", "", "period", "not a period"),
        ("2023-13", "", "period", "not a period"),
        ("yesterday", "", "period", "not a period"),
        ("2023-09-30/2023-09-20", "", "period", "before"),
        ("2023-09-20/", "", "period", "not a period"),
        (None, "", "period", "give a period"),
        ("2023-W39", "country:Armenia", "scope", "two-letter"),
        ("2023-W39", "region:Syunik", "scope", "not a part of a scope"),
        ("2023-W39", "Syunik", "scope", "not a part of a scope"),
        ("2023-W39", "commitment:twelve", "scope", "not the number"),
        ("2023-W39", "commitment:999999", "scope", "no commitment numbered 999999"),
    ],
)
def test_it_names_the_part_that_is_wrong(db, period, scope, field, words):
    with pytest.raises(SpecError) as caught:
        parse_spec(period, scope=scope, today=TODAY)
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)
    assert words in str(caught.value)


def test_a_dossier_covers_the_commitments_whole_life(db, starter_registry):
    from abide.registry.models import Category, Commitment

    commitment = Commitment.objects.create(
        kind="pledge",
        category=Category.objects.first(),
        text="hold fire",
        date_made=dt.date(2023, 9, 26),
    )
    spec = parse_spec(None, commitment=commitment.pk, today=TODAY)
    assert spec.kind == "dossier"
    assert spec.commitment == commitment.pk
    assert (spec.start, spec.end) == (dt.date(2023, 9, 26), dt.date(2024, 1, 16))


def test_a_dossier_of_an_unknown_commitment_or_with_a_period_is_refused(db):
    with pytest.raises(SpecError) as caught:
        parse_spec(None, commitment=999999, today=TODAY)
    assert caught.value.field == "commitment"
    with pytest.raises(SpecError) as caught:
        parse_spec("2023-W39", commitment=1, today=TODAY)
    assert caught.value.field == "period"
