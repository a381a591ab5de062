"""The rules package's errors, said in the page's language.

ansinh.rules is plain Python with English messages (it also runs on the command line);
what a page shows goes through gettext here instead of ``str(exc)``.
"""

from django.utils.translation import gettext as _

from ansinh.rules.parameters import MissingParameter
from ansinh.rules.vsi import IncomeOutOfRange

from .text import money


def income_error(exc: IncomeOutOfRange) -> str:
    """'Monthly income 500.000 đ is below the minimum 2.200.000 đ ...' (translated)."""
    values = {
        "income": money(exc.income) if isinstance(exc.income, int) else str(exc.income),
        "minimum": money(exc.minimum),
        "maximum": money(exc.maximum),
        "on": exc.on.strftime("%d/%m/%Y"),
    }
    if isinstance(exc.income, int) and exc.income < exc.minimum:
        text = _(
            "The monthly income %(income)s is below the minimum of %(minimum)s (the rural "
            "poverty line) on %(on)s; choose from %(minimum)s to %(maximum)s."
        )
    elif isinstance(exc.income, int) and exc.income > exc.maximum:
        text = _(
            "The monthly income %(income)s is above the maximum of %(maximum)s (20 times the "
            "reference level) on %(on)s; choose from %(minimum)s to %(maximum)s."
        )
    else:
        text = _("Type the monthly income in whole dong, from %(minimum)s to %(maximum)s.")
    return text % values


#: What the rules raise when a date lies outside the parameters table (e.g. 1990).
QUOTE_DATE_ERRORS = (MissingParameter,)


def date_error(on) -> str:
    """'No legal figures are in force on 01/01/1990 ...' (translated)."""
    return _("No legal figures are in force on %(on)s; choose a later date.") % {
        "on": on.strftime("%d/%m/%Y")
    }


def payback_error(on) -> str:
    """Paying back missed months is switched off in the parameters table (translated)."""
    return _(
        "Missed months cannot be paid back on %(d)s: the parameters table's switch "
        "vsi.missed_months_payback is off (whether the law still allows it is "
        "unconfirmed). The participant pays from the month of payment."
    ) % {"d": on.strftime("%d/%m/%Y")}
