"""Admin changes go through the audit log like every other change."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from abide.audit.services import record_change, snapshot


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
