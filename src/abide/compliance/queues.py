"""The analysts' queues of proposed links and proposed retractions, across commitments:
oldest first, filtered by commitment, party or category, decided in place or several at once.

Thin: the rows come from the access helpers, every decision from one service
(``compliance/review.py``, which calls ``confirm_link``, ``reject_link``,
``confirm_retraction`` and ``dismiss_retraction`` and checks the role again)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from abide.accounts.access import AnyUser, can_edit_registry
from abide.compliance.access import can_link, get_link_for, get_retraction_for
from abide.compliance.models import (
    Bearing,
    Link,
    LinkState,
    ObligorRole,
    Retraction,
    RetractionState,
)
from abide.compliance.review import decide_links, decide_retractions
from abide.observations.access import get_observations_for
from abide.registry.access import get_commitments_for, get_parties_for
from abide.registry.models import Category

PAGE_SIZE = 25


def allowed(may: Callable[[AnyUser], bool]) -> Callable:
    """Signed-in users whom ``may`` allows; anyone else is sent to log in or refused."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not may(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


@dataclass
class Queue:
    """What one queue's page and rows need: its items, filters and page."""

    kind: str
    items: list
    page: int
    has_next: bool
    selected: dict[str, str]
    query: str
    errors: dict[str, list[str]] = field(default_factory=dict)
    reason: str = ""


@dataclass
class Row:
    """One link or retraction with its errors (if a decision failed) or its decision."""

    item: Any
    errors: dict[str, list[str]] = field(default_factory=dict)
    reason: str = ""
    decided: str = ""


def _errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {key: [str(m) for m in messages] for key, messages in error.message_dict.items()}
    return {"__all__": list(error.messages)}


def _filtered(rows: QuerySet, request: HttpRequest) -> tuple[QuerySet, dict[str, str]]:
    selected = {
        key: request.GET.get(key, "").strip() for key in ("commitment", "party", "category")
    }
    if selected["commitment"]:
        try:
            rows = rows.filter(commitment_id=int(selected["commitment"]))
        except ValueError:
            selected["commitment"] = ""
    if selected["party"]:
        rows = rows.filter(commitment__obligor_party__slug=selected["party"])
    if selected["category"]:
        rows = rows.filter(commitment__category__slug=selected["category"])
    return rows, selected


def _page(request: HttpRequest, rows: QuerySet, kind: str, time_field: str, **extra: Any) -> Queue:
    try:
        number = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        number = 1
    rows, selected = _filtered(rows, request)
    start = (number - 1) * PAGE_SIZE
    found = list(rows.order_by(time_field, "pk")[start : start + PAGE_SIZE + 1])
    query = request.GET.copy()
    query.pop("page", None)
    return Queue(
        kind,
        [Row(item) for item in found[:PAGE_SIZE]],
        number,
        len(found) > PAGE_SIZE,
        selected,
        query.urlencode(),
        **extra,
    )


def _render_queue(request: HttpRequest, queue: Queue, status: int = 200) -> HttpResponse:
    context = {
        "queue": queue,
        "parties": get_parties_for(request.user).order_by("slug"),
        "categories": Category.objects.order_by("position"),
        "bearings": Bearing.choices,
        "roles": ObligorRole.choices,
    }
    return render(request, f"compliance/queue_{queue.kind}.html", context, status=status)


# --- links ----------------------------------------------------------------------------------


def _visible(rows: QuerySet, user: AnyUser, *, observations: bool = False) -> QuerySet:
    """``rows`` (links or retractions) of the commitments, and observations, ``user`` may see:
    checked row by row (EXISTS), so that a page of the oldest stops after its rows instead of
    listing every commitment the mission holds first."""
    rows = rows.filter(
        Exists(get_commitments_for(user).order_by().filter(pk=OuterRef("commitment_id")))
    )
    if observations:
        rows = rows.filter(
            Exists(get_observations_for(user).order_by().filter(pk=OuterRef("observation_id")))
        )
    return rows


def _links_for(user: AnyUser) -> QuerySet[Link]:
    """The candidate links of the commitments and observations ``user`` may see."""
    return (
        _visible_links(user)
        .filter(state=LinkState.CANDIDATE)
        .select_related(
            "commitment", "commitment__obligor_party", "commitment__category", "observation"
        )
    )


def _link_queue(request: HttpRequest, **extra: Any) -> Queue:
    return _page(request, _links_for(request.user), "links", "created_at", **extra)


@require_safe
@allowed(can_link)
def link_queue(request: HttpRequest) -> HttpResponse:
    return _render_queue(request, _link_queue(request))


def _visible_links(user: AnyUser) -> QuerySet[Link]:
    return _visible(Link.objects.all(), user, observations=True)


def _in_place(
    request: HttpRequest, template: str, row: Row, done: str, back: str, status: int = 200
) -> HttpResponse:
    """The row again (htmx swaps it in place, with its errors), or back to the queue
    ``back`` with what was done, or what went wrong, said."""
    if request.htmx:
        context = {"row": row, "bearings": Bearing.choices, "roles": ObligorRole.choices}
        return render(request, template, context, status=status)
    if status == 200:
        messages.success(request, done)
    else:
        for errors in row.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(back)


@require_POST
@allowed(can_link)
def decide_link(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    link = get_link_for(request.user, pk)
    reason = request.POST.get("reason", "")
    try:
        decide_links(
            [link.pk],
            decision,
            actor=request.user,
            reason=reason,
            bearing=request.POST.get("bearing") or None,
            obligor_role=request.POST.get("obligor_role") or None,
        )
    except ValidationError as error:
        link = _links_related(link.pk)
        row = Row(link, errors=_errors(error), reason=reason)
        return _in_place(
            request, "compliance/_queue_link.html", row, "", "compliance:link-queue", status=422
        )
    link = _links_related(link.pk)
    row = Row(link, decided=link.get_state_display())
    return _in_place(
        request,
        "compliance/_queue_link.html",
        row,
        _("Link %(id)s is %(state)s.") % {"id": link.pk, "state": link.get_state_display()},
        "compliance:link-queue",
    )


def _links_related(pk: int) -> Link:
    return Link.objects.select_related(
        "commitment", "commitment__obligor_party", "commitment__category", "observation"
    ).get(pk=pk)


def _ticked(request: HttpRequest, name: str) -> list[int]:
    try:
        return [int(pk) for pk in request.POST.getlist(name)]
    except ValueError:
        return []


@require_POST
@allowed(can_link)
def decide_several_links(request: HttpRequest) -> HttpResponse:
    ids = _ticked(request, "link")
    visible = list(_visible_links(request.user).filter(pk__in=ids).values_list("pk", flat=True))
    reason = request.POST.get("reason", "")
    try:
        if len(visible) != len(set(ids)):
            raise ValidationError({"links": _("choose links from the queue")})
        decided = decide_links(
            visible, request.POST.get("decision", ""), actor=request.user, reason=reason
        )
    except ValidationError as error:
        queue = _link_queue(request, errors=_errors(error), reason=reason)
        return _render_queue(request, queue, status=422)
    messages.success(request, _("%(count)d links decided.") % {"count": len(decided)})
    return redirect("compliance:link-queue")


# --- retractions ----------------------------------------------------------------------------


def _retractions_for(user: AnyUser) -> QuerySet[Retraction]:
    return _visible(Retraction.objects.all(), user).select_related(
        "commitment",
        "commitment__obligor_party",
        "commitment__category",
        "statement",
        "statement__source",
        "statement__speaker_person",
        "statement__speaker_party",
    )


def _retraction_queue(request: HttpRequest, **extra: Any) -> Queue:
    rows = _retractions_for(request.user).filter(state=RetractionState.PROPOSED)
    return _page(request, rows, "retractions", "flagged_at", **extra)


@require_safe
@allowed(can_edit_registry)
def retraction_queue(request: HttpRequest) -> HttpResponse:
    return _render_queue(request, _retraction_queue(request))


@require_POST
@allowed(can_edit_registry)
def decide_retraction(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    retraction = get_retraction_for(request.user, pk)
    reason = request.POST.get("reason", "")
    try:
        decide_retractions([retraction.pk], decision, actor=request.user, reason=reason)
    except ValidationError as error:
        row = Row(_retractions_for(request.user).get(pk=pk), errors=_errors(error), reason=reason)
        return _in_place(
            request,
            "compliance/_queue_retraction.html",
            row,
            "",
            "compliance:retraction-queue",
            status=422,
        )
    retraction = _retractions_for(request.user).get(pk=pk)
    row = Row(retraction, decided=retraction.get_state_display())
    return _in_place(
        request,
        "compliance/_queue_retraction.html",
        row,
        _("Retraction %(id)s is %(state)s.")
        % {"id": retraction.pk, "state": retraction.get_state_display()},
        "compliance:retraction-queue",
    )


@require_POST
@allowed(can_edit_registry)
def decide_several_retractions(request: HttpRequest) -> HttpResponse:
    ids = _ticked(request, "retraction")
    visible = list(_retractions_for(request.user).filter(pk__in=ids).values_list("pk", flat=True))
    reason = request.POST.get("reason", "")
    try:
        if len(visible) != len(set(ids)):
            raise ValidationError({"retractions": _("choose retractions from the queue")})
        decided = decide_retractions(
            visible, request.POST.get("decision", ""), actor=request.user, reason=reason
        )
    except ValidationError as error:
        queue = _retraction_queue(request, errors=_errors(error), reason=reason)
        return _render_queue(request, queue, status=422)
    messages.success(request, _("%(count)d retractions decided.") % {"count": len(decided)})
    return redirect("compliance:retraction-queue")
