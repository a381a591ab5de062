"""Pension, retirement allowance and one-time withdrawal (Law 41/2024/QH15 arts. 98-104).

Conventions
-----------
* A contribution history is a list of :class:`ContributionMonth`, one per
  calendar month (a month may not appear twice).  Only months *before* the
  assessment month ``on`` count (the pension starts in ``on``).
* Eligibility counts whole years: ``counted_months // 12 >= pension.min_years``
  (15 from 2025-07-01; 20 under Law 58/2014 before that, as the table says).
* For the amount, leftover months count as half a year (1-6) or a whole year
  (7-11).  Men earn 40% at 15 years and +1% a year to 45% at 20 years; a
  half-year step between 15 and 20 earns 0.5% (proportional; our choice, the
  law speaks of whole years).  From the full-rate point (women 15, men 20) each
  extra year adds 2% (a half year 1%), capped at 75%.  Under 15 years for the
  rate, the rate is 0.
* Average income: each month's income x the adjustment coefficient of its
  calendar year (``pension.adjustment.<year>``; years before the first row use
  the first row's coefficient, years after the last row use 1), averaged over
  the counted months.
* Rounding: exact arithmetic (Fraction), each published amount rounded once,
  half up, to whole dong; the pension is computed from the exact average, not
  from the rounded one.
* One-time withdrawal (art. 102, :func:`one_time_withdrawal`): 1.5 x average
  income per year of contributions before 2014 and 2 x per year from 2014,
  leftover months rounded as Decree 115/2015 art. 19 says (those before 2014
  move to the period from 2014; there 1-6 months are half a year, 7-11 a year;
  ``withdrawal.leftover_rounding``), minus the state support received
  (``ContributionMonth.support``).  Under one year: what was paid (22% of the
  incomes), at most 2 x average income, minus the support.  Never negative.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction

from .errors import InputError
from .money import frac, round_dong
from .months import Month, iter_months
from .parameters import ParameterTable, keys_read, reading
from .retirement import Retirement, normalise_sex, retirement
from .vsi import vsi_quote

__all__ = [
    "ContributionMonth",
    "PensionAssessment",
    "Projection",
    "adjustment_coefficient",
    "pension_rate_percent",
    "years_for_rate",
    "average_income",
    "assess",
    "project_continuation",
    "constant_history",
    "Withdrawal",
    "one_time_withdrawal",
    "missing_years",
]

KINDS = ("compulsory", "voluntary")


@dataclass(frozen=True)
class ContributionMonth:
    month: Month
    income: int
    kind: str = "voluntary"  # "compulsory" | "voluntary"
    support: int = 0  # state support received for this month (dong)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be compulsory or voluntary, got {self.kind!r}")
        if isinstance(self.income, bool) or not isinstance(self.income, int) or self.income < 0:
            raise ValueError(f"income must be a non-negative int, got {self.income!r}")
        if not isinstance(self.support, int) or self.support < 0:
            raise ValueError(f"support must be a non-negative int, got {self.support!r}")


def constant_history(
    start: Month, months: int, income: int, kind: str = "voluntary", support: int = 0
) -> list[ContributionMonth]:
    """``months`` consecutive months from ``start`` at a constant income."""
    return [ContributionMonth(start + i, income, kind, support) for i in range(months)]


def _as_on(on) -> Month:
    if isinstance(on, Month):
        return on
    if isinstance(on, str):
        return Month.parse(on)
    return Month.of(on)


def adjustment_coefficient(table: ParameterTable, year: int, on: Month) -> Decimal:
    """Coefficient for incomes of calendar ``year`` in a pension assessed in ``on``."""
    d = _as_on(on).first_day()
    value = table.value_or(f"pension.adjustment.{year}", d, None)
    if value is not None:
        return Decimal(value)
    years = sorted(
        int(r.key.rsplit(".", 1)[1])
        for r in table.rows
        if r.key.startswith("pension.adjustment.") and r.province is None and r.in_force(d)
    )
    if years and year < years[0]:
        return Decimal(table.value(f"pension.adjustment.{years[0]}", d))
    return Decimal(1)


def years_for_rate(counted_months: int) -> Fraction:
    """Whole years plus 1/2 for 1-6 leftover months, 1 for 7-11."""
    y, rest = divmod(counted_months, 12)
    if rest == 0:
        return Fraction(y)
    return Fraction(y) + (Fraction(1, 2) if rest <= 6 else 1)


def pension_rate_percent(table: ParameterTable, sex: str, counted_months: int, on) -> Decimal:
    """Pension rate in percent (Decimal, e.g. ``Decimal("55")`` or ``Decimal("42.5")``)."""
    sex = normalise_sex(sex)
    d = _as_on(on).first_day()
    v = lambda k: frac(table.value(k, d))  # noqa: E731
    y = years_for_rate(counted_months)
    base_years = v("pension.rate.base_years")
    if y < base_years:
        return Decimal(0)
    full_years = v(f"pension.rate.full_years.{sex}")
    if y < full_years:
        rate = v(f"pension.rate.base_percent.{sex}") + v(f"pension.rate.step_percent.{sex}") * (
            y - base_years
        )
    else:
        full_pct = v(f"pension.rate.base_percent.{sex}") + v(f"pension.rate.step_percent.{sex}") * (
            full_years - base_years
        )
        rate = full_pct + v("pension.rate.extra_percent") * (y - full_years)
    rate = min(rate, v("pension.rate.cap"))
    return Decimal(rate.numerator) / Decimal(rate.denominator)


def _counted(history: Iterable[ContributionMonth], on: Month) -> list[ContributionMonth]:
    seen: set[Month] = set()
    out = []
    for c in history:
        if c.month in seen:
            raise ValueError(f"month {c.month} appears twice in the contribution history")
        seen.add(c.month)
        if c.month < on:
            out.append(c)
    return out


def _average_exact(table: ParameterTable, counted: Sequence[ContributionMonth], on: Month):
    if not counted:
        return Fraction(0)
    cache: dict[int, Fraction] = {}
    total = Fraction(0)
    for c in counted:
        y = c.month.year
        if y not in cache:
            cache[y] = frac(adjustment_coefficient(table, y, on))
        total += cache[y] * c.income
    return total / len(counted)


def average_income(table: ParameterTable, history: Iterable[ContributionMonth], on) -> int:
    """Average adjusted monthly income (rounded half up) of the months before ``on``."""
    on = _as_on(on)
    return round_dong(_average_exact(table, _counted(history, on), on))


@dataclass(frozen=True)
class Withdrawal:
    """How a one-time withdrawal (art. 102) is worked out, line by line for the sheet."""

    on: Month
    counted_months: int
    months_before: int  # contributed months before ``withdrawal.split_year`` (2014)
    months_from: int  # from 2014
    years_before: Decimal  # years counted at the before-2014 multiplier
    years_from: Decimal  # years counted at the from-2014 multiplier
    multiplier_before: Decimal  # 1.5 x average income per year
    multiplier_from: Decimal  # 2 x average income per year
    average_income: int
    under_one_year: bool
    paid: int  # under one year: the contributions paid (22% of the incomes)
    cap: int  # under one year: at most 2 x average income
    gross: int  # before deducting the state support
    support_received: int
    support_deducted: int
    amount: int  # never negative
    part_before: int = 0  # average x multiplier x years before 2014 (a year or more)
    part_from: int = 0  # average x multiplier x years from 2014
    leftover_rounded: bool = False  # withdrawal.leftover_rounding was on
    parameters: tuple[str, ...] = ()


def one_time_withdrawal(
    table: ParameterTable,
    history: Iterable[ContributionMonth],
    on,
    deduct_support: bool = True,
) -> Withdrawal:
    """The one-time withdrawal (BHXH mot lan, Law 41/2024 art. 102) taken in month ``on``.

    1.5 x average adjusted income per year before 2014, 2 x per year from 2014, minus the
    state support received (not deducted when ``deduct_support`` is False: the severe-illness
    cases). With ``withdrawal.leftover_rounding`` on, leftover months before 2014 move to the
    period from 2014 and leftover months there count as half a year (1-6) or a year (7-11);
    off, partial years count pro rata. Under one year: what was paid, at most 2 x average
    income. Computed exactly, rounded once.
    """
    on = _as_on(on)
    with reading() as used:
        counted = _counted(history, on)
        w = _withdrawal(table, counted, on, _average_exact(table, counted, on), deduct_support)
    return replace(w, parameters=keys_read(used))


def continuation_start(history: Sequence[ContributionMonth], today: Month) -> Month:
    """The first month a person who keeps paying would pay: this month, or the month after
    the last one paid when they have paid ahead (``history`` in month order)."""
    return max([today] + [h.month + 1 for h in history[-1:]])


def withdrawal_month(start: Month, today: Month) -> Month:
    """The month a withdrawal asked for in month ``today`` is assessed in (the months before
    it count), ``start`` being ``continuation_start(history, today)``. This month counts once
    it is paid; months paid ahead after it are refunded instead (Decree 159/2025), not
    counted. The one rule of the counselling page, the person's file and ``ansinh
    withdrawal --on``."""
    return min(start, today + 1)


def _withdrawal(table, counted, on: Month, avg: Fraction, deduct_support: bool = True):
    d = on.first_day()
    n = len(counted)
    split = int(table.value("withdrawal.split_year", d))
    before = sum(1 for c in counted if c.month.year < split)
    after = n - before
    m_before = frac(table.value("withdrawal.multiplier.before_2014", d))
    m_from = frac(table.value("withdrawal.multiplier.from_2014", d))
    rounded = bool(table.value_or("withdrawal.leftover_rounding", d, False))
    if rounded:
        y_before = Fraction(before // 12)
        y_from = years_for_rate(after + before % 12)
    else:
        y_before, y_from = Fraction(before, 12), Fraction(after, 12)
    paid = cap = Fraction(0)
    if n == 0:
        gross = Fraction(0)
    elif n < 12:
        vrate = frac(table.value("vsi.rate", d))
        crate = frac(table.value_or("compulsory.pension_fund_rate", d, table.value("vsi.rate", d)))
        paid = sum(
            (c.income * (crate if c.kind == "compulsory" else vrate) for c in counted), Fraction(0)
        )
        cap = frac(table.value("withdrawal.under_one_year_cap", d)) * avg
        gross = min(paid, cap)
    else:
        gross = avg * (m_before * y_before + m_from * y_from)
    support = sum(c.support for c in counted)
    deducted = min(Fraction(support), gross) if deduct_support else Fraction(0)
    return Withdrawal(
        on=on,
        counted_months=n,
        months_before=before,
        months_from=after,
        years_before=_dec(y_before),
        years_from=_dec(y_from),
        multiplier_before=_dec(m_before),
        multiplier_from=_dec(m_from),
        average_income=round_dong(avg),
        under_one_year=0 < n < 12,
        paid=round_dong(paid),
        cap=round_dong(cap),
        gross=round_dong(gross),
        support_received=support,
        support_deducted=round_dong(deducted),
        amount=round_dong(max(Fraction(0), gross - deducted)),
        part_before=round_dong(avg * m_before * y_before) if n >= 12 else 0,
        part_from=round_dong(avg * m_from * y_from) if n >= 12 else 0,
        leftover_rounded=rounded,
    )


def _dec(f: Fraction) -> Decimal:
    return Decimal(f.numerator) / Decimal(f.denominator)


@dataclass(frozen=True)
class PensionAssessment:
    on: Month
    sex: str
    counted_months: int
    counted_years: int  # whole years (eligibility)
    counted_years_for_rate: Decimal  # with half years
    retirement: Retirement
    eligible: bool
    at_retirement_age: bool
    min_years: int
    rate_percent: Decimal
    average_income: int
    monthly_pension: int  # what the record gives; paid only if ``eligible``
    retirement_allowance: int  # one-time, years above 35 (men) / 30 (women)
    one_time_withdrawal: int
    months_short: int  # months still needed to reach the minimum years
    support_received: int = 0
    withdrawal: Withdrawal | None = field(default=None, repr=False)  # the lump sum's workings

    @property
    def leftover_months(self) -> int:
        return self.counted_months % 12


def assess(
    table: ParameterTable,
    sex: str,
    born: Month,
    history: Iterable[ContributionMonth],
    on,
) -> PensionAssessment:
    """Assess a contribution record for a pension starting in month ``on``.

    ``monthly_pension`` and ``retirement_allowance`` are what the record would
    give (0 under the rate's 15 years); they are payable only when ``eligible``
    (at or after the pension start month for the person's retirement age, and
    at least ``pension.min_years`` whole years).
    """
    sex = normalise_sex(sex)
    on = _as_on(on)
    born = Month.parse(born) if isinstance(born, str) else born
    d = on.first_day()
    counted = _counted(history, on)
    n = len(counted)
    ret = retirement(sex, born, table)
    min_years = int(table.value("pension.min_years", d))
    at_age = on >= ret.pension_start
    eligible = at_age and n // 12 >= min_years
    avg = _average_exact(table, counted, on)
    rate = pension_rate_percent(table, sex, n, on)
    pension = round_dong(frac(rate) / 100 * avg)

    ytr = years_for_rate(n)
    above = frac(table.value(f"pension.allowance.years_above.{sex}", d))
    allowance = round_dong(
        max(Fraction(0), ytr - above) * frac(table.value("pension.allowance.multiplier", d)) * avg
    )

    w = _withdrawal(table, counted, on, avg)
    return PensionAssessment(
        on=on,
        sex=sex,
        counted_months=n,
        counted_years=n // 12,
        counted_years_for_rate=Decimal(ytr.numerator) / Decimal(ytr.denominator),
        retirement=ret,
        eligible=eligible,
        at_retirement_age=at_age,
        min_years=min_years,
        rate_percent=rate,
        average_income=round_dong(avg),
        monthly_pension=pension,
        retirement_allowance=allowance,
        one_time_withdrawal=w.amount,
        months_short=max(0, min_years * 12 - n),
        support_received=w.support_received,
        withdrawal=w,
    )


@dataclass(frozen=True)
class Projection:
    from_month: Month
    income: int
    months_needed: int  # voluntary months to pay from ``from_month``
    pension_start: Month
    monthly_pension: int
    rate_percent: Decimal
    monthly_net_cost: int
    total_net_cost: int
    lump_sum_now: int  # one-time withdrawal if taken at ``withdraw_on`` (``from_month``)
    assessment: PensionAssessment = field(repr=False)
    now: PensionAssessment = field(repr=False)
    #: months of ``history`` from ``withdraw_on`` on: paid ahead, refunded on a withdrawal
    #: (less the state support, Decree 159/2025), not counted in it
    refunded_months: int = 0


def project_continuation(
    table: ParameterTable,
    sex: str,
    born: Month,
    history: Iterable[ContributionMonth],
    income: int,
    from_month: Month,
    groups: Iterable[str] | str = ("other",),
    province: str | None = None,
    withdraw_on: Month | None = None,
) -> Projection:
    """Compare "withdraw a lump sum now" with "continue voluntarily at ``income``".

    The lump sum is assessed in ``withdraw_on`` (default ``from_month``): a person who has
    paid months ahead and withdraws in this month has the months after it refunded, not
    counted (``refunded_months``), while continuing starts after the last month paid.

    The person pays every month from ``from_month`` until both the retirement
    age and the minimum years are reached (the later of the two; past the
    retirement age if the years are still short, which the law allows).  The
    pension is assessed in the month after the last payment.  Costs use the
    figures in force at ``from_month`` (premium, support group and rate, the
    120-month support cap counted from the months of ``history`` with support).
    """
    sex = normalise_sex(sex)
    from_month = _as_on(from_month)
    born = Month.parse(born) if isinstance(born, str) else born
    history = list(history)
    at_start = assess(table, sex, born, history, from_month)
    if any(c.month >= from_month for c in history):
        raise ValueError("history must end before from_month")
    withdraw_on = from_month if withdraw_on is None else min(_as_on(withdraw_on), from_month)
    now = at_start if withdraw_on == from_month else assess(table, sex, born, history, withdraw_on)
    ret = retirement(sex, born, table)
    min_years = int(table.value("pension.min_years", from_month.first_day()))
    short = max(0, min_years * 12 - at_start.counted_months)
    pension_start = max(ret.pension_start, from_month + short)
    months_needed = pension_start - from_month
    # the minimum years may differ at the later date (dated table): extend if needed
    while True:
        extra = [ContributionMonth(m, income) for m in iter_months(from_month, pension_start - 1)]
        final = assess(table, sex, born, history + extra, pension_start)
        if final.eligible:
            break
        pension_start += max(1, final.months_short)
        months_needed = pension_start - from_month
    quote = vsi_quote(table, income, groups, from_month, 1, province)
    used = sum(1 for c in history if c.support > 0)
    total = (
        vsi_quote(table, income, groups, from_month, months_needed, province, used).net_total
        if months_needed
        else 0
    )
    return Projection(
        from_month=from_month,
        income=income,
        months_needed=months_needed,
        pension_start=pension_start,
        monthly_pension=final.monthly_pension,
        rate_percent=final.rate_percent,
        monthly_net_cost=quote.net_monthly,
        total_net_cost=total,
        lump_sum_now=now.one_time_withdrawal,
        assessment=final,
        now=now,
        refunded_months=sum(1 for c in history if c.month >= withdraw_on),
    )


def missing_years(
    table: ParameterTable, sex: str, born: Month, history: Iterable[ContributionMonth], on
) -> int:
    """The missing years a person may pay in one lump sum in month ``on`` (Law 41/2024
    art. 36; Decree 159/2025 art. 7): only at or past the retirement age, with the record
    short of ``pension.min_years`` by at most ``vsi.missing_years.max_years``; the months
    short rounded up to whole years. :class:`InputError` (field ``method``) otherwise."""
    sex = normalise_sex(sex)
    on = _as_on(on)
    born = Month.parse(born) if isinstance(born, str) else born
    ret = retirement(sex, born, table)
    if on < ret.pension_start:
        raise InputError(
            "method",
            "missing_not_at_age",
            "the lump sum for missing years is for a person at retirement age; this person "
            "reaches it in %(reached)s",
            reached=f"{ret.reached.month:02d}/{ret.reached.year}",
        )
    short = assess(table, sex, born, history, on).months_short
    if short == 0:
        raise InputError(
            "method", "missing_none", "no years are missing: the record already gives a pension"
        )
    years = -(-short // 12)
    most = int(table.value("vsi.missing_years.max_years", on.first_day()))
    if years > most:
        raise InputError(
            "method",
            "missing_too_many",
            "%(years)s years are missing; the lump sum covers at most %(max)s",
            years=years,
            max=most,
        )
    return years
