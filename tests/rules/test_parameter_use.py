"""Which parameter rows a computation read (track_parameters), and the CLI saying which
unconfirmed figures its numbers rest on."""

import io
import json
import threading
from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from ansinh.rules.cli import main
from ansinh.rules.hi import hi_quote
from ansinh.rules.months import Month
from ansinh.rules.parameters import (
    ParameterTable,
    current_use,
    default_table,
    families,
    track_parameters,
)
from ansinh.rules.pension import assess, constant_history
from ansinh.rules.vsi import vsi_quote

T = default_table()


def test_every_lookup_in_the_block_is_recorded_memo_hits_too():
    table = ParameterTable(T.rows)  # a fresh memo
    with track_parameters() as first:
        vsi_quote(table, 1_500_000, ["poor"], date(2025, 8, 1), 1)
    with track_parameters() as again:  # the same lookups, now answered from the memo
        vsi_quote(table, 1_500_000, ["poor"], date(2025, 8, 1), 1)
    assert {r.key for r in first.rows} == {r.key for r in again.rows}
    assert {"vsi.rate", "poverty.rural", "vsi.support.poor"} <= {r.key for r in first.rows}
    assert current_use() is None  # outside any block, nothing is recorded


def test_blocks_nest_and_the_outer_block_sees_the_inner_reads():
    with track_parameters() as outer:
        T.value("vsi.rate", date(2025, 8, 1))
        with track_parameters() as inner:
            T.value("poverty.rural", date(2025, 8, 1))
    assert [r.key for r in inner.rows] == ["poverty.rural"]
    assert [r.key for r in outer.rows] == ["vsi.rate", "poverty.rural"]


def test_a_missing_value_is_not_a_read():
    with track_parameters() as used:
        assert T.value_or("no.such.key", date(2025, 1, 1), 7) == 7
    assert len(used) == 0 and used.rows == []


def test_each_thread_records_its_own_reads():
    seen = {}

    def work(name, key):
        with track_parameters() as used:
            T.value(key, date(2025, 8, 1))
            seen[name] = [r.key for r in used.rows]

    threads = [
        threading.Thread(target=work, args=("a", "vsi.rate")),
        threading.Thread(target=work, args=("b", "poverty.rural")),
    ]
    with track_parameters() as here:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert seen == {"a": ["vsi.rate"], "b": ["poverty.rural"]}
    assert len(here) == 0


def test_the_unconfirmed_figures_of_real_computations():
    with track_parameters() as used:
        vsi_quote(T, 1_500_000, ["other"], date(2025, 8, 1), 1)
    assert used.unconfirmed == []  # all confirmed before 07/2026
    with track_parameters() as used:
        vsi_quote(T, 1_500_000, ["other"], date(2026, 8, 1), 1)
    assert [r.key for r in used.unconfirmed] == ["reference_level"]  # Decree 161/2026 date
    assert "UNCONFIRMED" in used.unconfirmed[0].source
    with track_parameters() as used:
        hi_quote(T, 2, date(2025, 8, 1), 12)
    assert [r.key for r in used.unconfirmed] == ["hi.periods"]
    with track_parameters() as used:
        history = constant_history(Month(2010, 1), 187, 5_000_000)
        assess(T, "F", Month(1970, 1), history, Month(2026, 1))
    keys = {r.key for r in used.unconfirmed}
    assert {f"pension.adjustment.{y}" for y in range(2010, 2026)} <= keys
    [fam] = [f for f in families(used.unconfirmed) if f.label.startswith("pension.adjustment")]
    assert fam.label == "pension.adjustment.2010-2025" and len(fam.rows) == 16


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=1_500_000, max_value=40_000_000),
    st.dates(min_value=date(2018, 1, 1), max_value=date(2027, 12, 31)),
    st.sampled_from([1, 3, 6, 12]),
    st.data(),
)
def test_a_row_is_reported_unconfirmed_exactly_when_the_computation_read_it(
    income, on, months, data
):
    confirmed = ParameterTable(replace(r, unconfirmed=False) for r in T.rows)
    with track_parameters() as used:
        try:
            vsi_quote(confirmed, income, ["near_poor"], on, months)
        except ValueError:
            return
    assert used.unconfirmed == []
    read = used.rows
    marked = data.draw(st.sampled_from(confirmed.rows))
    table = ParameterTable(replace(r, unconfirmed=r == marked) for r in confirmed.rows)
    with track_parameters() as again:
        vsi_quote(table, income, ["near_poor"], on, months)
    reported = [(r.key, r.valid_from, r.province) for r in again.unconfirmed]
    was_read = (marked.key, marked.valid_from, marked.province) in {
        (r.key, r.valid_from, r.province) for r in read
    }
    assert reported == ([(marked.key, marked.valid_from, marked.province)] if was_read else [])


def _json(*argv):
    out, err = io.StringIO(), io.StringIO()
    assert main([*argv, "--json"], stdout=out, stderr=err) == 0, err.getvalue()
    return json.loads(out.getvalue())


def test_cli_json_names_each_unconfirmed_parameter_and_its_source():
    d = _json("quote", "vsi", "--income", "1500000", "--on", "2025-08-01")
    assert d["unconfirmed"] == []
    d = _json("quote", "vsi", "--income", "1500000", "--on", "2026-08-01")
    [row] = d["unconfirmed"]
    assert row["key"] == "reference_level" and row["value"] == 2_530_000
    assert row["valid_from"] == "2026-07-01" and "Decree 161/2026" in row["source"]
    d = _json("quote", "hi", "--members", "3", "--on", "2025-08-01")
    assert [r["key"] for r in d["unconfirmed"]] == ["hi.periods"]
    d = _json("pension", "--sex", "F", "--born", "1970-01", "--months", "187",
              "--income", "5000000", "--on", "2026-01")  # fmt: skip
    assert {r["key"] for r in d["unconfirmed"]} >= {"pension.adjustment.2024"}
    assert all(r["source"] for r in d["unconfirmed"])


def test_cli_text_says_the_unconfirmed_figures_once_per_family():
    out, err = io.StringIO(), io.StringIO()
    argv = ["pension", "--sex", "F", "--born", "1970-01", "--months", "187", "--income",
            "5000000", "--on", "2026-01"]  # fmt: skip
    assert main(argv, stdout=out, stderr=err) == 0
    lines = [x for x in out.getvalue().splitlines() if x.startswith("Chưa xác nhận")]
    adjustment = [x for x in lines if "pension.adjustment" in x]
    assert len(adjustment) == 1 and "pension.adjustment.2010-2025" in adjustment[0]
    assert "MOLISA/MOHA circular" in adjustment[0]
    assert all(" — " in x for x in lines)  # each with its source
