from django.contrib import admin

from ansinh.accounts.admin import AuditedAdmin

from .models import Parameter


@admin.register(Parameter)
class ParameterAdmin(AuditedAdmin):
    list_display = ("key", "value", "valid_from", "valid_to", "province", "unconfirmed", "source")
    list_filter = ("unconfirmed", "province")
    search_fields = ("key", "source", "note")
