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
