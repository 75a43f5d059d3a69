"""abide's HTTP API (django-ninja): OpenAPI at /api/openapi.json, documentation at /api/docs.

Reading needs no account: each handler answers with what the requesting user may see (the
public sees what is published; a session or an API token of the mission sees more). Changes
need an API token (``abide token create``) or a signed-in session; an invalid token is 401, a
refusal 403, bad input 422 with the message of each field at fault."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from abide.compliance.api import router as compliance_router
from abide.compliance.api_actions import router as review_router
from abide.registry.api import PATCH_COMMITMENT
from abide.registry.api import router as registry_router

api = NinjaAPI(
    title="abide",
    version="1",
    description="Commitments in armed conflict, their status and the evidence behind it.",
    urls_namespace="api",
)
compliance_router.add_api_operation(**PATCH_COMMITMENT)  # GET and PATCH of one path
api.add_router("/", compliance_router)
api.add_router("/", review_router)
api.add_router("/", registry_router)


@api.exception_handler(PermissionDenied)
def refused(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": errors}, status=422)
