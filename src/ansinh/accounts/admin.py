from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import AuditEntry, User
from .scope import restrict


class ScopedAdmin(admin.ModelAdmin):
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
