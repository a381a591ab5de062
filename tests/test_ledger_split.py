"""One truth for the monthly split: the import's SQL splits a receipt's gross and support over
its months exactly as `enrolment.ledger.split_total` does, on the database the suite runs on.

`split_sql` is the expression the import's INSERT of contribution months uses (the statement
is built from it); hypothesis draws totals, period lengths and supported months, and each
month's share computed by the database is compared with Python's.
"""

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansinh.enrolment.ledger import split_sql, split_total

pytestmark = pytest.mark.django_db

_MANY = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _db_split(total: int, months: int, count: int, *, capped: bool) -> list[int]:
    """split_sql evaluated by the database for i = 0 .. count - 1, on integer columns as the
    staged rows' (gross and support bigint, months an integer)."""
    expr = split_sql("s.total", "s.months", "s.i", capped=capped)
    values = " UNION ALL ".join(["SELECT %s AS i"] * count)
    sql = (
        f"SELECT {expr} FROM (SELECT CAST(%s AS BIGINT) AS total, "
        f"CAST(%s AS INTEGER) AS months, CAST(n.i AS INTEGER) AS i FROM ({values}) n) s "
        "ORDER BY s.i"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [total, months, *range(count)])
        return [row[0] for row in cur.fetchall()]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(total=st.integers(0, 60 * 50_600_000), months=st.integers(1, 60))
def test_the_gross_split_in_sql_is_split_total(total, months):
    assert _db_split(total, months, months, capped=False) == split_total(total, months)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    support=st.integers(0, 120 * 1_000_000),
    months=st.integers(1, 60),
    supported=st.integers(0, 60),
)
def test_the_support_split_in_sql_is_split_total_over_the_supported_months(
    support, months, supported
):
    """Support is shared over the first `supported` months (the 120-month cap may leave
    fewer than the period's, or none); the later months get 0."""
    supported = min(supported, months)
    expected = split_total(support, supported) + [0] * (months - supported)
    assert _db_split(support, supported, months, capped=True) == expected


def test_the_split_keeps_every_dong():
    assert split_total(1_000, 3) == [333, 333, 334]
    assert _db_split(1_000, 3, 3, capped=False) == [333, 333, 334]
    assert _db_split(1_000, 0, 2, capped=True) == [0, 0]
