from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from ansinh.common.widgets import DateInput
from ansinh.places.models import Commune, Hamlet

from .choices import ActivityKind, MemberRole

DATE = DateInput()
MEMBER_ROWS = 8


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)
    communes = forms.ModelMultipleChoiceField(
        label=_("Communes"), queryset=Commune.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].queryset = Commune.objects.filter(pk__in=[c.code for c in communes])


class GroupForm(forms.Form):
    """The group and up to eight members in one form, so a group is saved whole or not at all."""

    name = forms.CharField(label=_("Group name"), max_length=120)
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none())
    leader = forms.TypedChoiceField(
        label=_("Leader"),
        coerce=int,
        required=False,
        choices=[(i, str(i + 1)) for i in range(MEMBER_ROWS)],
    )

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = campaign.communes.all()
        for i in range(MEMBER_ROWS):
            self.fields[f"m{i}_name"] = forms.CharField(
                label=_("Member %(n)s") % {"n": i + 1}, max_length=120, required=False
            )
            self.fields[f"m{i}_phone"] = forms.CharField(
                label=_("Phone"), max_length=15, required=False
            )
            self.fields[f"m{i}_role"] = forms.ChoiceField(
                label=_("Role"), choices=[("", "—"), *MemberRole.choices], required=False
            )

    def rows(self):
        return [
            (i, self[f"m{i}_name"], self[f"m{i}_phone"], self[f"m{i}_role"])
            for i in range(MEMBER_ROWS)
        ]

    def members(self):
        from .services import MemberInput

        c = self.cleaned_data
        return [
            MemberInput(
                full_name=c[f"m{i}_name"],
                phone=c[f"m{i}_phone"],
                role=c[f"m{i}_role"],
                is_leader=c.get("leader") == i,
            )
            for i in range(MEMBER_ROWS)
            if c.get(f"m{i}_name", "").strip()
        ]


class LaunchDayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    hamlet = forms.ModelChoiceField(
        label=_("Hamlet"), queryset=Hamlet.objects.none(), required=False
    )
    place = forms.CharField(label=_("Meeting place"), max_length=200)
    target_vsi = forms.IntegerField(label=_("Target: new VSI"), min_value=0, initial=0)
    target_hi = forms.IntegerField(label=_("Target: new HI"), min_value=0, initial=0)

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hamlet"].queryset = Hamlet.objects.filter(commune=group.commune)


class LessonsForm(forms.Form):
    lessons = forms.CharField(
        label=_("Lessons learned"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    date = forms.DateField(label=_("Date"), widget=DATE, initial=date.today)
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none())
    reach = forms.IntegerField(label=_("People reached"), min_value=0, initial=0)
    cost = forms.IntegerField(label=_("Cost (đ)"), min_value=0, initial=0)
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=None, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, communes=(), campaigns=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.filter(pk__in=[c.code for c in communes])
        self.fields["campaign"].queryset = campaigns
