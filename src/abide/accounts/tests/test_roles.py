"""Accounts: roles, their admin rights, and the audit of account changes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from abide.accounts.access import can_edit_registry, can_manage_accounts, can_read_audit_log
from abide.accounts.models import Role, User
from abide.accounts.services import ensure_user, system_user
from abide.audit.models import AuditEntry
from abide.audit.services import verify_log


@pytest.mark.parametrize(
    ("role", "staff", "superuser", "edits", "accounts", "audit"),
    [
        (Role.OBSERVER, False, False, False, False, False),
        (Role.PARTNER, False, False, False, False, False),
        (Role.ANALYST, True, False, True, False, False),
        (Role.HEAD_OF_MISSION, True, False, True, False, True),
        (Role.ADMINISTRATOR, True, True, True, True, True),
    ],
)
def test_each_role_gets_exactly_its_rights(db, role, staff, superuser, edits, accounts, audit):
    org = "Partner NGO" if role == Role.PARTNER else None
    user, created = ensure_user(
        f"u-{role}", actor=system_user(), role=role, password="x" * 12, organisation=org
    )
    assert created
    assert (user.is_staff, user.is_superuser) == (staff, superuser)
    assert (can_edit_registry(user), can_manage_accounts(user), can_read_audit_log(user)) == (
        edits,
        accounts,
        audit,
    )


def test_a_deactivated_user_loses_every_right(db):
    user, _ = ensure_user("gone", actor=system_user(), role=Role.ADMINISTRATOR)
    user.is_active = False
    assert not can_edit_registry(user) and not can_manage_accounts(user)


def test_a_partner_must_belong_to_an_organisation(db):
    with pytest.raises(ValidationError, match="organisation"):
        ensure_user("lonely", actor=system_user(), role=Role.PARTNER)
    assert not User.objects.filter(username="lonely").exists()


def test_an_unknown_role_is_refused(db):
    with pytest.raises(ValidationError, match="role: 'king'"):
        ensure_user("k", actor=system_user(), role="king")


def test_account_changes_are_audited_without_the_password_hash(db):
    admin = system_user()
    user, _ = ensure_user("ana", actor=admin, role=Role.OBSERVER, password="first password")
    ensure_user("ana", actor=admin, role=Role.ANALYST)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "change" and entry.changes["role"] == ["observer", "analyst"]
    assert all("password" not in item["state"] for item in entry.touched)
    user.refresh_from_db()
    user.last_login = user.date_joined  # a login is not an audited change
    user.save()
    assert verify_log().ok
