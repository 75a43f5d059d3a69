"""Reports in the admin: read-only, since every field is written by a service (drafting,
incidents, summaries, approval, publication and its stored documents, corrections). The
approval and the publication are actions that call those services as the signed-in user."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from abide.audit.admin_mixins import AuditedAdmin, ReadOnlyMixin, run_service
from abide.reports.access import can_draft_reports
from abide.reports.models import NotableIncident, Report, ReportSummary
from abide.reports.services import approve_report, publish_report


class ReportSummaryInline(ReadOnlyMixin, admin.TabularInline):
    model = ReportSummary
    fields = ["language", "is_original", "text"]
    readonly_fields = fields
    extra = 0


class NotableIncidentInline(ReadOnlyMixin, admin.TabularInline):
    model = NotableIncident
    fields = ["position", "observation"]
    readonly_fields = fields
    extra = 0


@admin.register(Report)
class ReportAdmin(ReadOnlyMixin, AuditedAdmin):
    list_display = [
        "id",
        "kind",
        "period_kind",
        "period_start",
        "period_end",
        "state",
        "version",
        "approved_by",
        "published_at",
    ]
    list_filter = ["state", "kind", "period_kind"]
    readonly_fields = [
        "kind",
        "period_kind",
        "period_start",
        "period_end",
        "scope",
        "commitment",
        "state",
        "version",
        "corrects",
        "correction_note",
        "created_by",
        "created_at",
        "approved_by",
        "approved_at",
        "published_by",
        "published_at",
        "snapshot",
    ]
    inlines = [ReportSummaryInline, NotableIncidentInline]
    actions = ["approve_selected", "publish_selected"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_draft_reports(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can_draft_reports(request.user)

    @admin.action(description=_("Approve the selected drafts"))
    def approve_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_service(
            self,
            request,
            queryset,
            lambda report, reason: approve_report(report, actor=request.user),
            gettext("%(count)d reports approved."),
        )

    @admin.action(description=_("Publish the selected approved reports"))
    def publish_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_service(
            self,
            request,
            queryset,
            lambda report, reason: publish_report(report, actor=request.user),
            gettext("%(count)d reports published."),
        )
