"""The law's figures in /admin/: every unconfirmed row listed, confirmed or corrected by an
office, each change audited (ansinh.accounts.audit) and effective-dated (parameters.services)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ansinh.accounts.admin import AuditedAdmin
from ansinh.accounts.audit import history

from . import services
from .models import Parameter


class ParameterForm(forms.ModelForm):
    correct_from = forms.DateField(
        label=_("Correct from"),
        required=False,
        help_text=_(
            "To correct the figure from a date on: this row ends the day before and a new row "
            "with the value above starts on that date (the history is kept). Leave empty to "
            "change this row itself, e.g. to confirm it."
        ),
    )

    class Meta:
        model = Parameter
        fields = [
            "key",
            "value",
            "value_type",
            "valid_from",
            "valid_to",
            "province",
            "source",
            "unconfirmed",
            "note",
        ]
        widgets = {"source": forms.TextInput(attrs={"size": 90})}

    def _post_clean(self):
        super()._post_clean()  # the instance now holds the edited values
        if self.errors:
            return
        try:
            services.check_plan(services.plan(self.instance, self.cleaned_data.get("correct_from")))
        except ValidationError as exc:
            self._update_errors(exc)


class InForceFilter(admin.SimpleListFilter):
    title = _("in force")
    parameter_name = "in_force"

    def lookups(self, request, model_admin):
        return [("today", _("in force today")), ("ended", _("ended"))]

    def queryset(self, request, queryset):
        from datetime import date

        from django.db.models import Q

        today = date.today()
        current = Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        if self.value() == "today":
            return queryset.filter(current)
        if self.value() == "ended":
            return queryset.filter(valid_to__lt=today)
        return queryset


@admin.register(Parameter)
class ParameterAdmin(AuditedAdmin):
    form = ParameterForm
    list_display = ("key", "value", "valid_from", "valid_to", "province", "unconfirmed", "source")
    list_filter = ("unconfirmed", InForceFilter, "province")
    search_fields = ("key", "source", "note")
    actions = ["confirm"]
    readonly_fields = ("changes",)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        # A row's identity stays; a correction from a date makes a new row instead.
        return ("key", "province", "value_type", "valid_from", *self.readonly_fields)

    @admin.display(description=_("Changes (audit log)"))
    def changes(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        entries = history(obj)[:20]
        if not entries:
            return "—"
        return format_html_join(
            "\n",
            "<div>{} · {} · {} → {}</div>",
            (
                (
                    e.at.strftime("%d/%m/%Y %H:%M"),
                    e.user or "—",
                    _describe(e.before),
                    _describe(e.after),
                )
                for e in entries
            ),
        )

    def save_model(self, request, obj, form, change):
        saved = services.save_parameter(
            request.user, obj, form.cleaned_data.get("correct_from") if change else None
        )
        if saved.pk != obj.pk:
            messages.info(
                request,
                _(
                    "%(key)s: a new row from %(date)s holds the correction; the old row ends "
                    "the day before."
                )
                % {"key": saved.key, "date": saved.valid_from.strftime("%d/%m/%Y")},
            )
            obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.delete_parameter(request.user, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.delete_parameter(request.user, obj)

    @admin.action(description=_("Mark the selected rows as confirmed"))
    def confirm(self, request, queryset):
        n = services.confirm_parameters(request.user, queryset)
        self.message_user(
            request,
            ngettext("%(n)d row confirmed.", "%(n)d rows confirmed.", n) % {"n": n},
        )


def _describe(snapshot):
    if not snapshot:
        return "—"
    flag = " (?)" if snapshot.get("unconfirmed") else ""
    end = snapshot.get("valid_to") or "…"
    return f"{snapshot.get('value')}{flag} [{snapshot.get('valid_from')} – {end}]"
