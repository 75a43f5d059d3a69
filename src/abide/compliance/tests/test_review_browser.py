"""Review work on the commitment page in a real browser, without a line of JavaScript of ours."""

from __future__ import annotations

import datetime as dt

import pytest

from abide.compliance.linking import propose_links
from abide.compliance.tests.test_linking import observe, pledge
from abide.testing import PASSWORD, pass_second_factor
from abide.web.tests.test_browser import page, pytestmark  # noqa: F401  (the browser, its marks)


@pytest.fixture
def proposed(starter_registry, analyst):
    """A confirmed pledge and an observation that abide proposed to link to it."""
    kept = pledge()
    observation = observe(day=dt.date(2023, 9, 27))
    (link,) = propose_links(kept, actor=analyst)
    assert link.observation == observation
    return kept, observation


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_analyst_logs_in_and_confirms_a_proposed_link_on_the_commitment_page(
    live_server,
    proposed,
    analyst,
    page,  # noqa: F811
):
    kept, observation = proposed
    page.goto(f"{live_server.url}/accounts/login/?next=/tracker/{kept.pk}/")
    page.fill("#id_username", analyst.username)
    page.fill("#id_password", PASSWORD)
    page.locator("form.account-form button[type=submit]").click()
    pass_second_factor(page, analyst)
    page.wait_for_url(f"{live_server.url}/tracker/{kept.pk}/")

    item = page.locator(f"#observation-{observation.pk}")
    assert "proposed, not yet reviewed" in item.inner_text()
    item.get_by_text("Review this proposed link").click()
    form = item.get_by_role("group", name="Confirm that it bears on the commitment")
    form.get_by_label("The obligor is").select_option("perpetrator")
    form.get_by_label("Reason").fill("The shelling hit the town named in the report.")
    form.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()

    assert page.url == f"{live_server.url}/tracker/{kept.pk}/"
    assert page.get_by_role("status").inner_text() == "The link is confirmed."
    item = page.locator(f"#observation-{observation.pk}")
    assert "proposed, not yet reviewed" not in item.inner_text()
    # Decided: no confirm or reject any more, only a way to reopen it.
    assert item.locator("form[id^=form-confirm-], form[id^=form-reject-]").count() == 0
    assert item.locator("details.review summary").inner_text().endswith("reopen this link")
    stored = page.request.get(f"{live_server.url}/api/commitments/{kept.pk}").json()
    assert [(e["observation"], e["link"]) for e in stored["evidence"]] == [
        (observation.pk, "confirmed")
    ]
