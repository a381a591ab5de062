"""Numbers in the offices' notation, for pages and Vietnamese documents alike."""

from datetime import date
from decimal import Decimal


def num(value) -> str:
    """4760 -> '4.760'."""
    if value is None or value == "":
        return "–"
    return f"{int(value):,}".replace(",", ".")


def pct(value) -> str:
    """Decimal('82.75') -> '82,75%'."""
    if value is None:
        return "–"
    return f"{Decimal(value):.2f}".replace(".", ",") + "%"


def signed(value) -> str:
    if value is None:
        return "–"
    value = int(value)
    return ("+" if value > 0 else "") + num(value)


def vi_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def vi_month(value: date) -> str:
    return f"tháng {value.month:02d}/{value.year}"
