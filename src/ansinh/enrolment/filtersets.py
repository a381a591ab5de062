"""Filters for the participant list, shared by the page and its Excel export."""

import django_filters
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from ansinh.places.models import Commune, Hamlet
from ansinh.registry.models import Person

from .models import HiEnrolment, VsiEnrolment, VsiStatus


def with_enrolment_columns(queryset):
    """Each person's latest VSI status and paid-through month, and HI card end."""
    vsi = VsiEnrolment.objects.filter(person=OuterRef("pk")).order_by("-start_month", "-id")
    hi = HiEnrolment.objects.filter(person=OuterRef("pk")).order_by("-card_to")
    return queryset.annotate(
        vsi_status=Subquery(vsi.values("status")[:1]),
        vsi_paid_through=Subquery(vsi.values("paid_through")[:1]),
        vsi_income=Subquery(vsi.values("income")[:1]),
        hi_card_to=Subquery(hi.values("card_to")[:1]),
    )


class ParticipantFilter(django_filters.FilterSet):
    commune = django_filters.ModelChoiceFilter(queryset=Commune.objects.none(), label=_("Commune"))
    hamlet = django_filters.ModelChoiceFilter(queryset=Hamlet.objects.none(), label=_("Hamlet"))
    vsi = django_filters.ChoiceFilter(
        label=_("Voluntary social insurance"),
        choices=[*VsiStatus.choices, ("none", _("Not enrolled"))],
        method="filter_vsi",
    )

    class Meta:
        model = Person
        fields = ["commune", "hamlet", "vsi"]

    def __init__(self, *args, communes=None, **kwargs):
        super().__init__(*args, **kwargs)
        commune_qs = (
            Commune.objects.all() if communes is None else Commune.objects.filter(code__in=communes)
        )
        self.filters["commune"].queryset = commune_qs
        self.filters["hamlet"].queryset = Hamlet.objects.filter(commune__in=commune_qs)

    def filter_vsi(self, queryset, name, value):
        if value == "none":
            return queryset.filter(vsi_status__isnull=True)
        return queryset.filter(vsi_status=value)
