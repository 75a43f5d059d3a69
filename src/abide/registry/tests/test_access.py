"""Who sees which commitments and sources."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from abide.core.demo import load_demo
from abide.registry.access import get_commitment_for, get_commitments_for, get_sources_for
from abide.registry.models import Commitment
from abide.registry.services import confirm_commitment


@pytest.fixture
def one_confirmed(starter_registry, analyst):
    load_demo(actor=analyst)
    commitment = Commitment.objects.filter(kind="pledge").first()
    confirm_commitment(commitment, actor=analyst)
    return commitment


@pytest.mark.parametrize("who", ["public", "observer", "partner"])
def test_outside_the_mission_staff_only_confirmed_commitments_are_seen(one_confirmed, request, who):
    user = AnonymousUser() if who == "public" else request.getfixturevalue(who)
    assert list(get_commitments_for(user)) == [one_confirmed]
    assert list(get_sources_for(user)) == [one_confirmed.statements.first().source]
    proposed = Commitment.objects.exclude(pk=one_confirmed.pk).first()
    with pytest.raises(Http404):
        get_commitment_for(user, proposed.pk)
    with pytest.raises(Http404):
        get_commitment_for(user, one_confirmed.pk, change=True)


@pytest.mark.parametrize("who", ["analyst", "head", "administrator"])
def test_the_mission_staff_see_and_review_everything(one_confirmed, request, who):
    user = request.getfixturevalue(who)
    assert get_commitments_for(user).count() == Commitment.objects.count()
    proposed = Commitment.objects.exclude(pk=one_confirmed.pk).first()
    assert get_commitment_for(user, proposed.pk, change=True) == proposed
