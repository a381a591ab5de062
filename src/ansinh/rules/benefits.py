"""Other benefits: maternity grant, funeral grant, social pension.

* Maternity (Law 41/2024 arts. 94-95): ``benefit.maternity.amount`` (2,000,000)
  per child born, with at least ``benefit.maternity.min_months`` (6) months of
  voluntary contributions in the ``benefit.maternity.window_months`` (12)
  months before the birth month.
* Funeral grant: ``benefit.funeral.multiplier`` (10) x reference level on the
  date of death, with at least ``benefit.funeral.min_months`` (60) months of
  contributions.
* Social pension (Decree 176/2025, non-contributory): ``social_pension.amount``
  (500,000) a month from age ``social_pension.age`` (75), or
  ``social_pension.age_poor`` (70) for poor and near-poor households, for a
  person without a pension.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .months import Month
from .parameters import ParameterTable

__all__ = [
    "maternity_grant",
    "maternity_eligible",
    "funeral_grant",
    "social_pension_age",
    "social_pension",
]


def _months(contribution_months: Iterable) -> set[Month]:
    out = set()
    for c in contribution_months:
        if isinstance(c, Month | str):
            out.add(Month.parse(c) if isinstance(c, str) else c)
        elif getattr(c, "kind", "voluntary") == "voluntary":
            out.add(c.month)
    return out


def maternity_eligible(table: ParameterTable, voluntary_months: Iterable, birth: date) -> bool:
    """True with enough voluntary months (Month or ContributionMonth) before the birth."""
    window = int(table.value("benefit.maternity.window_months", birth))
    need = int(table.value("benefit.maternity.min_months", birth))
    bm = Month.of(birth)
    paid = _months(voluntary_months)
    return sum(1 for i in range(1, window + 1) if bm - i in paid) >= need


def maternity_grant(
    table: ParameterTable, voluntary_months: Iterable, birth: date, children: int = 1
) -> int:
    """Grant in dong for ``children`` children born on ``birth`` (0 if not eligible)."""
    if children < 1:
        raise ValueError("children must be >= 1")
    if not maternity_eligible(table, voluntary_months, birth):
        return 0
    return int(table.value("benefit.maternity.amount", birth)) * children


def funeral_grant(table: ParameterTable, contribution_months: int, death: date) -> int:
    """Funeral grant in dong (0 under the minimum months)."""
    if contribution_months < int(table.value("benefit.funeral.min_months", death)):
        return 0
    return int(table.value("benefit.funeral.multiplier", death)) * int(
        table.value("reference_level", death)
    )


def social_pension_age(table: ParameterTable, on: date, poor_or_near_poor: bool = False) -> int:
    key = "social_pension.age_poor" if poor_or_near_poor else "social_pension.age"
    return int(table.value(key, on))


def _age_on(born: date | Month, on: date) -> int:
    if isinstance(born, Month):
        # born month only: the birthday month counts as reached
        return (Month.of(on) - born) // 12
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years


def social_pension(
    table: ParameterTable,
    born: date | Month,
    on: date,
    poor_or_near_poor: bool = False,
    has_pension: bool = False,
) -> int:
    """Monthly social pension in dong on ``on`` (0 if not eligible)."""
    if has_pension:
        return 0
    if _age_on(born, on) < social_pension_age(table, on, poor_or_near_poor):
        return 0
    return int(table.value("social_pension.amount", on))
