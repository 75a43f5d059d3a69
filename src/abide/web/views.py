"""The shell of the site: the home page, the parties, and the health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from abide.registry.access import get_commitments_for, get_parties_for


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    commitments = get_commitments_for(request.user)
    context = {
        "party_count": get_parties_for(request.user).count(),
        "commitment_count": commitments.count(),
        "latest": commitments.order_by("-date_made", "-pk")[:5],
    }
    return render(request, "web/home.html", context)


@require_GET
def parties(request: HttpRequest) -> HttpResponse:
    rows = get_parties_for(request.user).select_related("parent").prefetch_related("aliases")
    return render(request, "web/parties.html", {"rows": rows})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
