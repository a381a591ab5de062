from django.contrib import admin

from ansinh.accounts.admin import AuditedAdmin

from .models import Commune, Hamlet, Office, OfficeArea, OfficeName, Province


class NameInline(admin.TabularInline):
    model = OfficeName
    extra = 0


class AreaInline(admin.TabularInline):
    model = OfficeArea
    extra = 0
    raw_id_fields = ("commune",)


@admin.register(Office)
class OfficeAdmin(AuditedAdmin):
    list_display = ("code", "__str__", "kind", "province", "parent")
    inlines = [NameInline, AreaInline]


@admin.register(Hamlet)
class HamletAdmin(AuditedAdmin):
    list_display = ("name", "commune", "population", "working_age_population")
    search_fields = ("name",)
    raw_id_fields = ("commune",)


@admin.register(Commune)
class CommuneAdmin(AuditedAdmin):
    list_display = ("code", "name", "province", "population", "working_age_population")
    search_fields = ("name", "name_folded", "code")
    list_filter = ("province",)


admin.site.register(Province)
