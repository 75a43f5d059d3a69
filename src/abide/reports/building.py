"""Stand-in for the document builder."""

from __future__ import annotations

import datetime as dt

from abide.reports.models import Report


def document_for(report: Report, tier: str) -> dict:
    if report.snapshot:
        return report.snapshot[tier]
    last = report.period_end - dt.timedelta(days=1)
    period = {
        "kind": report.period_kind or "range",
        "label": f"{report.period_start}/{last}",
        "start": report.period_start.isoformat(),
        "end": last.isoformat(),
    }
    return {
        "schema": 1,
        "tier": tier,
        "kind": report.kind,
        "report": {
            "id": report.pk,
            "version": report.version,
            "state": report.state,
            "corrects": None,
            "published_at": None,
        },
        "generated_at": dt.datetime.now(dt.UTC).isoformat(),
        "period": period,
        "previous_period": period,
        "scope": report.scope,
        "summaries": [
            {"text": s.text, "language": s.language, "translations": {}}
            for s in report.summaries.all()
        ],
        "figures": [],
        "casualties": {},
        "commitments": [],
        "open_demands": [],
        "incidents": [],
        "map": {"points": [], "bbox": None},
        "trend": [],
        "coverage": {"areas": [], "not_assessable": []},
    }
