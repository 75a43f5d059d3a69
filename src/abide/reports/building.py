"""The report document, built from the database for one tier (see ``abide.reports.document``).

Every count is made in SQL, grouped: a weekly report over a million observations reads the
period's rows through the index on their start, never row by row in Python. The tier decides
which observations are counted and shown (:mod:`abide.reports.tiers`); the public tier counts
only what the public may see, so each figure equals what its link into /observations/ lists
for a reader outside the mission.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from urllib.parse import urlencode

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Round
from django.utils import timezone

from abide.compliance.areas import area_of
from abide.compliance.demands import unanswered_demands
from abide.compliance.models import (
    Assessment,
    AssessmentStatus,
    Lifecycle,
    Link,
    LinkState,
    Retraction,
    RetractionState,
)
from abide.observations.models import Observation, SubType
from abide.observations.public_place import with_public_point
from abide.registry.models import Category, Commitment, CommitmentKind, ReviewState, Statement
from abide.reports.document import SCHEMA_VERSION, Document, Named, Names, PeriodInfo, Written
from abide.reports.models import REPORT_LANGUAGES, Report, ReportKind, ReportState
from abide.reports.spec import ReportSpec, period_label, previous_of, spec_to_scope
from abide.reports.tiers import (
    TIERS,
    area_condition,
    incident_of,
    observations_in_tier,
)

#: Periods in the trend chart: this one and the seven before it.
TREND_PERIODS = 8
#: Points drawn on the map at most (points are merged to about 1 km first).
MAP_POINTS = 5000
#: Observations listed as a dossier's evidence at most (the latest).
DOSSIER_EVIDENCE = 500


def names_of(obj: object) -> Names:
    """The name of a party, person, category or sub-type in every report language."""
    return {language: obj.name_in(language) for language in REPORT_LANGUAGES}


def named(obj: object | None) -> Named | None:
    if obj is None:
        return None
    slug = getattr(obj, "slug", "") or f"{obj._meta.model_name}-{obj.pk}"
    return {"slug": slug, "names": names_of(obj)}


def written(text: str, language: str, translations: dict[str, str] | None = None) -> Written:
    return {"text": text, "language": language or "", "translations": translations or {}}


def _moment(day: dt.date) -> dt.datetime:
    """The first moment of ``day`` in the current time zone (as the observation list's
    ``since`` and ``until`` read their days)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _period_info(kind: str, start: dt.date, end: dt.date) -> PeriodInfo:
    return {
        "kind": kind or "range",
        "label": period_label(kind or "range", start, end),
        "start": start.isoformat(),
        "end": (end - dt.timedelta(days=1)).isoformat(),
    }


def spec_of(report: Report) -> ReportSpec:
    """What a stored report covers."""
    scope = report.scope or {}
    return ReportSpec(
        kind=report.kind,
        period_kind=report.period_kind,
        start=report.period_start,
        end=report.period_end,
        countries=tuple(scope.get("countries", ())),
        areas=tuple(scope.get("areas", ())),
        commitments=tuple(scope.get("commitments", ())),
        commitment=report.commitment_id,
    )


# --- observations: figures, trend, map, coverage ---------------------------------------------


def scoped_observations(spec: ReportSpec, tier: str) -> QuerySet[Observation]:
    """The observations the tier may count, in the scope's countries and areas."""
    observations = observations_in_tier(tier)
    condition = Q(pk__in=[])
    if spec.countries:
        condition |= Q(country__in=list(spec.countries))
    if spec.areas:
        condition |= area_condition(spec.areas, tier)
    if spec.countries or spec.areas:
        observations = observations.filter(condition)
    return observations.order_by()


def observations_url(spec: ReportSpec, start: dt.date, end: dt.date, **filters: str) -> str:
    """The observation list, filtered to the observations behind a figure: the period's days,
    the category (and sub-type), and the scope's country or area where it names one."""
    params = {
        "since": start.isoformat(),
        "until": (end - dt.timedelta(days=1)).isoformat(),
        **{name: value for name, value in filters.items() if value},
    }
    if len(spec.countries) == 1 and not spec.areas:
        params["country"] = spec.countries[0]
    if len(spec.areas) == 1 and not spec.countries:
        params["area"] = spec.areas[0]
    return "/observations/?" + urlencode(params)


def _casualties(row: dict) -> dict:
    return {"low": row["low"] or 0, "best": row["best"] or 0, "high": row["high"] or 0}


def counted_rows(spec: ReportSpec, tier: str) -> list[dict]:
    """Observations per period of the trend (``bucket`` 0 to 7, the report's own period last),
    category and sub-type, with their casualties: one grouped query, read once for the figures
    and the trend."""
    periods = trend_periods(spec.period_kind or "range", spec.start, spec.end)
    bucket = Case(
        *(
            When(observed_start__gte=_moment(first), then=Value(i))
            for i, (first, _after) in reversed(list(enumerate(periods)))
        ),
        default=Value(-1),
        output_field=IntegerField(),
    )
    return list(
        scoped_observations(spec, tier)
        .filter(observed_start__gte=_moment(periods[0][0]), observed_start__lt=_moment(spec.end))
        .annotate(bucket=bucket)
        .values("bucket", "category_id", "subtype_id")
        .annotate(
            n=Count("id"),
            counted=Count("casualties_best") + Count("casualties_low") + Count("casualties_high"),
            low=Sum("casualties_low"),
            best=Sum("casualties_best"),
            high=Sum("casualties_high"),
        )
        .order_by()
    )


def figures_of(
    spec: ReportSpec, previous: tuple[dt.date, dt.date], counted: list[dict]
) -> tuple[list[dict], dict]:
    """The headline figures (every category's total, and each sub-type seen in either period)
    and the casualties of both periods, from :func:`counted_rows` (the report's period is its
    last bucket, the previous one the bucket before)."""
    last = TREND_PERIODS - 1
    rows = [
        {**row, "current": 1 if row["bucket"] == last else 0}
        for row in counted
        if row["bucket"] in (last, last - 1)
    ]
    zero = {"n": 0, "counted": 0, "low": 0, "best": 0, "high": 0}
    by_category: dict[int, dict[int, dict]] = defaultdict(lambda: {0: dict(zero), 1: dict(zero)})
    by_subtype: dict[int, dict[int, dict]] = defaultdict(lambda: {0: dict(zero), 1: dict(zero)})
    totals = {0: dict(zero), 1: dict(zero)}
    for row in rows:
        targets = [by_category[row["category_id"]][row["current"]], totals[row["current"]]]
        if row["subtype_id"] is not None:
            targets.append(by_subtype[row["subtype_id"]][row["current"]])
        for target in targets:
            for key in zero:
                target[key] += row[key] or 0
    figures = []
    subtypes = defaultdict(list)
    for subtype in SubType.objects.order_by("position"):
        subtypes[subtype.category_id].append(subtype)
    for category in Category.objects.order_by("position"):
        figures.append(_figure(spec, previous, category, None, by_category[category.pk]))
        for subtype in subtypes[category.pk]:
            counts = by_subtype.get(subtype.pk)
            if counts and (counts[0]["n"] or counts[1]["n"]):
                figures.append(_figure(spec, previous, category, subtype, counts))
    casualties = {"current": _casualties(totals[1]), "previous": _casualties(totals[0])}
    return figures, casualties


def _figure(
    spec: ReportSpec,
    previous: tuple[dt.date, dt.date],
    category: Category,
    subtype: SubType | None,
    counts: dict[int, dict],
) -> dict:
    current, before = counts[1]["n"], counts[0]["n"]
    figure = {
        "category": named(category),
        "subtype": named(subtype),
        "current": current,
        "previous": before,
        "change": current - before,
        "observations_url": observations_url(
            spec,
            spec.start,
            spec.end,
            category=category.slug,
            subtype=subtype.slug if subtype else "",
        ),
    }
    if counts[1]["counted"]:
        figure["casualties"] = _casualties(counts[1])
    return figure


def trend_periods(kind: str, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The eight periods of the report's kind up to this one, oldest first."""
    periods = [(start, end)]
    for _index in range(TREND_PERIODS - 1):
        periods.insert(0, previous_of(kind, *periods[0]))
    return periods


def trend_of(spec: ReportSpec, counted: list[dict]) -> list[dict]:
    """Observations per category in each of the eight periods, from :func:`counted_rows`."""
    periods = trend_periods(spec.period_kind or "range", spec.start, spec.end)
    slugs = dict(Category.objects.order_by("position").values_list("pk", "slug"))
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(slugs.values(), 0))
    for row in counted:
        if row["bucket"] >= 0:
            counts[row["bucket"]][slugs[row["category_id"]]] += row["n"]
    kind = spec.period_kind or "range"
    return [
        {
            "label": period_label(kind, first, after),
            "start": first.isoformat(),
            "counts": dict(counts[i]),
        }
        for i, (first, after) in enumerate(periods)
    ]


def map_of(observations: QuerySet[Observation], tier: str) -> dict:
    """The period's points as the tier may show them, merged to about 1 km per category, and
    the box around them."""
    if tier == "public":
        points = with_public_point(observations).annotate(
            lat=Round(F("public_latitude"), 2), lon=Round(F("public_longitude"), 2)
        )
    else:
        points = observations.filter(latitude__isnull=False, longitude__isnull=False).annotate(
            lat=Round(F("latitude"), 2), lon=Round(F("longitude"), 2)
        )
    slugs = dict(Category.objects.values_list("pk", "slug"))
    rows = (
        points.values_list("lat", "lon", "category_id")
        .distinct()
        .order_by("lat", "lon", "category_id")[:MAP_POINTS]
    )
    found = [
        {"latitude": float(lat), "longitude": float(lon), "category": slugs[category]}
        for lat, lon, category in rows
    ]
    bbox = None
    if found:
        lats = [p["latitude"] for p in found]
        lons = [p["longitude"] for p in found]
        bbox = [min(lons), min(lats), max(lons), max(lats)]
    return {"points": found, "bbox": bbox}


def coverage_of(spec: ReportSpec, tier: str, entries: list[dict]) -> dict:
    """Patrols and observations per area in the period, and the commitments in scope that
    could not be assessed for lack of coverage."""
    from abide.observations.models import Patrol

    observations = scoped_observations(spec, tier).filter(
        observed_start__gte=_moment(spec.start), observed_start__lt=_moment(spec.end)
    )
    if tier == "public":
        area = Case(When(public_precision="hidden", then=Value("")), default=F("admin1"))
    else:
        area = F("admin1")
    areas: dict[tuple[str, str], dict] = {}

    def row(country: str, admin1: str) -> dict:
        key = (country or "", admin1 or "")
        if key not in areas:
            areas[key] = {"country": key[0], "admin1": key[1], "patrols": 0, "observations": 0}
        return areas[key]

    for found in observations.annotate(area=area).values("country", "area").annotate(n=Count("id")):
        row(found["country"], found["area"])["observations"] += found["n"]
    patrols = Patrol.objects.filter(
        started_at__lt=_moment(spec.end), ended_at__gte=_moment(spec.start)
    ).only("area_admin", "footprint")
    for patrol in patrols:
        countries = sorted(
            {point[2] for point in patrol.footprint or [] if len(point) > 2 and point[2]}
        )
        admins = [name for name in patrol.area_admin or [] if name]
        if spec.countries or spec.areas:
            if not (set(countries) & set(spec.countries) or set(admins) & set(spec.areas)):
                continue
        country = countries[0] if len(countries) == 1 else ""
        if admins:
            for name in admins:
                row(country, name)["patrols"] += 1
        else:
            for code in countries or [""]:
                row(code, "")["patrols"] += 1
    return {
        "areas": [areas[key] for key in sorted(areas)],
        "not_assessable": [
            entry["id"] for entry in entries if entry["status"] == AssessmentStatus.NOT_ASSESSABLE
        ],
    }


# --- commitments ---------------------------------------------------------------------------


def commitments_in_scope(spec: ReportSpec) -> list[Commitment]:
    """Confirmed commitments made by the period's end: those the scope names, else those whose
    area meets the scope's countries or areas (all, for the whole mission)."""
    commitments = (
        Commitment.objects.filter(review_state=ReviewState.CONFIRMED, merged_into__isnull=True)
        .select_related(
            "obligor_party",
            "obligor_person",
            "demanded_by_party",
            "demanded_by_person",
            "category",
            "scope",
        )
        .order_by("category__position", "date_made", "pk")
    )
    if spec.kind == ReportKind.DOSSIER:
        return list(commitments.filter(pk=spec.commitment))
    if spec.commitments:
        return list(commitments.filter(pk__in=spec.commitments))
    commitments = commitments.filter(Q(date_made__isnull=True) | Q(date_made__lt=spec.end))
    if not (spec.countries or spec.areas):
        return list(commitments)
    found = []
    for commitment in commitments:
        area = area_of(commitment)
        if area.empty or area.countries & set(spec.countries) or area.admin_areas & set(spec.areas):
            found.append(commitment)
    return found


def _statuses(ids: list[int], kind: str, start: dt.date, end: dt.date) -> dict[int, str]:
    """Each commitment's status for a period (the head of mission's where set): its assessment
    of that period; for a from/to period, its latest weekly assessment inside it."""
    if kind in ("day", "week", "month"):
        assessments = Assessment.objects.filter(
            commitment_id__in=ids, period_kind=kind, period_start=start
        )
    else:
        assessments = Assessment.objects.filter(
            commitment_id__in=ids, period_kind="week", period_start__gte=start, period_start__lt=end
        ).order_by("period_start")
    found = {}
    for assessment in assessments.only(
        "commitment_id", "computed_status", "override_status", "period_start"
    ):
        found[assessment.commitment_id] = assessment.status
    return found


def _statement_entry(statement: Statement) -> dict:
    source = statement.source
    return {
        "quote": written(statement.text, source.language),
        "date": (statement.date_spoken or source.published or None)
        and (statement.date_spoken or source.published).isoformat(),
        "source": {
            "title": source.title,
            "url": source.url,
            "published": source.published.isoformat() if source.published else None,
            "publisher": source.publisher,
        },
        "chain": [
            {
                "relation": link.relation,
                "who": names_of(link.person or link.party)
                if (link.person or link.party)
                else {language: link.name for language in REPORT_LANGUAGES},
            }
            for link in statement.chain.all()
        ],
    }


def _retraction_quote(retraction: Retraction) -> Written:
    statement = retraction.statement
    text = retraction.walk_back.text if retraction.walk_back_id else statement.text
    return written(text, statement.source.language)


def _retraction_date(retraction: Retraction) -> str | None:
    statement = retraction.statement
    day = statement.date_spoken or statement.source.published
    return day.isoformat() if day else None


def commitment_entries(
    spec: ReportSpec, commitments: list[Commitment], previous: tuple[dt.date, dt.date]
) -> tuple[list[dict], list[dict]]:
    """The commitments in scope with their status now and before, their words and chains,
    walk-backs and, for demands, how long they have gone unanswered; and the open demands."""
    ids = [c.pk for c in commitments]
    kind = spec.period_kind if spec.kind == ReportKind.PERIOD else ""
    if spec.kind == ReportKind.DOSSIER:
        latest = (
            Assessment.objects.filter(commitment_id__in=ids, period_kind="week")
            .order_by("period_start")
            .only("commitment_id", "computed_status", "override_status")
        )
        now = {a.commitment_id: a.status for a in latest}
        before: dict[int, str] = {}
        history = list(latest)
        if len(history) > 1:
            before = {history[-2].commitment_id: history[-2].status}
    else:
        now = _statuses(ids, kind, spec.start, spec.end)
        before = _statuses(ids, kind, *previous)
    statements = defaultdict(list)
    for statement in (
        Statement.objects.filter(commitments__in=ids)
        .select_related("source")
        .prefetch_related("chain__person", "chain__party")
        .order_by("source__published", "start")
        .annotate(commitment_id=F("commitments__id"))
    ):
        statements[statement.commitment_id].append(statement)
    walk_backs = defaultdict(list)
    for retraction in (
        Retraction.objects.filter(commitment_id__in=ids, state=RetractionState.CONFIRMED)
        .select_related("statement__source", "walk_back")
        .order_by("flagged_at")
    ):
        walk_backs[retraction.commitment_id].append(
            {
                "kind": retraction.kind,
                "date": _retraction_date(retraction),
                "quote": _retraction_quote(retraction),
            }
        )
    last_day = spec.end - dt.timedelta(days=1)
    open_demands = {item.demand.pk: item for item in unanswered_demands(last_day)}
    entries = []
    for commitment in commitments:
        own = statements.get(commitment.pk, [])
        language = own[0].source.language if own else ""
        status = now.get(commitment.pk, AssessmentStatus.NOT_YET)
        previous_status = before.get(commitment.pk)
        demand = open_demands.get(commitment.pk)
        entries.append(
            {
                "id": commitment.pk,
                "url": f"/tracker/{commitment.pk}/",
                "kind": commitment.kind,
                "obligor": named(commitment.obligor_party or commitment.obligor_person),
                "demanded_by": named(commitment.demanded_by_party or commitment.demanded_by_person),
                "category": named(commitment.category),
                "text": written(commitment.text, language),
                "date_made": commitment.date_made.isoformat() if commitment.date_made else None,
                "deadline": commitment.deadline.isoformat() if commitment.deadline else None,
                "status": status,
                "previous_status": previous_status,
                "changed": previous_status is not None and previous_status != status,
                "statements": [_statement_entry(s) for s in own],
                "walk_backs": walk_backs.get(commitment.pk, []),
                "open_days": demand.days_open
                if demand is not None and commitment.kind == CommitmentKind.DEMAND
                else None,
            }
        )
    in_scope = {c.pk for c in commitments}
    scoped = bool(spec.commitments or spec.countries or spec.areas or spec.commitment)
    demands = [
        {
            "commitment": item.demand.pk,
            "obligor": named(item.demand.obligor_party),
            "demanded_by": named(item.demand.demanded_by_party or item.demand.demanded_by_person),
            "category": named(item.demand.category),
            "text": written(
                item.demand.text,
                next((e["text"]["language"] for e in entries if e["id"] == item.demand.pk), ""),
            ),
            "since": item.demand.date_made.isoformat() if item.demand.date_made else None,
            "age_days": item.days_open or 0,
        }
        for item in open_demands.values()
        if not scoped or item.demand.pk in in_scope
    ]
    return entries, demands


# --- the report's own parts ------------------------------------------------------------------


def report_info(report: Report | None) -> dict:
    if report is None:
        return {"id": None, "version": None, "state": None, "corrects": None, "published_at": None}
    corrects = None
    if report.corrects_id:
        corrects = {"id": report.corrects_id, "note": report.correction_note}
    return {
        "id": report.pk,
        "version": report.version,
        "state": report.state,
        "corrects": corrects,
        "published_at": report.published_at.isoformat() if report.published_at else None,
    }


def summaries_of(report: Report | None) -> list[Written]:
    """The analyst's summary: each summary as written, with the translations people entered
    (a translation without an original stands as its own entry)."""
    if report is None or report.pk is None:
        return []
    rows = list(report.summaries.all())
    originals = [row for row in rows if row.is_original]
    translations = {row.language: row.text for row in rows if not row.is_original}
    if not originals:
        return [written(text, language) for language, text in translations.items()]
    return [
        written(
            row.text,
            row.language,
            {k: v for k, v in translations.items() if k != row.language},
        )
        for row in originals
    ]


def incidents_of(report: Report | None, tier: str) -> list[dict]:
    """The analyst's notable incidents the tier may show, in their order."""
    if report is None or report.pk is None:
        return []
    ids = list(report.incidents.order_by("position", "id").values_list("observation_id", flat=True))
    shown = {
        o.pk: o
        for o in observations_in_tier(tier).filter(pk__in=ids).select_related("category", "subtype")
    }
    return [incident_of(shown[pk], tier) for pk in ids if pk in shown]


def dossier_of(commitment_entry: dict, tier: str) -> dict:
    """A commitment's whole life: its weekly statuses, the observations that bear on it (linked
    by an analyst, or cited by an assessment) that the tier may show, its retractions and when
    it ends."""
    pk = commitment_entry["id"]
    history = [
        {
            "period": period_label("week", a.period_start, a.period_end),
            "start": a.period_start.isoformat(),
            "status": a.status,
        }
        for a in Assessment.objects.filter(commitment_id=pk, period_kind="week")
        .order_by("period_start")
        .only("period_start", "period_end", "computed_status", "override_status")
    ]
    linked = Q(
        pk__in=Link.objects.filter(commitment_id=pk, state=LinkState.CONFIRMED).values(
            "observation_id"
        )
    ) | Q(
        pk__in=Assessment.observations.through.objects.filter(assessment__commitment_id=pk).values(
            "observation_id"
        )
    )
    evidence = [
        incident_of(observation, tier)
        for observation in observations_in_tier(tier)
        .filter(linked)
        .select_related("category", "subtype")
        .order_by("-observed_start", "-pk")[:DOSSIER_EVIDENCE]
    ]
    retractions = Retraction.objects.filter(commitment_id=pk).select_related(
        "statement__source", "walk_back"
    )
    if tier == "public":
        retractions = retractions.filter(state=RetractionState.CONFIRMED)
    lifecycle = Lifecycle.objects.filter(commitment_id=pk).first()
    return {
        "commitment": commitment_entry,
        "history": history,
        "evidence": evidence,
        "retractions": [
            {
                "kind": r.kind,
                "state": r.state,
                "date": _retraction_date(r),
                "quote": _retraction_quote(r),
                "reason": r.reason,
            }
            for r in retractions.order_by("flagged_at")
        ],
        "lifecycle": {
            "superseded_by": lifecycle.superseded_by_id if lifecycle else None,
            "superseded_on": lifecycle.superseded_on.isoformat()
            if lifecycle and lifecycle.superseded_on
            else None,
            "expires_on": lifecycle.expires_on.isoformat()
            if lifecycle and lifecycle.expires_on
            else None,
        },
    }


def _evidence_map(evidence: list[dict]) -> dict:
    points = [
        {
            "latitude": item["place"]["latitude"],
            "longitude": item["place"]["longitude"],
            "category": item["category"]["slug"],
        }
        for item in evidence
        if item["place"]["latitude"] is not None and item["place"]["longitude"] is not None
    ]
    bbox = None
    if points:
        lats = [p["latitude"] for p in points]
        lons = [p["longitude"] for p in points]
        bbox = [min(lons), min(lats), max(lons), max(lats)]
    return {"points": points, "bbox": bbox}


def build_document(spec: ReportSpec, *, tier: str, report: Report | None = None) -> Document:
    """The report as data for one tier ("internal" or "public"), built now from the database;
    ``report`` (a stored report) supplies its id, version, state, summaries and incidents."""
    if tier not in TIERS:
        raise ValueError(f"unknown tier {tier!r} (internal or public)")
    kind = spec.period_kind or "range"
    previous = previous_of(kind, spec.start, spec.end)
    commitments = commitments_in_scope(spec)
    entries, demands = commitment_entries(spec, commitments, previous)
    document: dict = {
        "schema": SCHEMA_VERSION,
        "tier": tier,
        "kind": spec.kind,
        "report": report_info(report),
        "generated_at": timezone.now().isoformat(),
        "period": _period_info(kind, spec.start, spec.end),
        "previous_period": _period_info(kind, *previous),
        "scope": spec_to_scope(spec),
        "summaries": summaries_of(report),
        "commitments": entries,
        "open_demands": demands,
        "incidents": incidents_of(report, tier),
    }
    if spec.kind == ReportKind.DOSSIER:
        dossier = dossier_of(entries[0], tier) if entries else None
        document.update(
            figures=[],
            casualties={
                "current": {"low": 0, "best": 0, "high": 0},
                "previous": {"low": 0, "best": 0, "high": 0},
            },
            map=_evidence_map(dossier["evidence"]) if dossier else {"points": [], "bbox": None},
            trend=[],
            coverage={
                "areas": [],
                "not_assessable": [e["id"] for e in entries if e["status"] == "not_assessable"],
            },
        )
        if dossier is not None:
            document["dossier"] = dossier
        return document
    counted = counted_rows(spec, tier)
    figures, casualties = figures_of(spec, previous, counted)
    in_period = scoped_observations(spec, tier).filter(
        observed_start__gte=_moment(spec.start), observed_start__lt=_moment(spec.end)
    )
    document.update(
        figures=figures,
        casualties=casualties,
        map=map_of(in_period, tier),
        trend=trend_of(spec, counted),
        coverage=coverage_of(spec, tier, entries),
    )
    return document


def document_for(report: Report, tier: str) -> Document:
    """The report's document for ``tier``: as published (its snapshot) once published, else
    built now."""
    if report.state == ReportState.PUBLISHED and tier in (report.snapshot or {}):
        return report.snapshot[tier]
    return build_document(spec_of(report), tier=tier, report=report)
