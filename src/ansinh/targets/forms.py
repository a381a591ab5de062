from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from ansinh.common.widgets import DateInput
from ansinh.places.models import Hamlet

from .choices import Metric


class TargetForm(forms.Form):
    metric = forms.ChoiceField(label=_("Target"), choices=Metric.choices)
    value = forms.IntegerField(label=_("Value"), min_value=0)


class SplitForm(forms.Form):
    """One number per unit (commune, organisation or collector); blank means none."""

    def __init__(self, *args, units=(), initial_values=None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_values = initial_values or {}
        self.units = list(units)
        for key, label in self.units:
            self.fields[f"u_{key}"] = forms.IntegerField(
                label=label, min_value=0, required=False, initial=initial_values.get(key)
            )

    def values(self):
        return {key: self.cleaned_data.get(f"u_{key}") or 0 for key, _label in self.units}


class GrowthForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), initial=date.today, widget=DateInput())
    metric = forms.ChoiceField(label=_("Count"), choices=Metric.choices[:2])


class PopulationForm(forms.Form):
    file = forms.FileField(label=_("Population file (CSV or XLSX)"))


class HamletForm(forms.ModelForm):
    class Meta:
        model = Hamlet
        fields = ["commune", "name", "population", "working_age_population"]
        labels = {"commune": _("Commune"), "name": _("Hamlet name")}
