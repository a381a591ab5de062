from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansinh.rules import (
    ContributionMonth,
    Month,
    assess,
    average_income,
    constant_history,
    default_table,
    pension_rate_percent,
    project_continuation,
)
from ansinh.rules.pension import years_for_rate

T = default_table()
ON = Month(2026, 1)


@pytest.mark.parametrize(
    "sex,months,rate",
    [
        ("F", 179, "45"),  # 14y11m counts as 15 years for the rate
        ("F", 180, "45"),
        ("F", 181, "46"),  # 15y1m = 15.5 years
        ("F", 187, "47"),  # 15y7m = 16 years
        ("F", 240, "55"),
        ("F", 360, "75"),
        ("F", 480, "75"),
        ("M", 180, "40"),
        ("M", 186, "40.5"),
        ("M", 192, "41"),
        ("M", 228, "44"),
        ("M", 240, "45"),
        ("M", 246, "46"),
        ("M", 252, "47"),
        ("M", 420, "75"),
        ("M", 174, "0"),
        ("F", 100, "0"),
    ],
)
def test_pension_rate(sex, months, rate):
    assert pension_rate_percent(T, sex, months, ON) == Decimal(rate)


def test_years_for_rate_rounding():
    assert years_for_rate(180) == 15
    assert years_for_rate(181) == Decimal("15.5")
    assert years_for_rate(186) == Decimal("15.5")
    assert years_for_rate(187) == 16
    assert years_for_rate(191) == 16


@settings(max_examples=200)
@given(st.sampled_from(["M", "F"]), st.integers(0, 600), st.integers(1, 24))
def test_rate_bounded_and_monotone(sex, n, more):
    a = pension_rate_percent(T, sex, n, ON)
    b = pension_rate_percent(T, sex, n + more, ON)
    assert 0 <= a <= b <= 75


@settings(max_examples=100)
@given(st.integers(1_000_000, 50_000_000), st.integers(1, 300))
def test_average_of_constant_history_at_coefficient_one(income, n):
    h = constant_history(Month(2025, 1), n, income)  # 2025, 2026 coefficients are 1.00
    h = [c for c in h if c.month.year <= 2026]
    assert average_income(T, h, Month(2027, 1)) == income


def test_average_income_uses_coefficients():
    h = constant_history(Month(2015, 1), 12, 2_000_000) + constant_history(
        Month(2024, 1), 12, 3_000_000
    )
    # (2,000,000 x 1.37 + 3,000,000 x 1.03) / 2
    assert average_income(T, h, Month(2026, 1)) == 2_915_000
    # years before the first coefficient row use the 2008 value
    assert average_income(T, constant_history(Month(2001, 1), 12, 1_000_000), ON) == 2_290_000


def test_duplicate_months_rejected():
    h = constant_history(Month(2020, 1), 2, 2_000_000) + [ContributionMonth(Month(2020, 1), 1)]
    with pytest.raises(ValueError, match="twice"):
        assess(T, "F", Month(1970, 1), h, ON)


def vui_history():
    """Vu Thi Vui (field report, seeds/000): 6 years 5 months compulsory, then voluntary
    until 20 years in total by 2024-08, pension from 2024-09 of "over 2 million".
    The income history is ASSUMED (the report gives none): born 1968-04 (so that her
    retirement age, 56y4m, is reached in 2024-08), compulsory 2000-01..2006-05 at
    1,300,000 a month, voluntary 2011-02..2024-08 at 3,300,000 with the state support
    for "other" participants from 2018."""
    h = constant_history(Month(2000, 1), 77, 1_300_000, "compulsory")
    for m in (Month(2011, 2) + i for i in range(163)):
        support = 0 if m.year < 2018 else (15_400 if m.year < 2022 else 33_000)
        h.append(ContributionMonth(m, 3_300_000, "voluntary", support))
    return h


def test_vu_thi_vui():
    h = vui_history()
    a = assess(T, "F", Month(1968, 4), h, Month(2024, 9))
    assert a.counted_months == 240 and a.counted_years == 20
    assert str(a.retirement.reached) == "2024-08" and str(a.retirement.pension_start) == "2024-09"
    assert a.eligible
    assert a.rate_percent == Decimal("55")  # 45% at 15 years + 2% x 5
    assert 2_000_000 < a.monthly_pension < 2_600_000, a.monthly_pension
    assert a.retirement_allowance == 0
    # one month earlier she was not yet at 20 years nor at retirement age
    before = assess(T, "F", Month(1968, 4), h, Month(2024, 8))
    assert not before.eligible and before.counted_months == 239


def test_min_years_is_dated():
    """20 years under Law 58/2014 before 2025-07-01, 15 years from then (Law 41/2024)."""
    h = constant_history(Month(2008, 1), 16 * 12, 3_000_000)
    a_old = assess(T, "F", Month(1960, 1), h, Month(2025, 6))
    a_new = assess(T, "F", Month(1960, 1), h, Month(2025, 7))
    assert not a_old.eligible and a_old.months_short == 48
    assert a_new.eligible and a_new.months_short == 0


def test_cli_style_example_not_yet_retired():
    h = constant_history(Month(2026, 11) - 187, 187, 5_000_000)
    a = assess(T, "F", Month(1970, 1), h, Month(2026, 11))
    assert a.counted_years == 15 and a.counted_months == 187
    assert a.rate_percent == 47
    assert not a.eligible and not a.at_retirement_age and a.months_short == 0
    assert a.monthly_pension == round(a.average_income * Decimal("0.47"))


def test_retirement_allowance_above_30_years_for_women():
    h = constant_history(Month(1990, 1), 32 * 12, 5_000_000)
    a = assess(T, "F", Month(1966, 1), h, Month(2026, 1))
    assert a.rate_percent == 75
    # 2 years above 30 x 0.5 x average
    assert a.retirement_allowance == a.average_income  # 2 x 0.5


def test_one_time_withdrawal():
    # 2 years before 2014 and 3 years from 2014, at coefficient-free income: all after 2024
    h = constant_history(Month(2012, 1), 60, 2_000_000)
    a = assess(T, "M", Month(1980, 1), h, Month(2026, 1))
    from fractions import Fraction

    from ansinh.rules.pension import _average_exact

    avg = _average_exact(T, h, Month(2026, 1))
    assert a.one_time_withdrawal == int(avg * (Fraction(3, 2) * 2 + 2 * 3) + Fraction(1, 2))
    # state support is deducted
    hs = [ContributionMonth(c.month, c.income, support=10_000) for c in h]
    b = assess(T, "M", Month(1980, 1), hs, Month(2026, 1))
    assert b.one_time_withdrawal == a.one_time_withdrawal - 600_000
    # 1 year 7 months: the 7 leftover months count as a year (Decree 115/2015 art. 19)
    h7 = constant_history(Month(2025, 1), 19, 3_000_000)
    c = assess(T, "M", Month(1980, 1), h7, Month(2026, 8))
    assert c.one_time_withdrawal == 12_000_000  # 2 x 3,000,000 x 2 years


def test_one_time_withdrawal_under_one_year():
    h = constant_history(Month(2025, 1), 6, 2_000_000)
    a = assess(T, "F", Month(1980, 1), h, Month(2026, 1))
    assert a.one_time_withdrawal == 6 * 440_000  # what was paid (22%), below 2 x average
    h = [ContributionMonth(c.month, c.income, support=66_000) for c in h]
    assert assess(T, "F", Month(1980, 1), h, Month(2026, 1)).one_time_withdrawal == 6 * 374_000
    assert assess(T, "F", Month(1980, 1), [], Month(2026, 1)).one_time_withdrawal == 0


def test_projection_withdraw_or_continue():
    # a woman born 1975-03 who left her job after 6y5m of compulsory insurance
    h = constant_history(Month(2010, 1), 77, 5_000_000, "compulsory")
    p = project_continuation(T, "F", Month(1975, 3), h, 1_500_000, Month(2025, 8), ["poor"])
    r_start = Month(1975, 3) + (59 * 12 + 8)  # 59y8m in 2034
    assert p.pension_start == r_start + 1  # retirement age is the later condition here
    assert p.months_needed == p.pension_start - Month(2025, 8)
    assert p.assessment.eligible
    assert p.assessment.counted_months == 77 + p.months_needed
    assert p.monthly_net_cost == 165_000
    assert p.rate_percent == pension_rate_percent(T, "F", 77 + p.months_needed, p.pension_start)
    assert p.lump_sum_now > 0 and p.monthly_pension > 0
    assert p.lump_sum_now == p.now.one_time_withdrawal


def test_projection_continues_past_retirement_age():
    h = constant_history(Month(2015, 1), 60, 3_000_000, "compulsory")
    p = project_continuation(T, "M", Month(1962, 1), h, 2_000_000, Month(2025, 8))
    assert p.months_needed == 120  # 15 years - 5 years, past his retirement age (2024)
    assert p.pension_start == Month(2035, 8)
    assert p.rate_percent == 40
    assert p.total_net_cost == 120 * 440_000 - 120 * 66_000  # 120 supported months
    assert p.assessment.eligible


def test_projection_already_eligible():
    h = constant_history(Month(2005, 1), 20 * 12, 3_000_000)
    p = project_continuation(T, "F", Month(1960, 1), h, 2_000_000, Month(2025, 8))
    assert p.months_needed == 0 and p.total_net_cost == 0
    assert p.pension_start == Month(2025, 8)
