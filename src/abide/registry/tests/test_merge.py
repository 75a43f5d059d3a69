"""Merging a duplicate commitment into the one it repeats."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from abide.audit.models import AuditEntry
from abide.audit.services import verify_log
from abide.registry.merging import merge_commitments
from abide.registry.models import Category, Commitment, Party, ReviewState, Source, Statement


@pytest.fixture
def pair(starter_registry) -> tuple[Commitment, Commitment]:
    """The same pledge read in two sources."""
    azerbaijan = Party.objects.get(slug="azerbaijan")
    category = Category.objects.get(slug="humanitarian_access")
    made = []
    for n in (1, 2):
        source = Source.objects.create(
            kind="statement",
            title=f"S{n}",
            text=f"Text {n}: we will open the road.",
            language="en",
            sha256=f"{n:064d}",
        )
        statement = Statement.objects.create(source=source, start=0, end=10, mode="paraphrase")
        commitment = Commitment.objects.create(
            kind="pledge", category=category, obligor_party=azerbaijan, text="open the road"
        )
        commitment.statements.set([statement])
        made.append(commitment)
    return made[0], made[1]


def test_the_kept_commitment_rests_on_the_statements_of_both_and_the_duplicate_points_to_it(
    pair, analyst
):
    keep, duplicate = pair
    statements = {*keep.statements.all(), *duplicate.statements.all()}
    before = AuditEntry.objects.count()
    merge_commitments(keep, duplicate, actor=analyst, reason="The same pledge, twice reported.")
    keep.refresh_from_db()
    duplicate.refresh_from_db()
    assert set(keep.statements.all()) == statements
    assert not duplicate.statements.exists()
    assert duplicate.review_state == ReviewState.REJECTED and duplicate.merged_into == keep
    assert duplicate.review_note == "The same pledge, twice reported."
    assert duplicate.reviewed_by == analyst
    entries = AuditEntry.objects.order_by("seq")[before:]
    assert [(e.action, e.object_id) for e in entries] == [
        ("merge", str(keep.pk)),
        ("review:merged", str(duplicate.pk)),
    ]
    assert all(e.actor == analyst for e in entries)
    assert verify_log().ok


@pytest.mark.parametrize("role", ["observer", "partner"])
def test_only_analysts_merge(pair, role, request):
    keep, duplicate = pair
    with pytest.raises(PermissionDenied):
        merge_commitments(keep, duplicate, actor=request.getfixturevalue(role), reason="same")
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None and duplicate.statements.count() == 1


def test_a_merge_needs_a_reason_two_commitments_and_a_proposed_duplicate(pair, analyst):
    keep, duplicate = pair
    with pytest.raises(ValidationError) as caught:
        merge_commitments(keep, duplicate, actor=analyst, reason="  ")
    assert "reason" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        merge_commitments(keep, keep, actor=analyst, reason="same")
    assert "duplicate" in caught.value.message_dict
    Commitment.objects.filter(pk=duplicate.pk).update(review_state=ReviewState.CONFIRMED)
    with pytest.raises(ValidationError) as caught:
        merge_commitments(keep, duplicate, actor=analyst, reason="same")
    assert "proposed" in caught.value.message_dict["duplicate"][0]
    Commitment.objects.filter(pk=duplicate.pk).update(
        review_state=ReviewState.PROPOSED, kind="demand"
    )
    with pytest.raises(ValidationError):
        merge_commitments(keep, duplicate, actor=analyst, reason="same")
    assert keep.statements.count() == 1 and duplicate.statements.count() == 1
