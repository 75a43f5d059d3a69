"""The shell of the site: the home page, the mission's dashboard, the parties, and the health
check."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from abide.accounts.access import AnyUser, is_mission_reader
from abide.registry.access import get_commitments_for, get_parties_for
from abide.web import charts
from abide.web.figures import (
    chosen_period,
    commitment_statuses,
    observation_figures,
    previous_period,
    queue_sizes,
)


def _figures(request: HttpRequest, user: AnyUser) -> tuple[dict, int]:
    """The figures of the period asked for (``?period=``), counted as ``user`` may see them,
    with their charts; and the status of the response (422 for a period that is not one)."""
    status, error = 200, ""
    try:
        period = chosen_period(request.GET.get("period"), timezone.localdate())
    except ValueError as exc:
        status, error = 422, _("period: %(error)s") % {"error": exc}
        period = chosen_period(None, timezone.localdate())
    before = previous_period(period)
    observations = observation_figures(user, period)
    statuses = commitment_statuses(user, period)
    rtl = get_language_bidi()
    context = {
        "period": period,
        "previous": before,
        "period_error": error,
        "observations": observations,
        "observation_totals": (
            sum(f.current_total for f in observations),
            sum(f.previous_total for f in observations),
        ),
        "statuses": statuses,
        "observation_chart": charts.comparison_bars(
            [
                charts.BarGroup(str(f.category.name), f.current_total, f.previous_total)
                for f in observations
            ],
            title=_("Observations per category: %(now)s against %(before)s")
            % {"now": period, "before": before},
            current_label=str(period),
            previous_label=str(before),
            rtl=rtl,
        ),
        "status_chart": charts.status_bars(
            [charts.Bar(value, str(label), count) for value, label, count in statuses],
            title=_("Commitments per status, %(period)s") % {"period": period},
            rtl=rtl,
        ),
    }
    return context, status


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    # The figures of the home page are the public's, whoever is signed in.
    figures, status = _figures(request, AnonymousUser())
    commitments = get_commitments_for(request.user)
    context = {
        **figures,
        "party_count": get_parties_for(request.user).count(),
        "commitment_count": commitments.count(),
        "latest": commitments.order_by("-date_made", "-pk")[:5],
    }
    return render(request, "web/home.html", context, status=status)


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    """The mission's figures (analysts, the head of mission, administrators)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_mission_reader(request.user):
        raise PermissionDenied
    figures, status = _figures(request, request.user)
    context = {**figures, "queues": queue_sizes(request.user), "now": timezone.now()}
    return render(request, "web/dashboard.html", context, status=status)


@require_safe
def parties(request: HttpRequest) -> HttpResponse:
    rows = get_parties_for(request.user).select_related("parent").prefetch_related("aliases")
    return render(request, "web/parties.html", {"rows": rows})


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
