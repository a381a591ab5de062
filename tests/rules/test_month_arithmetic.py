"""Month arithmetic on dates has one implementation (rules.months); the web helpers
and the HI card rule use it."""

from datetime import date

import pytest

from ansinh.common import text
from ansinh.rules import hi, months


def test_one_implementation_of_month_arithmetic():
    assert text.add_months is months.add_months
    assert text.shift_date is months.shift_date
    assert text.months_between is months.months_between
    assert not hasattr(hi, "_add_months")


@pytest.mark.parametrize(
    "d, n, first, same_day",
    [
        (date(2026, 1, 31), 1, date(2026, 2, 1), date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 1), date(2024, 2, 29)),
        (date(2026, 12, 15), 1, date(2027, 1, 1), date(2027, 1, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 5, 10), -17, date(2024, 12, 1), date(2024, 12, 10)),
        (date(2026, 5, 10), 0, date(2026, 5, 1), date(2026, 5, 10)),
    ],
)
def test_month_arithmetic_on_dates(d, n, first, same_day):
    assert months.add_months(d, n) == first
    assert months.shift_date(d, n) == same_day
    assert months.months_between(d, same_day) == n


def test_out_of_range_is_a_value_error():
    with pytest.raises(ValueError):
        months.add_months(date(1, 1, 1), -1)
    with pytest.raises(ValueError):
        months.shift_date(date(9999, 12, 1), 1)
