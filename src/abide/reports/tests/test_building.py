"""The document built from the worked cases: its figures are the database's counts, each
link into /observations/ lists exactly the observations counted, and it fits its schema."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser

from abide.observations.access import PUBLISHED_STATUSES
from abide.observations.filtering import observations_for_request
from abide.observations.models import Observation
from abide.reports.building import build_document
from abide.reports.jsonout import render_json, schema_errors
from abide.reports.models import REPORT_LANGUAGES
from abide.reports.spec import parse_spec

TODAY = dt.date(2024, 1, 15)
FOUNDING_WEEK = (
    dt.datetime(2023, 9, 25, tzinfo=dt.UTC),
    dt.datetime(2023, 10, 2, tzinfo=dt.UTC),
)


def _counted(start: dt.datetime, end: dt.datetime, *, public: bool, **filters: object) -> int:
    observations = Observation.objects.filter(
        observed_start__gte=start, observed_start__lt=end, **filters
    )
    if public:
        observations = observations.filter(sensitivity="public", status__in=PUBLISHED_STATUSES)
    return observations.count()


def _listed(url: str, user: object) -> int:
    """How many observations the observation list shows ``user`` at ``url``."""
    parts = urlsplit(url)
    assert parts.path == "/observations/"
    return observations_for_request(user, dict(parse_qsl(parts.query))).count()


@pytest.mark.parametrize("tier", ["internal", "public"])
def test_the_founding_weeks_figures_are_the_databases_counts(demo_assessed, analyst, tier):
    public = tier == "public"
    document = build_document(parse_spec("2023-W39", today=TODAY), tier=tier)
    previous = (FOUNDING_WEEK[0] - dt.timedelta(days=7), FOUNDING_WEEK[0])
    assert document["period"]["label"] == "2023-W39"
    assert document["previous_period"]["label"] == "2023-W38"
    reader = AnonymousUser() if public else analyst
    seen = set()
    for figure in document["figures"]:
        filters = {"category__slug": figure["category"]["slug"]}
        if figure["subtype"]:
            filters["subtype__slug"] = figure["subtype"]["slug"]
        assert figure["current"] == _counted(*FOUNDING_WEEK, public=public, **filters)
        assert figure["previous"] == _counted(*previous, public=public, **filters)
        assert figure["change"] == figure["current"] - figure["previous"]
        assert _listed(figure["observations_url"], reader) == figure["current"]
        seen.add((figure["category"]["slug"], figure["subtype"] and figure["subtype"]["slug"]))
    # The demo's week: a convoy that passed and displaced civilians (public, corroborated or
    # verified), and gunfire heard (internal only).
    assert ("humanitarian_access", "convoy_passed") in seen
    totals = {f["category"]["slug"]: f["current"] for f in document["figures"] if not f["subtype"]}
    assert totals["humanitarian_access"] == 1
    assert totals["freedom_of_movement"] == 1
    assert totals["cessation_of_hostilities"] == (0 if public else 1)
    assert sum(document["trend"][-1]["counts"].values()) == _counted(*FOUNDING_WEEK, public=public)
    assert len(document["trend"]) == 8
    assert document["trend"][0]["label"] == "2023-W32"


def test_the_founding_weeks_commitments_carry_their_words_and_chain(demo_assessed):
    document = build_document(parse_spec("2023-W39", today=TODAY), tier="public")
    entries = {entry["text"]["text"]: entry for entry in document["commitments"]}
    pledge = entries["Azerbaijan would take no further military action"]
    assert pledge["status"] == "at_risk"
    assert pledge["obligor"]["names"]["hy"] == "Ադրբեջան"
    chain = pledge["statements"][0]["chain"]
    assert [link["relation"] for link in chain] == ["told", "reported", "published"]
    assert chain[0]["who"]["en"] == "Ilham Aliyev"
    assert chain[0]["who"]["ru"] == "Ильхам Алиев"
    assert "no further military action" in pledge["statements"][0]["quote"]["text"]
    ages = {demand["since"]: demand["age_days"] for demand in document["open_demands"]}
    assert ages == {"2023-09-26": 5}
    assert set(document["coverage"]["not_assessable"]) <= {e["id"] for e in entries.values()}
    category = document["figures"][0]["category"]
    assert set(category["names"]) == set(REPORT_LANGUAGES)


def test_the_head_of_missions_override_is_the_status_reported(demo_assessed, head):
    from abide.compliance.assessment import override
    from abide.compliance.models import Assessment

    assessment = Assessment.objects.get(
        commitment__text="Azerbaijan would take no further military action",
        period_kind="week",
        period_start=dt.date(2023, 9, 25),
    )
    override(assessment, "violated", actor=head, justification="Gunfire seen by two teams.")
    document = build_document(parse_spec("2023-W39", today=TODAY), tier="public")
    statuses = {e["id"]: e["status"] for e in document["commitments"]}
    assert statuses[assessment.commitment_id] == "violated"


@pytest.mark.parametrize("tier", ["internal", "public"])
def test_built_documents_validate_against_the_schema_in_every_language(demo_assessed, tier):
    from abide.registry.models import Commitment

    pledge = Commitment.objects.get(text="Azerbaijan would take no further military action")
    for spec in (
        parse_spec("2023-W39", today=TODAY),
        parse_spec("2023-09", scope="country:AM,area:Syunik", today=TODAY),
        parse_spec("2023-09-20/2023-09-30", scope=f"commitment:{pledge.pk}", today=TODAY),
        parse_spec(None, commitment=pledge.pk, today=TODAY),
    ):
        document = build_document(spec, tier=tier)
        for language in REPORT_LANGUAGES:
            data = json.loads(render_json(document, language))
            assert schema_errors(data) == [], (spec, language)
            assert data["language"] == language


def test_a_dossier_holds_the_commitments_history_and_evidence(demo_assessed):
    from abide.registry.models import Commitment

    pledge = Commitment.objects.get(text="Azerbaijan would take no further military action")
    internal = build_document(parse_spec(None, commitment=pledge.pk, today=TODAY), tier="internal")
    public = build_document(parse_spec(None, commitment=pledge.pk, today=TODAY), tier="public")
    assert internal["kind"] == "dossier"
    assert internal["period"]["start"] == "2023-09-26"
    assert internal["dossier"]["history"][0] == {
        "period": "2023-W39",
        "start": "2023-09-25",
        "status": "at_risk",
    }
    cited = {item["observation"] for item in internal["dossier"]["evidence"]}
    assert cited  # the gunfire heard, which puts it at risk
    shown = {item["observation"] for item in public["dossier"]["evidence"]}
    hidden = Observation.objects.filter(pk__in=cited).exclude(sensitivity="public")
    assert not shown & set(hidden.values_list("pk", flat=True))


def test_a_scope_narrows_figures_to_its_countries(demo_assessed):
    everywhere = build_document(parse_spec("2023-W39", today=TODAY), tier="internal")
    spec = parse_spec("2023-W39", scope="country:AM", today=TODAY)
    armenia = build_document(spec, tier="internal")
    total = {f["category"]["slug"]: f["current"] for f in everywhere["figures"] if not f["subtype"]}
    in_am = {f["category"]["slug"]: f["current"] for f in armenia["figures"] if not f["subtype"]}
    assert (
        sum(in_am.values())
        == Observation.objects.filter(
            country="AM", observed_start__gte=FOUNDING_WEEK[0], observed_start__lt=FOUNDING_WEEK[1]
        ).count()
    )
    assert sum(in_am.values()) < sum(total.values())
    assert all("country=AM" in f["observations_url"] for f in armenia["figures"])
