"""abide proposes retractions from what it reads: a party's later words that refuse, deny or put
conditions on what it promised are matched against its earlier pledges of the same category,
whichever source arrives first; analysts confirm or dismiss them, and only confirmed ones are
public."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from abide.audit.models import AuditEntry
from abide.cli import main
from abide.compliance.models import Retraction, RetractionState
from abide.compliance.retractions import confirm_retraction, dismiss_retraction
from abide.compliance.tracker import commitment_detail
from abide.registry.models import Commitment, ReviewState, Source, WalkBack

pytestmark = pytest.mark.usefixtures("starter_registry")

PLEDGE = "“We will release all the detainees,” President Ilham Aliyev said on Thursday."
REFUSAL = "“We will never agree to an amnesty for the detainees,” President Ilham Aliyev said."
CONDITIONS = (
    "“We will release the detainees only if Armenia hands over the minefield maps,” "
    "President Ilham Aliyev said."
)
OTHER_PARTY = "“We will never agree to an amnesty for the detainees,” Nikol Pashinyan said."


def ingest(tmp_path: Path, name: str, text: str, published: str, user) -> Source:
    path = tmp_path / f"{name}.txt"
    path.write_text(f"{name.title()}\n\n{text}\n", encoding="utf-8")
    assert main(["ingest", str(path), "--published", published, "--as", user.username]) == 0
    return Source.objects.get(title=name.title())


def release_pledge() -> Commitment:
    """The unconditional pledge to release the detainees."""
    return Commitment.objects.get(
        kind="pledge",
        obligor_party__slug="azerbaijan",
        category__slug="amnesty_and_detention",
        condition="",
    )


def test_a_later_refusal_is_proposed_as_a_retraction_of_the_earlier_pledge(tmp_path, analyst):
    ingest(tmp_path, "promise", PLEDGE, "2023-09-28", analyst)
    later = ingest(tmp_path, "refusal", REFUSAL, "2023-10-12", analyst)

    (walk_back,) = WalkBack.objects.filter(statement__source=later)
    assert (walk_back.party.slug, walk_back.category.slug, walk_back.kind) == (
        "azerbaijan",
        "amnesty_and_detention",
        "refuses",
    )
    (retraction,) = Retraction.objects.all()
    assert retraction.commitment == release_pledge()
    assert retraction.state == RetractionState.PROPOSED
    assert retraction.statement.source == later and retraction.walk_back == walk_back
    assert retraction.flagged_by.username == settings.SYSTEM_USERNAME
    assert AuditEntry.objects.filter(action="propose retractions").count() == 1


def test_the_order_in_which_sources_arrive_does_not_matter(tmp_path, analyst):
    ingest(tmp_path, "refusal", REFUSAL, "2023-10-12", analyst)
    assert not Retraction.objects.exists()  # nothing to walk back yet
    ingest(tmp_path, "promise", PLEDGE, "2023-09-28", analyst)
    (retraction,) = Retraction.objects.all()
    assert retraction.commitment == release_pledge()
    assert retraction.statement.source.title == "Refusal"


def test_words_before_the_pledge_or_of_another_party_walk_nothing_back(tmp_path, analyst):
    ingest(tmp_path, "refusal", REFUSAL, "2023-09-01", analyst)  # before the pledge
    ingest(tmp_path, "promise", PLEDGE, "2023-09-28", analyst)
    ingest(tmp_path, "other", OTHER_PARTY, "2023-10-12", analyst)  # Armenia's words
    assert WalkBack.objects.count() == 2
    assert not Retraction.objects.exists()


def test_new_conditions_walk_back_an_unconditional_pledge(tmp_path, analyst):
    ingest(tmp_path, "promise", PLEDGE, "2023-09-28", analyst)
    ingest(tmp_path, "conditions", CONDITIONS, "2023-10-12", analyst)
    (retraction,) = Retraction.objects.all()
    assert retraction.commitment == release_pledge()
    assert retraction.kind == "conditions"
    assert "minefield maps" in retraction.walk_back.condition


def test_a_rejected_pledge_is_not_matched(tmp_path, analyst):
    ingest(tmp_path, "promise", PLEDGE, "2023-09-28", analyst)
    Commitment.objects.update(review_state=ReviewState.REJECTED)
    ingest(tmp_path, "refusal", REFUSAL, "2023-10-12", analyst)
    assert not Retraction.objects.exists()


def test_only_reviewers_see_a_proposal_and_the_public_sees_it_once_confirmed(
    tmp_path, analyst, observer
):
    ingest(tmp_path, "promise", PLEDGE, "2023-09-28", analyst)
    ingest(tmp_path, "refusal", REFUSAL, "2023-10-12", analyst)
    pledge = release_pledge()
    pledge.review_state = ReviewState.CONFIRMED
    pledge.save()
    public = commitment_detail(AnonymousUser(), pledge)
    assert public.retractions == [] and public.proposed_retractions == []
    (proposed,) = commitment_detail(analyst, pledge).proposed_retractions

    with pytest.raises(PermissionDenied):
        confirm_retraction(proposed, actor=observer, reason="Looks like one.")
    with pytest.raises(ValidationError) as error:
        confirm_retraction(proposed, actor=analyst, reason=" ")
    assert "reason" in error.value.message_dict
    confirm_retraction(proposed, actor=analyst, reason="He rules the amnesty out.")

    (shown,) = commitment_detail(AnonymousUser(), pledge).retractions
    assert shown.pk == proposed.pk and shown.reason == "He rules the amnesty out."
    assert shown.decided_by == analyst and shown.decided_at is not None
    assert commitment_detail(analyst, pledge).proposed_retractions == []
    entry = AuditEntry.objects.get(action="confirmed", object_type="compliance.retraction")
    assert entry.actor == analyst
    with pytest.raises(ValidationError, match="already confirmed"):
        dismiss_retraction(proposed, actor=analyst, reason="Changed my mind.")


def test_a_dismissed_proposal_stays_out_of_public_view_and_is_not_proposed_again(tmp_path, analyst):
    ingest(tmp_path, "promise", PLEDGE, "2023-09-28", analyst)
    later = ingest(tmp_path, "refusal", REFUSAL, "2023-10-12", analyst)
    (proposed,) = Retraction.objects.all()
    dismiss_retraction(proposed, actor=analyst, reason="He speaks of another group of detainees.")
    assert Retraction.objects.get().state == RetractionState.DISMISSED
    assert commitment_detail(AnonymousUser(), release_pledge()).retractions == []
    from abide.compliance.retractions import propose_retractions

    assert propose_retractions(later) == []  # matched again: the decision stands
    assert Retraction.objects.count() == 1


def test_reviewers_list_confirm_and_dismiss_proposals_through_the_api(
    tmp_path, analyst, observer, client
):
    ingest(tmp_path, "promise", PLEDGE, "2023-09-28", analyst)
    ingest(tmp_path, "refusal", REFUSAL, "2023-10-12", analyst)
    pledge = release_pledge()
    pledge.review_state = ReviewState.CONFIRMED
    pledge.save()
    client.force_login(observer)
    url = f"/api/commitments/{pledge.pk}/proposed-retractions"
    assert client.get(url).json() == []
    (retraction,) = Retraction.objects.all()
    refused = client.post(
        f"/api/retractions/{retraction.pk}/confirm",
        json.dumps({"reason": "Seems so."}),
        content_type="application/json",
    )
    assert refused.status_code == 404  # a proposal is not public: the observer cannot see it
    client.force_login(analyst)
    (item,) = client.get(url).json()
    assert (item["id"], item["kind"], item["source"]) == (retraction.pk, "refuses", "Refusal")
    assert "never agree" in item["quote"] and "amnesty" in item["words"]
    bad = client.post(
        f"/api/retractions/{retraction.pk}/confirm",
        json.dumps({"reason": "Seems so.", "kind": "shrugs"}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and "kind" in bad.content.decode()
    done = client.post(
        f"/api/retractions/{retraction.pk}/confirm",
        json.dumps({"reason": "He rules it out.", "kind": "refuses"}),
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["state"] == "confirmed"
    (row,) = client.get("/api/commitments").json()["items"]
    assert row["walked_back"] is True
    page = client.get("/tracker/").content.decode()
    assert "Walked back" in page
    detail = client.get(f"/api/commitments/{pledge.pk}").json()
    assert [r["kind"] for r in detail["retractions"]] == ["refuses"]
    assert dt.date.fromisoformat(detail["retractions"][0]["date_spoken"]) == dt.date(2023, 10, 12)
