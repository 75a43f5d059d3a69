"""Who may do what with compliance (link, assess, sign off and override), and which links,
assessments, retractions and statements a user may reach: services, views, API handlers and
commands ask here only, so that the web and the API answer alike (404 for what the user may
not see)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import Http404

from abide.accounts.access import AnyUser, can_edit_registry, is_mission_reader
from abide.accounts.models import Role
from abide.compliance.models import (
    Assessment,
    AssessmentStatus,
    Link,
    LinkState,
    Retraction,
    RetractionState,
)
from abide.observations.access import PUBLISHED_STATUSES, get_observations_for
from abide.observations.models import Sensitivity
from abide.registry.access import get_commitments_for, get_sources_for
from abide.registry.models import Commitment, Statement


def _has_role(user: AnyUser, *roles: str) -> bool:
    return bool(user.is_authenticated and user.has_role(*roles))


def can_link(user: AnyUser) -> bool:
    """Review proposed links, add links and set scopes: the analysts and the head."""
    return _has_role(user, Role.ANALYST, Role.HEAD_OF_MISSION)


def can_sign_off(user: AnyUser) -> bool:
    return _has_role(user, Role.ANALYST, Role.HEAD_OF_MISSION)


def can_override(user: AnyUser) -> bool:
    return _has_role(user, Role.HEAD_OF_MISSION)


def can_assess(user: AnyUser) -> bool:
    """Run assessments (``abide assess``): the analysts, the head and administrators."""
    return _has_role(user, Role.ANALYST, Role.HEAD_OF_MISSION, Role.ADMINISTRATOR)


# --- what a user may reach: the web and the API look objects up here, and only here --------


def get_link_for(user: AnyUser, pk: int, *, commitment: Commitment | None = None) -> Link:
    """A link whose commitment and observation the user may both see (of ``commitment``, if
    given), and only a confirmed one for anyone but the mission's staff, as the commitment
    page shows them; 404 otherwise."""
    links = Link.objects.filter(
        commitment__in=get_commitments_for(user),
        observation__in=get_observations_for(user),
    )
    if not is_mission_reader(user):
        links = links.filter(state=LinkState.CONFIRMED)
    if commitment is not None:
        links = links.filter(commitment=commitment)
    link = links.select_related("commitment", "observation").filter(pk=pk).first()
    if link is None:
        raise Http404("no such link")
    return link


def get_assessment_for(
    user: AnyUser, pk: int, *, commitment: Commitment | None = None
) -> Assessment:
    """An assessment of a commitment the user may see (of ``commitment``, if given)."""
    assessments = Assessment.objects.filter(commitment__in=get_commitments_for(user))
    if commitment is not None:
        assessments = assessments.filter(commitment=commitment)
    assessment = assessments.filter(pk=pk).first()
    if assessment is None:
        raise Http404("no such assessment")
    return assessment


def get_retraction_for(
    user: AnyUser,
    pk: int,
    *,
    commitment: Commitment | None = None,
    state: str | None = None,
) -> Retraction:
    """A retraction of a commitment the user may see, resting on a statement of a source the
    user may see; only confirmed ones for anyone but the registry's editors."""
    retractions = Retraction.objects.filter(
        commitment__in=get_commitments_for(user),
        statement__source__in=get_sources_for(user),
    )
    if not can_edit_registry(user):
        retractions = retractions.filter(state=RetractionState.CONFIRMED)
    if commitment is not None:
        retractions = retractions.filter(commitment=commitment)
    if state is not None:
        retractions = retractions.filter(state=state)
    retraction = retractions.select_related("statement").filter(pk=pk).first()
    if retraction is None:
        raise Http404("no such retraction")
    return retraction


def get_statements_for(user: AnyUser) -> QuerySet[Statement]:
    """The statements of the sources the user may see."""
    return Statement.objects.filter(source__in=get_sources_for(user))


def get_statement_for(user: AnyUser, pk: int) -> Statement:
    statement = get_statements_for(user).filter(pk=pk).first()
    if statement is None:
        raise Http404("no such statement")
    return statement


# --- what readers outside the mission are shown of an assessment -----------------------------

#: Computed statuses that rest on observations (the ones that decided them) or, for "upheld"
#: without any, on the observations and patrols in scope.
RESTING_ON_OBSERVATIONS = (
    AssessmentStatus.VIOLATED,
    AssessmentStatus.AT_RISK,
    AssessmentStatus.FULFILLED,
    AssessmentStatus.UPHELD,
)


def sees_assessments_as_computed(user: AnyUser) -> bool:
    """The mission (observers included) sees assessments as computed; see :func:`as_seen_by`."""
    return is_mission_reader(user) or _has_role(user, Role.OBSERVER)


def as_seen_by(user: AnyUser, assessments: Iterable[Assessment]) -> None:
    """Make ``assessments`` (in memory, never saved) what ``user`` may be shown.

    The mission (observers, analysts, the head of mission, administrators) sees them as
    computed. Readers outside it (the public and partners) see:

    - the coverage of the observations everyone may see (public, corroborated or verified)
      in place of every observation in scope;
    - a computed status that rests only on observations they may not see as "withheld"
      (not assessed publicly): a violation, risk, fulfilment or upheld status none of whose
      deciding observations is published, or an "upheld" by coverage alone whose published
      coverage and patrols do not reach the rule's minimum.

    A status the head of mission set (an override, with its justification) is shown as set:
    it is the mission's published word.
    """
    if sees_assessments_as_computed(user):
        return
    assessments = list(assessments)
    for assessment in assessments:
        assessment.coverage_observations = assessment.coverage_public_observations
    resting = [a for a in assessments if a.computed_status in RESTING_ON_OBSERVATIONS]
    if not resting:
        return
    from abide.compliance.rules import current_rules

    deciding: dict[int, bool] = {}
    for assessment_id, sensitivity, status in Assessment.observations.through.objects.filter(
        assessment_id__in=[a.pk for a in resting]
    ).values_list("assessment_id", "observation__sensitivity", "observation__status"):
        published = sensitivity == Sensitivity.PUBLIC and status in PUBLISHED_STATUSES
        deciding[assessment_id] = deciding.get(assessment_id, False) or published
    categories = dict(
        Commitment.objects.filter(pk__in={a.commitment_id for a in resting}).values_list(
            "pk", "category__slug"
        )
    )
    rules = current_rules()
    for assessment in resting:
        if assessment.pk in deciding:
            shown = deciding[assessment.pk]
        else:  # upheld by coverage alone
            minimum = rules.for_category(categories[assessment.commitment_id]).coverage.minimum
            covered = assessment.coverage_patrols + assessment.coverage_public_observations
            shown = covered >= max(minimum, 1)
        if not shown:
            assessment.computed_status = AssessmentStatus.WITHHELD
