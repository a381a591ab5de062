"""Reading enrolments, receipts and the contribution history (always scoped by the caller)."""

from dataclasses import dataclass
from datetime import date

from ansinh.accounts.scope import scope_for
from ansinh.registry.models import Person
from ansinh.rules.months import Month, iter_months
from ansinh.rules.pension import ContributionMonth as RuleMonth

from .filtersets import ParticipantFilter, with_enrolment_columns
from .models import ContributionMonth, HiEnrolment, HiStatus, Receipt, VsiEnrolment


def contribution_history(person) -> list[RuleMonth]:
    """Every contributed month, compulsory periods and voluntary months together, in order."""
    months: dict[Month, RuleMonth] = {}
    for period in person.compulsory_periods.all():
        for m in iter_months(Month.of(period.start), Month.of(period.end)):
            months[m] = RuleMonth(month=m, income=period.salary, kind="compulsory")
    rows = ContributionMonth.objects.filter(person=person).values_list("month", "income", "support")
    for month, income, support in rows:
        m = Month.of(month)
        months.setdefault(m, RuleMonth(month=m, income=income, kind="voluntary", support=support))
    return [months[m] for m in sorted(months)]


@dataclass
class TimelineYear:
    year: int
    cells: list[str]  # per month: "c" compulsory, "s" voluntary with support, "v" voluntary, ""
    count: int
    first_year: int | None = None  # set on a row standing for several years without payments

    @property
    def is_gap(self) -> bool:
        return self.first_year is not None


def timeline(history: list[RuleMonth], until: date | None = None) -> list[TimelineYear]:
    """Month-by-month grid, newest year first, from the first contribution to this year.

    Two or more consecutive years without a contribution become one row (a gap), so a
    person who paid in 2013 and again from 2024 does not scroll past ten empty years.
    """
    if not history:
        return []
    until = until or date.today()
    kinds = {
        h.month: "c" if h.kind == "compulsory" else ("s" if h.support else "v") for h in history
    }
    last_year = max(until.year, history[-1].month.year)
    years = []
    for year in range(history[0].month.year, last_year + 1):
        cells = [kinds.get(Month(year, m), "") for m in range(1, 13)]
        count = sum(1 for c in cells if c)
        if count == 0 and year != last_year and years and years[-1].count == 0:
            gap = years[-1]
            years[-1] = TimelineYear(year, [], 0, first_year=gap.first_year or gap.year)
            continue
        years.append(TimelineYear(year, cells, count))
    return list(reversed(years))


def open_vsi(person) -> VsiEnrolment | None:
    """The person's open VSI enrolment, if any (`VsiEnrolment.objects.open()`)."""
    return VsiEnrolment.objects.open().filter(person=person).first()


def person_enrolments(person):
    vsi = list(VsiEnrolment.objects.filter(person=person).order_by("-start_month"))
    hi = list(
        HiEnrolment.objects.filter(person=person)
        .select_related("household")
        .order_by("-start_month")
    )
    return vsi, hi


def person_receipts(person, limit: int = 60):
    return (
        Receipt.objects.filter(person=person)
        .select_related("collector", "organisation")
        .order_by("-paid_on", "-id")[:limit]
    )


def hi_card_end(members, on: date) -> date | None:
    """The end date of the card the household's open members hold on `on` (None: no card)."""
    ends = [m.card_to for m in members if m.card_to and m.card_to >= on]
    return max(ends) if ends else None


def hi_joining_quote(household, joining: int, period_months: int, on: date):
    """What `joining` members who join the household's health insurance on `on` pay: each at
    their rank after the members already enrolled, to the end date of the card the household
    already holds (so every card ends together), or for `period_months` when none holds one.
    Returns (quote, card_end) or raises ValueError (rules' message)."""
    from ansinh.parameters.table import current_table
    from ansinh.rules.hi import household_quote

    members = list(HiEnrolment.objects.filter(household=household).exclude(status=HiStatus.STOPPED))
    card_end = hi_card_end(members, on)
    quote = household_quote(
        current_table(),
        [on] * joining,
        months=None if card_end else period_months,
        card_end=card_end,
        enrolled=len(members) if card_end else 0,
    )
    return quote, card_end


def participants(user, params=None):
    """The participant list a user may see, filtered; the page and the export both use it."""
    base = with_enrolment_columns(
        Person.objects.restrict(user).select_related("commune", "hamlet", "collector")
    ).order_by("commune_id", "hamlet__name", "name_folded", "id")
    return ParticipantFilter(params, queryset=base, communes=scope_for(user).communes)
