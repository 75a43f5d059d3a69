"""abide's HTTP API (django-ninja): OpenAPI at /api/openapi.json, documentation at /api/docs.

Reading needs no account: each handler answers with what the requesting user may see (the
public sees what is published; a session or an API token of the mission sees more). Changes
need an API token (``abide token create``) or a signed-in session; an invalid token is 401, a
refusal 403, bad input 422 with the messages of each field at fault, always as JSON
``{"detail": {"field": ["message", ...]}}`` (a body that is not JSON is the field ``body``)."""

import logging

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    ValidationError,
)
from django.db import DataError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaError

from abide.compliance.api import router as compliance_router
from abide.compliance.api_actions import router as review_router
from abide.core.api_parser import TextParser
from abide.observations.api import router as observations_router
from abide.registry.api import PATCH_COMMITMENT
from abide.registry.api import router as registry_router
from abide.reports.api import router as reports_router

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="abide",
    version="1",
    description="Commitments in armed conflict, their status and the evidence behind it.",
    urls_namespace="api",
    parser=TextParser(),
)
compliance_router.add_api_operation(**PATCH_COMMITMENT)  # GET and PATCH of one path
api.add_router("/", compliance_router)
api.add_router("/", review_router)
api.add_router("/", observations_router)
api.add_router("/", registry_router)
api.add_router("/", reports_router)

#: The parts of a request that a schema error's location begins with, not field names.
_REQUEST_PARTS = {"body", "query", "path", "form", "file", "files", "header", "cookie"}


@api.exception_handler(PermissionDenied)
def refused(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(SuspiciousOperation)
def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    """A request Django refuses to read (a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE, too
    many fields): 400 as JSON, like every other error of the API, and one line in the log."""
    logger.warning("API request refused: %s %s: %s", request.method, request.path, exc)
    if isinstance(exc, RequestDataTooBig):
        message = _("the body is larger than the %(limit)d bytes accepted") % {
            "limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        }
    else:
        message = _("the request cannot be read: %(problem)s") % {"problem": exc}
    return api.create_response(request, {"detail": {"body": [message]}}, status=400)


@api.exception_handler(DataError)
def unstorable(request: HttpRequest, exc: DataError) -> HttpResponse:
    """A value the database refuses (a UTC offset beyond PostgreSQL's ±15:59): bad input, 422."""
    message = _("a value the database cannot store: %(problem)s") % {
        "problem": str(exc).strip().splitlines()[0]
    }
    return api.create_response(request, {"detail": {"__all__": [message]}}, status=422)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": errors}, status=422)


def _field(location: list | tuple, names: set[str]) -> str:
    """The field a schema error is about: its location less the request part and the name
    of the handler's argument ("body", "data", "latitude" → "latitude"; actors.0.party)."""
    parts = [str(part) for part in location]
    if parts and parts[0] in _REQUEST_PARTS:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in names:
        parts = parts[1:]
    elif parts in (["data"], ["payload"]):  # the whole body is missing or not an object
        parts = []
    return ".".join(parts) or "body"


@api.exception_handler(SchemaError)
def malformed(request: HttpRequest, exc: SchemaError) -> HttpResponse:
    """A payload or parameter of the wrong shape: 422 naming each field, like the services."""
    arguments = {"data", "payload", "file", "body"}
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        field = _field(error.get("loc", ()), arguments)
        errors.setdefault(field, []).append(str(error.get("msg", _("invalid value"))))
    return api.create_response(request, {"detail": errors}, status=422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Errors raised as HTTP statuses; a body that is not JSON becomes 422 on ``body``."""
    cause = exc.__cause__
    if isinstance(cause, SchemaError):  # a body that is JSON but holds text refused as such
        return malformed(request, cause)
    if exc.status_code == 400 and cause is not None and "parse request body" in str(exc):
        message = _("the body is not valid JSON: %(problem)s") % {"problem": cause}
        return api.create_response(request, {"detail": {"body": [message]}}, status=422)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
