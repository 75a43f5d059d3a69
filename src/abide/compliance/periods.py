"""Periods of assessment: a day, an ISO week (from Monday) or a calendar month."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

KINDS = ("day", "week", "month")


@dataclass(frozen=True, order=True)
class Period:
    kind: str
    #: The first day.
    start: dt.date
    #: The day after the last.
    end: dt.date

    @property
    def start_time(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=dt.UTC)

    @property
    def end_time(self) -> dt.datetime:
        return dt.datetime.combine(self.end, dt.time.min, tzinfo=dt.UTC)

    def __str__(self) -> str:
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        return self.start.isoformat()


def period_of(kind: str, day: dt.date) -> Period:
    """The period of ``kind`` that holds ``day``."""
    if kind == "day":
        return Period(kind, day, day + dt.timedelta(days=1))
    if kind == "week":
        start = day - dt.timedelta(days=day.weekday())
        return Period(kind, start, start + dt.timedelta(days=7))
    if kind == "month":
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1)
        return Period(kind, start, end)
    raise ValueError(f"unknown kind of period {kind!r} (day, week or month)")


def periods_between(kind: str, first: dt.date, last: dt.date) -> Iterator[Period]:
    """Every period of ``kind`` that holds a day from ``first`` to ``last``."""
    period = period_of(kind, first)
    while period.start <= last:
        yield period
        period = period_of(kind, period.end)


def parse_period(text: str) -> Period:
    """A period as written: "2020-05-04" (a day), "2020-W19" (an ISO week), "2020-05" (a month)."""
    text = text.strip()
    try:
        if "-W" in text:
            year, week = text.split("-W")
            return period_of("week", dt.date.fromisocalendar(int(year), int(week), 1))
        if len(text) == 7:
            return period_of("month", dt.date.fromisoformat(f"{text}-01"))
        return period_of("day", dt.date.fromisoformat(text))
    except ValueError:
        raise ValueError(
            f"{text!r} is not a period: write a day (2020-05-04), an ISO week (2020-W19) "
            "or a month (2020-05)"
        ) from None
