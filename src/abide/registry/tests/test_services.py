"""Ingesting, reviewing and linking through the registry's services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from abide.audit.models import AuditEntry
from abide.audit.services import verify_log
from abide.core.demo import load_demo
from abide.registry.models import Category, Commitment, ReviewState, Source, Statement
from abide.registry.services import (
    CommitmentIn,
    DocumentIn,
    LinkIn,
    StatementIn,
    confirm_commitment,
    find_party,
    find_person,
    ingest_document,
    link_demand_to_pledge,
    reject_commitment,
)

TEXT = "Baku said it would take no further military action. Washington urged it to keep its word."


def _document(text: str = TEXT) -> DocumentIn:
    azerbaijan, us = find_party("Azerbaijan"), find_party("United States")
    aliyev = find_person("Ilham Aliyev")
    pledge_end = text.index(".") + 1
    return DocumentIn(
        kind="news_article",
        title="A test article",
        text=text,
        language="en",
        published=dt.date(2023, 9, 27),
        statements=(
            StatementIn(
                0,
                pledge_end,
                "paraphrase",
                speaker_party=azerbaijan,
                speaker_person=aliyev,
                date_spoken=dt.date(2023, 9, 26),
                chain=(LinkIn("said", party=azerbaijan), LinkIn("published", name="Desk")),
            ),
            StatementIn(pledge_end + 1, len(text), "paraphrase", speaker_party=us),
        ),
        commitments=(
            CommitmentIn(
                "pledge",
                Category.objects.get(slug="cessation_of_hostilities"),
                "No further military action.",
                (0,),
                obligor_party=azerbaijan,
            ),
            CommitmentIn(
                "demand",
                Category.objects.get(slug="cessation_of_hostilities"),
                "Keep the pledge of no further military action.",
                (1,),
                obligor_party=azerbaijan,
                demanded_by_party=us,
            ),
        ),
    )


def test_ingesting_a_document_stores_it_in_one_transaction_with_one_audit_entry(
    starter_registry, analyst
):
    before = AuditEntry.objects.count()
    result = ingest_document(_document(), actor=analyst)
    assert result.created and result.statements == 2 and result.commitments == 2
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "ingest" and entry.actor == analyst
    assert len(entry.touched) == 5  # the source, two statements, two commitments
    statement = Statement.objects.get(source=result.source, start=0)
    assert statement.text == "Baku said it would take no further military action."
    assert [str(link) for link in statement.chain.all()] == ["Azerbaijan said", "Desk published"]
    assert verify_log().ok


def test_the_same_text_is_never_stored_twice(starter_registry, analyst):
    ingest_document(_document(), actor=analyst)
    again = ingest_document(_document(TEXT.replace(" ", " ") + "\r\n"), actor=analyst)
    assert not again.created
    assert Source.objects.count() == 1


def test_a_bad_span_stores_nothing(starter_registry, analyst):
    doc = _document()
    bad = DocumentIn(**{**doc.__dict__, "statements": (StatementIn(0, 10_000, "verbatim"),)})
    with pytest.raises(ValidationError, match="lies outside the source"):
        ingest_document(bad, actor=analyst)
    assert not Source.objects.exists() and not Statement.objects.exists()


def test_confirming_and_rejecting_are_audited_with_the_reviewer(starter_registry, analyst, head):
    ingest_document(_document(), actor=analyst)
    pledge = Commitment.objects.get(kind="pledge")
    demand = Commitment.objects.get(kind="demand")
    confirm_commitment(pledge, actor=analyst)
    reject_commitment(demand, actor=head, reason="a duplicate of another demand")
    pledge.refresh_from_db()
    demand.refresh_from_db()
    assert pledge.review_state == ReviewState.CONFIRMED and pledge.reviewed_by == analyst
    assert demand.review_state == ReviewState.REJECTED and demand.review_note
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "review:rejected" and entry.actor == head
    assert entry.changes["review_state"] == ["proposed", "rejected"]
    with pytest.raises(ValidationError, match="already confirmed: reopen it"):
        confirm_commitment(pledge, actor=analyst)
    with pytest.raises(ValidationError, match="needs a reason"):
        reject_commitment(pledge, actor=analyst, reason=" ")
    assert verify_log().ok


def test_a_demand_is_linked_to_the_pledge_that_answers_it(starter_registry, analyst):
    ingest_document(_document(), actor=analyst)
    pledge = Commitment.objects.get(kind="pledge")
    demand = Commitment.objects.get(kind="demand")
    link_demand_to_pledge(demand, pledge, actor=analyst)
    demand.refresh_from_db()
    assert demand.answered_by == pledge
    with pytest.raises(ValidationError):
        link_demand_to_pledge(pledge, demand, actor=analyst)
    assert AuditEntry.objects.order_by("-seq").first().action == "link"


def test_the_demo_retells_the_pledges_and_demands_of_september_2023(starter_registry, analyst):
    results = load_demo(actor=analyst)
    assert all(r.created for r in results)
    pledges = Commitment.objects.filter(kind="pledge", obligor_party=find_party("Azerbaijan"))
    assert set(pledges.values_list("category__slug", flat=True)) == {
        "cessation_of_hostilities",
        "monitoring_access",
    }
    demands = Commitment.objects.filter(kind="demand", demanded_by_party=find_party("US"))
    assert {
        "humanitarian_access",
        "freedom_of_movement",
        "amnesty_and_detention",
        "protection_of_civilians",
        "rights_and_property",
        "monitoring_access",
        "cessation_of_hostilities",
    } <= set(demands.values_list("category__slug", flat=True))
    briefing = Statement.objects.filter(source__kind="briefing_transcript")
    reported = next(s for s in briefing if "no further military action" in s.text)
    assert [link.relation for link in reported.chain.all()] == ["told", "reported", "published"]
    assert [link.who() for link in reported.chain.all()] == [
        "Ilham Aliyev",
        "Matthew Miller",
        "ABIDE DEMO DESK",
    ]
    assert reported.date_spoken == dt.date(2023, 9, 26)
    assert not any(r.created for r in load_demo(actor=analyst))
    assert verify_log().ok
