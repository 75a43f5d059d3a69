from django.contrib import admin
from django.http import HttpRequest

from abide.audit.admin_mixins import AuditedAdmin
from abide.compliance.models import Link, Scope


@admin.register(Scope)
class ScopeAdmin(AuditedAdmin):
    list_display = ["commitment", "countries", "admin_areas", "population", "set_by", "updated_at"]
    search_fields = ["commitment__text", "population"]
    raw_id_fields = ["commitment", "set_by"]


@admin.register(Link)
class LinkAdmin(AuditedAdmin):
    """Links are proposed by abide and decided through the linking services: read only here."""

    list_display = ["commitment", "observation", "state", "bearing", "obligor_role", "decided_by"]
    list_filter = ["state", "bearing", "obligor_role"]
    raw_id_fields = ["commitment", "observation", "created_by", "decided_by"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Link | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Link | None = None) -> bool:
        return False
