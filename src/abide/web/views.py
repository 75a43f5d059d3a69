"""Public pages. Thin: what a user may see comes from the ``get_*_for`` helpers."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from abide.compliance.models import AssessmentStatus
from abide.compliance.tracker import commitment_detail, tracker_page, unanswered_demands_for
from abide.registry.access import get_commitment_for, get_commitments_for, get_parties_for
from abide.registry.models import Category, CommitmentKind


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
def commitments(request: HttpRequest) -> HttpResponse:
    rows = get_commitments_for(request.user).order_by("-date_made", "category__position", "pk")
    party = request.GET.get("party", "")
    category = request.GET.get("category", "")
    kind = request.GET.get("kind", "")
    if party:
        rows = rows.filter(obligor_party__slug=party)
    if category:
        rows = rows.filter(category__slug=category)
    if kind in CommitmentKind.values:
        rows = rows.filter(kind=kind)
    context = {
        "rows": rows[:500],
        "parties": get_parties_for(request.user).filter(commitments__isnull=False).distinct(),
        "categories": Category.objects.all(),
        "kinds": CommitmentKind.choices,
        "selected": {"party": party, "category": category, "kind": kind},
    }
    template = (
        "web/_commitment_rows.html" if request.headers.get("HX-Request") else "web/commitments.html"
    )
    return render(request, template, context)


@require_GET
def tracker(request: HttpRequest) -> HttpResponse:
    selected = {key: request.GET.get(key, "") for key in ("party", "category", "kind", "status")}
    if selected["kind"] not in CommitmentKind.values:
        selected["kind"] = ""
    if selected["status"] not in AssessmentStatus.values:
        selected["status"] = ""
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    page = tracker_page(request.user, page=number, **selected)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "rows": page.rows,
        "page": page,
        "query": query.urlencode(),
        "parties": get_parties_for(request.user).filter(commitments__isnull=False).distinct(),
        "categories": Category.objects.all(),
        "kinds": CommitmentKind.choices,
        "statuses": AssessmentStatus.choices,
        "selected": selected,
        "open_demands": unanswered_demands_for(request.user),
    }
    return render(request, "web/tracker.html", context)


@require_GET
def commitment(request: HttpRequest, pk: int) -> HttpResponse:
    detail = commitment_detail(request.user, get_commitment_for(request.user, pk))
    return render(request, "web/commitment.html", {"detail": detail})


@require_GET
def parties(request: HttpRequest) -> HttpResponse:
    rows = get_parties_for(request.user).select_related("parent").prefetch_related("aliases")
    return render(request, "web/parties.html", {"rows": rows})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
