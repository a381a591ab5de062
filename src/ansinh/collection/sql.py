"""Small SQL helpers that differ between SQLite and PostgreSQL (month arithmetic, batch lookups,
an INSERT ... SELECT streamed between two connections)."""

import queue
import re
import threading

from django.db import connection, models
from django.db.models.sql.constants import LOUTER


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


class JoinedSelect:
    """LEFT OUTER JOIN (<a query>) alias ON alias.<col> = <base table>.<col> AND ..., for an
    entry of a query's alias_map (the interface of django.db.models.sql.datastructures.Join):
    a set computed once (a grouped query, say) joined to every row, where a correlated
    subquery would be run again for each row, and again for each place it is referenced.
    Its columns are read with JoinedColumn."""

    join_type = LOUTER
    nullable = True
    filtered_relation = None

    def __init__(self, query, name: str, parent_alias: str, on: list[tuple[str, str]]):
        self.query, self.on = query, on  # on: (parent column, joined column) pairs
        self.table_name = self.table_alias = name
        self.parent_alias = parent_alias

    def as_sql(self, compiler, conn):
        sql, params = self.query.get_compiler(connection=conn).as_sql()
        qn, alias = conn.ops.quote_name, compiler.quote_name_unless_alias(self.table_alias)
        parent = compiler.quote_name_unless_alias(self.parent_alias)
        cond = " AND ".join(f"{alias}.{qn(c)} = {parent}.{qn(p)}" for p, c in self.on)
        return f"{self.join_type} ({sql}) {alias} ON ({cond})", params

    def relabeled_clone(self, change_map):
        new = JoinedSelect(self.query, self.table_name, self.parent_alias, self.on)
        new.table_alias = change_map.get(self.table_alias, self.table_alias)
        new.parent_alias = change_map.get(self.parent_alias, self.parent_alias)
        return new

    def promote(self):
        return self

    def demote(self):  # a LEFT JOIN stays one: rows without a match keep NULL
        return self


def join_select(qs, select_qs, name: str, on: list[tuple[str, str]]):
    """`qs` with `select_qs` LEFT JOINed in (JoinedSelect); returns the queryset and the
    joined set's alias, for JoinedColumn."""
    qs = qs.all()
    base = qs.query.get_initial_alias()
    alias = qs.query.join(JoinedSelect(select_qs.query, name, base, on))
    return qs, alias


class JoinedColumn(models.Expression):
    """A column of a set joined in with join_select."""

    def __init__(self, alias: str, column: str, output_field):
        super().__init__(output_field=output_field)
        self.alias, self.column = alias, column

    def as_sql(self, compiler, conn):
        qn = compiler.quote_name_unless_alias
        return f"{qn(self.alias)}.{conn.ops.quote_name(self.column)}", []


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
            # Strings and integers go as one text parameter, an array literal the server
            # casts: psycopg would dump a list element by element (5 ms for 5,000 ids).
            values = rhs_params[0]
            if values and all(type(v) is str for v in values):
                return f"{lhs} = ANY(%s::text[])", [*lhs_params, _text_array(values)]
            if values and all(type(v) is int for v in values):
                literal = "{" + ",".join(map(str, values)) + "}"
                return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, literal]
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
    Errors from either side are raised here as Django's database errors. Returns the number
    of rows written."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_export_snapshot()")
        snapshot = cur.fetchone()[0]
    if not _SNAPSHOT_ID.match(snapshot):  # it is spliced into SET TRANSACTION SNAPSHOT
        raise ValueError(f"unexpected snapshot id {snapshot!r}")
    reader = _Reader(snapshot, select_sql, params)
    reader.start()
    try:
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        statement = f"COPY {connection.ops.quote_name(table)} ({cols}) FROM STDIN (FORMAT binary)"
        with connection.wrap_database_errors, connection.cursor() as cur:
            with cur.cursor.copy(statement) as copy:
                while (chunk := reader.next_chunk()) is not None:
                    copy.write(chunk)
            return cur.cursor.rowcount
    except BaseException:
        reader.stop()  # its query cancelled: it does not read on for nobody
        raise
    finally:
        reader.join()


#: The reader hands rows over in chunks of about this many bytes, at most this many waiting.
_CHUNK = 1 << 18
_WAITING = 32
#: How long the reader waits for a lock. The writer already holds the tables' share locks,
#: so a lock the reader waits for can be one queued behind the writer (a migration's, say):
#: a wait PostgreSQL cannot see as a deadlock. The cycle then fails and can be run again.
_LOCK_TIMEOUT = "10s"


class _Reader(threading.Thread):
    """The reader of stream_insert: its own connection, the writer's snapshot, the rows handed
    over through a bounded queue; stop() cancels its query."""

    def __init__(self, snapshot: str, select_sql: str, params):
        super().__init__(name="stream-insert-reader", daemon=True)
        self.snapshot, self.select_sql, self.params = snapshot, select_sql, params
        self.chunks: queue.Queue = queue.Queue(maxsize=_WAITING)
        self.stopped = threading.Event()
        self.raw = None  # the reader's psycopg connection, to cancel its query

    def next_chunk(self):
        """The next chunk of rows, None at the end; the reader's error is raised here."""
        item = self.chunks.get()
        if isinstance(item, BaseException):
            raise item
        return item

    def stop(self) -> None:
        self.stopped.set()
        raw = self.raw
        if raw is not None:
            try:
                raw.cancel_safe()
            except Exception:  # the query may be over already
                pass

    def _hand(self, item) -> None:
        while not self.stopped.is_set():
            try:
                self.chunks.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def run(self) -> None:
        try:
            with connection.wrap_database_errors, connection.cursor() as cur:  # its own
                self.raw = cur.cursor.connection
                cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                try:
                    cur.execute(f"SET TRANSACTION SNAPSHOT '{self.snapshot}'")
                    # Compiling these plans (JIT, in the leader and each parallel worker)
                    # costs more than it saves: ~0.4 s of the cycle's 1.6 s select.
                    cur.execute("SET LOCAL jit = off")
                    cur.execute(f"SET LOCAL lock_timeout = '{_LOCK_TIMEOUT}'")
                    statement = f"COPY ({self.select_sql}) TO STDOUT (FORMAT binary)"
                    with cur.cursor.copy(statement, self.params) as copy:
                        buffer = bytearray()
                        for data in copy:
                            buffer += data
                            if len(buffer) >= _CHUNK:
                                self._hand(bytes(buffer))
                                buffer.clear()
                        self._hand(bytes(buffer))
                finally:
                    if not self.stopped.is_set():
                        cur.execute("ROLLBACK")
        except BaseException as exc:  # handed to the writing thread
            self._hand(exc)
        finally:
            self._hand(None)
            connection.close()
