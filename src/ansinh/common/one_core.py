"""Background work beside the pages people are waiting for (decision 0030)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def one_core() -> Iterator[None]:
    """A transaction whose queries each run in one server process: on PostgreSQL without
    parallel workers (`max_parallel_workers_per_gather = 0`, for this transaction only).

    A figures refresh in `manage.py db_worker` scanned the national HI members with a
    leader and two workers, every core of a 2-core server, and the pages beside it waited
    for a core (page p95 over 300 ms during the refreshes). On one process it takes longer
    and the requests keep the other cores. Inside a caller's transaction the caller's
    setting is back when the block ends (a rolled-back block restores it itself).
    Elsewhere: just the transaction.
    """
    if connection.vendor != "postgresql":
        with transaction.atomic():
            yield
        return
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT current_setting(%s), set_config(%s, '0', true)", [_SETTING, _SETTING])
        before = cur.fetchone()[0]
        yield
        cur.execute("SELECT set_config(%s, %s, true)", [_SETTING, before])


_SETTING = "max_parallel_workers_per_gather"
