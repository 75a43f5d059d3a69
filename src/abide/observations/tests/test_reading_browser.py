"""The observation page and the map in a real browser: Playwright driving Debian's chromium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from abide.observations.models import Observation, Status
from abide.observations.tests.test_reading_pages import report

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Where the screenshots go when set (to look at the pages): e.g. /tmp/shots.
SHOTS = os.environ.get("ABIDE_SCREENSHOTS")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)"
    ),
]


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


def session_cookie(user, live_server) -> dict:
    """The cookie of a signed-in session of ``user``, as the login page would give it."""
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


def shoot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def map_points(page) -> set[int]:
    expect(page.locator("#map-status")).not_to_be_empty()
    return {
        int(element.get_attribute("data-observation"))
        for element in page.locator(".observation-point").all()
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_analyst_verifies_an_observation_and_the_map_shows_it(
    live_server, starter_registry, analyst, observer, browser
):
    seen = report(observer, sensitivity="public", narrative="Shelling seen from the road.")
    restricted = report(
        observer,
        sensitivity="restricted",
        latitude=39.8201,
        longitude=46.7611,
        narrative="A restricted report.",
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([session_cookie(analyst, live_server)])
    page = context.new_page()
    page.goto(f"{live_server.url}/observations/{seen.pk}/")
    shoot(page, "observation-desktop")
    form = page.locator("#form-status-verified")
    form.get_by_role("button").click()  # without a reason: the browser asks for one
    assert Observation.objects.get(pk=seen.pk).status == Status.REPORTED
    form.locator("textarea").fill("Two patrols saw the craters.")
    form.get_by_role("button").click()
    page.wait_for_load_state()
    assert "The status is changed." in page.locator(".messages").inner_text()
    assert Observation.objects.get(pk=seen.pk).status == Status.VERIFIED
    assert "Two patrols saw the craters." in page.locator("ol.history").inner_text()

    page.goto(f"{live_server.url}/map/?view=39.818,46.753,15")
    assert {seen.pk, restricted.pk} <= map_points(page)
    shoot(page, "map-analyst-desktop")
    page.goto(f"{live_server.url}/map/")  # zoomed out: cells, over the country outlines
    expect(page.locator("#map-status")).not_to_be_empty()
    assert page.locator("#map-status").inner_text().startswith("2 observations in view")
    assert page.locator(".observation-point").count() == 0
    page.wait_for_selector(".leaflet-overlay-pane path", state="attached")
    shoot(page, "map-cells-desktop")
    page.goto(f"{live_server.url}/observations/")
    shoot(page, "list-desktop")
    context.close()

    public = browser.new_context(viewport={"width": 390, "height": 844})
    page = public.new_page()
    page.goto(f"{live_server.url}/map/?view=39.818,46.753,15")
    assert map_points(page) == {seen.pk}
    assert "Natural Earth" in page.locator(".leaflet-control-attribution").inner_text()
    shoot(page, "map-public-phone")
    page.goto(f"{live_server.url}/observations/")
    shoot(page, "list-phone")
    page.goto(f"{live_server.url}/observations/{seen.pk}/")
    shoot(page, "observation-phone")
    public.close()
