"""Schemathesis over the OpenAPI document (/api/openapi.json): every operation, with generated
parameters and bodies, as an anonymous caller and as an analyst with an API token, answers
without a server error and with a response that matches the document."""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection, transaction
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from abide.accounts.services import system_user
from abide.accounts.tokens import issue_token
from abide.observations.models import Patrol
from abide.observations.tests.test_api import post

#: Examples per operation and caller: the whole run stays under a minute and a half.
EXAMPLES = 10


@pytest.fixture
def api_schema(db) -> schemathesis.schemas.BaseSchema:
    """The schema, its requests served by abide's WSGI application inside the test's transaction
    (as Django's test client does, a request's end does not close the test's connection)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    phases=[Phase.explicit, Phase.generate],  # a failure is reported as found, not shrunk
)
CHECKS = [not_a_server_error, response_schema_conformance]


def fuzz_every_operation(schema: schemathesis.schemas.BaseSchema, headers: dict) -> list[str]:
    """Each operation's generated cases called; the failures, one line per operation."""
    failures, operations, calls = [], 0, Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @FUZZ
        @given(case=operation.as_strategy())
        def call(case: schemathesis.Case) -> None:
            if not headers:  # anonymous: no made-up token either
                for name in [
                    name for name in case.headers or {} if name.lower() == "authorization"
                ]:
                    del case.headers[name]
            # Each call in a savepoint rolled back after it, as each request commits or rolls
            # back on its own outside the test's transaction (on PostgreSQL a refused value
            # would otherwise abort the test's transaction for every later call).
            with transaction.atomic():
                response = case.call_and_validate(headers=headers, checks=CHECKS)
                transaction.set_rollback(True)
            calls[response.status_code] += 1

        try:
            call()
        except Exception as exc:
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    assert operations > 20, "the OpenAPI document lists the API's operations"
    print(f"{operations} operations, {calls.total()} calls, statuses {dict(calls)}")
    assert calls.total() >= operations
    return failures


def test_every_api_operation_answers_an_anonymous_caller_as_its_schema_says(
    api_schema, starter_registry
):
    failures = fuzz_every_operation(api_schema, {})
    assert not failures, "\n\n".join(failures)


def test_every_api_operation_answers_an_analyst_as_its_schema_says(
    api_schema, starter_registry, analyst
):
    _token, key = issue_token(analyst, "schemathesis", actor=system_user())
    failures = fuzz_every_operation(api_schema, {"Authorization": f"Bearer {key}"})
    assert not failures, "\n\n".join(failures)


# --- what schemathesis found -----------------------------------------------------------------


def test_a_nul_character_in_a_json_body_is_422_naming_the_field_not_a_server_error(
    client, starter_registry, analyst
):
    body = {
        "team": "Team 1",
        "started_at": "2023-09-19T08:00:00Z",
        "ended_at": "2023-09-19T12:00:00Z",
        "members": ["olga\x00"],
    }
    answer = post(client, "/api/patrols", body, analyst)
    assert answer.status_code == 422
    assert answer.json() == {"detail": {"members.0": ["the text holds a NUL character (U+0000)"]}}
    assert not Patrol.objects.exists()


def test_a_nul_character_in_a_query_is_422_naming_the_parameter(client, starter_registry):
    answer = client.get("/api/places", {"q": "Shusha\x00"})
    assert answer.status_code == 422
    assert answer.json() == {"detail": {"q": ["the text holds a NUL character (U+0000)"]}}


def test_a_utc_offset_the_database_cannot_store_is_422_not_a_server_error(
    client, starter_registry, analyst
):
    body = {
        "team": "Team 1",
        "started_at": "2023-09-19T08:00:00Z",
        "ended_at": "2023-09-19T12:20:38-19:36",  # Python takes it; PostgreSQL stops at 15:59
    }
    answer = post(client, "/api/patrols", body, analyst)
    if connection.vendor == "postgresql":
        assert answer.status_code == 422
        (message,) = answer.json()["detail"]["__all__"]
        assert message.startswith("a value the database cannot store: time zone displacement")
        assert not Patrol.objects.exists()
    else:  # SQLite stores the moment in UTC
        assert answer.status_code == 201


@pytest.mark.parametrize("path", ["/api/sources", "/api/commitments", "/api/reports"])
def test_a_page_number_beyond_any_list_is_422_naming_it_not_a_server_error(
    client, starter_registry, path
):
    answer = client.get(path, {"page": "127893654959437924794368"})
    assert answer.status_code == 422, answer.content
    assert "page" in str(answer.json()["detail"])
    assert client.get(path, {"page": "1000000000"}).status_code == 200  # the last page asked
