"""What a report covers, before it is stored: the period, the scope, or one commitment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ReportSpec:
    kind: str  # "period" or "dossier"
    period_kind: str  # "day", "week", "month", "range" ("" for a dossier)
    start: dt.date  # first day
    end: dt.date  # day after the last
    countries: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    commitments: tuple[int, ...] = ()
    commitment: int | None = None  # the dossier's commitment
    extra: dict = field(default_factory=dict, compare=False)


class SpecError(ValueError):
    """A period, scope or commitment that cannot be reported on; ``field`` says which part
    ("period", "scope" or "commitment")."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


PERIOD_EXAMPLES = (
    "2023-W39 (an ISO week), 2023-09 (a month), 2023-09-27 (a day), 2023-09-20/2023-09-30"
)
SCOPE_KEYS = ("country", "area", "commitment")


def _day(text: str) -> dt.date:
    if len(text) != 10:
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def parse_period(text: str) -> tuple[str, dt.date, dt.date]:
    """``(kind, first day, day after the last)`` of a period as written."""
    text = (text or "").strip()
    bad = SpecError(
        "period",
        _("%(text)r is not a period: write %(examples)s")
        % {"text": text, "examples": PERIOD_EXAMPLES},
    )
    try:
        if "/" in text:
            first, last = (part.strip() for part in text.split("/", 1))
            start, end = _day(first), _day(last)
            if end < start:
                raise SpecError(
                    "period",
                    _("%(last)s is before %(first)s: the period must end on or after its start")
                    % {"first": first, "last": last},
                )
            return "range", start, end + dt.timedelta(days=1)
        if "-W" in text:
            year, week = text.split("-W")
            if len(year) != 4 or len(week) != 2:
                raise ValueError(text)
            start = dt.date.fromisocalendar(int(year), int(week), 1)
            return "week", start, start + dt.timedelta(days=7)
        if len(text) == 7:
            start = dt.date.fromisoformat(f"{text}-01")
            return "month", start, (start + dt.timedelta(days=32)).replace(day=1)
        start = _day(text)
        return "day", start, start + dt.timedelta(days=1)
    except SpecError:
        raise
    except ValueError:
        raise bad from None


def parse_scope(text: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...]]:
    """``(countries, areas, commitments)`` of
    ``country:AM,country:AZ,area:Syunik,commitment:12``."""
    countries: list[str] = []
    areas: list[str] = []
    commitments: list[int] = []
    for raw in (text or "").split(","):
        item = raw.strip()
        if not item:
            continue
        key, sep, value = item.partition(":")
        key, value = key.strip().lower(), value.strip()
        if not sep or key not in SCOPE_KEYS or not value:
            raise SpecError(
                "scope",
                _(
                    "%(item)r is not a part of a scope: write country:AM, area:Syunik or "
                    "commitment:12, separated by commas"
                )
                % {"item": item},
            )
        if key == "country":
            if len(value) != 2 or not value.isalpha() or not value.isascii():
                raise SpecError(
                    "scope",
                    _("%(value)r is not a two-letter country code (ISO 3166-1)") % {"value": value},
                )
            if value.upper() not in countries:
                countries.append(value.upper())
        elif key == "area":
            if value not in areas:
                areas.append(value)
        else:
            if not value.isdigit() or int(value) < 1:
                raise SpecError(
                    "scope",
                    _("%(value)r is not the number of a commitment") % {"value": value},
                )
            if int(value) not in commitments:
                commitments.append(int(value))
    return tuple(countries), tuple(areas), tuple(commitments)


def parse_spec(
    period: str | None,
    *,
    scope: str = "",
    commitment: int | None = None,
    today: dt.date,
) -> ReportSpec:
    """What a report covers, from the words of a command or a form: a period and a scope, or
    (``commitment``) one commitment's dossier over its whole life, up to ``today``. A
    :class:`SpecError` (a ValueError) names the part that is wrong."""
    from abide.registry.models import Commitment

    countries, areas, commitments = parse_scope(scope)
    if commitments:
        known = set(Commitment.objects.filter(pk__in=commitments).values_list("pk", flat=True))
        missing = [str(pk) for pk in commitments if pk not in known]
        if missing:
            raise SpecError(
                "scope", _("no commitment numbered %(ids)s") % {"ids": ", ".join(missing)}
            )
    if commitment is not None:
        if period:
            raise SpecError(
                "period",
                _(
                    "a commitment's dossier covers its whole life: give a period or a "
                    "commitment, not both"
                ),
            )
        try:
            pk = int(commitment)
        except (TypeError, ValueError):
            raise SpecError(
                "commitment",
                _("%(value)r is not the number of a commitment") % {"value": commitment},
            ) from None
        found = Commitment.objects.filter(pk=pk).first()
        if found is None:
            raise SpecError("commitment", _("no commitment numbered %(id)s") % {"id": pk})
        start = _first_day_of(found) or today
        end = max(today, start) + dt.timedelta(days=1)
        return ReportSpec(
            kind="dossier",
            period_kind="",
            start=start,
            end=end,
            countries=countries,
            areas=areas,
            commitments=commitments,
            commitment=pk,
        )
    if not period:
        raise SpecError(
            "period",
            _("give a period (%(examples)s) or a commitment") % {"examples": PERIOD_EXAMPLES},
        )
    kind, start, end = parse_period(period)
    return ReportSpec(
        kind="period",
        period_kind=kind,
        start=start,
        end=end,
        countries=countries,
        areas=areas,
        commitments=commitments,
    )


def _first_day_of(commitment: object) -> dt.date | None:
    """The first day of a commitment's life: the day it was made, else its earliest statement's
    day or its source's publication, else the day it was recorded."""
    from django.db.models import Min

    if commitment.date_made:
        return commitment.date_made
    found = commitment.statements.aggregate(
        spoken=Min("date_spoken"), published=Min("source__published")
    )
    return found["spoken"] or found["published"] or commitment.created_at.date()


def period_label(kind: str, start: dt.date, end: dt.date) -> str:
    """The period as written: ``2023-W39``, ``2023-09``, ``2023-09-27`` or ``first/last``."""
    if kind == "week":
        year, week, _weekday = start.isocalendar()
        return f"{year}-W{week:02d}"
    if kind == "month":
        return f"{start:%Y-%m}"
    if kind == "day":
        return start.isoformat()
    return f"{start.isoformat()}/{(end - dt.timedelta(days=1)).isoformat()}"


def previous_of(kind: str, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length just before: the week, the month, the day or the
    from/to range before."""
    if kind == "month":
        previous_start = (start - dt.timedelta(days=1)).replace(day=1)
        return previous_start, start
    return start - (end - start), start


def spec_to_scope(spec: ReportSpec) -> dict:
    return {
        "countries": list(spec.countries),
        "areas": list(spec.areas),
        "commitments": list(spec.commitments),
    }
