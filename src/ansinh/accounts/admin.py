from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .audit import audited_delete, audited_save
from .models import AuditEntry, User
from .scope import restrict


class AuditedAdmin(admin.ModelAdmin):
    """Changes made in /admin/ go in the audit log like the pages' changes: who, when, the
    row before and after (Django's own admin log keeps only a summary)."""

    def save_model(self, request, obj, form, change):
        audited_save(obj, request.user)

    def delete_model(self, request, obj):
        audited_delete(obj, request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audited_delete(obj, request.user)


class ScopedAdmin(AuditedAdmin):
    """The admin site through the one scoping point: a staff account sees (and can open) only
    the rows `restrict()` gives it, as on every page; a superuser sees everything."""

    def get_queryset(self, request):
        return restrict(super().get_queryset(request), request.user)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = (
        "username",
        "full_name",
        "role",
        "office",
        "organisation",
        "collector",
        "commune",
    )
    list_filter = ("role", "is_active")
    fieldsets = BaseUserAdmin.fieldsets + (
        (
            "AnSinh",
            {
                "fields": (
                    "full_name",
                    "role",
                    "province",
                    "office",
                    "organisation",
                    "collector",
                    "commune",
                )
            },
        ),
    )
    raw_id_fields = ("commune", "collector")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "action", "model", "object_id", "object_repr")
    list_filter = ("action", "model")
    search_fields = ("object_id", "object_repr")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
