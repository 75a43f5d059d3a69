"""Compliance: where a commitment applies, and which observations bear on it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from abide.observations.models import Observation
from abide.registry.models import Commitment, WalkBackKind


class Scope(models.Model):
    """Where and to whom a commitment applies, as an analyst set it.

    The area is the union of its countries, its administrative areas, its named places (each
    with a radius) and its polygon. A commitment without a scope applies to its obligor's
    territory.
    """

    commitment = models.OneToOneField(
        Commitment, on_delete=models.CASCADE, related_name="scope", verbose_name=_("commitment")
    )
    #: ISO 3166-1 alpha-2 codes.
    countries = models.JSONField(_("countries"), default=list, blank=True)
    #: Names of administrative areas, as observations name them.
    admin_areas = models.JSONField(_("administrative areas"), default=list, blank=True)
    #: [{"name": ..., "latitude": ..., "longitude": ..., "radius_km": ...}]
    places = models.JSONField(_("named places with a radius"), default=list, blank=True)
    #: A GeoJSON Polygon or MultiPolygon.
    polygon = models.JSONField(_("drawn area"), null=True, blank=True)
    population = models.CharField(_("population"), max_length=200, blank=True, default="all")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    audit_exclude = ("updated_at",)

    class Meta:
        verbose_name = _("scope")
        verbose_name_plural = _("scopes")

    def __str__(self) -> str:
        return str(self.commitment)


class LinkState(models.TextChoices):
    CANDIDATE = "candidate", _("candidate")
    CONFIRMED = "confirmed", _("confirmed")
    REJECTED = "rejected", _("rejected")


class Bearing(models.TextChoices):
    SUPPORTS = "supports", _("supports the commitment")
    UNDERCUTS = "undercuts", _("undercuts the commitment")


class ObligorRole(models.TextChoices):
    PERPETRATOR = "perpetrator", _("perpetrator")
    INVOLVED = "involved", _("involved")
    NOT_NAMED = "not_named", _("not named")


class Decided(models.Model):
    """Who decided on what abide proposed, and when (empty until someone does)."""

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        abstract = True


class Link(Decided):
    """An observation bearing on a commitment: proposed by abide or added by an analyst,
    and confirmed or rejected by one, with the reason."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="links", verbose_name=_("commitment")
    )
    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="links", verbose_name=_("observation")
    )
    state = models.CharField(_("state"), max_length=10, choices=LinkState.choices)
    bearing = models.CharField(_("bearing"), max_length=10, choices=Bearing.choices)
    #: How the commitment's obligor figures in the observation.
    obligor_role = models.CharField(_("the obligor is"), max_length=12, choices=ObligorRole.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by (none: proposed by abide)"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["commitment", "-created_at"]
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [
            models.UniqueConstraint(fields=["commitment", "observation"], name="link_once_per_pair")
        ]
        indexes = [
            models.Index(fields=["observation", "state"]),
            # The analysts' queue of candidate links, oldest first.
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(state="candidate"),
                name="link_review_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} ← {self.observation_id} ({self.state})"


class AssessmentStatus(models.TextChoices):
    NOT_YET = "not_yet", _("not yet assessed")
    UPHELD = "upheld", _("upheld")
    AT_RISK = "at_risk", _("at risk")
    VIOLATED = "violated", _("violated")
    NOT_ASSESSABLE = "not_assessable", _("not assessable")
    FULFILLED = "fulfilled", _("fulfilled")
    OVERDUE = "overdue", _("overdue")
    SUPERSEDED = "superseded", _("superseded")
    EXPIRED = "expired", _("expired")
    #: Never stored: what readers outside the mission are shown instead of a status that rests
    #: only on observations they may not see (see ``abide.compliance.access.as_seen_by``).
    WITHHELD = "withheld", _("not assessed publicly")


class PeriodKind(models.TextChoices):
    DAY = "day", _("day")
    WEEK = "week", _("week")
    MONTH = "month", _("month")


class Assessment(models.Model):
    """Whether a commitment was kept over one period, with what shows it and who signed it."""

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("commitment"),
    )
    period_kind = models.CharField(_("period"), max_length=5, choices=PeriodKind.choices)
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("day after the last"))
    computed_status = models.CharField(
        _("computed status"), max_length=15, choices=AssessmentStatus.choices
    )
    #: The version of ``data/rules.yaml`` that computed it.
    rules_version = models.PositiveIntegerField(_("rules version"))
    #: The observations that decided the status.
    observations = models.ManyToManyField(
        Observation, blank=True, related_name="assessments", verbose_name=_("observations")
    )
    coverage_patrols = models.PositiveIntegerField(_("patrols in scope"), default=0)
    coverage_observations = models.PositiveIntegerField(_("observations in scope"), default=0)
    #: Of those, the ones everyone may see (public, corroborated or verified): the coverage the
    #: public and partners are shown.
    coverage_public_observations = models.PositiveIntegerField(
        _("published observations in scope"), default=0
    )
    computed_at = models.DateTimeField(_("computed"))
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    signed_off_at = models.DateTimeField(_("signed off"), null=True, blank=True)
    override_status = models.CharField(
        _("status set by the head of mission"),
        max_length=15,
        choices=AssessmentStatus.choices,
        blank=True,
    )
    override_justification = models.TextField(_("justification"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("overridden by"),
    )

    audit_exclude = ("computed_at",)

    class Meta:
        ordering = ["commitment", "period_kind", "period_start"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "period_kind", "period_start"],
                name="assessment_once_per_period",
            )
        ]
        indexes = [models.Index(fields=["period_kind", "period_start"])]

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.period_kind} {self.period_start}: {self.status}"

    @property
    def status(self) -> str:
        """The head of mission's status where set, else the computed one."""
        return self.override_status or self.computed_status


class CurrentStatus(models.Model):
    """A commitment's current status: its latest weekly assessment up to the day it was kept,
    with the status the mission sees and the one everyone else is shown (``withheld`` where it
    rests on observations they may not see). Kept by the assessment whenever it stores, signs
    off or overrides one (``abide.compliance.current``), so that the tracker and the API filter,
    sort and page by status in the database."""

    commitment = models.OneToOneField(
        Commitment,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="current_status",
        verbose_name=_("commitment"),
    )
    #: None while the commitment has no weekly assessment up to that day.
    assessment = models.OneToOneField(
        Assessment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessment"),
    )
    week = models.DateField(_("first day of the week"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=15, choices=AssessmentStatus.choices)
    public_status = models.CharField(
        _("status shown outside the mission"), max_length=15, choices=AssessmentStatus.choices
    )
    #: Where ``status`` and ``public_status`` come in the order the lists sort statuses by
    #: (``abide.compliance.status_order``), kept with them: the sort by status reads these.
    rank = models.PositiveSmallIntegerField(_("rank of the status"), default=9)
    public_rank = models.PositiveSmallIntegerField(
        _("rank of the status shown outside the mission"), default=9
    )
    #: The first week assessed ahead of that day, if any: once it comes, the row is kept again.
    next_week = models.DateField(_("next week assessed ahead"), null=True, blank=True)

    class Meta:
        verbose_name = _("current status")
        verbose_name_plural = _("current statuses")
        indexes = [
            models.Index(fields=["status", "week"], name="current_status"),
            models.Index(fields=["public_status", "week"], name="current_public_status"),
            models.Index(
                fields=["next_week"],
                condition=models.Q(next_week__isnull=False),
                name="current_status_ahead",
            ),
            # The sort by status, as the mission and as everyone else sees it: a page after a
            # cursor is an index range (the rank, then the commitment).
            models.Index(fields=["rank", "commitment"], name="current_status_rank"),
            models.Index(fields=["public_rank", "commitment"], name="current_public_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id}: {self.status} ({self.week})"


RetractionKind = WalkBackKind  # a retraction is a walk-back matched to a pledge


class RetractionState(models.TextChoices):
    PROPOSED = "proposed", _("proposed, not yet reviewed")
    CONFIRMED = "confirmed", _("confirmed")
    DISMISSED = "dismissed", _("dismissed")


class Retraction(Decided):
    """A later statement of the obligor that walks a pledge back: flagged by an analyst
    (confirmed at once), or proposed by abide from the statement's words (a walk-back of the
    same party and category) for an analyst to confirm or dismiss."""

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="retractions",
        verbose_name=_("commitment"),
    )
    statement = models.ForeignKey(
        "registry.Statement",
        on_delete=models.PROTECT,
        related_name="retractions",
        verbose_name=_("statement"),
    )
    kind = models.CharField(_("how"), max_length=12, choices=RetractionKind.choices)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("flagged by"),
    )
    flagged_at = models.DateTimeField(_("flagged"), auto_now_add=True)
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=RetractionState.choices,
        default=RetractionState.CONFIRMED,
    )
    walk_back = models.ForeignKey(
        "registry.WalkBack",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="retractions",
        verbose_name=_("the words that walk it back"),
    )

    class Meta:
        ordering = ["commitment", "flagged_at"]
        verbose_name = _("retraction")
        verbose_name_plural = _("retractions")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "statement"], name="retraction_once_per_statement"
            )
        ]
        indexes = [
            # The analysts' queue of proposed retractions, oldest first.
            models.Index(
                fields=["flagged_at", "id"],
                condition=models.Q(state="proposed"),
                name="retraction_review_queue",
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id}: {self.get_kind_display()}"


class Lifecycle(models.Model):
    """When a commitment stops binding: replaced by a later one, or run out (a 72-hour truce)."""

    commitment = models.OneToOneField(
        Commitment, on_delete=models.CASCADE, related_name="lifecycle", verbose_name=_("commitment")
    )
    superseded_by = models.ForeignKey(
        Commitment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )
    #: The first day the commitment no longer binds because of the one superseding it.
    superseded_on = models.DateField(_("superseded on"), null=True, blank=True)
    #: The last day the commitment binds.
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("lifecycle")
        verbose_name_plural = _("lifecycles")

    def __str__(self) -> str:
        return str(self.commitment)

    def ended_status(self, first_day: object) -> str | None:
        """ "superseded" or "expired" for a period starting on ``first_day``, if it has ended."""
        if self.superseded_on is not None and first_day >= self.superseded_on:
            return AssessmentStatus.SUPERSEDED
        if self.expires_on is not None and first_day > self.expires_on:
            return AssessmentStatus.EXPIRED
        return None
