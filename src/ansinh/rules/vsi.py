"""Voluntary social insurance (BHXH tu nguyen): premiums, state support, lump sums.

Law 41/2024/QH15 arts. 31 and 36; Decree 159/2025/ND-CP arts. 5-7; before
2025-07-01 Law 58/2014 and Decree 134/2015.  Every figure comes from a
:class:`~ansinh.rules.parameters.ParameterTable` as of the quote date.

Rounding: amounts are computed exactly (``Fraction``) and rounded once to
whole dong, half up: the monthly figures from the exact monthly values, the
period totals from the exact monthly value times the number of months (so a
total is *not* the rounded monthly figure times the months when the monthly
value has a fraction of a dong).  ``net = gross - support`` is computed on the
rounded figures, so ``net + support == gross`` always holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

from .errors import InputError
from .money import fmt_dong, frac, round_dong
from .months import Month
from .parameters import ParameterTable, keys_read, reading

__all__ = [
    "LUMP_SUM_METHODS",
    "MODES",
    "PaybackNotAllowed",
    "discounted_total",
    "compounded_total",
    "vsi_method_quote",
    "SUPPORT_GROUPS",
    "CLI_GROUP_NAMES",
    "IncomeOutOfRange",
    "VsiQuote",
    "income_bounds",
    "check_income",
    "normalise_groups",
    "support_rate",
    "support_amount",
    "vsi_rate",
    "vsi_quote",
    "PAYMENT_METHODS",
    "payment_deadline",
    "advance_lump_sum",
    "missing_years_lump_sum",
]

SUPPORT_GROUPS = ("poor", "near_poor", "ethnic_minority", "island", "other")
#: spelling used on the command line / in forms -> internal group name
CLI_GROUP_NAMES = {g.replace("_", "-"): g for g in SUPPORT_GROUPS}

#: Payment methods (art. 36): months per period, plus the two lump sums (max years).
PAYMENT_METHODS: dict[str | int, int] = {
    1: 1,
    3: 3,
    6: 6,
    12: 12,
    "advance": 5,  # lump sum for up to 5 future years (discounted)
    "missing": 5,  # lump sum for up to 5 missing years at retirement age (compounded)
}


#: The payment modes a quote, a receipt and an import accept: every 1, 3, 6 or 12 months; a
#: discounted lump sum for future years; a compounded lump sum for the missing years at
#: retirement age; paying back missed months (compounded, only where the table allows it).
MODES = ("1", "3", "6", "12", "advance", "missing", "payback")
PERIODIC_MODES = ("1", "3", "6", "12")


class PaybackNotAllowed(ValueError):
    """Paying back missed months is switched off in the table (vsi.missed_months_payback)."""

    def __init__(self, on: date):
        self.on = on
        super().__init__(
            f"Paying back missed months is not allowed on {on:%d/%m/%Y}: the parameters table's "
            "switch vsi.missed_months_payback is off (whether Law 41/2024 still allows it is "
            "UNCONFIRMED); the participant re-registers and pays from the month of payment"
        )


class IncomeOutOfRange(ValueError):
    """The chosen monthly income is outside [rural poverty line, 20 x reference level]."""

    def __init__(self, income: int, minimum: int, maximum: int, on: date, reason: str = ""):
        self.income = income
        self.minimum = minimum
        self.maximum = maximum
        self.on = on
        if income < minimum:
            msg = (
                f"Monthly income {fmt_dong(income, ',')} is below the minimum "
                f"{fmt_dong(minimum, ',')} (rural poverty line) on {on.isoformat()}"
            )
        elif income > maximum:
            msg = (
                f"Monthly income {fmt_dong(income, ',')} is above the maximum "
                f"{fmt_dong(maximum, ',')} (20 x reference level) on {on.isoformat()}"
            )
        else:
            msg = f"Monthly income {income!r} is not valid{': ' + reason if reason else ''}"
        msg += f"; allowed range {fmt_dong(minimum, ',')} to {fmt_dong(maximum, ',')} dong"
        super().__init__(msg)


def _as_date(on: date | Month) -> date:
    return on.first_day() if isinstance(on, Month) else on


def vsi_rate(table: ParameterTable, on: date | Month) -> Decimal:
    """The contribution rate (Decimal, e.g. 0.22) in force on ``on``."""
    return table.value("vsi.rate", _as_date(on))


def income_bounds(table: ParameterTable, on: date | Month) -> tuple[int, int]:
    """(minimum, maximum) monthly income in dong on ``on``: rural poverty line,
    ``vsi.income.ceiling_multiplier`` x reference level."""
    d = _as_date(on)
    floor_key = table.value_or("vsi.income.floor_key", d, "poverty.rural")
    minimum = int(table.value(floor_key, d))
    maximum = int(table.value("vsi.income.ceiling_multiplier", d)) * int(
        table.value("reference_level", d)
    )
    return minimum, maximum


def check_income(table: ParameterTable, income: int, on: date | Month) -> None:
    """Raise :class:`IncomeOutOfRange` unless ``income`` is an int in the allowed range."""
    d = _as_date(on)
    lo, hi = income_bounds(table, d)
    if isinstance(income, bool) or not isinstance(income, int):
        raise IncomeOutOfRange(income, lo, hi, d, "must be whole dong (int)")  # type: ignore[arg-type]
    if not lo <= income <= hi:
        raise IncomeOutOfRange(income, lo, hi, d)


def normalise_groups(groups: Iterable[str] | str | None) -> tuple[str, ...]:
    """Accept internal or CLI spellings; always include "other"; ValueError on unknown."""
    if groups is None:
        groups = ()
    if isinstance(groups, str):
        groups = (groups,)
    out: list[str] = []
    for g in groups:
        name = CLI_GROUP_NAMES.get(str(g).strip().lower(), str(g).strip().lower())
        if name not in SUPPORT_GROUPS:
            raise InputError(
                "group",
                "unknown_group",
                "unknown support group %(g)r; expected one of %(all)s",
                g=g,
                all=", ".join(CLI_GROUP_NAMES),
            )
        if name not in out:
            out.append(name)
    if "other" not in out:
        out.append("other")
    return tuple(out)


def support_rate(
    table: ParameterTable,
    groups: Iterable[str] | str | None,
    on: date | Month,
    province: str | None = None,
) -> tuple[int, int]:
    """(national_percent, local_percent) of the state support on ``on``.

    "other" always applies.  Where several groups apply, the group with the
    highest combined rate (national + the province's top-up) wins; ties go to
    the higher national rate.  The combined rate is capped at 100%.
    """
    d = _as_date(on)
    best: tuple[int, int] | None = None
    for g in normalise_groups(groups):
        nat = int(table.value(f"vsi.support.{g}", d))
        loc = (
            int(table.value_or(f"vsi.local_support.{g}", d, 0, province=province))
            if province
            else 0
        )
        loc = max(0, min(loc, 100 - nat))
        if best is None or (nat + loc, nat) > (best[0] + best[1], best[0]):
            best = (nat, loc)
    assert best is not None
    return best


def support_since(table: ParameterTable) -> Month | None:
    """The first month any state support (national or provincial) was in force: nobody can
    have used more supported months than there are from it (2018-01 in the shipped table)."""
    keys = {f"vsi.{kind}.{g}" for kind in ("support", "local_support") for g in SUPPORT_GROUPS}
    starts = [row.valid_from for row in table.rows if row.key in keys and int(row.value)]
    return Month.of(min(starts)) if starts else None


def support_amount(table: ParameterTable, percent: int | Decimal, on: date | Month) -> Fraction:
    """Exact monthly support for ``percent``: percent% x 22% x rural poverty line."""
    d = _as_date(on)
    return frac(percent) / 100 * frac(vsi_rate(table, d)) * int(table.value("poverty.rural", d))


@dataclass(frozen=True)
class VsiQuote:
    income: int
    on: date
    months: int
    rate: Decimal
    gross_monthly: int
    support_monthly: int
    national_support_monthly: int
    local_support_monthly: int
    net_monthly: int
    supported_months: int
    gross_total: int
    support_total: int
    net_total: int
    national_percent: int
    local_percent: int
    groups: tuple[str, ...] = ("other",)
    province: str | None = None
    mode: str = "1"
    #: 22% x income x months, before the advance discount or the payback interest
    plain_total: int = 0
    #: the lifetime cap on supported months and the supported months used before this quote
    support_months_cap: int = 0
    support_months_used: int = 0
    #: the last month a payment for the period starting in the month of ``on`` is on time
    deadline: Month | None = None
    #: the parameter keys the quote read (:func:`ansinh.rules.parameters.reading`)
    parameters: tuple[str, ...] = ()

    @property
    def adjustment(self) -> int:
        """gross_total - plain_total: negative for the advance discount, positive for interest."""
        return self.gross_total - self.plain_total

    @property
    def discount(self) -> int:
        """What paying ahead saves (the advance lump sum's discount), else 0."""
        return max(0, -self.adjustment)

    @property
    def interest(self) -> int:
        """What paying late adds (missing years, missed months paid back), else 0."""
        return max(0, self.adjustment)

    @property
    def support_months_left(self) -> int:
        """Supported months still available after this payment (120-month lifetime cap)."""
        return max(0, self.support_months_cap - self.support_months_used - self.supported_months)

    @property
    def national_support_total(self) -> int:
        return self.national_support_monthly * self.supported_months

    @property
    def local_support_total(self) -> int:
        return self.local_support_monthly * self.supported_months


def vsi_quote(
    table: ParameterTable,
    income: int,
    groups: Iterable[str] | str | None,
    on: date | Month,
    months: int = 1,
    province: str | None = None,
    support_months_used: int = 0,
) -> VsiQuote:
    """Quote the voluntary premium for ``months`` months paid on ``on``.

    gross = 22% x income; support = (national% + local%) x 22% x rural poverty
    line per month (independent of the income), for at most
    ``vsi.support.max_months`` (120) months in a lifetime minus
    ``support_months_used``.  Prepaid months keep the figures of ``on``.
    Raises :class:`IncomeOutOfRange`, ValueError (months < 1, unknown group).
    """
    with reading() as used:
        q = _vsi_quote(table, income, groups, on, months, province, support_months_used)
    return replace(q, parameters=keys_read(used))


def _vsi_quote(table, income, groups, on, months, province, support_months_used) -> VsiQuote:
    d = _as_date(on)
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise InputError(
            "months", "positive", "months must be a positive whole number, got %(n)r", n=months
        )
    if (
        isinstance(support_months_used, bool)
        or not isinstance(support_months_used, int)
        or support_months_used < 0
    ):
        raise InputError(
            "support_used",
            "not_negative",
            "support months used must be a whole number >= 0, got %(n)r",
            n=support_months_used,
        )
    check_income(table, income, d)
    grp = normalise_groups(groups)
    rate = vsi_rate(table, d)
    nat_pct, loc_pct = support_rate(table, grp, d, province)
    cap = int(table.value_or("vsi.support.max_months", d, 0))
    supported = min(months, max(0, cap - support_months_used)) if nat_pct + loc_pct else 0

    gross_exact = frac(rate) * income
    nat_exact = support_amount(table, nat_pct, d) if supported else Fraction(0)
    loc_exact = support_amount(table, loc_pct, d) if supported else Fraction(0)
    nat_m, loc_m = round_dong(nat_exact), round_dong(loc_exact)
    support_m = round_dong(nat_exact + loc_exact)
    gross_m = round_dong(gross_exact)
    gross_t = round_dong(gross_exact * months)
    support_t = round_dong((nat_exact + loc_exact) * supported)
    return VsiQuote(
        income=income,
        on=d,
        months=months,
        rate=rate,
        gross_monthly=gross_m,
        support_monthly=support_m,
        national_support_monthly=nat_m,
        local_support_monthly=support_m - nat_m if loc_pct else loc_m,
        net_monthly=gross_m - support_m,
        supported_months=supported,
        gross_total=gross_t,
        support_total=support_t,
        net_total=gross_t - support_t,
        national_percent=nat_pct,
        local_percent=loc_pct,
        groups=grp,
        province=province,
        plain_total=gross_t,
        support_months_cap=cap,
        support_months_used=support_months_used,
        deadline=Month.of(d),
    )


def payment_deadline(
    method_months: int, period_start: Month, table: ParameterTable | None = None
) -> Month:
    """Last month in which a payment for the period starting ``period_start`` is on time.

    monthly -> the same month; 3-monthly -> within the 3 months; 6-monthly ->
    within the first 4 months; 12-monthly -> within the first 7 months
    (``vsi.deadline_months.<n>``).  Lump sums are paid at registration, so the
    deadline is ``period_start`` itself.
    """
    if table is None:
        from .parameters import default_table

        table = default_table()
    period_start = Month.parse(period_start) if isinstance(period_start, str) else period_start
    if method_months in LUMP_SUM_METHODS:
        return period_start
    try:
        n = int(table.value(f"vsi.deadline_months.{int(method_months)}", period_start))
    except (KeyError, ValueError, TypeError):
        raise InputError(
            "mode",
            "unknown_mode",
            "unknown payment method %(m)r; expected 1, 3, 6 or 12 months",
            m=method_months,
        ) from None
    return period_start + (n - 1)


def _check_years(table: ParameterTable, key: str, years: int, d: date) -> None:
    max_years = int(table.value(key, d))
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= max_years:
        raise InputError(
            "months",
            "years",
            "years must be a whole number from 1 to %(max)s, got %(n)r",
            max=max_years,
            n=years,
        )


def _r(table: ParameterTable, r, d: date) -> Fraction:
    value = table.value("vsi.fund_monthly_return", d) if r is None else r
    f = frac(value)
    if f <= -1:
        raise ValueError("monthly return must be > -1")
    return f


def discounted_total(
    table: ParameterTable,
    income: int,
    months: int,
    on: date | Month,
    r: Decimal | Fraction | None = None,
) -> int:
    """``sum_{i=1..months} income x 22% / (1 + r)^(i-1)``, rounded once (Decree 159/2025 art. 6)."""
    d = _as_date(on)
    rf = _r(table, r, d)
    monthly = frac(vsi_rate(table, d)) * income
    total = sum((monthly / (1 + rf) ** (i - 1) for i in range(1, months + 1)), Fraction(0))
    return round_dong(total)


def compounded_total(
    table: ParameterTable,
    income: int,
    months: int,
    on: date | Month,
    r: Decimal | Fraction | None = None,
) -> int:
    """``sum_{i=1..months} income x 22% x (1 + r)^i``, rounded once (Decree 159/2025 art. 7)."""
    d = _as_date(on)
    rf = _r(table, r, d)
    monthly = frac(vsi_rate(table, d)) * income
    total = sum((monthly * (1 + rf) ** i for i in range(1, months + 1)), Fraction(0))
    return round_dong(total)


def advance_lump_sum(
    table: ParameterTable,
    income: int,
    years: int,
    on: date | Month,
    r: Decimal | Fraction | None = None,
) -> int:
    """Discounted lump sum for ``years`` future years (Decree 159/2025 art. 6, UNCONFIRMED).

    ``sum_{i=1..12n} income x 22% / (1 + r)^(i-1)``, r = the fund's monthly return
    (``vsi.fund_monthly_return`` unless given).  Gross, before state support.
    Computed exactly and rounded once to whole dong, half up.
    """
    d = _as_date(on)
    _check_years(table, "vsi.advance.max_years", years, d)
    check_income(table, income, d)
    return discounted_total(table, income, 12 * years, d, r)


def missing_years_lump_sum(
    table: ParameterTable,
    income: int,
    years: int,
    on: date | Month,
    r: Decimal | Fraction | None = None,
) -> int:
    """Compounded lump sum for ``years`` missing years (Decree 159/2025 art. 7, UNCONFIRMED).

    ``sum_{i=1..t} income x 22% x (1 + r)^i`` with t = 12 x years months.
    Computed exactly and rounded once to whole dong, half up.
    """
    d = _as_date(on)
    _check_years(table, "vsi.missing_years.max_years", years, d)
    check_income(table, income, d)
    return compounded_total(table, income, 12 * years, d, r)


LUMP_SUM_METHODS = {"advance": advance_lump_sum, "missing": missing_years_lump_sum}


def _payback_allowed(table: ParameterTable, d: date) -> bool:
    return bool(table.value_or("vsi.missed_months_payback", d, False))


def vsi_method_quote(
    table: ParameterTable,
    income: int,
    groups: Iterable[str] | str | None,
    on: date | Month,
    method: str = "1",
    years: int = 0,
    months: int | None = None,
    province: str | None = None,
    support_months_used: int = 0,
) -> VsiQuote:
    """The quote for a payment mode (:data:`MODES`), paid on ``on``.

    * "1", "3", "6", "12": :func:`vsi_quote` for ``months`` (default: the mode's months; for
      3, 6 and 12 a multiple of them), no discount; ``deadline`` from
      ``vsi.deadline_months.<n>`` for a period starting in the month of ``on``.
    * "advance" / "missing": 12 x ``years`` months (or ``months``, a multiple of 12); the
      gross is the discounted (:func:`advance_lump_sum`) or compounded
      (:func:`missing_years_lump_sum`) amount.
    * "payback": ``months`` missed months paid back, compounded like the missing years
      (:func:`compounded_total`), only where ``vsi.missed_months_payback`` is on
      (:class:`PaybackNotAllowed` otherwise).
    For the lump sums and the payback the state support is the same fixed monthly amount for
    each month, within the 120-month cap (our reading of Decree 159/2025 arts. 5-7,
    UNCONFIRMED), and the deadline is the month of payment (at registration).
    ``plain_total`` is 22% x income x months without the discount or the interest.
    """
    mode = str(method)
    if mode not in MODES:
        raise InputError(
            "mode",
            "unknown_mode",
            "unknown payment mode %(m)r; expected one of %(all)s",
            m=method,
            all=", ".join(MODES),
        )
    d = _as_date(on)
    with reading() as used:
        q = _method_quote(
            table, income, groups, d, mode, years, months, province, support_months_used
        )
    return replace(q, mode=mode, parameters=keys_read(used))


def _method_quote(table, income, groups, d, mode, years, months, province, used) -> VsiQuote:
    if mode in PERIODIC_MODES:
        period = int(mode)
        n = period if months is None else months
        if isinstance(n, bool) or not isinstance(n, int) or n < 1 or n % period:
            raise InputError(
                "months",
                "multiple",
                "months must be a positive multiple of %(period)s for the %(period)s-month "
                "mode, got %(n)r",
                period=period,
                n=n,
            )
        base = vsi_quote(table, income, groups, d, n, province, used)
        return replace(base, deadline=payment_deadline(period, Month.of(d), table))
    if mode == "payback":
        if not _payback_allowed(table, d):
            raise PaybackNotAllowed(d)
        if isinstance(months, bool) or not isinstance(months, int) or months < 1:
            raise InputError(
                "months",
                "payback_months",
                "months to pay back must be a positive whole number, got %(n)r",
                n=months,
            )
        base = vsi_quote(table, income, groups, d, months, province, used)
        gross = compounded_total(table, income, months, d)
    else:
        if not years and months:
            if months % 12:
                raise InputError(
                    "months",
                    "whole_years",
                    "a lump sum covers whole years (12, 24, ... months), got %(n)s",
                    n=months,
                )
            years = months // 12
        base = vsi_quote(table, income, groups, d, 12 * max(years, 1), province, used)
        gross = LUMP_SUM_METHODS[mode](table, income, years, d)
    support = min(base.support_total, gross)
    return replace(
        base,
        gross_total=gross,
        support_total=support,
        net_total=gross - support,
        deadline=Month.of(d),
    )
