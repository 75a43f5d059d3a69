"""The reports end to end, from the worked cases through the site: the demo's founding week
(2023-W39) and the 1994 Bishkek ceasefire against ACLED's May 2020, in all five languages.

The PDF's text holds the figures the database counts and the headings in the language; the
JSON validates against its schema and its figures are the database's counts; and no public
output (page, PDF, JSON, API, feed) holds any of the secrets a test seeds."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count
from django.utils.translation import gettext, override

from abide.accounts.models import Role
from abide.observations.models import Observation
from abide.observations.tests.helpers import stored
from abide.reports import formatting, html, jsonout, services
from abide.reports.access import get_report_for
from abide.reports.building import document_for
from abide.reports.models import REPORT_LANGUAGES, Report
from abide.reports.spec import parse_spec
from abide.reports.tests.outputs import (
    ARTIFACTS,
    first_page_png,
    holds_words,
    needs_pdftotext,
    normal,
    pdf_text,
    public_outputs,
)
from abide.testing import make_user

UTC = dt.UTC
FOUNDING_WEEK = "2023-W39"
TODAY = dt.date(2023, 10, 10)
HEADINGS = (
    "Headline figures",
    "Commitments",
    "Unanswered demands",
    "Notable incidents",
    "Map",
    "Trend",
    "Coverage",
)


def publish(spec_text: str, analyst, head, *, scope: str = "", incidents=()) -> Report:
    """A report drafted, given its incidents and a summary, approved and published."""
    report = services.create_report(parse_spec(spec_text, scope=scope, today=TODAY), actor=analyst)
    if incidents:
        services.set_incidents(report, [o.pk for o in incidents], actor=analyst)
    services.set_summary(
        report, "en", "What the mission saw this period.", is_original=True, actor=analyst
    )
    services.approve_report(report, actor=head)
    services.publish_report(report, actor=head)
    report.refresh_from_db()
    return report


def counted(report: Report, tier: str, previous: bool = False) -> dict[str, int]:
    """Observations per category that began in the report's period (or the one before), as
    the database counts them for the tier, in the report's countries."""
    length = report.period_end - report.period_start
    start = report.period_start - (length if previous else dt.timedelta(0))
    end = start + length
    rows = Observation.objects.filter(
        observed_start__gte=dt.datetime.combine(start, dt.time.min, tzinfo=UTC),
        observed_start__lt=dt.datetime.combine(end, dt.time.min, tzinfo=UTC),
    )
    if report.scope.get("countries"):
        rows = rows.filter(country__in=report.scope["countries"])
    if tier == "public":
        rows = rows.filter(sensitivity="public", status__in=("corroborated", "verified"))
    totals = rows.values("category__slug").annotate(n=Count("id"))
    return {row["category__slug"]: row["n"] for row in totals}


def category_figures(document: dict, key: str = "current") -> dict[str, int]:
    return {
        figure["category"]["slug"]: figure[key]
        for figure in document["figures"]
        if figure["subtype"] is None and "direction" not in figure and figure[key]
    }


def check_pdf(text: str, layout: str, document: dict, language: str) -> None:
    """The PDF's text holds the title, the headings and each category's figures."""
    with override(language):
        for heading in HEADINGS:
            assert holds_words(text, gettext(heading)), (language, heading)
        assert holds_words(text, html.title(document, language)), language
    lines = [normal(line) for line in layout.splitlines() if line.strip()]
    for figure in document["figures"]:
        if figure["subtype"] is not None or "direction" in figure:
            continue
        name = formatting.name(figure["category"]["names"], language)
        assert holds_words(text, name), (language, name)
        numbers = [
            formatting.number(figure["current"], language),
            formatting.number(figure["previous"], language),
            formatting.signed(figure["change"], language),
        ]
        for number in numbers:
            assert normal(number) in normal(text), (language, name, number)
        if language == "ar":
            continue  # a right-to-left table's row comes out of the PDF in another order
        row = re.compile(r"(^|\s)" + r"\s+".join(re.escape(normal(n)) for n in numbers) + r"(\s|$)")
        first_word = normal(name).split()[0]
        assert any(
            # A long name wraps over up to three lines of its cell, the figures beside them.
            row.search(line) and first_word in " ".join(lines[max(0, i - 3) : i + 3])
            for i, line in enumerate(lines)
        ), (language, name, numbers)


def check_json(client, report: Report, tier: str) -> None:
    for language in REPORT_LANGUAGES:
        data = client.get(f"/reports/{report.pk}/{language}/json/").json()
        assert jsonout.schema_errors(data) == [], language
        assert data["tier"] == tier and data["language"] == language
        assert category_figures(data) == counted(report, tier), (language, tier)
        assert category_figures(data, "previous") == counted(report, tier, previous=True)
        api = client.get(f"/api/reports/{report.pk}/{language}").json()
        assert api == data


@needs_pdftotext
@pytest.mark.django_db
def test_the_founding_weeks_report_in_five_languages_holds_the_databases_figures(
    client, demo_assessed, analyst, head
):
    report = publish(FOUNDING_WEEK, analyst, head)
    document = document_for(report, "public")
    assert category_figures(document), "the founding week has public observations"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for language in REPORT_LANGUAGES:
        response = client.get(f"/reports/{report.pk}/{language}/pdf/")
        assert response.status_code == 200
        first_page_png(response.content, ARTIFACTS / f"founding-week-{language}-pdf.png")
        check_pdf(
            pdf_text(response.content),
            pdf_text(response.content, layout=True),
            document,
            language,
        )
    check_json(client, report, "public")
    client.force_login(analyst)
    check_json(client, report, "internal")


@pytest.fixture
def secrets(demo_assessed, analyst) -> dict:
    """Seeded in the founding week, all chosen as notable incidents: an observer's name, the
    exact place of a public observation (shown at 10 km), a restricted and an internal
    observation with their narratives and places, and a public one not yet corroborated."""
    observer = make_user("zed-observer", Role.OBSERVER)
    observer.first_name, observer.last_name = "Zebulon", "Quartermaine"
    observer.save(update_fields=["first_name", "last_name"])
    day = dt.datetime(2023, 9, 27, 11, tzinfo=UTC)
    common = {"reported_by": observer, "observed_start": day, "country": "AM"}
    shown = stored(
        **common,
        status="verified",
        sensitivity="public",
        public_precision="10km",
        latitude=40.123457,
        longitude=45.987653,
        place_name="Exactplace Hamlet",
        admin2="Secret district",
        narrative="Shelling was heard near the road.",
    )
    restricted = stored(
        **common,
        status="verified",
        sensitivity="restricted",
        narrative="RESTRICTED-NARRATIVE-Kestrel told us in confidence.",
        place_name="Kestrelvale",
    )
    internal = stored(
        **common,
        status="verified",
        sensitivity="internal",
        narrative="INTERNAL-NARRATIVE-Osprey seen by the patrol.",
        place_name="Ospreyford",
    )
    unconfirmed = stored(
        **common,
        status="reported",
        sensitivity="public",
        narrative="UNCORROBORATED-Heron claim.",
        place_name="Heronmouth",
    )
    return {
        "observations": [shown, restricted, internal, unconfirmed],
        "hidden": [restricted, internal, unconfirmed],
        "words": [
            "zed-observer",
            "Zebulon",
            "Quartermaine",
            "40.1234",
            "45.9876",
            "Exactplace",
            "Secret district",
            "RESTRICTED-NARRATIVE",
            "Kestrel",
            "INTERNAL-NARRATIVE",
            "Osprey",
            "UNCORROBORATED",
            "Heron",
            "olga-observer",
            "ani-analyst",
            "hamid-head",
        ],
    }


@needs_pdftotext
@pytest.mark.django_db
def test_no_public_output_holds_a_seeded_secret(client, secrets, analyst, head):
    report = publish(FOUNDING_WEEK, analyst, head, incidents=secrets["observations"])
    internal = document_for(report, "internal")
    seen_inside = str(internal)
    assert "RESTRICTED-NARRATIVE" in seen_inside and "INTERNAL-NARRATIVE" in seen_inside
    assert "40.123457" in seen_inside, "the internal tier has the exact place"
    public = document_for(report, "public")
    assert [i["observation"] for i in public["incidents"]] == [secrets["observations"][0].pk]

    outputs = public_outputs(client, report)
    found = [
        (path, word)
        for path, text in outputs.items()
        for word in secrets["words"]
        if word.lower() in text.lower()
    ]
    found += [
        (path, f"/observations/{observation.pk}/")
        for path, text in outputs.items()
        for observation in secrets["hidden"]
        if f"/observations/{observation.pk}/" in text
    ]
    assert found == []
    # What the public may see of the seeded observations is there: the public one, coarsened.
    assert "Shelling was heard near the road." in outputs[f"/reports/{report.pk}/en/json/"]
    assert get_report_for(AnonymousUser(), report.pk) == report


@needs_pdftotext
@pytest.mark.slow
@pytest.mark.django_db
def test_bishkek_1994_against_acled_may_2020_in_five_languages(
    client, starter_registry, analyst, head, bishkek
):
    pledges = list(bishkek.values())

    report = publish("2020-W19", analyst, head, scope="country:AZ,country:AM")
    for tier in ("internal", "public"):
        document = document_for(report, tier)
        assert category_figures(document) == counted(report, tier), tier
    internal = document_for(report, "internal")
    assert category_figures(internal), "the clashes of May 2020 are counted"
    assert {entry["id"] for entry in internal["commitments"]} >= {c.pk for c in pledges}
    public = document_for(report, "public")
    for language in REPORT_LANGUAGES:
        data = client.get(f"/reports/{report.pk}/{language}/pdf/").content
        first_page_png(data, ARTIFACTS / f"bishkek-2020-W19-{language}-pdf.png")
        check_pdf(pdf_text(data), pdf_text(data, layout=True), public, language)
    check_json(client, report, "public")
    client.force_login(analyst)
    check_json(client, report, "internal")
