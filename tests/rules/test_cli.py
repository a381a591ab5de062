import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ansinh.rules import Month
from ansinh.rules.cli import main


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def run_json(*argv):
    code, out, err = run(*argv, "--json")
    assert code == 0, err
    assert err == ""
    return json.loads(out)


def test_quote_vsi_json():
    d = run_json("quote", "vsi", "--income", "1500000", "--group", "poor", "--on", "2025-08-01")
    assert d["gross_monthly"] == 330_000
    assert d["support_monthly"] == 165_000
    assert d["net_monthly"] == 165_000
    assert d["rate_percent"] == 22
    assert d["national_support_percent"] == 50
    d = run_json(
        "quote", "vsi", "--income", "1500000", "--group", "near-poor",
        "--group", "ethnic-minority", "--on", "2025-08-01", "--months", "12",
    )  # fmt: skip
    assert d["support_monthly"] == 132_000
    assert d["gross_total"] == 3_960_000
    assert d["support_total"] == 1_584_000
    assert d["net_total"] == 2_376_000


def test_quote_vsi_hanoi_and_old_rates():
    d = run_json(
        "quote", "vsi", "--income", "1500000", "--group", "poor", "--on", "2025-08-01",
        "--province", "01",
    )  # fmt: skip
    assert d["support_monthly"] == 330_000 and d["net_monthly"] == 0
    assert d["local_support_percent"] == 50
    d = run_json("quote", "vsi", "--income", "1500000", "--group", "other", "--on", "2024-08-01")
    assert d["support_monthly"] == 33_000


def test_quote_vsi_human():
    code, out, err = run("quote", "vsi", "--income", "1500000", "--group", "poor", "--on",
                         "2025-08-01", "--months", "12")  # fmt: skip
    assert code == 0 and err == ""
    assert "330.000" in out and "165.000" in out and "3.960.000" in out


def test_quote_hi():
    d = run_json("quote", "hi", "--members", "5", "--on", "2025-08-01", "--months", "12")
    assert [m["monthly"] for m in d["per_member"]] == [105_300, 73_710, 63_180, 52_650, 42_120]
    assert d["per_member"][0]["amount"] == 1_263_600
    assert d["total"] == sum(m["amount"] for m in d["per_member"]) == 4_043_520
    code, out, _ = run("quote", "hi", "--members", "2", "--on", "2025-08-01", "--months", "12")
    assert code == 0 and "1.263.600" in out


def test_retirement():
    d = run_json("retirement", "--sex", "F", "--born", "1970-01")
    assert (d["age_years"], d["age_months"]) == (57, 4)
    assert d["reached"] == "2027-05" and d["pension_start"] == "2027-06"
    code, out, _ = run("retirement", "--sex", "M", "--born", "1964-10")
    assert code == 0 and "61 tuổi 6 tháng" in out and "04/2026" in out


def test_pension_constant_income():
    d = run_json("pension", "--sex", "F", "--born", "1970-01", "--months", "187",
                 "--income", "5000000", "--on", "2026-11")  # fmt: skip
    assert d["counted_months"] == 187
    assert d["counted_years"] == 15 and d["leftover_months"] == 7
    assert d["rate_percent"] == 47
    assert d["eligible"] is False  # retirement age only in 2027-05
    assert d["pension_start"] == "2027-06"
    assert d["monthly_pension"] == round(d["average_income"] * 0.47)
    assert d["one_time_withdrawal"] > 0
    d = run_json("pension", "--sex", "F", "--born", "1970-01", "--months", "187",
                 "--income", "5000000", "--on", "2027-06")  # fmt: skip
    assert d["eligible"] is True


def test_pension_history_file(tmp_path: Path):
    f = tmp_path / "h.csv"
    rows = ["month,income,kind,support"]
    m = Month(2000, 1)
    for _ in range(77):
        rows.append(f"{m},1300000,compulsory,")
        m += 1
    m = Month(2011, 2)
    for _ in range(163):
        support = 0 if m.year < 2018 else (15400 if m.year < 2022 else 33000)
        rows.append(f"{m},3300000,voluntary,{support}")
        m += 1
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    d = run_json("pension", "--sex", "F", "--born", "1968-04", "--history", str(f),
                 "--on", "2024-09")  # fmt: skip
    assert d["counted_years"] == 20 and d["eligible"] is True
    assert d["rate_percent"] == 55
    assert 2_000_000 < d["monthly_pension"] < 2_600_000


def test_pension_history_file_errors(tmp_path: Path):
    f = tmp_path / "bad.csv"
    f.write_text("month,income,kind\n2025-13,100,voluntary\n", encoding="utf-8")
    code, out, err = run("pension", "--sex", "F", "--born", "1970-01", "--history", str(f))
    assert code == 2 and out == "" and "line 2" in err
    code, out, err = run("pension", "--sex", "F", "--born", "1970-01", "--history", "/nope.csv")
    assert code == 2 and out == "" and "cannot read" in err
    code, out, err = run("pension", "--sex", "F", "--born", "1970-01")
    assert code == 2 and out == ""


@pytest.mark.parametrize(
    "argv,needle",
    [
        (
            ["quote", "vsi", "--income", "1000000", "--on", "2025-08-01"],
            "below the minimum 1,500,000",
        ),
        (["quote", "vsi", "--income", "99000000", "--on", "2025-08-01"], "above the maximum"),
        (["quote", "vsi", "--income", "1500000", "--group", "rich"], "unknown group"),
        (["quote", "vsi", "--income", "1500000", "--on", "2025-02-30"], "invalid date"),
        (["quote", "hi", "--members", "0", "--on", "2025-08-01"], "at least 1"),
        (["quote", "hi", "--members", "2", "--on", "2025-08-01", "--months", "5"], "3, 6, 12"),
        (["retirement", "--sex", "X", "--born", "1970-01"], "M or F"),
        (["retirement", "--sex", "F", "--born", "1970-13"], "month"),
        (["pension", "--sex", "F", "--born", "1970-01", "--months", "10"], "--income"),
        (["nothing"], "invalid choice"),
        ([], "required"),
    ],
)
def test_bad_input_exit_2(argv, needle):
    code, out, err = run(*argv)
    assert code == 2
    assert out == ""
    assert needle in err


def test_help_goes_to_stdout():
    code, out, err = run("pension", "--help")
    assert code == 0 and "month,income,kind,support" in out


def test_rules_import_no_django():
    code = (
        "import sys; sys.path.insert(0, 'src'); import ansinh.rules, ansinh.rules.cli; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)
