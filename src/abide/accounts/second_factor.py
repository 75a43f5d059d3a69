"""The second factor of signing in: a time-based code (TOTP) from an authenticator app.

Analysts, heads of mission and administrators (``access.needs_second_factor``) set up one
device, confirming it with a code, and give a code after each password sign-in. Setting up,
confirming and resetting are audited on the user (never with the device's secret).
"""

from __future__ import annotations

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from abide.accounts.access import can_manage_accounts, needs_second_factor
from abide.accounts.models import User
from abide.audit.services import record_change, snapshot

DEVICE_NAME = "authenticator app"


def confirmed_device(user: User) -> TOTPDevice | None:
    """The user's confirmed device, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def secret_text(device: TOTPDevice) -> str:
    """The device's secret as an authenticator app takes it typed in (base32, in groups)."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(device: TOTPDevice) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return device.config_url


def qr_code_svg(text: str) -> str:
    """``text`` as a QR code, an inline SVG element (drawn here, nothing fetched)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = BytesIO()
    image.save(out)
    svg = out.getvalue().decode("utf-8")
    return svg[svg.index("<svg") :]


def _require_self(user: User, actor: User) -> None:
    if actor.pk != user.pk or not actor.is_active:
        raise PermissionDenied(_("Only the account's own user sets up its second factor."))


@transaction.atomic
def start_device_setup(user: User, *, actor: User) -> TOTPDevice:
    """The device the user is setting up: a new secret, or the one already shown to them and
    not yet confirmed. Refused once a device is confirmed (an administrator resets it)."""
    _require_self(user, actor)
    if confirmed_device(user) is not None:
        raise ValidationError({"device": _("A second factor is already set up for this account.")})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
        record_change(
            user,
            actor=actor,
            action="start_second_factor",
            before=snapshot(user),
            detail={"device": device.persistent_id},
        )
    return device


def _check(device: TOTPDevice, code: str) -> None:
    """Raise a ValidationError on ``code`` unless ``device`` accepts it now."""
    code = "".join((code or "").split())
    allowed, _data = device.verify_is_allowed()
    if not allowed:
        raise ValidationError(
            {"code": _("Too many wrong codes: wait a minute, then give the newest code.")}
        )
    if not (code.isdigit() and len(code) == device.digits):
        message = _("Give the %(digits)s digits your app shows now.")
        raise ValidationError({"code": message % {"digits": device.digits}})
    if not device.verify_token(code):
        raise ValidationError(
            {"code": _("That code is not right. Give the newest code your app shows.")}
        )


def confirm_device(user: User, code: str, *, actor: User) -> TOTPDevice:
    """Confirm the device being set up with a code it shows: from now on it is the user's
    second factor."""
    _require_self(user, actor)
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None or confirmed_device(user) is not None:
            raise ValidationError({"code": _("There is no second factor being set up.")})
    # Outside the transaction: a wrong code's throttling must be kept, not rolled back.
    _check(device, code)
    with transaction.atomic():
        before = snapshot(user)
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record_change(
            user,
            actor=actor,
            action="confirm_second_factor",
            before=before,
            detail={"device": device.persistent_id},
        )
    return device


def check_code(user: User, code: str, *, actor: User) -> TOTPDevice:
    """The user's confirmed device if it accepts ``code`` (each code once; repeated wrong codes
    make the device wait longer and longer before it accepts another)."""
    _require_self(user, actor)
    device = confirmed_device(user)
    if device is None:
        raise ValidationError({"code": _("No second factor is set up for this account.")})
    _check(device, code)
    return device


@transaction.atomic
def enrol_device(user: User, *, actor: User) -> TOTPDevice:
    """A confirmed device for ``user`` made by an administrator, whose secret they then hand
    over (the demo accounts): the user's own, if one is confirmed already."""
    if not can_manage_accounts(actor):
        raise PermissionDenied(_("Only administrators set up another user's second factor."))
    device = confirmed_device(user)
    if device is None:
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
        record_change(
            user,
            actor=actor,
            action="enrol_second_factor",
            before=snapshot(user),
            detail={"device": device.persistent_id},
        )
    return device


@transaction.atomic
def reset_second_factor(user: User, *, actor: User) -> int:
    """Remove the user's devices (a lost phone): at their next sign-in they set up a new one,
    and sessions confirmed with the old one are no longer confirmed. Returns how many went."""
    if not can_manage_accounts(actor):
        raise PermissionDenied(_("Only administrators reset a user's second factor."))
    devices = list(TOTPDevice.objects.filter(user=user))
    if not devices:
        raise ValidationError(
            {"user": _("%(user)s has no second factor to reset.") % {"user": user.username}}
        )
    before = snapshot(user)
    TOTPDevice.objects.filter(pk__in=[device.pk for device in devices]).delete()
    record_change(
        user,
        actor=actor,
        action="reset_second_factor",
        before=before,
        detail={
            "devices": [device.persistent_id for device in devices],
            "required": needs_second_factor(user),
        },
    )
    return len(devices)
