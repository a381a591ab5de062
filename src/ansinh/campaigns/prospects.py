"""People to approach, each linked to the counselling comparison (scoped, bounded).

* hi_without_vsi: members of a household with health insurance in force, of working age,
  with no open VSI enrolment.
* left_job: compulsory insurance ended in the last 12 months (and no later period), no
  open VSI enrolment: the people tempted by a lump-sum withdrawal.
* near_pension: at or within two years of retirement age, short of the years a pension
  needs (`pension.min_years`, 15) by no more than the missing years a lump sum may buy
  (`vsi.missing_years.max_years`, 5): both read from the parameters table. Birth dates
  bound the candidates in SQL; counted months come from two grouped queries over those
  candidates only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from ansinh.common.text import add_months, months_between
from ansinh.enrolment.models import ContributionMonth, HiEnrolment, HiStatus, VsiEnrolment
from ansinh.parameters.table import current_table
from ansinh.registry.models import CompulsoryPeriod, Person
from ansinh.rules.months import Month
from ansinh.rules.retirement import retirement, retirement_age_for_year

LISTS = {
    "hi_without_vsi": _("HI household members of working age without VSI"),
    "left_job": _("Compulsory insurance ended in the last 12 months"),
    "near_pension": _("At or near retirement age, at most 5 years short of a pension"),
}
LIMIT = 300
NEAR_MONTHS = 24


def _years_ago(today: date, months: int) -> date:
    first = add_months(today.replace(day=1), -months)
    return first.replace(day=min(today.day, 28))


def _open_vsi():
    return VsiEnrolment.objects.open().filter(person=OuterRef("pk"))


def hi_without_vsi(user, today: date | None = None):
    today = today or date.today()
    table = current_table()
    hi = HiEnrolment.objects.filter(person=OuterRef("pk"), card_to__gte=today).exclude(
        status=HiStatus.STOPPED
    )
    working = Q()
    for sex in ("M", "F"):
        years, months = retirement_age_for_year(sex, today.year, table)
        working |= Q(sex=sex, birth_date__gt=_years_ago(today, years * 12 + months))
    return (
        Person.objects.restrict(user)
        .filter(working, birth_date__lte=_years_ago(today, 15 * 12))
        .filter(Exists(hi))
        .exclude(Exists(_open_vsi()))
        .select_related("commune", "hamlet")
        .order_by("commune_id", "hamlet_id", "household_id", "household_order")
    )


def left_job(user, today: date | None = None):
    today = today or date.today()
    since = add_months(today.replace(day=1), -12)
    return (
        Person.objects.restrict(user)
        .annotate(left=Max("compulsory_periods__end"))
        .filter(left__gte=since, left__lte=today)
        .exclude(Exists(_open_vsi()))
        .select_related("commune", "hamlet")
        .order_by("-left", "name_folded")
    )


@dataclass
class NearPension:
    person: Person
    counted: int
    reached: Month
    needed: int  # months a pension needs (pension.min_years x 12)

    @property
    def short(self) -> int:
        return max(0, self.needed - self.counted)


def near_pension(user, today: date | None = None) -> list[NearPension]:
    today = today or date.today()
    table = current_table()
    needed = 12 * int(table.value("pension.min_years", today))
    max_short = 12 * int(table.value("vsi.missing_years.max_years", today))
    # Bound by birth date: the youngest possible retirement age (before 2021: 55 women,
    # 60 men) minus the window, up to 75.
    bounds = Q()
    for sex, youngest in (("M", 60 * 12), ("F", 55 * 12)):
        bounds |= Q(sex=sex, birth_date__lte=_years_ago(today, youngest - NEAR_MONTHS))
    candidates = list(
        Person.objects.restrict(user)
        .filter(bounds, birth_date__gt=_years_ago(today, 75 * 12))
        .filter(Q(compulsory_periods__isnull=False) | Q(contribution_months__isnull=False))
        .distinct()
        .select_related("commune", "hamlet")[:5000]
    )
    ids = [p.pk for p in candidates]
    voluntary = dict(
        ContributionMonth.objects.filter(person_id__in=ids)
        .values_list("person_id")
        .annotate(n=Count("pk"))
    )
    compulsory = defaultdict(int)
    for pid, start, end in CompulsoryPeriod.objects.filter(person_id__in=ids).values_list(
        "person_id", "start", "end"
    ):
        compulsory[pid] += months_between(start, end) + 1
    now = Month.of(today)
    rows = []
    for p in candidates:
        counted = voluntary.get(p.pk, 0) + compulsory[p.pk]
        if not needed - max_short <= counted < needed:
            continue
        reached = retirement(p.sex, Month.of(p.birth_date), table).reached
        if reached - now > NEAR_MONTHS:
            continue
        rows.append(NearPension(p, counted, reached, needed))
    rows.sort(key=lambda r: (r.short, r.person.name_folded))
    return rows[:LIMIT]


@login_required
def prospect_list(request):
    which = request.GET.get("list", "hi_without_vsi")
    if which not in LISTS:
        which = "hi_without_vsi"
    if which == "near_pension":
        rows = near_pension(request.user)
    else:
        qs = hi_without_vsi(request.user) if which == "hi_without_vsi" else left_job(request.user)
        rows = list(qs[:LIMIT])
    return render(
        request,
        "campaigns/prospects.html",
        {
            "lists": LISTS,
            "which": which,
            "rows": rows,
            "limit": LIMIT,
        },
    )
