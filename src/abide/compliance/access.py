"""Who may do what with compliance: link, assess, sign off and override. Services, API
handlers and commands ask here only."""

from __future__ import annotations

from abide.accounts.access import AnyUser
from abide.accounts.models import Role


def _has_role(user: AnyUser, *roles: str) -> bool:
    return bool(user.is_authenticated and user.has_role(*roles))


def can_link(user: AnyUser) -> bool:
    """Review proposed links, add links and set scopes: the analysts and the head."""
    return _has_role(user, Role.ANALYST, Role.HEAD_OF_MISSION)


def can_sign_off(user: AnyUser) -> bool:
    return _has_role(user, Role.ANALYST, Role.HEAD_OF_MISSION)


def can_override(user: AnyUser) -> bool:
    return _has_role(user, Role.HEAD_OF_MISSION)


def can_assess(user: AnyUser) -> bool:
    """Run assessments (``abide assess``): the analysts, the head and administrators."""
    return _has_role(user, Role.ANALYST, Role.HEAD_OF_MISSION, Role.ADMINISTRATOR)
