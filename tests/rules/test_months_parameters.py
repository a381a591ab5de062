from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansinh.rules import (
    DEFAULT_PARAMETERS,
    MissingParameter,
    Month,
    Param,
    ParameterTable,
    default_table,
    iter_months,
)
from ansinh.rules.money import fmt_dong, round_dong

months = st.builds(Month, st.integers(1900, 2100), st.integers(1, 12))


def test_month_basics():
    m = Month.parse("2025-08")
    assert str(m) == "2025-08"
    assert m == Month(2025, 8) == Month.of(date(2025, 8, 31))
    assert m + 5 == Month(2026, 1)
    assert m - 8 == Month(2024, 12)
    assert Month(2026, 1) - m == 5
    assert m.first_day() == date(2025, 8, 1)
    assert m.last_day() == date(2025, 8, 31)
    assert Month(2024, 2).last_day() == date(2024, 2, 29)
    assert list(iter_months(Month(2024, 11), Month(2025, 2))) == [
        Month(2024, 11),
        Month(2024, 12),
        Month(2025, 1),
        Month(2025, 2),
    ]
    assert list(iter_months(Month(2025, 2), Month(2025, 1))) == []
    assert Month(2024, 12) < Month(2025, 1)


@pytest.mark.parametrize("bad", ["2025-13", "2025", "25-08", "abc", "2025-00"])
def test_month_parse_rejects(bad):
    with pytest.raises(ValueError):
        Month.parse(bad)


@given(months, st.integers(-2000, 2000))
def test_month_arithmetic_roundtrip(m, n):
    assert (m + n) - n == m
    assert (m + n) - m == n
    assert Month.parse(str(m)) == m


def test_round_half_up():
    from fractions import Fraction

    assert round_dong(Fraction(1, 2)) == 1
    assert round_dong(Decimal("2.5")) == 3
    assert round_dong(Decimal("2.4999")) == 2
    assert round_dong(Fraction(-5, 2)) == -3
    assert fmt_dong(1263600) == "1.263.600"
    assert fmt_dong(1263600, ",") == "1,263,600"


def test_default_table_reference_amounts():
    t = default_table()
    assert t.value("base_salary", date(2019, 7, 1)) == 1_490_000
    assert t.value("base_salary", date(2023, 6, 30)) == 1_490_000
    assert t.value("base_salary", date(2023, 7, 1)) == 1_800_000
    assert t.value("base_salary", date(2025, 8, 1)) == 2_340_000
    assert t.value("reference_level", date(2026, 7, 1)) == 2_530_000
    assert t.row("base_salary", date(2026, 7, 1)).unconfirmed
    assert t.value("poverty.rural", date(2016, 1, 1)) == 700_000
    assert t.value("poverty.rural", date(2026, 12, 31)) == 1_500_000
    assert t.value("poverty.rural", date(2027, 1, 1)) == 2_200_000
    assert t.value("poverty.urban", date(2027, 1, 1)) == 2_800_000
    assert t.value("vsi.rate", date(2025, 8, 1)) == Decimal("0.22")
    assert t.value("vsi.support.max_months", date(2025, 8, 1)) == 120
    assert t.value("vsi.support.poor", date(2017, 12, 31)) == 0
    assert t.value("vsi.missed_months_payback", date(2025, 8, 1)) is False
    assert t.row("vsi.missed_months_payback", date(2025, 8, 1)).unconfirmed
    assert t.row("vsi.fund_monthly_return", date(2025, 8, 1)).unconfirmed
    assert t.value("pension.adjustment.2015", date(2026, 1, 1)) == Decimal("1.37")
    assert t.value("pension.adjustment.2008", date(2026, 1, 1)) == Decimal("2.29")
    assert t.value("pension.adjustment.2024", date(2026, 1, 1)) == Decimal("1.03")
    assert t.value("hi.rate", date(2025, 8, 1)) == Decimal("0.045")
    assert t.value("benefit.maternity.amount", date(2025, 8, 1)) == 2_000_000
    assert t.value("social_pension.amount", date(2025, 8, 1)) == 500_000


def test_adjustment_coefficients_monotone():
    t = default_table()
    on = date(2026, 1, 1)
    values = [t.value(f"pension.adjustment.{y}", on) for y in range(2008, 2027)]
    assert values == sorted(values, reverse=True)
    assert all(t.row(f"pension.adjustment.{y}", on).unconfirmed for y in range(2008, 2027))


def test_provincial_rows():
    t = default_table()
    on = date(2025, 8, 1)
    assert t.value("vsi.local_support.poor", on, province="01") == 50
    assert t.value("vsi.local_support.near_poor", on, province="01") == 60
    assert t.value_or("vsi.local_support.poor", on, 0, province="79") == 0
    assert t.value_or("vsi.local_support.poor", on, 0) == 0
    # a national key falls back to the national row for a province
    assert t.value("vsi.support.poor", on, province="01") == 50
    with pytest.raises(MissingParameter, match="vsi.local_support.poor"):
        t.value("vsi.local_support.poor", on)


def test_missing_parameter_messages():
    t = default_table()
    with pytest.raises(MissingParameter, match="unknown parameter 'nope'"):
        t.value("nope", date(2025, 1, 1))
    with pytest.raises(KeyError, match="no value in force on 1990-01-01"):
        t.value("base_salary", date(1990, 1, 1))
    assert t.value_or("base_salary", date(1990, 1, 1), 7) == 7


def test_overlapping_rows_rejected():
    with pytest.raises(ValueError, match="overlap"):
        ParameterTable(
            [
                Param("x", 1, date(2020, 1, 1)),
                Param("x", 2, date(2021, 1, 1)),
            ]
        )
    # same key, other province: fine
    ParameterTable(
        [Param("x", 1, date(2020, 1, 1)), Param("x", 2, date(2020, 1, 1), province="01")]
    )


def test_history_sorted():
    h = default_table().history("base_salary")
    assert [r.valid_from for r in h] == sorted(r.valid_from for r in h)
    assert h[-1].value == 2_530_000


def test_every_row_has_a_source_and_fits_the_db_columns():
    for p in DEFAULT_PARAMETERS:
        assert p.source, p.key
        assert len(p.key) <= 80 and len(p.value_text) <= 100 and len(p.source) <= 300, p
        assert p.province is None or (len(p.province) == 2 and p.province.isdigit())


def test_text_roundtrip_of_every_default_row():
    for p in DEFAULT_PARAMETERS:
        q = Param.from_text(
            p.key,
            p.value_text,
            p.value_type,
            p.valid_from,
            p.valid_to,
            p.source,
            p.unconfirmed,
            p.province or "",
            p.note,
        )
        assert q == p
        assert type(q.value) is type(p.value)
    assert {p.value_type for p in DEFAULT_PARAMETERS} == {"int", "decimal", "bool", "str"}
    with pytest.raises(ValueError):
        Param.parse_value("x", "float")
    with pytest.raises(ValueError):
        Param.parse_value("maybe", "bool")


def test_rebuilt_table_equals_default():
    rows = [
        Param.from_text(
            **{k: v for k, v in d.items() if k not in ("value", "valid_from", "valid_to")},
            value_text=d["value"],
            valid_from=date.fromisoformat(d["valid_from"]),
            valid_to=date.fromisoformat(d["valid_to"]) if d["valid_to"] else None,
        )
        for d in (p.to_dict() for p in DEFAULT_PARAMETERS)
    ]
    assert ParameterTable(rows).rows == default_table().rows


@st.composite
def dated_rows(draw):
    """A random series of non-overlapping rows of one key (with possible gaps)."""
    n = draw(st.integers(1, 6))
    start = draw(st.dates(date(2000, 1, 1), date(2020, 1, 1)))
    rows = []
    d = start
    for i in range(n):
        length = draw(st.integers(1, 2000))
        gap = draw(st.integers(0, 50))
        last = i == n - 1
        open_end = last and draw(st.booleans())
        end = None if open_end else d + timedelta(days=length - 1)
        rows.append(Param("k", i, d, end))
        if end is None:
            break
        d = end + timedelta(days=1 + gap)
    return rows


@given(dated_rows(), st.dates(date(1999, 1, 1), date(2040, 1, 1)))
def test_table_picks_row_in_force(rows, on):
    t = ParameterTable(rows)
    in_force = [r for r in rows if r.valid_from <= on and (r.valid_to is None or on <= r.valid_to)]
    assert len(in_force) <= 1
    if in_force:
        assert t.value("k", on) == in_force[0].value
    else:
        with pytest.raises(MissingParameter):
            t.value("k", on)
