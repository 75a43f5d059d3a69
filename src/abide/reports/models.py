"""Mission reports: a period's report or one commitment's dossier, drafted, approved and
published; a published report is frozen (its documents are stored) and a correction is a new
version that says what it corrects."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

#: The languages every report is written in, in the order of the switcher.
REPORT_LANGUAGES = ("en", "ar", "hy", "ru", "tr")


class ReportKind(models.TextChoices):
    PERIOD = "period", _("period report")
    DOSSIER = "dossier", _("commitment dossier")


class ReportPeriodKind(models.TextChoices):
    DAY = "day", _("daily")
    WEEK = "week", _("weekly")
    MONTH = "month", _("monthly")
    RANGE = "range", _("from/to")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")
    PUBLISHED = "published", _("published")


class Tier(models.TextChoices):
    INTERNAL = "internal", _("internal")
    PUBLIC = "public", _("public")


class Report(models.Model):
    """One report (one version of it): what it covers, where it is in its workflow, and, once
    published, the documents of both tiers exactly as published."""

    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    period_kind = models.CharField(
        _("period"), max_length=5, choices=ReportPeriodKind.choices, blank=True
    )
    #: The first day covered.
    period_start = models.DateField(_("first day"))
    #: The day after the last day covered.
    period_end = models.DateField(_("day after the last"))
    #: ``{"countries": ["AM", "AZ"], "areas": ["Syunik"], "commitments": [12, 13]}``; empty
    #: lists (or an empty dict) for the whole mission.
    scope = models.JSONField(_("scope"), default=dict, blank=True)
    commitment = models.ForeignKey(
        "registry.Commitment",
        verbose_name=_("commitment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    correction_note = models.TextField(_("what this version corrects"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("drafted"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    #: The documents as published, ``{"internal": {...}, "public": {...}}`` (see
    #: ``abide.reports.document``); empty until publication, never changed after it.
    snapshot = models.JSONField(_("documents as published"), default=dict, blank=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")),
                name="report_period_not_empty",
            ),
            models.CheckConstraint(
                condition=Q(kind="period") | Q(commitment__isnull=False),
                name="report_dossier_has_commitment",
            ),
        ]
        indexes = [models.Index(fields=["state", "published_at"], name="report_published")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}–{self.period_end} v{self.version}"


class ReportSummary(models.Model):
    """The analyst's summary in one language: the words as written (``is_original``) or a
    translation of them entered by a person."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="summaries"
    )
    language = models.CharField(_("language"), max_length=10)
    text = models.TextField(_("summary"))
    is_original = models.BooleanField(_("as written"), default=True)

    class Meta:
        ordering = ["-is_original", "language"]
        verbose_name = _("summary")
        verbose_name_plural = _("summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "language"], name="report_summary_one_per_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} [{self.language}]"


class NotableIncident(models.Model):
    """An observation an analyst chose to tell of in the report, in their order."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="incidents"
    )
    observation = models.ForeignKey(
        "observations.Observation",
        verbose_name=_("observation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("notable incident")
        verbose_name_plural = _("notable incidents")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "observation"], name="report_incident_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.observation_id}"
