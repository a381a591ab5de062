"""Text helpers shared by every app: Vietnamese folding, money and month formatting."""

import re
import unicodedata
from datetime import date, timedelta

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics (đ -> d) and collapse spaces, for search."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACES.sub(" ", text).strip().lower()


def money(amount: int | None) -> str:
    """1263600 -> '1.263.600 đ' (the offices' own notation)."""
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(int(amount)):,}".replace(",", ".") + " đ"


def month_label(value: date | None) -> str:
    return value.strftime("%m/%Y") if value else ""


def first_of_month(value: date) -> date:
    return value.replace(day=1)


def add_months(value: date, months: int) -> date:
    index = value.year * 12 + value.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def shift_date(value: date, months: int) -> date:
    """The same day `months` later (clamped to the month's last day): 31/01 + 1 -> 28/02."""
    first = add_months(value.replace(day=1), months)
    last_day = (add_months(first, 1) - timedelta(days=1)).day
    return first.replace(day=min(value.day, last_day))


def months_between(start: date, end: date) -> int:
    """Whole months from start's month to end's month (end - start)."""
    return (end.year - start.year) * 12 + end.month - start.month
