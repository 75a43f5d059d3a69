"""The registry: parties, people, categories, sources, statements and commitments."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from abide.registry.languages import normalise_alias


class Named(models.Model):
    """A name in each of abide's five languages; English is required."""

    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    name_hy = models.CharField(_("name (Armenian)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    name_tr = models.CharField(_("name (Turkish)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def name_in(self, language: str) -> str:
        """The name in ``language`` (e.g. "ar" or "ar-eg"), falling back to English."""
        code = (language or "en").split("-")[0]
        return getattr(self, f"name_{code}", "") or self.name_en

    @property
    def name(self) -> str:
        return self.name_in(get_language() or "en")

    def __str__(self) -> str:
        return self.name_en


class PartyKind(models.TextChoices):
    STATE = "state", _("State")
    DE_FACTO_AUTHORITY = "de_facto_authority", _("De facto authority")
    ARMED_FORCE = "armed_force", _("Armed force")
    INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")
    NGO = "ngo", _("Non-governmental organisation")
    OTHER = "other", _("Other")


class Party(Named):
    """A state, de facto authority, force or organisation that makes or demands promises."""

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=PartyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def audit_extra(self) -> dict:
        # Queried afresh, never from a prefetch cache: the admin saves aliases after loading.
        return {
            "aliases": sorted(PartyAlias.objects.filter(party=self).values_list("alias", flat=True))
        }


class PartyAlias(models.Model):
    """Another way the texts name a party ("Baku", "Azerbaijani", "the Azerbaijani side")."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("alias"), max_length=200)
    normalised = models.CharField(max_length=200, unique=True, editable=False)

    class Meta:
        ordering = ["alias"]
        verbose_name = _("party alias")
        verbose_name_plural = _("party aliases")

    def clean(self) -> None:
        clash = (
            type(self)
            .objects.filter(normalised=normalise_alias(self.alias))
            .exclude(pk=self.pk)
            .select_related("party")
            .first()
        )
        if clash is not None:
            raise ValidationError(
                {
                    "alias": _("“%(alias)s” already names %(owner)s.")
                    % {"alias": self.alias, "owner": clash.party}
                }
            )

    def save(self, *args: object, **kwargs: object) -> None:
        self.normalised = normalise_alias(self.alias)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.alias


class Person(Named):
    """A speaker or official; tied to parties through dated roles."""

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def audit_extra(self) -> dict:
        return {
            "aliases": sorted(
                PersonAlias.objects.filter(person=self).values_list("alias", flat=True)
            ),
            "roles": sorted(
                [r.title, r.party_id, r.start and r.start.isoformat(), r.end and r.end.isoformat()]
                for r in Role.objects.filter(person=self)
            ),
        }

    def party_on(self, day: dt.date) -> Party | None:
        """The party this person served on ``day`` (their first role then), if any."""
        role = self.roles.active_on(day).select_related("party").first()
        return role.party if role else None


class PersonAlias(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("alias"), max_length=200)
    normalised = models.CharField(max_length=200, unique=True, editable=False)

    class Meta:
        ordering = ["alias"]
        verbose_name = _("person alias")
        verbose_name_plural = _("person aliases")

    def clean(self) -> None:
        clash = (
            type(self)
            .objects.filter(normalised=normalise_alias(self.alias))
            .exclude(pk=self.pk)
            .select_related("person")
            .first()
        )
        if clash is not None:
            raise ValidationError(
                {
                    "alias": _("“%(alias)s” already names %(owner)s.")
                    % {"alias": self.alias, "owner": clash.person}
                }
            )

    def save(self, *args: object, **kwargs: object) -> None:
        self.normalised = normalise_alias(self.alias)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.alias


class RoleQuerySet(models.QuerySet):
    def active_on(self, day: dt.date) -> RoleQuerySet:
        return self.filter(Q(start__isnull=True) | Q(start__lte=day)).filter(
            Q(end__isnull=True) | Q(end__gte=day)
        )


class Role(models.Model):
    """A dated office: "President" of Azerbaijan from 2003-10-31."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    title = models.CharField(pgettext_lazy("office held", "title"), max_length=200)
    party = models.ForeignKey(
        Party, verbose_name=_("party"), on_delete=models.PROTECT, related_name="roles"
    )
    start = models.DateField(pgettext_lazy("start of a period", "from"), null=True, blank=True)
    end = models.DateField(pgettext_lazy("end of a period", "to"), null=True, blank=True)

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["person__name_en", "start"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "title", "party", "start"], name="role_unique_per_start"
            ),
        ]

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("A role cannot end before it starts.")})

    def __str__(self) -> str:
        span = f"{self.start or '…'} – {self.end or '…'}"
        return f"{self.title}, {self.party} ({span})"


class Category(models.Model):
    """One of the categories shared by commitments and observations (see the data migration)."""

    slug = models.SlugField(_("identifier"), max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_ar = models.CharField(_("name (Arabic)"), max_length=120)
    name_hy = models.CharField(_("name (Armenian)"), max_length=120)
    name_ru = models.CharField(_("name (Russian)"), max_length=120)
    name_tr = models.CharField(_("name (Turkish)"), max_length=120)
    description_en = models.TextField(_("description (English)"))
    description_ar = models.TextField(_("description (Arabic)"))
    description_hy = models.TextField(_("description (Armenian)"))
    description_ru = models.TextField(_("description (Russian)"))
    description_tr = models.TextField(_("description (Turkish)"))

    class Meta:
        ordering = ["position"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    name_in = Named.name_in
    name = Named.name

    def description_in(self, language: str) -> str:
        code = (language or "en").split("-")[0]
        return getattr(self, f"description_{code}", "") or self.description_en

    @property
    def description(self) -> str:
        return self.description_in(get_language() or "en")

    def __str__(self) -> str:
        return self.name_en


class SourceKind(models.TextChoices):
    NEWS_ARTICLE = "news_article", _("News article")
    READOUT = "readout", _("Readout")
    BRIEFING = "briefing_transcript", _("Briefing transcript")
    STATEMENT = "statement", _("Statement")
    AGREEMENT = "agreement", _("Agreement")
    REPORT = "report", _("Report")


class Extraction(models.TextChoices):
    EXTRACTED = "extracted", _("Extracted")
    NOT_EXTRACTED = "not_extracted", _("Not extracted (language not read yet)")
    MANUAL = "manual", _("Entered by hand")


class Source(models.Model):
    """A document. The same normalised text is never stored twice."""

    kind = models.CharField(_("kind"), max_length=30, choices=SourceKind.choices)
    title = models.CharField(_("title"), max_length=500)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published = models.DateField(
        pgettext_lazy("date of publication", "published"), null=True, blank=True
    )
    dateline_place = models.CharField(_("dateline place"), max_length=120, blank=True)
    dateline_date = models.DateField(_("dateline date"), null=True, blank=True)
    dateline_agency = models.CharField(_("dateline agency"), max_length=120, blank=True)
    language = models.CharField(_("language"), max_length=12)
    text = models.TextField(_("full text"))
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    sha256 = models.CharField(_("SHA-256 of the normalised text"), max_length=64, unique=True)
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)
    extraction = models.CharField(
        _("extraction"), max_length=20, choices=Extraction.choices, default=Extraction.MANUAL
    )
    ingested_at = models.DateTimeField(_("ingested at"), auto_now_add=True)
    ingested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ingested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-published", "-ingested_at"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.title


class Mode(models.TextChoices):
    VERBATIM = "verbatim", _("Verbatim quote")
    PARAPHRASE = "paraphrase", _("Paraphrase")


class Statement(models.Model):
    """One utterance inside a source, located by its character span."""

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="statements"
    )
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    speaker_person = models.ForeignKey(
        Person,
        verbose_name=_("speaker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
    )
    speaker_party = models.ForeignKey(
        Party,
        verbose_name=_("speaker's party"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
    )
    addressee_person = models.ForeignKey(
        Person,
        verbose_name=_("addressee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="addressed_statements",
    )
    addressee_party = models.ForeignKey(
        Party,
        verbose_name=_("addressee's party"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="addressed_statements",
    )
    date_spoken = models.DateField(_("date spoken"), null=True, blank=True)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)

    class Meta:
        ordering = ["source", "start"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="statement_span"),
        ]

    @property
    def text(self) -> str:
        return self.source.text[self.start : self.end]

    def audit_extra(self) -> dict:
        return {
            "chain": [
                [link.position, link.relation, link.person_id, link.party_id, link.name]
                for link in AttributionLink.objects.filter(statement=self).order_by("position")
            ]
        }

    def __str__(self) -> str:
        text = self.text
        return text if len(text) <= 80 else text[:79] + "…"


class Relation(models.TextChoices):
    SAID = "said", pgettext_lazy("attribution: X said", "said")
    TOLD = "told", pgettext_lazy("attribution: X told Y", "told")
    REPORTED = "reported", pgettext_lazy("attribution: X reported it", "reported")
    PUBLISHED = "published", pgettext_lazy("attribution: X published it", "published")


class AttributionLink(models.Model):
    """One link of a statement's chain of attribution, in order from the original speaker.

    The founding article's chain: Aliyev *told* Blinken → Miller *reported* it → Armenpress
    *published* it.
    """

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="chain")
    position = models.PositiveSmallIntegerField(_("position"))
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    party = models.ForeignKey(
        Party,
        verbose_name=_("party"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name as written"), max_length=200, blank=True)
    to_person = models.ForeignKey(
        Person,
        verbose_name=pgettext_lazy("addressee of an utterance", "to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["statement", "position"]
        verbose_name = _("attribution link")
        verbose_name_plural = _("attribution links")
        constraints = [
            models.UniqueConstraint(fields=["statement", "position"], name="chain_position"),
        ]

    def who(self) -> str:
        return str(self.person or self.party or self.name)

    def __str__(self) -> str:
        target = f" {self.to_person}" if self.to_person else ""
        return f"{self.who()} {self.get_relation_display()}{target}"


class CommitmentKind(models.TextChoices):
    PLEDGE = "pledge", _("Pledge")
    DEMAND = "demand", _("Demand")


class ReviewState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class Commitment(models.Model):
    """A party pledges an action or restraint, or another party demands it of them."""

    kind = models.CharField(_("kind"), max_length=10, choices=CommitmentKind.choices)
    obligor_party = models.ForeignKey(
        Party,
        verbose_name=_("obligor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
        help_text=_("The party that would have to act; empty where the text does not say."),
    )
    obligor_person = models.ForeignKey(
        Person,
        verbose_name=_("obligor (person)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    demanded_by_party = models.ForeignKey(
        Party,
        verbose_name=_("demanded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
    )
    demanded_by_person = models.ForeignKey(
        Person,
        verbose_name=_("demanded by (person)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="commitments"
    )
    text = models.TextField(_("what is promised or demanded"))
    scope_area = models.CharField(_("area"), max_length=300, blank=True)
    scope_population = models.CharField(_("population"), max_length=300, blank=True)
    date_made = models.DateField(_("date made"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    condition = models.TextField(_("condition"), blank=True)
    statements = models.ManyToManyField(
        Statement, verbose_name=_("statements"), related_name="commitments", blank=True
    )
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    review_state = models.CharField(
        _("review state"), max_length=10, choices=ReviewState.choices, default=ReviewState.PROPOSED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    answered_by = models.ForeignKey(
        "self",
        verbose_name=_("answered by pledge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answers",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged",
        help_text=_("The commitment this duplicate was merged into (its statements moved there)."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-date_made", "category__position"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        indexes = [
            # The analysts' queue of proposed commitments: its size and its oldest item.
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(review_state="proposed"),
                name="commitment_review_queue",
            ),
            # What the public sees: the confirmed commitments, latest first, and their count.
            models.Index(
                fields=["date_made", "id"],
                condition=models.Q(review_state="confirmed"),
                name="commitment_confirmed",
            ),
            # The commitments list as the mission reads it (every commitment, latest first):
            # a page after a cursor is an index range.
            models.Index(fields=["date_made", "id"], name="commitment_by_day"),
            # The tracker and the API in their default order (confirmed ones, latest first): a
            # page by number steps over entries of this index alone, not over rows read one by
            # one (the state leads: a partial index would still have the state checked in the
            # row, the query's state being a parameter).
            models.Index(
                fields=["review_state", "date_made", "id"], name="commitment_state_by_day"
            ),
            # The lists sorted by deadline: a page after a cursor is an index range.
            models.Index(
                fields=["deadline", "id"],
                condition=models.Q(review_state="confirmed"),
                name="commitment_by_deadline",
            ),
            # Whether a pledge answers a demand: its obligor's pledges in its category by day.
            models.Index(
                fields=["obligor_party", "category", "date_made"],
                condition=models.Q(review_state="confirmed", kind="pledge"),
                name="commitment_answering_pledges",
            ),
        ]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == CommitmentKind.PLEDGE and (
            self.demanded_by_party_id or self.demanded_by_person_id
        ):
            errors["demanded_by_party"] = _("A pledge is not demanded by anyone.")
        if self.answered_by_id and self.kind != CommitmentKind.DEMAND:
            errors["answered_by"] = _("Only a demand is answered by a pledge.")
        if self.date_made and self.deadline and self.deadline < self.date_made:
            errors["deadline"] = _("The deadline cannot be before the date it was made.")
        if errors:
            raise ValidationError(errors)

    def obligor_label(self) -> str:
        return str(self.obligor_party or self.obligor_person or _("unspecified"))

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.obligor_label()} — {self.text[:80]}"


class WalkBackKind(models.TextChoices):
    REFUSES = "refuses", _("refuses what it promised")
    DENIES = "denies", _("denies having promised it")
    CONDITIONS = "conditions", _("puts new conditions on it")


class WalkBack(models.Model):
    """Words of a statement by which a party refuses, denies or puts conditions on something of
    a category ("we will never accept a ceasefire"), as the extractor read them: matched later
    against the party's earlier pledges of that category."""

    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.CASCADE, related_name="walk_backs"
    )
    party = models.ForeignKey(
        Party, verbose_name=_("party"), on_delete=models.PROTECT, related_name="walk_backs"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="walk_backs"
    )
    kind = models.CharField(_("how"), max_length=12, choices=WalkBackKind.choices)
    text = models.TextField(_("the words"))
    condition = models.TextField(_("condition"), blank=True)
    confidence = models.FloatField(_("confidence"), null=True, blank=True)

    class Meta:
        ordering = ["statement", "pk"]
        verbose_name = _("walk-back")
        verbose_name_plural = _("walk-backs")

    def __str__(self) -> str:
        return f"{self.party}: {self.get_kind_display()} ({self.category})"
