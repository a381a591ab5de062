"""Build the rules engine's ParameterTable from the database rows (cached per version)."""

from django.db import DatabaseError
from django.db.models import Count, Max

from ansinh.rules.parameters import DEFAULT_PARAMETERS, Param, ParameterTable, default_table

from .models import Parameter

_cache: dict = {"version": None, "table": None}


def _version():
    agg = Parameter.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    return (agg["n"], agg["at"])


def current_table(fallback: bool = False) -> ParameterTable:
    """The table in the database; the shipped defaults when `fallback` and no DB is set up."""
    try:
        version = _version()
    except DatabaseError:
        if fallback:
            return default_table()
        raise
    if version[0] == 0 and fallback:
        return default_table()
    if _cache["version"] != version:
        rows = [to_param(row) for row in Parameter.objects.all()]
        _cache.update(version=version, table=ParameterTable(rows))
    return _cache["table"]


def version_of(table: ParameterTable):
    """The version (rows, last edit) `table` was built from, if it is the current one (None
    otherwise): what a result computed from the table can be remembered under."""
    return _cache["version"] if table is _cache["table"] else None


def to_param(row: Parameter) -> Param:
    return Param.from_text(
        key=row.key,
        value_text=row.value,
        value_type=row.value_type,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        source=row.source,
        unconfirmed=row.unconfirmed,
        province=row.province or None,
        note=row.note,
    )


def seed_defaults() -> int:
    """Insert the shipped rows that are not in the table yet; never overwrite an edit."""
    existing = set(Parameter.objects.values_list("key", "province", "valid_from"))
    new = []
    for p in DEFAULT_PARAMETERS:
        if (p.key, p.province or "", p.valid_from) in existing:
            continue
        new.append(
            Parameter(
                key=p.key,
                value=p.value_text,
                value_type=p.value_type,
                valid_from=p.valid_from,
                valid_to=p.valid_to,
                province=p.province or "",
                source=p.source,
                unconfirmed=p.unconfirmed,
                note=p.note,
            )
        )
    Parameter.objects.bulk_create(new)
    return len(new)


def income_floor(on=None) -> int:
    """The lowest monthly income a VSI participant may choose on `on` (default today): the
    rural poverty line in force. Forms offer it as their default income."""
    from datetime import date

    from ansinh.rules.parameters import untracked
    from ansinh.rules.vsi import income_bounds

    with untracked():  # a form's default, not a figure the page states
        return income_bounds(current_table(), on or date.today())[0]


def hi_period_choices(on=None) -> list[tuple[int, str]]:
    """The household HI card periods in force on `on` (default today), as form choices."""
    from datetime import date

    from django.utils.translation import gettext_lazy as _

    from ansinh.rules.hi import hi_periods
    from ansinh.rules.parameters import untracked

    labels = {3: _("3 months"), 6: _("6 months"), 12: _("12 months")}
    with untracked():  # the choices offered, not a figure the page states
        periods = hi_periods(current_table(), on or date.today())
    return [(n, labels.get(n, str(n))) for n in periods]
