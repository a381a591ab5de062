"""Money helpers: whole dong as ``int``, exact intermediate arithmetic.

All computations keep exact values (``int``, ``Decimal`` converted to
``Fraction``) and round **once**, at the end, to whole dong, **half up**
(0.5 dong goes up; amounts are never negative where this is used, and for
negative values the rounding is half away from zero).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

__all__ = ["frac", "round_dong", "fmt_dong"]


def frac(x: int | Decimal | Fraction | str) -> Fraction:
    """Exact conversion to Fraction (floats are refused: they are not exact)."""
    if isinstance(x, float):
        raise TypeError("use int, Decimal or Fraction for money, not float")
    if isinstance(x, bool):
        return Fraction(int(x))
    return Fraction(x)


def round_dong(x: int | Decimal | Fraction) -> int:
    """Round to whole dong, half up (half away from zero for negatives)."""
    f = frac(x)
    if f < 0:
        return -round_dong(-f)
    return int((f + Fraction(1, 2)) // 1)


def fmt_dong(amount: int, sep: str = ".") -> str:
    """``1263600 -> "1.263.600"`` (Vietnamese style by default; sep="," for English)."""
    s = f"{int(amount):,}"
    return s.replace(",", sep)
