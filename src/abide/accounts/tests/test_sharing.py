"""Observers' teams and partners' sharing agreements: who makes an agreement, and what a team
or an agreement lets its members see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from abide.accounts.models import Organisation, Role, SharingAgreement
from abide.accounts.sharing import end_sharing_agreement, make_sharing_agreement
from abide.audit.models import AuditEntry
from abide.audit.services import verify_log
from abide.observations.access import get_observations_for
from abide.observations.tests.helpers import stored
from abide.registry.models import Category
from abide.testing import make_user

pytestmark = pytest.mark.usefixtures("starter_registry")

TODAY = timezone.localdate()


def _ids(user) -> set[int]:
    return set(get_observations_for(user).values_list("pk", flat=True))


@pytest.mark.parametrize("role", ["observer", "analyst", "partner"])
def test_only_the_head_of_mission_and_administrators_make_sharing_agreements(request, role):
    organisation = Organisation.objects.create(name="Relief NGO")
    with pytest.raises(PermissionDenied):
        make_sharing_agreement(
            organisation, actor=request.getfixturevalue(role), title="All", starts_on=TODAY
        )
    assert not SharingAgreement.objects.exists()


def test_an_agreement_is_made_and_ended_with_an_audit_entry_each(head, administrator):
    organisation = Organisation.objects.create(name="Relief NGO")
    agreement = make_sharing_agreement(
        organisation,
        actor=head,
        title="Ceasefire monitoring",
        starts_on=dt.date(2024, 1, 1),
        categories=[Category.objects.get(slug="cessation_of_hostilities")],
    )
    end_sharing_agreement(agreement, actor=administrator, ends_on=dt.date(2024, 6, 30))
    agreement.refresh_from_db()
    assert agreement.ends_on == dt.date(2024, 6, 30)
    actions = list(
        AuditEntry.objects.filter(object_id=str(agreement.pk), object_type__icontains="sharing")
        .order_by("seq")
        .values_list("action", "actor_name")
    )
    assert actions == [("create", head.username), ("end", administrator.username)]
    assert verify_log().ok


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": " ", "starts_on": TODAY}, "title"),
        ({"title": "x", "starts_on": TODAY, "ends_on": TODAY - dt.timedelta(days=1)}, "ends_on"),
    ],
)
def test_a_bad_agreement_is_refused_naming_the_field_and_nothing_is_stored(head, fields, field):
    organisation = Organisation.objects.create(name="Relief NGO")
    with pytest.raises(ValidationError) as refused:
        make_sharing_agreement(organisation, actor=head, **fields)
    assert field in refused.value.message_dict
    assert not SharingAgreement.objects.exists()


def test_a_partner_with_an_agreement_in_force_sees_the_internal_observations_it_covers(
    head, analyst
):
    partner = make_user("pat-partner", Role.PARTNER, organisation="Relief NGO")
    elsewhere = make_user("paul-partner", Role.PARTNER, organisation="Other NGO")
    ceasefire = Category.objects.get(slug="cessation_of_hostilities")
    internal = stored(sensitivity="internal", status="verified")
    unverified = stored(sensitivity="internal")
    restricted = stored(sensitivity="restricted", status="verified")
    other_category = stored(
        sensitivity="internal", status="verified", category="humanitarian_access", subtype=None
    )
    public = stored(sensitivity="public", status="corroborated")
    before = _ids(partner)
    assert before == _ids(elsewhere)
    assert public.pk in before
    assert {internal.pk, unverified.pk, restricted.pk, other_category.pk}.isdisjoint(before)

    agreement = make_sharing_agreement(
        partner.organisation,
        actor=head,
        title="Ceasefire",
        starts_on=TODAY - dt.timedelta(days=10),
        categories=[ceasefire],
    )
    seen = _ids(partner)
    assert internal.pk in seen
    assert {unverified.pk, restricted.pk, other_category.pk}.isdisjoint(seen - before)
    assert _ids(elsewhere) == before  # another organisation's partner: nothing more

    agreement.categories.clear()  # no category named: every category
    assert other_category.pk in _ids(partner)

    end_sharing_agreement(agreement, actor=head)
    assert _ids(partner) == before


def test_an_agreement_not_yet_in_force_shares_nothing_and_ends_in_force_on_no_day(head):
    partner = make_user("pat-partner", Role.PARTNER, organisation="Relief NGO")
    internal = stored(sensitivity="internal", status="verified")
    tomorrow = TODAY + dt.timedelta(days=1)
    agreement = make_sharing_agreement(
        partner.organisation, actor=head, title="Next year", starts_on=tomorrow
    )
    assert internal.pk not in _ids(partner)
    end_sharing_agreement(agreement, actor=head)
    assert (agreement.starts_on, agreement.ends_on) == (tomorrow, tomorrow)


def test_an_agreement_made_and_ended_today_shares_nothing_from_now(head):
    partner = make_user("pat-partner", Role.PARTNER, organisation="Relief NGO")
    internal = stored(sensitivity="internal", status="verified")
    agreement = make_sharing_agreement(
        partner.organisation, actor=head, title="Today", starts_on=TODAY
    )
    assert internal.pk in _ids(partner)
    end_sharing_agreement(agreement, actor=head)
    assert internal.pk not in _ids(partner)


def test_observers_see_their_teams_restricted_observations_not_another_teams():
    alpha = make_user("olga-observer", Role.OBSERVER)
    alpha.team = "Alpha"
    alpha.save()
    mate = make_user("mo-observer", Role.OBSERVER)
    mate.team = "Alpha"
    mate.save()
    bravo = make_user("otto-observer", Role.OBSERVER)
    bravo.team = "Bravo"
    bravo.save()
    loner = make_user("lou-observer", Role.OBSERVER)  # no team
    mates = stored(sensitivity="restricted", reported_by=mate)
    bravos = stored(sensitivity="restricted", reported_by=bravo)
    unreported = stored(sensitivity="restricted")  # imported: no reporter, no team
    internal = stored(sensitivity="internal", reported_by=bravo)

    assert mates.pk in _ids(alpha) and bravos.pk not in _ids(alpha)
    assert bravos.pk in _ids(bravo) and mates.pk not in _ids(bravo)
    assert {mates.pk, bravos.pk, unreported.pk}.isdisjoint(_ids(loner))
    assert unreported.pk not in _ids(alpha)
    assert internal.pk in _ids(alpha) & _ids(loner)


def test_a_team_is_set_with_the_account_and_audited(db):
    from abide.accounts.services import ensure_user, system_user

    user, _ = ensure_user("tia-observer", actor=system_user(), role=Role.OBSERVER, team=" Alpha ")
    assert user.team == "Alpha"
    entry = AuditEntry.objects.filter(object_id=str(user.pk)).order_by("-seq").first()
    assert entry.touched[0]["state"]["team"] == "Alpha"


def test_the_head_of_mission_makes_and_ends_an_agreement_in_the_admin_through_the_service(
    client, head, analyst
):
    organisation = Organisation.objects.create(name="Relief NGO")
    ceasefire = Category.objects.get(slug="cessation_of_hostilities")
    add = "/admin/accounts/sharingagreement/add/"
    client.force_login(analyst)
    assert client.get(add).status_code == 403
    client.force_login(head)
    response = client.post(
        add,
        {
            "organisation": organisation.pk,
            "title": "Ceasefire monitoring",
            "categories": [ceasefire.pk],
            "starts_on": "2024-01-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    agreement = SharingAgreement.objects.get()
    assert (agreement.created_by, list(agreement.categories.all())) == (head, [ceasefire])
    entry = AuditEntry.objects.filter(object_type__icontains="sharing").get()
    assert (entry.action, entry.actor_name) == ("create", head.username)

    client.post(
        "/admin/accounts/sharingagreement/",
        {"action": "end_agreements", "_selected_action": [agreement.pk]},
    )
    agreement.refresh_from_db()
    assert agreement.ends_on == TODAY
    assert AuditEntry.objects.filter(object_type__icontains="sharing", action="end").exists()
