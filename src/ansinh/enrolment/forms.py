from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from ansinh.common.widgets import DateInput, MonthField
from ansinh.parameters.table import hi_period_choices, income_floor

from .models import MODE_CHOICES, PaymentMethod


class VsiEnrolForm(forms.Form):
    income = forms.IntegerField(
        label=_("Chosen monthly income (đ)"), min_value=0, initial=income_floor
    )
    method = forms.ChoiceField(
        label=_("Payment method"), choices=PaymentMethod.choices, initial="1"
    )
    lump_years = forms.IntegerField(
        label=_("Years (lump sums only)"), min_value=0, max_value=5, initial=0, required=False
    )
    start = MonthField(label=_("First month"), initial=lambda: date.today().replace(day=1))

    def clean(self):
        data = super().clean()
        method = data.get("method")
        if method in (PaymentMethod.ADVANCE, PaymentMethod.MISSING_YEARS) and not data.get(
            "lump_years"
        ):
            self.add_error("lump_years", _("Give the number of years (1 to 5) for a lump sum."))
        return data


class HiEnrolForm(forms.Form):
    members = forms.MultipleChoiceField(
        label=_("Members to enrol"), widget=forms.CheckboxSelectMultiple
    )
    period_months = forms.TypedChoiceField(
        label=_("Card period"),
        choices=hi_period_choices,
        coerce=int,
        initial=12,
    )

    def __init__(self, *args, household=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [
            (str(p.pk), f"{p.household_order}. {p.full_name}")
            for p in household.members.order_by("household_order")
        ]


class ReceiptForm(forms.Form):
    number = forms.CharField(label=_("Receipt number"), max_length=40)
    paid_on = forms.DateField(label=_("Date paid"), initial=date.today, widget=DateInput())
    months = forms.IntegerField(label=_("Months paid"), min_value=1, max_value=60)


class VsiReceiptForm(ReceiptForm):
    mode = forms.ChoiceField(
        label=_("Payment method"),
        choices=[("", _("As enrolled"))] + MODE_CHOICES,
        required=False,
        help_text=_("Paying back missed months is priced with interest, where allowed."),
    )
