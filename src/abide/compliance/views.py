"""The commitments list, the tracker and the commitment page with its review forms.

Thin: what a user may see comes from the ``get_*_for`` helpers, what they may do from the access
helpers, and every change from the one service that makes it (which checks the role again,
validates and audits)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST, require_safe

from abide.accounts.access import AnyUser, can_edit_registry
from abide.compliance import commitment_list
from abide.compliance.access import (
    can_link,
    can_override,
    can_sign_off,
    get_assessment_for,
    get_link_for,
    get_retraction_for,
    get_statements_for,
)
from abide.compliance.assessment import override, sign_off
from abide.compliance.commitment_list import commitment_list_page
from abide.compliance.cursor import Cursor, CursorError, read_cursor
from abide.compliance.forms import (
    AddLinkForm,
    ConfirmLinkForm,
    ConfirmRetractionForm,
    DismissRetractionForm,
    ExpiryForm,
    OverrideForm,
    RejectLinkForm,
    ReopenLinkForm,
    RetractionForm,
    ReviewForm,
    ScopeForm,
    SignOffForm,
    SupersedeForm,
    obligor_statements,
)
from abide.compliance.lifecycle import set_expiry, supersede
from abide.compliance.linking import add_link, confirm_link, reject_link, reopen_link, set_scope
from abide.compliance.models import (
    Assessment,
    AssessmentStatus,
    Lifecycle,
    Link,
    LinkState,
    Retraction,
    RetractionState,
    Scope,
)
from abide.compliance.retractions import (
    confirm_retraction,
    dismiss_retraction,
    flag_retraction,
)
from abide.compliance.tasks import catching_up
from abide.compliance.tracker import (
    commitment_detail,
    count_unanswered_demands_for,
    tracker_page,
    unanswered_demands_for,
)
from abide.compliance.tracker_filters import parse_list_filters
from abide.observations.access import get_observations_for
from abide.registry.access import (
    get_commitment_for,
    get_commitments_for,
    get_obligors_for,
)
from abide.registry.models import Category, Commitment, CommitmentKind, Statement

#: Rows on one page of the commitments list.
LIST_PER_PAGE = commitment_list.LIST_PER_PAGE


def _page_number(request: HttpRequest) -> int:
    try:
        return max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        return 1


def _list_cursor(raw: str) -> Cursor | None:
    """The commitments list's cursor ``raw`` stands for (None: none, or not one of its)."""
    if not raw:
        return None
    try:
        return read_cursor(raw, sort="", order="")
    except CursorError:
        return None


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    for name in ("page", "after", "before"):
        query.pop(name, None)
    return query.urlencode()


#: Open demands the tracker shows (the longest open), with how many there are in all.
OPEN_DEMANDS_SHOWN = 20


@require_safe
def commitments(request: HttpRequest) -> HttpResponse:
    party = request.GET.get("party", "")
    category = request.GET.get("category", "")
    kind = request.GET.get("kind", "")
    # A cursor that cannot be read (or of another order) is dropped: the page by number.
    after, before = (_list_cursor(request.GET.get(name, "")) for name in ("after", "before"))
    page = commitment_list_page(
        request.user,
        party=party,
        category=category,
        kind=kind,
        page=_page_number(request),
        after=after,
        before=before if after is None else None,
    )
    context = {
        "rows": page.rows,
        "page": page,
        "query": _query_without_page(request),
        "parties": get_obligors_for(request.user),
        "categories": Category.objects.all(),
        "kinds": CommitmentKind.choices,
        "selected": {"party": party, "category": category, "kind": kind},
    }
    template = (
        "compliance/_commitment_rows.html"
        if request.headers.get("HX-Request")
        else "compliance/commitments.html"
    )
    return render(request, template, context)


@require_safe
def tracker(request: HttpRequest) -> HttpResponse:
    # What is wrong in the query is dropped (a cursor of another sort too): the first page.
    filters = parse_list_filters(request.GET)
    selected = filters.query()
    page = tracker_page(
        request.user,
        page=_page_number(request),
        after=filters.after,
        before=filters.before,
        **selected,
    )
    context = {
        "rows": page.rows,
        "page": page,
        "query": _query_without_page(request),
        "parties": get_obligors_for(request.user),
        "categories": Category.objects.all(),
        "kinds": CommitmentKind.choices,
        "statuses": AssessmentStatus.choices,
        "sorts": SORT_CHOICES,
        "selected": selected,
        "open_demands": unanswered_demands_for(request.user, limit=OPEN_DEMANDS_SHOWN),
        "open_demands_count": count_unanswered_demands_for(request.user),
        "catching_up": catching_up(),
    }
    return render(request, "compliance/tracker.html", context)


#: What the tracker page offers to sort by.
SORT_CHOICES = (
    ("date_made", _lazy("date made")),
    ("status", _lazy("status")),
    ("deadline", _lazy("deadline")),
    ("obligor", _lazy("obligor")),
    ("category", _lazy("category")),
)


@require_safe
def commitment(request: HttpRequest, pk: int) -> HttpResponse:
    return _commitment_page(request, get_commitment_for(request.user, pk))


# --- the commitment page and its review forms -----------------------------------------------


@dataclass
class EvidenceRow:
    link: Link
    confirm: ReviewForm | None = None
    reject: ReviewForm | None = None
    #: For a decided link: take the decision back.
    reopen: ReviewForm | None = None


@dataclass
class ProposedRetractionRow:
    retraction: Retraction
    confirm: ReviewForm
    dismiss: ReviewForm


@dataclass
class HistoryRow:
    assessment: Assessment
    sign_off: ReviewForm | None = None
    override: ReviewForm | None = None


@dataclass
class Review:
    """The forms a user may use on a commitment page (each None where they may not)."""

    add_link: ReviewForm | None = None
    scope: ReviewForm | None = None
    #: What the scope holds that only the API sets (named places and a drawn area): kept as is.
    scope_places: int = 0
    scope_polygon: bool = False
    retraction: ReviewForm | None = None
    supersede: ReviewForm | None = None
    expiry: ReviewForm | None = None
    #: The form just sent back with its errors, if any.
    failed: ReviewForm | None = None
    #: Whether the page has a Review section at all.
    shown: bool = False


def _form(
    form_class: type[ReviewForm], key: str, bound: ReviewForm | None, **kwargs: Any
) -> ReviewForm:
    """The form sent back with its errors where it is this one, else a fresh one."""
    if bound is not None and bound.key == key:
        return bound
    return form_class(key=key, **kwargs)


def _statements_for(user: AnyUser, commitment: Commitment) -> QuerySet[Statement]:
    return obligor_statements(commitment, get_statements_for(user))


def _later_commitments_for(user: AnyUser, commitment: Commitment) -> QuerySet[Commitment]:
    """Commitments that might supersede ``commitment``: same obligor and category (the service
    checks the dates)."""
    return (
        get_commitments_for(user)
        .filter(obligor_party_id=commitment.obligor_party_id, category_id=commitment.category_id)
        .exclude(pk=commitment.pk)
        .order_by("-date_made", "-pk")
    )


def _commitment_page(
    request: HttpRequest,
    commitment: Commitment,
    *,
    bound: ReviewForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    detail = commitment_detail(user, commitment)
    linker = can_link(user)
    evidence = [
        EvidenceRow(
            link,
            _form(
                ConfirmLinkForm,
                f"confirm-{link.pk}",
                bound,
                initial={"bearing": link.bearing, "obligor_role": link.obligor_role},
            ),
            _form(RejectLinkForm, f"reject-{link.pk}", bound),
        )
        if linker and link.state == LinkState.CANDIDATE
        else EvidenceRow(link, reopen=_form(ReopenLinkForm, f"reopen-{link.pk}", bound))
        if linker
        else EvidenceRow(link)
        for link in detail.links
    ]
    signer, head = can_sign_off(user), can_override(user)
    history = [
        HistoryRow(
            assessment,
            _form(SignOffForm, f"sign-off-{assessment.pk}", bound)
            if signer and assessment.signed_off_by_id is None
            else None,
            _form(
                OverrideForm,
                f"override-{assessment.pk}",
                bound,
                initial={"status": assessment.status},
            )
            if head
            else None,
        )
        for assessment in detail.history
    ]
    proposed = [
        ProposedRetractionRow(
            retraction,
            _form(
                ConfirmRetractionForm,
                f"confirm-retraction-{retraction.pk}",
                bound,
                initial={"kind": retraction.kind},
            ),
            _form(DismissRetractionForm, f"dismiss-retraction-{retraction.pk}", bound),
        )
        for retraction in detail.proposed_retractions  # for those who may review them only
    ]
    review = Review(failed=bound if bound is not None and bound.errors else None)
    if linker:
        review.add_link = _form(AddLinkForm, "add-link", bound)
        scope = Scope.objects.filter(commitment=commitment).first()
        initial = {}
        if scope is not None:
            initial = {
                "countries": ", ".join(scope.countries),
                "admin_areas": ", ".join(scope.admin_areas),
                "population": scope.population,
            }
            review.scope_places = len(scope.places)
            review.scope_polygon = scope.polygon is not None
        review.scope = _form(ScopeForm, "scope", bound, initial=initial)
    if can_edit_registry(user):
        lifecycle = Lifecycle.objects.filter(commitment=commitment).first()
        if commitment.kind == CommitmentKind.PLEDGE:
            review.retraction = _form(
                RetractionForm,
                "retraction",
                bound,
                statements=_statements_for(user, commitment),
            )
        review.supersede = _form(
            SupersedeForm,
            "supersede",
            bound,
            commitments=_later_commitments_for(user, commitment),
            initial={"superseded_by": lifecycle.superseded_by_id if lifecycle else None},
        )
        review.expiry = _form(
            ExpiryForm,
            "expiry",
            bound,
            initial={"expires_on": lifecycle.expires_on if lifecycle else None},
        )
    review.shown = any((review.scope, review.retraction, review.supersede, review.expiry))
    context = {
        "detail": detail,
        "evidence": evidence,
        "history": history,
        "review": review,
        "proposed_retractions": proposed,
    }
    return render(request, "compliance/commitment.html", context, status=status)


def reviewer(
    may: Callable[[AnyUser], bool],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A review action: POST only (with its CSRF token), by a signed-in user (anyone else is
    sent to log in, and back to the commitment page after), on a commitment the user may see
    (404 otherwise), allowed by ``may``, the access helper that shows its form (403 otherwise;
    the service checks again). The view gets the commitment instead of its number."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(reverse("compliance:commitment", args=[pk]))
            commitment = get_commitment_for(request.user, pk)
            if not may(request.user):
                raise PermissionDenied
            return view(request, commitment, **kwargs)

        return require_POST(wrapper)

    return decorate


def _act(
    request: HttpRequest,
    commitment: Commitment,
    form: ReviewForm,
    perform: Callable[[dict], object],
    done: str,
) -> HttpResponse:
    """Call the service with the form's data: back to the page with ``done`` said if it worked,
    else the page again (422) with each error beside the field it names. The service's
    PermissionDenied becomes a 403."""
    if form.is_valid():
        try:
            perform(form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, done)
            return redirect("compliance:commitment", pk=commitment.pk)
    return _commitment_page(request, commitment, bound=form, status=422)


@reviewer(can_link)
def confirm_candidate(request: HttpRequest, commitment: Commitment, link_id: int) -> HttpResponse:
    link = get_link_for(request.user, link_id, commitment=commitment)
    return _act(
        request,
        commitment,
        ConfirmLinkForm(request.POST, key=f"confirm-{link.pk}"),
        lambda data: confirm_link(link, actor=request.user, **data),
        _("The link is confirmed."),
    )


@reviewer(can_link)
def reject_candidate(request: HttpRequest, commitment: Commitment, link_id: int) -> HttpResponse:
    link = get_link_for(request.user, link_id, commitment=commitment)
    return _act(
        request,
        commitment,
        RejectLinkForm(request.POST, key=f"reject-{link.pk}"),
        lambda data: reject_link(link, actor=request.user, reason=data["reason"]),
        _("The link is rejected."),
    )


@reviewer(can_link)
def reopen_decided_link(request: HttpRequest, commitment: Commitment, link_id: int) -> HttpResponse:
    link = get_link_for(request.user, link_id, commitment=commitment)
    return _act(
        request,
        commitment,
        ReopenLinkForm(request.POST, key=f"reopen-{link.pk}"),
        lambda data: reopen_link(link, actor=request.user, reason=data["reason"]),
        _("The link is reopened: it waits for a new decision."),
    )


@reviewer(can_link)
def link_observation(request: HttpRequest, commitment: Commitment) -> HttpResponse:

    def perform(data: dict) -> Link:
        observation = get_observations_for(request.user).filter(pk=data["observation"]).first()
        if observation is None:
            raise ValidationError({"observation": _("no such observation")})
        return add_link(
            commitment,
            observation,
            actor=request.user,
            bearing=data["bearing"],
            obligor_role=data["obligor_role"],
            reason=data["reason"],
        )

    return _act(
        request,
        commitment,
        AddLinkForm(request.POST, key="add-link"),
        perform,
        _("The observation is linked."),
    )


@reviewer(can_link)
def scope(request: HttpRequest, commitment: Commitment) -> HttpResponse:
    # Named places and a drawn area are set through the API only: the form keeps them.
    stored = Scope.objects.filter(commitment=commitment).first()
    return _act(
        request,
        commitment,
        ScopeForm(request.POST, key="scope"),
        lambda data: set_scope(
            commitment,
            actor=request.user,
            places=stored.places if stored else (),
            polygon=stored.polygon if stored else None,
            **data,
        ),
        _("The scope is saved."),
    )


@reviewer(can_sign_off)
def sign_off_assessment(
    request: HttpRequest, commitment: Commitment, assessment_id: int
) -> HttpResponse:
    assessment = get_assessment_for(request.user, assessment_id, commitment=commitment)
    return _act(
        request,
        commitment,
        SignOffForm(request.POST, key=f"sign-off-{assessment.pk}"),
        lambda data: sign_off(assessment, actor=request.user),
        _("The assessment is signed off."),
    )


@reviewer(can_override)
def override_assessment(
    request: HttpRequest, commitment: Commitment, assessment_id: int
) -> HttpResponse:
    assessment = get_assessment_for(request.user, assessment_id, commitment=commitment)
    return _act(
        request,
        commitment,
        OverrideForm(request.POST, key=f"override-{assessment.pk}"),
        lambda data: override(
            assessment, data["status"], actor=request.user, justification=data["justification"]
        ),
        _("The status is set."),
    )


@reviewer(can_edit_registry)
def retraction(request: HttpRequest, commitment: Commitment) -> HttpResponse:
    return _act(
        request,
        commitment,
        RetractionForm(
            request.POST,
            key="retraction",
            statements=_statements_for(request.user, commitment),
        ),
        lambda data: flag_retraction(
            commitment,
            data["statement"],
            kind=data["kind"],
            actor=request.user,
            reason=data["reason"],
        ),
        _("The statement is flagged as walking the pledge back."),
    )


def _proposed_retraction(request: HttpRequest, commitment: Commitment, pk: int) -> Retraction:
    return get_retraction_for(
        request.user, pk, commitment=commitment, state=RetractionState.PROPOSED
    )


@reviewer(can_edit_registry)
def confirm_proposed_retraction(
    request: HttpRequest, commitment: Commitment, retraction_id: int
) -> HttpResponse:
    retraction = _proposed_retraction(request, commitment, retraction_id)
    return _act(
        request,
        commitment,
        ConfirmRetractionForm(request.POST, key=f"confirm-retraction-{retraction.pk}"),
        lambda data: confirm_retraction(
            retraction, actor=request.user, reason=data["reason"], kind=data["kind"]
        ),
        _("The statement is confirmed as walking the pledge back."),
    )


@reviewer(can_edit_registry)
def dismiss_proposed_retraction(
    request: HttpRequest, commitment: Commitment, retraction_id: int
) -> HttpResponse:
    retraction = _proposed_retraction(request, commitment, retraction_id)
    return _act(
        request,
        commitment,
        DismissRetractionForm(request.POST, key=f"dismiss-retraction-{retraction.pk}"),
        lambda data: dismiss_retraction(retraction, actor=request.user, reason=data["reason"]),
        _("The proposal is dismissed."),
    )


@reviewer(can_edit_registry)
def superseded(request: HttpRequest, commitment: Commitment) -> HttpResponse:
    return _act(
        request,
        commitment,
        SupersedeForm(
            request.POST,
            key="supersede",
            commitments=_later_commitments_for(request.user, commitment),
        ),
        lambda data: supersede(
            commitment,
            by_commitment=data["superseded_by"],
            actor=request.user,
            reason=data["reason"],
        ),
        _("The commitment is marked as superseded."),
    )


@reviewer(can_edit_registry)
def expiry(request: HttpRequest, commitment: Commitment) -> HttpResponse:
    return _act(
        request,
        commitment,
        ExpiryForm(request.POST, key="expiry"),
        lambda data: set_expiry(
            commitment, data["expires_on"], actor=request.user, reason=data["reason"]
        ),
        _("The last day it binds is set."),
    )
