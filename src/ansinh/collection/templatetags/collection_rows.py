"""`{% phone_rows entries %}`, `{% reason_form e %}`, `{% risk_badge e %}`: the list rows of
`collection.rows` in a template (the page's `request`, `reason_codes` and `error`)."""

from django import template

from ansinh.collection import rows

register = template.Library()


@register.simple_tag(takes_context=True)
def phone_rows(context, entries):
    return rows.phone_rows(context["request"], entries, context["reason_codes"])


@register.simple_tag(takes_context=True)
def reason_form(context, e):
    return rows.reason_form(context["request"], e, context["reason_codes"], context.get("error"))


@register.simple_tag
def risk_badge(e):
    return rows.risk_badge(e)
