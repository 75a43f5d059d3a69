"""Observations in the admin: audited, read-only where a service owns the change.

Status changes only through :func:`abide.observations.services.transition`, grades only
through :func:`abide.observations.verification.grade`, events only through
:func:`abide.observations.events.link_as_one_event`, evidence only through
:func:`abide.observations.evidence.store_evidence`: here all are read-only. The
observation list may hold a million rows, so it avoids full counts and big drop-downs.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from abide.accounts.access import can_edit_registry, is_mission_reader
from abide.accounts.models import Role
from abide.audit.admin_mixins import AuditedAdmin, ReadOnlyMixin
from abide.audit.services import record_change, snapshot
from abide.observations import mapcells
from abide.observations.models import (
    Comment,
    Event,
    Evidence,
    ImportRun,
    Observation,
    ObservationActor,
    Patrol,
    SubType,
    VerificationStep,
)


def _is_administrator(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.user.has_role(Role.ADMINISTRATOR))


class ObservationsAdmin(AuditedAdmin):
    """Mission staff read; analysts, the head of mission and administrators change;
    administrators alone delete."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_mission_reader(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_mission_reader(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_edit_registry(request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can_edit_registry(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return _is_administrator(request)


class ReadOnlyAdmin(ReadOnlyMixin, ObservationsAdmin):
    """Rows written by a service (which validates and audits them): shown, never edited."""


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return list(self.fields or [])

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_mission_reader(request.user)


class ObservationActorInline(admin.TabularInline):
    model = ObservationActor
    extra = 0
    fields = ["position", "name", "party", "attribution"]
    autocomplete_fields = ["party"]

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_mission_reader(request.user)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can_edit_registry(request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can_edit_registry(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can_edit_registry(request.user)


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["original_name", "media_type", "size", "sha256", "uploaded_by", "uploaded_at"]


class VerificationStepInline(ReadOnlyInline):
    model = VerificationStep
    fields = ["at", "from_status", "to_status", "by", "reason"]
    show_change_link = False


class CommentInline(ReadOnlyInline):
    model = Comment
    fields = ["created_at", "author", "text"]
    show_change_link = False


@admin.register(Observation)
class ObservationAdmin(ObservationsAdmin):
    list_display = [
        "id",
        "observed_start",
        "category",
        "subtype",
        "place_name",
        "country",
        "direction",
        "status",
        "reporter_kind",
        "sensitivity",
        "event",
    ]
    list_display_links = ["id", "observed_start"]
    list_filter = [
        "status",
        "category",
        "subtype",
        "direction",
        "reporter_kind",
        "sensitivity",
        "time_precision",
        "place_precision",
        "observed_start",
    ]
    list_select_related = ["category", "subtype"]
    search_fields = ["place_name", "admin1", "=country", "=original_id", "=client_key"]
    show_full_result_count = False
    list_per_page = 50
    raw_id_fields = ["patrol", "reported_by"]
    #: Owned by services: the verification status (transition), the grades (grade) and the
    #: event (link_as_one_event, unlink_from_event).
    readonly_fields = [
        "status",
        "reliability",
        "credibility",
        "event",
        "reported_at",
        "created_at",
        "updated_at",
        "dataset",
        "dataset_version",
        "original_id",
        "original_row",
    ]
    inlines = [ObservationActorInline, EvidenceInline, VerificationStepInline, CommentInline]
    fieldsets = [
        (
            _("When"),
            {"fields": ["observed_start", "observed_end", "time_precision", "reported_at"]},
        ),
        (
            _("Where"),
            {
                "fields": [
                    "place_name",
                    "latitude",
                    "longitude",
                    "place_precision",
                    "country",
                    "admin1",
                    "admin2",
                    "geonameid",
                ]
            },
        ),
        (_("What"), {"fields": ["category", "subtype", "direction", "narrative", "language"]}),
        (
            _("Casualties"),
            {
                "fields": [
                    "casualties_low",
                    "casualties_best",
                    "casualties_high",
                    "casualties_civilian",
                    "casualties_combatant",
                    "casualties_unknown",
                ]
            },
        ),
        (
            _("Source and verification"),
            {
                "fields": [
                    "reporter_kind",
                    "reported_by",
                    "client_key",
                    "status",
                    "reliability",
                    "credibility",
                    "patrol",
                    "event",
                ]
            },
        ),
        (_("Sharing"), {"fields": ["sensitivity", "public_precision"]}),
        (
            _("Provenance"),
            {
                "fields": [
                    "dataset",
                    "dataset_version",
                    "original_id",
                    "original_row",
                    "created_at",
                    "updated_at",
                ],
                "classes": ["collapse"],
            },
        ),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # reports go through report_observation, which resolves the place

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Save, and recount the map's cells where the observation was and is now."""
        before = mapcells.keys_of([obj.pk]) if change else set()
        super().save_model(request, obj, form, change)
        mapcells.refresh_observations([obj.pk], before)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Save the actors edited inline, auditing each one created, changed or deleted."""
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            record_change(
                obj,
                actor=request.user,
                action="delete",
                before=snapshot(obj),
                detail={"via": "admin"},
            )
            obj.delete()
        for obj in instances:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None
            before = snapshot(stored) if stored is not None else None
            obj.save()
            record_change(
                obj,
                actor=request.user,
                action="change" if before is not None else "create",
                before=before,
                detail={"via": "admin"},
            )
        formset.save_m2m()


@admin.register(SubType)
class SubTypeAdmin(ObservationsAdmin):
    list_display = ["slug", "name_en", "category", "default_direction", "position"]
    list_filter = ["category", "default_direction"]
    search_fields = ["slug", "name_en", "name_ar", "name_hy", "name_ru", "name_tr"]
    readonly_fields = ["slug"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # sub-types come from data/subtypes.yaml, through a migration

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class EventObservationInline(ReadOnlyInline):
    model = Observation
    fields = ["observed_start", "category", "place_name", "status"]


@admin.register(Event)
class EventAdmin(ObservationsAdmin):
    list_display = ["id", "created_at", "created_by", "reason"]
    search_fields = ["reason"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["created_at", "created_by"]
    show_full_result_count = False
    inlines = [EventObservationInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # events are made by link_as_one_event


@admin.register(Patrol)
class PatrolAdmin(ObservationsAdmin):
    list_display = ["team", "started_at", "ended_at", "created_by", "observation_count"]
    list_filter = ["team", "started_at"]
    search_fields = ["team", "notes"]
    raw_id_fields = ["members", "created_by"]
    readonly_fields = ["created_at", "created_by"]
    date_hierarchy = "started_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # patrols are recorded by record_patrol, which checks the geometry

    def get_queryset(self, request: HttpRequest) -> QuerySet[Patrol]:
        return super().get_queryset(request).annotate(n_observations=Count("observations"))

    @admin.display(description=_("observations"), ordering="n_observations")
    def observation_count(self, obj: Patrol) -> int:
        return obj.n_observations


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "media_type", "size", "observation", "uploaded_by"]
    list_filter = ["media_type", "uploaded_at"]
    search_fields = ["=sha256", "original_name"]
    raw_id_fields = ["observation", "uploaded_by"]
    list_select_related = ["observation__category", "uploaded_by"]
    show_full_result_count = False


@admin.register(VerificationStep)
class VerificationStepAdmin(ReadOnlyAdmin):
    list_display = ["at", "observation", "from_status", "to_status", "by"]
    list_filter = ["to_status", "from_status", "at"]
    search_fields = ["reason"]
    raw_id_fields = ["observation", "by"]
    list_select_related = ["observation__category", "by"]
    show_full_result_count = False


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "author", "observation", "text"]
    list_filter = ["created_at"]
    search_fields = ["text"]
    raw_id_fields = ["observation", "author"]
    list_select_related = ["observation__category", "author"]
    show_full_result_count = False


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = [
        "started_at",
        "dataset",
        "file_name",
        "state",
        "rows_done",
        "created",
        "updated",
        "unchanged",
        "rejected",
        "actor",
    ]
    list_filter = ["dataset", "state"]
    search_fields = ["file_name", "=file_sha256"]
    raw_id_fields = ["actor"]
