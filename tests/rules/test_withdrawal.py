"""The one-time withdrawal (BHXH mot lan, Law 41/2024 art. 102) worked out line by line
(issue 11 item 5)."""

from dataclasses import replace
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from ansinh.rules.months import Month
from ansinh.rules.parameters import ParameterTable, default_table
from ansinh.rules.pension import (
    assess,
    constant_history,
    one_time_withdrawal,
)

T = default_table()


def test_worked_example_with_leftover_months_before_and_from_2014():
    # 2 years 4 months before 2014 (09/2011-12/2013) and 3 years 3 months from 2014
    # (01/2014-03/2017), all at 3,000,000. The 4 leftover months before 2014 move to the
    # period from 2014: 2 years at 1.5 and 3 years 7 months = 4 years at 2 (Decree 115/2015
    # art. 19). Average adjusted income: 3,000,000 x (4 x 1.66 + 12 x 1.52 + 12 x 1.44 +
    # 12 x 1.38 + 12 x 1.37 + 12 x 1.35 + 3 x 1.30) / 67 = 3,000,000 x 95.26 / 67
    # = 4,265,373.13; lump sum = (1.5 x 2 + 2 x 4) x 4,265,373.13 = 46,919,104.48.
    h = constant_history(Month(2011, 9), 67, 3_000_000, "compulsory")
    w = one_time_withdrawal(T, h, Month(2026, 1))
    assert (w.months_before, w.months_from) == (28, 39)
    assert (w.years_before, w.years_from) == (2, 4)
    assert (w.multiplier_before, w.multiplier_from) == (Fraction(3, 2), 2)
    assert w.average_income == 4_265_373
    assert w.gross == w.amount == 46_919_104
    assert not w.under_one_year
    assert assess(T, "F", Month(1980, 5), h, Month(2026, 1)).one_time_withdrawal == w.amount
    assert {"withdrawal.multiplier.before_2014", "withdrawal.leftover_rounding"} <= set(
        w.parameters
    )
    assert "pension.adjustment.2011" in w.parameters


def test_state_support_received_is_deducted_except_for_severe_illness():
    h = constant_history(Month(2020, 1), 36, 2_000_000, support=66_000)
    w = one_time_withdrawal(T, h, Month(2026, 1))
    assert w.support_received == 36 * 66_000 == w.support_deducted
    assert w.amount == w.gross - 36 * 66_000
    ill = one_time_withdrawal(T, h, Month(2026, 1), deduct_support=False)
    assert ill.amount == ill.gross == w.gross and ill.support_deducted == 0


def test_under_one_year_what_was_paid_at_most_two_months_of_average():
    # 6 voluntary months at 2,000,000 in 2025: paid 6 x 440,000 = 2,640,000 < 2 x 2,000,000
    w = one_time_withdrawal(T, constant_history(Month(2025, 1), 6, 2_000_000), Month(2026, 1))
    assert w.under_one_year and (w.paid, w.cap, w.amount) == (2_640_000, 4_000_000, 2_640_000)
    # 10 compulsory months at 5,000,000: paid 22% x 50,000,000 = 11,000,000 > cap 10,000,000
    h = constant_history(Month(2025, 1), 10, 5_000_000, "compulsory")
    w = one_time_withdrawal(T, h, Month(2026, 1))
    assert (w.paid, w.cap, w.amount) == (11_000_000, 10_000_000, 10_000_000)


def test_pro_rata_when_the_rounding_switch_is_off():
    table = ParameterTable(
        replace(p, value=False) if p.key == "withdrawal.leftover_rounding" else p for p in T.rows
    )
    h = constant_history(Month(2025, 1), 19, 3_000_000)
    assert one_time_withdrawal(table, h, Month(2026, 8)).amount == 9_500_000  # 2 x 3M x 19/12
    assert one_time_withdrawal(T, h, Month(2026, 8)).amount == 12_000_000  # 1y7m = 2 years


def test_months_from_the_withdrawal_month_on_do_not_count():
    h = constant_history(Month(2025, 1), 24, 3_000_000)
    assert one_time_withdrawal(T, h, Month(2026, 1)).counted_months == 12
    assert one_time_withdrawal(T, [], Month(2026, 1)).amount == 0


@settings(max_examples=80, deadline=None)
@given(
    st.integers(2008, 2024),
    st.integers(1, 240),
    st.integers(0, 20_000_000),
    st.integers(0, 400_000),
    st.sampled_from(["compulsory", "voluntary"]),
)
def test_withdrawal_never_negative_and_support_only_lowers_it(year, months, income, support, kind):
    on = Month(2026, 1)
    start = Month(year, 1)
    months = min(months, on - start)
    h = constant_history(start, months, income, kind, support)
    w = one_time_withdrawal(T, h, on)
    assert 0 <= w.amount <= w.gross
    assert w.support_deducted == min(w.support_received, w.gross)
    assert w.amount == max(0, w.gross - w.support_received)
    without = one_time_withdrawal(T, constant_history(start, months, income, kind), on)
    assert without.gross == w.gross and without.amount >= w.amount
    if months >= 12:  # a year or more: at least 1.5 x average income per whole year
        # average_income is the published (rounded) figure; the amount is computed
        # from the exact average, up to half a dong lower, so compare with one dong less.
        years = w.years_before + w.years_from
        assert w.gross >= years * max(0, w.average_income - 1) * 3 // 2 - 1
