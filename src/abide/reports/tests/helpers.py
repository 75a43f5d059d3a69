"""Reports made through the workflow's services, for the tests of the site and the API."""

from __future__ import annotations

import datetime as dt

from abide.accounts.models import User
from abide.reports import services
from abide.reports.models import Report
from abide.reports.spec import parse_spec

TODAY = dt.date(2024, 4, 1)


def drafted(analyst: User, period: str = "2024-W09", **spec: object) -> Report:
    return services.create_report(parse_spec(period, today=TODAY, **spec), actor=analyst)


def published(analyst: User, head: User, period: str = "2024-W09") -> Report:
    report = drafted(analyst, period)
    services.approve_report(report, actor=head)
    services.publish_report(report, actor=head)
    report.refresh_from_db()
    return report
