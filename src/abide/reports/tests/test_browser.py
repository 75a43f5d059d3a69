"""The reports' whole workflow in a real browser (Playwright driving Debian's chromium): an
analyst drafts a weekly report, chooses an incident and writes a summary; the head of mission
approves and publishes it; the public reads it in every language, also on a phone."""

from __future__ import annotations

import datetime as dt

import pytest

from abide.accounts.access import needs_second_factor
from abide.observations.tests.helpers import stored
from abide.reports.models import REPORT_LANGUAGES, Report, ReportState
from abide.testing import PASSWORD, pass_second_factor
from abide.web.tests.test_browser import page, pytestmark  # noqa: F401

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def shelling(starter_registry, observer):
    return stored(
        reported_by=observer,
        observed_start=dt.datetime(2024, 2, 28, 9, tzinfo=dt.UTC),
        status="verified",
        sensitivity="public",
    )


def log_in(page, live_server, user, next_path: str) -> None:  # noqa: F811
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("form.account-form button[type=submit]").click()
    if needs_second_factor(user):
        pass_second_factor(page, user)
    page.wait_for_url(f"{live_server.url}{next_path}")


def fits(page) -> bool:  # noqa: F811
    """Nothing makes the page scroll sideways."""
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def draft_publish_and_read(page, live_server, analyst, head, shelling) -> Report:  # noqa: F811
    log_in(page, live_server, analyst, "/reports/drafts/")
    assert fits(page)
    page.get_by_label("Kind of report").select_option("week")
    page.get_by_label("Period", exact=True).fill("2024-W09")
    page.get_by_role("button", name="Draft the report").click()
    page.wait_for_url("**/draft/")
    report = Report.objects.get()
    assert page.locator("main > h1").inner_text() == "Weekly report, 2024-W09"
    assert fits(page)

    page.locator(f"input[name=observations][value='{shelling.pk}']").check()
    page.get_by_role("button", name="Save the incidents").click()  # htmx: swapped in place
    page.get_by_role("status").filter(has_text="The notable incidents are saved.").wait_for()
    assert page.locator(f"input[name=observations][value='{shelling.pk}']").is_checked()

    summary = page.get_by_role("group", name="Write the summary")
    summary.get_by_label("Language").select_option("en")
    summary.get_by_label("Summary").fill("Shelling near Martuni; otherwise calm.")
    summary.get_by_label("as written").check()
    summary.get_by_role("button", name="Save the summary").click()
    page.get_by_role("status").filter(has_text="The summary is saved.").wait_for()
    assert "Shelling near Martuni; otherwise calm." in page.locator(".preview").inner_text()
    assert page.get_by_role("button", name="Approve").count() == 0

    log_in(page, live_server, head, f"/reports/{report.pk}/draft/")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    assert "The report is approved." in page.locator(".messages").inner_text()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()
    assert "The report is published." in page.locator(".messages").inner_text()
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED
    assert list(report.incidents.values_list("observation_id", flat=True)) == [shelling.pk]

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Reports", exact=True).click()
    page.wait_for_url(f"{live_server.url}/reports/")
    assert fits(page)
    page.get_by_role("link", name="Weekly report, 2024-W09").click()
    page.wait_for_url(f"{live_server.url}/reports/{report.pk}/en/")
    for language in REPORT_LANGUAGES:
        page.locator(f".report-languages a[hreflang={language}]").click()
        page.wait_for_url(f"{live_server.url}/reports/{report.pk}/{language}/")
        assert page.locator("html").get_attribute("lang") == language
        direction = "rtl" if language == "ar" else "ltr"
        assert page.locator("html").get_attribute("dir") == direction
        current = page.locator(".report-languages a[aria-current=page]")
        assert current.get_attribute("hreflang") == language
        assert page.locator(".report-body").is_visible()
        assert fits(page), language
    return report


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_weekly_report_is_drafted_approved_published_and_read_in_five_languages(
    live_server,
    analyst,
    head,
    shelling,
    page,  # noqa: F811
):
    draft_publish_and_read(page, live_server, analyst, head, shelling)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_whole_workflow_works_on_a_phone(
    live_server,
    analyst,
    head,
    shelling,
    page,  # noqa: F811
):
    page.set_viewport_size(PHONE)
    draft_publish_and_read(page, live_server, analyst, head, shelling)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_languages_public_page_of_the_founding_week_is_saved_as_a_screenshot(
    live_server,
    demo_assessed,
    analyst,
    head,
    page,  # noqa: F811
):
    from abide.reports.tests.outputs import ARTIFACTS
    from abide.reports.tests.test_end_to_end import FOUNDING_WEEK, publish

    report = publish(FOUNDING_WEEK, analyst, head)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for viewport, suffix in (({"width": 1280, "height": 900}, ""), (PHONE, "-phone")):
        page.set_viewport_size(viewport)
        for language in REPORT_LANGUAGES:
            page.goto(f"{live_server.url}/reports/{report.pk}/{language}/")
            assert page.locator("html").get_attribute("lang") == language
            assert page.locator(".report-body h1").is_visible()
            assert page.locator(".report-body svg").count() >= 2  # the map and the trend
            assert fits(page), (language, suffix)
            target = ARTIFACTS / f"founding-week-{language}{suffix}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 0
