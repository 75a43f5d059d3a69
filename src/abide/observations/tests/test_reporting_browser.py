"""Reporting from a phone in a real browser (chromium at 390 x 844): online, offline, and with
the answer lost on the way."""

from __future__ import annotations

import hashlib
import os

import pytest
from django.db import connection
from django.test import Client
from playwright.sync_api import expect

from abide.observations.models import Evidence, Observation, Patrol
from abide.observations.tests.test_evidence import jpeg_with_exif
from abide.testing import PASSWORD
from abide.web.tests.test_browser import CHROMIUM, pytestmark  # noqa: F401  (the browser's marks)

PHONE = {"width": 390, "height": 844}
PHOTO = jpeg_with_exif(39.8177, 46.7528)
HERE = {"latitude": 39.8177, "longitude": 46.7528}


@pytest.fixture(scope="module", autouse=True)
def gazetteer():
    """The gazetteer and its fallback index loaded before the browser waits on the first
    report (they take seconds)."""
    from abide.observations.reporting import default_gazetteer

    gazetteer = default_gazetteer()
    gazetteer.nearest(HERE["latitude"], HERE["longitude"])
    return gazetteer


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


@pytest.fixture
def browser():
    """Chromium. Request it after every fixture that touches the database."""
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def phone(browser, live_server, user, *, by_form: bool = False, **options):
    """A phone-sized browser context signed in as ``user``, at a known position: through the
    sign-in form (``by_form``) or with a session made by Django's test client."""
    context = browser.new_context(
        viewport=PHONE,
        permissions=["geolocation"],
        geolocation=HERE,
        locale="en-GB",
        timezone_id="Asia/Baku",
        **options,
    )
    if by_form:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/?next=/observations/new/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/observations/new/")
        page.close()
        return context
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def fill_report(page) -> None:
    page.get_by_role("button", name="Use my position").click()
    expect(page.locator("#id_latitude")).not_to_have_value("")
    page.get_by_label("Category").select_option("cessation_of_hostilities")
    subtypes = page.locator("#id_subtype option").evaluate_all("os => os.map(o => o.value)")
    assert "shelling" in subtypes and "convoy_blocked" not in subtypes
    page.get_by_label("Sub-type").select_option("shelling")
    assert page.get_by_label("What it says of compliance").input_value() == "undercuts"
    page.locator("#id_actor_1").select_option("azerbaijan")
    page.locator("#id_attribution_1").select_option("suspected")
    page.get_by_label("Low").fill("1")
    page.get_by_label("Best estimate").fill("2")
    page.get_by_label("High").fill("3")
    page.get_by_label("What happened").fill("Shells fell near the market.")
    page.get_by_label("Photos and other files").set_input_files(
        [{"name": "market.jpg", "mimeType": "image/jpeg", "buffer": PHOTO}]
    )


def stored() -> tuple[list[Observation], list[Evidence]]:
    observations = list(Observation.objects.prefetch_related("actors"))
    evidence = list(Evidence.objects.all())
    connection.close()  # opened inside Playwright's loop: not left for the teardown
    return observations, evidence


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_report_made_offline_waits_in_the_phone_and_is_stored_once_when_back_online(
    live_server, starter_registry, observer, browser, tmp_path
):
    from playwright.sync_api import expect

    context = phone(browser, live_server, observer, by_form=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/observations/new/")
    fill_report(page)
    assert fits_the_phone(page)
    page.screenshot(path=tmp_path / "report.png", full_page=True)

    context.set_offline(True)
    page.get_by_role("button", name="Send the report").click()
    status = page.get_by_role("status").filter(has_text="waiting to send")
    expect(status).to_contain_text("waiting to send (1)")
    page.screenshot(path=tmp_path / "offline.png")
    assert stored() == ([], [])

    context.set_offline(False)
    expect(page.locator("[data-outbox-status]")).to_be_hidden(timeout=20_000)
    observations, evidence = stored()
    assert len(observations) == 1 and len(evidence) == 1
    (observation,) = observations
    assert observation.subtype.slug == "shelling"
    assert observation.latitude == pytest.approx(HERE["latitude"])
    assert observation.observed_start.utcoffset().total_seconds() == 0
    assert [(a.party.slug, a.attribution) for a in observation.actors.all()] == [
        ("azerbaijan", "suspected")
    ]
    assert evidence[0].sha256 == hashlib.sha256(PHOTO).hexdigest()
    assert evidence[0].observation_id == observation.pk
    context.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_submission_whose_answer_is_lost_is_sent_again_and_stored_once(
    live_server, starter_registry, observer, browser
):
    from playwright.sync_api import expect

    # Requests go to the page's own route handler, not to the service worker.
    context = phone(browser, live_server, observer, service_workers="block")
    page = context.new_page()
    posts = []

    def lose_the_first_answer(route):
        posts.append(route.request.headers.get("accept"))
        if len(posts) == 1:
            route.fetch()  # the server stores it...
            route.abort("connectionreset")  # ...and the answer never reaches the phone
        else:
            route.continue_()

    page.route(
        "**/observations/new/",
        lambda route: (
            lose_the_first_answer(route) if route.request.method == "POST" else route.continue_()
        ),
    )
    page.goto(f"{live_server.url}/observations/new/")
    fill_report(page)
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator("[data-outbox-status]")).to_contain_text("waiting to send (1)")
    expect(page.locator("[data-outbox-status]")).to_be_hidden(timeout=30_000)
    assert len(posts) == 2 and all(accept == "application/json" for accept in posts)
    observations, evidence = stored()
    assert len(observations) == 1 and len(evidence) == 1
    assert evidence[0].sha256 == hashlib.sha256(PHOTO).hexdigest()
    context.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_online_report_goes_to_its_confirmation_with_the_photos_exif(
    live_server, starter_registry, observer, browser, tmp_path
):
    context = phone(browser, live_server, observer)
    page = context.new_page()
    page.goto(f"{live_server.url}/observations/new/")
    fill_report(page)
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_url("**/received/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Observation ")
    assert "EOS 90D" in page.locator("details.exif").inner_text()
    assert hashlib.sha256(PHOTO).hexdigest() in page.locator("code.sha").inner_text()
    assert fits_the_phone(page)
    page.screenshot(path=tmp_path / "received.png", full_page=True)
    observations, evidence = stored()
    assert len(observations) == 1 and len(evidence) == 1
    context.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_field_the_server_refuses_is_shown_beside_it_without_leaving_the_page(
    live_server, starter_registry, observer, browser
):
    context = phone(browser, live_server, observer)
    page = context.new_page()
    page.goto(f"{live_server.url}/observations/new/")
    fill_report(page)
    page.get_by_label("High").fill("0")  # below the best estimate
    page.get_by_role("button", name="Send the report").click()
    errors = page.locator('[data-field="casualties_high"] .errorlist')
    errors.wait_for()
    assert "is below casualties_best" in errors.inner_text()
    assert page.url.endswith("/observations/new/")
    assert page.get_by_label("What happened").input_value() == "Shells fell near the market."
    assert stored() == ([], [])
    context.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_pages_open_offline_once_loaded_and_a_patrol_drawn_offline_is_sent_later(
    live_server, starter_registry, observer, browser, tmp_path
):
    from playwright.sync_api import expect

    context = phone(browser, live_server, observer)
    page = context.new_page()
    page.goto(f"{live_server.url}/patrols/new/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null || true")

    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a patrol")
    page.goto(f"{live_server.url}/observations/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Report an observation")
    page.goto(f"{live_server.url}/patrols/new/")
    page.locator(".leaflet-interactive, .leaflet-overlay-pane svg path").first.wait_for(
        state="attached", timeout=20_000
    )  # the country outlines, from the cache

    page.get_by_label("Team").fill("Team 3")
    page.get_by_label("Started").fill("2023-09-19T08:00")
    page.get_by_label("Ended").fill("2023-09-19T12:00")
    page.get_by_label("Add a place visited").fill("Goris")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_label("Notes").fill("Nothing seen.")
    page.locator(".leaflet-draw-draw-polyline").click()
    box = page.locator("#patrol-map").bounding_box()
    for dx, dy in ((0.3, 0.5), (0.5, 0.4), (0.7, 0.5)):
        page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
        page.wait_for_timeout(300)
    page.get_by_role("link", name="Finish").click()
    expect(page.locator("#id_route")).not_to_have_value("")
    page.screenshot(path=tmp_path / "patrol.png", full_page=True)
    assert fits_the_phone(page)
    page.get_by_role("button", name="Record the patrol").click()
    expect(page.locator("[data-outbox-status]")).to_contain_text("waiting to send (1)")

    context.set_offline(False)
    expect(page.locator("[data-outbox-status]")).to_be_hidden(timeout=20_000)
    patrols = list(Patrol.objects.all())
    connection.close()
    assert len(patrols) == 1
    (patrol,) = patrols
    assert patrol.team == "Team 3"
    assert patrol.area_places == ["Goris"]
    assert patrol.route["type"] == "LineString" and len(patrol.route["coordinates"]) == 3
    assert patrol.started_at.isoformat() == "2023-09-19T04:00:00+00:00"  # Baku is UTC+4
    context.close()
