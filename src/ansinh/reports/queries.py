"""The office dashboard, its Excel export and the period report to the province: all three
are drawn from `office_figures`, so they always show the same numbers."""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth, ExtractYear

from ansinh.campaigns.models import Recruitment
from ansinh.campaigns.queries import CampaignTotals, campaign_totals, office_campaigns
from ansinh.common.text import add_months
from ansinh.enrolment.models import HiStatus, VsiStatus
from ansinh.rules.months import Month
from ansinh.targets.choices import Metric
from ansinh.targets.models import TargetShare
from ansinh.targets.queries import (
    ProgressRow,
    counting_months,
    default_baseline,
    office_communes,
    office_targets,
    percent,
    vsi_active_enrolments,
)

from .figures import SummaryCounts

TOP = 5


@dataclass
class CommuneRow:
    code: str
    name: str
    population: int | None
    working_age: int | None
    vsi: int
    vsi_base: int
    vsi_target: int | None
    hi: int
    hi_base: int
    hi_target: int | None

    @property
    def vsi_coverage(self):
        return percent(self.vsi, self.working_age)

    @property
    def hi_coverage(self):
        return percent(self.hi, self.population)

    @property
    def vsi_share(self):
        return percent(self.vsi, self.vsi_target)

    @property
    def hi_share(self):
        return percent(self.hi, self.hi_target)

    @property
    def vsi_change(self):
        return self.vsi - self.vsi_base

    @property
    def hi_change(self):
        return self.hi - self.hi_base


@dataclass
class LeaderRow:
    mobiliser_id: int
    name: str
    role: str
    new_vsi: int
    new_hi: int
    still_vsi: int
    still_hi: int
    rank: int = 0
    years_in_top: int = 0

    @property
    def total(self) -> int:
        return self.new_vsi + self.new_hi

    @property
    def role_label(self) -> str:
        from ansinh.campaigns.choices import MemberRole

        return MemberRole(self.role).label if self.role in MemberRole.values else self.role

    @property
    def still_paying(self) -> int:
        return self.still_vsi + self.still_hi

    @property
    def top(self) -> bool:
        return self.rank <= TOP and self.total > 0


@dataclass
class OfficeFigures:
    office: object
    on: date
    baseline: date
    vsi: ProgressRow
    hi: ProgressRow
    vsi_new: ProgressRow
    hi_new: ProgressRow
    communes: list[CommuneRow]
    on_time: Decimal | None
    on_time_month: date
    campaigns: CampaignTotals
    leaders: list[LeaderRow]
    quarter: tuple[int, int]
    series: list[tuple[date, int, int]] = field(default_factory=list)
    #: The months a contribution for which makes a VSI participant on `on` (the definition).
    vsi_months: list[date] = field(default_factory=list)
    #: Today's other count, the home page's: enrolments active (not suspended); None for a
    #: date in another month (the registry keeps no status history to count it then).
    vsi_active: int | None = None
    #: When the figures were computed, if they are not fresh and being refreshed (0026).
    as_of: datetime | None = None

    @property
    def population(self):
        return sum(c.population or 0 for c in self.communes) or None

    @property
    def hi_coverage(self):
        return percent(self.hi.count, self.population)


def quarter_of(on: date) -> tuple[int, int]:
    return on.year, (on.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    end = add_months(start, 3)
    return start, date.fromordinal(end.toordinal() - 1)


def _quarter_ranks(rows: dict) -> dict:
    ordered = sorted(rows.items(), key=lambda kv: (-kv[1], kv[0]))
    return {k: i + 1 for i, (k, _n) in enumerate(ordered)}


def leaderboard(user, office, year: int, quarter: int, today: date | None = None):
    """Mobilisers by new participants brought in during the quarter (and still paying);
    the top five are marked, with the consecutive years they have been in a top five."""
    today = today or date.today()
    start, end = quarter_bounds(year, quarter)
    base = Recruitment.objects.restrict(user).filter(mobiliser__office=office)
    rows = (
        base.filter(on__gte=start, on__lte=end)
        .values("mobiliser_id", "mobiliser__full_name", "mobiliser__role")
        .annotate(
            new_vsi=Count("pk", filter=Q(scheme="vsi")),
            new_hi=Count("pk", filter=Q(scheme="hi")),
            still_vsi=Count("pk", filter=Q(scheme="vsi", vsi_enrolment__status=VsiStatus.ACTIVE)),
            still_hi=Count(
                "pk",
                filter=Q(scheme="hi", hi_enrolment__card_to__gte=today)
                & ~Q(hi_enrolment__status=HiStatus.STOPPED),
            ),
        )
    )
    leaders = [
        LeaderRow(
            r["mobiliser_id"],
            r["mobiliser__full_name"],
            r["mobiliser__role"],
            r["new_vsi"],
            r["new_hi"],
            r["still_vsi"],
            r["still_hi"],
        )
        for r in rows
    ]
    leaders.sort(key=lambda r: (-r.total, -r.still_paying, r.name))
    for i, r in enumerate(leaders, start=1):
        r.rank = i
    # Years in a top five (any quarter), back from this year: one grouped query.
    history = (
        base.filter(on__gte=date(year - 9, 1, 1), on__lte=end)
        .annotate(y=ExtractYear("on"), m=ExtractMonth("on"))
        .values_list("mobiliser_id", "y", "m")
        .annotate(n=Count("pk"))
    )
    per_quarter = defaultdict(lambda: defaultdict(int))
    for mob, y, m, n in history:
        q = (m - 1) // 3 + 1
        if (y, q) <= (year, quarter):
            per_quarter[(y, q)][mob] += n
    top_years = defaultdict(set)
    for (y, _q), counts in per_quarter.items():
        for mob, rank in _quarter_ranks(counts).items():
            if rank <= TOP:
                top_years[mob].add(y)
    for r in leaders:
        y, run = year, 0
        while y in top_years[r.mobiliser_id]:
            run, y = run + 1, y - 1
        r.years_in_top = run
    return leaders


def _on_time_key(user, month: Month) -> str:
    from ansinh.accounts.scope import scope_for

    scope = scope_for(user)
    parts = [
        str(month),
        str(scope.nothing),
        ",".join(sorted(scope.communes)) if scope.communes is not None else "*",
        str(scope.organisation_id),
        str(scope.collector_id),
    ]
    return "ansinh.on_time:" + hashlib.sha1(":".join(parts).encode()).hexdigest()


def on_time_rows(user, month: Month) -> list[dict]:
    """`collection.queries.on_time(user, [month], "commune")` as plain rows (to keep)."""
    from ansinh.collection.queries import on_time

    return [
        {"commune_id": r["commune_id"], "due": r["due"], "paid": r["paid"]}
        for r in on_time(user, [month], "commune")
    ]


def keep_on_time(user, month: Month) -> list[dict]:
    """Compute the on-time rows of the user's scope and keep them for every process."""
    from django.conf import settings
    from django.core.cache import caches

    rows = on_time_rows(user, month)
    caches[settings.FIGURES_CACHE].set(
        _on_time_key(user, month), (time.time(), rows), ON_TIME_KEPT_SECONDS
    )
    return rows


#: A kept on-time share older than this is recomputed in the request, not served.
ON_TIME_KEPT_SECONDS = 24 * 3600


def _cached_on_time(user, month: Month) -> list[dict]:
    """`on_time_rows`, kept per scope (it scans the due lists of the whole scope: the
    province for a provincial administrator) in the figures cache, which every process of
    the server shares. Older than the figures' fresh window (FIGURES_FRESH_SECONDS), it is
    served as it is and recomputed by a task (decision 0026: in `manage.py db_worker` on a
    server; at once, here, with the immediate backend); kept for none, computed here."""
    from django.conf import settings
    from django.core.cache import caches

    from .figures import fresh_seconds

    store = caches[settings.FIGURES_CACHE]
    key = _on_time_key(user, month)
    kept = store.get(key)
    if kept is None or fresh_seconds() <= 0:
        return keep_on_time(user, month)
    computed_at, rows = kept
    if time.time() - computed_at > fresh_seconds() and store.add(
        key + ":asked", True, fresh_seconds()
    ):
        from .tasks import refresh_on_time_task

        result = refresh_on_time_task.enqueue(user.pk, str(month))
        if result.is_finished and store.get(key) is not None:
            rows = store.get(key)[1]
    return rows


def _on_time(user, office, on: date):
    """The share of premiums due that were paid on time, for the last closed month, in the
    office's communes (the user's scope may be wider: the province).

    From the collection app's monthly cycle (`collection.queries.on_time`)."""
    month = add_months(on.replace(day=1), -1)
    codes = {c.code for c in office_communes(office, month)}
    by_commune = _cached_on_time(user, Month.of(month))
    rows = [r for r in by_commune if r["commune_id"] in codes]
    due = sum(r["due"] for r in rows)
    paid = sum(r["paid"] for r in rows)
    return percent(paid, due), month


def _series_points(on: date) -> list[date]:
    """The last day of each of the 11 months before `on`'s, then `on`."""
    points = []
    for i in range(11, -1, -1):
        month_end = add_months(on.replace(day=1), -i + 1)
        points.append(min(on, date.fromordinal(month_end.toordinal() - 1)))
    return points


def office_figures(user, office, on: date, baseline: date | None = None, series=True):
    baseline = baseline or default_baseline(on)
    year = on.year
    communes = office_communes(office, on)
    codes = [c.code for c in communes]
    targets = office_targets(user, office, year)
    points = _series_points(on) if series else []
    # Every count below is metric_count's, read from the figures summary (figures.SummaryCounts).
    counter = SummaryCounts(user, codes, [on, baseline, *points])

    def whole(metric, label):
        count = counter.count(metric, on)
        base = counter.count(metric, baseline)
        if metric in (Metric.VSI_NEW, Metric.HI_NEW) and baseline.year < year:
            base = 0
        t = targets.get(metric)
        return ProgressRow(label, metric, t.value if t else None, count, base)

    by = {}
    for metric in (Metric.VSI, Metric.HI):
        by[metric] = (
            counter.count(metric, on, by="commune"),
            counter.count(metric, baseline, by="commune"),
            {
                s.commune_id: s.value
                for s in TargetShare.objects.filter(
                    target__in=[t for m, t in targets.items() if m == metric], level="commune"
                )
            },
        )
    rows = [
        CommuneRow(
            c.code,
            c.name,
            c.population,
            c.working_age_population,
            by[Metric.VSI][0].get(c.code, 0),
            by[Metric.VSI][1].get(c.code, 0),
            by[Metric.VSI][2].get(c.code),
            by[Metric.HI][0].get(c.code, 0),
            by[Metric.HI][1].get(c.code, 0),
            by[Metric.HI][2].get(c.code),
        )
        for c in communes
    ]
    rate, rate_month = _on_time(user, office, on)
    campaigns = office_campaigns(user, office, date(year, 1, 1), on)
    y, q = quarter_of(on)
    figures = OfficeFigures(
        office=office,
        on=on,
        baseline=baseline,
        vsi=whole(Metric.VSI, "vsi"),
        hi=whole(Metric.HI, "hi"),
        vsi_new=whole(Metric.VSI_NEW, "vsi_new"),
        hi_new=whole(Metric.HI_NEW, "hi_new"),
        communes=rows,
        on_time=rate,
        on_time_month=rate_month,
        campaigns=campaign_totals(user, campaigns),
        leaders=leaderboard(user, office, y, q)[:10],
        quarter=(y, q),
        vsi_months=counting_months(on),
        as_of=counter.as_of,
    )
    if on.replace(day=1) == date.today().replace(day=1):
        figures.vsi_active = (
            vsi_active_enrolments(user, codes) if counter.live else counter.now("vsi_active")
        )
    for point in points:
        figures.series.append(
            (point, counter.count(Metric.VSI, point), counter.count(Metric.HI, point))
        )
    return figures
