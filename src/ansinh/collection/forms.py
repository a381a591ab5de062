from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from ansinh.accounts.models import Role, User
from ansinh.common.rule_errors import validated
from ansinh.common.widgets import DateInput, DayField
from ansinh.places.models import Commune, Hamlet
from ansinh.rules.identity import check_phone

from .choices import ReasonCode, VisitOutcome
from .models import CollectionPoint, Collector, Organisation, ServedArea


def _office_communes(office):
    return (
        Commune.objects.filter(pk__in=office.communes_on().values("pk"))
        if office
        else (Commune.objects.none())
    )


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["code", "name", "kind", "phone", "email", "active"]


class PointForm(forms.ModelForm):
    class Meta:
        model = CollectionPoint
        fields = ["name", "commune", "hamlet", "address", "opening_hours"]

    def __init__(self, *args, office=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = _office_communes(office)
        self.fields["hamlet"].queryset = Hamlet.objects.filter(
            commune__in=self.fields["commune"].queryset
        )


class CollectorForm(forms.ModelForm):
    class Meta:
        model = Collector
        fields = ["code", "full_name", "phone", "commune", "point", "active"]
        labels = {"commune": _("Commune")}

    def __init__(self, *args, office=None, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = _office_communes(office)
        self.fields["point"].queryset = CollectionPoint.objects.filter(organisation=organisation)

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        return validated(check_phone, value) if value else value


class AreaForm(forms.ModelForm):
    class Meta:
        model = ServedArea
        fields = ["commune", "hamlet", "collector"]
        labels = {"collector": _("Collector")}

    def __init__(self, *args, office=None, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = _office_communes(office)
        self.fields["hamlet"].queryset = Hamlet.objects.filter(
            commune__in=self.fields["commune"].queryset
        )
        self.fields["collector"].queryset = Collector.objects.filter(organisation=organisation)
        self.fields["collector"].required = False


class ReassignForm(forms.Form):
    to_collector = forms.ModelChoiceField(
        label=_("Hand over to"), queryset=Collector.objects.none()
    )
    hamlet = forms.ModelChoiceField(
        label=_("Only this hamlet"), queryset=Hamlet.objects.none(), required=False
    )
    deactivate = forms.BooleanField(
        label=_("The collector leaves: deactivate when nobody is left"), required=False
    )

    def __init__(self, *args, collector=None, office=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_collector"].queryset = Collector.objects.filter(
            organisation__office=office, active=True
        ).exclude(pk=collector.pk)
        self.fields["hamlet"].queryset = Hamlet.objects.filter(commune__in=_office_communes(office))


class IssueForm(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        widget=forms.TextInput(attrs={"type": "month"}),
        initial=lambda: date.today().strftime("%Y-%m"),
    )


class ReasonForm(forms.Form):
    code = forms.ChoiceField(label=_("Reason"), choices=[("", "—")] + ReasonCode.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class VisitAssignForm(forms.Form):
    official = forms.ModelChoiceField(label=_("Official"), queryset=User.objects.none())
    due_on = forms.DateField(
        label=_("Visit by"),
        widget=DateInput(),
        initial=lambda: date.today() + timedelta(days=10),
    )

    def __init__(self, *args, office=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["official"].queryset = User.objects.filter(
            office=office, role__in=[Role.OFFICIAL, Role.OFFICE_MANAGER], is_active=True
        )


class VisitOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=VisitOutcome.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    visited_on = forms.DateField(label=_("Visited on"), initial=date.today, widget=DateInput())


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or Excel (.xlsx) file"))
    keep_valid = forms.BooleanField(
        label=_("If some rows are rejected, keep the valid rows"), required=False
    )


class OfficialListForm(forms.Form):
    """The period and organisation of a D05-TS / D03-TS list (Decision 490/QĐ-BHXH)."""

    kind = forms.ChoiceField(
        label=_("List"),
        choices=[
            ("d05", _("D05-TS: voluntary social insurance participants")),
            ("d03", _("D03-TS: household health insurance participants")),
        ],
    )
    start = DayField(label=_("Receipts from"))
    end = DayField(label=_("Receipts to"))
    organisation = forms.ModelChoiceField(
        label=_("Collection organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All organisations in my area"),
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The period ends before it starts."))
            elif (end - start).days > 366:
                self.add_error("end", _("A list covers at most one year of receipts."))
        return data
