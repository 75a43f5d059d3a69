"""The analysts' queue of reported observations: verify, corroborate or dispute each, or
several at once, with a reason; link reports of one event.

Thin: what a user may see comes from ``get_observations_for``, what they may do from
``observations/access.py``, and every change from one service (which checks again)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from abide.geo.svgmap import point_map
from abide.observations.access import can_verify_observations, get_observations_for
from abide.observations.models import Observation, Status
from abide.observations.review import review_observations
from abide.observations.services import ALLOWED_TRANSITIONS, event_candidates, link_as_one_event

PAGE_SIZE = 20
#: Nearby reports shown with each observation, nearest first.
CANDIDATES = 5


def verifier(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in analysts and the head of mission only: anyone else is sent to log in (when
    not signed in) or refused (403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_verify_observations(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@dataclass
class Item:
    """One observation of the queue with what its reviewer needs beside it."""

    observation: Observation
    map: str = ""
    candidates: list[Observation] = field(default_factory=list)
    transitions: list[tuple[str, str]] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    reason: str = ""
    #: Whether the nearby reports were looked up (else the page loads them on demand).
    nearby: bool = False
    #: The status it was moved to, once decided from this page.
    decided: str = ""


def _item(observation: Observation, *, nearby: bool = False, **kwargs: Any) -> Item:
    labels = dict(Status.choices)
    where = observation.place_name or observation.admin1 or observation.country
    return Item(
        observation,
        map=point_map(
            observation.latitude,
            observation.longitude,
            title=_("Where: %(place)s") % {"place": where} if where else _("Where"),
            highlight=observation.country,
        ),
        candidates=event_candidates(observation)[:CANDIDATES] if nearby else [],
        nearby=nearby,
        transitions=[(s, labels[s]) for s in ALLOWED_TRANSITIONS.get(observation.status, ())],
        **kwargs,
    )


def _errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {key: [str(m) for m in messages] for key, messages in error.message_dict.items()}
    return {"__all__": list(error.messages)}


def _page_number(request: HttpRequest) -> int:
    try:
        return max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        return 1


def _queue_page(
    request: HttpRequest, *, bulk_errors: dict | None = None, status: int = 200
) -> HttpResponse:
    number = _page_number(request)
    start = (number - 1) * PAGE_SIZE
    rows = list(
        get_observations_for(request.user)
        .filter(status=Status.REPORTED)
        .select_related("category", "subtype")
        .prefetch_related("evidence", "actors")
        .order_by("reported_at", "pk")[start : start + PAGE_SIZE + 1]
    )
    context = {
        "items": [_item(o) for o in rows[:PAGE_SIZE]],
        "page": number,
        "has_next": len(rows) > PAGE_SIZE,
        "bulk_transitions": [
            (s, label) for s, label in Status.choices if s in ALLOWED_TRANSITIONS[Status.REPORTED]
        ],
        "bulk_errors": bulk_errors or {},
        "bulk_reason": request.POST.get("reason", "") if bulk_errors else "",
    }
    return render(request, "observations/review.html", context, status=status)


@require_safe
@verifier
def review(request: HttpRequest) -> HttpResponse:
    return _queue_page(request)


@require_safe
@verifier
def one(request: HttpRequest, pk: int) -> HttpResponse:
    """One observation of the queue with the reports nearby (the page without script)."""
    observation = _visible(request, pk)
    item = _item(observation, nearby=True)
    return render(request, "observations/review_one.html", {"item": item})


@require_safe
@verifier
def nearby(request: HttpRequest, pk: int) -> HttpResponse:
    """The reports nearby in time and place, to link as one event: loaded into the queue's
    item when it comes into view, so the queue's page does not wait for every item's."""
    observation = _visible(request, pk)
    item = _item(observation, nearby=True)
    return render(request, "observations/_review_nearby.html", {"item": item})


def _visible(request: HttpRequest, pk: int) -> Observation:
    observation = get_observations_for(request.user).filter(pk=pk).first()
    if observation is None:
        raise Http404(_("no such observation"))
    return observation


def _respond(request: HttpRequest, item: Item, done: str, status: int = 200) -> HttpResponse:
    """The item again (htmx swaps it in place), or back to the queue with ``done`` said."""
    if request.htmx:
        return render(request, "observations/_review_item.html", {"item": item}, status=status)
    if status == 200:
        messages.success(request, done)
        return redirect("observations:review")
    return render(request, "observations/review_one.html", {"item": item}, status=status)


@require_POST
@verifier
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Move one observation to the status chosen, from the status its reviewer saw."""
    observation = _visible(request, pk)
    to_status = request.POST.get("to_status", "")
    reason = request.POST.get("reason", "")
    try:
        review_observations(
            [observation.pk],
            to_status,
            actor=request.user,
            reason=reason,
            from_status=request.POST.get("from_status", Status.REPORTED),
        )
    except ValidationError as error:
        observation.refresh_from_db()
        item = _item(observation, errors=_errors(error), reason=reason, nearby=True)
        return _respond(request, item, "", status=422)
    observation.refresh_from_db()
    item = Item(observation, decided=observation.get_status_display())
    return _respond(
        request,
        item,
        _("Observation %(id)s is now %(status)s.")
        % {"id": observation.pk, "status": observation.get_status_display()},
    )


@require_POST
@verifier
def decide_several(request: HttpRequest) -> HttpResponse:
    """Move the observations ticked to one status with one reason: all or none."""
    ids = request.POST.getlist("observation")
    try:
        numbers = [int(pk) for pk in ids]
    except ValueError:
        numbers = []
    visible = list(
        get_observations_for(request.user).filter(pk__in=numbers).values_list("pk", flat=True)
    )
    try:
        if len(visible) != len(set(numbers)):
            raise ValidationError({"observations": _("choose observations from the queue")})
        steps = review_observations(
            visible,
            request.POST.get("to_status", ""),
            actor=request.user,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        return _queue_page(request, bulk_errors=_errors(error), status=422)
    messages.success(
        request,
        _("%(count)d observations are now %(status)s.")
        % {"count": len(steps), "status": dict(Status.choices)[steps[0].to_status]},
    )
    return redirect("observations:review")


@require_POST
@verifier
def link_event(request: HttpRequest, pk: int) -> HttpResponse:
    """Link the observation and the nearby reports ticked as one event, with a reason."""
    observation = _visible(request, pk)
    try:
        others = [int(other) for other in request.POST.getlist("candidate")]
    except ValueError:
        others = []
    chosen = list(get_observations_for(request.user).filter(pk__in=others))
    reason = request.POST.get("event_reason", "")
    try:
        if not chosen:
            raise ValidationError({"candidate": _("tick at least one report of the same event")})
        event = link_as_one_event([observation, *chosen], actor=request.user, reason=reason)
    except ValidationError as error:
        errors = _errors(error)
        if "reason" in errors:
            errors["event_reason"] = errors.pop("reason")
        item = _item(observation, errors=errors, nearby=True)
        return _respond(request, item, "", status=422)
    observation.refresh_from_db()
    return _respond(
        request,
        _item(observation, nearby=True),
        _("Observation %(id)s is linked as one event (%(event)s).")
        % {"id": observation.pk, "event": event},
    )
