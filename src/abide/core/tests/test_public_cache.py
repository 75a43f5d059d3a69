"""The cache of the public's reads (``abide.core.public_cache``): a change made through the
services shows at once, the mission's readers never get the public's answers nor the reverse,
languages are not mixed, and each reader gets a CSRF token of their own."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import caches
from django.test import Client

from abide.compliance.assessment import assess, sign_off
from abide.compliance.linking import propose_links
from abide.compliance.periods import period_of
from abide.compliance.tests.test_linking import observe, pledge
from abide.observations.importer import import_file
from abide.observations.services import transition
from abide.observations.tests.test_api import bearer
from abide.observations.tests.test_import import ucdp_row, write_ucdp
from abide.reports import services as reports
from abide.reports.tests.helpers import drafted

pytestmark = pytest.mark.usefixtures("starter_registry")

WEEK = period_of("week", dt.date(2023, 9, 25))


@pytest.fixture(autouse=True)
def public_cache(settings):
    settings.ABIDE_PUBLIC_CACHE = True
    settings.ABIDE_PUBLIC_CACHE_PATHS = [*settings.ABIDE_PUBLIC_CACHE_PATHS, "/api/reports"]
    caches["public"].clear()
    yield
    caches["public"].clear()


def read(client: Client, path: str, **headers: str):
    response = client.get(path, HTTP_HOST="127.0.0.1", **headers)
    assert response.status_code == 200, response.content[:300]
    return response


def fresh(path: str, settings, **headers: str) -> bytes:
    """The answer as made now, without the cache."""
    settings.ABIDE_PUBLIC_CACHE = False
    try:
        return read(Client(), path, **headers).content
    finally:
        settings.ABIDE_PUBLIC_CACHE = True


def test_a_second_public_read_is_answered_from_the_cache(client):
    pledge()
    first = read(client, "/api/commitments")
    second = read(client, "/api/commitments")
    assert (first["X-Abide-Cache"], second["X-Abide-Cache"]) == ("miss", "hit")
    assert second.json() == first.json() and second.json()["count"] == 1


def test_a_newly_published_observation_shows_at_once(client, analyst, settings):
    shelling = observe()
    shelling.sensitivity = "public"  # public, but not yet corroborated: not published
    shelling.save()
    assert read(client, "/api/observations").json()["items"] == []
    assert read(client, "/api/observations")["X-Abide-Cache"] == "hit"

    transition(shelling, "corroborated", actor=analyst, reason="Two sources.")
    after = read(client, "/api/observations")
    assert after["X-Abide-Cache"] == "miss"
    assert [item["id"] for item in after.json()["items"]] == [shelling.pk]
    assert after.content == fresh("/api/observations", settings)


def test_a_sign_off_shows_at_once(client, analyst, settings):
    commitment = pledge()
    observe(day=dt.date(2023, 9, 27))
    propose_links(commitment, actor=analyst)
    (assessment,) = assess([commitment], [WEEK], actor=analyst)
    path = f"/api/commitments/{commitment.pk}"
    settings.ABIDE_PUBLIC_CACHE_PATHS = [*settings.ABIDE_PUBLIC_CACHE_PATHS, path]
    before = read(client, path)
    assert read(client, path)["X-Abide-Cache"] == "hit"

    sign_off(assessment, actor=analyst)
    after = read(client, path)
    assert after["X-Abide-Cache"] == "miss"
    assert after.content == fresh(path, settings)
    assert after.content != before.content


def test_an_import_shows_at_once(client, analyst, settings, tmp_path):
    read(client, "/tracker/")
    read(client, "/api/observations")
    assert read(client, "/tracker/")["X-Abide-Cache"] == "hit"

    import_file(
        write_ucdp(tmp_path / "ucdp.csv", [ucdp_row(1), ucdp_row(2)]), "ucdp", actor=analyst
    )
    for path in ("/tracker/", "/api/observations"):
        after = read(client, path)
        assert after["X-Abide-Cache"] == "miss", path
        assert _tokens_out(after.content) == _tokens_out(fresh(path, settings)), path


def test_a_publication_shows_at_once(client, analyst, head, settings):
    report = drafted(analyst, "2024-W09")
    reports.approve_report(report, actor=head)
    assert read(client, "/api/reports").json()["count"] == 0
    assert read(client, "/api/reports")["X-Abide-Cache"] == "hit"

    reports.publish_report(report, actor=head)
    after = read(client, "/api/reports")
    assert after["X-Abide-Cache"] == "miss" and after.json()["count"] == 1


def test_a_signed_in_analyst_never_gets_the_publics_answer_nor_the_reverse(
    client, analyst, settings
):
    internal = observe()
    internal.sensitivity = "internal"
    internal.save()
    public = Client()
    assert read(public, "/api/observations").json()["items"] == []
    assert read(public, "/api/observations")["X-Abide-Cache"] == "hit"

    client.force_login(analyst)
    mission = read(client, "/api/observations")
    assert mission["X-Abide-Cache"] == "bypass"
    assert [item["id"] for item in mission.json()["items"]] == [internal.pk]
    tracker = read(client, "/tracker/")
    assert tracker["X-Abide-Cache"] == "bypass"
    assert analyst.username.encode() in tracker.content

    # the analyst's answers were not kept: the public still gets its own
    assert read(public, "/api/observations").json()["items"] == []
    page = read(public, "/tracker/")
    assert page["X-Abide-Cache"] == "miss" and analyst.username.encode() not in page.content


def test_an_api_token_passes_by_the_cache(client, analyst):
    internal = observe()
    internal.sensitivity = "internal"
    internal.save()
    assert read(client, "/api/observations").json()["items"] == []
    answer = read(client, "/api/observations", **bearer(analyst))
    assert answer["X-Abide-Cache"] == "bypass"
    assert [item["id"] for item in answer.json()["items"]] == [internal.pk]
    assert read(client, "/api/observations").json()["items"] == []


def test_languages_are_not_mixed(client):
    english = read(client, "/tracker/", HTTP_ACCEPT_LANGUAGE="en")
    arabic = read(client, "/tracker/", HTTP_ACCEPT_LANGUAGE="ar")
    assert arabic["X-Abide-Cache"] == "miss"
    assert b'lang="ar"' in arabic.content and b'lang="en"' in english.content[:500]
    again = read(Client(), "/tracker/", HTTP_ACCEPT_LANGUAGE="en")
    assert again["X-Abide-Cache"] == "hit" and b'dir="rtl"' not in again.content[:500]
    by_cookie = Client()
    by_cookie.cookies["django_language"] = "ar"
    cached = read(by_cookie, "/tracker/")
    assert cached["X-Abide-Cache"] == "hit" and _tokens_out(cached.content) == _tokens_out(
        arabic.content
    )


def test_each_reader_of_a_kept_page_gets_a_csrf_token_that_works(settings):
    first = Client(enforce_csrf_checks=True)
    read(first, "/tracker/")
    second = Client(enforce_csrf_checks=True)
    page = read(second, "/tracker/")
    assert page["X-Abide-Cache"] == "hit"
    (token,) = set(re.findall(rb'name="csrfmiddlewaretoken" value="(\w+)"', page.content))
    assert b"@@abide-csrf-token@@" not in page.content
    switched = second.post(
        "/i18n/setlang/",
        {"language": "ru", "next": "/tracker/", "csrfmiddlewaretoken": token.decode()},
        HTTP_HOST="127.0.0.1",
    )
    assert switched.status_code == 302
    assert read(second, "/tracker/")["Content-Language"] == "ru"


def _tokens_out(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="\w+"', b"", content)
