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
