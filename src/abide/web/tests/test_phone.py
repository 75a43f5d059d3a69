"""Every page on a phone: at 390 px wide nothing makes the page scroll sideways, in English and
in Arabic, for the public and for an analyst (who also sees the review forms).

Set ABIDE_PHONE_SCREENSHOTS to a folder to keep a full-page screenshot of each page there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client

from abide.compliance.models import Commitment
from abide.web.tests.test_browser import demo_assessed, page, pytestmark  # noqa: F401

PHONE = {"width": 390, "height": 844}
LANGUAGES = ("en", "ar")


def _paths(commitment_pk: int) -> list[str]:
    return [
        "/",
        "/parties/",
        "/tracker/",
        "/commitments/",
        f"/tracker/{commitment_pk}/",
        "/accounts/login/",
        "/accounts/password_change/",
    ]


#: The analysts' desk: their dashboard and review queues.
DESK = ["/dashboard/", "/review/links/", "/review/retractions/", "/review/observations/"]


def _overflow(page, live_server, path: str, language: str, shots: Path | None, who: str) -> dict:  # noqa: F811
    """Open ``path`` at 390 px, every review form unfolded, and measure it."""
    page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state()
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    name = path.strip("/").replace("/", "-") or "home"
    if shots is not None:
        page.screenshot(path=str(shots / f"{who}-{language}-{name}.png"), full_page=True)
    scrolled = _scroll_tables_to_their_end(page)
    if shots is not None and scrolled:
        page.screenshot(path=str(shots / f"{who}-{language}-{name}-scrolled.png"), full_page=True)
    return page.evaluate(
        """() => {
            const wide = [...document.querySelectorAll('main *')]
              .filter(e => { const r = e.getBoundingClientRect();
                             return r.width > 0 && (r.right > innerWidth + 1 || r.left < -1); })
              .filter(e => !e.closest('.table-scroll, .visually-hidden, .table-stack thead'))
              .filter(e => !e.ownerSVGElement)
              .slice(0, 5).map(e => e.tagName + '.' + e.className);
            return {scrollWidth: document.documentElement.scrollWidth,
                    main: document.querySelector('main h1')?.getBoundingClientRect().width || 0,
                    wide: wide};
        }"""
    )


def _scroll_tables_to_their_end(page) -> int:  # noqa: F811
    """Scroll each table that is wider than its box to its far end (left in Arabic) and check
    that its first column stays in view (tables without rowspan or colspan). Returns how many
    tables scrolled."""
    boxes = page.locator(".table-scroll")
    scrolled = 0
    for index in range(boxes.count()):
        box = boxes.nth(index)
        if not box.evaluate("b => b.scrollWidth > b.clientWidth"):
            continue
        moved = box.evaluate(
            """b => { const before = b.scrollLeft;
                     b.scrollBy(getComputedStyle(b).direction === 'rtl' ? -1e5 : 1e5, 0);
                     return b.scrollLeft !== before; }"""
        )
        assert moved, "the table does not scroll in its box"
        scrolled += 1
        if box.locator("[rowspan], [colspan]").count():
            continue  # the first column stays in view only in tables with a plain grid
        first = box.locator("tbody tr:first-child > :first-child").bounding_box()
        assert first["x"] >= 0 and first["x"] + first["width"] <= PHONE["width"]
    return scrolled


def _check_every_page(page, live_server, who: str, more: tuple[str, ...] = ()) -> None:  # noqa: F811
    shots = os.environ.get("ABIDE_PHONE_SCREENSHOTS")
    folder = Path(shots) if shots else None
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    at_risk = Commitment.objects.get(text__contains="no further military action")
    failures = []
    for language in LANGUAGES:
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        for path in [*_paths(at_risk.pk), *more]:
            measured = _overflow(page, live_server, path, language, folder, who)
            assert page.locator("html").get_attribute("lang") == language
            assert page.locator("main h1").is_visible(), (language, path)
            if measured["scrollWidth"] > PHONE["width"] or measured["wide"]:
                failures.append((language, path, measured))
    assert failures == []


@pytest.fixture
def phone(page):  # noqa: F811
    page.set_viewport_size(PHONE)
    return page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_page_fits_a_phone_for_the_public_in_english_and_arabic(
    live_server,
    demo_assessed,  # noqa: F811
    phone,
):
    _check_every_page(phone, live_server, "public")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_page_fits_a_phone_for_an_analyst_with_the_review_forms(
    live_server,
    demo_assessed,  # noqa: F811
    analyst,
    phone,
):
    client = Client()
    client.force_login(analyst)
    phone.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    _check_every_page(phone, live_server, "analyst", more=tuple(DESK))
    phone.goto(f"{live_server.url}/tracker/")
    assert phone.locator("header.site .who").is_visible()
