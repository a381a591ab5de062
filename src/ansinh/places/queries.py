"""Reading offices, their areas over time and hamlets."""

from datetime import date

from django.db.models import Count

from .models import Commune, Hamlet, OfficeArea


def office_areas(office):
    """Every commune the office has served, with its period (history survives renames)."""
    return (
        OfficeArea.objects.filter(office=office)
        .select_related("commune")
        .order_by("-valid_from", "commune__name")
    )


def communes_with_counts(user, communes, on: date | None = None):
    """The communes with their hamlets, registered people and VSI participants on `on`.

    VSI participants are `targets.queries.metric_count`'s (contributions covering the
    month), so this page, the dashboard and the report to the province agree; an enrolment
    that is "active" but unpaid is not a participant.
    """
    from ansinh.targets.choices import Metric
    from ansinh.targets.queries import metric_count

    on = on or date.today()
    rows = list(
        Commune.objects.filter(code__in=communes)
        .annotate(
            hamlet_count=Count("hamlets", distinct=True),
            person_count=Count("persons", distinct=True),
        )
        .order_by("name")
    )
    vsi = metric_count(user, Metric.VSI, on, by="commune", communes=[c.code for c in rows])
    for c in rows:
        c.vsi_active = vsi.get(c.code, 0)
    return rows


def hamlets_of(communes):
    return (
        Hamlet.objects.filter(commune_id__in=communes)
        .select_related("commune")
        .annotate(person_count=Count("persons"))
        .order_by("commune__name", "name")
    )
