"""Text helpers shared by every app: Vietnamese folding, money and month formatting."""

import re
import unicodedata
from datetime import date

# Month arithmetic on dates lives once, in the rules package (pure Python); re-exported here
# for the apps that format and compute with dates.
from ansinh.rules.months import add_months, months_between, shift_date

__all__ = [
    "add_months",
    "first_of_month",
    "fold",
    "money",
    "month_label",
    "months_between",
    "shift_date",
]

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
