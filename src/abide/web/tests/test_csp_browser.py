"""The Content-Security-Policy in a real browser: nothing abide's pages need is refused."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from abide.web.tests.test_browser import CHROMIUM, demo_loaded, page  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason="needs chromium"),
]


def violations(page) -> list[str]:  # noqa: F811
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return found


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_pages_the_map_htmx_and_the_api_docs_run_under_the_policy(
    live_server,
    demo_loaded,  # noqa: F811
    page,  # noqa: F811
):
    refused = violations(page)
    page.goto(f"{live_server.url}/")
    assert page.evaluate("typeof window.htmx") == "object"
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector(".leaflet-container")
    # The map draws once its data has come: wait for its first shape (the CSP let it draw).
    expect(page.locator(".leaflet-container path, .leaflet-marker-icon").first).to_be_attached()
    page.goto(f"{live_server.url}/tracker/")
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20000)
    assert page.locator(".swagger-ui .opblock").count() > 10
    assert refused == []
