"""What the report site says of a report around its body: its title and period in the
reader's language, the languages it is offered in, and where each version lives."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from abide.reports import spec
from abide.reports.models import REPORT_LANGUAGES, Report, ReportKind


def period_label(report: Report) -> str:
    """The period as written in commands and URLs: 2023-W39, 2023-09, 2023-09-27 or a range."""
    return spec.period_label(report.period_kind, report.period_start, report.period_end)


def report_title(report: Report) -> str:
    """The report's title in the active language."""
    if report.kind == ReportKind.DOSSIER:
        title = _("Commitment dossier: commitment %(id)s") % {"id": report.commitment_id}
    else:
        titles = {
            "day": _("Daily report, %(period)s"),
            "week": _("Weekly report, %(period)s"),
            "month": _("Monthly report, %(period)s"),
        }
        title = titles.get(report.period_kind, _("Report, %(period)s")) % {
            "period": period_label(report)
        }
    if report.version > 1:
        title = _("%(title)s (version %(version)s)") % {"title": title, "version": report.version}
    return title


def language_links(report: Report, current: str = "") -> list[dict]:
    """The five languages the report is offered in, each named in its own language, with the
    URLs of its page, PDF and JSON."""
    from django.utils.translation import get_language_info

    links = []
    for code in REPORT_LANGUAGES:
        with override(code):
            title = report_title(report)
        links.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "title": title,
                "current": code == current,
                "url": reverse("reports:report", args=[report.pk, code]),
                "pdf": reverse("reports:pdf", args=[report.pk, code]),
                "json": reverse("reports:json", args=[report.pk, code]),
            }
        )
    return links
