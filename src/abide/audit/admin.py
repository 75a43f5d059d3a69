from django.contrib import admin
from django.http import HttpRequest

from abide.accounts.access import can_read_audit_log
from abide.audit.admin_mixins import ReadOnlyMixin
from abide.audit.models import AuditEntry, AuditHead


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The log is read-only for everyone; the head of mission and administrators read it."""

    list_display = ["seq", "created_at", "actor_name", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_repr", "object_id", "hash"]
    date_hierarchy = "created_at"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_read_audit_log(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can_read_audit_log(request.user)


@admin.register(AuditHead)
class AuditHeadAdmin(AuditEntryAdmin):
    """The chain's head: the last sequence number and hash, to note down as an anchor."""

    list_display = ["seq", "hash"]
    list_filter = []
    search_fields = []
    date_hierarchy = None
