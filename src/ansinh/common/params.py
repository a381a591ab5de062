"""Reading query-string parameters: the one reader every page uses.

`QueryParams(request.GET)` reads dates, months, years and whole numbers. A parameter that is
absent gives the page's default. A parameter that is given but is not a valid value also gives
the default, and is noted in `errors` (name -> message naming the value and what to write
instead) so the page can show it beside its field: a link such as ?on=2025-13-01 never
silently shows another day's figures, and never a 500.

Dates and years are bounded (1900 to 2999) so that month arithmetic on them (a year before,
a month after) stays inside what `datetime.date` can hold.

`date_param`, `year_param` and `int_param` are the same reader for a single value whose
error nobody shows (an id in a POST, a filter the page also lists): garbage gives the default.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from django.utils.translation import gettext as _

MIN_YEAR, MAX_YEAR = 1900, 2999
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{1,4})$")
_YMD = re.compile(r"^(\d{1,4})-(\d{1,2})-(\d{1,2})$")
_MY = re.compile(r"^(\d{1,2})/(\d{1,4})$")
_YM = re.compile(r"^(\d{1,4})-(\d{1,2})$")


def _dmy(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


class QueryParams:
    """A page's parameters, read with defaults; `errors` holds what was given and wrong."""

    def __init__(self, params):
        self.params = params
        self.errors: dict[str, str] = {}

    def _raw(self, name: str) -> str:
        value = self.params.get(name)
        return "" if value is None else str(value).strip()

    def _fail(self, name: str, message: str, default):
        if isinstance(default, date):
            message = f"{message} " + _("Showing %(d)s instead.") % {"d": _dmy(default)}
        self.errors[name] = message
        return default

    def _year_ok(self, name: str, raw: str, year: int, default) -> bool:
        if MIN_YEAR <= year <= MAX_YEAR:
            return True
        self._fail(
            name,
            _("%(v)s: the year must be between %(lo)s and %(hi)s.")
            % {"v": raw, "lo": MIN_YEAR, "hi": MAX_YEAR},
            default,
        )
        return False

    def date(self, name: str, default):
        """A day, as the date input sends it (yyyy-mm-dd) or as people write it (dd/mm/yyyy)."""
        raw = self._raw(name)
        if not raw:
            return default
        m = _YMD.match(raw)
        parts = (m.group(1), m.group(2), m.group(3)) if m else None
        if parts is None and (m := _DMY.match(raw)):
            parts = (m.group(3), m.group(2), m.group(1))
        if parts is None:
            return self._fail(
                name,
                _("%(v)s is not a date: choose one in the calendar or write it as dd/mm/yyyy.")
                % {"v": raw},
                default,
            )
        year, month, day = (int(p) for p in parts)
        if not self._year_ok(name, raw, year, default):
            return default
        if not 1 <= month <= 12:
            return self._fail(
                name,
                _("%(v)s is not a date: the month must be from 1 to 12.") % {"v": raw},
                default,
            )
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            return self._fail(
                name,
                _("%(v)s is not a date: month %(m)s/%(y)s has %(n)s days.")
                % {"v": raw, "m": f"{month:02d}", "y": year, "n": last},
                default,
            )
        return date(year, month, day)

    def month(self, name: str, default):
        """A month (its first day), written yyyy-mm (the month input) or mm/yyyy."""
        raw = self._raw(name)
        if not raw:
            return default
        if m := _YM.match(raw):
            year, month = int(m.group(1)), int(m.group(2))
        elif m := _MY.match(raw):
            year, month = int(m.group(2)), int(m.group(1))
        else:
            return self._fail(
                name,
                _("%(v)s is not a month: write it as mm/yyyy (for example 06/2025).") % {"v": raw},
                default,
            )
        if not self._year_ok(name, raw, year, default):
            return default
        if not 1 <= month <= 12:
            return self._fail(
                name,
                _("%(v)s is not a month: the month must be from 1 to 12.") % {"v": raw},
                default,
            )
        return date(year, month, 1)

    def year(self, name: str, default: int) -> int:
        raw = self._raw(name)
        if not raw:
            return default
        if not raw.isdigit():
            return self._fail(
                name,
                _("%(v)s is not a year: write four digits (for example 2025).") % {"v": raw},
                default,
            )
        year = int(raw)
        return year if self._year_ok(name, raw, year, default) else default

    def int(self, name: str, default, lo: int | None = None, hi: int | None = None):
        raw = self._raw(name)
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            return self._fail(name, _("%(v)s is not a whole number.") % {"v": raw}, default)
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            return self._fail(
                name,
                _("%(v)s is out of range: give a number from %(lo)s to %(hi)s.")
                % {"v": raw, "lo": lo, "hi": hi},
                default,
            )
        return value


def year_param(params, name: str, default: int) -> int:
    return QueryParams(params).year(name, default)


def date_param(params, name: str, default):
    return QueryParams(params).date(name, default)


def int_param(params, name: str, default: int | None = None) -> int | None:
    return QueryParams(params).int(name, default)
