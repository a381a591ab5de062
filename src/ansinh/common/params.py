"""Reading query-string parameters: garbage or out-of-range values fall back to the default.

Dates and years are bounded (1900 to 2999) so that month arithmetic on them (a year before,
a month after) stays inside what `datetime.date` can hold: ?on=0001-01-01 or ?year=99999 give
the page's default, never a 500.
"""

from datetime import date

MIN_YEAR, MAX_YEAR = 1900, 2999


def year_param(params, name: str, default: int) -> int:
    try:
        value = int(params.get(name) or default)
    except (TypeError, ValueError):
        return default
    return value if MIN_YEAR <= value <= MAX_YEAR else default


def date_param(params, name: str, default):
    try:
        value = date.fromisoformat(params.get(name) or "")
    except (TypeError, ValueError):
        return default
    return value if MIN_YEAR <= value.year <= MAX_YEAR else default


def int_param(params, name: str, default: int | None = None) -> int | None:
    try:
        return int(params.get(name))
    except (TypeError, ValueError):
        return default
