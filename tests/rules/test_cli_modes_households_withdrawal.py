"""`ansinh quote vsi --mode/--support-used`, `quote hi --member`, `ansinh withdrawal`."""

import io
import json

from ansinh.rules.cli import main


def run(*argv, table=None):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), table=table, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def run_json(*argv, table=None):
    code, out, err = run(*argv, "--json", table=table)
    assert code == 0, err
    return json.loads(out)


VSI = ("quote", "vsi", "--income", "2000000", "--on", "2025-08-01")


def test_advance_prints_with_and_without_the_discount():
    d = run_json(*VSI, "--mode", "advance", "--months", "24")
    assert d["mode"] == "advance" and d["months"] == 24
    assert d["plain_total"] == 10_560_000 and d["gross_total"] == 9_977_299
    assert d["adjustment"] == -582_701
    assert d["net_total"] == 9_977_299 - 24 * 66_000
    assert d["deadline"] == "2025-08"
    assert "vsi.fund_monthly_return" in d["parameters"]
    code, out, err = run(*VSI, "--mode", "advance", "--months", "24")
    assert code == 0 and "10.560.000 đ" in out and "9.977.299 đ" in out and "chiết khấu" in out


def test_periodic_modes_and_their_deadlines():
    d = run_json(*VSI, "--mode", "6")
    assert (d["months"], d["deadline"], d["adjustment"]) == (6, "2025-11", 0)
    assert run_json(*VSI, "--mode", "12")["deadline"] == "2026-02"
    assert run_json(*VSI)["months"] == 1  # the default stays one month


def test_payback_refused_with_the_reason_and_priced_when_allowed():
    code, out, err = run(*VSI, "--mode", "payback", "--months", "3")
    assert code == 2 and out == ""
    assert "vsi.missed_months_payback" in err and "not allowed" in err
    from tests.rules.test_payment_modes import payback_on

    d = run_json(*VSI, "--mode", "payback", "--months", "3", table=payback_on())
    assert (d["plain_total"], d["gross_total"], d["adjustment"]) == (1_320_000, 1_333_244, 13_244)
    code, out, err = run(*VSI, "--mode", "payback", "--months", "3", table=payback_on())
    assert "1.320.000 đ" in out and "1.333.244 đ" in out and "lãi" in out


def test_support_used_near_the_cap():
    d = run_json(*VSI, "--group", "poor", "--mode", "6", "--support-used", "118")
    assert d["supported_months"] == 2 and d["support_months_left"] == 0
    assert d["support_total"] == 2 * 165_000 and d["support_months_used"] == 118
    code, out, err = run(*VSI, "--group", "poor", "--support-used", "100")
    assert "còn lại 19" in out


def test_bad_mode_months_and_support_used_name_the_option():
    for extra, word in (
        (("--mode", "2"), "--mode"),
        (("--mode", "3", "--months", "4"), "multiple of 3"),
        (("--mode", "advance", "--months", "18"), "whole years"),
        (("--support-used", "-1"), "--support-used"),
    ):
        code, out, err = run(*VSI, *extra)
        assert code == 2 and out == "" and word in err, (extra, err)


def test_household_members_joining_at_different_times():
    d = run_json("quote", "hi", "--member", "2025-08-01", "--member", "2025-10-01")
    assert d["card_end"] == "2026-07-31"
    assert [(m["rank"], m["percent"], m["months"], m["amount"]) for m in d["members"]] == [
        (1, 100, 12, 1_263_600),
        (2, 70, 10, 737_100),
    ]
    assert d["total"] == 2_000_700 and "hi.ladder.2" in d["parameters"]
    d = run_json(
        "quote", "hi", "--member", "2025-12-01", "--until", "2026-07-31", "--enrolled", "2"
    )
    assert d["members"][0]["rank"] == 3 and d["members"][0]["amount"] == 8 * 63_180
    code, out, err = run("quote", "hi", "--member", "2025-08-01", "--member", "2025-10-01")
    assert "31/07/2026" in out and "737.100 đ" in out and "Người thứ 2 (70%)" in out


def test_household_bad_input():
    code, out, err = run("quote", "hi", "--member", "2025-08-01", "--member", "2026-09-01")
    assert code == 2 and "member 2" in err
    code, out, err = run("quote", "hi", "--member", "2025-13-01")
    assert code == 2 and "--member" in err
    code, out, err = run("quote", "hi", "--members", "2", "--until", "2026-07-31")
    assert code == 2 and "--member DATE" in err
    code, out, err = run("quote", "hi")
    assert code == 2 and "--members" in err
    # the plain ladder still works and now gives the card's end date
    assert run_json("quote", "hi", "--members", "2", "--on", "2025-08-01")["card_end"] == (
        "2026-07-31"
    )


def _history(tmp_path, rows):
    path = tmp_path / "history.csv"
    path.write_text("month,income,kind,support\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


def test_withdrawal_from_a_history_beside_the_pension_given_up(tmp_path):
    rows = []
    for i in range(67):  # 09/2011 .. 03/2017, the worked example of test_withdrawal.py
        y, m = divmod(2011 * 12 + 8 + i, 12)
        rows.append(f"{y}-{m + 1:02d},3000000,compulsory,")
    path = _history(tmp_path, rows)
    d = run_json("withdrawal", "--sex", "F", "--born", "1980-05", "--history", path,
                 "--on", "2026-01")  # fmt: skip
    assert d["amount"] == 46_919_104 and d["average_income"] == 4_265_373
    assert (d["years_before_2014"], d["years_from_2014"]) == (2, 4)
    assert d["multiplier_before_2014"] == 1.5 and d["multiplier_from_2014"] == 2
    cont = d["continue"]
    assert cont["monthly_pension"] > 0 and cont["months_needed"] > 0
    assert cont["income"] == 1_500_000  # the minimum when no income is given
    assert "withdrawal.leftover_rounding" in d["parameters"]
    code, out, err = run("withdrawal", "--sex", "F", "--born", "1980-05", "--history", path,
                         "--on", "2026-01", "--income", "2000000")  # fmt: skip
    assert code == 0 and "46.919.104 đ" in out and "lương hưu" in out and "2.000.000 đ" in out


def test_withdrawal_support_and_severe_illness(tmp_path):
    path = _history(tmp_path, [f"2024-{m:02d},2000000,voluntary,66000" for m in range(1, 13)])
    base = ("withdrawal", "--sex", "M", "--born", "1985-01", "--history", path, "--on", "2026-01")
    d = run_json(*base)
    assert d["support_deducted"] == 12 * 66_000 and d["amount"] == d["gross"] - 792_000
    ill = run_json(*base, "--severe-illness")
    assert ill["support_deducted"] == 0 and ill["amount"] == d["gross"]


def test_withdrawal_bad_history_names_the_line(tmp_path):
    path = _history(tmp_path, ["2024-01,2000000,voluntary,", "2024-02,abc,voluntary,"])
    code, out, err = run("withdrawal", "--sex", "F", "--born", "1980-05", "--history", path)
    assert code == 2 and out == "" and "line 3" in err
    path = _history(tmp_path, ["2030-01,2000000,voluntary,"])
    code, out, err = run("withdrawal", "--sex", "F", "--born", "1980-05", "--history", path,
                         "--on", "2026-01")  # fmt: skip
    # paid ahead: refunded, not counted (the counselling page's rule), not refused
    assert code == 0 and err == "" and "1 tháng đóng trước" in out
    d = run_json("withdrawal", "--sex", "F", "--born", "1980-05", "--history", path,
                 "--on", "2026-01")  # fmt: skip
    assert (d["refunded_months"], d["counted_months"], d["amount"]) == (1, 0, 0)
    code, out, err = run("withdrawal", "--sex", "F", "--born", "1980-05")
    assert code == 2 and "--history" in err
