from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansinh.rules import (
    Month,
    card_validity_start,
    default_table,
    funeral_grant,
    hi_quote,
    maternity_grant,
    retirement,
    retirement_age_for_year,
    social_pension,
)

T = default_table()
AUG25 = date(2025, 8, 1)


def test_hi_worked_example():
    q = hi_quote(T, 5, AUG25, 12)
    assert q.base_salary == 2_340_000
    assert [s.monthly for s in q.per_member] == [105_300, 73_710, 63_180, 52_650, 42_120]
    assert [s.percent for s in q.per_member] == [100, 70, 60, 50, 40]
    assert [s.position for s in q.per_member] == [1, 2, 3, 4, 5]
    assert q.per_member[0].amount == 1_263_600
    assert q.monthly_total == 336_960
    assert q.total == 4_043_520 == sum(s.amount for s in q.per_member)
    q7 = hi_quote(T, 7, AUG25, 3)
    assert [s.monthly for s in q7.per_member][4:] == [42_120, 42_120, 42_120]
    assert q7.per_member[0].amount == 315_900


def test_hi_older_base_salary():
    assert hi_quote(T, 1, date(2024, 1, 15), 12).per_member[0].monthly == 81_000  # 4.5% x 1.8M


@pytest.mark.parametrize("months", [1, 2, 4, 24])
def test_hi_period_must_be_allowed(months):
    with pytest.raises(ValueError, match="3, 6, 12"):
        hi_quote(T, 1, AUG25, months)


def test_hi_members_at_least_one():
    with pytest.raises(ValueError, match="members"):
        hi_quote(T, 0, AUG25, 12)


@settings(max_examples=200)
@given(
    st.integers(1, 15), st.sampled_from([3, 6, 12]), st.dates(date(2019, 1, 1), date(2030, 1, 1))
)
def test_hi_ladder_properties(n, months, on):
    a = hi_quote(T, n, on, months)
    b = hi_quote(T, n + 1, on, months)
    assert b.total > a.total and b.monthly_total > a.monthly_total
    first = a.per_member[0]
    assert all(s.monthly <= first.monthly and s.amount <= first.amount for s in b.per_member)
    assert [s.percent for s in b.per_member] == sorted(
        (s.percent for s in b.per_member), reverse=True
    )


def test_card_validity():
    pay = date(2025, 8, 10)
    assert card_validity_start(pay, None) == date(2025, 9, 9)  # first enrolment: +30 days
    assert card_validity_start(pay, date(2025, 7, 31)) == pay  # renewed without a gap
    assert card_validity_start(pay, date(2025, 5, 10)) == pay  # gap of exactly 3 months
    assert card_validity_start(pay, date(2025, 5, 9)) == date(2025, 9, 9)  # gap > 3 months
    assert card_validity_start(pay, date(2025, 12, 31)) == date(2026, 1, 1)  # paid early


RET_CASES = [
    ("M", "1961-01", 60, 3, "2021-04"),
    ("M", "1961-10", 60, 6, "2022-04"),
    ("M", "1964-10", 61, 6, "2026-04"),
    ("M", "1966-04", 62, 0, "2028-04"),
    ("M", "1959-05", 60, 0, "2019-05"),
    ("F", "1966-01", 55, 4, "2021-05"),
    ("F", "1966-09", 55, 8, "2022-05"),
    ("F", "1969-05", 57, 0, "2026-05"),
    ("F", "1970-01", 57, 4, "2027-05"),
    # Decree 135/2020 appendix II: 59y8m for births 05/1974 - 04/1975, 60y "from 05/1975".
    # The brief lists "F 1975-01 -> 60y -> 2035-01"; the brief's own algorithm (and, as
    # far as we know, the decree's table) gives 59y8m reached 2034-09 for January 1975.
    ("F", "1975-01", 59, 8, "2034-09"),
    ("F", "1975-05", 60, 0, "2035-05"),
    ("F", "1980-01", 60, 0, "2040-01"),
]


@pytest.mark.parametrize("sex,born,y,m,reached", RET_CASES)
def test_retirement_decree_table(sex, born, y, m, reached):
    r = retirement(sex, Month.parse(born))
    assert (r.age_years, r.age_months) == (y, m)
    assert str(r.reached) == reached
    assert r.pension_start == r.reached + 1


def test_retirement_age_for_year():
    assert retirement_age_for_year("M", 2020) == (60, 0)
    assert retirement_age_for_year("M", 2021) == (60, 3)
    assert retirement_age_for_year("M", 2026) == (61, 6)
    assert retirement_age_for_year("M", 2028) == (62, 0)
    assert retirement_age_for_year("M", 2040) == (62, 0)
    assert retirement_age_for_year("F", 2021) == (55, 4)
    assert retirement_age_for_year("F", 2026) == (57, 0)
    assert retirement_age_for_year("F", 2035) == (60, 0)
    with pytest.raises(ValueError):
        retirement_age_for_year("X", 2026)


born_months = st.builds(Month, st.integers(1940, 2000), st.integers(1, 12))


@settings(max_examples=200)
@given(st.sampled_from(["M", "F"]), born_months, st.integers(1, 36))
def test_retirement_monotone_and_capped(sex, born, later):
    a, b = retirement(sex, born), retirement(sex, born + later)
    assert b.reached >= a.reached
    assert b.age_total_months >= a.age_total_months
    cap = 62 * 12 if sex == "M" else 60 * 12
    assert a.age_total_months <= cap
    assert a.reached - born == a.age_total_months
    # the age used is the schedule age of the year the person retires in
    assert divmod(a.age_total_months, 12) == retirement_age_for_year(sex, a.reached.year)


def test_maternity_funeral_social_pension():
    birth = date(2025, 9, 15)
    six = [Month(2025, 8) - i for i in range(6)]
    assert maternity_grant(T, six, birth) == 2_000_000
    assert maternity_grant(T, six, birth, children=2) == 4_000_000
    assert maternity_grant(T, six[:5], birth) == 0
    assert funeral_grant(T, 60, AUG25) == 23_400_000
    assert funeral_grant(T, 59, AUG25) == 0
    assert social_pension(T, date(1950, 8, 1), AUG25) == 500_000
    assert social_pension(T, date(1950, 8, 2), AUG25) == 0
    assert social_pension(T, date(1955, 1, 1), AUG25) == 0
    assert social_pension(T, date(1955, 1, 1), AUG25, poor_or_near_poor=True) == 500_000
    assert social_pension(T, date(1940, 1, 1), AUG25, has_pension=True) == 0
