"""The report site: published reports in every language (page, PDF, JSON), and the mission's
pages to draft, approve, publish and correct them. Views are thin: what a user may see comes
from :mod:`abide.reports.access`, every change is one service of :mod:`abide.reports.services`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from abide.accounts.access import AnyUser
from abide.core.files import write_atomically
from abide.observations.access import get_observations_for
from abide.reports import access, building, html, jsonout, pdf, services
from abide.reports.forms import CorrectionForm, IncidentsForm, NewReportForm, SummaryForm
from abide.reports.listing import language_links, period_label, report_title
from abide.reports.models import REPORT_LANGUAGES, Report, ReportState

#: Reports per page of the public list.
PAGE_SIZE = 30
#: The most observations offered as notable incidents on a draft's page.
MAX_CANDIDATES = 300


def _language(lang: str) -> str:
    if lang not in REPORT_LANGUAGES:
        raise Http404("no such language")
    return lang


def _published(user: AnyUser) -> QuerySet[Report]:
    return access.get_reports_for(user).filter(state=ReportState.PUBLISHED)


# --- The public site ---------------------------------------------------------------------


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Published reports, newest first, each offered in every language."""
    reports = _published(request.user).order_by("-published_at", "-pk")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"report": report, "title": report_title(report), "languages": language_links(report)}
        for report in page
    ]
    feeds = [{**link, "feed": f"/reports/feed/{link['code']}/"} for link in _feed_links()]
    return render(request, "reports/index.html", {"rows": rows, "page": page, "feeds": feeds})


def _feed_links() -> list[dict]:
    from django.urls import reverse
    from django.utils.translation import get_language_info

    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": reverse("reports:feed", args=[code]),
        }
        for code in REPORT_LANGUAGES
    ]


@require_safe
def report_default(request: HttpRequest, pk: int) -> HttpResponse:
    """A report's address without a language: the reader's language, or English."""
    access.get_report_for(request.user, pk)
    language = get_language() if get_language() in REPORT_LANGUAGES else "en"
    return redirect("reports:report", pk=pk, lang=language)


@require_safe
def report_page(request: HttpRequest, pk: int, lang: str) -> HttpResponse:
    """The report in one language, of the tier the reader may see, inside the site's page."""
    lang = _language(lang)
    report = access.get_report_for(request.user, pk)
    tier = access.tier_for(request.user)
    document = building.document_for(report, tier)
    with override(lang):
        body = html.render_html(document, lang, request=request, page=False)
        context = {
            "report": report,
            "title": report_title(report),
            "period": period_label(report),
            "body": mark_safe(body),
            "tier": tier,
            "language": lang,
            "report_languages": language_links(report, current=lang),
            "corrections": _published(request.user).filter(corrects=report),
            "may_draft": access.can_draft_reports(request.user),
        }
        response = render(request, "reports/report.html", context)
    response["Content-Language"] = lang
    return response


def _pdf_path(report: Report, lang: str, tier: str) -> Path:
    # Named by the moment of publication too: a database restored or reset can give the same
    # number to another report, which must never be served the first one's PDF.
    published = report.published_at.strftime("%Y%m%dT%H%M%S%f")
    return Path(settings.DATA_DIR) / "reports" / str(report.pk) / f"{tier}-{lang}-{published}.pdf"


def cached_pdf(report: Report, lang: str, tier: str) -> bytes:
    """The report's PDF; a published report's is rendered once and kept in the data folder
    (it never changes), a draft's every time."""
    if report.state != ReportState.PUBLISHED:
        return pdf.render_pdf(building.document_for(report, tier), lang)
    path = _pdf_path(report, lang, tier)
    if path.exists():
        return path.read_bytes()
    data = pdf.render_pdf(building.document_for(report, tier), lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data)
    return data


@require_safe
def report_pdf(request: HttpRequest, pk: int, lang: str) -> HttpResponse:
    lang = _language(lang)
    report = access.get_report_for(request.user, pk)
    tier = access.tier_for(request.user)
    with override(lang):
        data = cached_pdf(report, lang, tier)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="abide-report-{report.pk}-v{report.version}-{lang}.pdf"'
    )
    response["Content-Language"] = lang
    return response


@require_safe
def report_json(request: HttpRequest, pk: int, lang: str) -> HttpResponse:
    lang = _language(lang)
    report = access.get_report_for(request.user, pk)
    document = building.document_for(report, access.tier_for(request.user))
    with override(lang):
        text = jsonout.render_json(document, lang)
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Language"] = lang
    return response


# --- The mission's pages -----------------------------------------------------------------


def _drafter(request: HttpRequest) -> HttpResponse | None:
    """A redirect to the login page for the anonymous, 403 for those who may not draft."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.can_draft_reports(request.user):
        raise PermissionDenied
    return None


@require_http_methods(["GET", "HEAD", "POST"])
def drafts(request: HttpRequest) -> HttpResponse:
    """Every report of the mission, latest first, and the form for a new one."""
    if (refused := _drafter(request)) is not None:
        return refused
    form = NewReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                report = services.create_report(form.spec, actor=request.user)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The draft is made."))
                return redirect("reports:draft", pk=report.pk)
        status = 422
    reports = access.get_reports_for(request.user).order_by("-created_at", "-pk")
    rows = [{"report": report, "title": report_title(report)} for report in reports[:200]]
    return render(request, "reports/drafts.html", {"rows": rows, "form": form}, status=status)


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _candidates(request: HttpRequest, report: Report) -> list[tuple[int, str]]:
    """The observations of the report's period the drafter may see, to choose incidents from
    (those already chosen first)."""
    import datetime as dt

    start = dt.datetime.combine(report.period_start, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(report.period_end, dt.time.min, tzinfo=dt.UTC)
    chosen = list(report.incidents.values_list("observation_id", flat=True))
    rows = (
        get_observations_for(request.user)
        .filter(observed_start__gte=start, observed_start__lt=end)
        .select_related("category", "subtype")
        .order_by("observed_start", "pk")
    )
    seen = {}
    for observation in (
        get_observations_for(request.user)
        .filter(pk__in=chosen)
        .select_related("category", "subtype")
    ):
        seen[observation.pk] = observation
    for observation in rows[:MAX_CANDIDATES]:
        seen.setdefault(observation.pk, observation)
    choices = []
    for observation in seen.values():
        what = observation.subtype or observation.category
        where = observation.place_name or observation.admin1 or observation.country
        label = f"#{observation.pk} · {observation.observed_start:%Y-%m-%d %H:%M} · {what}"
        if where:
            label += f" · {where}"
        choices.append((observation.pk, label))
    return choices


def _draft_context(request: HttpRequest, report: Report, **forms) -> dict:
    lang = request.GET.get("lang") or get_language()
    lang = lang if lang in REPORT_LANGUAGES else "en"
    document = building.document_for(report, "internal")
    with override(lang):
        preview = html.render_html(document, lang, request=request, page=False)
    chosen = list(report.incidents.values_list("observation_id", flat=True))
    summaries = {summary.language: summary for summary in report.summaries.all()}
    return {
        "report": report,
        "title": report_title(report),
        "period": period_label(report),
        "preview": mark_safe(preview),
        "preview_language": lang,
        "report_languages": language_links(report, current=lang),
        "summaries": [
            {"code": link["code"], "name": link["name"], "summary": summaries.get(link["code"])}
            for link in language_links(report)
        ],
        "incidents_form": forms.get("incidents_form")
        or IncidentsForm(initial={"observations": chosen}, choices=_candidates(request, report)),
        "summary_form": forms.get("summary_form") or SummaryForm(initial={"language": lang}),
        "correction_form": forms.get("correction_form") or CorrectionForm(),
        "errors": forms.get("errors", []),
        "done": forms.get("done", ""),
        "is_draft": report.state == ReportState.DRAFT,
        "is_approved": report.state == ReportState.APPROVED,
        "is_published": report.state == ReportState.PUBLISHED,
        "may_approve": access.can_approve_reports(request.user),
        "may_publish": access.can_publish_reports(request.user),
        "corrections": access.get_reports_for(request.user).filter(corrects=report),
    }


@require_safe
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    """A report as the mission works on it: preview, incidents, summaries, its workflow."""
    if (refused := _drafter(request)) is not None:
        return refused
    report = access.get_report_for(request.user, pk)
    return render(request, "reports/draft.html", _draft_context(request, report))


def _act(
    request: HttpRequest,
    pk: int,
    action: Callable[[Report], tuple[str, str]],
    form_name: str = "",
    form: forms.Form | None = None,
) -> HttpResponse:
    """Run one service on the report (``action`` answers what was done and where to go next):
    back to the page with what was done said, or the page again with the errors. An htmx
    request gets the draft's working part again instead (its forms and its preview)."""
    if (refused := _drafter(request)) is not None:
        return refused
    report = access.get_report_for(request.user, pk)
    errors: list[str] = []
    extra = {form_name: form} if form is not None else {}
    if form is None or form.is_valid():
        try:
            done, url = action(report)
        except ValidationError as exc:
            errors = exc.messages
        else:
            if request.htmx and form_name in FRAGMENT_FORMS:
                report.refresh_from_db()
                context = _draft_context(request, report, done=done)
                return render(request, "reports/_draft_work.html", context)
            messages.success(request, done)
            return redirect(url)
    context = _draft_context(request, report, errors=errors, **extra)
    template = "reports/draft.html"
    if request.htmx and form_name in FRAGMENT_FORMS:
        template = "reports/_draft_work.html"
    return render(request, template, context, status=422)


#: The forms of the draft's working part, which htmx sends and swaps in place.
FRAGMENT_FORMS = ("incidents_form", "summary_form")


def _draft_url(report: Report, language: str = "") -> str:
    from django.urls import reverse

    url = reverse("reports:draft", args=[report.pk])
    return f"{url}?lang={language}" if language else url


@require_POST
def choose_incidents(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for(request.user, pk) if request.user.is_authenticated else None
    choices = _candidates(request, report) if report is not None else []
    form = IncidentsForm(request.POST, choices=choices)

    def act(report: Report) -> tuple[str, str]:
        services.set_incidents(report, form.cleaned_data["observations"], actor=request.user)
        return _("The notable incidents are saved."), _draft_url(report)

    return _act(request, pk, act, "incidents_form", form)


@require_POST
def write_summary(request: HttpRequest, pk: int) -> HttpResponse:
    form = SummaryForm(request.POST)

    def act(report: Report) -> tuple[str, str]:
        data = form.cleaned_data
        services.set_summary(
            report,
            data["language"],
            data["text"],
            is_original=data["is_original"],
            actor=request.user,
        )
        return _("The summary is saved."), _draft_url(report, data["language"])

    return _act(request, pk, act, "summary_form", form)


@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    def act(report: Report) -> tuple[str, str]:
        services.approve_report(report, actor=request.user)
        return _("The report is approved."), _draft_url(report)

    return _act(request, pk, act)


@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    def act(report: Report) -> tuple[str, str]:
        services.publish_report(report, actor=request.user)
        return _("The report is published."), _draft_url(report)

    return _act(request, pk, act)


@require_POST
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    form = CorrectionForm(request.POST)

    def act(report: Report) -> tuple[str, str]:
        new = services.correct_report(report, actor=request.user, note=form.cleaned_data["note"])
        return _("A new version is drafted to correct the report."), _draft_url(new)

    return _act(request, pk, act, "correction_form", form)
