from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ansinh.common.rule_errors import validated
from ansinh.common.widgets import DateInput, MonthField
from ansinh.places.models import Commune, Hamlet
from ansinh.rules.identity import check_cccd, check_phone, check_si_code

from .models import CompulsoryPeriod, Person, SupportGroup


class PersonForm(forms.ModelForm):
    support_group = forms.ChoiceField(
        label=_("Support group this year"),
        choices=SupportGroup.choices,
        initial=SupportGroup.OTHER,
    )
    household_choice = forms.ChoiceField(
        label=_("Household"),
        choices=[
            ("new", _("Start a new household")),
            ("existing", _("Join an existing household")),
            ("none", _("No household")),
        ],
        initial="new",
    )
    household_id = forms.IntegerField(label=_("Household number"), required=False)
    # Longer than stored: typed with spaces, dots or +84, they are normalised in clean_<field>.
    cccd = forms.CharField(label=_("National ID (CCCD)"), required=False, max_length=24)
    si_code = forms.CharField(label=_("Social-insurance code"), required=False, max_length=20)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=24)
    old_address = forms.CharField(
        label=_("Address written before July 2025 (optional)"),
        required=False,
        max_length=250,
        help_text=_(
            "e.g. 'Ấp Hòa Lợi, Xã Hòa Long, Huyện Lai Vung, Tỉnh Đồng Tháp': "
            "AnSinh finds today's commune when no commune is chosen."
        ),
    )

    class Meta:
        model = Person
        fields = [
            "full_name",
            "birth_date",
            "birth_year_only",
            "sex",
            "cccd",
            "si_code",
            "phone",
            "ethnicity",
            "commune",
            "hamlet",
            "address",
        ]
        widgets = {"birth_date": DateInput()}

    def __init__(self, *args, communes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if communes is not None:
            self.fields["commune"].queryset = Commune.objects.filter(code__in=communes)
            self.fields["hamlet"].queryset = Hamlet.objects.filter(commune_id__in=communes)
        if self.instance.pk:
            for name in ("support_group", "household_choice", "household_id"):
                del self.fields[name]
        self.fields["commune"].required = False

    def clean_cccd(self):
        value = self.cleaned_data["cccd"].strip()
        return validated(check_cccd, value).number if value else value

    def clean_si_code(self):
        value = self.cleaned_data["si_code"].strip()
        return validated(check_si_code, value) if value else value

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        return validated(check_phone, value) if value else value

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        if value > date.today():
            raise ValidationError(_("The date of birth is in the future."))
        if value.year < 1900:
            raise ValidationError(_("The date of birth is before 1900."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("cccd") and data.get("birth_date") and data.get("sex"):
            try:  # the CCCD's sex/century and year digits agree with the person
                validated(check_cccd, data["cccd"], data["birth_date"].year, data["sex"])
            except ValidationError as exc:
                self.add_error("cccd", exc)
        if not data.get("commune"):
            self._commune_from_old_address(data)
        hamlet, commune = data.get("hamlet"), data.get("commune")
        if hamlet and commune and hamlet.commune_id != commune.code:
            self.add_error("hamlet", _("This hamlet is not in the chosen commune."))
        if data.get("household_choice") == "existing" and not data.get("household_id"):
            self.add_error("household_id", _("Give the number of the household to join."))
        return data

    def _commune_from_old_address(self, data):
        """Convert a pre-2025 address (with its district) to today's commune."""
        from ansinh.places.addresses import convert_old_address

        old = data.get("old_address")
        if not old:
            self.add_error("commune", _("Choose the commune, or type the old address."))
            return
        code, _province, street = convert_old_address(old)
        commune = self.fields["commune"].queryset.filter(code=code).first() if code else None
        if commune is None:
            self.add_error(
                "old_address",
                _("This address is not in your office's communes, or could not be read."),
            )
            return
        data["commune"] = self.instance.commune = commune
        hamlet = commune.hamlets.filter(name__iexact=street.split(",")[0].strip()).first()
        if hamlet and not data.get("hamlet"):
            data["hamlet"] = self.instance.hamlet = hamlet
        elif street and not data.get("address"):
            data["address"] = self.instance.address = street


class CompulsoryPeriodForm(forms.ModelForm):
    class Meta:
        model = CompulsoryPeriod
        fields = ["start", "end", "salary", "employer"]
        field_classes = {"start": MonthField, "end": MonthField}

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The period ends before it starts."))
        return data


class SupportGroupForm(forms.Form):
    group = forms.ChoiceField(label=_("Group"), choices=SupportGroup.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2018, max_value=2100)
    document = forms.CharField(label=_("Certificate"), required=False, max_length=120)
