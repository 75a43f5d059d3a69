from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from abide.accounts.access import can_decide_sharing, can_manage_accounts, staff_flags_for
from abide.accounts.models import ApiToken, Organisation, SharingAgreement, User
from abide.accounts.sharing import end_sharing_agreement, make_sharing_agreement
from abide.accounts.tokens import revoke_token
from abide.audit.admin_mixins import AuditedAdmin, ReadOnlyMixin, run_service


class AccountsAdmin(AuditedAdmin):
    """Only administrators manage accounts."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_manage_accounts(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can_manage_accounts(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_manage_accounts(request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can_manage_accounts(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can_manage_accounts(request.user)


@admin.register(User)
class UserAdmin(AccountsAdmin, DjangoUserAdmin):
    list_display = [
        "username",
        "email",
        "role",
        "organisation",
        "team",
        "is_active",
        "last_login",
    ]
    list_filter = ["role", "organisation", "team", "is_active"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Role"), {"fields": ["role", "organisation", "team", "is_active"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "password1", "password2", "role", "organisation"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request: HttpRequest, obj: User, form: object, change: bool) -> None:
        obj.is_staff, obj.is_superuser = staff_flags_for(obj.role)
        super().save_model(request, obj, form, change)


@admin.register(Organisation)
class OrganisationAdmin(AccountsAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(SharingAgreement)
class SharingAgreementAdmin(admin.ModelAdmin):
    """The head of mission and administrators make agreements here and end them with the
    action; both go through ``accounts/sharing.py``, which checks the role and audits. An
    agreement is not edited: it is ended, and a new one made."""

    list_display = ["organisation", "title", "starts_on", "ends_on", "created_by"]
    list_filter = ["organisation"]
    fields = ["organisation", "title", "categories", "starts_on", "ends_on"]
    filter_horizontal = ["categories"]
    actions = ["end_agreements"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_decide_sharing(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can_decide_sharing(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_decide_sharing(request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: SharingAgreement, form: object, change: bool
    ) -> None:
        data = form.cleaned_data
        made = make_sharing_agreement(
            data["organisation"],
            actor=request.user,
            title=data["title"],
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on"),
            categories=data.get("categories") or (),
        )
        obj.pk = made.pk

    def save_related(
        self, request: HttpRequest, form: object, formsets: object, change: bool
    ) -> None:
        """The service has stored the categories."""

    @admin.action(description=_("End the selected agreements (no longer in force from today)"))
    def end_agreements(self, request: HttpRequest, queryset: object) -> None:
        run_service(
            self,
            request,
            queryset,
            lambda agreement, _reason: end_sharing_agreement(agreement, actor=request.user),
            _("%(count)d agreements ended."),
        )


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyMixin, AccountsAdmin):
    """Tokens are issued by `abide token create` (which shows the key once); here they are
    listed and revoked."""

    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    exclude = ["digest"]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: object) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            revoke_token(token, actor=request.user)
            revoked += 1
        self.message_user(request, _("%(n)d tokens revoked.") % {"n": revoked})

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
