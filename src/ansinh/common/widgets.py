"""Form widgets shared by every app."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .params import QueryParams


class DateInput(forms.DateInput):
    """The browser's date picker. Its value must be ISO (YYYY-MM-DD) whatever the language:
    a localised value (22/11/2026) would leave the field empty, and HTMX then refuses to
    send the form for a live quote because the required field is invalid."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class MonthInput(forms.DateInput):
    """The browser's month picker (value YYYY-MM)."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m")


class MonthField(forms.DateField):
    """A month, typed as YYYY-MM (month picker) or MM/YYYY; cleaned to its first day."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%m/%Y", "%Y-%m-%d"]

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(day=1) if value else value


class DayField(forms.DateField):
    """A day, read as every page reads one (common.params.QueryParams: yyyy-mm-dd from the date
    picker or dd/mm/yyyy, years 1900 to 2999); a bad or missing one is named with its field and
    what to write ('Receipts from: 2026-13-01 is not a date: the month must be from 1 to 12.'),
    not Django's 'Enter a valid date.'."""

    widget = DateInput

    def to_python(self, value):
        if isinstance(value, date):
            return value
        raw = "" if value is None else str(value).strip()
        if not raw:
            return None
        params = QueryParams({"day": raw})
        day = params.date("day", None)
        if day is None:
            raise ValidationError(self._named(params.errors["day"]), code="invalid")
        return day

    def validate(self, value):
        if value in self.empty_values and self.required:
            raise ValidationError(
                self._named(
                    _("no day given: choose one in the calendar or write it as dd/mm/yyyy.")
                ),
                code="required",
            )
        super().validate(value)

    def _named(self, message: str) -> str:
        return _("%(field)s: %(message)s") % {"field": self.label, "message": message}
