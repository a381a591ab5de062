"""Reading offices, their areas over time and hamlets (the ground floor: no counts)."""

from django.db.models import Count

from .models import Hamlet, OfficeArea


def office_areas(office):
    """Every commune the office has served, with its period (history survives renames)."""
    return (
        OfficeArea.objects.filter(office=office)
        .select_related("commune")
        .order_by("-valid_from", "commune__name")
    )


def hamlets_of(communes):
    return (
        Hamlet.objects.filter(commune_id__in=communes)
        .select_related("commune")
        .annotate(person_count=Count("persons"))
        .order_by("commune__name", "name")
    )
