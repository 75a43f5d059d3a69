from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from abide.accounts.access import can_edit_registry, is_mission_reader
from abide.audit.admin_mixins import AuditedAdmin, ReadOnlyMixin, ReasonActionForm, run_service
from abide.audit.services import snapshot
from abide.registry.access import get_commitments_for, get_sources_for
from abide.registry.models import (
    AttributionLink,
    Category,
    Commitment,
    Party,
    PartyAlias,
    Person,
    PersonAlias,
    Role,
    Source,
    Statement,
    WalkBack,
)
from abide.registry.services import (
    EDITABLE_FIELDS,
    confirm_commitment,
    edit_commitment,
    reject_commitment,
    reopen_commitment,
)


class RegistryAdmin(AuditedAdmin):
    """Mission staff read the registry; analysts and above change it."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_mission_reader(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_mission_reader(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_edit_registry(request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can_edit_registry(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can_edit_registry(request.user)


class InlinePermissions:
    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_mission_reader(request.user)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can_edit_registry(request.user)

    has_change_permission = has_add_permission
    has_delete_permission = has_add_permission


class PartyAliasInline(InlinePermissions, admin.TabularInline):
    model = PartyAlias
    extra = 1
    fields = ["alias"]


class PersonAliasInline(InlinePermissions, admin.TabularInline):
    model = PersonAlias
    extra = 1
    fields = ["alias"]


class RoleInline(InlinePermissions, admin.TabularInline):
    model = Role
    extra = 1
    autocomplete_fields = ["party"]


@admin.register(Party)
class PartyAdmin(RegistryAdmin):
    list_display = ["name_en", "kind", "parent", "alias_list"]
    list_filter = ["kind"]
    search_fields = [
        "slug",
        "name_en",
        "name_ar",
        "name_hy",
        "name_ru",
        "name_tr",
        "aliases__alias",
    ]
    inlines = [PartyAliasInline]
    autocomplete_fields = ["parent"]

    def get_queryset(self, request: HttpRequest):  # noqa: ANN201
        return super().get_queryset(request).select_related("parent").prefetch_related("aliases")

    @admin.display(description=_("aliases"))
    def alias_list(self, obj: Party) -> str:
        return ", ".join(a.alias for a in obj.aliases.all())


@admin.register(Person)
class PersonAdmin(RegistryAdmin):
    list_display = ["name_en", "current_roles"]
    search_fields = [
        "slug",
        "name_en",
        "name_ar",
        "name_hy",
        "name_ru",
        "name_tr",
        "aliases__alias",
    ]
    list_filter = ["roles__party"]
    inlines = [PersonAliasInline, RoleInline]

    def get_queryset(self, request: HttpRequest):  # noqa: ANN201
        return super().get_queryset(request).prefetch_related("roles__party")

    @admin.display(description=_("roles"))
    def current_roles(self, obj: Person) -> str:
        return "; ".join(str(role) for role in obj.roles.all())


@admin.register(Category)
class CategoryAdmin(RegistryAdmin):
    list_display = ["slug", "name_en", "name_ar", "name_hy", "name_ru", "name_tr"]
    search_fields = ["slug", "name_en"]
    readonly_fields = ["slug", "position"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class StatementInline(admin.TabularInline):
    model = Statement
    extra = 0
    fields = ["start", "end", "mode", "speaker_person", "speaker_party", "date_spoken"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Source)
class SourceAdmin(RegistryAdmin):
    list_display = ["title", "kind", "publisher", "published", "language", "ingested_at"]
    list_filter = ["kind", "language", "publisher"]
    search_fields = ["title", "publisher", "text", "url", "sha256"]
    date_hierarchy = "published"
    readonly_fields = ["sha256", "ingested_at", "ingested_by", "text"]
    inlines = [StatementInline]

    def get_queryset(self, request: HttpRequest):  # noqa: ANN201
        return get_sources_for(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # sources come in through ingestion, which hashes and audits them


class AttributionLinkInline(InlinePermissions, admin.TabularInline):
    model = AttributionLink
    extra = 0
    autocomplete_fields = ["person", "party", "to_person"]


@admin.register(Statement)
class StatementAdmin(RegistryAdmin):
    list_display = ["__str__", "source", "speaker_person", "speaker_party", "date_spoken", "mode"]
    list_filter = ["mode", "speaker_party"]
    search_fields = ["source__title", "speaker_person__name_en", "speaker_party__name_en"]
    autocomplete_fields = ["speaker_person", "speaker_party", "addressee_person", "addressee_party"]
    raw_id_fields = ["source"]
    inlines = [AttributionLinkInline]

    def get_queryset(self, request: HttpRequest):  # noqa: ANN201
        return (
            super()
            .get_queryset(request)
            .select_related("source", "speaker_person", "speaker_party")
        )


@admin.register(Commitment)
class CommitmentAdmin(RegistryAdmin):
    """What a commitment says is corrected here through ``edit_commitment``; its review (and
    the demand it answers) only through the actions, which call the review services."""

    list_display = [
        "text",
        "kind",
        "obligor_party",
        "category",
        "date_made",
        "review_state",
        "demanded_by_party",
    ]
    list_filter = ["kind", "review_state", "category", "obligor_party"]
    search_fields = ["text", "obligor_party__name_en", "obligor_person__name_en", "condition"]
    autocomplete_fields = [
        "obligor_party",
        "obligor_person",
        "demanded_by_party",
        "demanded_by_person",
    ]
    #: Owned by the services: the review (confirm, reject, reopen), the answer to a demand
    #: (link_demand_to_pledge) and the statements it rests on (ingestion, add_commitment).
    readonly_fields = [
        "review_state",
        "reviewed_by",
        "reviewed_at",
        "review_note",
        "answered_by",
        "statements",
        "confidence",
        "created_at",
    ]
    date_hierarchy = "date_made"
    action_form = ReasonActionForm
    actions = ["confirm_selected", "reject_selected", "reopen_selected"]

    def get_queryset(self, request: HttpRequest):  # noqa: ANN201
        return get_commitments_for(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # commitments come from ingestion or add_commitment, for review

    def save_model(self, request: HttpRequest, obj: Commitment, form: object, change: bool) -> None:
        """Through ``edit_commitment``, which checks the role, validates and audits."""
        stored = Commitment.objects.get(pk=obj.pk)
        changes = {
            name: getattr(obj, name) for name in form.changed_data if name in EDITABLE_FIELDS
        }
        if changes:
            edit_commitment(stored, actor=request.user, **changes)
        request._abide_audit_before = snapshot(stored)  # audited already: not again

    @admin.action(description=_("Confirm the selected commitments"))
    def confirm_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_service(
            self,
            request,
            queryset,
            lambda c, reason: confirm_commitment(c, actor=request.user, note=reason),
            gettext("%(count)d commitments confirmed."),
        )

    @admin.action(description=_("Reject the selected commitments (give a reason)"))
    def reject_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_service(
            self,
            request,
            queryset,
            lambda c, reason: reject_commitment(c, actor=request.user, reason=reason),
            gettext("%(count)d commitments rejected."),
        )

    @admin.action(description=_("Reopen the selected commitments for review (give a reason)"))
    def reopen_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_service(
            self,
            request,
            queryset,
            lambda c, reason: reopen_commitment(c, actor=request.user, reason=reason),
            gettext("%(count)d commitments reopened for review."),
        )


@admin.register(PartyAlias)
class PartyAliasAdmin(RegistryAdmin):
    list_display = ["alias", "party"]
    list_filter = ["party__kind"]
    search_fields = ["alias", "party__name_en"]
    autocomplete_fields = ["party"]


@admin.register(PersonAlias)
class PersonAliasAdmin(RegistryAdmin):
    list_display = ["alias", "person"]
    search_fields = ["alias", "person__name_en"]
    autocomplete_fields = ["person"]


@admin.register(Role)
class RoleAdmin(RegistryAdmin):
    list_display = ["person", "title", "party", "start", "end"]
    list_filter = ["party", "title"]
    search_fields = ["person__name_en", "title", "party__name_en"]
    autocomplete_fields = ["person", "party"]
    date_hierarchy = "start"


@admin.register(AttributionLink)
class AttributionLinkAdmin(RegistryAdmin):
    list_display = ["statement", "position", "relation", "person", "party", "name", "to_person"]
    list_filter = ["relation"]
    search_fields = ["name", "person__name_en", "party__name_en"]
    raw_id_fields = ["statement"]
    autocomplete_fields = ["person", "party", "to_person"]


@admin.register(WalkBack)
class WalkBackAdmin(ReadOnlyMixin, RegistryAdmin):
    """What the extractor read as a party walking something back: stored with its source."""

    list_display = ["party", "kind", "category", "text", "statement", "confidence"]
    list_filter = ["kind", "category"]
    search_fields = ["text", "party__name_en"]
    raw_id_fields = ["statement"]
