"""The rules package's errors, said in the page's language.

ansinh.rules is plain Python with English messages (it also runs on the command line);
what a page shows goes through gettext here instead of ``str(exc)``.
"""

from django.utils.translation import gettext as _

from ansinh.rules.errors import InputError
from ansinh.rules.parameters import MissingParameter
from ansinh.rules.vsi import IncomeOutOfRange, PaybackNotAllowed

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


def amount_mismatch(got: int, want: int, months: int | None = None) -> str:
    """A receipt's amount that is not the amount due, in the offices' notation and saying what
    to do: 'Số tiền 1.500.000 đ không khớp ... hãy sửa số tiền thành 1.518.000 đ ...'."""
    values = {"got": money(got), "want": money(want), "n": months}
    if months is None:
        text = _("Amount %(got)s does not match the %(want)s due: correct the amount to %(want)s.")
    else:
        text = _(
            "Amount %(got)s does not match the %(want)s due for %(n)s months: correct the "
            "amount to %(want)s, or the months to the number this amount pays for."
        )
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


def _quote_messages():
    return {
        "unknown_group": _("Unknown support group %(g)s; choose one of %(all)s."),
        "positive": _("The months paid must be a whole number of at least 1, not %(n)s."),
        "not_negative": _(
            "The state-supported months already used must be a whole number of 0 or more, "
            "not %(n)s."
        ),
        "unknown_mode": _("Unknown payment method %(m)s."),
        "unknown_province": _(
            "%(v)s is not the code of a province or city. The codes (also in "
            "`ansinh quote vsi --help`): %(codes)s."
        ),
        "years": _(
            "A lump sum covers 1 to %(max)s years (12 to %(max_months)s months), not %(n)s years."
        ),
        "multiple": _(
            "With payment every %(period)s months, the months paid must be a multiple of "
            "%(period)s, not %(n)s."
        ),
        "payback_months": _("Give the number of missed months to pay back (1 or more), not %(n)s."),
        "whole_years": _("A lump sum covers whole years (12, 24, ... months), not %(n)s months."),
        "members": _("The household members joining must be 1 or more, not %(n)s."),
        "period": _("Household health insurance is paid for %(periods)s months, not %(n)s."),
        "no_join": _("Give the date the first member joins."),
        "enrolled": _("The members already holding the card must be 0 or more, not %(n)s."),
        "both": _("Give either the card period or the card's end date, not both."),
        "after_end": _("Member %(member)s joins on %(joined)s, after the card ends on %(end)s."),
        "missing_not_at_age": _(
            "The lump sum for missing years is for a person at retirement age; this person "
            "reaches it in %(reached)s."
        ),
        "missing_none": _("No years are missing: the record already gives a pension."),
        "missing_too_many": _(
            "%(years)s years are missing; the lump sum for missing years covers at most %(max)s."
        ),
        "too_long": _(
            "Member %(member)s would pay %(n)s months; a card lasts at most %(max)s months."
        ),
    }


def quote_error(exc: InputError) -> str:
    """A quote's bad input (``ansinh.rules.errors.InputError``) in the page's language; the
    form puts it beside ``exc.field``."""
    params = dict(exc.params)
    if "max" in params and exc.code == "years":
        params["max_months"] = 12 * int(params["max"])
    text = _quote_messages().get(exc.code)
    if text is None:  # pragma: no cover - every code the rules raise has a message above
        return str(exc)
    return text % params


def rule_error(exc: Exception) -> str:
    """Any error the rules raise on bad input, in the current language (the command line)."""
    from ansinh.rules.identity import IdentityError

    if isinstance(exc, IdentityError):
        return identity_error(exc)
    if isinstance(exc, InputError):
        return quote_error(exc)
    if isinstance(exc, IncomeOutOfRange):
        return income_error(exc)
    if isinstance(exc, PaybackNotAllowed):
        return payback_error(exc.on)
    return str(exc)


# -- personal numbers (ansinh.rules.identity) ----------------------------------------------------


def _identity_messages():
    return {
        "required": _("%(field)s: the number is empty."),
        "not_digits": _("%(field)s: only digits are allowed, not %(v)s."),
        "length": _("%(field)s: a CCCD number has exactly 12 digits; %(v)s has %(n)s."),
        "province": _(
            "%(field)s: the first three digits %(prefix)s are not the code of a province "
            "(Circular 07/2016/TT-BCA)."
        ),
        "century": _(
            "%(field)s: the 4th digit %(digit)s is for people born from %(first)s to %(last)s, "
            "but the date of birth is in %(year)s."
        ),
        "year": _(
            "%(field)s: digits 5 and 6 (%(digits)s) should be the last two digits of the year "
            "of birth %(year)s."
        ),
        "sex": _(
            "%(field)s: the 4th digit %(digit)s is for a %(card_sex)s, but the person is "
            "recorded as a %(sex)s."
        ),
    }


def identity_error(exc) -> str:
    """An ``IdentityError`` said in the page's language, naming the field (e.g. 'Số CCCD: ...')."""
    from ansinh.rules.identity import IdentityError

    assert isinstance(exc, IdentityError)
    labels = {
        "cccd": _("National ID (CCCD)"),
        "si_code": _("Social-insurance code"),
        "phone": _("Phone"),
    }
    params = dict(exc.params, field=labels.get(exc.field, exc.field))
    if exc.field == "cccd":
        text = _identity_messages().get(exc.code)
        if exc.code in ("sex",):
            words = {"woman": _("woman"), "man": _("man")}
            params["card_sex"] = words[params["card_sex"]]
            params["sex"] = words[params["sex"]]
    elif exc.field == "phone":
        text = {
            "required": _("%(field)s: the number is empty."),
            "length": _(
                "%(field)s: a Vietnamese phone number has 10 digits (e.g. 0912 345 678, "
                "or +84 912 345 678), not %(v)s."
            ),
            "prefix": _(
                "%(field)s: a mobile number starts with 03, 05, 07, 08 or 09, not %(prefix)s."
            ),
        }.get(exc.code)
    else:
        text = {
            "required": _("%(field)s: the number is empty."),
            "length": _("%(field)s: a social-insurance code has exactly 10 digits, not %(v)s."),
            "person_code_empty": _(
                "%(field)s is empty: write the participant's social-insurance code (10 digits) "
                "or CCCD (12 digits)."
            ),
            "person_code": _(
                "%(field)s: give the social-insurance code (10 digits) or the CCCD (12 digits), "
                "not %(v)s."
            ),
        }.get(exc.code)
    if text is None:  # pragma: no cover - every code of identity.py has a message above
        return str(exc)
    return text % params


def identity_validation_error(exc):
    """The same message as a form/serializer ``ValidationError``."""
    from django.core.exceptions import ValidationError

    return ValidationError(identity_error(exc), code=f"{exc.field}_{exc.code}")


def validated(check, *args):
    """``check(*args)`` (an ``ansinh.rules.identity`` check), its error as a ValidationError."""
    from ansinh.rules.identity import IdentityError

    try:
        return check(*args)
    except IdentityError as exc:
        raise identity_validation_error(exc) from None
