"""Users and their roles; what each role may do is decided in ``abide.accounts.access``."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A partner organisation with which the mission shares what it has decided to share."""

    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OBSERVER = "observer", _("Observer")
    ANALYST = "analyst", _("Analyst")
    HEAD_OF_MISSION = "head_of_mission", _("Head of mission")
    PARTNER = "partner", _("Partner")
    ADMINISTRATOR = "administrator", _("Administrator")


class User(AbstractUser):
    #: Fields left out of audit snapshots: secrets, and what changes on every login.
    audit_exclude = ("password", "last_login")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OBSERVER)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    #: The observer team the user belongs to (blank: none). Observers see the restricted
    #: observations reported by members of their own team (``observations/access.py``).
    team = models.CharField(_("team"), max_length=120, blank=True, default="")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self) -> None:
        super().clean()
        if self.role == Role.PARTNER and self.organisation_id is None:
            raise ValidationError({"organisation": _("A partner must belong to an organisation.")})

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles


class SharingAgreement(models.Model):
    """What the mission has agreed to share with a partner organisation beyond what is public:
    while in force (from ``starts_on``, until the day before ``ends_on``), the organisation's
    partners see the internal observations of its categories (all categories when none is
    named) once corroborated or verified. Never restricted ones; places stay coarsened and
    reporters hidden, as for every partner. Written by ``accounts/sharing.py``."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="sharing_agreements",
    )
    title = models.CharField(_("title"), max_length=200)
    categories = models.ManyToManyField(
        "registry.Category",
        verbose_name=_("categories"),
        blank=True,
        related_name="+",
        help_text=_("None: every category."),
    )
    starts_on = models.DateField(_("in force from"))
    ends_on = models.DateField(_("no longer in force from"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, verbose_name=_("made by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)

    class Meta:
        ordering = ["organisation", "-starts_on"]
        verbose_name = _("sharing agreement")
        verbose_name_plural = _("sharing agreements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="sharing_agreement_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.title}"


class ApiToken(models.Model):
    """A key with which a script uses the API as its user, without a session. Only a digest
    of the key is kept: it is shown once, when issued."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    #: The first characters of the key, to tell keys apart in lists.
    prefix = models.CharField(_("prefix"), max_length=16)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    audit_exclude = ("digest", "last_used_at")

    class Meta:
        ordering = ["user", "-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user}: {self.name} ({self.prefix}…)"
