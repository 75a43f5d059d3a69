"""Observations: what the mission, its partners and imported data sets saw on the ground."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from abide.registry.models import Category, Named, Party


class TimePrecision(models.TextChoices):
    EXACT = "exact", _("exact time")
    DAY = "day", _("to the day")
    WEEK = "week", _("within a week")
    MONTH = "month", _("within a month")
    YEAR = "year", _("within a year")


class PlacePrecision(models.TextChoices):
    EXACT = "exact", _("exact site")
    NEAR = "near", _("near a named place")
    ADMIN2 = "admin2", _("second-level administrative area")
    ADMIN1 = "admin1", _("first-level administrative area")
    COUNTRY = "country", _("country")


class Direction(models.TextChoices):
    UNDERCUTS = "undercuts", _("undercuts compliance")
    SUPPORTS = "supports", _("supports compliance")
    NEUTRAL = "neutral", _("neither: context")


class ReporterKind(models.TextChoices):
    OBSERVER = "observer", _("observer account")
    PARTNER = "partner", _("partner")
    DATASET = "dataset", _("imported data set")
    OPEN_SOURCE = "open_source", _("open source")


class Sensitivity(models.TextChoices):
    PUBLIC = "public", _("public")
    INTERNAL = "internal", _("internal")
    RESTRICTED = "restricted", _("restricted")


class PublicPrecision(models.TextChoices):
    """How coordinates are shown outside the mission: rounded to a grid, or not at all."""

    EXACT = "exact", _("as recorded")
    KM1 = "1km", _("rounded to about 1 km")
    KM10 = "10km", _("rounded to about 10 km")
    KM100 = "100km", _("rounded to about 100 km")
    HIDDEN = "hidden", _("not shown")


#: Decimal places of a coordinate rounded to each public precision.
PUBLIC_DECIMALS = {"exact": None, "1km": 2, "10km": 1, "100km": 0}


def rounded_point(
    latitude: float | None, longitude: float | None, public_precision: str
) -> tuple[float | None, float | None]:
    """Coordinates as shown outside the mission: rounded to the grid of the precision;
    (None, None) when hidden, unknown, or without a point."""
    if latitude is None or longitude is None or public_precision not in PUBLIC_DECIMALS:
        return None, None
    decimals = PUBLIC_DECIMALS[public_precision]
    if decimals is None:
        return latitude, longitude
    return round(latitude, decimals), round(longitude, decimals)


#: Place names finer than each public precision: left out with the coordinates they would give
#: away (a village named next to coordinates rounded to 10 km).
PUBLIC_HIDDEN_NAMES = {
    "exact": (),
    "1km": (),
    "10km": ("place_name",),
    "100km": ("place_name", "admin2"),
    "hidden": ("place_name", "admin2", "admin1"),
}


class Status(models.TextChoices):
    REPORTED = "reported", _("reported")
    CORROBORATED = "corroborated", _("corroborated")
    VERIFIED = "verified", _("verified")
    DISPUTED = "disputed", _("disputed")
    REFUTED = "refuted", _("refuted")


class Reliability(models.TextChoices):
    """The Admiralty code's grading of the source."""

    A = "A", _("A: completely reliable")
    B = "B", _("B: usually reliable")
    C = "C", _("C: fairly reliable")
    D = "D", _("D: not usually reliable")
    E = "E", _("E: unreliable")
    F = "F", _("F: reliability cannot be judged")


class Credibility(models.IntegerChoices):
    """The Admiralty code's grading of the information."""

    CONFIRMED = 1, _("1: confirmed by other sources")
    PROBABLY_TRUE = 2, _("2: probably true")
    POSSIBLY_TRUE = 3, _("3: possibly true")
    DOUBTFUL = 4, _("4: doubtful")
    IMPROBABLE = 5, _("5: improbable")
    CANNOT_JUDGE = 6, _("6: truth cannot be judged")


class Attribution(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    ALLEGED = "alleged", _("alleged")
    SUSPECTED = "suspected", _("suspected")


class SubType(Named):
    """A kind of observation within a category (shelling, convoy blocked...); data, not code."""

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="subtypes", verbose_name=_("category")
    )
    slug = models.SlugField(_("identifier"), max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    #: What an observation of this kind usually says of compliance: the default at capture.
    default_direction = models.CharField(
        _("usual direction"), max_length=10, choices=Direction.choices
    )

    class Meta:
        ordering = ["category__position", "position"]
        verbose_name = _("sub-type")
        verbose_name_plural = _("sub-types")


class Event(models.Model):
    """One happening on the ground, reported by several observations (counted once)."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return _("Event %(id)s") % {"id": self.pk}


class Patrol(models.Model):
    """A team's outing: where and when it looked, and what it saw (possibly nothing)."""

    team = models.CharField(_("team"), max_length=120)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="patrols", verbose_name=_("members")
    )
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"))
    #: Names of the administrative areas covered.
    area_admin = models.JSONField(_("administrative areas"), default=list, blank=True)
    #: Names of the places visited.
    area_places = models.JSONField(_("named places"), default=list, blank=True)
    #: A GeoJSON Polygon drawn around the area, if any.
    area_polygon = models.JSONField(_("drawn area"), null=True, blank=True)
    #: A GeoJSON LineString of the route, if recorded.
    route = models.JSONField(_("route"), null=True, blank=True)
    #: Where it went, as [latitude, longitude, country] points: its named places as the
    #: gazetteer places them and the points of its route and drawn area, resolved once when
    #: recorded, so that assessing coverage needs no gazetteer.
    footprint = models.JSONField(_("where it went"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    #: A key chosen by the recording client, so that a retried submission is stored once.
    client_key = models.CharField(_("client key"), max_length=100, blank=True, default="")

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        constraints = [
            models.UniqueConstraint(
                fields=["client_key"],
                condition=~Q(client_key=""),
                name="patrol_unique_client_key",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__gte=models.F("started_at")), name="patrol_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.started_at:%Y-%m-%d %H:%M}"


class Observation(models.Model):
    """One report of something seen: when, where, what, by whom, and how sure we are."""

    observed_start = models.DateTimeField(_("observed from"))
    observed_end = models.DateTimeField(_("observed until"))
    time_precision = models.CharField(
        _("time precision"), max_length=10, choices=TimePrecision.choices
    )
    reported_at = models.DateTimeField(_("time reported"))

    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    place_precision = models.CharField(
        _("place precision"), max_length=10, choices=PlacePrecision.choices
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    admin1 = models.CharField(_("first-level area"), max_length=120, blank=True)
    admin2 = models.CharField(_("second-level area"), max_length=120, blank=True)
    place_name = models.CharField(_("named place"), max_length=200, blank=True)
    #: The gazetteer's place (a GeoNames id), when one was resolved.
    geonameid = models.PositiveIntegerField(_("GeoNames id"), null=True, blank=True)

    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="observations",
        verbose_name=_("category"),
        db_index=False,  # the index on (category, observed_start) serves
    )
    subtype = models.ForeignKey(
        SubType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("sub-type"),
        db_index=False,  # filtered with its category, whose index serves
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)

    casualties_low = models.PositiveIntegerField(_("casualties (low)"), null=True, blank=True)
    casualties_best = models.PositiveIntegerField(_("casualties (best)"), null=True, blank=True)
    casualties_high = models.PositiveIntegerField(_("casualties (high)"), null=True, blank=True)
    casualties_civilian = models.PositiveIntegerField(_("civilian"), null=True, blank=True)
    casualties_combatant = models.PositiveIntegerField(_("combatant"), null=True, blank=True)
    casualties_unknown = models.PositiveIntegerField(_("status unknown"), null=True, blank=True)

    narrative = models.TextField(_("narrative"), blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True, default="en")

    reporter_kind = models.CharField(_("reported by"), max_length=12, choices=ReporterKind.choices)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("reporting user"),
        db_index=False,  # a partial index: most rows (imported ones) have none
    )
    #: A key chosen by the reporting client, so that a retried submission is stored once.
    client_key = models.CharField(_("client key"), max_length=100, blank=True, default="")

    sensitivity = models.CharField(
        _("sensitivity"), max_length=10, choices=Sensitivity.choices, default=Sensitivity.INTERNAL
    )
    public_precision = models.CharField(
        _("public precision of the place"),
        max_length=6,
        choices=PublicPrecision.choices,
        default=PublicPrecision.EXACT,
    )

    status = models.CharField(
        _("verification"), max_length=12, choices=Status.choices, default=Status.REPORTED
    )
    reliability = models.CharField(
        _("source reliability"), max_length=1, choices=Reliability.choices, blank=True
    )
    credibility = models.PositiveSmallIntegerField(
        _("information credibility"), choices=Credibility.choices, null=True, blank=True
    )

    patrol = models.ForeignKey(
        Patrol,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("patrol"),
        db_index=False,  # a partial index: most rows (imported ones) have none
    )
    event = models.ForeignKey(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("event"),
        db_index=False,  # a partial index: most rows (imported ones) have none
    )

    #: Provenance of an imported row: the data set, its version, the row's own id and the row.
    dataset = models.CharField(_("data set"), max_length=40, blank=True)
    dataset_version = models.CharField(_("data set version"), max_length=40, blank=True)
    #: NULL for an observation that was not imported: the unique (data set, original id)
    #: then binds imported rows only, and its index serves the importer's lookups.
    original_id = models.CharField(  # noqa: DJ001
        _("original id"), max_length=60, null=True, blank=True
    )
    original_row = models.JSONField(_("original row"), null=True, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["-observed_start", "-id"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "original_id"],
                name="observation_unique_original_row",
            ),
            models.UniqueConstraint(
                fields=["client_key"],
                condition=~Q(client_key=""),
                name="observation_unique_client_key",
            ),
            models.CheckConstraint(
                condition=Q(observed_end__gte=models.F("observed_start")),
                name="observation_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="observation_point_on_earth",
            ),
        ]
        indexes = [
            models.Index(fields=["category", "observed_start"]),
            # Assessments count what was seen in a period, of every category, on the list's
            # index (observed_start, id) below: one on observed_start alone only cost writes.
            *(
                models.Index(
                    fields=[name],
                    condition=Q(**{f"{name}__isnull": False}),
                    name=f"observation_{name}",
                )
                for name in ("reported_by", "patrol", "event")
            ),
            # The map's points and cells in view (zoomed in, or filtered); zoomed out and
            # unfiltered it reads the grid indexes of migration 0007 (SQLite).
            models.Index(
                fields=["latitude", "longitude", "category", "observed_start", "status"],
                condition=Q(latitude__isnull=False),
                name="observation_map",
            ),
            # The public's points in view, each precision's narrowed to the box widened by
            # half its step (abide.observations.public_place.in_public_box).
            models.Index(
                fields=[
                    "public_precision",
                    "latitude",
                    "longitude",
                    "category",
                    "observed_start",
                    "status",
                    "sensitivity",
                ],
                name="observation_map_public",
            ),
            # The list, newest first, a page at a time, from the index alone (PostgreSQL: the
            # key in the index, for the order; SQLite's index of the time holds it already).
            models.Index(fields=["observed_start", "id"], name="observation_list"),
            # The public's list, newest first, a page at a time, from the index alone.
            models.Index(
                fields=["sensitivity", "observed_start", "id", "status"],
                name="observation_list_public",
            ),
            # The analysts' queue: reported observations, oldest first, and its size and age.
            models.Index(
                fields=["reported_at", "id"],
                condition=Q(status="reported"),
                name="observation_review_queue",
            ),
        ]

    def __str__(self) -> str:
        where = self.place_name or self.admin1 or self.country
        return f"{self.observed_start:%Y-%m-%d} {where} ({self.category.slug})"


class ObservationActor(models.Model):
    """An actor named in an observation: a registry party when matched, and the name as given."""

    #: Without a database constraint: actors are written only with their observation, in
    #: its transaction, and deleted with it; PostgreSQL's deferred check of every imported
    #: actor row would otherwise cost more than writing it. Without an index of its own:
    #: the index (observation, party) of migration 0004 serves every lookup by observation.
    observation = models.ForeignKey(
        Observation,
        on_delete=models.CASCADE,
        related_name="actors",
        verbose_name=_("observation"),
        db_constraint=False,
        db_index=False,
    )
    party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="observed_as_actor",
        verbose_name=_("party"),
    )
    name = models.CharField(_("name as reported"), max_length=300)
    attribution = models.CharField(
        _("attribution"), max_length=10, choices=Attribution.choices, default=Attribution.ALLEGED
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["observation", "position"]
        verbose_name = pgettext_lazy("who acted in an event", "actor")
        verbose_name_plural = pgettext_lazy("who acted in an event", "actors")

    def __str__(self) -> str:
        return self.name


class Evidence(models.Model):
    """A file supporting an observation, stored once by its SHA-256 and never altered."""

    observation = models.ForeignKey(
        Observation,
        on_delete=models.PROTECT,
        related_name="evidence",
        verbose_name=_("observation"),
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    media_type = models.CharField(_("media type"), max_length=100)
    original_name = models.CharField(_("file name as uploaded"), max_length=255, blank=True)
    #: What the file says of itself (an image's EXIF: camera, time taken, GPS position).
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "sha256"], name="evidence_once_per_observation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.original_name or self.sha256[:12]} ({self.media_type})"


class VerificationStep(models.Model):
    """One change of an observation's verification status: by whom, when and why."""

    observation = models.ForeignKey(
        Observation,
        on_delete=models.CASCADE,
        related_name="verification_steps",
        verbose_name=_("observation"),
    )
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    reason = models.TextField(_("reason"))
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("verification step")
        verbose_name_plural = _("verification steps")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Comment(models.Model):
    """A message in an observation's discussion thread."""

    observation = models.ForeignKey(
        Observation,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("observation"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:60]


class ImportRun(models.Model):
    """One import of one file: its progress (the resume point) and its counts.

    Each batch commits its rows together with ``rows_done``, so a run that was killed resumes
    after its last whole batch when the same file is imported again.
    """

    class State(models.TextChoices):
        RUNNING = "running", _("running or interrupted")
        FINISHED = "finished", pgettext_lazy("state of an import", "finished")
        #: The file broke off (truncated): what was read before the break is stored.
        FAILED = "failed", pgettext_lazy("state of an import", "failed")

    dataset = models.CharField(_("data set"), max_length=40)
    file_name = models.CharField(_("file"), max_length=500)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    file_size = models.PositiveBigIntegerField(_("size in bytes"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    created = models.PositiveIntegerField(_("rows created"), default=0)
    updated = models.PositiveIntegerField(_("rows updated"), default=0)
    unchanged = models.PositiveIntegerField(_("rows unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("time finished"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.dataset} {self.file_name} ({self.state})"


class MapCell(models.Model):
    """The observations one viewer sees in one base cell of the map, of one category, on one
    day: their count and the sums of their points (kept by ``observations/mapcells.py``)."""

    class Viewer(models.TextChoices):
        EVERY = "every", _("every observation")
        PUBLIC = "public", _("the public")

    viewer = models.CharField(_("viewer"), max_length=8, choices=Viewer.choices)
    cell_y = models.IntegerField(_("cell row"))
    cell_x = models.IntegerField(_("cell column"))
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="+", verbose_name=_("category")
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("count"))
    sum_latitude = models.FloatField(_("sum of latitudes"))
    sum_longitude = models.FloatField(_("sum of longitudes"))

    class Meta:
        verbose_name = _("map cell")
        verbose_name_plural = _("map cells")
        constraints = [
            models.UniqueConstraint(
                fields=["viewer", "cell_y", "cell_x", "day", "category"], name="map_cell_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.viewer} {self.cell_y},{self.cell_x} {self.day} {self.category_id}"


class MapCellDay(models.Model):
    """A day whose map cells an import has not counted yet: the map counts the observations
    instead of summing its cells while any is left (``observations/mapcells.py``)."""

    day = models.DateField(_("day"), unique=True)

    class Meta:
        verbose_name = _("day of the map to count again")
        verbose_name_plural = _("days of the map to count again")

    def __str__(self) -> str:
        return self.day.isoformat()
