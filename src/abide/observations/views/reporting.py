"""Reporting an observation from a phone, the reporter's own reports, and their corrections."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from abide.accounts.access import AnyUser
from abide.observations.access import (
    can_correct,
    can_report_observations,
    get_observation_for,
    get_own_reports_for,
    get_recent_patrols_for,
)
from abide.observations.correcting import correct_observation
from abide.observations.forms import CorrectionForm, ReportForm, subtype_data
from abide.observations.submitting import report_with_files
from abide.observations.views.offline import answer_invalid, answer_stored, for_role, wants_json


def _map_context(user: AnyUser) -> dict[str, Any]:
    """Where the map opens: the reporter's last reported point, else the whole world."""
    last = get_own_reports_for(user).filter(latitude__isnull=False).first()
    return {
        "map_tile_url": settings.ABIDE_MAP_TILE_URL,
        "map_center": [last.latitude, last.longitude] if last else None,
        "subtypes": subtype_data(),
    }


@require_http_methods(["GET", "HEAD", "POST"])
@for_role(can_report_observations)
def new_observation(request: HttpRequest) -> HttpResponse:
    template = "observations/report.html"
    context = _map_context(request.user)
    if request.method in ("GET", "HEAD"):
        return render(request, template, {**context, "form": ReportForm(user=request.user)})
    form = ReportForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return answer_invalid(request, form, template, context)
    files = [(upload.name, upload) for upload in form.cleaned_data["files"]]
    try:
        observation, created, _stored = report_with_files(
            actor=request.user, files=files, **form.report_arguments()
        )
    except ValidationError as error:
        form.add_service_errors(error)
        return answer_invalid(request, form, template, context)
    if not wants_json(request):
        messages.success(request, _("The observation is stored."))
    url = reverse("observations:received", args=[observation.pk])
    return answer_stored(request, url, created=created, id=observation.pk)


@require_safe
@for_role(can_report_observations)
def received(request: HttpRequest, pk: int) -> HttpResponse:
    """What was stored: the report as abide placed it, and each file with what it says of
    itself (an image's EXIF). It is the reporter's: anyone else who may see the observation
    is sent to its page, which shows them what they may see of it."""
    observation = get_observation_for(request.user, pk)
    if observation.reported_by_id != request.user.pk:
        return redirect("observations:detail", pk=observation.pk)
    context = {
        "observation": observation,
        "actors": observation.actors.select_related("party"),
        "evidence": observation.evidence.all(),
        "may_correct": can_correct(request.user, observation),
    }
    return render(request, "observations/received.html", context)


@require_safe
@for_role(can_report_observations)
def mine(request: HttpRequest) -> HttpResponse:
    """The reporter's own reports with their status, and the patrols they recorded."""
    rows = (
        get_own_reports_for(request.user)
        .select_related("category", "subtype")
        .prefetch_related("verification_steps")[:200]
    )
    context = {
        "rows": [(row, can_correct(request.user, row)) for row in rows],
        "patrols": get_recent_patrols_for(request.user, days=90)[:50],
    }
    return render(request, "observations/mine.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@for_role(can_report_observations)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    observation = get_observation_for(request.user, pk)
    if not can_correct(request.user, observation):
        raise PermissionDenied(
            _("only its reporter may correct an observation, and only before it is reviewed")
        )
    template = "observations/edit.html"
    context = {**_map_context(request.user), "observation": observation}
    if request.method in ("GET", "HEAD"):
        form = CorrectionForm(user=request.user, observation=observation)
        return render(request, template, {**context, "form": form})
    form = CorrectionForm(request.POST, user=request.user, observation=observation)
    if not form.is_valid():
        return answer_invalid(request, form, template, context)
    try:
        correct_observation(observation, actor=request.user, **form.report_arguments())
    except ValidationError as error:
        form.add_service_errors(error)
        return answer_invalid(request, form, template, context)
    messages.success(request, _("The correction is stored."))
    return redirect("observations:received", pk=observation.pk)
