"""Calendar months as values.

A :class:`Month` is a (year, month) pair, ordered, hashable and immutable.
Arithmetic works in whole months::

    >>> Month.parse("2025-08") + 5
    Month(year=2026, month=1)
    >>> Month(2026, 1) - Month(2025, 8)
    5
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

__all__ = ["Month", "add_months", "iter_months", "months_between", "shift_date"]

_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month. ``str(Month(2025, 8)) == "2025-08"``."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not isinstance(self.year, int) or not isinstance(self.month, int):
            raise TypeError("Month(year, month) takes two ints")
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1..12, got {self.month}")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year must be 1..9999, got {self.year}")

    # -- construction -------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> Month:
        """Parse ``"YYYY-MM"`` (``"2025-8"`` is accepted too); ValueError otherwise."""
        if isinstance(text, Month):
            return text
        m = _MONTH_RE.match(str(text))
        if not m:
            raise ValueError(f"invalid month {text!r}: expected YYYY-MM, e.g. 2025-08")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, d: date) -> Month:
        """The month containing date ``d``."""
        return cls(d.year, d.month)

    @classmethod
    def from_index(cls, index: int) -> Month:
        """Inverse of :attr:`index` (months since year 0)."""
        y, m = divmod(index, 12)
        return cls(y, m + 1)

    # -- conversion ---------------------------------------------------
    @property
    def index(self) -> int:
        """Months since January of year 0; handy for arithmetic."""
        return self.year * 12 + (self.month - 1)

    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def last_day(self) -> date:
        nxt = self + 1
        return date.fromordinal(nxt.first_day().toordinal() - 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    # -- arithmetic ---------------------------------------------------
    def __add__(self, n: int) -> Month:
        if isinstance(n, bool) or not isinstance(n, int):
            return NotImplemented
        return Month.from_index(self.index + n)

    __radd__ = __add__

    def __sub__(self, other):  # type: ignore[no-untyped-def]
        """``Month - int -> Month``; ``Month - Month -> int`` (months between)."""
        if isinstance(other, Month):
            return self.index - other.index
        if isinstance(other, bool) or not isinstance(other, int):
            return NotImplemented
        return Month.from_index(self.index - other)


def iter_months(start: Month, end_inclusive: Month) -> Iterator[Month]:
    """Yield every month from ``start`` to ``end_inclusive`` (nothing if end < start)."""
    for i in range(start.index, end_inclusive.index + 1):
        yield Month.from_index(i)


# -- the same arithmetic on dates (every app uses these, through ansinh.common.text) -------------


def add_months(d: date, n: int) -> date:
    """The first day of the month ``n`` months after ``d``'s month."""
    return (Month.of(d) + n).first_day()


def shift_date(d: date, n: int) -> date:
    """The same day ``n`` months later, clamped to the month's last day: 31/01 + 1 -> 28/02."""
    m = Month.of(d) + n
    return date(m.year, m.month, min(d.day, calendar.monthrange(m.year, m.month)[1]))


def months_between(start: date, end: date) -> int:
    """Whole months from ``start``'s month to ``end``'s month (end - start)."""
    return Month.of(end) - Month.of(start)
