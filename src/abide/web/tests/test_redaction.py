"""Redaction: the world's secrets (observer names, restricted and internal narratives, exact
coordinates, internal notes, evidence file names, ...) appear in no page, API answer or export
that the public or a partner can have."""

from __future__ import annotations

import pytest

from abide.web.tests import matrix
from abide.web.tests.test_matrix import _fill
from abide.web.tests.world import (
    ANALYST,
    ANONYMOUS,
    OBSERVER,
    OTHER_TEAM,
    PARTNER,
    PARTNER_WITHOUT,
    SECRETS,
    SHARED_BY_AGREEMENT,
    World,
    build_world,
    observations_seen,
)

pytestmark = pytest.mark.usefixtures("starter_registry")

#: More public URLs to scan, beside every GET route of the matrix (with the world's objects in
#: braces, as in ``matrix.py``): the exports, the map's data zoomed in and out, the lists at
#: their largest page. Pages added later (the mission's reports) are scanned by adding them here.
EXTRA_PUBLIC_URLS = [
    "/observations/download.csv",
    "/observations/download.geojson",
    "/observations/download.csv?status=corroborated",
    "/map/data?zoom=3",
    "/map/data?zoom=12&bbox=46,39,48,40",
    "/api/observations?limit=500",
    "/api/commitments?page_size=500",
    "/api/sources?page_size=500",
    "/observations/?page=1",
    "/tracker/{commitment}/",
    "/api/commitments/{commitment}",
    "/api/commitments/{commitment}/candidates",
    "/api/commitments/{commitment}/proposed-retractions",
    "/api/sources/{source}",
    "/sources/{source}/",
    "/api/openapi.json",
    "/tracker/{rejected}/",
    "/api/commitments/{rejected}",
    "/tracker/{unreviewed}/",
    "/api/commitments/{unreviewed}",
]
#: Secrets that no page of the scan shows, even to an analyst (the admin and the audit log do).
NOT_ON_PAGES = {
    "a patrol's notes",
    "a proposed retraction's reason",
    "a link decision's reason",
    "a rejected commitment's review note",
}
#: Languages the pages are scanned in, beside the default.
LANGUAGES = ["ar"]


def _urls(world: World, role: str) -> list[str]:
    urls = [page.url for page in matrix.PAGES if role in page.get]
    urls += [op.url for op in matrix.OPERATIONS if op.method == "GET" and role in op.allowed]
    urls += EXTRA_PUBLIC_URLS
    # Every observation of the world by id, whether the role sees it or not, and its evidence.
    for key in observations_seen(ANALYST):
        urls += [f"/observations/{{{key}}}/", f"/api/observations/{{{key}}}"]
    urls += [
        "/observations/{observation}/evidence/{evidence_id}",
        "/observations/{observation}/evidence/{evidence_id}/thumbnail",
    ]
    return list(dict.fromkeys(_fill(url, world) for url in urls))


def _text(response) -> str:
    headers = " ".join(f"{name}: {value}" for name, value in response.items())
    if response.streaming:
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    return headers + "\n" + body.decode("utf-8", errors="replace")


def leaks(world: World, role: str, secrets: dict[str, str] | None = None) -> list[str]:
    if secrets is None:
        secrets = {
            what: secret
            for what, secret in SECRETS.items()
            if not (role == PARTNER and what in SHARED_BY_AGREEMENT)
        }
    found = []
    client = world.client(role)
    scanned = 0
    for url in _urls(world, role):
        for language in [None, *LANGUAGES]:
            headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
            response = client.get(url, **headers)
            if response.status_code >= 500:
                found.append(f"{role} GET {url}: {response.status_code}")
                continue
            scanned += 1
            text = _text(response)
            found += [
                f"{role} GET {url} [{language or 'en'}]: {what} ({secret!r})"
                for what, secret in secrets.items()
                if secret.lower() in text.lower()
            ]
    assert scanned > 60
    return found


@pytest.mark.parametrize("role", [ANONYMOUS, PARTNER_WITHOUT, PARTNER])
def test_no_secret_reaches_the_public_or_a_partner(db, role):
    world = build_world()
    found = leaks(world, role)
    assert found == [], "\n".join(found)


def test_no_restricted_narrative_reaches_an_observer_of_another_team(db):
    world = build_world()
    secret = {"a restricted narrative": SECRETS["a restricted narrative"]}
    found = leaks(world, OTHER_TEAM, secret)
    assert found == [], "\n".join(found)
    assert leaks(world, OBSERVER, secret) != []  # her team's: the scan finds it


def test_the_scan_finds_the_secrets_where_the_mission_reads_them(db):
    """The scan would find a leak: the analyst's pages hold every secret."""
    world = build_world()
    found = " ".join(leaks(world, ANALYST))
    missing = [what for what in SECRETS if what not in found and what not in NOT_ON_PAGES]
    assert missing == []


def test_a_file_name_is_shown_only_to_those_who_see_the_place_as_recorded(db):
    world = build_world()
    name = SECRETS["an evidence file's name"]
    page = "/observations/{observation}/"
    download = "/observations/{observation}/evidence/{evidence}"
    for role in (ANONYMOUS, PARTNER):
        client = world.client(role)
        assert name not in client.get(_fill(page, world)).content.decode()
        response = client.get(_fill(download, world))
        assert response.status_code == 200
        assert name not in response["Content-Disposition"]
        assert f"evidence-{world.ids['evidence'][:12]}.png" in response["Content-Disposition"]
    client = world.client(ANALYST)
    assert name in client.get(_fill(page, world)).content.decode()
    assert name in client.get(_fill(download, world))["Content-Disposition"]


def test_the_received_page_is_the_reporters_and_sends_anyone_else_to_the_observation(db):
    world = build_world()
    url = _fill("/observations/{observation}/received/", world)
    response = world.client(PARTNER).get(url)
    assert response.status_code == 302
    assert response["Location"] == _fill("/observations/{observation}/", world)
    reporter = world.client(ANONYMOUS)
    reporter.force_login(world.ids["reporter"])
    page = reporter.get(url)
    assert page.status_code == 200
    assert SECRETS["an evidence file's name"] in page.content.decode()


def test_a_partner_reads_the_discussion_and_the_verifiers_reasons_of_their_own_reports_only(db):
    from abide.observations.services import add_comment
    from abide.observations.tests.helpers import stored

    world = build_world()
    page = world.client(PARTNER).get(_fill("/observations/{observation}/", world))
    assert SECRETS["a comment"] not in page.content.decode()
    assert SECRETS["a verification reason"] not in page.content.decode()
    own = stored(sensitivity="public", reported_by=world.users[PARTNER])
    add_comment(own, "a question for the partner", actor=world.users[ANALYST])
    page = world.client(PARTNER).get(f"/observations/{own.pk}/")
    assert "a question for the partner" in page.content.decode()
