"""A report document as HTML in one language: a whole page (its CSS inline, for the command
line and the PDF) or only the report's body, for the site's own page around it.

Every word abide writes goes through gettext in the reader's language; figures and dates are
written the language's way (``formatting``); words people wrote keep their language.

    render_html(document, "hy")              # '<!DOCTYPE html><html lang="hy" dir="ltr">...'
    render_html(document, "ar", page=False)  # '<article class="report" lang="ar" dir="rtl">...'
"""

from __future__ import annotations

import re

from babel.lists import format_list
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext, override, pgettext

from abide.compliance.models import AssessmentStatus, RetractionState
from abide.observations.models import Direction, PublicPrecision
from abide.registry.models import CommitmentKind, WalkBackKind
from abide.reports import drawings, formatting
from abide.reports.models import ReportState, Tier

#: Stands where the reading time goes until the words are counted.
_READING = "\u2063reading-time\u2063"
_TAG = re.compile(r"<(style|svg|script)\b.*?</\1>|<[^>]+>", re.S)


def render_html(
    document: dict, language: str, *, request: HttpRequest | None = None, page: bool = True
) -> str:
    """The report in ``language``: a standalone page when ``page``, else only its body."""
    return render(document, language, request=request, page=page)


def render(
    document: dict,
    language: str,
    *,
    request: HttpRequest | None = None,
    page: bool = True,
    for_print: bool = False,
) -> str:
    """``render_html``, and for the PDF (``for_print``) with the charts' words in visual
    order and the print styles."""
    with override(language):
        context = report_context(document, language, for_print=for_print)
        context["page"] = page
        context["for_print"] = for_print
        body = render_to_string("reports/_report.html", context, request=request)
        minutes = formatting.reading_time(reading_text(body), language)
        body = body.replace(_READING, minutes)
        if not page:
            return body
        context["body"] = body
        context["footer_css"] = footer_css()
        return render_to_string("reports/report_page.html", context, request=request)


def footer_css() -> str:
    """The CSS ``content`` of the page footer, "Page 3 of 12" in the active language."""
    words = gettext("Page %(page)s of %(pages)s").replace("\\", "").replace('"', "'")
    return '"' + (
        words.replace("%(page)s", '" counter(page) "').replace("%(pages)s", '" counter(pages) "')
    ) + '"'


def reading_text(html: str) -> str:
    """The words a reader reads in the HTML: its text without tags, styles or drawings."""
    return _TAG.sub(" ", html)


def _status(value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(AssessmentStatus(value).label)
    except ValueError:
        return value


def _choice(choices: type, value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def title(document: dict, language: str) -> str:
    """The report's title in the language."""
    period = document["period"]
    when = formatting.interval(period["start"], period["end"], language)
    if document["kind"] == "dossier" and document.get("dossier"):
        commitment = document["dossier"]["commitment"]
        return gettext("Commitment dossier: %(obligor)s, %(category)s") % {
            "obligor": formatting.name((commitment["obligor"] or {}).get("names"), language)
            or gettext("unspecified"),
            "category": formatting.name(commitment["category"]["names"], language),
        }
    titles = {
        "day": gettext("Daily report: %(period)s"),
        "week": gettext("Weekly report: %(period)s"),
        "month": gettext("Monthly report: %(period)s"),
    }
    return titles.get(period["kind"], gettext("Report: %(period)s")) % {"period": when}


def chain_text(chain: list[dict], language: str) -> str:
    """Who said it to whom and who passed it on: "Ilham Aliyev told Antony Blinken, Matthew
    Miller reported it and Armenpress published it"."""
    parts = []
    for link in chain:
        who = formatting.name(link.get("who"), language)
        to = formatting.name(link.get("to"), language)
        relation = link.get("relation", "")
        if relation == "told" and to:
            parts.append(
                pgettext("attribution chain", "%(who)s told %(to)s") % {"who": who, "to": to}
            )
        elif relation in ("said", "told"):
            parts.append(pgettext("attribution chain", "%(who)s said it") % {"who": who})
        elif relation == "reported":
            parts.append(pgettext("attribution chain", "%(who)s reported it") % {"who": who})
        elif relation == "published":
            parts.append(pgettext("attribution chain", "%(who)s published it") % {"who": who})
        else:
            parts.append(f"{who} ({relation})")
    if not parts:
        return ""
    return format_list(parts, locale=formatting.locale(language))


def _casualties(values: dict | None, language: str) -> dict | None:
    if not values:
        return None
    return {
        key: formatting.number(values.get(key, 0), language) for key in ("low", "best", "high")
    }


def _figure(figure: dict, language: str) -> dict:
    return {
        "category": formatting.name(figure["category"]["names"], language),
        "subtype": formatting.name((figure.get("subtype") or {}).get("names"), language),
        "direction": _choice(Direction, figure.get("direction")),
        "current": formatting.number(figure["current"], language),
        "previous": formatting.number(figure["previous"], language),
        "change": formatting.signed(figure["change"], language),
        "change_sign": (figure["change"] > 0) - (figure["change"] < 0),
        "casualties": _casualties(figure.get("casualties"), language),
        "url": figure["observations_url"],
    }


def _statement(statement: dict, language: str) -> dict:
    source = statement.get("source") or {}
    return {
        "quote": formatting.shown(statement["quote"], language),
        "date": formatting.date(statement.get("date"), language),
        "chain": chain_text(statement.get("chain", []), language),
        "source_title": source.get("title", ""),
        "source_url": source.get("url", ""),
        "publisher": source.get("publisher", ""),
        "published": formatting.date(source.get("published"), language),
    }


def _walk_back(entry: dict, language: str) -> dict:
    return {
        "kind": _choice(WalkBackKind, entry.get("kind")),
        "date": formatting.date(entry.get("date"), language),
        "quote": formatting.shown(entry.get("quote"), language),
        "state": _choice(RetractionState, entry.get("state")),
        "reason": entry.get("reason", ""),
    }


def _commitment(entry: dict, language: str) -> dict:
    return {
        "id": entry["id"],
        "url": entry["url"],
        "kind": _choice(CommitmentKind, entry["kind"]),
        "obligor": formatting.name((entry.get("obligor") or {}).get("names"), language),
        "demanded_by": formatting.name((entry.get("demanded_by") or {}).get("names"), language),
        "category": formatting.name(entry["category"]["names"], language),
        "text": formatting.shown(entry["text"], language),
        "date_made": formatting.date(entry.get("date_made"), language),
        "deadline": formatting.date(entry.get("deadline"), language),
        "status": entry["status"],
        "status_label": _status(entry["status"]),
        "previous_status_label": _status(entry.get("previous_status")),
        "changed": entry.get("changed", False),
        "statements": [_statement(s, language) for s in entry.get("statements", [])],
        "walk_backs": [_walk_back(w, language) for w in entry.get("walk_backs", [])],
        "open_days_count": entry.get("open_days"),
        "open_days": (
            formatting.number(entry["open_days"], language)
            if entry.get("open_days") is not None
            else None
        ),
    }


def _place(place: dict, language: str) -> dict:
    names = [part for part in (place.get("name"), place.get("admin1")) if part]
    country = place.get("country") or ""
    if country:
        names.append(formatting.locale(language).territories.get(country, country))
    latitude, longitude = place.get("latitude"), place.get("longitude")
    coordinates = ""
    if latitude is not None and longitude is not None:
        coordinates = f"{formatting.number(latitude, language)}, " + formatting.number(
            longitude, language
        )
    precision = place.get("precision") or ""
    return {
        "name": ", ".join(names),
        "coordinates": coordinates,
        "precision": _choice(PublicPrecision, precision) if precision != "exact" else "",
    }


def _incident(entry: dict, language: str) -> dict:
    return {
        "observation": entry["observation"],
        "url": entry["url"],
        "start": formatting.datetime(entry.get("start"), language),
        "end": formatting.datetime(entry.get("end"), language),
        "category": formatting.name(entry["category"]["names"], language),
        "subtype": formatting.name((entry.get("subtype") or {}).get("names"), language),
        "place": _place(entry.get("place") or {}, language),
        "narrative": formatting.shown(entry.get("narrative"), language),
    }


def _summary(document: dict, language: str) -> formatting.Shown | None:
    summaries = document.get("summaries") or []
    if not summaries:
        return None
    original, *others = summaries
    translations = dict(original.get("translations") or {})
    for other in others:
        translations.setdefault(other.get("language", ""), other.get("text", ""))
    return formatting.shown({**original, "translations": translations}, language)


def _coverage(document: dict, language: str) -> dict:
    coverage = document.get("coverage") or {}
    territories = formatting.locale(language).territories
    return {
        "areas": [
            {
                "country": territories.get(area["country"], area["country"]),
                "admin1": area.get("admin1", ""),
                "patrols": formatting.number(area["patrols"], language),
                "observations": formatting.number(area["observations"], language),
                "uncovered": not area["patrols"] and not area["observations"],
            }
            for area in coverage.get("areas", [])
        ],
        "not_assessable": [
            {"id": pk, "url": f"/tracker/{pk}/"} for pk in coverage.get("not_assessable", [])
        ],
    }


def _dossier(document: dict, language: str) -> dict | None:
    dossier = document.get("dossier")
    if not dossier:
        return None
    lifecycle = dossier.get("lifecycle") or {}
    return {
        "commitment": _commitment(dossier["commitment"], language),
        "history": [
            {
                "period": h["period"],
                "start": formatting.date(h["start"], language),
                "status": h["status"],
                "status_label": _status(h["status"]),
            }
            for h in dossier.get("history", [])
        ],
        "evidence": [_incident(e, language) for e in dossier.get("evidence", [])],
        "retractions": [_walk_back(r, language) for r in dossier.get("retractions", [])],
        "superseded_by": lifecycle.get("superseded_by"),
        "superseded_on": formatting.date(lifecycle.get("superseded_on"), language),
        "expires_on": formatting.date(lifecycle.get("expires_on"), language),
    }


def report_context(document: dict, language: str, *, for_print: bool = False) -> dict:
    """What the templates show, every word and figure already in the language (call inside
    ``translation.override(language)``)."""
    report = document.get("report") or {}
    corrects = report.get("corrects")
    period, previous = document["period"], document["previous_period"]
    casualties = document.get("casualties") or {}
    legend = drawings.map_legend(document, language)
    tier = document["tier"]
    return {
        "document": document,
        "language": language,
        "direction": formatting.direction(language),
        "title": title(document, language),
        "reading_time": _READING,
        "report_id": report.get("id"),
        "version": (
            formatting.number(report["version"], language) if report.get("version") else ""
        ),
        "state": _choice(ReportState, report.get("state")),
        "state_code": report.get("state", ""),
        "corrects": (
            {"id": corrects["id"], "note": corrects.get("note", "")} if corrects else None
        ),
        "published_at": formatting.datetime(report.get("published_at"), language),
        "generated_at": formatting.datetime(document.get("generated_at"), language),
        "tier": tier,
        "tier_label": _choice(Tier, tier),
        "period_label": period["label"],
        "period_text": formatting.interval(period["start"], period["end"], language),
        "previous_text": formatting.interval(previous["start"], previous["end"], language),
        "summary": _summary(document, language),
        "figures": [_figure(f, language) for f in document.get("figures", [])],
        "casualties_current": _casualties(casualties.get("current"), language),
        "casualties_previous": _casualties(casualties.get("previous"), language),
        "commitments": [_commitment(c, language) for c in document.get("commitments", [])],
        "walk_backs": [
            {"commitment": c["id"], "url": c["url"], **_walk_back(w, language)}
            for c in document.get("commitments", [])
            for w in c.get("walk_backs", [])
        ],
        "open_demands": [
            {
                "commitment": d["commitment"],
                "url": f"/tracker/{d['commitment']}/",
                "obligor": formatting.name((d.get("obligor") or {}).get("names"), language),
                "demanded_by": formatting.name(
                    (d.get("demanded_by") or {}).get("names"), language
                ),
                "category": formatting.name(d["category"]["names"], language),
                "text": formatting.shown(d["text"], language),
                "since": formatting.date(d.get("since"), language),
                "age": formatting.number(d["age_days"], language),
                "age_days": d["age_days"],
            }
            for d in document.get("open_demands", [])
        ],
        "incidents": [_incident(i, language) for i in document.get("incidents", [])],
        "map": drawings.report_map(document, language, legend),
        "map_legend": legend,
        "trend": drawings.trend_chart(document, language, for_print=for_print),
        "coverage": _coverage(document, language),
        "dossier": _dossier(document, language),
        "font_stack": font_stack(language),
    }


#: The fonts of each language, its own script's Noto first (Debian's ``fonts-noto-core``).
FONTS = {
    "ar": '"Noto Sans Arabic", "Noto Naskh Arabic", "Noto Sans", "DejaVu Sans", sans-serif',
    "hy": '"Noto Sans Armenian", "Noto Sans", "DejaVu Sans", sans-serif',
}
DEFAULT_FONTS = (
    '"Noto Sans", "Noto Sans Armenian", "Noto Sans Arabic", "DejaVu Sans", sans-serif'
)


def font_stack(language: str) -> str:
    """The CSS font-family of a language: its script's Noto font first, then the others for
    names and quotes in other scripts."""
    base = FONTS.get(language)
    if base is None:
        return DEFAULT_FONTS
    return base.replace("sans-serif", '"Noto Sans Armenian", "Noto Sans Arabic", sans-serif')
