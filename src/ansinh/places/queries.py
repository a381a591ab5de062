"""Reading offices, their areas over time and hamlets."""

from django.db.models import Count, Q

from .models import Commune, Hamlet, OfficeArea


def office_areas(office):
    """Every commune the office has served, with its period (history survives renames)."""
    return OfficeArea.objects.filter(office=office).select_related("commune").order_by(
        "-valid_from", "commune__name"
    )


def communes_with_counts(communes):
    return (
        Commune.objects.filter(code__in=communes)
        .annotate(
            hamlet_count=Count("hamlets", distinct=True),
            person_count=Count("persons", distinct=True),
            vsi_active=Count(
                "persons__vsi_enrolments",
                filter=Q(persons__vsi_enrolments__status="active"),
                distinct=True,
            ),
        )
        .order_by("name")
    )


def hamlets_of(communes):
    return (
        Hamlet.objects.filter(commune_id__in=communes)
        .select_related("commune")
        .annotate(person_count=Count("persons"))
        .order_by("commune__name", "name")
    )
