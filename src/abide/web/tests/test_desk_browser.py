"""The analyst's desk in a real browser: a verification from the queue, in place, and the
dashboard's figures."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.conf import settings
from django.test import Client

from abide.compliance.tests.test_linking import observe
from abide.observations.models import Observation, Status
from abide.web.tests.test_browser import page, pytestmark  # noqa: F401  (the browser, its marks)

SCREENSHOTS = os.environ.get("ABIDE_SCREENSHOTS", "")


@pytest.fixture
def reported(starter_registry) -> list[Observation]:
    return [
        observe(day=dt.date(2023, 10, day), latitude=39.8 + day / 10, longitude=46.7)
        for day in (2, 3, 4)
    ]


@pytest.fixture
def signed_in(live_server, analyst) -> dict:
    """The analyst's session cookie (the sign-in page is not what is tested here)."""
    client = Client()
    client.force_login(analyst)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


def shot(page, name: str) -> None:  # noqa: F811
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_analyst_verifies_an_observation_from_the_queue_and_the_queue_shrinks(
    live_server,
    reported,
    signed_in,
    page,  # noqa: F811
):
    page.context.add_cookies([signed_in])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/review/observations/")
    assert page.locator("article.queue-item").count() == 3
    first = reported[0]
    item = page.locator(f"#observation-{first.pk}")
    item.get_by_label("Reason").fill("Two patrols saw the craters.")
    shot(page, "desk-queue")
    item.get_by_role("button", name="verified").click()
    decided = page.locator(f"#observation-{first.pk} .decided")
    decided.wait_for()
    assert decided.inner_text() == f"Observation {first.pk} is now verified."
    assert page.url == f"{live_server.url}/review/observations/"  # in place, no page load
    shot(page, "desk-queue-decided")
    assert Observation.objects.get(pk=first.pk).status == Status.VERIFIED

    page.reload()
    assert page.locator("article.queue-item").count() == 2
    assert page.locator(f"#observation-{first.pk}").count() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_dashboard_shows_the_databases_counts(
    live_server,
    reported,
    signed_in,
    page,  # noqa: F811
):
    page.context.add_cookies([signed_in])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/dashboard/?period=2023-W40")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    waiting = page.locator('tr[data-queue="observations"] td.count').inner_text()
    assert int(waiting) == Observation.objects.filter(status=Status.REPORTED).count() == 3
    row = page.locator('tr[data-category="cessation_of_hostilities"][data-direction="undercuts"]')
    in_week = Observation.objects.filter(
        category__slug="cessation_of_hostilities",
        direction="undercuts",
        observed_start__date__gte=dt.date(2023, 10, 2),
        observed_start__date__lte=dt.date(2023, 10, 8),
    ).count()
    assert int(row.locator("td.now").inner_text()) == in_week == 3
    assert int(row.locator("td.before").inner_text()) == 0
    chart = page.get_by_role("img", name="Observations per category: 2023-W40 against 2023-W39")
    assert chart.is_visible()
    assert "Cessation of hostilities, 2023-W40: 3" in chart.locator("desc").text_content()
    shot(page, "desk-dashboard")
    page.select_option("#language", "ar")
    page.click("form.languages button")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("svg.chart.comparison").get_attribute("direction") == "rtl"
    shot(page, "desk-dashboard-ar")


@pytest.fixture
def candidate(starter_registry, analyst):
    from abide.compliance.linking import propose_links
    from abide.compliance.tests.test_linking import pledge

    kept = pledge()
    observe(day=dt.date(2023, 10, 1))
    (link,) = propose_links(kept, actor=analyst)
    return link


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_analyst_rejects_a_proposed_link_in_place_and_a_missing_reason_is_said_there(
    live_server,
    candidate,
    signed_in,
    page,  # noqa: F811
):
    from abide.compliance.models import Link

    page.context.add_cookies([signed_in])
    page.goto(f"{live_server.url}/review/links/")
    item = page.locator(f"#link-{candidate.pk}")
    item.get_by_role("button", name="Reject").click()
    item.get_by_role("alert").wait_for()
    assert "a reason is required" in item.get_by_role("alert").inner_text()
    assert Link.objects.get(pk=candidate.pk).state == "candidate"
    item.get_by_label("Reason").fill("The shelling was across the border.")
    item.get_by_role("button", name="Reject").click()
    page.locator(f"#link-{candidate.pk} .decided").wait_for()
    assert page.url == f"{live_server.url}/review/links/"
    shot(page, "desk-links")
    assert Link.objects.get(pk=candidate.pk).state == "rejected"
