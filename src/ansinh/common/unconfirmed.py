"""Saying out loud which figures rest on a parameter marked unconfirmed.

Every request runs inside ``ansinh.rules.parameters.track_parameters()`` (the
``ParameterUseMiddleware`` of ``ansinh.web``), so whatever a page, a PDF or an export computed
is known here without the computation passing anything along; a job outside a request opens
its own block. Pages show ``{% unconfirmed_figures %}``; ``build_workbook`` appends the same
lines under its rows.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ansinh.rules.parameters import ParameterFamily, current_use, families

from .text import money


@dataclass(frozen=True)
class Unconfirmed:
    label: str  # "reference_level" or "pension.adjustment.2011-2026"
    value: str  # "2.530.000 from 01/07/2026", or "16 values" for a family
    source: str
    province: str | None


def _value(family: ParameterFamily) -> str:
    if len(family.rows) > 1:
        return _("%(n)s values") % {"n": len(family.rows)}
    row = family.rows[0]
    value = row.value
    if row.value_type == "int" and abs(value) >= 1000:
        text = money(value)
    else:
        text = row.value_text
    since = row.valid_from.strftime("%d/%m/%Y")
    return _("%(value)s from %(date)s") % {"value": text, "date": since}


def unconfirmed_now() -> list[Unconfirmed]:
    """The unconfirmed rows read so far in this request (or tracking block), grouped."""
    use = current_use()
    if use is None:
        return []
    return [
        Unconfirmed(fam.label, _value(fam), fam.source, fam.rows[0].province)
        for fam in families(use.unconfirmed)
    ]


def unconfirmed_lines() -> list[str]:
    """The same, as lines of text for a file (Excel note, chat text)."""
    found = unconfirmed_now()
    if not found:
        return []
    lines = [_("Figures resting on legal parameters not yet confirmed (they may change):")]
    for u in found:
        where = f" ({_('province')} {u.province})" if u.province else ""
        lines.append(f"• {u.label}{where} = {u.value} — {u.source}")
    return lines
