"""The analyst's desk in a real browser: the founding article added from the web, read by the
worker, its commitments reviewed from the queue and found on the tracker."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from abide.registry.models import Category, Commitment, ReviewState, Source
from abide.registry.tests.desk import start_worker_process
from abide.testing import shared_path
from abide.web.tests.test_browser import page, pytestmark  # noqa: F401  (the browser, its marks)

SHOTS = Path(os.environ.get("ABIDE_SCREENSHOTS", "/tmp/abide-desk-screenshots"))


@pytest.fixture
def worker(transactional_db, starter_registry):
    """`abide worker` as its own process, against the live server's database."""
    process = start_worker_process("--interval", "0.3")
    yield process
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


@pytest.fixture
def signed_in(live_server, analyst):
    """The analyst's session cookie (signed in as the login page would)."""
    client = Client()
    client.force_login(analyst)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


def shot(page, name: str) -> None:  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_analyst_adds_the_founding_article_reviews_its_commitments_and_finds_them_tracked(
    live_server,
    starter_registry,
    analyst,
    worker,
    signed_in,
    page,  # noqa: F811
):
    article = shared_path("seed", "armenpress-2023-09-27-blinken-aliyev.txt")
    page.context.add_cookies([signed_in])
    page.set_viewport_size({"width": 1200, "height": 900})

    # Add it from the sources page; the worker reads it while the job page polls.
    page.goto(f"{live_server.url}/sources/")
    page.get_by_text("Add a source").first.click()
    page.set_input_files("#id_file", str(article))
    page.fill("#id_published", "2023-09-27")
    page.fill("#id_publisher", "Armenpress")
    page.get_by_role("button", name="Read and store it").click()
    page.wait_for_url(re.compile(r"/sources/jobs/"))
    shot(page, "1-job-waiting")
    page.get_by_role("link", name="Open the source").wait_for(timeout=180_000)
    shot(page, "2-job-done")
    page.get_by_role("link", name="Open the source").click()

    source = Source.objects.get()
    assert source.publisher == "Armenpress" and source.ingested_by == analyst
    rows = list(
        Commitment.objects.filter(statements__source=source).distinct().order_by("created_at", "pk")
    )
    assert len(rows) >= 4
    assert page.locator("#source-text .quote").count() >= 2
    assert page.locator("#source-text .commitment").count() >= 1
    shot(page, "3-source")

    # The reading found it twice: select the words of the first commitment and add them again.
    kept = next(c for c in rows if c.obligor_party_id)
    marked = page.locator(f'#source-text [data-refs~="commitment-{kept.pk}"]')
    target = marked.first if marked.count() else page.locator("#source-text .quote").first
    target.evaluate(
        """el => { const range = document.createRange(); range.selectNodeContents(el);
                   const s = window.getSelection(); s.removeAllRanges(); s.addRange(range); }"""
    )
    form = page.locator("#selection-form")
    form.wait_for(state="visible")
    selected = form.locator("#selected-words").inner_text()
    start = int(form.locator("[name=start]").input_value())
    end = int(form.locator("[name=end]").input_value())
    assert source.text[start:end] == selected  # offsets into the original, unescaped text
    form.get_by_label("Add", exact=True).select_option("commitment")
    form.get_by_label("Speaker and obligor").select_option(str(kept.obligor_party_id))
    form.get_by_label("Kind").select_option(kept.kind)
    form.get_by_label("Category").select_option(str(kept.category_id))
    shot(page, "4-selection")
    form.get_by_role("button", name="Add").click()
    page.wait_for_load_state()
    assert "The commitment is added" in page.get_by_role("status").inner_text()
    duplicate = Commitment.objects.order_by("-pk").first()
    assert duplicate.statements.get().text == selected

    # The queue, oldest first: merge the duplicate, correct one, reject one, confirm the rest.
    page.goto(f"{live_server.url}/review/commitments/?source={source.pk}")
    shot(page, "5-queue")
    row = page.locator(f"#review-{duplicate.pk} details.merge")
    row.get_by_text("Merge with a duplicate").click()
    row.get_by_label("The commitment it repeats").fill(str(kept.pk))
    row.get_by_label("Reason").fill("The same words, selected again.")
    row.get_by_role("button", name="Merge").click()
    page.locator(f"#review-{duplicate.pk}.done").wait_for()

    corrected, refused = [c for c in rows if c.pk != kept.pk][:2]
    other = Category.objects.exclude(pk=corrected.category_id).order_by("position").last()
    row = page.locator(f"#review-{corrected.pk}")
    row.get_by_text("Correct and confirm").click()
    row.get_by_label("Category").select_option(str(other.pk))
    row.get_by_role("button", name="Save and confirm").click()
    page.locator(f"#review-{corrected.pk}.done").wait_for()

    order = [
        int(n)
        for n in re.findall(
            r"\d+",
            ",".join(page.locator(".queue-item").evaluate_all("items => items.map(i => i.id)")),
        )
    ]
    for index, pk in enumerate(order):
        if index:
            page.keyboard.press("j")
        assert page.locator(".queue-item.current").get_attribute("id") == f"review-{pk}"
        if pk == refused.pk:
            page.keyboard.press("r")
            page.keyboard.type("Blinken urged it; Aliyev did not promise it.")
            page.keyboard.press("Enter")
            page.locator(f"#review-{pk}.done").wait_for()
        elif page.locator(f"#review-{pk} form.confirm").count():
            page.keyboard.press("c")
            page.locator(f"#review-{pk}.done").wait_for()
    shot(page, "6-queue-reviewed")

    states = dict(
        Commitment.objects.filter(pk__in=[c.pk for c in rows]).values_list("pk", "review_state")
    )
    assert states.pop(refused.pk) == ReviewState.REJECTED
    assert set(states.values()) == {ReviewState.CONFIRMED}
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == kept.pk and duplicate.review_state == ReviewState.REJECTED
    corrected.refresh_from_db()
    assert corrected.category == other
    refused.refresh_from_db()
    assert refused.review_note == "Blinken urged it; Aliyev did not promise it."

    # On the tracker: the confirmed ones, the corrected one under its new category.
    page.goto(f"{live_server.url}/tracker/?category={other.slug}")
    shot(page, "7-tracker")
    assert page.locator(f'a[href="/tracker/{corrected.pk}/"]').count() >= 1
    page.goto(f"{live_server.url}/tracker/")
    for pk in states:
        assert page.locator(f'a[href="/tracker/{pk}/"]').count() >= 1, pk
    assert page.locator(f'a[href="/tracker/{refused.pk}/"]').count() == 0
    assert page.locator(f'a[href="/tracker/{duplicate.pk}/"]').count() == 0
    page.goto(f"{live_server.url}/tracker/{kept.pk}/")
    shot(page, "8-kept-commitment")

    # On a phone: the queue and the source fit 390 px (the page's own content; the site's header
    # is the base template's).
    page.set_viewport_size({"width": 390, "height": 844})
    for url in (f"/review/commitments/?source={source.pk}", f"/sources/{source.pk}/"):
        page.goto(f"{live_server.url}{url}")
        wide = page.evaluate(
            """() => Array.from(document.querySelectorAll('main *'))
                 .filter(e => e.getBoundingClientRect().right > 391)
                 .map(e => e.tagName + '#' + e.id + '.' + e.className)"""
        )
        assert wide == [], url
    shot(page, "9-source-phone")
