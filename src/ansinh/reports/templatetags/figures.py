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
