"""Reports through the API: the list (the public sees published reports only), one report's
metadata and links, and its JSON document of the caller's tier."""

from __future__ import annotations

from abide.observations.tests.test_api import bearer
from abide.reports.models import REPORT_LANGUAGES
from abide.reports.tests.helpers import drafted, published


def test_the_public_lists_only_published_reports_a_page_at_a_time(client, analyst, head):
    first = published(analyst, head, "2024-W08")
    second = published(analyst, head, "2024-W09")
    drafted(analyst, "2024-W10")
    body = client.get("/api/reports").json()
    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] == [second.pk, first.pk]
    item = body["items"][0]
    assert item["period"] == "2024-W09"
    assert item["state"] == "published"
    assert item["start"] == "2024-02-26" and item["end"] == "2024-03-03"
    assert item["url"] == f"http://testserver/api/reports/{second.pk}"
    paged = client.get("/api/reports?page_size=1&page=2").json()
    assert paged["count"] == 2 and [i["id"] for i in paged["items"]] == [first.pk]


def test_the_mission_lists_its_drafts_too_by_token(client, analyst, head):
    published(analyst, head)
    draft = drafted(analyst, "2024-W10")
    body = client.get("/api/reports?state=draft", **bearer(analyst)).json()
    assert [item["id"] for item in body["items"]] == [draft.pk]


def test_a_report_gives_its_links_in_every_language(client, analyst, head):
    report = published(analyst, head)
    body = client.get(f"/api/reports/{report.pk}").json()
    assert body["tier"] == "public"
    assert [entry["language"] for entry in body["languages"]] == list(REPORT_LANGUAGES)
    arabic = body["languages"][1]
    assert arabic["page"] == f"http://testserver/reports/{report.pk}/ar/"
    assert arabic["pdf"] == f"http://testserver/reports/{report.pk}/ar/pdf/"
    assert arabic["json_url"] == f"http://testserver/reports/{report.pk}/ar/json/"
    assert arabic["api"] == f"http://testserver/api/reports/{report.pk}/ar"
    assert body["corrected_by"] == []


def test_the_document_is_of_the_callers_tier(client, analyst, head):
    report = published(analyst, head)
    public = client.get(f"/api/reports/{report.pk}/hy")
    assert public.status_code == 200
    assert public["Content-Language"] == "hy"
    assert public.json()["tier"] == "public"
    internal = client.get(f"/api/reports/{report.pk}/hy", **bearer(analyst)).json()
    assert internal["tier"] == "internal"


def test_a_draft_is_404_to_the_public_as_json(client, analyst):
    report = drafted(analyst)
    for path in (f"/api/reports/{report.pk}", f"/api/reports/{report.pk}/en"):
        response = client.get(path)
        assert response.status_code == 404
        assert "detail" in response.json()


def test_an_unknown_language_is_404_naming_it(client, analyst, head):
    report = published(analyst, head)
    response = client.get(f"/api/reports/{report.pk}/fr")
    assert response.status_code == 404
    assert "fr" in response.json()["detail"]


def test_a_bad_page_is_422_naming_the_field(client, db):
    response = client.get("/api/reports?page=zero")
    assert response.status_code == 422
    assert "page" in response.json()["detail"]


def test_an_invalid_token_is_401(client, db):
    response = client.get("/api/reports", HTTP_AUTHORIZATION="Bearer abide_nope")
    assert response.status_code == 401
