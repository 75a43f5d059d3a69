"""Sessions end: after ABIDE_SESSION_IDLE_MINUTES without a request, and ABIDE_SESSION_MAX_HOURS
after signing in whatever happens; and passwords are hashed with Argon2."""

from __future__ import annotations

import importlib
import time

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.core.exceptions import ImproperlyConfigured

from abide.accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from abide.testing import PASSWORD


def shift(client, **seconds_ago: int) -> None:
    """Move the session's sign-in or last request into the past."""
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"signed_in": SIGNED_IN_AT, "last_seen": LAST_SEEN_AT}[key]] = now - ago
    session.save()


def signed_in(client) -> bool:
    return client.get("/").context["user"].is_authenticated


@pytest.fixture
def limits(settings):
    settings.ABIDE_SESSION_IDLE_MINUTES = 30
    settings.ABIDE_SESSION_MAX_HOURS = 8
    return settings


def test_a_session_idle_longer_than_the_limit_is_signed_out(client, analyst, limits):
    client.force_login(analyst)
    shift(client, last_seen=31 * 60)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not signed_in(client)


def test_a_session_used_within_the_idle_limit_goes_on(client, analyst, limits):
    client.force_login(analyst)
    shift(client, last_seen=29 * 60)
    assert signed_in(client)
    # The request was noted: the idle time counts from it.
    assert int(time.time()) - client.session[LAST_SEEN_AT] < 60


def test_a_session_in_use_ends_at_its_maximum_age(client, observer, limits):
    client.force_login(observer)
    shift(client, signed_in=8 * 3600 - 60, last_seen=10)
    assert signed_in(client)
    shift(client, signed_in=8 * 3600 + 60, last_seen=10)
    assert not signed_in(client)


def test_signing_in_starts_both_clocks(client, observer):
    client.post("/accounts/login/", {"username": observer.username, "password": PASSWORD})
    session = client.session
    assert abs(session[SIGNED_IN_AT] - time.time()) < 60
    assert session[LAST_SEEN_AT] == session[SIGNED_IN_AT]


def test_the_limits_come_from_the_environment_with_defaults(monkeypatch):
    from abide import settings as production

    monkeypatch.delenv("ABIDE_SESSION_IDLE_MINUTES", raising=False)
    monkeypatch.delenv("ABIDE_SESSION_MAX_HOURS", raising=False)
    defaults = importlib.reload(production)
    assert (defaults.ABIDE_SESSION_IDLE_MINUTES, defaults.ABIDE_SESSION_MAX_HOURS) == (60, 12)
    assert defaults.SESSION_COOKIE_AGE == 12 * 3600

    monkeypatch.setenv("ABIDE_SESSION_IDLE_MINUTES", "15")
    monkeypatch.setenv("ABIDE_SESSION_MAX_HOURS", "4")
    configured = importlib.reload(production)
    assert (configured.ABIDE_SESSION_IDLE_MINUTES, configured.ABIDE_SESSION_MAX_HOURS) == (15, 4)
    assert configured.SESSION_COOKIE_AGE == 4 * 3600

    monkeypatch.setenv("ABIDE_SESSION_IDLE_MINUTES", "0")
    with pytest.raises(ImproperlyConfigured, match="ABIDE_SESSION_IDLE_MINUTES: 0 is below"):
        importlib.reload(production)
    monkeypatch.delenv("ABIDE_SESSION_IDLE_MINUTES")
    importlib.reload(production)


# --- password hashing -------------------------------------------------------------------------


def test_production_settings_hash_passwords_with_argon2_first(settings):
    from abide import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    hashed = make_password("a long mission password")
    assert hashed.startswith("argon2$argon2id$")
    assert identify_hasher(hashed).algorithm == "argon2"
    assert check_password("a long mission password", hashed)
    assert not check_password("another password", hashed)


def test_a_password_hashed_before_argon2_is_rehashed_with_it_at_sign_in(client, observer, settings):
    from abide import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    observer.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    observer.save(update_fields=["password"])
    response = client.post(
        "/accounts/login/", {"username": observer.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    observer.refresh_from_db()
    assert observer.password.startswith("argon2$")
