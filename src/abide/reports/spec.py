"""What a report covers, before it is stored: the period, the scope, or one commitment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


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


def parse_spec(
    period: str | None, *, scope: str = "", commitment: int | None = None, today: dt.date
) -> ReportSpec:
    from abide.compliance.periods import parse_period

    if commitment is not None:
        return ReportSpec(
            "dossier", "", dt.date(1900, 1, 1), today + dt.timedelta(days=1), commitment=commitment
        )
    if not period:
        raise ValueError("period: give a period or a commitment")
    if "/" in period:
        first, last = (dt.date.fromisoformat(p) for p in period.split("/"))
        return ReportSpec("period", "range", first, last + dt.timedelta(days=1))
    chosen = parse_period(period)
    countries = tuple(p.split(":", 1)[1] for p in scope.split(",") if p.startswith("country:"))
    return ReportSpec("period", chosen.kind, chosen.start, chosen.end, countries=countries)
