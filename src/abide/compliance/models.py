"""Compliance: where a commitment applies, and which observations bear on it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from abide.observations.models import Observation
from abide.registry.models import Commitment


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


class Link(models.Model):
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
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["commitment", "-created_at"]
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [
            models.UniqueConstraint(fields=["commitment", "observation"], name="link_once_per_pair")
        ]
        indexes = [models.Index(fields=["observation", "state"])]

    def __str__(self) -> str:
        return f"{self.commitment_id} ← {self.observation_id} ({self.state})"
