"""The mission's pages for reports: a new draft from the form, notable incidents, summaries,
approval and publication by the head of mission, and corrections as new versions."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from abide.observations.tests.helpers import stored
from abide.reports.models import Report, ReportState
from abide.reports.tests.helpers import drafted, published

UTC = dt.UTC


@pytest.fixture
def week_observations(starter_registry, observer):
    """Two observations of 2024-W09 and one of the week after."""
    first = stored(reported_by=observer, observed_start=dt.datetime(2024, 2, 27, 9, tzinfo=UTC))
    second = stored(
        reported_by=observer,
        observed_start=dt.datetime(2024, 3, 1, 10, tzinfo=UTC),
        place_name="Askeran",
    )
    later = stored(reported_by=observer, observed_start=dt.datetime(2024, 3, 5, 10, tzinfo=UTC))
    return first, second, later


def test_an_analyst_drafts_a_weekly_report_with_the_form(client, analyst):
    client.force_login(analyst)
    response = client.post("/reports/drafts/", {"kind": "week", "period": "2023-W39", "scope": ""})
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/reports/{report.pk}/draft/"
    assert (report.kind, report.period_kind, report.state) == ("period", "week", "draft")
    assert report.period_start == dt.date(2023, 9, 25)
    assert report.period_end == dt.date(2023, 10, 2)
    assert report.created_by == analyst
    page = client.get(response["Location"]).content.decode()
    assert "Weekly report, 2023-W39" in page
    assert "The draft is made." in page
    listing = client.get("/reports/drafts/").content.decode()
    assert f'href="/reports/{report.pk}/draft/"' in listing


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"kind": "week", "period": ""}, "period", "Give the period"),
        ({"kind": "week", "period": "2023-W99"}, "period", "2023-W99"),
        ({"kind": "month", "period": "2023-W39"}, "period", "not a period of the kind chosen"),
        ({"kind": "dossier", "period": ""}, "commitment", "give its id"),
        ({"kind": "yearly", "period": "2023"}, "kind", "Select a valid choice"),
    ],
)
def test_a_bad_new_report_is_refused_naming_the_field_and_nothing_is_stored(
    client, analyst, data, field, words
):
    client.force_login(analyst)
    response = client.post("/reports/drafts/", data)
    assert response.status_code == 422
    form = response.context["form"]
    assert field in form.errors
    assert words in " ".join(form.errors[field])
    assert not Report.objects.exists()


def test_the_draft_offers_the_periods_observations_and_saves_the_chosen_incidents(
    client, analyst, week_observations
):
    first, second, later = week_observations
    report = drafted(analyst)
    client.force_login(analyst)
    page = client.get(f"/reports/{report.pk}/draft/").content.decode()
    assert f'type="checkbox" name="observations" value="{first.pk}"' in page
    assert f'type="checkbox" name="observations" value="{second.pk}"' in page
    assert f'value="{later.pk}"' not in page
    response = client.post(
        f"/reports/{report.pk}/draft/incidents/", {"observations": [second.pk, first.pk]}
    )
    assert response.status_code == 302
    assert list(report.incidents.values_list("observation_id", flat=True)) == [
        second.pk,
        first.pk,
    ]


def test_an_incident_outside_the_period_is_refused(client, analyst, week_observations):
    later = week_observations[2]
    report = drafted(analyst)
    client.force_login(analyst)
    response = client.post(f"/reports/{report.pk}/draft/incidents/", {"observations": [later.pk]})
    assert response.status_code == 422
    assert "observations" in response.context["incidents_form"].errors
    assert not report.incidents.exists()


def test_summaries_are_written_as_originals_and_translations(client, analyst):
    report = drafted(analyst)
    client.force_login(analyst)
    client.post(
        f"/reports/{report.pk}/draft/summary/",
        {"language": "en", "text": "A calm week on the line.", "is_original": "1"},
    )
    response = client.post(
        f"/reports/{report.pk}/draft/summary/",
        {"language": "ru", "text": "Спокойная неделя на линии.", "is_original": "0"},
    )
    assert response.status_code == 302
    summaries = {s.language: (s.text, s.is_original) for s in report.summaries.all()}
    assert summaries == {
        "en": ("A calm week on the line.", True),
        "ru": ("Спокойная неделя на линии.", False),
    }
    missing = client.post(f"/reports/{report.pk}/draft/summary/", {"language": "fr", "text": ""})
    assert missing.status_code == 422
    assert set(missing.context["summary_form"].errors) >= {"language", "text"}


def test_only_the_head_of_mission_approves_and_publishes(client, analyst, head):
    report = drafted(analyst)
    client.force_login(analyst)
    page = client.get(f"/reports/{report.pk}/draft/").content.decode()
    assert "/draft/approve/" not in page
    assert client.post(f"/reports/{report.pk}/draft/approve/").status_code == 403
    client.force_login(head)
    assert client.post(f"/reports/{report.pk}/draft/approve/").status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED and report.approved_by == head
    client.force_login(analyst)
    assert client.post(f"/reports/{report.pk}/draft/publish/").status_code == 403
    client.force_login(head)
    assert client.post(f"/reports/{report.pk}/draft/publish/").status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED and report.snapshot
    assert client.get(f"/reports/{report.pk}/en/").status_code == 200


def test_publishing_a_draft_not_yet_approved_is_refused_with_the_reason(client, analyst, head):
    report = drafted(analyst)
    client.force_login(head)
    response = client.post(f"/reports/{report.pk}/draft/publish/")
    assert response.status_code == 422
    assert response.context["errors"]
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


def test_a_published_report_is_corrected_by_a_new_version_that_says_what_it_corrects(
    client, analyst, head
):
    report = published(analyst, head)
    client.force_login(analyst)
    assert client.post(f"/reports/{report.pk}/draft/correct/", {"note": ""}).status_code == 422
    response = client.post(
        f"/reports/{report.pk}/draft/correct/", {"note": "The convoy count was wrong."}
    )
    new = Report.objects.exclude(pk=report.pk).get()
    assert response["Location"] == f"/reports/{new.pk}/draft/"
    assert (new.version, new.corrects, new.state) == (2, report, ReportState.DRAFT)
    assert new.correction_note == "The convoy count was wrong."
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED
    page = client.get(f"/reports/{new.pk}/draft/").content.decode()
    assert "The convoy count was wrong." in page
    assert "(version 2)" in page


def test_a_published_report_cannot_be_edited(client, analyst, head, week_observations):
    report = published(analyst, head)
    client.force_login(analyst)
    response = client.post(
        f"/reports/{report.pk}/draft/summary/",
        {"language": "en", "text": "Too late.", "is_original": "1"},
    )
    assert response.status_code == 422
    assert not report.summaries.exists()


def test_htmx_swaps_the_drafts_working_part_in_place(client, analyst, week_observations):
    first = week_observations[0]
    report = drafted(analyst)
    client.force_login(analyst)
    response = client.post(
        f"/reports/{report.pk}/draft/incidents/",
        {"observations": [first.pk]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.startswith('<div id="draft-work">')
    assert "The notable incidents are saved." in fragment
    assert re.search(rf'value="{first.pk}"[^>]*checked', fragment)
    assert 'class="report-body preview"' in fragment
    refused = client.post(
        f"/reports/{report.pk}/draft/summary/",
        {"language": "en", "text": "", "is_original": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert refused.status_code == 422
    assert refused.content.decode().startswith('<div id="draft-work">')
    assert "text" in refused.context["summary_form"].errors


def test_a_commitment_dossier_is_drafted_with_the_form_and_an_unknown_one_refused(
    client, demo_assessed, analyst
):
    from abide.registry.models import Commitment

    commitment = Commitment.objects.order_by("pk").first()
    client.force_login(analyst)
    unknown = client.post("/reports/drafts/", {"kind": "dossier", "commitment": 99999})
    assert unknown.status_code == 422
    assert "99999" in " ".join(unknown.context["form"].errors["commitment"])
    response = client.post("/reports/drafts/", {"kind": "dossier", "commitment": commitment.pk})
    report = Report.objects.get()
    assert response["Location"] == f"/reports/{report.pk}/draft/"
    assert (report.kind, report.commitment_id) == ("dossier", commitment.pk)
    page = client.get(response["Location"]).content.decode()
    assert f"Commitment dossier: commitment {commitment.pk}" in page
