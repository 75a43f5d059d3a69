"""Recording a patrol from a phone: where and when a team looked, even if it saw nothing."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from abide.observations.access import can_record_patrols
from abide.observations.forms import PatrolForm
from abide.observations.patrols import record_patrol
from abide.observations.views.offline import answer_invalid, answer_stored, for_role, wants_json


@require_http_methods(["GET", "HEAD", "POST"])
@for_role(can_record_patrols)
def new_patrol(request: HttpRequest) -> HttpResponse:
    template = "observations/patrol.html"
    context = {"map_tile_url": settings.ABIDE_MAP_TILE_URL, "map_center": None}
    if request.method in ("GET", "HEAD"):
        return render(request, template, {**context, "form": PatrolForm()})
    form = PatrolForm(request.POST)
    if not form.is_valid():
        return answer_invalid(request, form, template, context)
    arguments = form.patrol_arguments()
    try:
        patrol = record_patrol(actor=request.user, **arguments)
    except ValidationError as error:
        form.add_service_errors(error)
        return answer_invalid(request, form, template, context)
    if not wants_json(request):
        messages.success(request, _("The patrol is recorded."))
    url = reverse("observations:mine") + f"#patrol-{patrol.pk}"
    return answer_stored(request, url, created=True, id=patrol.pk)
