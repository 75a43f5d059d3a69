"""A cache of the public's reads: whole answers, for readers without a session or a token.

An answer is kept under its request: host, path and query, the language the page
is in (``request.LANGUAGE_CODE``, from the URL, the language cookie or Accept-Language), the
htmx headers a page may answer a fragment for, and the **data version**:

- the audit log's head (``AuditHead.seq``): every change to what abide holds is made by a
  service that writes an audit entry in the same transaction (imports, catch-up, the worker's
  assessments, sign-off, review, publication...), so a change committed moves the version at
  the moment it becomes visible;
- whether a catch-up is queued or running (the tracker says so; the task queue is not audited);
- today's date (UTC): pages count days open and weeks.

The version is read before the answer is made, each statement of which sees at least what the
version did (READ COMMITTED): a kept answer is never older than its version, so once a change
is committed no reader gets an answer made before it. Entries also expire after
``ABIDE_PUBLIC_CACHE_SECONDS``: the bound on staleness for a change made outside the services
(a hand-edit of the database, a migration).

Who is served from it: ``GET`` without ``Authorization`` and without a session cookie, under
one of ``ABIDE_PUBLIC_CACHE_PATHS``. Everyone else (a signed-in user, an API token) passes by
it both ways: their answers are neither read from it nor kept. Only ``200`` answers that set
no cookie (nor save a session or a message) and vary on nothing the key leaves out are kept.
The CSRF token of a page's forms (the language menu) is kept as a placeholder and each reader
gets their own.

Each answer says ``X-Abide-Cache: hit``, ``miss`` or ``bypass`` (bench/serve counts them).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import connections, router
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import cc_delim_re

#: The cache alias in ``CACHES`` that holds the answers.
CACHE_ALIAS = "public"
HEADER = "X-Abide-Cache"
#: The request headers a page may answer differently for (htmx asks for fragments).
KEYED_HEADERS = ("HTTP_HX_REQUEST", "HTTP_HX_TARGET", "HTTP_HX_TRIGGER", "HTTP_HX_BOOSTED")
#: What a kept answer may say it varies on: the key holds each (the language, the htmx
#: headers) or only cookie-less readers are served (Cookie).
_VARY_KEYED = {
    "accept-language",
    "cookie",
    "hx-request",
    "hx-target",
    "hx-trigger",
    "hx-boosted",
    "accept-encoding",
}
_CSRF_PLACEHOLDER = b"@@abide-csrf-token@@"
_CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


#: A moment no real request is made at: where it lands in the version query's parameters is
#: where each request puts its own.
_SENTINEL = dt.datetime(1970, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC)


@functools.cache
def _version_sql(database: str) -> tuple[str, tuple, int]:
    """The version's query as SQL, built once per process (building it is most of its cost):
    the SQL, its parameters and the place of the one that depends on the time."""
    from django.db.models import Exists

    from abide.audit.models import AuditHead
    from abide.compliance.tasks import STALE, pending_catch_ups

    query = (
        AuditHead.objects.using(database)
        .filter(pk=1)
        .annotate(catching_up=Exists(pending_catch_ups(_SENTINEL)))
        .values_list("seq", "catching_up")
    )
    sql, params = query.query.get_compiler(database).as_sql()
    marker = connections[database].ops.adapt_datetimefield_value(_SENTINEL - STALE)
    (moment,) = [n for n, value in enumerate(params) if value == marker]
    return sql, tuple(params), moment


def data_version(request: HttpRequest) -> str:
    """What the public's answers depend on besides the request (see the module's text), read
    in one query from the database the public reads from."""
    from abide.audit.models import AuditHead
    from abide.compliance.tasks import STALE, pending_catch_ups

    database = router.db_for_read(AuditHead)
    sql, params, moment = _version_sql(database)
    now = timezone.now()
    oldest = connections[database].ops.adapt_datetimefield_value(now - STALE)
    with connections[database].cursor() as cursor:
        cursor.execute(sql, (*params[:moment], oldest, *params[moment + 1 :]))
        found = cursor.fetchone()
    if found is None:  # nothing audited yet
        found = (0, pending_catch_ups(now).using(database).exists())
    return f"{found[0]}:{int(bool(found[1]))}:{now.date().isoformat()}"


def served_from_cache(request: HttpRequest) -> bool:
    """Whether ``request`` is a public read the cache answers (and keeps the answer of)."""
    if not settings.ABIDE_PUBLIC_CACHE or request.method != "GET":
        return False
    if "HTTP_AUTHORIZATION" in request.META or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    if getattr(settings, "MESSAGE_COOKIE_NAME", "messages") in request.COOKIES:
        return False
    return request.path.startswith(tuple(settings.ABIDE_PUBLIC_CACHE_PATHS))


def cache_key(request: HttpRequest, version: str) -> str:
    headers = "|".join(request.META.get(name, "") for name in KEYED_HEADERS)
    parts = (
        version,
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        headers,
    )
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"abide-public:{digest}"


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if "private" in response.get("Cache-Control", "") or "no-store" in response.get(
        "Cache-Control", ""
    ):
        return False
    varies = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v}
    if not varies <= _VARY_KEYED:
        return False
    # what the middleware outside would do for this reader only: save a session, a message
    session, messages = getattr(request, "session", None), getattr(request, "_messages", None)
    if (session is not None and session.modified) or getattr(messages, "added_new", False):
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def _without_csrf_tokens(content: bytes) -> bytes:
    for token in set(_CSRF_FIELD.findall(content)):
        content = content.replace(token, _CSRF_PLACEHOLDER)
    return content


class PublicCacheMiddleware:
    """Answers the public's reads from the cache, and keeps the answers it makes for them.

    Placed after the authentication, locale and CSRF middleware (it reads the user, the
    language and hands out CSRF tokens) and after ``PublicReadsMiddleware`` (the version is
    read from the database the public reads from)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not served_from_cache(request):
            response = self.get_response(request)
            response[HEADER] = "bypass"
            return response
        cache = caches[CACHE_ALIAS]
        key = cache_key(request, data_version(request))
        kept = cache.get(key)
        if kept is not None:
            return _answer(request, *kept, state="hit")
        response = self.get_response(request)
        if _keepable(request, response):
            headers = {
                name: value
                for name, value in response.items()
                if name.lower() not in ("set-cookie", HEADER.lower())
            }
            content = _without_csrf_tokens(response.content)
            cache.set(
                key,
                (response.status_code, headers, content),
                timeout=settings.ABIDE_PUBLIC_CACHE_SECONDS,
            )
            response[HEADER] = "miss"
        else:
            response[HEADER] = "bypass"
        return response


def _answer(
    request: HttpRequest, status: int, headers: dict[str, str], content: bytes, *, state: str
) -> HttpResponse:
    if _CSRF_PLACEHOLDER in content:
        content = content.replace(_CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content, status=status)
    for name, value in headers.items():
        response[name] = value
    response["Content-Length"] = str(len(content))
    response[HEADER] = state
    return response
