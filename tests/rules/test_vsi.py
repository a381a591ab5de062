from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansinh.rules import (
    PAYMENT_METHODS,
    SUPPORT_GROUPS,
    IncomeOutOfRange,
    Month,
    advance_lump_sum,
    default_table,
    income_bounds,
    missing_years_lump_sum,
    payment_deadline,
    support_rate,
    vsi_quote,
)

T = default_table()
AUG25 = date(2025, 8, 1)


def test_worked_example_poor_2025():
    q = vsi_quote(T, 1_500_000, ["poor"], AUG25)
    assert q.rate == Decimal("0.22")
    assert q.gross_monthly == 330_000
    assert q.support_monthly == 165_000
    assert q.net_monthly == 165_000
    assert (q.national_percent, q.local_percent) == (50, 0)


@pytest.mark.parametrize(
    "group,support",
    [
        ("poor", 165_000),
        ("island", 165_000),
        ("near_poor", 132_000),
        ("near-poor", 132_000),
        ("ethnic_minority", 99_000),
        ("other", 66_000),
    ],
)
def test_support_from_2025_07(group, support):
    q = vsi_quote(T, 1_500_000, [group], AUG25)
    assert q.support_monthly == support
    assert q.net_monthly == 330_000 - support


@pytest.mark.parametrize(
    "group,support",
    [("poor", 99_000), ("near_poor", 82_500), ("ethnic_minority", 33_000), ("other", 33_000)],
)
def test_support_before_2025_07(group, support):
    q = vsi_quote(T, 1_500_000, [group], date(2024, 8, 1))
    assert q.support_monthly == support


def test_switch_day():
    assert vsi_quote(T, 1_500_000, ["poor"], date(2025, 6, 30)).support_monthly == 99_000
    assert vsi_quote(T, 1_500_000, ["poor"], date(2025, 7, 1)).support_monthly == 165_000


def test_no_support_before_2018():
    q = vsi_quote(T, 1_000_000, ["poor"], date(2017, 12, 1), months=12)
    assert q.support_monthly == 0 and q.support_total == 0 and q.supported_months == 0
    assert q.gross_monthly == 220_000  # 22% of 1,000,000 (floor then: 700,000)
    assert vsi_quote(T, 1_000_000, ["poor"], date(2018, 1, 1)).support_monthly == 46_200


def test_highest_group_wins_and_other_always_applies():
    assert support_rate(T, ["ethnic_minority", "poor"], AUG25) == (50, 0)
    assert support_rate(T, [], AUG25) == (20, 0)
    assert support_rate(T, None, AUG25) == (20, 0)
    assert support_rate(T, ["near-poor", "ethnic-minority"], AUG25) == (40, 0)
    with pytest.raises(ValueError, match="unknown support group"):
        support_rate(T, ["rich"], AUG25)


def test_hanoi_top_up_2025():
    assert support_rate(T, ["poor"], AUG25, province="01") == (50, 50)
    assert support_rate(T, ["near_poor"], AUG25, province="01") == (40, 60)
    assert support_rate(T, ["other"], AUG25, province="01") == (20, 10)
    assert support_rate(T, ["poor"], AUG25, province="79") == (50, 0)
    q = vsi_quote(T, 1_500_000, ["poor"], AUG25, months=12, province="01")
    assert q.national_support_monthly == 165_000
    assert q.local_support_monthly == 165_000
    assert q.support_monthly == 330_000
    assert q.net_monthly == 0
    assert q.support_total == 12 * 330_000
    # the top-up is on the poverty-line base, not the income
    q = vsi_quote(T, 5_000_000, ["other"], AUG25, province="01")
    assert q.support_monthly == 66_000 + 33_000
    assert q.net_monthly == 1_100_000 - 99_000


def test_period_totals_and_lifetime_cap():
    q = vsi_quote(T, 1_500_000, ["poor"], AUG25, months=12)
    assert q.gross_total == 3_960_000
    assert q.support_total == 1_980_000
    assert q.net_total == 1_980_000
    q = vsi_quote(T, 1_500_000, ["poor"], AUG25, months=12, support_months_used=115)
    assert q.supported_months == 5
    assert q.support_total == 5 * 165_000
    assert q.net_total == 3_960_000 - 825_000
    q = vsi_quote(T, 1_500_000, ["poor"], AUG25, months=3, support_months_used=120)
    assert q.supported_months == 0 and q.support_total == 0 and q.support_monthly == 0
    assert q.net_monthly == 330_000


def test_income_bounds():
    assert income_bounds(T, AUG25) == (1_500_000, 46_800_000)
    assert income_bounds(T, date(2026, 7, 1)) == (1_500_000, 50_600_000)
    assert income_bounds(T, date(2027, 1, 1)) == (2_200_000, 50_600_000)


def test_income_out_of_range_message():
    with pytest.raises(IncomeOutOfRange) as exc:
        vsi_quote(T, 1_000_000, ["poor"], AUG25)
    e = exc.value
    assert str(e).startswith(
        "Monthly income 1,000,000 is below the minimum 1,500,000 (rural poverty line) on 2025-08-01"
    )
    assert "46,800,000" in str(e)
    assert (e.minimum, e.maximum, e.income) == (1_500_000, 46_800_000, 1_000_000)
    with pytest.raises(IncomeOutOfRange, match="above the maximum 46,800,000"):
        vsi_quote(T, 46_800_001, ["other"], AUG25)
    assert vsi_quote(T, 46_800_000, ["other"], AUG25).gross_monthly == 10_296_000
    with pytest.raises(ValueError):
        vsi_quote(T, 1_500_000, ["other"], AUG25, months=0)


def test_payment_deadlines():
    start = Month(2025, 8)
    assert payment_deadline(1, start) == Month(2025, 8)
    assert payment_deadline(3, start) == Month(2025, 10)
    assert payment_deadline(6, start) == Month(2025, 11)
    assert payment_deadline(12, start) == Month(2026, 2)
    assert payment_deadline("advance", start) == start
    with pytest.raises(ValueError, match="1, 3, 6 or 12"):
        payment_deadline(2, start)
    assert PAYMENT_METHODS["advance"] == 5 and PAYMENT_METHODS["missing"] == 5
    assert set(SUPPORT_GROUPS) == {"poor", "near_poor", "ethnic_minority", "island", "other"}


def test_lump_sums():
    monthly = Fraction(330_000)
    r = Fraction(1, 200)
    expected = sum(monthly / (1 + r) ** (i - 1) for i in range(1, 13))
    assert advance_lump_sum(T, 1_500_000, 1, AUG25) == int(expected + Fraction(1, 2))
    assert advance_lump_sum(T, 1_500_000, 1, AUG25, r=Decimal(0)) == 12 * 330_000
    expected = sum(monthly * (1 + r) ** i for i in range(1, 13))
    assert missing_years_lump_sum(T, 1_500_000, 1, AUG25) == int(expected + Fraction(1, 2))
    assert missing_years_lump_sum(T, 1_500_000, 2, AUG25, r=Decimal(0)) == 24 * 330_000
    with pytest.raises(ValueError, match="1 to 5"):
        advance_lump_sum(T, 1_500_000, 6, AUG25)
    with pytest.raises(IncomeOutOfRange):
        missing_years_lump_sum(T, 100, 1, AUG25)


groups = st.lists(st.sampled_from(SUPPORT_GROUPS), max_size=3)
dates = st.dates(date(2018, 1, 1), date(2026, 6, 30))
provinces = st.sampled_from([None, "01", "79"])


@settings(max_examples=200)
@given(st.data(), groups, dates, st.integers(1, 60), provinces, st.integers(0, 130))
def test_quote_identities(data, grp, on, months, province, used):
    income = data.draw(st.integers(*income_bounds(T, on)))
    q = vsi_quote(T, income, grp, on, months, province, used)
    assert q.net_monthly + q.support_monthly == q.gross_monthly
    assert q.net_total + q.support_total == q.gross_total
    assert q.national_support_monthly + q.local_support_monthly == q.support_monthly
    assert 0 <= q.support_monthly <= q.gross_monthly
    assert 0 <= q.support_total <= q.gross_total
    assert q.supported_months == min(months, max(0, 120 - used))
    assert q.net_monthly >= 0


@settings(max_examples=200)
@given(st.data(), groups, dates, provinces)
def test_support_independent_of_income_and_quote_monotone(data, grp, on, province):
    a = data.draw(st.integers(*income_bounds(T, on)))
    b = data.draw(st.integers(*income_bounds(T, on)))
    qa = vsi_quote(T, a, grp, on, 1, province)
    qb = vsi_quote(T, b, grp, on, 1, province)
    assert qa.support_monthly == qb.support_monthly
    if a <= b:
        assert qa.gross_monthly <= qb.gross_monthly and qa.net_monthly <= qb.net_monthly


@settings(max_examples=50)
@given(st.integers(1_500_000, 46_800_000), st.integers(1, 5), st.decimals("0", "0.02", places=4))
def test_lump_sum_discount_properties(income, years, r):
    undiscounted = int(Fraction(22, 100) * income * 12 * years + Fraction(1, 2))
    assert advance_lump_sum(T, income, years, AUG25, r=r) <= undiscounted
    assert missing_years_lump_sum(T, income, years, AUG25, r=r) >= undiscounted


# --- quotes by payment method (lump sums priced with their own formulas) ---------------

from dataclasses import replace  # noqa: E402

from ansinh.rules.vsi import vsi_method_quote  # noqa: E402


def test_method_quote_periodic_is_the_plain_quote():
    plain = vsi_quote(T, 2_000_000, ["poor"], date(2025, 8, 1), months=6)
    six = vsi_method_quote(T, 2_000_000, ["poor"], date(2025, 8, 1), method="6")
    assert replace(six, mode="1", deadline=plain.deadline, parameters=plain.parameters) == plain
    assert "vsi.deadline_months.6" in six.parameters and "vsi.rate" in plain.parameters
    assert six.mode == "6" and six.deadline == Month(2025, 11)  # within the first 4 months


def test_advance_lump_sum_two_years_worked_example():
    # 24 months at 440,000 (22% of 2,000,000) discounted at r = 0.5%/month:
    # 440,000 x (1 - 1.005^-24) / (1 - 1.005^-1) = 9,977,299; support 24 x 66,000 (others, 20%).
    q = vsi_method_quote(T, 2_000_000, ["other"], date(2025, 8, 1), method="advance", years=2)
    assert q.months == 24
    assert q.gross_total == 9_977_299 == advance_lump_sum(T, 2_000_000, 2, date(2025, 8, 1))
    assert q.support_total == 24 * 66_000
    assert q.net_total == q.gross_total - q.support_total


@settings(max_examples=100, deadline=None)
@given(
    income=st.integers(1_500_000, 46_800_000),
    years=st.integers(1, 5),
    group=st.sampled_from(["poor", "near_poor", "ethnic_minority", "island", "other"]),
)
def test_lump_sums_bracket_the_periodic_total(income, years, group):
    on = date(2025, 8, 1)
    periodic = vsi_quote(T, income, [group], on, months=12 * years)
    advance = vsi_method_quote(T, income, [group], on, method="advance", years=years)
    missing = vsi_method_quote(T, income, [group], on, method="missing", years=years)
    assert advance.gross_total <= periodic.gross_total <= missing.gross_total
    for q in (advance, missing):
        assert q.net_total + q.support_total == q.gross_total
        assert q.support_total == periodic.support_total


def test_lump_sum_deadline_is_the_first_month_with_the_enrolment_spelling():
    from ansinh.rules.months import Month
    from ansinh.rules.vsi import payment_deadline

    for method in ("advance", "missing"):
        assert payment_deadline(method, Month(2026, 3), T) == Month(2026, 3)


def test_support_began_in_2018_and_with_the_first_supporting_row():
    from ansinh.rules.months import Month
    from ansinh.rules.parameters import Param, ParameterTable, default_table
    from ansinh.rules.vsi import support_since

    assert support_since(default_table()) == Month(2018, 1)
    none = ParameterTable([Param("vsi.support.poor", 0, date(2008, 1, 1), None, "x")])
    assert support_since(none) is None
    local = ParameterTable(
        [
            Param("vsi.support.poor", 0, date(2008, 1, 1), None, "x"),
            Param("vsi.local_support.poor", 10, date(2016, 3, 1), None, "x", province="01"),
        ]
    )
    assert support_since(local) == Month(2016, 3)
