from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from abide.accounts.access import can_manage_accounts, staff_flags_for
from abide.accounts.models import Organisation, User
from abide.audit.admin_mixins import AuditedAdmin


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
    list_display = ["username", "email", "role", "organisation", "is_active", "last_login"]
    list_filter = ["role", "organisation", "is_active"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Role"), {"fields": ["role", "organisation", "is_active"]}),
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
