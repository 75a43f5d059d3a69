"""The review queue of proposed commitments: confirm, correct and confirm, reject, merge."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from abide.registry.access import get_commitments_for
from abide.registry.forms import EditCommitmentForm, MergeForm, ReasonForm, ReviewFilterForm
from abide.registry.merging import merge_commitments
from abide.registry.models import Commitment
from abide.registry.review import (
    edit_and_confirm_commitment,
    merge_candidates,
    review_queue_for,
)
from abide.registry.services import confirm_commitment, reject_commitment
from abide.registry.views.common import add_errors, desk

EDIT_FIELDS = tuple(EditCommitmentForm.base_fields)


def _edit_form(commitment: Commitment) -> EditCommitmentForm:
    return EditCommitmentForm(
        initial={name: getattr(commitment, name) for name in EDIT_FIELDS},
        prefix=f"c{commitment.pk}",
    )


def _row_context(commitment: Commitment, candidates: list[Commitment], **forms_: object) -> dict:
    return {
        "c": commitment,
        "edit": forms_.get("edit") or _edit_form(commitment),
        "reject": forms_.get("reject") or ReasonForm(prefix=f"r{commitment.pk}"),
        "merge": forms_.get("merge") or MergeForm(prefix=f"m{commitment.pk}"),
        "confirm": forms_.get("confirm") or ReasonForm(prefix=f"k{commitment.pk}"),
        "candidates": candidates,
    }


@require_safe
@desk
def queue(request: HttpRequest) -> HttpResponse:
    filters = ReviewFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    page = review_queue_for(
        request.user,
        source=chosen.get("source"),
        party=chosen.get("party"),
        category=chosen.get("category"),
        kind=chosen.get("kind", ""),
        confidence=chosen.get("confidence"),
        page=request.GET.get("page") or 1,
    )
    rows = list(page.object_list)
    candidates = merge_candidates(rows)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "rows": [_row_context(c, candidates[c.pk]) for c in rows],
        "filters": filters,
        "query": query.urlencode(),
    }
    return render(request, "registry/review.html", context)


def _act(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    prefix: str,
    slot: str,
    act: Callable[[Commitment, dict], object],
    done: str,
) -> HttpResponse:
    """Validate one action's form and call its service; the row again (htmx) or the queue."""
    commitment = get_object_or_404(get_commitments_for(request.user), pk=pk)
    form = form_class(request.POST, prefix=f"{prefix}{pk}")
    if form.is_valid():
        try:
            act(commitment, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            commitment.refresh_from_db()
            if request.htmx:
                return render(
                    request, "registry/_review_done.html", {"c": commitment, "done": done}
                )
            messages.success(request, done)
            return redirect(request.POST.get("next") or "registry:review")
    context = _row_context(
        commitment, merge_candidates([commitment])[commitment.pk], **{slot: form}
    )
    context["open"] = slot
    return render(
        request,
        "registry/_review_row.html" if request.htmx else "registry/review_one.html",
        context,
        status=422,
    )


@require_POST
@desk
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        forms.Form,
        "k",
        "confirm",
        lambda c, data: confirm_commitment(c, actor=request.user),
        _("Confirmed."),
    )


@require_POST
@desk
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        EditCommitmentForm,
        "c",
        "edit",
        lambda c, data: edit_and_confirm_commitment(c, actor=request.user, **data),
        _("Corrected and confirmed."),
    )


@require_POST
@desk
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        ReasonForm,
        "r",
        "reject",
        lambda c, data: reject_commitment(c, actor=request.user, reason=data["reason"]),
        _("Rejected."),
    )


@require_POST
@desk
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    def act(duplicate: Commitment, data: dict) -> object:
        keep = get_commitments_for(request.user).filter(pk=data["keep"]).first()
        if keep is None:
            raise ValidationError({"keep": _("There is no commitment %d.") % data["keep"]})
        return merge_commitments(keep, duplicate, actor=request.user, reason=data["reason"])

    return _act(request, pk, MergeForm, "m", "merge", act, _("Merged into the one it repeats."))
