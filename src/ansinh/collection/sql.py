"""Small SQL helpers that differ between SQLite and PostgreSQL (month arithmetic, batch lookups)."""

from django.db import models


class AddMonths(models.Func):
    """A first-of-month date plus a whole number of months (a literal int or an expression)."""

    output_field = models.DateField()
    arity = 2

    def as_sqlite(self, compiler, conn, **extra):
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        n_sql, n_params = compiler.compile(self.source_expressions[1])
        return f"date({date_sql}, printf('%%+d months', {n_sql}))", [*date_params, *n_params]

    def as_postgresql(self, compiler, conn, **extra):
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        n_sql, n_params = compiler.compile(self.source_expressions[1])
        sql = f"(({date_sql})::date + make_interval(months => ({n_sql})::int))::date"
        return sql, [*date_params, *n_params]


class MonthIndex(models.Func):
    """year * 12 + month - 1 of a date (months since year 0), as an integer."""

    output_field = models.IntegerField()
    arity = 1

    def as_sqlite(self, compiler, conn, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"(CAST(strftime('%%Y', {sql}) AS INTEGER) * 12 "
            f"+ CAST(strftime('%%m', {sql}) AS INTEGER) - 1)",
            [*params, *params],
        )

    def as_postgresql(self, compiler, conn, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"(EXTRACT(YEAR FROM {sql})::int * 12 + EXTRACT(MONTH FROM {sql})::int - 1)",
            [*params, *params],
        )


def _text_array(values) -> str:
    """A PostgreSQL array literal of strings, every element quoted."""
    return (
        '{"' + '","'.join(str(v).replace("\\", "\\\\").replace('"', '\\"') for v in values) + '"}'
        if values
        else "{}"
    )


@models.Field.register_lookup
class AnyOf(models.Lookup):
    """`field__anyof=[...]`: membership with ONE parameter (an array on PostgreSQL, a JSON
    array on SQLite), so a batch of 5,000 codes costs no query-building per value."""

    lookup_name = "anyof"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [list(value)])

    def as_sql(self, compiler, conn):
        lhs, lhs_params = self.process_lhs(compiler, conn)
        _rhs, rhs_params = self.process_rhs(compiler, conn)
        if conn.vendor == "postgresql":
            # Strings go as one text parameter, an array literal the server casts: psycopg
            # would dump a list of str element by element. Integers go as an array (psycopg
            # sends it binary, and the planner keeps its index plans for id lists).
            values = rhs_params[0]
            if values and all(type(v) is str for v in values):
                return f"{lhs} = ANY(%s::text[])", [*lhs_params, _text_array(values)]
            return f"{lhs} = ANY(%s)", [*lhs_params, list(values)]
        import json

        values = json.dumps([v if isinstance(v, int | str) else str(v) for v in rhs_params[0]])
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*lhs_params, values]


models.ForeignKey.register_lookup(AnyOf)
