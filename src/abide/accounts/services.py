"""Creating and changing accounts; each change is audited."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from abide.accounts.access import staff_flags_for
from abide.accounts.models import Organisation, Role, User
from abide.audit.services import record_change, snapshot


@transaction.atomic
def ensure_user(
    username: str,
    *,
    actor: User | None,
    role: str,
    password: str | None = None,
    email: str = "",
    organisation: str | None = None,
) -> tuple[User, bool]:
    """Create the user if it does not exist; set its role (and password, if given)."""
    if role not in Role.values:
        raise ValidationError(f"role: {role!r} is not one of {', '.join(Role.values)}")
    org = Organisation.objects.get_or_create(name=organisation)[0] if organisation else None
    user = User.objects.filter(username=username).first()
    created = user is None
    before = None if created else snapshot(user)
    if created:
        user = User(username=username, email=email)
    user.role = role
    user.organisation = org
    user.is_staff, user.is_superuser = staff_flags_for(role)
    if email:
        user.email = email
    if password is not None:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    after = snapshot(user)
    if created or before != after:
        record_change(
            user, actor=actor or user, action="create" if created else "change", before=before
        )
    return user, created


def system_user() -> User:
    """The account that commands act as when no ``--as`` is given."""
    user = User.objects.filter(username=settings.SYSTEM_USERNAME).first()
    if user is None:
        user, _ = ensure_user(settings.SYSTEM_USERNAME, actor=None, role=Role.ADMINISTRATOR)
    return user
