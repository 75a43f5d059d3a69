from django.contrib import admin

from abide.audit.admin_mixins import AuditedAdmin, ReadOnlyMixin
from abide.compliance.models import Assessment, Lifecycle, Link, Retraction, Scope


@admin.register(Scope)
class ScopeAdmin(AuditedAdmin):
    list_display = ["commitment", "countries", "admin_areas", "population", "set_by", "updated_at"]
    search_fields = ["commitment__text", "population"]
    raw_id_fields = ["commitment", "set_by"]


@admin.register(Link)
class LinkAdmin(ReadOnlyMixin, AuditedAdmin):
    """Links are proposed by abide and decided through the linking services: read only here."""

    list_display = ["commitment", "observation", "state", "bearing", "obligor_role", "decided_by"]
    list_filter = ["state", "bearing", "obligor_role"]
    raw_id_fields = ["commitment", "observation", "created_by", "decided_by"]
    show_full_result_count = False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyMixin, AuditedAdmin):
    list_display = [
        "commitment",
        "period_kind",
        "period_start",
        "computed_status",
        "override_status",
        "signed_off_by",
        "rules_version",
    ]
    list_filter = ["period_kind", "computed_status", "override_status"]
    raw_id_fields = ["commitment", "observations", "signed_off_by", "overridden_by"]
    show_full_result_count = False


@admin.register(Retraction)
class RetractionAdmin(ReadOnlyMixin, AuditedAdmin):
    list_display = ["commitment", "kind", "state", "statement", "flagged_by", "decided_by"]
    list_filter = ["state", "kind"]
    raw_id_fields = ["commitment", "statement", "flagged_by", "walk_back", "decided_by"]


@admin.register(Lifecycle)
class LifecycleAdmin(ReadOnlyMixin, AuditedAdmin):
    list_display = ["commitment", "superseded_by", "superseded_on", "expires_on", "set_by"]
    raw_id_fields = ["commitment", "superseded_by", "set_by"]
