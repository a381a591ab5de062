from django.contrib import admin
from django.db.models import Q

from ansinh.accounts.scope import scope_for

from .models import LookupLog


@admin.register(LookupLog)
class LookupLogAdmin(admin.ModelAdmin):
    """Read-only. A staff account sees the look-ups that found someone in its scope and
    every look-up that found nobody (those hold only hashes); a superuser sees all."""

    list_display = ("at", "outcome", "commune", "person", "ip_hash_short", "identity_hash_short")
    list_filter = ("outcome", "at")
    search_fields = ("ip_hash", "identity_hash")
    date_hierarchy = "at"
    raw_id_fields = ("person", "commune")

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("commune", "person")
        scope = scope_for(request.user)
        if request.user.is_superuser or scope.unrestricted:
            return qs
        if scope.nothing:
            return qs.none()
        return qs.filter(scope.person_q("person__") | Q(person__isnull=True))

    @admin.display(description="IP")
    def ip_hash_short(self, obj):
        return obj.ip_hash[:12]

    @admin.display(description="Code")
    def identity_hash_short(self, obj):
        return obj.identity_hash[:12]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
