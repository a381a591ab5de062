from django.contrib import admin

from ansinh.accounts.admin import ScopedAdmin

from .models import CompulsoryPeriod, Household, Person, SupportMembership


class SupportInline(admin.TabularInline):
    model = SupportMembership
    extra = 0


class CompulsoryInline(admin.TabularInline):
    model = CompulsoryPeriod
    extra = 0


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    list_display = ("full_name", "birth_date", "sex", "cccd", "si_code", "commune", "hamlet")
    search_fields = ("name_folded", "cccd", "si_code", "phone")
    list_filter = ("sex", "commune")
    raw_id_fields = ("household", "collector", "hamlet")
    inlines = [SupportInline, CompulsoryInline]


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ("code", "commune", "hamlet", "address")
    search_fields = ("code",)
