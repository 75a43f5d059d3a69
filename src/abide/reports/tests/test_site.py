"""The public report site: the list, each report in five languages (page, PDF, JSON), the
feeds; the public sees published reports only."""

from __future__ import annotations

import importlib.util
import xml.etree.ElementTree as ET

import pytest
from django.utils.translation import gettext, override

from abide.audit.models import AuditEntry
from abide.reports.models import REPORT_LANGUAGES
from abide.reports.tests.helpers import drafted, published

ATOM = "{http://www.w3.org/2005/Atom}"
needs_weasyprint = pytest.mark.skipif(
    importlib.util.find_spec("weasyprint") is None, reason="needs WeasyPrint"
)


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def test_the_navigation_offers_the_reports_to_everyone(client, db):
    page = client.get("/").content.decode()
    assert 'href="/reports/"' in page
    assert 'href="/reports/drafts/"' not in page


def test_the_list_shows_published_reports_newest_first_each_in_every_language(
    client, analyst, head
):
    older = published(analyst, head, "2024-W08")
    newer = published(analyst, head, "2024-W09")
    draft = drafted(analyst, "2024-W10")
    response = client.get("/reports/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Weekly report, 2024-W09" in page and "Weekly report, 2024-W08" in page
    assert page.index("2024-W09") < page.index("2024-W08")
    assert "2024-W10" not in page and f"/reports/{draft.pk}/" not in page
    for report in (older, newer):
        for language in REPORT_LANGUAGES:
            assert f'href="/reports/{report.pk}/{language}/"' in page
            assert f'href="/reports/{report.pk}/{language}/pdf/"' in page
            assert f'href="/reports/{report.pk}/{language}/json/"' in page
    for language in REPORT_LANGUAGES:
        assert f'href="/reports/feed/{language}/"' in page


def test_a_report_page_is_in_its_language_with_the_five_language_switcher(client, analyst, head):
    report = published(analyst, head)
    response = client.get(f"/reports/{report.pk}/ar/")
    assert response.status_code == 200
    assert response["Content-Language"] == "ar"
    page = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert 'class="report-body"' in page
    for language in REPORT_LANGUAGES:
        assert f'hreflang="{language}" href="/reports/{report.pk}/{language}/"' in page
    assert f'href="/reports/{report.pk}/ar/" lang="ar" hreflang="ar" aria-current="page"' in page
    with override("ar"):
        public, internal = gettext("Public version"), gettext("Internal version")
    assert public in page and internal not in page


def test_the_address_without_a_language_leads_to_the_readers_language(client, analyst, head):
    report = published(analyst, head)
    response = client.get(f"/reports/{report.pk}/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 302
    assert response["Location"] == f"/reports/{report.pk}/ru/"


def test_the_public_gets_404_for_a_draft_in_every_format(client, analyst):
    report = drafted(analyst)
    for path in ("", "en/", "en/pdf/", "en/json/"):
        assert client.get(f"/reports/{report.pk}/{path}").status_code == 404, path


def test_a_language_the_reports_are_not_written_in_is_404(client, analyst, head):
    report = published(analyst, head)
    assert client.get(f"/reports/{report.pk}/fr/").status_code == 404
    assert client.get(f"/reports/{report.pk}/fr/json/").status_code == 404
    assert client.get("/reports/feed/fr/").status_code == 404


def test_the_mission_reads_its_draft_in_the_internal_tier(client, analyst):
    report = drafted(analyst)
    client.force_login(analyst)
    page = client.get(f"/reports/{report.pk}/en/").content.decode()
    assert "Internal version" in page
    assert "not published" in page


def test_the_json_is_the_document_of_the_readers_tier(client, analyst, head):
    report = published(analyst, head)
    response = client.get(f"/reports/{report.pk}/tr/json/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document = response.json()
    assert document["tier"] == "public"
    assert document["report"]["id"] == report.pk
    client.force_login(analyst)
    assert client.get(f"/reports/{report.pk}/tr/json/").json()["tier"] == "internal"


@needs_weasyprint
def test_a_published_reports_pdf_is_rendered_once_and_kept_in_the_data_folder(
    client, analyst, head, data_dir, monkeypatch
):
    from abide.reports import pdf

    report = published(analyst, head)
    renders = []
    real = pdf.render_pdf

    def counting(document: dict, language: str) -> bytes:
        renders.append((document["tier"], language))
        return real(document, language)

    monkeypatch.setattr(pdf, "render_pdf", counting)
    first = client.get(f"/reports/{report.pk}/hy/pdf/")
    second = client.get(f"/reports/{report.pk}/hy/pdf/")
    assert first.status_code == second.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first.content.startswith(b"%PDF") and first.content == second.content
    assert renders == [("public", "hy")]
    (kept,) = (data_dir / "reports" / str(report.pk)).glob("public-hy-*.pdf")
    assert kept.read_bytes() == first.content
    client.force_login(analyst)
    client.get(f"/reports/{report.pk}/hy/pdf/")
    assert renders == [("public", "hy"), ("internal", "hy")]


def test_each_language_has_an_atom_feed_of_the_published_reports(client, analyst, head):
    first = published(analyst, head, "2024-W08")
    second = published(analyst, head, "2024-W09")
    drafted(analyst, "2024-W10")
    for language in REPORT_LANGUAGES:
        response = client.get(f"/reports/feed/{language}/")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/atom+xml")
        feed = ET.fromstring(response.content)
        links = [entry.find(f"{ATOM}link").get("href") for entry in feed.findall(f"{ATOM}entry")]
        assert links == [
            f"http://testserver/reports/{second.pk}/{language}/",
            f"http://testserver/reports/{first.pk}/{language}/",
        ]
    russian = ET.fromstring(client.get("/reports/feed/ru/").content)
    assert russian.get("{http://www.w3.org/XML/1998/namespace}lang") == "ru"


def test_publishing_is_audited(analyst, head):
    report = published(analyst, head)
    actions = AuditEntry.objects.filter(object_id=str(report.pk)).values_list("action", flat=True)
    assert len(list(actions)) >= 3


def test_the_anonymous_are_sent_to_log_in_for_the_drafts_and_others_refused(
    client, observer, partner
):
    response = client.get("/reports/drafts/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    for user in (observer, partner):
        client.force_login(user)
        assert client.get("/reports/drafts/").status_code == 403
