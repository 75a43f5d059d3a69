"""Public reads from a read replica: a request of the public (no signed-in user, no API token,
a method that changes nothing) reads from the ``replica`` database when one is configured
(``DATABASE_REPLICA_URL``); everything else, and every write, uses ``default``.

A replica may lag the primary by a moment: the public may see a change a moment late, the
mission's own users never do (they read from the primary, which they write to).
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

#: The alias of the read replica in ``DATABASES``.
REPLICA = "replica"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: Whether the current request is the public's (set by :class:`PublicReadsMiddleware`).
_public_request: ContextVar[bool] = ContextVar("abide_public_request", default=False)


def replica_in_use() -> bool:
    """Whether public reads go to the replica: one is configured and reads are sent to it."""
    return bool(settings.ABIDE_PUBLIC_READS_FROM_REPLICA) and REPLICA in settings.DATABASES


def is_public_request(request: HttpRequest) -> bool:
    """A request of the public: a method that changes nothing, no API token, no signed-in user."""
    if request.method not in _SAFE_METHODS or "HTTP_AUTHORIZATION" in request.META:
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


class PublicReadsMiddleware:
    """Marks the public's requests, whose reads the :class:`ReplicaRouter` sends to the replica.

    Placed after the authentication middleware: the session and its user are read from the
    primary, before the request is marked."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_in_use() or not is_public_request(request):
            return self.get_response(request)
        mark = _public_request.set(True)
        try:
            return self.get_response(request)
        finally:
            _public_request.reset(mark)


class ReplicaRouter:
    """Reads of the public's requests from the replica; all else (writes, migrations, the
    mission's users, commands and the worker) on ``default``."""

    def db_for_read(self, model: type, **hints: object) -> str:
        if _public_request.get() and replica_in_use():
            return REPLICA
        return "default"

    def db_for_write(self, model: type, **hints: object) -> str:
        return "default"

    def allow_relation(self, obj1: object, obj2: object, **hints: object) -> bool:
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: object) -> bool:
        return db != REPLICA  # a streaming replica follows the primary's schema
