"""The tracker's and the commitments list's next and previous links in a real browser at a
phone's width: by cursor."""

from __future__ import annotations

import datetime as dt

import pytest

from abide.registry.models import Category, Commitment
from abide.web.tests.test_browser import page, pytestmark  # noqa: F401  (the browser, its marks)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def many(starter_registry) -> list[Commitment]:
    """250 confirmed commitments (three pages of the tracker), several made the same day."""
    category = Category.objects.order_by("pk").first()
    return Commitment.objects.bulk_create(
        Commitment(
            kind="pledge",
            category=category,
            text=f"promise number {n}",
            date_made=dt.date(2023, 1, 1) + dt.timedelta(days=n // 4),
            review_state="confirmed",
        )
        for n in range(250)
    )


def _shown(page) -> list[str]:  # noqa: F811
    return page.locator("table.tracker tbody tr td a").all_inner_texts()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reader_on_a_phone_pages_the_tracker_forward_and_back_by_its_links(
    live_server,
    many,
    page,  # noqa: F811
):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/tracker/")
    first = _shown(page)
    assert len(first) == 100 and first[0] == "promise number 249"
    navigation = page.get_by_role("navigation", name="Pages")
    assert "Page 1 of 3" in navigation.inner_text()

    following = navigation.locator("a[rel=next]")
    box = following.bounding_box()
    assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"]
    following.click()
    page.wait_for_load_state()
    assert "after=" in page.url
    second = _shown(page)
    assert len(second) == 100 and not set(second) & set(first)
    assert second[0] == "promise number 149"

    page.get_by_role("navigation", name="Pages").locator("a[rel=next]").click()
    page.wait_for_load_state()
    third = _shown(page)
    assert len(third) == 50 and third[-1] == "promise number 0"
    assert page.get_by_role("navigation", name="Pages").locator("a[rel=next]").count() == 0

    for expected in (second, first):
        page.get_by_role("navigation", name="Pages").locator("a[rel=prev]").click()
        page.wait_for_load_state()
        assert "before=" in page.url and _shown(page) == expected
    assert "Page 1 of 3" in page.get_by_role("navigation", name="Pages").inner_text()
    assert page.get_by_role("navigation", name="Pages").locator("a[rel=prev]").count() == 0


def _listed(page) -> list[str]:  # noqa: F811
    return page.locator("table.commitments tbody tr td:nth-child(4)").all_inner_texts()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reader_on_a_phone_pages_the_commitments_list_forward_and_back_by_its_links(
    live_server,
    many,
    page,  # noqa: F811
):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/commitments/")
    first = _listed(page)
    assert len(first) == 100 and first[0] == "promise number 249"
    navigation = page.get_by_role("navigation", name="Pages")
    assert "Page 1 of 3" in navigation.inner_text()

    following = navigation.locator("a[rel=next]")
    box = following.bounding_box()
    assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"]
    following.click()
    page.wait_for_load_state()
    assert "after=" in page.url
    second = _listed(page)
    assert len(second) == 100 and second[0] == "promise number 149"

    page.get_by_role("navigation", name="Pages").locator("a[rel=next]").click()
    page.wait_for_load_state()
    third = _listed(page)
    assert len(third) == 50 and third[-1] == "promise number 0"
    assert page.get_by_role("navigation", name="Pages").locator("a[rel=next]").count() == 0

    for expected in (second, first):
        page.get_by_role("navigation", name="Pages").locator("a[rel=prev]").click()
        page.wait_for_load_state()
        assert "before=" in page.url and _listed(page) == expected
    assert "Page 1 of 3" in page.get_by_role("navigation", name="Pages").inner_text()
    assert page.get_by_role("navigation", name="Pages").locator("a[rel=prev]").count() == 0
