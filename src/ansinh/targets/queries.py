"""Reading targets and counting participants: every count goes through the user's scope.

`metric_count` is the one place that says what "a participant on a date" means; the
progress pages, the dashboard, its Excel export and the period report all call it.
See docs/decisions/0010-counting-participants.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from ansinh.accounts.models import Role
from ansinh.accounts.scope import restrict
from ansinh.common.text import add_months
from ansinh.enrolment.models import ContributionMonth, HiEnrolment, HiStatus, VsiEnrolment
from ansinh.places.models import Commune, Hamlet, Office

from .choices import Level, Metric
from .models import OfficeTarget, TargetShare

#: How each breakdown reaches a person.
_BY = {
    None: None,
    Level.COMMUNE: "person__commune_id",
    Level.ORGANISATION: "person__collector__organisation_id",
    Level.COLLECTOR: "person__collector_id",
    "hamlet": "person__hamlet_id",
}


def visible_offices(user):
    """The base offices a user may see (the offices of their scope, see accounts.scope)."""
    return restrict(Office.objects.filter(kind=Office.Kind.BASE), user)


def office_for(user, office_id=None) -> Office | None:
    """The office a page is about: the user's own, or one chosen among those they see."""
    offices = visible_offices(user)
    if office_id:
        try:
            return offices.filter(pk=int(office_id)).first()
        except (TypeError, ValueError):
            return None
    if user.office_id and offices.filter(pk=user.office_id).exists():
        return user.office
    return offices.order_by("code").first()


def office_communes(office: Office, on: date | None = None) -> list[Commune]:
    return list(office.communes_on(on or date.today()).order_by("name"))


def can_set_targets(user) -> bool:
    return user.is_superuser or user.role == Role.PROVINCIAL_ADMIN


def can_split_targets(user) -> bool:
    return user.is_superuser or user.role in (Role.PROVINCIAL_ADMIN, Role.OFFICE_MANAGER)


def counting_months(on: date, today: date | None = None) -> list[date]:
    """The contribution months that make someone a VSI participant on `on`.

    A closed month counts those whose contributions cover it.  In the month still open
    (today's), a monthly payer has until its last day: someone paid through last month is
    not yet in default, so either month counts.
    """
    today = today or date.today()
    month = on.replace(day=1)
    if month >= today.replace(day=1):
        return [add_months(month, -1), month]
    return [month]


def _grouped(qs, by, person_field="person_id"):
    path = _BY[by]
    if path is None:
        return qs.values(person_field).distinct().count()
    rows = qs.values(path).annotate(n=Count(person_field, distinct=True)).values_list(path, "n")
    return {k: n for k, n in rows if k is not None}


def metric_count(user, metric: str, on: date, *, by=None, communes=None, since: date | None = None):
    """Participants (or new enrolments since `since`, default 1 January) on a date.

    Returns an int, or {unit id: count} when `by` is a Level.  `communes` narrows to an
    office's area; the user's scope always applies.
    """
    area = Q() if communes is None else Q(person__commune_id__in=list(communes))
    if metric == Metric.VSI:
        qs = ContributionMonth.objects.restrict(user).filter(area, month__in=counting_months(on))
    elif metric == Metric.HI:
        qs = (
            HiEnrolment.objects.restrict(user)
            .filter(area, start_month__lte=on, card_to__gte=on)
            .exclude(status=HiStatus.STOPPED)
        )
    elif metric in (Metric.VSI_NEW, Metric.HI_NEW):
        since = since or date(on.year, 1, 1)
        model = VsiEnrolment if metric == Metric.VSI_NEW else HiEnrolment
        paid = (
            Q(paid_through__isnull=False) if metric == Metric.VSI_NEW else Q(card_to__isnull=False)
        )
        qs = model.objects.restrict(user).filter(
            area, paid, start_month__gte=since.replace(day=1), start_month__lte=on
        )
    else:
        raise ValueError(metric)
    return _grouped(qs, by)


def vsi_active_enrolments(user, communes=None) -> int:
    """VSI enrolments whose status is active today (neither suspended nor stopped): the
    registry's state, not a count of participants (decision 0010, "two counts"). It includes
    people enrolled whose first or next payment is not yet due (a 3-, 6- or 12-monthly payer
    within the period's deadline has no contribution for this month yet) and leaves out
    people who paid for last month and stopped since."""
    from ansinh.enrolment.models import VsiStatus

    qs = VsiEnrolment.objects.restrict(user).filter(status=VsiStatus.ACTIVE)
    if communes is not None:
        qs = qs.filter(person__commune_id__in=list(communes))
    return qs.count()


def percent(part, whole) -> Decimal | None:
    """82.75 (two decimals, half up), None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def default_baseline(on: date) -> date:
    """31 December of the year before (the offices' usual baseline)."""
    return date(on.year - 1, 12, 31)


@dataclass
class ProgressRow:
    label: str
    unit_id: object
    target: int | None
    count: int
    baseline: int

    @property
    def share(self):
        return percent(self.count, self.target)

    @property
    def change(self) -> int:
        return self.count - self.baseline


@dataclass
class TargetProgress:
    target: OfficeTarget | None
    metric: str
    on: date
    baseline_on: date
    whole: ProgressRow
    rows: dict[str, list[ProgressRow]] = field(default_factory=dict)


def _labels(level, office):
    from ansinh.collection.models import Collector, Organisation

    if level == Level.COMMUNE:
        return {c.code: c.name for c in office_communes(office)}
    if level == Level.ORGANISATION:
        return {o.pk: o.name for o in Organisation.objects.filter(office=office)}
    return {
        c.pk: str(c)
        for c in Collector.objects.filter(organisation__office=office, active=True).order_by(
            "full_name"
        )
    }


def target_progress(user, office, year: int, metric: str, on: date, baseline_on: date):
    """The office's target for the year, its count, share, change, and each split level."""
    target = (
        OfficeTarget.objects.restrict(user).filter(office=office, year=year, metric=metric).first()
    )
    communes = [c.code for c in office_communes(office, on)]
    since = date(year, 1, 1)
    count = metric_count(user, metric, on, communes=communes, since=since)
    base = metric_count(user, metric, baseline_on, communes=communes, since=since)
    if metric in (Metric.VSI_NEW, Metric.HI_NEW) and baseline_on < since:
        base = 0
    whole = ProgressRow(str(office), office.pk, target.value if target else None, count, base)
    result = TargetProgress(target, metric, on, baseline_on, whole)
    shares = {}
    if target:
        for s in TargetShare.objects.filter(target=target):
            shares[(s.level, s.unit_id)] = s.value
    for level in Level.values:
        now = metric_count(user, metric, on, by=level, communes=communes, since=since)
        then = metric_count(user, metric, baseline_on, by=level, communes=communes, since=since)
        if metric in (Metric.VSI_NEW, Metric.HI_NEW) and baseline_on < since:
            then = {}
        result.rows[level] = [
            ProgressRow(label, key, shares.get((level, key)), now.get(key, 0), then.get(key, 0))
            for key, label in _labels(level, office).items()
        ]
    return result


@dataclass
class Coverage:
    """One commune or hamlet: its population figures, VSI and HI participants and rates."""

    code: object  # the commune's code, or the hamlet's id
    name: str
    commune: str
    population: int | None
    working_age: int | None
    vsi: int
    hi: int

    @property
    def vsi_rate(self) -> Decimal | None:
        """VSI participants per 100 working-age residents."""
        return percent(self.vsi, self.working_age)

    @property
    def hi_coverage(self) -> Decimal | None:
        """HI members as a share of the whole population."""
        return percent(self.hi, self.population)


def coverage(user, office, on: date | None = None, *, by: str = "commune", commune=None):
    """Participation of the office's communes (`by="commune"`) or hamlets (`by="hamlet"`,
    optionally of one commune) on a date, from the populations the office loaded and the
    same participant counts as everywhere else (`metric_count`). In the map's order."""
    on = on or date.today()
    communes = office_communes(office, on)
    codes = [c.code for c in communes]
    if commune:
        codes = [c for c in codes if c == commune]
    vsi = metric_count(user, Metric.VSI, on, by=by, communes=codes)
    hi = metric_count(user, Metric.HI, on, by=by, communes=codes)
    if by == "hamlet":
        places = Hamlet.objects.filter(commune_id__in=codes).select_related("commune")
        keys = [(h.pk, h.name, h.commune.name, h) for h in places.order_by("commune__name", "name")]
    else:
        keys = [(c.code, c.name, c.name, c) for c in communes if c.code in codes]
    return [
        Coverage(
            key,
            name,
            commune_name,
            place.population,
            place.working_age_population,
            vsi.get(key, 0),
            hi.get(key, 0),
        )
        for key, name, commune_name, place in keys
    ]


@dataclass
class Growth:
    start: date
    end: date
    start_count: int
    end_count: int

    @property
    def change(self) -> int:
        return self.end_count - self.start_count

    @property
    def growth(self):
        return percent(self.change, self.start_count)


def growth_between(user, office, metric: str, start: date, end: date) -> Growth:
    communes = [c.code for c in office_communes(office, end)]
    return Growth(
        start,
        end,
        metric_count(user, metric, start, communes=communes),
        metric_count(user, metric, end, communes=communes),
    )


def office_targets(user, office, year: int) -> dict[str, OfficeTarget]:
    rows = OfficeTarget.objects.restrict(user).filter(office=office, year=year)
    return {t.metric: t for t in rows}


def communes_with_counts(user, communes, on: date | None = None):
    """The communes with their hamlets, registered people and VSI participants on `on`.

    VSI participants are `targets.queries.metric_count`'s (contributions covering the
    month), so this page, the dashboard and the report to the province agree; an enrolment
    that is "active" but unpaid is not a participant.
    """
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
