"""Helpers for abide's tests: the shared cast of users, signing them in, and the shared data
folder."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.test.client import ClientMixin

from abide.accounts.models import User

SHARED = Path(__file__).resolve().parents[3] / "shared"
PASSWORD = "correct horse battery staple"


def shared_path(*parts: str) -> Path:
    """A path under the shared data folder, or a skip saying it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {Path(*parts)} from the shared data folder, which is absent here")
    return path


def make_user(username: str, role: str, organisation: str | None = None) -> User:
    from abide.accounts.services import ensure_user, system_user

    user, _ = ensure_user(
        username, actor=system_user(), role=role, password=PASSWORD, organisation=organisation
    )
    return user


#: Django's own ``force_login``: a session signed in with the password alone.
force_login_unverified = ClientMixin.force_login


def force_login_verified(client: ClientMixin, user: User, backend: str | None = None) -> None:
    """Sign ``user`` in on ``client`` as the login page and the second factor would: a user
    who needs a second factor gets a confirmed device (kept if they have one) and a session
    that has passed it. The suite's ``client.force_login`` does this (see ``conftest``)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from abide.accounts.access import needs_second_factor

    force_login_unverified(client, user, backend)
    if needs_second_factor(user):
        device = device_for(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def device_for(user: User) -> object:
    """``user``'s confirmed TOTP device, made if they have none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from abide.accounts.second_factor import DEVICE_NAME, confirmed_device

    return confirmed_device(user) or TOTPDevice.objects.create(
        user=user, name=DEVICE_NAME, confirmed=True
    )


def totp_code(user: User, *, steps_ahead: int | None = None) -> str:
    """A code ``user``'s authenticator app shows: now, or, if the code of now was used already
    (each is accepted once), the next period's, which is still accepted (or ``steps_ahead``
    periods later, if given)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "pk").first()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if steps_ahead is None:
        steps_ahead = max(0, device.last_t + 1 - totp.t())
    totp.time += steps_ahead * device.step
    return str(totp.token()).zfill(device.digits)


def code_for_secret(secret: str) -> str:
    """The code an authenticator app given ``secret`` (base32, as the setup page shows it)
    shows now."""
    import base64

    from django_otp.oath import totp

    secret = "".join(secret.split())
    return str(totp(base64.b32decode(secret + "=" * (-len(secret) % 8)))).zfill(6)


def pass_second_factor(page: object, user: User) -> None:
    """In a browser ``page`` just signed in with ``user``'s password: set up the second factor
    from the secret the page shows, or give the code of the user's device."""
    page.wait_for_url("**/accounts/second-factor/**")
    secret = page.locator(".otp-secret")
    code = code_for_secret(secret.inner_text()) if secret.count() else totp_code(user)
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Confirm").click()
