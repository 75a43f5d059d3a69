"""abide's HTTP API (django-ninja): OpenAPI at /api/openapi.json, documentation at /api/docs.

Reading needs no account: each handler answers with what the requesting user may see (the
public sees what is published; a session of the mission sees more)."""

from ninja import NinjaAPI

from abide.compliance.api import router as compliance_router

api = NinjaAPI(
    title="abide",
    version="1",
    description="Commitments in armed conflict, their status and the evidence behind it.",
    urls_namespace="api",
)
api.add_router("/", compliance_router)
