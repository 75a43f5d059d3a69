"""Compliance in the admin: read-only, since every row is written by a service (scopes by
``set_scope``, links and their decisions by the linking services, assessments and their
sign-off and override by the assessment services, retractions and lifecycles by theirs).
Decisions are made through the actions, which call those services as the signed-in user."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from abide.accounts.access import is_mission_reader
from abide.audit.admin_mixins import AuditedAdmin, ReadOnlyMixin, ReasonActionForm, run_service
from abide.compliance.assessment import sign_off
from abide.compliance.linking import confirm_link, reject_link, reopen_link
from abide.compliance.models import Assessment, Lifecycle, Link, Retraction, Scope


class ComplianceAdmin(ReadOnlyMixin, AuditedAdmin):
    """The mission's staff read; nobody adds, changes or deletes here."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_mission_reader(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_mission_reader(request.user)


@admin.register(Scope)
class ScopeAdmin(ComplianceAdmin):
    list_display = ["commitment", "countries", "admin_areas", "population", "set_by", "updated_at"]
    search_fields = ["commitment__text", "population"]
    raw_id_fields = ["commitment", "set_by"]


@admin.register(Link)
class LinkAdmin(ComplianceAdmin):
    """Links are proposed by abide and decided through the linking services."""

    list_display = ["commitment", "observation", "state", "bearing", "obligor_role", "decided_by"]
    list_filter = ["state", "bearing", "obligor_role"]
    raw_id_fields = ["commitment", "observation", "created_by", "decided_by"]
    show_full_result_count = False
    action_form = ReasonActionForm
    actions = ["confirm_selected", "reject_selected", "reopen_selected"]

    @admin.action(description=_("Confirm the selected links (give a reason)"))
    def confirm_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_service(
            self,
            request,
            queryset,
            lambda link, reason: confirm_link(link, actor=request.user, reason=reason),
            gettext("%(count)d links confirmed."),
        )

    @admin.action(description=_("Reject the selected links (give a reason)"))
    def reject_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_service(
            self,
            request,
            queryset,
            lambda link, reason: reject_link(link, actor=request.user, reason=reason),
            gettext("%(count)d links rejected."),
        )

    @admin.action(description=_("Reopen the selected links (give a reason)"))
    def reopen_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_service(
            self,
            request,
            queryset,
            lambda link, reason: reopen_link(link, actor=request.user, reason=reason),
            gettext("%(count)d links reopened."),
        )


@admin.register(Assessment)
class AssessmentAdmin(ComplianceAdmin):
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
    actions = ["sign_off_selected"]

    @admin.action(description=_("Sign off the selected assessments"))
    def sign_off_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_service(
            self,
            request,
            queryset,
            lambda assessment, reason: sign_off(assessment, actor=request.user),
            gettext("%(count)d assessments signed off."),
        )


@admin.register(Retraction)
class RetractionAdmin(ComplianceAdmin):
    list_display = ["commitment", "kind", "state", "statement", "flagged_by", "decided_by"]
    list_filter = ["state", "kind"]
    raw_id_fields = ["commitment", "statement", "flagged_by", "walk_back", "decided_by"]


@admin.register(Lifecycle)
class LifecycleAdmin(ComplianceAdmin):
    list_display = ["commitment", "superseded_by", "superseded_on", "expires_on", "set_by"]
    raw_id_fields = ["commitment", "superseded_by", "set_by"]
