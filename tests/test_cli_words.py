"""The `ansinh` command's words: the payment mode as people say it ('hằng tháng (monthly)', not
'every 1 months'), and an unknown --province refused by name with the valid codes listed."""

import pytest

from ansinh import cli

from .rules.test_cli import run

pytestmark = pytest.mark.django_db
QUOTE = ["quote", "vsi", "--income", "1500000", "--on", "2025-08-01"]


@pytest.mark.parametrize(
    ("mode", "said"),
    [
        ("1", "hằng tháng (monthly)"),
        ("3", "3 tháng một lần (every 3 months)"),
        ("6", "6 tháng một lần (every 6 months)"),
        ("12", "12 tháng một lần (every 12 months)"),
    ],
)
def test_the_mode_reads_naturally(mode, said):
    code, out, _err = run(*QUOTE, "--mode", mode)
    assert code == 0
    assert f"Phương thức (mode):                 {said}\n" in out
    assert "every 1 months" not in out and "1 tháng / lần" not in out


def test_an_unknown_province_is_refused_by_name_in_vietnamese(monkeypatch, capsys):
    monkeypatch.setenv("ANSINH_LANGUAGE", "vi")
    assert cli.main(["ansinh", *QUOTE, "--province", "99"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: --province: 99 không phải mã tỉnh, thành phố.")
    assert "01 Thành phố Hà Nội" in captured.err and "ansinh quote vsi --help" in captured.err


def test_an_unknown_province_is_refused_by_name_in_english(monkeypatch, capsys):
    monkeypatch.setenv("ANSINH_LANGUAGE", "en")
    argv = ["ansinh", "withdrawal", "--sex", "F", "--born", "1975-03", "--months", "60"]
    argv += ["--salary", "3000000", "--on", "2026-11", "--province", "99"]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --province: 99 is not the code of a province or city.")
    assert "01 Thành phố Hà Nội" in err


def test_a_known_province_still_quotes(monkeypatch, capsys):
    assert cli.main(["ansinh", *QUOTE, "--province", "01", "--group", "poor"]) == 0
    assert "tỉnh 01" in capsys.readouterr().out


def test_the_help_lists_the_codes(capsys):
    assert cli.main(["ansinh", *QUOTE[:2], "--help"]) == 0
    assert "01 Thành phố Hà Nội" in capsys.readouterr().out
