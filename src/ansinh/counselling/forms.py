from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from ansinh.common.widgets import DateInput
from ansinh.enrolment.models import MODE_CHOICES
from ansinh.parameters.table import hi_period_choices, income_floor
from ansinh.registry.models import Sex, SupportGroup
from ansinh.rules.months import Month


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (the browser's month input) or MM/YYYY."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def to_python(self, value):
        value = (super().to_python(value) or "").strip()
        if not value:
            return None
        if "/" in value:
            mm, yyyy = value.split("/", 1)
            value = f"{yyyy}-{mm}"
        try:
            return Month.parse(value)
        except ValueError:
            raise forms.ValidationError(_("Write the month as YYYY-MM, e.g. 2025-08."))

    def prepare_value(self, value):
        return str(value) if isinstance(value, Month) else value


class VsiQuoteForm(forms.Form):
    income = forms.IntegerField(
        label=_("Chosen monthly income (đ)"), min_value=0, initial=income_floor
    )
    group = forms.ChoiceField(
        label=_("Support group"), choices=SupportGroup.choices, initial="other"
    )
    mode = forms.ChoiceField(label=_("Payment method"), choices=MODE_CHOICES, initial="1")
    months = forms.IntegerField(
        label=_("Months paid"),
        min_value=1,
        max_value=60,
        required=False,
        help_text=_("Empty: the method's months (12 for a lump sum)."),
    )
    support_used = forms.IntegerField(
        label=_("State-supported months already used"),
        min_value=0,
        max_value=720,
        required=False,
        help_text=_("Toward the 120-month lifetime limit; a person's page fills it in."),
    )
    on = forms.DateField(label=_("Payment date"), initial=date.today, widget=DateInput())


class HouseholdJoinForm(forms.Form):
    """Members joining a household's health insurance on different dates, one card end."""

    enrolled = forms.IntegerField(
        label=_("Members already holding the card"), min_value=0, max_value=30, initial=0
    )
    card_end = forms.DateField(
        label=_("Card valid until"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: the card period after the first member joins."),
    )
    months = forms.TypedChoiceField(
        label=_("Card period"), choices=hi_period_choices, coerce=int, initial=12
    )
    join_1 = forms.DateField(label=_("Member joins on"), initial=date.today, widget=DateInput())
    join_2 = forms.DateField(label=_("Next member joins on"), required=False, widget=DateInput())
    join_3 = forms.DateField(label=_("Next member joins on"), required=False, widget=DateInput())
    join_4 = forms.DateField(label=_("Next member joins on"), required=False, widget=DateInput())
    join_5 = forms.DateField(label=_("Next member joins on"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        data["joins"] = [data[f"join_{i}"] for i in range(1, 6) if data.get(f"join_{i}")]
        return data


class HiQuoteForm(forms.Form):
    members = forms.IntegerField(
        label=_("Household members joining"), min_value=1, max_value=30, initial=1
    )
    months = forms.TypedChoiceField(
        label=_("Card period"),
        choices=hi_period_choices,
        coerce=int,
        initial=12,
    )
    on = forms.DateField(label=_("Payment date"), initial=date.today, widget=DateInput())


class LeavingJobForm(forms.Form):
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    born = MonthField(label=_("Month of birth"))
    compulsory_years = forms.IntegerField(
        label=_("Compulsory insurance: years"), min_value=0, max_value=50
    )
    compulsory_months = forms.IntegerField(
        label=_("and months"), min_value=0, max_value=11, initial=0, required=False
    )
    compulsory_salary = forms.IntegerField(
        label=_("Average monthly salary on which contributions were paid (đ)"), min_value=0
    )
    left_in = MonthField(label=_("Last month of compulsory insurance"))
    income = forms.IntegerField(
        label=_("Income to declare if continuing voluntarily (đ)"),
        min_value=0,
        initial=income_floor,
    )
    group = forms.ChoiceField(
        label=_("Support group"), choices=SupportGroup.choices, initial="other"
    )

    def clean(self):
        data = super().clean()
        total = (data.get("compulsory_years") or 0) * 12 + (data.get("compulsory_months") or 0)
        if total < 1:
            self.add_error(
                "compulsory_years", _("Give at least one month of compulsory insurance.")
            )
        data["total_months"] = total
        born, left = data.get("born"), data.get("left_in")
        if born and left and left <= born + 15 * 12:
            self.add_error("left_in", _("The job ended before the person was 15."))
        if left and left > Month.of(date.today()):
            self.add_error("left_in", _("This month is in the future."))
        return data
