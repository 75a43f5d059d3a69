"""The actions of the observation page: each one POST calling one service.

A signed-in user only (anyone else is sent to log in); on an observation the user may see (404
otherwise); allowed by the access helper that shows its form (403 otherwise; the service checks
again). A service's ValidationError puts the page back (422) with the message beside the field.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from abide.accounts.access import AnyUser
from abide.observations.access import (
    can_comment,
    can_verify_observations,
    get_observation_for,
    get_observations_for,
)
from abide.observations.models import Observation
from abide.observations.services import (
    add_comment,
    grade,
    link_as_one_event,
    transition,
    unlink_from_event,
)
from abide.observations.views.forms import (
    CommentForm,
    GradeForm,
    LinkEventForm,
    TransitionForm,
    UnlinkEventForm,
)
from abide.observations.views.reading import detail_page


def action(
    may: Callable[[AnyUser, Observation], bool],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(reverse("observations:detail", args=[pk]))
            observation = get_observation_for(request.user, pk)
            if not may(request.user, observation):
                raise PermissionDenied
            return view(request, observation, **kwargs)

        return require_POST(wrapper)

    return decorate


def _verifier(user: AnyUser, observation: Observation) -> bool:
    return can_verify_observations(user)


def _act(
    request: HttpRequest,
    observation: Observation,
    form: Any,
    perform: Callable[[dict], object],
    done: str,
) -> HttpResponse:
    if form.is_valid():
        try:
            perform(form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, done)
            return redirect("observations:detail", pk=observation.pk)
    return detail_page(request, observation, bound=form, status=422)


@action(_verifier)
def change_status(request: HttpRequest, observation: Observation) -> HttpResponse:
    to_status = request.POST.get("to_status", "")
    return _act(
        request,
        observation,
        TransitionForm(request.POST, key=f"status-{to_status}"),
        lambda data: transition(
            observation, data["to_status"], actor=request.user, reason=data["reason"]
        ),
        _("The status is changed."),
    )


@action(_verifier)
def grade_observation(request: HttpRequest, observation: Observation) -> HttpResponse:
    return _act(
        request,
        observation,
        GradeForm(request.POST, key="grade"),
        lambda data: grade(
            observation,
            reliability=data["reliability"],
            credibility=data["credibility"],
            actor=request.user,
            reason=data["reason"],
        ),
        _("The grading is saved."),
    )


@action(_verifier)
def link_event(request: HttpRequest, observation: Observation) -> HttpResponse:
    other_id = request.POST.get("other", "")

    def perform(data: dict) -> object:
        other = get_observations_for(request.user).filter(pk=data["other"]).first()
        if other is None:
            raise ValidationError({"other": _("no such observation")})
        return link_as_one_event([observation, other], actor=request.user, reason=data["reason"])

    return _act(
        request,
        observation,
        LinkEventForm(request.POST, key=f"link-{other_id}"),
        perform,
        _("The observations are linked as one event."),
    )


@action(_verifier)
def unlink_event(request: HttpRequest, observation: Observation) -> HttpResponse:
    return _act(
        request,
        observation,
        UnlinkEventForm(request.POST, key="unlink"),
        lambda data: unlink_from_event(observation, actor=request.user, reason=data["reason"]),
        _("The observation is taken out of its event."),
    )


@action(can_comment)
def comment(request: HttpRequest, observation: Observation) -> HttpResponse:
    return _act(
        request,
        observation,
        CommentForm(request.POST, key="comment"),
        lambda data: add_comment(observation, data["text"], actor=request.user),
        _("Your comment is added."),
    )
