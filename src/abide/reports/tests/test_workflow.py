"""Draft → approved (head of mission) → published, each step audited; a published report
never changes; a correction is a new version saying what it corrects."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from abide.audit.models import AuditEntry
from abide.reports.access import (
    can_approve_reports,
    can_draft_reports,
    can_publish_reports,
    get_report_for,
    get_reports_for,
    tier_for,
)
from abide.reports.building import document_for
from abide.reports.models import Report
from abide.reports.services import (
    approve_report,
    correct_report,
    create_report,
    publish_report,
    set_incidents,
    set_summary,
)
from abide.reports.spec import parse_spec

TODAY = dt.date(2024, 1, 15)


def _entries(report: Report) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="reports.report", object_id=str(report.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


@pytest.fixture
def draft(starter_registry, analyst) -> Report:
    return create_report(parse_spec("2023-W39", today=TODAY), actor=analyst)


def test_roles_decide_who_drafts_approves_publishes_and_which_tier_they_read(
    db, observer, analyst, head, partner, administrator
):
    assert [can_draft_reports(u) for u in (observer, analyst, head, partner)] == [
        False,
        True,
        True,
        False,
    ]
    assert [can_approve_reports(u) for u in (analyst, head)] == [False, True]
    assert [can_publish_reports(u) for u in (analyst, head)] == [False, True]
    assert [tier_for(u) for u in (AnonymousUser(), partner, observer, analyst, administrator)] == [
        "public",
        "public",
        "public",
        "internal",
        "internal",
    ]


def test_a_report_goes_from_draft_to_approved_to_published_each_step_audited(draft, analyst, head):
    assert draft.state == "draft"
    set_summary(draft, "en", "A quiet week but for one convoy.", is_original=True, actor=analyst)
    set_summary(draft, "hy", "Հանգիստ շաբաթ։", is_original=False, actor=analyst)
    approve_report(draft, actor=head)
    assert draft.state == "approved"
    publish_report(draft, actor=head)
    draft.refresh_from_db()
    assert draft.state == "published"
    assert draft.published_by == head
    assert set(draft.snapshot) == {"internal", "public"}
    assert draft.snapshot["public"]["report"]["state"] == "published"
    assert draft.snapshot["public"]["summaries"] == [
        {
            "text": "A quiet week but for one convoy.",
            "language": "en",
            "translations": {"hy": "Հանգիստ շաբաթ։"},
        }
    ]
    assert _entries(draft) == ["create", "set summary", "set summary", "approve", "publish"]
    entry = AuditEntry.objects.filter(object_id=str(draft.pk), action="publish").get()
    assert entry.actor == head


def test_only_the_head_of_mission_approves_and_publishes(draft, analyst, head, observer):
    with pytest.raises(PermissionDenied):
        approve_report(draft, actor=analyst)
    with pytest.raises(PermissionDenied):
        create_report(parse_spec("2023-W39", today=TODAY), actor=observer)
    with pytest.raises(PermissionDenied):
        set_summary(draft, "en", "words", is_original=True, actor=observer)
    with pytest.raises(ValidationError) as caught:
        publish_report(draft, actor=head)  # not approved yet
    assert "state" in caught.value.message_dict
    approve_report(draft, actor=head)
    with pytest.raises(PermissionDenied):
        publish_report(draft, actor=analyst)
    draft.refresh_from_db()
    assert draft.state == "approved"
    assert _entries(draft) == ["create", "approve"]


def test_a_change_after_approval_sends_the_report_back_to_draft(draft, analyst, head):
    approve_report(draft, actor=head)
    set_summary(draft, "en", "Rewritten.", is_original=True, actor=analyst)
    draft.refresh_from_db()
    assert (draft.state, draft.approved_by) == ("draft", None)


def test_a_published_report_cannot_be_changed_by_any_service(draft, analyst, head):
    approve_report(draft, actor=head)
    publish_report(draft, actor=head)
    draft.refresh_from_db()
    stored = dict(draft.snapshot)
    for attempt in (
        lambda: set_summary(draft, "en", "New words.", is_original=True, actor=head),
        lambda: set_incidents(draft, [], actor=head),
        lambda: approve_report(draft, actor=head),
        lambda: publish_report(draft, actor=head),
    ):
        with pytest.raises(ValidationError):
            attempt()
    draft.refresh_from_db()
    assert draft.snapshot == stored
    assert not draft.summaries.exists()
    assert _entries(draft) == ["create", "approve", "publish"]


def test_a_published_report_is_served_as_published_whatever_changes_afterwards(
    draft, head, analyst
):
    from abide.registry.models import Category, Commitment

    approve_report(draft, actor=head)
    publish_report(draft, actor=head)
    before = document_for(draft, "public")
    Commitment.objects.create(
        kind="pledge",
        category=Category.objects.first(),
        text="a promise made later",
        review_state="confirmed",
        date_made=dt.date(2023, 9, 27),
    )
    assert document_for(draft, "public") == before


def test_a_correction_is_a_new_draft_version_saying_what_it_corrects(draft, analyst, head):
    set_summary(draft, "en", "One convoy.", is_original=True, actor=analyst)
    approve_report(draft, actor=head)
    publish_report(draft, actor=head)
    with pytest.raises(ValidationError):
        correct_report(draft, actor=analyst, note="  ")
    correction = correct_report(draft, actor=analyst, note="The convoy was blocked, not passed.")
    assert (correction.state, correction.version, correction.corrects) == ("draft", 2, draft)
    assert correction.summaries.get().text == "One convoy."
    approve_report(correction, actor=head)
    publish_report(correction, actor=head)
    correction.refresh_from_db()
    assert correction.snapshot["public"]["report"]["corrects"] == {
        "id": draft.pk,
        "note": "The convoy was blocked, not passed.",
    }
    third = correct_report(draft, actor=analyst, note="Another fix.")
    assert third.version == 3
    assert _entries(correction) == ["correct", "approve", "publish"]
    with pytest.raises(ValidationError):
        correct_report(third, actor=analyst, note="a draft is changed, not corrected")


def test_the_public_reads_only_published_reports(draft, head, analyst):
    assert not get_reports_for(AnonymousUser()).filter(pk=draft.pk).exists()
    with pytest.raises(Http404):
        get_report_for(AnonymousUser(), draft.pk)
    assert get_report_for(analyst, draft.pk) == draft
    approve_report(draft, actor=head)
    publish_report(draft, actor=head)
    assert get_report_for(AnonymousUser(), draft.pk) == draft


def test_incidents_must_name_observations_and_keep_their_order(draft, analyst):
    with pytest.raises(ValidationError) as caught:
        set_incidents(draft, [999999], actor=analyst)
    assert "999999" in str(caught.value)
    with pytest.raises(ValidationError):
        set_summary(draft, "fr", "Une semaine calme.", is_original=True, actor=analyst)
