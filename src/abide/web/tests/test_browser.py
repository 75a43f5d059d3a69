"""The web UI in a real browser: Playwright driving Debian's chromium."""

from __future__ import annotations

import os
import shutil

import pytest

from abide.core.demo import load_demo
from abide.testing import PASSWORD, pass_second_factor

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)"
    ),
]


@pytest.fixture
def demo_loaded(starter_registry, analyst):
    load_demo(actor=analyst)


@pytest.fixture
def page():
    """A chromium page. Request it after every fixture that touches the database: code run
    inside Playwright's context would open a connection of its own, never closed."""
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
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
        context = browser.new_context()
        yield context.new_page()
        context.close()
        browser.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reader_switches_to_arabic_and_the_page_turns_right_to_left(
    live_server, demo_loaded, page
):
    page.goto(f"{live_server.url}/parties/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.get_by_role("cell", name="Azerbaijan", exact=True).is_visible()
    page.select_option("#language", "ar")
    page.get_by_role("button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.get_by_role("cell", name="أذربيجان", exact=True).is_visible()
    # Right to left: the brand sits at the right edge of the header.
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] > page.viewport_size["width"] / 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_analyst_logs_in_and_finds_a_party_by_its_alias_in_the_admin(
    live_server, starter_registry, analyst, page
):
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", analyst.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    # The administration too is served only once the second factor is set up and given.
    pass_second_factor(page, analyst)
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/registry/party/?q=Baku")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "Azerbaijan" in rows.first.inner_text()


@pytest.fixture
def demo_assessed(starter_registry, analyst, observer):
    from abide.core.demo import assess_demo, load_demo_observations

    load_demo(actor=analyst, reviewer=analyst)
    load_demo_observations(observer=observer, analyst=analyst)
    assess_demo(analyst=analyst)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reader_follows_a_commitment_at_risk_from_the_tracker_to_its_history(
    live_server, demo_assessed, analyst, page
):
    from abide.observations.tests.test_reading_browser import session_cookie

    # The demo's verdicts rest on observations not published: the public is shown "not
    # assessed publicly"; the mission sees them as computed.
    page.goto(f"{live_server.url}/tracker/?status=at_risk")
    assert page.locator("table.tracker tbody tr .status").count() == 0
    page.context.add_cookies([session_cookie(analyst, live_server)])
    page.goto(f"{live_server.url}/tracker/?status=at_risk")
    rows = page.locator("table.tracker tbody tr")
    assert rows.count() == 2  # the pledge of no further military action, and the demand
    assert rows.first.locator("svg.trend rect").count() == 8
    row = rows.filter(has_text="no further military action")
    assert row.locator(".status").inner_text() == "at risk"
    row.get_by_role("link").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().endswith("no further military action")
    assert page.locator("table.history .status-at_risk").count() >= 1
    page.select_option("#language", "ar")
    page.locator("form.languages button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("table.history .status-at_risk").first.inner_text() == "معرَّض للخطر"
