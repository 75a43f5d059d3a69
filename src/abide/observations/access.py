"""Who may see and do what with observations. Views, API handlers and commands ask here only."""

from __future__ import annotations

import datetime as dt
import mimetypes

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from abide.accounts.access import MISSION_READERS, AnyUser
from abide.accounts.models import Role
from abide.observations.models import (
    Evidence,
    Observation,
    Patrol,
    Sensitivity,
    Status,
    rounded_point,
)

#: Roles that report what they saw (the mission's own people and its partners).
REPORTERS = (Role.OBSERVER, Role.PARTNER, Role.ANALYST, Role.HEAD_OF_MISSION)
#: Roles that verify, grade and link observations into events.
VERIFIERS = (Role.ANALYST, Role.HEAD_OF_MISSION)
#: Roles that record the mission's patrols.
PATROL_RECORDERS = (Role.OBSERVER, Role.ANALYST, Role.HEAD_OF_MISSION)
#: Every role of the mission: all may join the discussion of what they may see.
MISSION_ROLES = tuple(Role.values)
#: Roles that read the discussion of every observation they see (partners: of their own).
DISCUSSION_ROLES = (Role.OBSERVER, Role.ANALYST, Role.HEAD_OF_MISSION, Role.ADMINISTRATOR)
#: Roles that see every place as recorded; the others (partners, the public) see the places
#: of the observations they did not report coarsened to each one's public precision.
EXACT_PLACE_READERS = (Role.OBSERVER, Role.ANALYST, Role.HEAD_OF_MISSION, Role.ADMINISTRATOR)
#: Roles that see who reported an observation (others see only their own reports' reporter).
REPORTER_READERS = (Role.ANALYST, Role.HEAD_OF_MISSION, Role.ADMINISTRATOR)
#: The statuses under which a public observation is shown to everyone.
PUBLISHED_STATUSES = (Status.CORROBORATED, Status.VERIFIED)
#: The observations everyone may see: public ones, once corroborated or verified.
PUBLISHED = Q(sensitivity=Sensitivity.PUBLIC, status__in=PUBLISHED_STATUSES)


def is_published(observation: Observation) -> bool:
    """Whether everyone may see the observation (what :data:`PUBLISHED` selects)."""
    return (
        observation.sensitivity == Sensitivity.PUBLIC and observation.status in PUBLISHED_STATUSES
    )


def _has_role(user: AnyUser, roles: tuple[str, ...]) -> bool:
    return bool(user.is_authenticated and user.has_role(*roles))


def can_report_observations(user: AnyUser) -> bool:
    return _has_role(user, REPORTERS)


def can_verify_observations(user: AnyUser) -> bool:
    """Change an observation's status, grade it, and link observations as one event."""
    return _has_role(user, VERIFIERS)


def can_import_observations(user: AnyUser) -> bool:
    """Import event data sets: the analysts, the head of mission, administrators."""
    return _has_role(user, (*VERIFIERS, Role.ADMINISTRATOR))


def can_record_patrols(user: AnyUser) -> bool:
    return _has_role(user, PATROL_RECORDERS)


def can_add_evidence(user: AnyUser, observation: Observation) -> bool:
    """The observation's reporter, and the analysts and the head of mission."""
    if _has_role(user, VERIFIERS):
        return True
    return bool(
        _has_role(user, MISSION_ROLES)
        and observation.reported_by_id is not None
        and observation.reported_by_id == user.pk
    )


def can_correct(user: AnyUser, observation: Observation) -> bool:
    """Its reporter, while nobody has reviewed it: still reported, no verification step, no
    grade."""
    return bool(
        can_report_observations(user)
        and observation.reported_by_id is not None
        and observation.reported_by_id == user.pk
        and is_unreviewed(observation)
    )


def is_unreviewed(observation: Observation) -> bool:
    return (
        observation.status == Status.REPORTED
        and not observation.reliability
        and observation.credibility is None
        and not observation.verification_steps.exists()
    )


def get_own_reports_for(user: AnyUser) -> QuerySet[Observation]:
    """The observations ``user`` reported, newest first (none for anyone not signed in)."""
    if not user.is_authenticated:
        return Observation.objects.none()
    return Observation.objects.filter(reported_by=user).order_by("-reported_at", "-pk")


def get_recent_patrols_for(user: AnyUser, days: int = 14) -> QuerySet[Patrol]:
    """The patrols ``user`` recorded or joined that ended in the last ``days`` days: those a
    report may belong to."""
    if not user.is_authenticated:
        return Patrol.objects.none()
    since = timezone.now() - dt.timedelta(days=days)
    return (
        Patrol.objects.filter(Q(created_by=user) | Q(members=user), ended_at__gte=since)
        .distinct()
        .order_by("-started_at")
    )


def can_comment(user: AnyUser, observation: Observation) -> bool:
    """Anyone who reads the observation's discussion (:func:`reads_discussion`), on an
    observation they may see."""
    return reads_discussion(user, observation) and can_see(user, observation)


def sees_exact_places(user: AnyUser) -> bool:
    """Whether ``user`` sees every place as recorded (else see :func:`sees_exact_place`)."""
    return _has_role(user, EXACT_PLACE_READERS)


def sees_exact_place(user: AnyUser, observation: Observation) -> bool:
    """Whether ``user`` sees this observation's place as recorded: the mission's own people,
    and the reporter of the observation; everyone else sees :func:`public_point`."""
    return sees_exact_places(user) or _is_reporter(user, observation)


def sees_reporter(user: AnyUser, observation: Observation) -> bool:
    """Whether ``user`` sees who reported the observation: analysts, the head of mission,
    administrators, and the reporter."""
    return _has_role(user, REPORTER_READERS) or _is_reporter(user, observation)


def _is_reporter(user: AnyUser, observation: Observation) -> bool:
    return bool(
        user.is_authenticated
        and observation.reported_by_id is not None
        and observation.reported_by_id == user.pk
    )


def can_see(user: AnyUser, observation: Observation) -> bool:
    return get_observations_for(user).filter(pk=observation.pk).exists()


def reads_discussion(user: AnyUser, observation: Observation) -> bool:
    """Whether ``user`` reads the discussion of ``observation`` and who verified it and why
    (when they may see it): the mission's own people; a partner only on their own reports (the
    mission's talk of what others reported stays inside the mission); never the public."""
    return _has_role(user, DISCUSSION_ROLES) or (
        _has_role(user, MISSION_ROLES) and _is_reporter(user, observation)
    )


def evidence_name_for(user: AnyUser, observation: Observation, evidence: Evidence) -> str:
    """The name a file is shown and downloaded under: as uploaded to those who see the place
    as recorded (a name may tell where, or whom); else one made of its hash and type."""
    if sees_exact_place(user, observation) and evidence.original_name:
        return evidence.original_name
    suffix = mimetypes.guess_extension(evidence.media_type or "") or ""
    return f"evidence-{evidence.sha256[:12]}{suffix}"


def can_download_evidence(user: AnyUser, observation: Observation, evidence: Evidence) -> bool:
    """Whether ``user`` may have the evidence's file itself, on an observation they may see: yes,
    unless the file tells a position (an image's GPS tags) that the user is shown only coarsened;
    then only its thumbnail, which carries no metadata."""
    return sees_exact_place(user, observation) or not (evidence.metadata or {}).get("gps")


def get_observations_for(user: AnyUser) -> QuerySet[Observation]:
    """The observations ``user`` may see.

    Analysts, the head of mission and administrators: all. Observers: all but the restricted
    ones, plus the restricted ones reported by themselves or by a member of their team.
    Partners: their own reports, what the public sees (public observations, corroborated or
    verified), and what a sharing agreement of their organisation in force covers (internal
    observations of its categories, corroborated or verified). Everyone else (anonymous users
    included): public observations that are corroborated or verified.
    """
    observations = Observation.objects.all()
    if _has_role(user, MISSION_READERS):
        return observations
    if _has_role(user, (Role.OBSERVER,)):
        own = Q(reported_by=user)
        if user.team:
            own |= Q(reported_by__team=user.team)
        return observations.filter(~Q(sensitivity=Sensitivity.RESTRICTED) | own)
    if _has_role(user, (Role.PARTNER,)):
        # A partner is outside the mission: others' reports as the public sees them (public,
        # once corroborated or verified), their own reports whatever their state, and what a
        # sharing agreement of their organisation covers.
        return observations.filter(PUBLISHED | Q(reported_by=user) | _shared_with(user))
    return observations.filter(PUBLISHED)


def _shared_with(user: AnyUser) -> Q:
    """The internal observations the sharing agreements in force of the partner's
    organisation cover (nothing without one)."""
    from abide.accounts.sharing import agreements_in_force

    covered = Q(pk__in=[])
    for agreement in agreements_in_force(user).prefetch_related("categories"):
        categories = [category.pk for category in agreement.categories.all()]
        rule = Q(sensitivity=Sensitivity.INTERNAL, status__in=PUBLISHED_STATUSES)
        if categories:
            rule &= Q(category_id__in=categories)
        covered |= rule
    return covered


def get_observation_for(user: AnyUser, pk: int) -> Observation:
    """One observation the user may see; 404 otherwise (whether it exists or not)."""
    observation = get_observations_for(user).filter(pk=pk).first()
    if observation is None:
        raise Http404(_("no such observation"))
    return observation


def public_point(observation: Observation) -> tuple[float, float] | None:
    """The point shown outside the mission: rounded to the observation's public precision.

    None when the observation has no point or its public precision is "hidden".
    """
    latitude, longitude = rounded_point(
        observation.latitude, observation.longitude, observation.public_precision
    )
    return None if latitude is None or longitude is None else (latitude, longitude)
