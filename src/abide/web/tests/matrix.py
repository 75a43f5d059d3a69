"""Who may do what: THE table of every route × every role.

Every page route of the URL configuration and every operation of the OpenAPI document has a
row here, with the roles allowed each method; ``test_matrix.py`` reads the routes from the
URL configuration and ``/api/openapi.json`` and fails for a route without a row (and for a row
without a route), then asks every cell. A new route is added here, or the test fails.

A row names the route as the URL configuration spells it (``tracker/<int:pk>/``) or as the
OpenAPI document does (``POST /api/links/{link_id}/confirm``), the URL it is asked at (the
world's objects in braces, see ``world.py``), and for each method the set of roles allowed:
``NO_METHOD`` where the route does not take that method (the answer must then not succeed
for anyone). Allowed: an answer that is not a refusal (2xx, a redirect other than to the
sign-in, or 400/409/422 for a body judged on its content). Refused: 401, 403, 404, or, for
the public on a page, the redirect to ``/accounts/login/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from abide.web.tests.world import (
    ADMINISTRATOR,
    ANALYST,
    ANONYMOUS,
    HEAD,
    OBSERVER,
    OTHER_TEAM,
    PARTNER,
    PARTNER_WITHOUT,
    ROLES,
)

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANONYMOUS}
#: The mission's staff: analysts, the head of mission, administrators.
STAFF = frozenset({ANALYST, HEAD, ADMINISTRATOR})
#: Verification, grading, links and sign-off: analysts and the head of mission.
VERIFIERS = frozenset({ANALYST, HEAD})
REPORTERS = frozenset({OBSERVER, OTHER_TEAM, PARTNER, PARTNER_WITHOUT, ANALYST, HEAD})
PATROLLERS = frozenset({OBSERVER, OTHER_TEAM, ANALYST, HEAD})
NOBODY: frozenset[str] = frozenset()
#: The route does not take this method: nobody succeeds with it.
NO_METHOD: frozenset[str] = frozenset({"no such method"})

REASON = {"reason": "seen"}
#: A multipart body with an image as its ``file``.
FILE = {"file": "an image"}


@dataclass(frozen=True)
class Page:
    """A page route: who may GET it, POST to it (a form body), PUT or DELETE it."""

    pattern: str
    url: str
    get: frozenset[str]
    post: frozenset[str] = NO_METHOD
    body: dict = field(default_factory=lambda: dict(REASON))
    put: frozenset[str] = NO_METHOD
    delete: frozenset[str] = NO_METHOD


@dataclass(frozen=True)
class Operation:
    """An API operation: its method and path as the OpenAPI document gives them."""

    method: str
    path: str
    url: str
    allowed: frozenset[str]
    body: dict | None = None


#: The analysts and the head of mission draft reports; the head approves and publishes them.
DRAFTERS = frozenset({ANALYST, HEAD})
R = "/reports/{report}"
D = "/reports/{draft_report}"
T = "/tracker/{commitment}"
O = "/observations/{observation}"  # noqa: E741

PAGES = [
    # Reports: published ones are public; drafts and their workflow are the drafters'.
    Page("reports/", "/reports/", EVERYONE),
    Page("reports/feed/<str:lang>/", "/reports/feed/ar/", EVERYONE),
    Page("reports/drafts/", "/reports/drafts/", DRAFTERS, DRAFTERS, {"period_kind": "week"}),
    Page("reports/<int:pk>/", R + "/", EVERYONE),
    Page("reports/<int:pk>/<str:lang>/", R + "/hy/", EVERYONE),
    Page("reports/<int:pk>/<str:lang>/pdf/", R + "/ru/pdf/", EVERYONE),
    Page("reports/<int:pk>/<str:lang>/json/", R + "/tr/json/", EVERYONE),
    Page("reports/<int:pk>/draft/", D + "/draft/", DRAFTERS),
    Page("reports/<int:pk>/draft/incidents/", D + "/draft/incidents/", NO_METHOD, DRAFTERS, {}),
    Page("reports/<int:pk>/draft/summary/", D + "/draft/summary/", NO_METHOD, DRAFTERS, {}),
    Page("reports/<int:pk>/draft/approve/", D + "/draft/approve/", NO_METHOD, {HEAD}, {}),
    Page("reports/<int:pk>/draft/publish/", D + "/draft/publish/", NO_METHOD, {HEAD}, {}),
    Page("reports/<int:pk>/draft/correct/", R + "/draft/correct/", NO_METHOD, DRAFTERS, {}),
    # Signing in and out.
    # Django's form views take a PUT as a POST (the form, judged on its content); the login
    # page sends a signed-in user on to the home page whatever the method (nothing changes).
    Page(
        "accounts/login/",
        "/accounts/login/",
        EVERYONE,
        EVERYONE,
        {"username": "x"},
        put=EVERYONE,
        delete=SIGNED_IN,
    ),
    Page("accounts/logout/", "/accounts/logout/", NO_METHOD, EVERYONE, {}),
    Page(
        "accounts/password_change/",
        "/accounts/password_change/",
        SIGNED_IN,
        SIGNED_IN,
        put=SIGNED_IN,
    ),
    Page("accounts/password_change/done/", "/accounts/password_change/done/", SIGNED_IN),
    # The second factor: a signed-in user who needs none, or has given it, is sent on.
    *(
        Page(route, "/" + route, SIGNED_IN, SIGNED_IN, {"code": "000000"}, SIGNED_IN, SIGNED_IN)
        for route in ("accounts/second-factor/", "accounts/second-factor/setup/")
    ),
    # The registry and the tracker: public.
    Page("", "/", EVERYONE),
    Page("dashboard/", "/dashboard/", STAFF),
    Page("parties/", "/parties/", EVERYONE),
    Page("healthz", "/healthz", EVERYONE),
    Page("commitments/", "/commitments/", EVERYONE),
    Page("tracker/", "/tracker/", EVERYONE),
    Page("tracker/<int:pk>/", T + "/", EVERYONE),
    # The commitment page's review forms.
    Page(
        "tracker/<int:pk>/links/<int:link_id>/confirm",
        T + "/links/{link}/confirm",
        NO_METHOD,
        VERIFIERS,
    ),
    Page(
        "tracker/<int:pk>/links/<int:link_id>/reject",
        T + "/links/{link}/reject",
        NO_METHOD,
        VERIFIERS,
    ),
    Page(
        "tracker/<int:pk>/links/<int:link_id>/reopen",
        T + "/links/{link}/reopen",
        NO_METHOD,
        VERIFIERS,
    ),
    Page("tracker/<int:pk>/links/add", T + "/links/add", NO_METHOD, VERIFIERS),
    Page("tracker/<int:pk>/scope", T + "/scope", NO_METHOD, VERIFIERS),
    Page(
        "tracker/<int:pk>/assessments/<int:assessment_id>/sign-off",
        T + "/assessments/{assessment}/sign-off",
        NO_METHOD,
        VERIFIERS,
    ),
    Page(
        "tracker/<int:pk>/assessments/<int:assessment_id>/override",
        T + "/assessments/{assessment}/override",
        NO_METHOD,
        frozenset({HEAD}),
    ),
    Page("tracker/<int:pk>/retractions", T + "/retractions", NO_METHOD, STAFF),
    Page(
        "tracker/<int:pk>/retractions/<int:retraction_id>/confirm",
        T + "/retractions/{retraction}/confirm",
        NO_METHOD,
        STAFF,
    ),
    Page(
        "tracker/<int:pk>/retractions/<int:retraction_id>/dismiss",
        T + "/retractions/{retraction}/dismiss",
        NO_METHOD,
        STAFF,
    ),
    Page("tracker/<int:pk>/supersede", T + "/supersede", NO_METHOD, STAFF),
    Page("tracker/<int:pk>/expiry", T + "/expiry", NO_METHOD, STAFF),
    # The queues of links and retractions.
    Page("review/links/", "/review/links/", VERIFIERS),
    Page("review/links/decide", "/review/links/decide", NO_METHOD, VERIFIERS),
    Page(
        "review/links/<int:pk>/<str:decision>", "/review/links/{link}/confirm", NO_METHOD, VERIFIERS
    ),
    Page("review/retractions/", "/review/retractions/", STAFF),
    Page("review/retractions/decide", "/review/retractions/decide", NO_METHOD, STAFF),
    Page(
        "review/retractions/<int:pk>/<str:decision>",
        "/review/retractions/{retraction}/confirm",
        NO_METHOD,
        STAFF,
    ),
    # The analyst's desk.
    Page("sources/", "/sources/", STAFF, STAFF, {"text": ""}),
    Page("sources/jobs/<uuid:job_id>/", "/sources/jobs/{job}/", NOBODY),  # names no job
    Page("sources/<int:pk>/", "/sources/{source}/", STAFF),
    Page("sources/<int:pk>/select", "/sources/{source}/select", NO_METHOD, STAFF),
    Page("review/commitments/", "/review/commitments/", STAFF),
    Page(
        "review/commitments/<int:pk>/confirm",
        "/review/commitments/{unreviewed}/confirm",
        NO_METHOD,
        STAFF,
    ),
    Page(
        "review/commitments/<int:pk>/edit",
        "/review/commitments/{unreviewed}/edit",
        NO_METHOD,
        STAFF,
    ),
    Page(
        "review/commitments/<int:pk>/reject",
        "/review/commitments/{unreviewed}/reject",
        NO_METHOD,
        STAFF,
    ),
    Page(
        "review/commitments/<int:pk>/merge",
        "/review/commitments/{unreviewed}/merge",
        NO_METHOD,
        STAFF,
    ),
    # Reporting from the field.
    Page("observations/new/", "/observations/new/", REPORTERS, REPORTERS, {}),
    Page("observations/mine/", "/observations/mine/", REPORTERS),
    # The reporter's; anyone else who may see it is sent to its page (a redirect: allowed).
    Page("observations/<int:pk>/received/", O + "/received/", REPORTERS),
    # Its reporter only, before review: the public observation is reviewed (see test_matrix).
    Page("observations/<int:pk>/edit/", O + "/edit/", NOBODY, NOBODY, {}),
    Page("patrols/new/", "/patrols/new/", PATROLLERS, PATROLLERS, {}),
    Page("sw.js", "/sw.js", EVERYONE),
    # Reading observations.
    Page("observations/", "/observations/", EVERYONE),
    Page(
        "^observations/download\\.(?P<format>csv|geojson)$", "/observations/download.csv", EVERYONE
    ),
    Page("observations/<int:pk>/", O + "/", EVERYONE),
    Page("observations/<int:pk>/status", O + "/status", NO_METHOD, VERIFIERS),
    Page("observations/<int:pk>/grade", O + "/grade", NO_METHOD, VERIFIERS),
    Page("observations/<int:pk>/event/link", O + "/event/link", NO_METHOD, VERIFIERS),
    Page("observations/<int:pk>/event/unlink", O + "/event/unlink", NO_METHOD, VERIFIERS),
    # A partner joins the discussion of their own reports only.
    Page(
        "observations/<int:pk>/comments",
        O + "/comments",
        NO_METHOD,
        SIGNED_IN - {PARTNER, PARTNER_WITHOUT},
        {"text": "x"},
    ),
    Page(
        "^observations/(?P<pk>[0-9]+)/evidence/(?P<key>[0-9a-fA-F]{64}|[0-9]+)$",
        O + "/evidence/{evidence}",
        EVERYONE,
    ),
    Page(
        "^observations/(?P<pk>[0-9]+)/evidence/(?P<key>[0-9a-fA-F]{64}|[0-9]+)/thumbnail$",
        O + "/evidence/{evidence}/thumbnail",
        EVERYONE,
    ),
    Page("map/", "/map/", EVERYONE),
    Page("map/data", "/map/data?zoom=3", EVERYONE),
    # The analysts' review queue of observations.
    Page("review/observations/", "/review/observations/", VERIFIERS),
    Page("review/observations/decide", "/review/observations/decide", NO_METHOD, VERIFIERS),
    Page("review/observations/<int:pk>/", "/review/observations/{unpublished}/", VERIFIERS),
    Page(
        "review/observations/<int:pk>/nearby",
        "/review/observations/{unpublished}/nearby",
        VERIFIERS,
    ),
    Page(
        "review/observations/<int:pk>/decide",
        "/review/observations/{unpublished}/decide",
        NO_METHOD,
        VERIFIERS,
    ),
    Page(
        "review/observations/<int:pk>/event",
        "/review/observations/{unpublished}/event",
        NO_METHOD,
        VERIFIERS,
    ),
]

C = "/api/commitments/{commitment}"
OBSERVATION_REPORT = {
    "category": "cessation_of_hostilities",
    "observed_start": "2023-09-27T10:00:00+00:00",
    "time_precision": "day",
    "place_precision": "country",
    "sensitivity": "internal",
    "public_precision": "10km",
}

OPERATIONS = [
    Operation("GET", "/api/reports", "/api/reports", EVERYONE),
    Operation("GET", "/api/reports/{report_id}", "/api/reports/{report}", EVERYONE),
    Operation("GET", "/api/reports/{report_id}/{language}", "/api/reports/{report}/ar", EVERYONE),
    Operation("GET", "/api/commitments", "/api/commitments", EVERYONE),
    Operation("GET", "/api/commitments/{commitment_id}", C, EVERYONE),
    Operation(
        "PATCH", "/api/commitments/{commitment_id}", "/api/commitments/{unreviewed}", STAFF, {}
    ),
    Operation("GET", "/api/demands/unanswered", "/api/demands/unanswered", EVERYONE),
    # Read by any signed-in user, who gets only what they may see: the mission's readers the
    # candidates, anyone else an empty list (see test_redaction).
    Operation("GET", "/api/commitments/{commitment_id}/candidates", C + "/candidates", SIGNED_IN),
    Operation(
        "POST", "/api/links/{link_id}/confirm", "/api/links/{link}/confirm", VERIFIERS, REASON
    ),
    Operation("POST", "/api/links/{link_id}/reject", "/api/links/{link}/reject", VERIFIERS, REASON),
    Operation("POST", "/api/links/{link_id}/reopen", "/api/links/{link}/reopen", VERIFIERS, REASON),
    Operation(
        "POST",
        "/api/commitments/{commitment_id}/links",
        C + "/links",
        VERIFIERS,
        {
            "observation": "{observation}",
            "bearing": "undercuts",
            "obligor_role": "perpetrator",
            "reason": "seen",
        },
    ),
    Operation(
        "PUT",
        "/api/commitments/{commitment_id}/scope",
        C + "/scope",
        VERIFIERS,
        {"countries": ["AZ"]},
    ),
    Operation(
        "POST",
        "/api/assessments/{assessment_id}/sign-off",
        "/api/assessments/{assessment}/sign-off",
        VERIFIERS,
        {},
    ),
    Operation(
        "POST",
        "/api/assessments/{assessment_id}/override",
        "/api/assessments/{assessment}/override",
        frozenset({HEAD}),
        {"status": "violated", "justification": "seen"},
    ),
    Operation(
        "POST",
        "/api/commitments/{commitment_id}/retractions",
        C + "/retractions",
        STAFF,
        {"statement": "{statement}", "kind": "refuses", "reason": "seen"},
    ),
    Operation(
        "GET",
        "/api/commitments/{commitment_id}/proposed-retractions",
        C + "/proposed-retractions",
        SIGNED_IN,  # like the candidates
    ),
    Operation(
        "POST",
        "/api/retractions/{retraction_id}/confirm",
        "/api/retractions/{retraction}/confirm",
        STAFF,
        REASON,
    ),
    Operation(
        "POST",
        "/api/retractions/{retraction_id}/dismiss",
        "/api/retractions/{retraction}/dismiss",
        STAFF,
        REASON,
    ),
    Operation(
        "POST",
        "/api/commitments/{commitment_id}/supersede",
        C + "/supersede",
        STAFF,
        {"by_commitment": "{commitment}", "reason": "seen"},
    ),
    Operation(
        "POST",
        "/api/commitments/{commitment_id}/expiry",
        C + "/expiry",
        STAFF,
        {"expires_on": "2023-12-31", "reason": "seen"},
    ),
    Operation("GET", "/api/observations", "/api/observations", EVERYONE),
    Operation("POST", "/api/observations", "/api/observations", REPORTERS, OBSERVATION_REPORT),
    Operation(
        "GET", "/api/observations/{observation_id}", "/api/observations/{observation}", EVERYONE
    ),
    # Its reporter too (not one of the roles here: see test_matrix).
    Operation(
        "POST",
        "/api/observations/{observation_id}/evidence",
        "/api/observations/{observation}/evidence",
        VERIFIERS,
        FILE,
    ),
    Operation(
        "POST",
        "/api/observations/{observation_id}/transition",
        "/api/observations/{unpublished}/transition",
        VERIFIERS,
        {"to": "corroborated", "reason": "seen"},
    ),
    Operation(
        "POST",
        "/api/observations/{observation_id}/grade",
        "/api/observations/{observation}/grade",
        VERIFIERS,
        {"reliability": "B", "reason": "seen"},
    ),
    Operation(
        "POST",
        "/api/patrols",
        "/api/patrols",
        PATROLLERS,
        {
            "team": "Alpha",
            "started_at": "2023-09-27T08:00:00+00:00",
            "ended_at": "2023-09-27T12:00:00+00:00",
        },
    ),
    # A limit out of range, judged (422) before the gazetteer, whose loading takes seconds, is
    # read: the route refuses no one (its answers: observations/tests/test_api_actions.py).
    Operation("GET", "/api/places", "/api/places?q=Step&limit=0", EVERYONE),
    Operation("GET", "/api/sources", "/api/sources", EVERYONE),  # what each may see
    Operation("POST", "/api/sources", "/api/sources", STAFF, {"text": ""}),
    Operation("GET", "/api/sources/{source_id}", "/api/sources/{source}", STAFF),
    Operation("GET", "/api/jobs/{job_id}", "/api/jobs/{job}", NOBODY),  # names no job
    Operation("GET", "/api/review/commitments", "/api/review/commitments", STAFF),
    Operation(
        "POST",
        "/api/commitments/{commitment_id}/confirm",
        "/api/commitments/{unreviewed}/confirm",
        STAFF,
        {},
    ),
    Operation(
        "POST",
        "/api/commitments/{commitment_id}/reject",
        "/api/commitments/{unreviewed}/reject",
        STAFF,
        REASON,
    ),
    Operation(
        "POST",
        "/api/commitments/{commitment_id}/merge",
        "/api/commitments/{unreviewed}/merge",
        STAFF,
        {"duplicate": "{commitment}", "reason": "seen"},
    ),
]
