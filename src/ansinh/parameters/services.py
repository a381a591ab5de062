"""Confirming and correcting the law's figures: every change audited, history kept.

A row is *confirmed* or edited in place (its period unchanged), or *corrected from a date*:
the row ends the day before and a new row, with the corrected value, starts on that date and
runs to where the old one ran, so a computation for an earlier date still finds the figure
it used. Each write is one transaction with its audit entries (who, when, before, after); the
rows of the key must still form a valid table (no two in force on the same day), else nothing
is written.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ansinh.accounts.audit import audited_delete, audited_save
from ansinh.rules.parameters import Param, ParameterTable

from .models import Parameter
from .table import to_param


def check_value(value: str, value_type: str) -> None:
    try:
        Param.parse_value(value, value_type)
    except ValueError:
        raise ValidationError(
            {"value": _("%(v)s is not a value of type %(t)s.") % {"v": value, "t": value_type}}
        ) from None


def plan(row: Parameter, correct_from=None) -> list[Parameter]:
    """The rows saving the edited `row` writes: itself, or (with `correct_from`) the old row
    ending the day before and a new row from that date (unsaved; ValidationError if the date
    is not inside the row's period)."""
    if row.pk is None or correct_from is None:
        return [row]
    old = Parameter.objects.get(pk=row.pk)
    if correct_from <= old.valid_from or (old.valid_to and correct_from > old.valid_to):
        raise ValidationError(
            {
                "correct_from": _(
                    "A correction starts after %(start)s and within the row's period."
                )
                % {"start": old.valid_from.strftime("%d/%m/%Y")}
            }
        )
    new = Parameter(
        key=old.key,
        province=old.province,
        value_type=old.value_type,
        value=row.value,
        valid_from=correct_from,
        valid_to=row.valid_to,  # as the form shows it: the old row's end unless changed
        source=row.source,
        unconfirmed=row.unconfirmed,
        note=row.note,
    )
    old.valid_to = correct_from - timedelta(days=1)  # the old figure, unchanged, until then
    return [old, new]


def check_plan(rows: list[Parameter]) -> None:
    """With `rows` written, the key's rows must not overlap (ValidationError naming them)."""
    check_value(rows[-1].value, rows[-1].value_type)
    key, province = rows[0].key, rows[0].province
    others = Parameter.objects.filter(key=key, province=province).exclude(
        pk__in=[r.pk for r in rows if r.pk]
    )
    try:
        ParameterTable([to_param(r) for r in [*others, *rows]])
    except ValueError as exc:
        raise ValidationError(
            _("Two rows of %(key)s would be in force on the same day: %(why)s")
            % {"key": key, "why": exc}
        ) from None


@transaction.atomic
def save_parameter(user, row: Parameter, correct_from=None) -> Parameter:
    """Save an edited row in place, or, with `correct_from`, as a new row from that date;
    returns the row holding the new value."""
    if row.pk is not None:
        Parameter.objects.select_for_update().filter(key=row.key, province=row.province).count()
    rows = plan(row, correct_from)
    check_plan(rows)
    for r in rows:
        audited_save(r, user)
    return rows[-1]


@transaction.atomic
def confirm_parameters(user, rows) -> int:
    """Mark rows confirmed (an office checked the legal text), one audit entry each."""
    n = 0
    for row in rows.select_for_update():
        if row.unconfirmed:
            row.unconfirmed = False
            audited_save(row, user)
            n += 1
    return n


@transaction.atomic
def delete_parameter(user, row: Parameter) -> None:
    audited_delete(row, user)
