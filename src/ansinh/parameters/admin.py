from django.contrib import admin

from .models import Parameter


@admin.register(Parameter)
class ParameterAdmin(admin.ModelAdmin):
    list_display = ("key", "value", "valid_from", "valid_to", "province", "unconfirmed", "source")
    list_filter = ("unconfirmed", "province")
    search_fields = ("key", "source", "note")
