"""Paying ahead, paying late, the deadlines per mode and the supported months left
(Law 41/2024 art. 36; Decree 159/2025 arts. 5-7; issue 11 items 1-2)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansinh.rules.months import Month
from ansinh.rules.parameters import DEFAULT_PARAMETERS, ParameterTable, default_table, reading
from ansinh.rules.vsi import (
    MODES,
    PaybackNotAllowed,
    vsi_method_quote,
    vsi_quote,
)

T = default_table()
AUG25 = date(2025, 8, 1)


def payback_on() -> ParameterTable:
    """The shipped table with the (UNCONFIRMED) payback switch turned on, as an office may."""
    return ParameterTable(
        replace(p, value=True) if p.key == "vsi.missed_months_payback" else p
        for p in DEFAULT_PARAMETERS
    )


# --- worked examples, by hand from the decree's formulas (r = 0.5% a month, the table's) ---
# No published example with figures was found for these modes (searched 12/2026; see
# tests/rules/test_published_examples.py's docstring), so these stay computed by hand.


def test_advance_one_year_worked_example():
    # 330,000 x sum_{i=1..12} 1.005^-(i-1) = 330,000 x 11.67702672 = 3,853,418.82 -> 3,853,419
    q = vsi_method_quote(T, 1_500_000, ["poor"], AUG25, method="advance", months=12)
    assert (q.mode, q.months) == ("advance", 12)
    assert q.plain_total == 3_960_000  # 12 x 330,000 without the discount
    assert q.gross_total == 3_853_419
    assert q.adjustment == -106_581
    assert q.support_total == 12 * 165_000  # poor, 50% of 22% x 1,500,000
    assert q.net_total == 3_853_419 - 1_980_000
    assert q.deadline == Month(2025, 8)  # lump sums are paid at registration


def test_missing_years_worked_example():
    # 330,000 x sum_{i=1..12} 1.005^i = 330,000 x 12.39724 = 4,091,089.26 -> 4,091,089
    q = vsi_method_quote(T, 1_500_000, ["other"], AUG25, method="missing", years=1)
    assert q.gross_total == 4_091_089 and q.plain_total == 3_960_000
    assert q.adjustment == 131_089


def test_payback_worked_example_when_the_table_allows_it():
    # 3 missed months at 2,000,000: 440,000 x (1.005 + 1.005^2 + 1.005^3)
    # = 440,000 x 3.030100125 = 1,333,244.06 -> 1,333,244; support 3 x 66,000 (others, 20%)
    q = vsi_method_quote(payback_on(), 2_000_000, ["other"], AUG25, method="payback", months=3)
    assert (q.plain_total, q.gross_total, q.adjustment) == (1_320_000, 1_333_244, 13_244)
    assert q.support_total == 198_000 and q.net_total == 1_135_244
    assert "vsi.missed_months_payback" in q.parameters
    assert "vsi.fund_monthly_return" in q.parameters


def test_payback_refused_by_default_and_said_clearly():
    with pytest.raises(PaybackNotAllowed) as err:
        vsi_method_quote(T, 2_000_000, ["other"], AUG25, method="payback", months=3)
    message = str(err.value)
    assert "vsi.missed_months_payback" in message and "01/08/2025" in message
    assert "UNCONFIRMED" in message


def test_deadline_per_mode_from_the_table():
    due = {
        m: vsi_method_quote(T, 1_500_000, [], AUG25, method=m).deadline
        for m in ("1", "3", "6", "12")
    }
    # monthly: the month; 3-monthly: within the 3 months; 6: the first 4; 12: the first 7
    assert due == {"1": Month(2025, 8), "3": Month(2025, 10), "6": Month(2025, 11),
                   "12": Month(2026, 2)}  # fmt: skip
    q = vsi_method_quote(T, 1_500_000, [], AUG25, method="6")
    assert "vsi.deadline_months.6" in q.parameters


def test_bad_modes_and_months_name_the_problem():
    with pytest.raises(ValueError, match="unknown payment mode"):
        vsi_method_quote(T, 1_500_000, [], AUG25, method="2")
    with pytest.raises(ValueError, match="multiple of 3"):
        vsi_method_quote(T, 1_500_000, [], AUG25, method="3", months=4)
    with pytest.raises(ValueError, match="whole years"):
        vsi_method_quote(T, 1_500_000, [], AUG25, method="advance", months=18)
    with pytest.raises(ValueError, match="years must be a whole number from 1 to 5"):
        vsi_method_quote(T, 1_500_000, [], AUG25, method="advance", months=72)
    with pytest.raises(ValueError, match="months to pay back"):
        vsi_method_quote(payback_on(), 1_500_000, [], AUG25, method="payback", months=0)


# --- the 120-month lifetime cap on supported months ---------------------------------------


def test_quote_near_the_cap_says_what_remains():
    q = vsi_quote(T, 1_500_000, ["poor"], AUG25, months=6, support_months_used=118)
    assert q.supported_months == 2 and q.support_total == 2 * 165_000
    assert q.support_months_cap == 120 and q.support_months_left == 0
    q = vsi_quote(T, 1_500_000, ["poor"], AUG25, months=1, support_months_used=100)
    assert q.supported_months == 1 and q.support_months_left == 19
    q = vsi_quote(T, 1_500_000, ["poor"], AUG25, months=12, support_months_used=130)
    assert q.supported_months == 0 and q.net_total == q.gross_total and q.support_months_left == 0
    with pytest.raises(ValueError, match="support months used"):
        vsi_quote(T, 1_500_000, ["poor"], AUG25, support_months_used=-1)


def test_a_quote_reports_the_rows_it_read():
    with reading() as used:
        q = vsi_quote(T, 1_500_000, ["poor"], AUG25, months=3)
    assert {"vsi.rate", "poverty.rural", "vsi.support.poor", "vsi.support.max_months"} <= set(
        q.parameters
    )
    assert set(q.parameters) == {row.key for row in used.values()}  # handed to the outer block


# --- properties --------------------------------------------------------------------------

incomes = st.integers(1_500, 46_800).map(lambda k: k * 1_000)  # whole thousands, as declared
groups = st.sampled_from(["poor", "near_poor", "ethnic_minority", "island", "other"])


@settings(max_examples=60, deadline=None)
@given(incomes, st.integers(1, 5), groups, st.integers(0, 130))
def test_paying_n_months_ahead_never_costs_more_than_n_single_months(income, years, g, used):
    n = 12 * years
    ahead = vsi_method_quote(
        T, income, [g], AUG25, method="advance", years=years, support_months_used=used
    )
    # the same n months paid one by one, each using up the support cap in turn
    singles = [vsi_quote(T, income, [g], AUG25, 1, None, used + i) for i in range(n)]
    assert ahead.gross_total <= sum(s.gross_total for s in singles)
    assert ahead.net_total <= sum(s.net_total for s in singles)
    assert ahead.net_total <= vsi_quote(T, income, [g], AUG25, n, None, used).net_total


@settings(max_examples=60, deadline=None)
@given(incomes, st.sampled_from(["3", "6", "12"]), st.integers(1, 4), groups)
def test_periodic_modes_cost_exactly_their_single_months(income, mode, k, g):
    months = int(mode) * k
    q = vsi_method_quote(T, income, [g], AUG25, method=mode, months=months)
    single = vsi_quote(T, income, [g], AUG25, months=1)
    assert q.gross_total == months * single.gross_monthly and q.adjustment == 0


@settings(max_examples=60, deadline=None)
@given(incomes, st.integers(1, 60), st.decimals("0", "0.02", places=4))
def test_payback_interest_is_never_negative(income, months, r):
    table = ParameterTable(
        replace(p, value=r) if p.key == "vsi.fund_monthly_return" else p for p in payback_on().rows
    )
    q = vsi_method_quote(table, income, [], AUG25, method="payback", months=months)
    assert q.gross_total >= q.plain_total and q.net_total + q.support_total == q.gross_total
    if r == 0:
        assert q.adjustment == 0


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(MODES[:4]), groups, st.integers(0, 200), st.integers(1, 5))
def test_supported_months_and_what_is_left_add_up_to_the_cap(mode, g, used, k):
    q = vsi_method_quote(
        T, 1_500_000, [g], AUG25, method=mode, months=int(mode) * k, support_months_used=used
    )
    assert q.supported_months <= q.months
    assert q.supported_months + q.support_months_left == max(0, 120 - used)


def test_fund_return_is_a_parameter_with_its_source():
    row = T.row("vsi.fund_monthly_return", AUG25)
    assert row.value == Decimal("0.005") and row.unconfirmed and "Decree 159/2025" in row.source


# --- who may pay the missing years in one lump sum ---------------------------------------


def _years_paid(n):
    from ansinh.rules.pension import constant_history

    return constant_history(Month(2000, 1), 12 * n, 2_000_000, "voluntary")


def test_missing_years_only_at_retirement_age_and_a_few_years_short():
    from ansinh.rules.errors import InputError
    from ansinh.rules.pension import missing_years

    on = Month(2026, 1)
    # a woman born 01/1960 reached her retirement age (55 y 8 m) in 09/2015
    assert missing_years(T, "F", Month(1960, 1), _years_paid(12), on) == 3
    assert missing_years(T, "F", Month(1960, 1), _years_paid(10), on) == 5
    partial = _years_paid(12)[:-5]  # 139 months: 41 short, 4 years (a year begun counts)
    assert missing_years(T, "F", Month(1960, 1), partial, on) == 4
    for born, years, code in (
        (Month(1980, 1), 12, "missing_not_at_age"),  # 46 years old
        (Month(1960, 1), 8, "missing_too_many"),  # 7 years short, at most 5
        (Month(1960, 1), 15, "missing_none"),  # 15 years: a pension already
    ):
        with pytest.raises(InputError) as err:
            missing_years(T, "F", born, _years_paid(years), on)
        assert (err.value.field, err.value.code) == ("method", code)
