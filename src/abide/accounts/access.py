"""Who may see or change what. Views, API handlers and commands ask these, and only these."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from abide.accounts.models import Role, User

AnyUser = User | AnonymousUser

#: Roles that read everything the mission holds, including unreviewed material.
MISSION_READERS = (Role.ANALYST, Role.HEAD_OF_MISSION, Role.ADMINISTRATOR)
#: Roles that curate the registry (ingest sources, review commitments, edit parties).
REGISTRY_EDITORS = (Role.ANALYST, Role.HEAD_OF_MISSION, Role.ADMINISTRATOR)


def is_mission_reader(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.has_role(*MISSION_READERS))


def can_edit_registry(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.has_role(*REGISTRY_EDITORS))


def can_manage_accounts(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.ADMINISTRATOR))


def can_decide_sharing(user: AnyUser) -> bool:
    """Make and end sharing agreements with partner organisations."""
    return bool(user.is_authenticated and user.has_role(Role.HEAD_OF_MISSION, Role.ADMINISTRATOR))


def can_read_audit_log(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.HEAD_OF_MISSION, Role.ADMINISTRATOR))


def staff_flags_for(role: str) -> tuple[bool, bool]:
    """(is_staff, is_superuser) that go with a role: the admin site is for the mission's staff."""
    return role in MISSION_READERS, role == Role.ADMINISTRATOR


#: Roles that confirm each sign-in with a second factor (a code from an authenticator app).
SECOND_FACTOR_ROLES = (Role.ANALYST, Role.HEAD_OF_MISSION, Role.ADMINISTRATOR)


def needs_second_factor(user: AnyUser) -> bool:
    """Whether ``user``'s sessions stay refused until a second factor confirms them: the roles
    that read or decide everything, and any account with access to the administration."""
    return bool(
        user.is_authenticated
        and (user.role in SECOND_FACTOR_ROLES or user.is_staff or user.is_superuser)
    )
