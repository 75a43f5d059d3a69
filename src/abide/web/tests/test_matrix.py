"""The permission matrix: every page route (from the URL configuration) and every API
operation (from the OpenAPI document), × every role, × GET and the state-changing methods,
against the one table of ``matrix.py``; and the object-level cases: another team's restricted
observation, an unpublished observation or commitment, and guessed ids."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from abide.web.tests import matrix
from abide.web.tests.world import (
    ANALYST,
    ANONYMOUS,
    OBSERVER,
    OTHER_TEAM,
    PARTNER,
    ROLES,
    World,
    build_world,
    observations_seen,
    png,
)

pytestmark = pytest.mark.usefixtures("starter_registry")

#: Not abide's pages: the admin (its own sign-in and permissions, for the staff) and Django's
#: language switch; the API's URL patterns are read from the OpenAPI document instead.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_MODULES = {"django.conf.urls.i18n"}
LOGIN = "/accounts/login/"
REFUSED = {401, 403, 404}


def page_patterns(patterns: list | None = None, prefix: str = "") -> list[str]:
    """Every page route of the URL configuration, as it spells it."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_name, "__name__", "")
            if (
                pattern.namespace in SKIPPED_NAMESPACES
                or module in SKIPPED_MODULES
                or pattern.app_name == "ninja"
            ):
                continue
            found += page_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.append(prefix + str(pattern.pattern))
    return found


def api_operations() -> list[tuple[str, str]]:
    """Every operation of the OpenAPI document that ``/api/openapi.json`` serves."""
    document = Client().get("/api/openapi.json").json()
    return [
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def test_every_route_and_api_operation_has_a_row_in_the_matrix(db):
    patterns = page_patterns()
    rows = [page.pattern for page in matrix.PAGES]
    assert len(rows) == len(set(rows)), "a page route has two rows"
    assert sorted(set(patterns) - set(rows)) == [], "routes without a row in matrix.PAGES"
    assert sorted(set(rows) - set(patterns)) == [], "rows of matrix.PAGES naming no route"
    operations = api_operations()
    assert len(operations) >= 30
    keys = [(operation.method, operation.path) for operation in matrix.OPERATIONS]
    assert len(keys) == len(set(keys)), "an API operation has two rows"
    assert sorted(set(operations) - set(keys)) == [], "operations without a row in OPERATIONS"
    assert sorted(set(keys) - set(operations)) == [], "rows of OPERATIONS naming no operation"


def _fill(text: str, world: World) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(world.ids[m[1]]), text)


def _body(body: object, world: World) -> object:
    if isinstance(body, dict):
        return {key: _body(value, world) for key, value in body.items()}
    if isinstance(body, list):
        return [_body(value, world) for value in body]
    if isinstance(body, str) and re.fullmatch(r"\{\w+\}", body):
        return world.ids[body[1:-1]]
    return body


def ask(client: Client, method: str, url: str, body: object = None, api: bool = False):
    """One request in a savepoint rolled back after it, with the client's cookies kept: each
    cell sees the same world and the same session."""
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    try:
        with transaction.atomic():
            if method == "GET":
                response = client.get(url)
            elif api and body == matrix.FILE:
                upload = SimpleUploadedFile("seen.png", png(), content_type="image/png")
                response = client.post(url, {"file": upload})
            elif api:
                response = client.generic(
                    method, url, json.dumps(body or {}), content_type="application/json"
                )
            else:
                data = dict(body or {})
                data["csrfmiddlewaretoken"] = client.csrf_value
                response = client.post(url, data)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return response


def outcome(response, *, page: bool) -> str:
    """``allowed``, ``refused``, ``no method`` or ``failed`` (a 5xx)."""
    status = response.status_code
    location = urlsplit(response.get("Location", "")).path
    if status >= 500:
        return "failed"
    if status == 405:
        return "no method"
    if status in REFUSED or (page and status in (301, 302) and location == LOGIN):
        return "refused"
    return "allowed"


def _expected(allowed: frozenset[str], role: str) -> set[str]:
    if allowed is matrix.NO_METHOD:
        return {"no method", "refused"}
    return {"allowed"} if role in allowed else {"refused", "no method"}


def run_matrix(
    world: World, pages: list | None = None, operations: list | None = None
) -> tuple[int, list[str]]:
    pages = matrix.PAGES if pages is None else pages
    operations = matrix.OPERATIONS if operations is None else operations
    cells, problems = 0, []
    clients = {role: world.client(role) for role in ROLES}
    for role, client in clients.items():
        for page in pages:
            url = _fill(page.url, world)
            methods = (
                ("GET", page.get),
                ("POST", page.post),
                ("PUT", page.put),
                ("DELETE", page.delete),
            )
            for method, allowed in methods:
                if page.pattern == "accounts/logout/" and method == "POST":
                    client = world.client(role)  # signed out after it
                body = _body(page.body, world)
                response = ask(client, method, url, body, api=method in ("PUT", "DELETE"))
                cells += 1
                got = outcome(response, page=True)
                if got not in _expected(allowed, role):
                    problems.append(f"{role} {method} {url}: {got} ({response.status_code})")
                client = clients[role]
        for operation in operations:
            url = _fill(operation.url, world)
            body = _body(operation.body, world)
            response = ask(client, operation.method, url, body, api=True)
            cells += 1
            got = outcome(response, page=False)
            if got not in _expected(operation.allowed, role):
                problems.append(
                    f"{role} {operation.method} {url}: {got} ({response.status_code}) "
                    f"{response.content[:200]!r}"
                )
    return cells, problems


def test_every_role_is_allowed_or_refused_every_route_as_the_matrix_says(db):
    world = build_world()
    cells, problems = run_matrix(world)
    routes = len(matrix.PAGES) + len(matrix.OPERATIONS)
    assert cells == len(ROLES) * (4 * len(matrix.PAGES) + len(matrix.OPERATIONS))
    assert routes >= 90
    assert problems == [], f"{len(problems)} of {cells} cells:\n" + "\n".join(problems)


def test_the_matrix_reports_a_cell_that_differs_from_the_table(db):
    """Rows that say too much or too little are reported, cell by cell."""
    world = build_world()
    pages = [matrix.Page("dashboard/", "/dashboard/", matrix.SIGNED_IN)]
    operations = [
        matrix.Operation(
            "POST",
            "/api/links/{link_id}/reopen",
            "/api/links/{link}/reopen",
            matrix.NOBODY,
            matrix.REASON,
        )
    ]
    cells, problems = run_matrix(world, pages, operations)
    assert cells == len(ROLES) * 5
    assert {problem.split(":")[0] for problem in problems} == {
        "observer GET /dashboard/",
        "observer-other-team GET /dashboard/",
        "partner GET /dashboard/",
        "partner-without-agreement GET /dashboard/",
        f"analyst POST /api/links/{world.ids['link']}/reopen",
        f"head POST /api/links/{world.ids['link']}/reopen",
    }


# --- object-level cases ----------------------------------------------------------------------

#: The routes that name one observation, GET and POST, each asked for every observation of
#: the world: refused (404) for one the role may not see, whatever the role.
OBSERVATION_ROUTES = [
    ("GET", "/observations/{id}/", False),
    ("GET", "/observations/{id}/received/", False),
    ("GET", "/api/observations/{id}", True),
    ("POST", "/observations/{id}/comments", False),
    ("POST", "/observations/{id}/status", False),
    ("POST", "/observations/{id}/grade", False),
    ("POST", "/api/observations/{id}/transition", True),
    ("POST", "/api/observations/{id}/grade", True),
    ("POST", "/api/observations/{id}/evidence", True),
    ("GET", "/review/observations/{id}/", False),
]


def test_an_observation_a_role_may_not_see_is_refused_on_every_route_that_names_it(db):
    world = build_world()
    problems = []
    for role in ROLES:
        client = world.client(role)
        seen = observations_seen(role)
        for key in observations_seen(ANALYST):
            for method, url, api in OBSERVATION_ROUTES:
                url = url.format(id=world.ids[key])
                body = {"text": "x", "to": "verified", "reason": "x", "reliability": "B"}
                if url.endswith("/evidence"):
                    body = matrix.FILE
                response = ask(client, method, url, body, api=api)
                got = outcome(response, page=not api)
                if key not in seen and got != "refused":
                    problems.append(f"{role} {method} {url} ({key}): {response.status_code}")
                if key in seen and method == "GET" and url.startswith(("/api/", "/observations/")):
                    if url.endswith("/received/") and role in ("anonymous", "administrator"):
                        continue
                    if got != "allowed":
                        problems.append(f"{role} {method} {url} ({key}) refused")
    assert problems == [], "\n".join(problems)


def test_guessing_ids_finds_only_what_the_role_may_see(db):
    """Every id from before the first to beyond the last observation, as each role, through
    the API and the page: what answers is exactly what the role may see."""
    world = build_world()
    # Around the world's ids: on PostgreSQL ids go on from earlier tests (sequences are not
    # reset), so "from 1" would ask thousands of ids nobody made here.
    first = min(world.ids[key] for key in observations_seen(ANALYST))
    last = max(world.ids[key] for key in observations_seen(ANALYST))
    names = {world.ids[key]: key for key in observations_seen(ANALYST)}
    for role in ROLES:
        client = world.client(role)
        found_api, found_page = set(), set()
        for pk in range(max(1, first - 20), last + 20):
            if client.get(f"/api/observations/{pk}").status_code == 200:
                found_api.add(names.get(pk, pk))
            if client.get(f"/observations/{pk}/").status_code == 200:
                found_page.add(names.get(pk, pk))
        assert found_api == found_page == observations_seen(role), role


def test_guessing_evidence_ids_finds_only_the_files_of_an_observation_the_role_may_see(db):
    """Every evidence id under every observation of the world: a file is served under its own
    observation only, and only to a role that sees it."""
    world = build_world()
    owner = {
        world.ids["evidence_id"]: "observation",
        world.ids["restricted_evidence"]: "restricted",
    }
    for role in ROLES:
        client = world.client(role)
        served = set()
        for key in observations_seen(ANALYST):
            for evidence in owner:
                for suffix in ("", "/thumbnail"):
                    url = f"/observations/{world.ids[key]}/evidence/{evidence}{suffix}"
                    if client.get(url).status_code == 200:
                        served.add((key, owner[evidence]))
        expected = {
            (key, key) for key in ("observation", "restricted") if key in observations_seen(role)
        }
        assert served == expected, role


def test_an_unpublished_commitment_is_refused_to_those_outside_the_desk(db):
    world = build_world()
    unreviewed = world.ids["unreviewed"]
    for role in ROLES:
        client = world.client(role)
        page = client.get(f"/tracker/{unreviewed}/").status_code
        api = client.get(f"/api/commitments/{unreviewed}").status_code
        if role in matrix.STAFF:
            assert page == 200 and api == 200, role
        else:
            assert page == 404 and api == 404, role
        listed = client.get("/api/commitments?page_size=500").json()
        assert unreviewed not in {item["id"] for item in listed["items"]}, role


def test_the_reporter_alone_corrects_an_unreviewed_report(db):
    """The one row of the matrix that depends on who reported the observation."""
    world = build_world()
    url = f"/observations/{world.ids['unpublished']}/edit/"
    reporter = Client()
    reporter.force_login(world.ids["reporter"])
    assert reporter.get(url).status_code == 200
    for role in ROLES:
        assert outcome(world.client(role).get(url), page=True) == "refused", role


def test_the_reporter_adds_evidence_to_their_report_and_no_other_observer_does(db):
    """The other row of the matrix that depends on who reported the observation."""
    world = build_world()
    url = f"/api/observations/{world.ids['unpublished']}/evidence"
    reporter = world.client(ANONYMOUS)
    reporter.force_login(world.ids["reporter"])
    assert ask(reporter, "POST", url, matrix.FILE, api=True).status_code == 201
    for role in (OBSERVER, OTHER_TEAM):
        assert ask(world.client(role), "POST", url, matrix.FILE, api=True).status_code == 403
    # A partner does not even see another's unconfirmed report.
    assert ask(world.client(PARTNER), "POST", url, matrix.FILE, api=True).status_code == 404
