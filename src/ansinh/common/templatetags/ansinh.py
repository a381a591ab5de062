from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html

from ansinh.common.text import money as _money
from ansinh.common.text import month_label

register = template.Library()


@register.filter
def money(value):
    return _money(value)


_ONE_ARG = "918273645"  # stands for the argument while a URL is reversed once


@lru_cache(maxsize=128)
def _path_around(name: str, prefix: str) -> tuple[str, str]:
    head, _, tail = reverse(name, args=[_ONE_ARG]).partition(_ONE_ARG)
    return head, tail


@register.filter
def path_of(value, name):
    """`{{ e.pk|path_of:"collection_reason" }}`: the path of the URL named `name` for one
    argument, as `{% url name value %}` gives it, with the URL reversed once per name (a long
    list's rows each reverse the same URL; reversing is most of what a row's links cost).
    Only for URLs whose one argument is an int or a str without a slash."""
    head, tail = _path_around(name, get_script_prefix())
    return f"{head}{value}{tail}"


@register.filter
def month(value):
    """A month as the offices write it: 08/2025 (accepts a date or a rules Month)."""
    if value is None or value == "":
        return ""
    if hasattr(value, "first_day"):
        value = value.first_day()
    return month_label(value)


def mask(value: str) -> str:
    """A number with all but its first three and last two digits hidden: 087*******89."""
    if len(value) <= 5:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


def _shown(value, user, kind: str) -> str:
    if not value:
        return ""
    sees = getattr(user, "sees_number", None)
    return value if sees is not None and sees(kind) else mask(value)


@register.filter
def masked(value, user):
    """National ID (CCCD) masked for roles that do not need it (user.sees_number)."""
    return _shown(value, user, "cccd")


@register.filter
def masked_code(value, user):
    """Social-insurance code masked for roles that do not need it."""
    return _shown(value, user, "si_code")


@register.filter
def masked_phone(value, user):
    """Phone number masked for roles that do not need it."""
    return _shown(value, user, "phone")


@register.filter
def sees(user, kind):
    """{% if user|sees:"phone" %}: the user sees that kind of number in full."""
    check = getattr(user, "sees_number", None)
    return bool(check and check(kind))


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def years_months(months):
    """187 -> '15 năm 7 tháng' / '15 years 7 months' (in the active language)."""
    from django.utils.translation import gettext as _

    if months in (None, ""):
        return ""
    years, rest = divmod(int(months), 12)
    return _("%(y)s years %(m)s months") % {"y": years, "m": rest}


@register.filter
def stored_message(value):
    """A message stored as data, `[msgid, {params}]` (e.g. the reasons of a lapse risk, kept
    on the list's row in English and worded when shown): translated in the active language.
    The msgids are marked where they are written (gettext_noop) so the catalogue has them."""
    from django.utils.translation import gettext as _

    try:
        msgid, params = value
        return _(msgid) % (params or {})
    except (TypeError, ValueError, KeyError):
        return ""


@register.filter
def percent(value):
    """0.734 -> 73 (a share as a whole percentage; empty when unknown)."""
    if value in (None, ""):
        return ""
    return round(float(value) * 100)


@register.filter
def div(a, b):
    try:
        return int(a) // int(b) if int(b) else ""
    except (TypeError, ValueError):
        return ""


@register.filter
def is_menu(value):
    """True for a navigation entry that holds a list of links (a drop-down menu)."""
    return isinstance(value, list | tuple)


@register.simple_tag
def param_error(params, name):
    """The message of a query-string parameter the page could not read (common.params), under
    its field: `{% param_error params "on" %}`."""
    message = getattr(params, "errors", {}).get(name)
    if not message:
        return ""
    return format_html(
        '<small class="errorlist" role="alert" data-testid="param-error-{}">{}</small>',
        name,
        message,
    )


@register.inclusion_tag("common/_unconfirmed.html")
def unconfirmed_figures():
    """The parameter rows marked unconfirmed that this request's computations read so far
    (``ansinh.rules.parameters.track_parameters``, opened per request by the middleware),
    each family once with its value and legal source. Place it after the figures."""
    from ansinh.common.unconfirmed import unconfirmed_now

    return {"families": unconfirmed_now()}


@register.filter
def offline_key(user):
    """The key under which the phone keeps this user's offline copies (common.offline)."""
    from ansinh.common.offline import user_key

    return user_key(user)


@register.simple_tag
def offline_texts():
    """The offline banner's texts as a JSON script element (no inline script: CSP)."""
    from django.utils.html import json_script

    from ansinh.common.offline import offline_texts as texts

    return json_script(texts(), "offline-text")
