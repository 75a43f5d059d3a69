"""API tokens: issued to a user for a script, checked on each request, revoked at will.

A token is ``abide_`` and 43 random URL-safe characters; abide keeps only its SHA-256 digest,
so a stolen database yields no usable key. Issuing and revoking are audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from abide.accounts.access import can_manage_accounts
from abide.accounts.models import ApiToken, User
from abide.audit.services import record_change, snapshot

PREFIX = "abide_"
#: How often the "last used" time of a token is written, at most.
TOUCH_EVERY = dt.timedelta(minutes=1)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _require_manager(user: User, actor: User) -> None:
    if actor.pk != user.pk and not can_manage_accounts(actor):
        raise PermissionDenied(_("only administrators manage other users' tokens"))


def issue_token(
    user: User, name: str, *, actor: User, days: int | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``user`` (valid for ``days``, or until revoked) and its key, which is
    not stored and cannot be shown again."""
    _require_manager(user, actor)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("give the token a name (what the script is for)")
    if days is not None and days < 1:
        errors["days"] = _("a token is valid for at least one day")
    if not user.is_active:
        errors["user"] = _("%(user)s is not active") % {"user": user.username}
    if errors:
        raise ValidationError(errors)
    key = PREFIX + secrets.token_urlsafe(32)
    expires = timezone.now() + dt.timedelta(days=days) if days else None
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:100],
            prefix=key[: len(PREFIX) + 6],
            digest=_digest(key),
            expires_at=expires,
        )
        record_change(token, actor=actor, action="create")
    return token, key


def revoke_token(token: ApiToken, *, actor: User) -> ApiToken:
    _require_manager(token.user, actor)
    if token.revoked_at is not None:
        raise ValidationError({"token": _("this token was already revoked")})
    with transaction.atomic():
        before = snapshot(token)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_change(token, actor=actor, action="revoke", before=before)
    return token


def user_for_token(key: str) -> User | None:
    """The active user whose token ``key`` is, if it is valid (not revoked, not expired)."""
    if not key.startswith(PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
