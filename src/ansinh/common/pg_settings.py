"""PostgreSQL settings for one block's transaction (decision 0030)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def transaction_settings(**values: str) -> Iterator[None]:
    """A transaction in which these PostgreSQL settings hold (`set_config(name, value,
    true)`: this transaction only). Inside a caller's transaction the caller's values are back
    when the block ends (a rolled-back block restores them itself). Elsewhere: just the
    transaction."""
    if connection.vendor != "postgresql" or not values:
        with transaction.atomic():
            yield
        return
    with transaction.atomic(), connection.cursor() as cur:
        before = {}
        for name, value in values.items():
            cur.execute("SELECT current_setting(%s)", [name])
            before[name] = cur.fetchone()[0]
            cur.execute("SELECT set_config(%s, %s, true)", [name, value])
        yield
        for name, value in before.items():
            cur.execute("SELECT set_config(%s, %s, true)", [name, value])


def one_core():
    """A transaction whose queries each run in one server process (no parallel workers).

    A figures refresh in `manage.py db_worker` scanned the national HI cards with a leader
    and two workers, every core of a 2-core server, and the pages beside it waited for a core
    (page p95 over 300 ms during the refreshes). On one process it takes longer and the
    requests keep the other cores.
    """
    return transaction_settings(max_parallel_workers_per_gather="0")


def index_reads_at_cache_cost():
    """A transaction in which PostgreSQL costs a random page read at 1.1 sequential ones (as
    for data in memory or on SSD) instead of its default 4.0 (spinning disks).

    One office's figures at national scale: its 128,000 people's HI cards read through
    `hi_person_counts` in 0.4 s, where the default cost chose to scan the country's 10 million
    cards (3.8-4.9 s on one core) for some offices and not for others of the same size.
    """
    return transaction_settings(random_page_cost="1.1")
