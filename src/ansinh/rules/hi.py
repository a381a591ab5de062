"""Household health insurance (BHYT ho gia dinh): the household ladder and card validity.

Decree 188/2025/ND-CP art. 6 (before 2025-07-01 Decree 146/2018 art. 7): the
first member pays ``hi.rate`` (4.5%) x base salary per month; the second 70%
of that, the third 60%, the fourth 50%, the fifth and later 40%
(``hi.ladder.1..5``).  Paid for 3, 6 or 12 months (``hi.periods``).

Rounding: each member's exact monthly amount is rounded once, half up, to
whole dong; the member's amount for the period is rounded once from the
exact monthly amount x months; household totals are sums of the rounded
member figures (so the totals always agree with the per-member lines).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .errors import InputError
from .money import frac, round_dong
from .months import Month, shift_date
from .parameters import ParameterTable, keys_read, reading

__all__ = [
    "MemberShare",
    "HiQuote",
    "hi_quote",
    "hi_periods",
    "card_validity_start",
    "MemberPeriod",
    "HouseholdQuote",
    "household_quote",
    "months_to",
]


@dataclass(frozen=True)
class MemberShare:
    position: int  # 1-based order in the household
    percent: int  # percent of the first member's amount
    monthly: int
    amount: int  # for the whole period


@dataclass(frozen=True)
class HiQuote:
    members: int
    on: date
    months: int
    base_salary: int
    rate: Decimal
    per_member: list[MemberShare]
    monthly_total: int
    total: int


def _as_date(on: date | Month) -> date:
    return on.first_day() if isinstance(on, Month) else on


def hi_periods(table: ParameterTable, on: date | Month) -> tuple[int, ...]:
    """Allowed payment periods in months on ``on`` (e.g. (3, 6, 12))."""
    text = str(table.value("hi.periods", _as_date(on)))
    return tuple(int(x) for x in text.replace(" ", "").split(",") if x)


def _period_error(periods: tuple[int, ...], months) -> InputError:
    return InputError(
        "months",
        "period",
        "months must be one of %(periods)s for household health insurance, got %(n)r",
        periods=", ".join(map(str, periods)),
        n=months,
    )


def hi_quote(table: ParameterTable, members: int, on: date | Month, months: int) -> HiQuote:
    """Premiums of a household of ``members`` joining on ``on`` for ``months`` months.

    ValueError if members < 1 or months is not an allowed period.
    """
    d = _as_date(on)
    if isinstance(members, bool) or not isinstance(members, int) or members < 1:
        raise InputError(
            "members", "members", "members must be a whole number >= 1, got %(n)r", n=members
        )
    periods = hi_periods(table, d)
    if months not in periods:
        raise _period_error(periods, months)
    base = int(table.value("base_salary", d))
    rate = table.value("hi.rate", d)
    first = frac(rate) * base
    shares: list[MemberShare] = []
    for pos in range(1, members + 1):
        pct = int(table.value(f"hi.ladder.{min(pos, 5)}", d))
        exact = first * pct / 100
        shares.append(MemberShare(pos, pct, round_dong(exact), round_dong(exact * months)))
    return HiQuote(
        members=members,
        on=d,
        months=months,
        base_salary=base,
        rate=rate,
        per_member=shares,
        monthly_total=sum(s.monthly for s in shares),
        total=sum(s.amount for s in shares),
    )


def card_validity_start(
    payment_date: date,
    previous_card_end: date | None,
    table: ParameterTable | None = None,
) -> date:
    """First day of validity of a household HI card paid on ``payment_date``.

    * first enrolment (no previous card), or a gap of more than ``hi.card.gap_months``
      (3) calendar months after the previous card's last day: payment date +
      ``hi.card.waiting_days`` (30) days;
    * renewal without such a gap: the payment date, or, when paid before the
      previous card ended, the day after it ends (the cards follow on; this
      case is our reading, so that two cards never overlap).
    """
    if table is None:
        from .parameters import default_table

        table = default_table()
    gap_months = int(table.value("hi.card.gap_months", payment_date))
    waiting = int(table.value("hi.card.waiting_days", payment_date))
    if previous_card_end is None:
        return payment_date + timedelta(days=waiting)
    if payment_date <= previous_card_end:
        return previous_card_end + timedelta(days=1)
    if payment_date <= shift_date(previous_card_end, gap_months):
        return payment_date
    return payment_date + timedelta(days=waiting)


# -- members joining at different times, one card end date -------------------------------


@dataclass(frozen=True)
class MemberPeriod:
    rank: int  # place on the household ladder (1 = first member)
    joined: date  # the payment date from which this member's months run
    percent: int  # percent of the first member's amount
    months: int  # months from ``joined`` to the card's end date
    monthly: int
    amount: int


@dataclass(frozen=True)
class HouseholdQuote:
    card_end: date  # the one last day of validity of every member's card
    members: list[MemberPeriod]
    total: int
    parameters: tuple[str, ...] = ()


def months_to(joined: date, card_end: date) -> int:
    """Whole months a member joining on ``joined`` pays for a card ending on ``card_end``
    (a month begun counts: 01/10/2025 to 31/07/2026 is 10 months, 20/08/2025 to 19/08/2026
    is 12)."""
    n = Month.of(card_end) - Month.of(joined)
    if shift_date(joined, n) - timedelta(days=1) < card_end:
        n += 1
    return n


def household_quote(
    table: ParameterTable,
    joins: list[date],
    months: int | None = None,
    card_end: date | None = None,
    enrolled: int = 0,
) -> HouseholdQuote:
    """Household HI for members joining on different dates and ending together.

    ``joins`` are the members' payment dates, in the household's order (sorted by date,
    stable). The card ends on ``card_end``, or ``months`` (a period of ``hi.periods``) after
    the first join when ``card_end`` is not given. ``enrolled`` members already hold the card
    (ranks 1..enrolled, not priced here); the others take the next ranks in the order they
    join (``hi.ladder.<rank>``, 5 = fifth and later). Each member pays ``hi.rate`` x base
    salary x their ladder percent x their months, at the figures in force on their join
    date, rounded once per member (Decree 188/2025 art. 6; the rank-by-joining-order reading
    is ours). ValueError naming the member on bad input.
    """
    with reading() as used:
        q = _household_quote(table, joins, months, card_end, enrolled)
    return HouseholdQuote(q.card_end, q.members, q.total, keys_read(used))


def _household_quote(table, joins, months, card_end, enrolled) -> HouseholdQuote:
    if not joins:
        raise InputError("join_1", "no_join", "give at least one member's join date")
    if isinstance(enrolled, bool) or not isinstance(enrolled, int) or enrolled < 0:
        raise InputError(
            "enrolled",
            "enrolled",
            "members already enrolled must be a whole number >= 0, got %(n)r",
            n=enrolled,
        )
    order = sorted(range(len(joins)), key=lambda i: joins[i])
    first = joins[order[0]]
    periods = hi_periods(table, first)
    if card_end is None:
        if months not in periods:
            raise _period_error(periods, months)
        card_end = shift_date(first, months) - timedelta(days=1)
    elif months is not None:
        raise InputError(
            "card_end", "both", "give either the months or the card's end date, not both"
        )
    longest = max(periods)
    members = []
    for place, i in enumerate(order, start=1):
        joined = joins[i]
        n = months_to(joined, card_end)
        if joined > card_end:
            raise InputError(
                "card_end",
                "after_end",
                "member %(member)s joins on %(joined)s, after the card ends on %(end)s",
                member=i + 1,
                joined=f"{joined:%d/%m/%Y}",
                end=f"{card_end:%d/%m/%Y}",
            )
        if n > longest:
            raise InputError(
                "card_end",
                "too_long",
                "member %(member)s would pay %(n)s months; a card lasts at most %(max)s months",
                member=i + 1,
                n=n,
                max=longest,
            )
        rank = enrolled + place
        pct = int(table.value(f"hi.ladder.{min(rank, 5)}", joined))
        exact = frac(table.value("hi.rate", joined)) * int(table.value("base_salary", joined))
        exact = exact * pct / 100
        members.append(MemberPeriod(rank, joined, pct, n, round_dong(exact), round_dong(exact * n)))
    return HouseholdQuote(card_end, members, sum(m.amount for m in members))
