"""Retirement age (Labour Code 45/2019 art. 169; Decree 135/2020/ND-CP art. 4 and appendix).

Men: 60 years 3 months in 2021, +3 months a year, 62 from 2028.  Women:
55 years 4 months in 2021, +4 months a year, 60 from 2035.  Before 2021: men
60, women 55.  The schedule figures are rows ``retirement.*`` of the
parameters table.

Algorithm (reproduces the decree's appendix by birth month): for a schedule
year Y the age is A(Y); the person retires in the first year Y in which
``born + A(Y)`` falls in or before Y.  ``reached`` is that month
(``born + A``) and the pension starts the month after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .months import Month
from .parameters import ParameterTable

__all__ = ["Retirement", "retirement", "retirement_age_for_year", "normalise_sex"]


@dataclass(frozen=True)
class Retirement:
    age_years: int
    age_months: int
    reached: Month  # the month the retirement age is reached
    pension_start: Month  # reached + 1

    @property
    def age_total_months(self) -> int:
        return self.age_years * 12 + self.age_months


def normalise_sex(sex: str) -> str:
    """ "M"/"F" (also accepts male/female, nam/nu); ValueError otherwise."""
    s = str(sex).strip().upper()
    aliases = {"M": "M", "MALE": "M", "NAM": "M", "F": "F", "FEMALE": "F", "NU": "F", "NỮ": "F"}
    if s not in aliases:
        raise ValueError(f"sex must be M or F, got {sex!r}")
    return aliases[s]


def _table(table: ParameterTable | None) -> ParameterTable:
    if table is None:
        from .parameters import default_table

        return default_table()
    return table


def _age_months_for_year(sex: str, year: int, table: ParameterTable) -> int:
    sex = normalise_sex(sex)
    start_year = int(table.value("retirement.start_year", date(2021, 1, 1)))
    on = date(max(year, start_year), 1, 1)
    if year < start_year:
        return int(table.value(f"retirement.before_age_months.{sex}", on))
    start = int(table.value(f"retirement.start_age_months.{sex}", on))
    step = int(table.value(f"retirement.step_months.{sex}", on))
    cap = int(table.value(f"retirement.max_age_months.{sex}", on))
    return min(cap, start + step * (year - start_year))


def retirement_age_for_year(
    sex: str, year: int, table: ParameterTable | None = None
) -> tuple[int, int]:
    """(years, months) of the normal retirement age in calendar ``year``."""
    return divmod(_age_months_for_year(sex, year, _table(table)), 12)


def retirement(sex: str, born: Month, table: ParameterTable | None = None) -> Retirement:
    """Retirement age and months for a person of ``sex`` born in month ``born``."""
    t = _table(table)
    born = Month.parse(born) if isinstance(born, str) else born
    year = born.year + 40
    while True:
        age = _age_months_for_year(sex, year, t)
        reached = born + age
        if reached.year <= year:
            y, m = divmod(age, 12)
            return Retirement(y, m, reached, reached + 1)
        year += 1
