"""What lets the reporting and patrol pages work on a bad connection: the service worker, and
the answers a page's outbox understands (JSON for its fetch, a redirect for a plain post)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

#: The static files the pages need offline (cached when the service worker installs).
OFFLINE_ASSETS = (
    "web/abide.css",
    "django_htmx/htmx-2.min.js",
    "observations/reporting.css",
    "observations/outbox.js",
    "observations/report.js",
    "observations/picker.js",
    "leaflet/leaflet.js",
    "leaflet/leaflet.css",
    "leaflet/draw/leaflet.draw.js",
    "leaflet/draw/leaflet.draw.css",
    "leaflet/images/marker-icon.png",
    "leaflet/images/marker-icon-2x.png",
    "leaflet/images/marker-shadow.png",
    "leaflet/draw/images/spritesheet.png",
    "leaflet/draw/images/spritesheet.svg",
    "outlines/countries.geojson",
)
#: The pages that work offline once loaded.
OFFLINE_PAGES = ("observations:new", "observations:patrol-new")


#: The field in which the outbox says who made a submission.
OUTBOX_USER = "outbox_user"


def wants_json(request: HttpRequest) -> bool:
    """Whether the page's script sent this (it asks for JSON), not a plain form post."""
    return "application/json" in request.headers.get("Accept", "")


def for_role(allowed: Callable[[Any], bool]) -> Callable:
    """Only for users ``allowed`` says may: anonymous users are sent to sign in (the script
    gets 401), others refused (403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                if wants_json(request):
                    return JsonResponse({"error": _("sign in to send this")}, status=401)
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user):
                if wants_json(request):
                    return JsonResponse({"error": _("you may not do this")}, status=403)
                raise PermissionDenied
            made_by = request.POST.get(OUTBOX_USER) if request.method == "POST" else None
            if made_by is not None and made_by != str(request.user.pk):
                # Made on this phone by another user (a page kept offline from their session):
                # it waits for them, never stored in this user's name.
                return JsonResponse(
                    {"error": _("this was made by another user: it waits for them")}, status=409
                )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def answer_invalid(
    request: HttpRequest, form: Any, template: str, context: dict[str, Any]
) -> HttpResponse:
    """A refused submission: 422 with the errors beside the fields (as JSON for the script)."""
    if wants_json(request):
        return JsonResponse({"errors": form.error_data()}, status=422)
    return render(request, template, {**context, "form": form}, status=422)


def answer_stored(request: HttpRequest, url: str, *, created: bool, **data: Any) -> HttpResponse:
    """A stored submission: where to go next (201 for a new one, 200 for one stored before)."""
    if wants_json(request):
        return JsonResponse(
            {"url": url, "created": created, **data}, status=201 if created else 200
        )
    return redirect(url)


@lru_cache(maxsize=1)
def _version() -> str:
    """A digest of the assets and the worker itself: a new version empties the old cache."""
    digest = hashlib.sha256(get_template("observations/sw.js").template.source.encode())
    for name in OFFLINE_ASSETS:
        found = finders.find(name)
        if found:
            with open(found, "rb") as handle:
                digest.update(hashlib.sha256(handle.read()).digest())
    return digest.hexdigest()[:16]


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the root so that its scope is the whole site."""
    context = {
        "version": _version(),
        "assets_json": json.dumps([static(name) for name in OFFLINE_ASSETS]),
        "pages_json": json.dumps([reverse(name) for name in OFFLINE_PAGES]),
    }
    response = render(request, "observations/sw.js", context, content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
