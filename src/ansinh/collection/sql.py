"""Small SQL helpers that differ between SQLite and PostgreSQL (month arithmetic, batch lookups,
an INSERT ... SELECT streamed between two connections)."""

import queue
import re
import threading

from django.db import connection, models


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


_SNAPSHOT_ID = re.compile(r"^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$")


def can_stream(conn) -> bool:
    """Whether `stream_insert` can read in a second connection: PostgreSQL, and the caller's
    own data committed (no outer transaction whose rows another connection could not see)."""
    return conn.vendor == "postgresql" and not conn.in_atomic_block


def stream_insert(table: str, columns: list[str], select_sql: str, params) -> int:
    """INSERT INTO table (columns) <select>, in the current transaction, as a pipe between two
    connections (PostgreSQL; decision 0016): a reader thread runs the SELECT in a connection
    of its own, on this transaction's snapshot (pg_export_snapshot: it sees exactly the data
    this transaction saw, not what this transaction wrote), and sends its rows out with
    COPY ... TO STDOUT (binary; PostgreSQL may run it with parallel workers), while this
    connection writes them in with COPY ... FROM STDIN (batched inserts). Selecting and
    writing overlap, and only this connection writes: the rows commit or roll back with the
    rest of the transaction. The SELECT must give each column the target's exact type.
    Returns the number of rows written."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_export_snapshot()")
        snapshot = cur.fetchone()[0]
    if not _SNAPSHOT_ID.match(snapshot):  # it is spliced into SET TRANSACTION SNAPSHOT
        raise ValueError(f"unexpected snapshot id {snapshot!r}")
    chunks: queue.SimpleQueue = queue.SimpleQueue()
    reader = threading.Thread(
        target=_read_rows_out,
        args=(snapshot, select_sql, params, chunks),
        name="stream-insert-reader",
        daemon=True,
    )
    reader.start()
    try:
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cur:
            with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN (FORMAT binary)") as copy:
                while (chunk := chunks.get()) is not None:
                    if isinstance(chunk, BaseException):
                        raise chunk
                    copy.write(chunk)
            return cur.cursor.rowcount
    finally:
        reader.join()


#: The reader hands rows over in chunks of about this many bytes (one queue item each).
_CHUNK = 1 << 18


def _read_rows_out(snapshot: str, select_sql: str, params, chunks) -> None:
    """The reader thread of stream_insert: its own connection, the writer's snapshot."""
    try:
        with connection.cursor() as cur:  # this thread's own connection
            cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                cur.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                # Compiling these plans (JIT, in the leader and each parallel worker) costs
                # more than it saves: ~0.4 s of the cycle's 1.6 s select at province scale.
                cur.execute("SET LOCAL jit = off")
                statement = f"COPY ({select_sql}) TO STDOUT (FORMAT binary)"
                with cur.cursor.copy(statement, params) as copy:
                    buffer = bytearray()
                    for data in copy:
                        buffer += data
                        if len(buffer) >= _CHUNK:
                            chunks.put(bytes(buffer))
                            buffer.clear()
                    chunks.put(bytes(buffer))
            finally:
                cur.execute("ROLLBACK")
    except BaseException as exc:  # handed to the writing thread
        chunks.put(exc)
    finally:
        chunks.put(None)
        connection.close()
