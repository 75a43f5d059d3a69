"""Admin changes go through the audit log like every other change, and the admin never
bypasses a service: what a service owns (review states, decisions, grades, sign-offs) is
read-only in the admin, and changed only through admin actions that call the service."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from abide.audit.services import record_change, snapshot
from abide.core.errors import describe


class AuditedAdmin(admin.ModelAdmin):
    """Records every create, change and delete made in the admin, after inlines are saved."""

    def save_model(self, request: HttpRequest, obj: Model, form: object, change: bool) -> None:
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        request._abide_audit_before = snapshot(stored) if stored else None
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: object, formsets: object, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(request, "_abide_audit_before", None)
        if before is None or before != snapshot(obj):
            record_change(
                obj,
                actor=request.user,
                action="change" if before is not None else "create",
                before=before,
                detail={"via": "admin"},
            )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        record_change(
            obj, actor=request.user, action="delete", before=snapshot(obj), detail={"via": "admin"}
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyMixin:
    """For rows written only by services, which validate and audit them: shown, never
    added, changed or deleted in the admin."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReasonActionForm(ActionForm):
    """The admin's action bar with a reason, which actions that need one pass to the service."""

    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto", "size": 40}),
    )


def run_service(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    perform: Callable[[Model, str], object],
    done: str,
) -> int:
    """Call ``perform(obj, reason)`` (a service, acting as ``request.user``) for each selected
    row, each in its own transaction: a refusal (PermissionDenied) or a ValidationError is
    reported as an error message naming the row, and the others go on. ``done`` (with
    ``%(count)d``) reports how many were changed. Returns that number."""
    reason = request.POST.get("reason", "")
    changed = 0
    for obj in queryset:
        try:
            perform(obj, reason)
        except (PermissionDenied, ValidationError) as exc:
            modeladmin.message_user(
                request,
                _("%(object)s: %(problem)s") % {"object": obj, "problem": describe(exc)},
                messages.ERROR,
            )
        else:
            changed += 1
    if changed:
        modeladmin.message_user(request, done % {"count": changed}, messages.SUCCESS)
    return changed
