"""Signing in on a phone, in a real browser (Playwright driving Debian's chromium)."""

from __future__ import annotations

import os

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from abide.testing import PASSWORD, pass_second_factor, totp_code
from abide.web.tests.test_browser import CHROMIUM, pytestmark  # noqa: F401  (the browser's marks)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone():
    """A chromium page the size of a phone. Request it after every fixture that touches the
    database (see ``abide.web.tests.test_browser.page``)."""
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
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        yield context.new_page()
        context.close()
        browser.close()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def header_fits(page) -> bool:
    """Every part of the header is on the screen, wrapped into rows rather than cut off."""
    header = page.locator("header.site")
    for part in ("a.brand", "nav", ".account", "form.languages"):
        box = header.locator(part).bounding_box()
        if box["x"] < 0 or box["x"] + box["width"] > PHONE["width"] + 0.5:
            return False
    return True


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_observer_signs_in_on_a_phone_and_logs_out(live_server, observer, phone):
    page = phone
    page.goto(f"{live_server.url}/parties/")
    assert header_fits(page)
    assert page.evaluate("typeof htmx") == "object"  # from django-htmx's files, on every page
    page.get_by_role("link", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/?next=/parties/")
    assert fits_the_screen(page)
    page.get_by_label("Username").fill(observer.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/parties/")

    header = page.locator("header.site")
    assert header.locator(".who").inner_text() == observer.username
    assert header.locator(".role").inner_text() == "Observer"
    log_out = header.get_by_role("button", name="Log out")
    assert log_out.is_visible()
    assert header_fits(page)

    log_out.click()
    page.wait_for_url(f"{live_server.url}/")
    assert fits_the_screen(page)
    assert header.get_by_role("link", name="Log in").is_visible()
    assert header.locator(".who").count() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_wrong_password_on_a_phone_shows_the_message_and_keeps_the_user_name(
    live_server, partner, phone
):
    page = phone
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(partner.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text().count("Those details do not let you in") == 1
    assert page.get_by_label("Username").input_value() == partner.username
    assert fits_the_screen(page)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_analyst_sets_up_the_second_factor_on_a_phone_then_signs_in_with_a_code(
    live_server, analyst, phone
):
    page = phone
    page.goto(f"{live_server.url}/accounts/login/?next=/parties/")
    page.get_by_label("Username").fill(analyst.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/accounts/second-factor/setup/?next=%2Fparties%2F")
    qr = page.locator(".qr-code svg").bounding_box()
    assert qr["width"] > 100 and qr["x"] + qr["width"] <= PHONE["width"]
    assert fits_the_screen(page)
    # A wrong code first: the message, and still nothing else is served.
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_text("That code is not right.").is_visible()
    page.goto(f"{live_server.url}/parties/")
    assert "/accounts/second-factor/" in page.url
    TOTPDevice.objects.filter(user=analyst).update(throttling_failure_count=0)
    pass_second_factor(page, analyst)
    page.wait_for_url(f"{live_server.url}/parties/")
    assert page.locator("header.site .who").inner_text() == analyst.username

    # The next sign-in asks for the code of the device now set up.
    page.locator("header.site").get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(analyst.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/accounts/second-factor/?next=%2F")
    assert page.locator(".otp-secret").count() == 0
    page.get_by_label("Code from your authenticator app").fill(totp_code(analyst))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("header.site .who").inner_text() == analyst.username
