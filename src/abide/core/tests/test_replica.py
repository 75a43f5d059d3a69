"""The public's reads from a read replica (a second alias on the test database, as a streaming
replica is a second server with the same rows): which requests read where."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.test.utils import CaptureQueriesContext

from abide import env
from abide.compliance.tests.test_linking import pledge
from abide.core.replica import ReplicaRouter
from abide.registry.models import Party

pytestmark = [
    pytest.mark.django_db(
        transaction=True, serialized_rollback=True, databases=["default", "replica"]
    ),
    pytest.mark.usefixtures("starter_registry"),
]


@pytest.fixture
def replica_reads(settings):
    settings.ABIDE_PUBLIC_READS_FROM_REPLICA = True


def _queries(request):
    """The response, and the queries the primary and the replica answered for it."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = request()
    return response, primary.captured_queries, replica.captured_queries


@pytest.mark.parametrize("path", ["/api/commitments", "/tracker/", "/api/observations"])
def test_an_anonymous_get_reads_from_the_replica_only(client, replica_reads, path):
    commitment = pledge()
    response, primary, replica = _queries(lambda: client.get(path))
    assert response.status_code == 200
    assert replica, "the replica answered no query"
    assert primary == []
    if path == "/api/commitments":
        assert [item["id"] for item in response.json()["items"]] == [commitment.pk]


def test_a_signed_in_analyst_reads_from_the_primary(client, analyst, replica_reads):
    pledge()
    client.force_login(analyst)
    response, primary, replica = _queries(lambda: client.get("/api/commitments"))
    assert response.status_code == 200 and response.json()["count"] == 1
    assert primary and replica == []


def test_a_post_of_the_public_uses_the_primary(client, replica_reads):
    response, primary, replica = _queries(
        lambda: client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    )
    assert response.status_code in (200, 403, 429)
    assert primary and replica == []


def test_a_call_with_an_api_token_reads_from_the_primary(client, replica_reads):
    response, primary, replica = _queries(
        lambda: client.get("/api/commitments", HTTP_AUTHORIZATION="Bearer abide_not-a-token")
    )
    assert response.status_code == 401
    assert primary and replica == []


def test_without_a_replica_the_public_reads_from_the_primary(client):
    pledge()
    response, primary, replica = _queries(lambda: client.get("/api/commitments"))
    assert response.json()["count"] == 1
    assert primary and replica == []


def test_writes_and_migrations_never_go_to_the_replica():
    router = ReplicaRouter()
    assert router.db_for_write(Party) == "default"
    assert router.db_for_read(Party) == "default"  # outside a public request
    assert router.allow_migrate("replica", "observations") is False
    assert router.allow_migrate("default", "observations") is True


def test_the_replica_url_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader@replica.example:5433/abide")
    config = env.replica_database()
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("replica.example", 5433, "abide")
    assert config["TEST"] == {"MIRROR": "default"}
    monkeypatch.setenv("DATABASE_REPLICA_URL", "mysql://replica/abide")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_REPLICA_URL: unsupported scheme"):
        env.replica_database()
    monkeypatch.delenv("DATABASE_REPLICA_URL")
    assert env.replica_database() is None
