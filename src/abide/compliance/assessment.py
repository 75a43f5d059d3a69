"""Assessing commitments per period by the rules of their category (``data/rules.yaml``).

For a commitment and a period, the observations linked to it in that period (candidates and
confirmed links, as the rule says) are tested in order: violated, at risk, fulfilled (one-off
commitments); failing those, the commitment is upheld when the mission looked enough
(coverage: patrols and observations inside its area in the period), overdue when its deadline
passed, and not assessable otherwise, so that silence is never taken for compliance. Each
assessment keeps the observations that decided it and the version of the rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from abide.accounts.models import User
from abide.audit.services import record_batch, record_change, snapshot
from abide.compliance.access import can_override, can_sign_off
from abide.compliance.areas import Area, area_of
from abide.compliance.bulk import update_columns
from abide.compliance.current import keep_current
from abide.compliance.incremental import LinkNow, changed_outcome
from abide.compliance.linking import linkable_commitments
from abide.compliance.models import Assessment, AssessmentStatus, Link, LinkState
from abide.compliance.periods import KINDS, Period, period_of, periods_between
from abide.compliance.rules import Rule, Rules, current_rules
from abide.core.bulk import insert_rows, table
from abide.observations.access import PUBLISHED, is_published
from abide.observations.models import Observation, Patrol
from abide.observations.patrols import patrol_footprint
from abide.registry.models import Commitment


@dataclass
class Outcome:
    status: str
    observations: list[int] = field(default_factory=list)
    patrols: int = 0
    coverage: int = 0
    #: Of ``coverage``, the observations everyone may see (public, corroborated or verified).
    public_coverage: int = 0
    #: Where the outcome was worked out from a stored assessment: that row, and the
    #: observations it listed (so that storing it reads neither again).
    stored: Assessment | None = None
    listed: set[int] | None = None


#: How long before a period an observation that reaches into it may have begun.
LOOKBACK = dt.timedelta(days=31)
#: Statuses that ``evaluate`` gives without looking at any observation or coverage.
NO_OBSERVATIONS = (AssessmentStatus.NOT_YET, AssessmentStatus.SUPERSEDED, AssessmentStatus.EXPIRED)
#: Up to this many commitments, their links are found through them; beyond, through the
#: observations of the period (many commitments share them).
FEW = 50


def linked_rows(
    commitment_ids: Iterable[int], period: Period, *, with_start: bool = True
) -> dict[int, list[tuple]]:
    """The links (not rejected) of these commitments to observations of the period, by
    commitment: (observation, bearing, role, verification status, start, link state). The
    start is needed only to tell what happened by a deadline; without ``with_start`` it is
    None, which spares reading a time for every row."""
    ids = list(commitment_ids)
    columns = ["commitment_id", "observation_id", "bearing", "obligor_role", "observation__status"]
    if with_start:
        columns.append("observation__observed_start")
    links = (
        Link.objects.filter(
            # Through the index on the observations' start: those that began at most a
            # month before the period (known to the week or the month) and reach into it.
            observation__observed_start__gte=period.start_time - LOOKBACK,
            observation__observed_start__lt=period.end_time,
            observation__observed_end__gte=period.start_time,
        )
        .exclude(state=LinkState.REJECTED)
        .order_by("observation__observed_start", "observation_id")
        .values_list(*columns, "state")
    )
    if len(ids) <= FEW:
        links = links.filter(commitment_id__in=ids)  # through each commitment's links
    wanted = set(ids)
    rows: dict[int, list[tuple]] = {}
    for commitment_id, *row in links:
        if commitment_id in wanted:
            if not with_start:
                row.insert(4, None)
            rows.setdefault(commitment_id, []).append(tuple(row))
    return rows


def _patrol_inside(patrol: Patrol, area: Area) -> bool:
    """Whether a patrol went into the area: by the areas or places it names, or by the points
    of its footprint (resolved when it was recorded; for a patrol recorded before footprints
    were kept, resolved now)."""
    if area.admin_areas & {*patrol.area_admin, *patrol.area_places}:
        return True
    footprint = patrol.footprint or patrol_footprint(
        patrol.area_places, patrol.route, patrol.area_polygon
    )
    return any(
        area.contains_point(latitude, longitude, country)
        for latitude, longitude, country in footprint
    )


def _observations_in(period: Period, rule: Rule) -> QuerySet[Observation]:
    """The observations that show the mission (or a data set) looking during the period:
    those that began in it (one known only to the month or the year shows little of a week)."""
    observations = Observation.objects.filter(
        observed_start__gte=period.start_time, observed_start__lt=period.end_time
    )
    if rule.coverage.observations is not None:
        observations = observations.filter(category__slug__in=rule.coverage.observations)
    return observations


def _places_counted(period: Period, rule: Rule, cache: dict) -> list[tuple[str, str, str, int]]:
    """(country, admin1, admin2, observations) of the period, counted once per period and
    kind of coverage, for every area to sum from. Reports an analyst linked as one event
    count once."""
    key = ("places", period, rule.coverage.observations)
    if key not in cache:
        cache[key] = list(
            _observations_in(period, rule)
            .order_by()
            .values_list("country", "admin1", "admin2")
            .annotate(
                n=Count("id", filter=Q(event__isnull=True)) + Count("event", distinct=True),
                public=Count("id", filter=Q(event__isnull=True) & PUBLISHED)
                + Count("event", filter=PUBLISHED, distinct=True),
            )
        )
    return cache[key]


def _coverage(area: Area, period: Period, rule: Rule, cache: dict) -> tuple[int, int, int]:
    """(patrols, observations, published observations) inside the area in the period, as the
    rule counts them; published: those everyone may see."""
    patrols = 0
    if rule.coverage.patrols:
        patrols = sum(
            _patrol_inside(patrol, area)
            for patrol in Patrol.objects.filter(
                started_at__lt=period.end_time, ended_at__gte=period.start_time
            )
        )
    inside = [
        (n, public)
        for country, admin1, admin2, n, public in _places_counted(period, rule, cache)
        if country in area.countries or admin1 in area.admin_areas or admin2 in area.admin_areas
    ]
    seen = sum(n for n, _ in inside)
    seen_public = sum(public for _, public in inside)
    geometry = area.by_geometry()
    if geometry is not None:
        rest = (
            _observations_in(period, rule)
            .filter(geometry)
            .exclude(area.exact())
            .only("latitude", "longitude", "event_id", "sensitivity", "status")
        )
        found = {
            ("event", o.event_id) if o.event_id else ("observation", o.pk): is_published(o)
            for o in rest.iterator(chunk_size=2000)
            if area.contains_point(o.latitude, o.longitude)
        }
        seen += len(found)
        seen_public += sum(found.values())
    return patrols, seen, seen_public


def evaluate(
    commitment: Commitment,
    period: Period,
    rules: Rules | None = None,
    coverage: dict | None = None,
    linked: list[tuple] | None = None,
) -> Outcome:
    """The status of ``commitment`` over ``period`` by the rule of its category.

    ``coverage`` may carry the coverage already counted for other commitments of the same
    area and rule over the same period (``assess`` shares one between its commitments), and
    ``linked`` the commitment's rows of :func:`linked_rows`, when they were fetched in bulk."""
    rules = rules or current_rules()
    rule = rules.for_category(commitment.category.slug)
    if commitment.date_made and commitment.date_made >= period.end:
        return Outcome(AssessmentStatus.NOT_YET)
    lifecycle = getattr(commitment, "lifecycle", None)
    ended = lifecycle.ended_status(period.start) if lifecycle is not None else None
    if ended is not None:
        return Outcome(ended)
    if linked is None:
        linked = linked_rows([commitment.pk], period).get(commitment.pk, [])
    linked = [row[:5] for row in linked if row[5] in rule.links]

    def matching(test: str, until: dt.datetime | None = None) -> list[int]:
        match = rule.tests.get(test)
        if match is None:
            return []
        return [
            observation
            for observation, bearing, role, status, start in linked
            if match(bearing, status, role) and (until is None or start < until)
        ]

    area = area_of(commitment)
    if area.empty:
        patrols, seen, seen_public = 0, 0, 0
    else:
        key = (area.key, period, rule.coverage)
        cache = coverage if coverage is not None else {}
        if key not in cache:
            cache[key] = _coverage(area, period, rule, cache)
        patrols, seen, seen_public = cache[key]
    for test, status in (("violated", AssessmentStatus.VIOLATED), ("at_risk", "at_risk")):
        found = matching(test)
        if found:
            return Outcome(status, found, patrols, seen, seen_public)
    deadline = commitment.deadline
    if deadline is not None:
        found = matching("fulfilled", dt.datetime.combine(deadline, dt.time.max, tzinfo=dt.UTC))
        if found:
            return Outcome(AssessmentStatus.FULFILLED, found, patrols, seen, seen_public)
    if patrols + seen >= max(rule.coverage.minimum, 1):
        if "upheld" not in rule.tests:
            return Outcome(AssessmentStatus.UPHELD, [], patrols, seen, seen_public)
        found = matching("upheld")
        if found:
            return Outcome(AssessmentStatus.UPHELD, found, patrols, seen, seen_public)
    if deadline is not None and period.start > deadline:
        return Outcome(AssessmentStatus.OVERDUE, [], patrols, seen, seen_public)
    return Outcome(AssessmentStatus.NOT_ASSESSABLE, [], patrols, seen, seen_public)


_COMPUTED = (
    "computed_status",
    "rules_version",
    "coverage_patrols",
    "coverage_observations",
    "coverage_public_observations",
    "computed_at",
    "signed_off_by",
    "signed_off_at",
)


def _store(
    period: Period, outcomes: list[tuple[Commitment, Outcome]], rules: Rules
) -> list[Assessment]:
    """Write the period's assessments in bulk: new rows inserted, existing ones updated (a
    sign-off is of the status it saw: a new status clears it), their observations replaced.
    The caller keeps the commitments' current statuses (``keep_current``)."""
    now = timezone.now()
    existing = {commitment.pk: outcome.stored for commitment, outcome in outcomes if outcome.stored}
    unknown = [commitment.pk for commitment, _ in outcomes if commitment.pk not in existing]
    if unknown:
        existing.update(
            (assessment.commitment_id, assessment)
            for assessment in Assessment.objects.filter(
                commitment__in=unknown, period_kind=period.kind, period_start=period.start
            )
        )
    new, changed, stored = [], [], []
    for commitment, outcome in outcomes:
        assessment = existing.get(commitment.pk)
        if assessment is None:
            assessment = Assessment(
                commitment=commitment,
                period_kind=period.kind,
                period_start=period.start,
                period_end=period.end,
            )
            new.append(assessment)
        else:
            if assessment.computed_status != outcome.status:
                assessment.signed_off_by = None
                assessment.signed_off_at = None
            changed.append(assessment)
        assessment.computed_status = outcome.status
        assessment.rules_version = rules.version
        assessment.coverage_patrols = outcome.patrols
        assessment.coverage_observations = outcome.coverage
        assessment.coverage_public_observations = outcome.public_coverage
        assessment.computed_at = now
        stored.append((assessment, outcome))
    Assessment.objects.bulk_create(new)
    update_columns(Assessment, changed, _COMPUTED)
    _store_observations(stored, changed)
    return [assessment for assessment, _ in stored]


def _store_observations(stored: list[tuple[Assessment, Outcome]], changed: list) -> None:
    """Each assessment's observations as its outcome lists them: rows added and removed
    where they differ, so that an update touches only what changed."""
    through = Assessment.observations.through
    had: dict[int, set[int]] = {
        assessment.pk: outcome.listed
        for assessment, outcome in stored
        if outcome.listed is not None
    }
    unread = [assessment.pk for assessment in changed if assessment.pk not in had]
    if unread:
        for assessment_id, observation_id in through.objects.filter(
            assessment_id__in=unread
        ).values_list("assessment_id", "observation_id"):
            had.setdefault(assessment_id, set()).add(observation_id)
    added, removed = [], []
    for assessment, outcome in stored:
        now, before = set(outcome.observations), had.get(assessment.pk, set())
        added += [(assessment.pk, observation) for observation in now - before]
        removed += [(assessment.pk, observation) for observation in before - now]
    for assessment_id in {pair[0] for pair in removed}:
        through.objects.filter(
            assessment_id=assessment_id,
            observation_id__in=[o for a, o in removed if a == assessment_id],
        ).delete()
    insert_rows(table(through), ("assessment_id", "observation_id"), added)


def assess(
    commitments: Iterable[Commitment], periods: Iterable[Period], *, actor: User
) -> list[Assessment]:
    """Assess each commitment over each period and store the results; one audit entry."""
    periods = list(periods)
    return _assess_pairs(
        [(commitment, period) for commitment in commitments for period in periods], actor=actor
    )


def _by_deadline(commitment: Commitment, rules: Rules) -> bool:
    """Whether assessing the commitment asks what happened by its deadline."""
    return commitment.deadline is not None and (
        "fulfilled" in rules.for_category(commitment.category.slug).tests
    )


def _assess_pairs(
    pairs: list[tuple[Commitment, Period]],
    *,
    actor: User,
    known: dict[tuple[int, Period], Outcome] | None = None,
) -> list[Assessment]:
    """Assess and store each (commitment, period), but for the outcomes already ``known``."""
    rules = current_rules()
    known = known or {}
    by_period: dict[Period, list[Commitment]] = {}
    for commitment, period in pairs:
        by_period.setdefault(period, []).append(commitment)
    coverage: dict = {}
    stored: list[Assessment] = []
    with transaction.atomic():
        for period, commitments in by_period.items():
            unknown = [c for c in commitments if (c.pk, period) not in known]
            linked = (
                linked_rows(
                    [commitment.pk for commitment in unknown],
                    period,
                    with_start=any(_by_deadline(commitment, rules) for commitment in unknown),
                )
                if unknown
                else {}
            )
            outcomes = [
                (
                    commitment,
                    known.get((commitment.pk, period))
                    or evaluate(commitment, period, rules, coverage, linked.get(commitment.pk, [])),
                )
                for commitment in commitments
            ]
            stored += _store(period, outcomes, rules)
        keep_current(stored)  # once for every period: a commitment's row written once
        if stored:
            record_batch(
                actor=actor,
                action="assess",
                model=Assessment,
                ids=[assessment.pk for assessment in stored],
                detail={
                    "rules_version": rules.version,
                    "periods": sorted(str(period) for period in by_period),
                },
            )
    return stored


def assess_period(period: Period, *, actor: User) -> list[Assessment]:
    """Every confirmed commitment over one period."""
    return assess(linkable_commitments().select_related("category"), [period], actor=actor)


def periods_of(observation: Observation) -> list[Period]:
    """The periods of every kind that the observation's time touches."""
    first, last = observation.observed_start.date(), observation.observed_end.date()
    return [period for kind in KINDS for period in periods_between(kind, first, last)]


def reassess_observation(
    observation: Observation,
    *,
    actor: User,
    existing_only: bool = False,
    counted: bool = False,
) -> list[Assessment]:
    """Bring up to date the assessments a new or changed observation bears on, and only
    those: its linked commitments, over the periods its time touches (with
    ``existing_only``, only the periods already assessed).

    With ``counted`` (the observation was already there: it was verified, or a link to it
    decided, so no coverage changed), each stored assessment is worked out from what decided
    it (``compliance.incremental``), reading the commitment's other links only where that
    cannot tell."""
    commitments = list(
        Commitment.objects.filter(links__observation=observation)
        .distinct()
        .select_related("category", "obligor_party", "scope", "lifecycle")
    )
    periods = periods_of(observation)
    if not existing_only:
        return assess(commitments, periods, actor=actor)
    stored = {
        (assessment.commitment_id, assessment.period_kind, assessment.period_start): assessment
        for assessment in Assessment.objects.filter(
            commitment__in=commitments,
            period_start__in={period.start for period in periods},
        )
    }
    pairs = [
        (commitment, period)
        for commitment in commitments
        for period in periods
        if (commitment.pk, period.kind, period.start) in stored
    ]
    known = _known_outcomes(observation, pairs, stored) if counted and pairs else {}
    return _assess_pairs(pairs, actor=actor, known=known)


def _known_outcomes(
    observation: Observation,
    pairs: list[tuple[Commitment, Period]],
    stored: dict[tuple[int, str, dt.date], Assessment],
) -> dict[tuple[int, Period], Outcome]:
    """The outcomes the stored assessments tell after the change of ``observation``."""
    rules = current_rules()
    assessments = {pair: stored[pair[0].pk, pair[1].kind, pair[1].start] for pair in pairs}
    deciding: dict[int, set[int]] = {}
    for assessment_id, observation_id in Assessment.observations.through.objects.filter(
        assessment_id__in=[assessment.pk for assessment in assessments.values()]
    ).values_list("assessment_id", "observation_id"):
        deciding.setdefault(assessment_id, set()).add(observation_id)
    links = {
        commitment_id: LinkNow(bearing, role, state)
        for commitment_id, bearing, role, state in Link.objects.filter(
            observation=observation, commitment__in={c.pk for c, _ in pairs}
        ).values_list("commitment_id", "bearing", "obligor_role", "state")
    }
    known = {}
    for (commitment, period), assessment in assessments.items():
        changed = changed_outcome(
            assessment,
            deciding.get(assessment.pk, set()),
            commitment,
            period,
            rules.for_category(commitment.category.slug),
            rules.version,
            observation,
            links.get(commitment.pk),
            LOOKBACK,
        )
        if changed is None:
            continue
        status, observations = changed
        listed = deciding.get(assessment.pk, set())
        if status in NO_OBSERVATIONS:
            known[commitment.pk, period] = Outcome(status, stored=assessment, listed=listed)
        else:
            known[commitment.pk, period] = Outcome(
                status,
                sorted(observations),
                assessment.coverage_patrols,
                assessment.coverage_observations,
                assessment.coverage_public_observations,
                stored=assessment,
                listed=listed,
            )
    return known


# --- signing off and overriding --------------------------------------------------------------


def sign_off(assessment: Assessment, *, actor: User) -> Assessment:
    """An analyst signs off the computed status, once: a reassessment that changes the status
    clears the sign-off, and only then may it be signed off again."""
    if not can_sign_off(actor):
        raise PermissionDenied(_("only analysts and the head of mission sign assessments off"))
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if assessment.signed_off_by_id is not None:
            raise ValidationError(
                {
                    "signed_off_by": _(
                        "this assessment is already signed off; a new computed status "
                        "clears the sign-off"
                    )
                }
            )
        before = snapshot(assessment)
        assessment.signed_off_by = actor
        assessment.signed_off_at = timezone.now()
        assessment.save()
        keep_current([assessment])
        record_change(assessment, actor=actor, action="sign off", before=before)
    return assessment


def override(assessment: Assessment, status: str, *, actor: User, justification: str) -> Assessment:
    """The head of mission sets the status, saying why; the computed status stays beside it."""
    if not can_override(actor):
        raise PermissionDenied(_("only the head of mission overrides an assessment"))
    if status not in AssessmentStatus.values or status == AssessmentStatus.WITHHELD:
        raise ValidationError({"status": _("unknown status %(s)r") % {"s": status}})
    justification = (justification or "").strip()
    if not justification:
        raise ValidationError({"justification": _("an override needs a justification")})
    with transaction.atomic():
        before = snapshot(assessment)
        assessment.override_status = status
        assessment.override_justification = justification
        assessment.overridden_by = actor
        assessment.save()
        keep_current([assessment])
        record_change(assessment, actor=actor, action="override", before=before)
    return assessment


def current_period(kind: str, today: dt.date | None = None) -> Period:
    return period_of(kind, today or timezone.now().date())


__all__ = [
    "Outcome",
    "assess",
    "assess_period",
    "current_period",
    "evaluate",
    "override",
    "periods_of",
    "reassess_observation",
    "sign_off",
]
