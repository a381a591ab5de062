"""Reading campaigns: the ranking that picks where to go, results of a day and a season."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, Sum

from ansinh.places.models import Hamlet
from ansinh.targets.queries import Coverage, coverage, percent

from .models import Campaign, Group, LaunchDay, Visit

#: A row of the ranking: a commune or a hamlet with its coverage (targets.queries).
RankRow = Coverage


def _rank_key(row: RankRow):
    rate = row.vsi_rate
    return (rate is None, rate if rate is not None else 0, row.vsi, row.name)


def commune_ranking(user, office, on: date | None = None) -> list[RankRow]:
    """The office's communes, fewest VSI participants per working-age resident first."""
    return sorted(coverage(user, office, on, by="commune"), key=_rank_key)


def hamlet_ranking(user, office, on: date | None = None, commune=None) -> list[RankRow]:
    """Hamlets (of one commune, or of the whole office), fewest VSI participants per
    working-age resident first, from the hamlet populations the office loaded; hamlets
    without a working-age population come last."""
    return sorted(coverage(user, office, on, by="hamlet", commune=commune), key=_rank_key)


@dataclass
class Tally:
    label: str
    visits: int = 0
    new_vsi: int = 0
    new_hi: int = 0
    target_vsi: int | None = None
    target_hi: int | None = None

    @property
    def vsi_share(self):
        return percent(self.new_vsi, self.target_vsi)

    @property
    def hi_share(self):
        return percent(self.new_hi, self.target_hi)


def _tally(qs, key):
    return qs.values(key).annotate(
        visits=Count("pk"),
        new_vsi=Count("pk", filter=Q(new_vsi=True)),
        new_hi=Count("pk", filter=Q(new_hi=True)),
    )


@dataclass
class DayResults:
    day: LaunchDay
    total: Tally
    by_hamlet: list[Tally]
    by_member: list[Tally]
    outcomes: dict
    refusals: list[tuple[str, str, int]]


def day_results(user, day: LaunchDay) -> DayResults:
    from .choices import Outcome, RefusalReason

    visits = Visit.objects.restrict(user).filter(day=day)
    total = Tally(str(day.group), target_vsi=day.target_vsi, target_hi=day.target_hi)
    agg = visits.aggregate(
        visits=Count("pk"),
        new_vsi=Count("pk", filter=Q(new_vsi=True)),
        new_hi=Count("pk", filter=Q(new_hi=True)),
    )
    total.visits, total.new_vsi, total.new_hi = agg["visits"], agg["new_vsi"], agg["new_hi"]
    names = dict(Hamlet.objects.filter(commune=day.group.commune).values_list("pk", "name"))
    by_hamlet = [
        Tally(names.get(r["hamlet"], "—"), r["visits"], r["new_vsi"], r["new_hi"])
        for r in _tally(visits, "hamlet")
    ]
    by_hamlet.sort(key=lambda t: t.label)
    tallies = {r["member"]: r for r in _tally(visits, "member")}
    by_member = []
    for m in day.group.members.select_related("mobiliser"):
        r = tallies.get(m.pk, {"visits": 0, "new_vsi": 0, "new_hi": 0})
        label = m.mobiliser.full_name + (" (tổ trưởng)" if m.is_leader else "")
        by_member.append(Tally(label, r["visits"], r["new_vsi"], r["new_hi"]))
    outcomes = {o: 0 for o in Outcome.values}
    for o, n in visits.values_list("outcome").annotate(n=Count("pk")):
        outcomes[o] = n
    refusals = [
        (r, RefusalReason(r).label, n)
        for r, n in visits.filter(outcome=Outcome.REFUSED)
        .values_list("refusal_reason")
        .annotate(n=Count("pk"))
        .order_by("-n")
        if r
    ]
    return DayResults(day, total, by_hamlet, by_member, outcomes, refusals)


@dataclass
class CampaignTotals:
    campaigns: int
    groups: int
    days: int
    visits: int
    new_vsi: int
    new_hi: int
    plan_vsi: int
    plan_hi: int

    @property
    def vsi_share(self):
        return percent(self.new_vsi, self.plan_vsi)

    @property
    def hi_share(self):
        return percent(self.new_hi, self.plan_hi)

    @property
    def plan_share(self):
        return percent(self.new_vsi + self.new_hi, self.plan_vsi + self.plan_hi)


def campaign_totals_by(user, campaigns) -> dict[int, CampaignTotals]:
    """`campaign_totals` of each campaign, keyed by its id: three grouped queries in all,
    whatever the number of campaigns (the campaign list shows one row each)."""
    campaigns = list(campaigns)
    groups = dict(
        Group.objects.restrict(user)
        .filter(campaign__in=campaigns)
        .values_list("campaign_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    plans = {
        r["group__campaign_id"]: r
        for r in LaunchDay.objects.restrict(user)
        .filter(group__campaign__in=campaigns)
        .values("group__campaign_id")
        .annotate(v=Sum("target_vsi"), h=Sum("target_hi"), n=Count("pk"))
        .order_by()
    }
    visits = {
        r["day__group__campaign_id"]: r
        for r in Visit.objects.restrict(user)
        .filter(day__group__campaign__in=campaigns)
        .values("day__group__campaign_id")
        .annotate(
            n=Count("pk"),
            v=Count("pk", filter=Q(new_vsi=True)),
            h=Count("pk", filter=Q(new_hi=True)),
        )
        .order_by()
    }
    empty = {"n": 0, "v": 0, "h": 0}
    out = {}
    for c in campaigns:
        plan, seen = plans.get(c.pk, empty), visits.get(c.pk, empty)
        out[c.pk] = CampaignTotals(
            1,
            groups.get(c.pk, 0),
            plan["n"],
            seen["n"],
            seen["v"],
            seen["h"],
            plan["v"] or 0,
            plan["h"] or 0,
        )
    return out


def campaign_totals(user, campaigns) -> CampaignTotals:
    """Groups, new VSI, new HI and the share of the launch days' plan, for any campaigns."""
    campaigns = list(campaigns)
    by = campaign_totals_by(user, campaigns).values()
    return CampaignTotals(
        len(campaigns),
        *(sum(getattr(t, f) for t in by) for f in _SUMMED),
    )


_SUMMED = ("groups", "days", "visits", "new_vsi", "new_hi", "plan_vsi", "plan_hi")


def office_campaigns(user, office, start: date | None = None, end: date | None = None):
    qs = Campaign.objects.restrict(user).filter(office=office)
    if start:
        qs = qs.filter(end__gte=start)
    if end:
        qs = qs.filter(start__lte=end)
    return qs
