"""The ledger's set-based write path: receipts, contribution months and paid-through months
written from staged rows in SQL (decision 0003: the ledger's writes belong to enrolment;
decision 0017: table, column and status names come from the models).

The receipt import (collection.imports) stages its checked lines in its own table and calls
`write_staged_vsi_receipts` with that table and the filter selecting the accepted lines; the
single-receipt path is `services.record_vsi_receipt`. Both split a period's gross and support
over its months as `split_total` does: `split_sql` is the same arithmetic in SQL, and
tests/test_ledger_split.py proves the two agree on every case it draws, on both databases.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.utils.translation import gettext as _

from .models import ContributionMonth, Receipt, Scheme, VsiEnrolment, VsiStatus


class WriteConflict(RuntimeError):
    """Someone else wrote the staged rows' participants since they were checked."""


#: `Receipt.source` of the receipts an import writes.
IMPORT_SOURCE = "import"


def split_total(total: int, months: int) -> list[int]:
    """Share a period's total over its months in whole dong, the remainder on the last month."""
    if months <= 0:
        return []
    each = total // months
    return [each] * (months - 1) + [total - each * (months - 1)]


def split_sql(total: str, months: str, i: str, *, capped: bool = False) -> str:
    """`split_total(total, months)[i]` as an SQL expression on integer columns.

    `capped`: `months` may be 0 or fewer than the period's months (state support is paid for
    the first `supported_months` only): month `i` past them gets 0.
    """
    share = f"{total} / NULLIF({months}, 0)" if capped else f"{total} / {months}"
    last = f"{total} - ({share}) * ({months} - 1)"
    guard = f"WHEN {i} >= {months} THEN 0 " if capped else ""
    return f"CASE {guard}WHEN {i} = {months} - 1 THEN {last} ELSE {share} END"


def add_months_sql(date_sql: str, n_sql: str) -> str:
    if connection.vendor == "postgresql":
        return f"(({date_sql}) + make_interval(months => ({n_sql})::int))::date"
    return f"date({date_sql}, printf('%%+d months', {n_sql}))"


def _highest_receipt_id(cur) -> int:
    """The new receipts all get ids above the highest one visible now: SQLite's months' join
    on the number then matches only the receipts written by this call."""
    cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {Receipt._meta.db_table}")
    return cur.fetchone()[0]


def write_staged_vsi_receipts(
    cur,
    rows: str,
    accepted_in: Callable[[str], str],
    where: list,
    *,
    now,
    recorder: int | None,
    checkpoint: Callable[[str, int], None],
    staged: tuple[int, int] | None = None,
) -> int:
    """Receipts, their months and paid_through from the staged rows `accepted_in(rows)`
    selects (with `where` as its parameters); returns the receipts written. `staged`: how
    many rows and distinct enrolments those are, when the caller knows (it staged them);
    otherwise they are counted.

    The staged table has the columns number, person_id, enrolment_id, paid_on, from_month,
    months, income, gross, support, supported_months, amount, collector_id, organisation_id.
    """
    written = _move_paid_through(cur, rows, accepted_in(rows), where, now, checkpoint, staged)
    if connection.vendor == "postgresql":
        cur.execute(
            _insert_receipts_and_months_sql(rows, accepted_in(rows)), [*where, recorder, now]
        )
        checkpoint("receipts", written)
    else:
        before = _highest_receipt_id(cur)
        cur.execute(_insert_receipts_sql(rows, accepted_in(rows)), [recorder, now, *where])
        checkpoint("receipts", written)
        cur.execute(_insert_months_sql(rows, accepted_in("s")), [before, *where])
    checkpoint("months", written)
    return written


def _move_paid_through(
    cur, rows: str, accepted: str, where: list, now, checkpoint, staged: tuple[int, int] | None
) -> int:
    """The enrolments first: the UPDATE locks each one until commit, so its person and itself
    stay as checked (decision 0015), and it moves only an enrolment that is still open, of the
    same person, and not paid since the rows were checked. One enrolment not moved and the
    whole file rolls back. Returns how many rows are staged."""
    enrolments = VsiEnrolment._meta.db_table
    active, suspended, stopped = VsiStatus.ACTIVE, VsiStatus.SUSPENDED, VsiStatus.STOPPED
    last = add_months_sql("from_month", "months - 1")
    cur.execute(
        f"UPDATE {enrolments} SET paid_through = v.pt, status = '{active}', "
        f"status_since = CASE WHEN {enrolments}.status = '{suspended}' THEN v.paid_on "
        f"ELSE {enrolments}.status_since END, updated_at = %s "
        f"FROM (SELECT enrolment_id, person_id, MIN(from_month) AS first, MAX({last}) AS pt, "
        f"MIN(paid_on) AS paid_on FROM {rows} WHERE {accepted} "
        "GROUP BY enrolment_id, person_id) v "
        f"WHERE {enrolments}.id = v.enrolment_id "
        f"AND {enrolments}.person_id = v.person_id "
        f"AND {enrolments}.status <> '{stopped}' "
        f"AND ({enrolments}.paid_through IS NULL "
        f"OR {enrolments}.paid_through < v.first)",
        [now, *where],
    )
    moved = cur.rowcount
    if staged is None:
        cur.execute(
            f"SELECT COUNT(*), COUNT(DISTINCT enrolment_id) FROM {rows} WHERE {accepted}", where
        )
        staged = cur.fetchone()
    n_staged, n_enrolments = staged
    if n_enrolments != moved:
        raise WriteConflict(
            _("Some participants paid since the file was checked; upload the file again.")
        )
    checkpoint("paid_through", n_staged)
    return n_staged


_RECEIPT_COLUMNS = (
    "number, scheme, person_id, vsi_enrolment_id, paid_on, from_month, months, members, "
    "income, gross, support, amount, collector_id, organisation_id, source, recorded_by_id, "
    "created_at"
)
#: the receipt's columns from a staged row (then the recorder and the time as parameters)
_RECEIPT_VALUES = (
    f"number, '{Scheme.VSI}', person_id, enrolment_id, paid_on, from_month, months, 1, "
    f"income, gross, support, amount, collector_id, organisation_id, '{IMPORT_SOURCE}', %s, %s"
)
_MONTH_COLUMNS = "person_id, enrolment_id, receipt_id, month, income, gross, support"


def _month_values(receipt_id: str) -> str:
    """A month's columns from the staged row `s` and month `n.i` of its period, split as
    split_total does."""
    month = add_months_sql("s.from_month", "n.i")
    gross = split_sql("s.gross", "s.months", "n.i")
    support = split_sql("s.support", "s.supported_months", "n.i", capped=True)
    return f"s.person_id, s.enrolment_id, {receipt_id}, {month}, s.income, {gross}, {support}"


def _insert_receipts_and_months_sql(rows: str, accepted: str) -> str:
    """PostgreSQL: the receipts and their months in one statement that reads the staged rows
    once. Each row takes its receipt's id from the receipts' sequence first, so the months
    need no join back to the receipts; the months are generated per receipt."""
    receipts = Receipt._meta.db_table
    return (
        f"WITH s AS MATERIALIZED (SELECT nextval(pg_get_serial_sequence('{receipts}', 'id')) "
        f"AS receipt_id, * FROM {rows} WHERE {accepted}), "
        f"r AS (INSERT INTO {receipts} (id, {_RECEIPT_COLUMNS}) "
        f"SELECT receipt_id, {_RECEIPT_VALUES} FROM s) "
        f"INSERT INTO {ContributionMonth._meta.db_table} ({_MONTH_COLUMNS}) "
        f"SELECT {_month_values('s.receipt_id')} "
        "FROM s CROSS JOIN LATERAL generate_series(0, s.months - 1) n(i)"
    )


def _insert_receipts_sql(rows: str, accepted: str) -> str:
    return (
        f"INSERT INTO {Receipt._meta.db_table} ({_RECEIPT_COLUMNS}) "
        f"SELECT {_RECEIPT_VALUES} FROM {rows} WHERE {accepted}"
    )


def _insert_months_sql(rows: str, accepted_s: str) -> str:
    """SQLite: one row per month paid from the staged row `s` and its new receipt `r`: the
    receipts numbered as the staged rows with ids above the first parameter; the months are
    generated per receipt (not 60 x the file, filtered)."""
    return (
        "WITH RECURSIVE nums(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM nums WHERE i < 59) "
        f"INSERT INTO {ContributionMonth._meta.db_table} ({_MONTH_COLUMNS}) "
        f"SELECT {_month_values('r.id')} "
        f"FROM {rows} s JOIN {Receipt._meta.db_table} r ON r.number = s.number AND r.id > %s "
        f"JOIN nums n ON n.i < s.months WHERE {accepted_s}"
    )
