"""Reports through the API: the list, one report's metadata and links, and its JSON document
in a language. Reading needs no account; the public and partners see published reports and
their public tier, the mission all reports and the internal tier (see
:mod:`abide.reports.access`)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from abide.accounts.api_auth import READ
from abide.core.pagination import Pages
from abide.reports import access, building, jsonout
from abide.reports.listing import period_label, report_title
from abide.reports.models import REPORT_LANGUAGES, Report

router = Router(tags=["reports"], auth=READ)
PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


class ReportLanguageOut(Schema):
    language: str
    title: str
    page: str
    pdf: str
    json_url: str
    api: str


class ReportOut(Schema):
    id: int
    kind: str
    period_kind: str
    period: str
    start: dt.date
    end: dt.date
    commitment: int | None
    state: str
    version: int
    corrects: int | None
    correction_note: str
    published_at: dt.datetime | None
    title: str
    url: str


class ReportDetailOut(ReportOut):
    tier: str
    languages: list[ReportLanguageOut]
    corrected_by: list[int]


def _row(request: HttpRequest, report: Report) -> dict:
    return {
        "id": report.pk,
        "kind": report.kind,
        "period_kind": report.period_kind,
        "period": period_label(report),
        "start": report.period_start,
        "end": report.period_end - dt.timedelta(days=1),
        "commitment": report.commitment_id,
        "state": report.state,
        "version": report.version,
        "corrects": report.corrects_id,
        "correction_note": report.correction_note,
        "published_at": report.published_at,
        "title": report_title(report),
        "url": request.build_absolute_uri(f"/api/reports/{report.pk}"),
    }


@router.get("/reports", response=list[ReportOut])
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_reports(request: HttpRequest, state: str = "", kind: str = "") -> list[dict]:
    """The reports the caller may see (the public: the published ones), the latest published
    (then drafted) first; a page at a time (``page``, ``page_size`` up to 500) with the
    ``count`` of all. Filters: ``state`` (draft, approved, published) and ``kind`` (period,
    dossier)."""
    reports = access.get_reports_for(request.user)
    if state:
        reports = reports.filter(state=state)
    if kind:
        reports = reports.filter(kind=kind)
    reports = reports.order_by("-published_at", "-created_at", "-pk")
    return [_row(request, report) for report in reports]


@router.get("/reports/{report_id}", response=ReportDetailOut)
def get_report(request: HttpRequest, report_id: int) -> dict:
    """One report: what it covers, its state and versions, and the addresses of its page, PDF
    and JSON in each language."""
    from django.utils.translation import override

    report = access.get_report_for(request.user, report_id)
    languages = []
    for code in REPORT_LANGUAGES:
        with override(code):
            title = report_title(report)
        base = f"/reports/{report.pk}/{code}/"
        languages.append(
            {
                "language": code,
                "title": title,
                "page": request.build_absolute_uri(base),
                "pdf": request.build_absolute_uri(f"{base}pdf/"),
                "json_url": request.build_absolute_uri(f"{base}json/"),
                "api": request.build_absolute_uri(f"/api/reports/{report.pk}/{code}"),
            }
        )
    corrected_by = access.get_reports_for(request.user).filter(corrects=report)
    return {
        **_row(request, report),
        "tier": access.tier_for(request.user),
        "languages": languages,
        "corrected_by": list(corrected_by.values_list("pk", flat=True)),
    }


@router.get("/reports/{report_id}/{language}", response={200: dict})
def get_report_document(request: HttpRequest, report_id: int, language: str) -> HttpResponse:
    """The report's JSON document in ``language`` (en, ar, hy, ru, tr), of the caller's tier
    (the schema is ``data/report.schema.json`` of the reports app)."""
    if language not in REPORT_LANGUAGES:
        raise HttpError(404, f"language: {language!r} is not one of {', '.join(REPORT_LANGUAGES)}")
    report = access.get_report_for(request.user, report_id)
    document = building.document_for(report, access.tier_for(request.user))
    from django.utils.translation import override

    with override(language):
        text = jsonout.render_json(document, language)
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Language"] = language
    return response
