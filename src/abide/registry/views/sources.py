"""The sources: the list, adding one (queued for the worker), its job, and what was read in it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from abide.registry.access import get_sources_for
from abide.registry.forms import SelectionForm, SourceFilterForm, SourceForm
from abide.registry.highlight import marks_for, segments
from abide.registry.jobs import get_job_for, queue_ingest
from abide.registry.models import Category, Commitment, ReviewState, Source, WalkBack
from abide.registry.selection import add_commitment_from_selection, add_statement_from_selection
from abide.registry.views.common import add_errors, desk

PAGE_SIZE = 25


@require_http_methods(["GET", "HEAD", "POST"])
@desk
def sources(request: HttpRequest) -> HttpResponse:
    form = SourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = queue_ingest(
                actor=request.user,
                text=form.cleaned_data["text"],
                file_name=upload.name if upload else "",
                file_data=upload.read() if upload else None,
                published=form.cleaned_data["published"],
                publisher=form.cleaned_data["publisher"],
                url=form.cleaned_data["url"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("registry:job", job_id=job.id)
    filters = SourceFilterForm(request.GET)
    rows = get_sources_for(request.user).annotate(
        proposed=Count(
            "statements__commitments",
            filter=Q(statements__commitments__review_state=ReviewState.PROPOSED),
            distinct=True,
        )
    )
    if filters.is_valid():
        data = filters.cleaned_data
        if data["q"]:
            rows = rows.filter(title__icontains=data["q"])
        if data["publisher"]:
            rows = rows.filter(publisher__icontains=data["publisher"])
        if data["language"]:
            rows = rows.filter(language=data["language"])
        if data["since"]:
            rows = rows.filter(published__gte=data["since"])
        if data["until"]:
            rows = rows.filter(published__lte=data["until"])
    rows = rows.order_by(F("published").desc(nulls_last=True), "-ingested_at", "-pk").defer(
        "text", "metadata"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "filters": filters, "page": page, "query": query.urlencode()}
    return render(request, "registry/sources.html", context, status=status)


@require_safe
@desk
def job(request: HttpRequest, job_id: str) -> HttpResponse:
    try:
        found = get_job_for(request.user, job_id)
    except LookupError as exc:
        raise Http404(_("No such job.")) from exc
    template = "registry/_job.html" if request.htmx else "registry/job.html"
    return render(request, template, {"job": found})


@require_safe
@desk
def source(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(get_sources_for(request.user), pk=pk)
    return _source_page(request, found, SelectionForm())


def _source_page(
    request: HttpRequest, found: Source, selection: SelectionForm, status: int = 200
) -> HttpResponse:
    statements = list(
        found.statements.select_related("speaker_person", "speaker_party").prefetch_related(
            "chain__person", "chain__party"
        )
    )
    commitments = list(
        Commitment.objects.filter(statements__source=found)
        .distinct()
        .select_related(
            "obligor_party",
            "obligor_person",
            "demanded_by_party",
            "demanded_by_person",
            "category",
            "merged_into",
        )
        .prefetch_related("statements")
        .order_by("pk")
    )
    walk_backs = list(
        WalkBack.objects.filter(statement__source=found).select_related(
            "party", "category", "statement"
        )
    )
    context = {
        "source": found,
        "segments": segments(found.text, marks_for(found, statements, commitments, walk_backs)),
        "statements": statements,
        "commitments": commitments,
        "walk_backs": walk_backs,
        "selection": selection,
        "categories": Category.objects.all(),
    }
    return render(request, "registry/source.html", context, status=status)


@require_POST
@desk
def select(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a statement, or a commitment resting on one, from words selected in the text."""
    found = get_object_or_404(get_sources_for(request.user), pk=pk)
    form = SelectionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["what"] == "statement":
                made = add_statement_from_selection(
                    found,
                    actor=request.user,
                    start=data["start"],
                    end=data["end"],
                    mode=data["mode"],
                    speaker_party=data["party"],
                )
                messages.success(request, _("The statement is added."))
                return redirect(f"{reverse('registry:source', args=[pk])}#statement-{made.pk}")
            if not data["kind"]:
                raise ValidationError({"kind": _("Say whether it is a pledge or a demand.")})
            if data["category"] is None:
                raise ValidationError({"category": _("A commitment needs a category.")})
            made = add_commitment_from_selection(
                found,
                actor=request.user,
                start=data["start"],
                end=data["end"],
                mode=data["mode"],
                kind=data["kind"],
                category=data["category"],
                obligor_party=data["party"],
                text=data["text"],
            )
            messages.success(request, _("The commitment is added, proposed for review."))
            return redirect(f"{reverse('registry:source', args=[pk])}#commitment-{made.pk}")
        except ValidationError as exc:
            add_errors(form, exc)
    return _source_page(request, found, form, status=422)
