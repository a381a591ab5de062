"""Figures as the offices write them: 4.760 people, 82,75%, +233."""

from decimal import Decimal

from django import template

from ansinh.common.notation import num, pct, signed

register = template.Library()


@register.filter(name="num")
def num_filter(value):
    return num(value)


@register.filter(name="pct")
def pct_filter(value):
    return pct(value)


@register.filter(name="signed")
def signed_filter(value):
    return signed(value)


@register.filter
def bar(value, cap=100):
    """A share as a CSS width (0 to 100)."""
    try:
        return max(0, min(int(cap), int(Decimal(value))))
    except (TypeError, ValueError, ArithmeticError):
        return 0


@register.filter
def clock(value):
    """A moment as an office writes it: 14:05 today, 14:05 02/12/2026 another day (local time)."""
    from datetime import date

    from django.utils import timezone

    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local:%H:%M}" if local.date() == date.today() else f"{local:%H:%M %d/%m/%Y}"
