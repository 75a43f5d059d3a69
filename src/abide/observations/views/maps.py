"""The map of observations and the data it draws: cells when zoomed out, points when in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from abide.accounts.access import AnyUser, is_mission_reader
from abide.observations import mapcells
from abide.observations.access import sees_exact_places
from abide.observations.mapdata import POINTS_ZOOM, Box, map_data, parse_zoom
from abide.observations.models import MapCell
from abide.observations.views.filters import filtered_observations
from abide.registry.models import Category

#: One colour per category, in the categories' order (distinct for readers with colour
#: blindness as far as nine colours can be: Okabe-Ito's eight and a grey).
PALETTE = (
    "#D55E00",
    "#0072B2",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
    "#000000",
    "#999999",
)


def category_colours() -> list[dict[str, str]]:
    return [
        {"slug": c.slug, "name": str(c.name), "colour": PALETTE[number % len(PALETTE)]}
        for number, c in enumerate(Category.objects.order_by("position"))
    ]


@require_safe
def observation_map(request: HttpRequest) -> HttpResponse:
    form, _queryset = filtered_observations(request.user, request.GET)
    context = {
        "form": form,
        "categories": category_colours(),
        "tile_url": settings.ABIDE_MAP_TILE_URL,
        "tile_attribution": settings.ABIDE_MAP_TILE_ATTRIBUTION,
        "points_zoom": POINTS_ZOOM,
        "query": request.GET.urlencode(),
    }
    return render(request, "observations/map.html", context)


#: The filters the map's summary table answers.
SUMMED_FILTERS = {"category", "since", "until"}


def summary_of(user: AnyUser, form: Any) -> dict[str, Any]:
    """How the map's summary table answers for ``user`` and the filters of ``form``: which
    viewer's rows and which category and days; nothing (count the observations) for a viewer
    or a filter it cannot answer exactly. Analysts, the head of mission and administrators see
    every observation; the public (not signed in) the published ones: each has rows of its
    own. Observers and partners also see their own reports: counted."""
    data = form.cleaned_data
    if any(value for name, value in data.items() if name not in SUMMED_FILTERS):
        return {}
    if not mapcells.is_current():  # an import's days not counted yet
        return {}
    if is_mission_reader(user):
        viewer = MapCell.Viewer.EVERY
    elif not user.is_authenticated:
        viewer = MapCell.Viewer.PUBLIC
    else:
        return {}
    category = None
    if data.get("category"):
        category = Category.objects.filter(slug=data["category"]).values_list("pk", flat=True)
        category = category.first()
    return {
        "summary": viewer,
        "category_id": category,
        "since": data.get("since"),
        "until": data.get("until"),
    }


@require_safe
def observation_map_data(request: HttpRequest) -> HttpResponse:
    """JSON for the map: ``?zoom=&bbox=west,south,east,north&<the list's filters>``."""
    # The box is the map's own (cells are answered whole), not the list's filter.
    query = request.GET.copy()
    query.pop("bbox", None)
    form, queryset = filtered_observations(request.user, query)
    errors: dict[str, list[str]] = {
        name: [str(message) for message in messages] for name, messages in form.errors.items()
    }
    try:
        zoom = parse_zoom(request.GET.get("zoom"))
        box = Box.parse(request.GET.get("bbox") or "-180,-90,180,90")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        return JsonResponse({"errors": errors}, status=422)
    user = request.user
    public = not sees_exact_places(user)
    answer = map_data(queryset, zoom=zoom, box=box, public=public, **summary_of(user, form))
    response = JsonResponse(answer)
    response["Cache-Control"] = "private, no-cache"
    return response
