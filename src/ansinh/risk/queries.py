"""What the risk app reads for a user, scoped (accounts.scope): the latest model of each
office in scope, and the entries of a list in order of risk (for the apps above, e.g.
campaigns, that pick whom to visit)."""

from ansinh.collection.models import CycleEntry

from .models import RiskModel


def latest_models(user) -> list[RiskModel]:
    seen, out = set(), []
    for m in (
        RiskModel.objects.restrict(user)
        .select_related("office")
        .order_by("office_id", "-trained_at", "-id")
    ):
        if m.office_id not in seen:
            seen.add(m.office_id)
            out.append(m)
    return out


def riskiest(user, run, kind=None, limit: int = 50):
    """The scored entries of a run the user may see, highest risk first."""
    qs = CycleEntry.objects.restrict(user).filter(run=run, risk__isnull=False)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-risk", "id")[:limit]


def at_risk_in(user, commune_id, hamlet_id=None, limit: int = 20):
    """The participants of a commune (or hamlet) on the latest scored lists, highest lapse
    risk first: whom a launch day's door-to-door round should check on (campaigns)."""
    from ansinh.collection.models import CycleRun

    run_ids = (
        CycleRun.objects.restrict(user)
        .filter(entries__commune_id=commune_id, entries__risk__isnull=False)
        .order_by("-month")
        .values_list("pk", flat=True)[:1]
    )
    qs = CycleEntry.objects.restrict(user).filter(
        run_id__in=list(run_ids), commune_id=commune_id, risk__isnull=False
    )
    if hamlet_id:
        qs = qs.filter(hamlet_id=hamlet_id)
    return list(qs.order_by("-risk", "id")[:limit])
