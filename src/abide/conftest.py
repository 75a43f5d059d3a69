"""The shared cast: one user per role, and an outsider."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings as hypothesis_settings

from abide.accounts.models import Role, User
from abide.testing import force_login_verified, make_user

# Generated examples (hypothesis, schemathesis) are the same on every run of the suite, so that
# a failure in CI is the one seen at home; ABIDE_HYPOTHESIS=explore draws new ones each run.
hypothesis_settings.register_profile("suite", derandomize=True)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("ABIDE_HYPOTHESIS", "suite"))

# Extraction is the rules alone in the suite wherever `make train` has built the learned layer,
# so that a test of what the rules find gives the same answer in CI (where it is not built) as
# at home; the learned layer's tests turn it on themselves.
os.environ["ABIDE_LEARNED"] = "off"


@pytest.fixture
def observer(db) -> User:
    return make_user("olga-observer", Role.OBSERVER)


@pytest.fixture
def analyst(db) -> User:
    return make_user("ani-analyst", Role.ANALYST)


@pytest.fixture
def head(db) -> User:
    return make_user("hamid-head", Role.HEAD_OF_MISSION)


@pytest.fixture
def partner(db) -> User:
    return make_user("pat-partner", Role.PARTNER, organisation="Partner NGO")


@pytest.fixture
def administrator(db) -> User:
    return make_user("ada-admin", Role.ADMINISTRATOR)


def _load_starter_registry() -> None:
    from abide.accounts.services import system_user
    from abide.registry.files import STARTER_REGISTRY
    from abide.registry.models import Party
    from abide.registry.services import load_registry, read_registry

    if not Party.objects.filter(slug="azerbaijan").exists():
        load_registry(read_registry(STARTER_REGISTRY), actor=system_user())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The starter registry is loaded once into each test database, as `abide init` does."""
    from django.db import connection

    with django_db_blocker.unblock():
        _load_starter_registry()
        # Transactional tests restore this state (serialized_rollback): with the registry
        # and its audit entries, so that the chain and its head stay consistent.
        connection._test_serialized_contents = _serialize_keeping_microseconds(connection)


def _serialize_keeping_microseconds(connection) -> str:
    """The database as the test runner serializes it, but with whole datetimes: Django's JSON
    encoder cuts them to milliseconds, and a restored audit entry would no longer match its
    hash (`abide audit verify` would fail in every transactional test)."""
    import datetime as dt
    from unittest import mock

    from django.core.serializers import json as json_serializer

    class Encoder(json_serializer.DjangoJSONEncoder):
        def default(self, o):
            if isinstance(o, dt.datetime):
                return o.isoformat()
            return super().default(o)

    with mock.patch.object(json_serializer, "DjangoJSONEncoder", Encoder):
        return connection.creation.serialize_db_to_string()


@pytest.fixture
def starter_registry(db):
    """The starter registry (reloaded where a transactional test emptied the database)."""
    _load_starter_registry()


@pytest.fixture(autouse=True)
def _signed_in_with_both_factors(monkeypatch):
    """``client.force_login(user)`` signs in as the login page and the second factor would, so
    that a test of a page is not a test of signing in. Tests of the second factor sign in
    through the login page, or with ``abide.testing.force_login_unverified``."""
    from django.test import Client

    monkeypatch.setattr(Client, "force_login", force_login_verified)


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in Arabic leaves its language active in the thread: each test starts in the
    default language whatever the one before it asked for."""
    yield
    from django.utils import translation

    translation.deactivate()


class _ConnectionsKeptOpen:
    """Django's connections, except that ``close_all`` does nothing."""

    def __init__(self, connections: object) -> None:
        self._connections = connections

    def __getattr__(self, name: str) -> object:
        return getattr(self._connections, name)

    def __getitem__(self, alias: str) -> object:
        return self._connections[alias]

    def close_all(self) -> None:
        pass


@pytest.fixture(autouse=True)
def _commands_keep_the_test_connection(monkeypatch):
    """Management commands close every connection when they finish; in a test transaction that
    would close the test's own connection, so commands run in-process leave it open."""
    from django.core.management import base

    monkeypatch.setattr(base, "connections", _ConnectionsKeptOpen(base.connections))
