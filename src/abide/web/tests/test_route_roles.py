"""Every page of the URL configuration, opened by the public and by each role: nothing fails,
and a page that needs a sign-in sends the public to /accounts/login/.

The pages are read from the URL configuration itself (every GET route without arguments, but
the admin's and the language switch's), so that a new page is checked without anyone listing
it here."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import pytest
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path
from django.urls.resolvers import RoutePattern

#: Parts of the URL configuration that are not abide's pages: the admin (it has its own
#: sign-in, for the staff) and Django's language switch (a POST that redirects anywhere).
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_MODULES = {"django.conf.urls.i18n"}
LOGIN = "/accounts/login/"
ROLES = ["observer", "partner", "analyst", "head", "administrator"]


@dataclass(frozen=True)
class Route:
    path: str
    name: str
    api: bool  # an API route: refusing the public (401/403) is right there

    def __str__(self) -> str:
        return self.path


def _routes(
    patterns: list, prefix: str = "", api: bool = False, arguments: bool = False
) -> list[Route]:
    """The routes without arguments; with ``arguments``, those with arguments instead, each
    argument filled with a value that names nothing."""
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_name, "__name__", "")
            if pattern.namespace in SKIPPED_NAMESPACES or module in SKIPPED_MODULES:
                continue
            found += _routes(
                pattern.url_patterns,
                prefix + str(pattern.pattern),
                api or pattern.app_name == "ninja",
                arguments,
            )
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            has_arguments = bool(ARGUMENT.search(route)) or (
                not isinstance(pattern.pattern, RoutePattern) and pattern.pattern.regex.groups
            )
            if not arguments and not has_arguments:
                found.append(Route("/" + route, pattern.name or "", api))
            elif arguments and has_arguments and isinstance(pattern.pattern, RoutePattern):
                filled = ARGUMENT.sub(lambda m: NOTHING.get(m["converter"], "987654"), route)
                found.append(Route("/" + filled, pattern.name or "", api))
    return found


#: An argument of a route (``<int:pk>``, ``<commitment_id>``) and what fills it.
ARGUMENT = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
NOTHING = {
    "int": "987654",
    "str": "987654",
    "slug": "nothing-here",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "path": "nothing/here",
}


def project_routes(urlconf: str | None = None, *, arguments: bool = False) -> list[Route]:
    return _routes(get_resolver(urlconf).url_patterns, arguments=arguments)


ROUTES = project_routes()
ROUTES_WITH_ARGUMENTS = project_routes(arguments=True)


def test_the_routes_are_read_from_the_url_configuration():
    paths = {route.path for route in ROUTES}
    assert {"/", "/tracker/", "/commitments/", LOGIN, "/api/commitments"} <= paths
    assert not any(path.startswith(("/admin/", "/i18n/")) for path in paths)
    assert not any("<" in path for path in paths)
    assert len(paths) == len(ROUTES)


@pytest.fixture
def some_data(starter_registry, analyst):
    """A confirmed pledge, an observation linked to it and its assessments: pages are opened
    with something in them (the demo data set would take a minute to load)."""
    from abide.compliance.assessment import assess_period, periods_of
    from abide.compliance.linking import propose_links
    from abide.compliance.tests.test_linking import observe, pledge

    kept = pledge()
    observation = observe(day=dt.date(2023, 9, 27))
    propose_links(kept, actor=analyst)
    for period in periods_of(observation):
        assess_period(period, actor=analyst)


def _problems(who: str, client: Client, signed_in: bool, routes: list[Route]) -> list[str]:
    problems = []
    for route in routes:
        try:
            response = client.get(route.path)
        except Exception as exc:  # reported with the route and who asked
            problems.append(f"{who} GET {route}: raised {type(exc).__name__}: {exc}")
            continue
        status = response.status_code
        location = response.get("Location", "")
        to_login = "login" in urlsplit(location).path
        if status >= 500:
            problems.append(f"{who} GET {route}: {status}")
        elif status == 405:
            continue  # not a GET route
        elif not signed_in:
            if to_login and location != f"{LOGIN}?next={quote(route.path)}":
                problems.append(f"{who} GET {route}: sent to {location}, not to {LOGIN}")
            elif status in (401, 403) and not route.api:
                problems.append(f"{who} GET {route}: {status} instead of a redirect to {LOGIN}")
        elif to_login:
            problems.append(f"{who} GET {route}: signed in, yet sent to log in ({location})")
    return problems


def test_pages_that_need_a_sign_in_send_the_public_to_the_login_page(db):
    """The check below would pass without such a page; the password change is one."""
    response = Client().get("/accounts/password_change/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/accounts/password_change/"
    assert any(route.path == "/accounts/password_change/" for route in ROUTES)


def test_every_page_answers_the_public_and_every_role_without_failing(request, some_data):
    problems = _problems(
        "anonymous", Client(raise_request_exception=True), signed_in=False, routes=ROUTES
    )
    for role in ROLES:
        client = Client(raise_request_exception=True)
        client.force_login(request.getfixturevalue(role))
        problems += _problems(role, client, signed_in=True, routes=ROUTES)
    assert problems == [], "\n".join(problems)


def test_every_route_given_arguments_that_name_nothing_answers_without_failing(request, some_data):
    """A route that takes an argument (a commitment's number, ...), given one that names
    nothing: a 404 or a refusal, never a failure, and never a sign-in for a signed-in user."""
    assert "/tracker/987654/" in {route.path for route in ROUTES_WITH_ARGUMENTS}
    problems = _problems(
        "anonymous", Client(raise_request_exception=True), False, ROUTES_WITH_ARGUMENTS
    )
    for role in ROLES:
        client = Client(raise_request_exception=True)
        client.force_login(request.getfixturevalue(role))
        problems += _problems(role, client, signed_in=True, routes=ROUTES_WITH_ARGUMENTS)
    assert problems == [], "\n".join(problems)


# --- the check itself, on a URL configuration of pages that get it wrong ---------------------


def _fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def _refuses_the_public(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        raise PermissionDenied
    return HttpResponse("ok")


def _sends_to_the_admin_login(request: HttpRequest) -> HttpResponse:
    return redirect_to_login(request.path, login_url="/admin/login/")


def _always_sends_to_log_in(request: HttpRequest) -> HttpResponse:
    return redirect_to_login(request.path)


@login_required
def _needs_a_sign_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


#: The URL configuration of the test below (this module, through ``pytest.mark.urls``).
urlpatterns = [
    path("fails/", _fails),
    path("refuses/", _refuses_the_public),
    path("admin-login/", _sends_to_the_admin_login),
    path("loops/", _always_sends_to_log_in),
    path("right/", _needs_a_sign_in),
    path("right/<int:pk>/", _fails),  # takes an argument: only among the routes with some
]


@pytest.mark.urls(__name__)
def test_the_check_reports_failures_refusals_and_wrong_redirects(observer):
    routes = project_routes(__name__)
    assert "/right/987654/" not in {route.path for route in routes}
    assert [route.path for route in project_routes(__name__, arguments=True)] == ["/right/987654/"]
    anonymous = _problems("anonymous", Client(), signed_in=False, routes=routes)
    signed_in = Client()
    signed_in.force_login(observer)
    observed = _problems("observer", signed_in, signed_in=True, routes=routes)
    assert anonymous == [
        "anonymous GET /fails/: raised RuntimeError: a bug",
        "anonymous GET /refuses/: 403 instead of a redirect to /accounts/login/",
        "anonymous GET /admin-login/: sent to /admin/login/?next=/admin-login/, not to "
        "/accounts/login/",
    ]
    assert observed == [
        "observer GET /fails/: raised RuntimeError: a bug",
        "observer GET /admin-login/: signed in, yet sent to log in "
        "(/admin/login/?next=/admin-login/)",
        "observer GET /loops/: signed in, yet sent to log in (/accounts/login/?next=/loops/)",
    ]
