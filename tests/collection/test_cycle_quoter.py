"""The cycle's quotes, shared by the provinces of one issuing (collection.cycle._Quoter)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansinh.collection.cycle import _Quoter
from ansinh.parameters.table import current_table
from ansinh.rules.vsi import vsi_quote

pytestmark = pytest.mark.django_db

GROUPS = ["other", "poor", "near_poor", "ethnic_minority"]


def _own_provinces():
    return sorted({r.province for r in current_table().rows if r.province})


def test_a_province_with_its_own_rows_is_quoted_apart_and_the_others_share_one_quote():
    own = _own_provinces()
    assert own, "the parameters table has a province with its own rows (the test's premise)"
    quoter = _Quoter(historical=False)
    on = date(2026, 11, 1)
    for province in [*own, "82", "79"]:
        for group in GROUPS:
            q = vsi_quote(quoter.table, 2_000_000, (group,), on, months=3, province=province)
            expected = (q.gross_total, q.support_total, q.net_total)
            assert quoter.quote(2_000_000, group, on, 3, province) == expected
    # two provinces without rows of their own: one entry, not two
    keys = {k for k in quoter._quotes if k[0] == 2_000_000 and k[1] == "poor"}
    assert len(keys) == len(own) + 1


def test_an_income_the_rules_refuse_is_no_quote():
    quoter = _Quoter(historical=False)
    assert quoter.quote(1, "other", date(2026, 11, 1), 1, "82") is None


@given(
    income=st.integers(1_500_000, 40_000_000).map(lambda x: x // 1000 * 1000),
    group=st.sampled_from(GROUPS),
    months=st.sampled_from([1, 3, 6, 12]),
    province=st.sampled_from(["01", "82", "79", "48"]),
)
def test_a_shared_quote_is_always_the_rules_own(income, group, months, province):
    quoter = _Quoter(historical=False)
    on = date(2026, 11, 1)
    quoter.quote(income, group, on, months, "82")  # another province asked first
    got = quoter.quote(income, group, on, months, province)
    q = vsi_quote(quoter.table, income, (group,), on, months=months, province=province)
    assert got == (q.gross_total, q.support_total, q.net_total)
