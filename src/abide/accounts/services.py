"""Creating and changing accounts; each change is audited."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

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
    team: str | None = None,
) -> tuple[User, bool]:
    """Create the user if it does not exist; set its role (and password and team, if
    given)."""
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
    if team is not None:
        user.team = team.strip()
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


@transaction.atomic
def change_password(user: User, *, old_password: str, new_password: str, actor: User) -> None:
    """A user changes their own password, knowing the old one; the new one must pass the
    password validators. Audited without either password."""
    if actor.pk != user.pk or not actor.is_active:
        raise PermissionDenied(_("Only the account's own user changes its password here."))
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("The old password is not right.")})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record_change(user, actor=actor, action="change_password", before=snapshot(user))


def system_user() -> User:
    """The account that commands act as when no ``--as`` is given."""
    user = User.objects.filter(username=settings.SYSTEM_USERNAME).first()
    if user is None:
        user, _ = ensure_user(settings.SYSTEM_USERNAME, actor=None, role=Role.ADMINISTRATOR)
    return user
