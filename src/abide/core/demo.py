"""The demo data set: documents written for abide, ingested through the extractor, and the
observations of an imagined mission, recorded through the observation services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import yaml

from abide.accounts.models import User
from abide.compliance.assessment import assess
from abide.compliance.linking import linkable_commitments, propose_links
from abide.compliance.models import Assessment
from abide.compliance.periods import parse_period
from abide.extraction import Extractor, read_text
from abide.observations.models import Patrol
from abide.observations.services import record_patrol, report_observation, transition
from abide.registry.ingestion import make_extractor, to_document_in
from abide.registry.models import Commitment
from abide.registry.services import IngestResult, confirm_commitment, ingest_document
from abide.reports import services
from abide.reports.models import Report, ReportState
from abide.reports.spec import parse_spec

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo.yaml"


def load_demo(
    *,
    actor: User,
    reviewer: User | None = None,
    extractor: Extractor | None = None,
    progress: Callable[[str], None] = lambda m: None,
) -> list[IngestResult]:
    """Ingest every demo document (each is stored once, by its text's hash). With a
    ``reviewer``, the commitments of newly ingested documents are confirmed in their name."""
    raw = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    extractor = extractor or make_extractor()
    results = []
    for item in raw["documents"]:
        published = item["published"]
        if not isinstance(published, dt.date):
            published = dt.date.fromisoformat(str(published))
        document = read_text(item["text"], published=published, kind="text")
        document.title = item["title"]
        document.publisher = item.get("publisher", "")
        document.metadata["demo"] = True
        document_in = replace(to_document_in(extractor.extract(document)), kind=item["kind"])
        result = ingest_document(document_in, actor=actor)
        state = "ingested" if result.created else "already ingested"
        progress(f"{state}: {result.source.title}")
        if result.created and reviewer is not None:
            commitments = Commitment.objects.filter(statements__source=result.source).distinct()
            for commitment in commitments:
                confirm_commitment(commitment, actor=reviewer, note="demo data")
            progress(f"confirmed {len(commitments)} commitments as {reviewer.username}")
        results.append(result)
    return results


def _moment(value: object) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def load_demo_observations(
    *, observer: User, analyst: User, progress: Callable[[str], None] = lambda m: None
) -> int:
    """Record the demo patrols and observations (each once) as ``observer``; ``analyst``
    moves those that say so through verification. Returns the number newly recorded."""
    raw = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    patrols = {}
    for item in raw.get("patrols", []):
        started = _moment(item["started"])
        patrol = Patrol.objects.filter(team=item["team"], started_at=started).first()
        if patrol is None:
            patrol = record_patrol(
                actor=observer,
                team=item["team"],
                started_at=started,
                ended_at=_moment(item["ended"]),
                members=[observer],
                area_places=item.get("places", []),
                notes=item.get("notes", ""),
            )
        patrols[item["team"]] = patrol
    created = 0
    for item in raw.get("observations", []):
        observation, new = report_observation(
            actor=observer,
            client_key=item["key"],
            patrol=patrols.get(item.get("patrol", "")),
            category=item["category"],
            subtype=item.get("subtype"),
            observed_start=_moment(item["observed_start"]),
            time_precision=item["time_precision"],
            place_name=item.get("place", ""),
            latitude=item.get("latitude"),
            longitude=item.get("longitude"),
            actors=item.get("actors", []),
            narrative=item["narrative"],
            sensitivity=item["sensitivity"],
            public_precision=item["public_precision"],
        )
        if new:
            created += 1
            if "status" in item:
                status, reason = item["status"]
                transition(observation, status, actor=analyst, reason=reason)
    progress(f"recorded {created} demo observations")
    return created


#: The periods the demo assesses: the weeks of its observations, and their month.
DEMO_PERIODS = ("2023-W39", "2023-09")


def assess_demo(*, analyst: User, progress: Callable[[str], None] = lambda m: None) -> int:
    """Propose the links of the demo's observations and assess every confirmed commitment over
    the demo's periods, once: a second run finds them assessed and changes nothing."""
    periods = [parse_period(text) for text in DEMO_PERIODS]
    if Assessment.objects.filter(period_start__in=[p.start for p in periods]).exists():
        progress("demo periods already assessed")
        return 0
    commitments = list(linkable_commitments())
    links = sum(len(propose_links(commitment, actor=analyst)) for commitment in commitments)
    assessments = assess(commitments, periods, actor=analyst)
    progress(f"proposed {links} links; {len(assessments)} assessments")
    return len(assessments)


#: The week the demo publishes its report of, and the summary written for it (in abide's own
#: words, as an analyst would write it).
DEMO_REPORT_WEEK = "2023-W39"
DEMO_REPORT_SUMMARY = (
    "The week of the founding statements: a pledge of no further military action and of "
    "access for an observer mission, followed by the mission's first patrols. A convoy was "
    "seen passing; the mechanism for international monitors was still under discussion."
)


def publish_demo_report(
    *, analyst: User, head: User, progress: Callable[[str], None] = lambda m: None
) -> Report:
    """The demo's weekly report of its founding week, drafted by the analyst and approved and
    published by the head of mission, once: a second run finds it published."""
    spec = parse_spec(DEMO_REPORT_WEEK, today=dt.date.today())
    existing = Report.objects.filter(
        kind=spec.kind, period_kind=spec.period_kind, period_start=spec.start,
        state=ReportState.PUBLISHED,
    ).first()  # fmt: skip
    if existing is not None:
        progress(f"report {existing.pk} of {DEMO_REPORT_WEEK} already published")
        return existing
    report = services.create_report(spec, actor=analyst)
    services.set_summary(report, "en", DEMO_REPORT_SUMMARY, is_original=True, actor=analyst)
    services.approve_report(report, actor=head)
    report = services.publish_report(report, actor=head)
    progress(f"published report {report.pk} of {DEMO_REPORT_WEEK} as head of mission")
    return report
