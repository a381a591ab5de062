"""Command-line quotes from the rules (pure argparse, no Django).

Subcommands::

    quote vsi --income 1500000 --group poor [--group ethnic-minority] --on 2025-08-01
              [--mode 1|3|6|12|advance|missing|payback] [--months 12] [--support-used 110]
              [--province 01] [--json]
    quote hi --members 5 --on 2025-08-01 --months 12 [--json]
    quote hi --member 2025-08-01 --member 2025-10-01 [--months 12 | --until 2026-07-31]
             [--enrolled 2] [--json]
    retirement --sex F --born 1970-01 [--json]
    pension --sex F --born 1970-01 --months 187 --income 5000000 [--on 2026-11] [--json]
    pension --sex F --born 1970-01 --history FILE [--on 2026-11] [--json]
    withdrawal --sex F --born 1975-03 --history FILE [--on 2026-11] [--income 2000000]
               [--group poor] [--severe-illness] [--json]
    check cccd|bhxh|phone VALUE [--born YYYY-MM-DD|YYYY] [--sex M|F] [--json]

``check`` reads a personal number (:mod:`ansinh.rules.identity`): exit 0 and what the number
says (province, sex, birth years; the normalised number) when it passes, exit 1 and the reason
naming the field (on stderr; with ``--json`` as ``{"valid": false, ...}`` on stdout) when not.

``pension --months N --income X`` is a shortcut for N voluntary months at a
constant income, ending in the month before ``--on`` (default: this month).

``--history FILE`` reads a CSV file (UTF-8) with a header row
``month,income,kind,support``:

* ``month``: YYYY-MM, one row per month (a month may not repeat);
* ``income``: the monthly income (or salary) in whole dong;
* ``kind``: ``compulsory`` or ``voluntary`` (empty: voluntary);
* ``support``: state support received that month in dong (optional, empty: 0).

Output: readable text with thousands separators (1.263.600 đ), or with
``--json`` every figure as JSON (amounts in whole dong as numbers, months as
"YYYY-MM", dates as "YYYY-MM-DD", percentages as numbers).  Every computation says which
parameter rows marked unconfirmed its figures rest on: ``"unconfirmed"`` in the JSON (a list
of ``{key, value, valid_from, valid_to, province, source, note}``, empty when none), and a
closing "Chưa xác nhận (unconfirmed)" line per row in the text.  Invalid input
(income out of range, unknown group, bad month or date, members < 1, unknown
sex, unreadable history) prints a message on stderr and returns 2, with
nothing on stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import sys
import unicodedata
from datetime import date, timedelta
from decimal import Decimal
from typing import TextIO

from .errors import InputError
from .hi import hi_quote, household_quote
from .identity import FIELDS, IdentityError
from .identity import check as check_identity
from .money import fmt_dong
from .months import Month, shift_date
from .parameters import (
    MissingParameter,
    Param,
    ParameterTable,
    default_table,
    families,
    track_parameters,
)
from .pension import (
    ContributionMonth,
    assess,
    constant_history,
    continuation_start,
    one_time_withdrawal,
    project_continuation,
    withdrawal_month,
)
from .retirement import normalise_sex, retirement
from .vsi import (
    CLI_GROUP_NAMES,
    MODES,
    IncomeOutOfRange,
    PaybackNotAllowed,
    income_bounds,
    vsi_method_quote,
)

__all__ = ["main", "build_parser", "read_history_csv"]

HISTORY_HELP = (
    "CSV file with header month,income,kind,support: month YYYY-MM; income in dong; "
    "kind compulsory|voluntary (empty = voluntary); support = state support received "
    "that month in dong (optional)"
)


class UsageError(Exception):
    """Bad input: message to stderr, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # type: ignore[override]
        raise UsageError(f"{self.prog}: error: {message}")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {text!r}: expected YYYY-MM-DD") from None


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _group(text: str) -> str:
    name = CLI_GROUP_NAMES.get(text.strip().lower())
    if name is None:
        raise argparse.ArgumentTypeError(
            f"unknown group {text!r}; choose from {', '.join(CLI_GROUP_NAMES)}"
        )
    return name


def _sex(text: str) -> str:
    try:
        return normalise_sex(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _money(text: str) -> int:
    cleaned = text.strip().replace(",", "").replace(".", "").replace("_", "")
    if not cleaned.isdigit():
        raise argparse.ArgumentTypeError(f"invalid amount {text!r}: whole dong expected")
    return int(cleaned)


def _whole(text: str, minimum: int, rule: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number {text!r}") from None
    if n < minimum:
        raise argparse.ArgumentTypeError(f"{rule}, got {n}")
    return n


def _positive(text: str) -> int:
    return _whole(text, 1, "must be at least 1")


def _count(text: str) -> int:
    return _whole(text, 0, "must be 0 or more")


def _person_args(parser) -> None:
    """--sex and --born (a birth month), as retirement, pension and withdrawal take them."""
    parser.add_argument("--sex", type=_sex, required=True, help="M or F")
    parser.add_argument("--born", type=_month, required=True, help="birth month, YYYY-MM")


def _mode(text: str) -> str:
    t = text.strip().lower()
    if t not in MODES:
        raise argparse.ArgumentTypeError(f"unknown mode {text!r}; choose from {', '.join(MODES)}")
    return t


def _province(text: str) -> str:
    t = text.strip()
    if not (t.isdigit() and len(t) == 2):
        raise argparse.ArgumentTypeError(f"invalid province code {text!r}: two digits expected")
    return t


def _born(text: str) -> date | int:
    t = text.strip()
    if t.isdigit() and len(t) == 4:
        return int(t)
    return _date(t)


class CheckFailed(Exception):
    """`check` found the number wrong: exit 1 with the reason."""

    def __init__(self, data: dict, message: str):
        super().__init__(message)
        self.data = data


def build_parser(provinces=None) -> argparse.ArgumentParser:
    """``provinces`` (code -> name), when known, are listed in --province's help."""
    p = _Parser(prog="ansinh", description="Quotes from the social/health insurance rules.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    q = sub.add_parser("quote", help="premium quotes")
    qs = q.add_subparsers(dest="kind", required=True, parser_class=_Parser)
    province_help = "2-digit province code" + (f": {province_list(provinces)}" if provinces else "")
    _add_vsi_quote(qs, province_help)
    _add_hi_quote(qs)
    _add_retirement(sub)
    _add_pension(sub)
    _add_withdrawal(sub, province_help)
    _add_check(sub)
    p.set_defaults(provinces=provinces)
    return p


def _add_vsi_quote(qs, province_help) -> None:
    v = qs.add_parser("vsi", help="voluntary social insurance premium")
    v.add_argument("--income", type=_money, required=True, help="chosen monthly income (dong)")
    v.add_argument(
        "--group",
        type=_group,
        action="append",
        default=[],
        help="support group: " + ", ".join(CLI_GROUP_NAMES) + " (may repeat)",
    )
    v.add_argument("--on", type=_date, default=None, help="date, YYYY-MM-DD (default today)")
    v.add_argument(
        "--mode",
        type=_mode,
        default="1",
        help="payment mode: 1, 3, 6, 12 (months), advance (future years, discounted), missing "
        "(missing years at retirement age, compounded), payback (missed months, compounded; "
        "only where the table allows it); default 1",
    )
    v.add_argument(
        "--months",
        type=_positive,
        default=None,
        help="months paid (default: the mode's months; 12 for the lump sums; a multiple of 12 "
        "for advance and missing)",
    )
    v.add_argument(
        "--support-used",
        type=_count,
        default=0,
        help="supported months the person has already had (toward the 120-month lifetime cap)",
    )
    v.add_argument("--province", type=_province, default=None, help=province_help)
    v.add_argument("--json", action="store_true")


def _add_hi_quote(qs) -> None:
    h = qs.add_parser("hi", help="household health insurance premiums")
    h.add_argument("--members", type=_positive, help="members in the household, joining together")
    h.add_argument(
        "--member",
        type=_date,
        action="append",
        default=[],
        metavar="DATE",
        help="a member joining on DATE (YYYY-MM-DD; repeat per member): each pays their own "
        "months to the one card end date",
    )
    h.add_argument("--on", type=_date, default=None, help="date, YYYY-MM-DD (default today)")
    h.add_argument(
        "--months", type=_positive, default=None, help="3, 6 or 12 (default 12): the card period"
    )
    h.add_argument(
        "--until", type=_date, default=None, help="with --member: the card's end date instead"
    )
    h.add_argument(
        "--enrolled",
        type=_count,
        default=0,
        help="with --member: members already holding the card (the newcomers rank after them)",
    )
    h.add_argument("--json", action="store_true")


def _add_retirement(sub) -> None:
    r = sub.add_parser("retirement", help="retirement age (Decree 135/2020)")
    _person_args(r)
    r.add_argument("--json", action="store_true")


def _add_pension(sub) -> None:
    pe = sub.add_parser(
        "pension",
        help="pension assessment",
        description="Assess a contribution record. Either --months and --income (constant "
        "voluntary income, months ending the month before --on) or --history FILE. " + HISTORY_HELP,
    )
    _person_args(pe)
    pe.add_argument("--months", type=_positive, help="number of months contributed")
    pe.add_argument("--income", type=_money, help="constant monthly income (dong)")
    pe.add_argument("--history", metavar="FILE", help=HISTORY_HELP)
    pe.add_argument(
        "--on", type=_month, default=None, help="assessment month YYYY-MM (default this month)"
    )
    pe.add_argument("--json", action="store_true")


def _add_withdrawal(sub, province_help) -> None:
    w = sub.add_parser(
        "withdrawal",
        help="one-time withdrawal (BHXH mot lan) and the pension it gives up",
        description="The lump sum of a one-time withdrawal (Law 41/2024 art. 102) from a "
        "month-by-month history, beside the pension that continuing voluntarily would give. "
        + HISTORY_HELP,
    )
    _person_args(w)
    w.add_argument("--history", metavar="FILE", help=HISTORY_HELP)
    w.add_argument("--months", type=_positive, help="or: number of months contributed")
    w.add_argument("--salary", type=_money, help="with --months: constant monthly income (dong)")
    w.add_argument(
        "--on",
        type=_month,
        default=None,
        help="month the withdrawal is asked in, YYYY-MM (default now): that month counts once "
        "it is paid; months paid ahead after it are refunded, not counted (as on the "
        "counselling page)",
    )
    w.add_argument(
        "--income",
        type=_money,
        default=None,
        help="income to declare if continuing voluntarily (default: the minimum)",
    )
    w.add_argument(
        "--group", type=_group, action="append", default=[], help="support group if continuing"
    )
    w.add_argument("--province", type=_province, default=None, help=province_help)
    w.add_argument(
        "--severe-illness",
        action="store_true",
        help="a listed severe illness: the state support received is not deducted",
    )
    w.add_argument("--json", action="store_true")


def _add_check(sub) -> None:
    c = sub.add_parser("check", help="check a CCCD, social-insurance code (bhxh) or phone number")
    c.add_argument("kind", choices=list(FIELDS), help="cccd, bhxh or phone")
    c.add_argument("value", help="the number as written (spaces, dots and +84 allowed)")
    c.add_argument("--born", type=_born, help="date of birth YYYY-MM-DD (or the year YYYY)")
    c.add_argument("--sex", type=_sex, help="M or F")
    c.add_argument("--json", action="store_true")


def read_history_csv(path: str) -> list[ContributionMonth]:
    """Read the ``--history`` CSV (see the module docstring); UsageError on bad rows."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            fields = [f.strip().lower() for f in (reader.fieldnames or [])]
            if "month" not in fields or "income" not in fields:
                raise UsageError(f"{path}: header must be month,income,kind,support")
            out = []
            for lineno, raw in enumerate(reader, start=2):
                row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
                if not any(row.values()):
                    continue
                try:
                    out.append(
                        ContributionMonth(
                            month=Month.parse(row["month"]),
                            income=_money(row["income"]),
                            kind=(row.get("kind") or "voluntary").lower(),
                            support=_money(row["support"]) if row.get("support") else 0,
                        )
                    )
                except (ValueError, argparse.ArgumentTypeError) as exc:
                    raise UsageError(f"{path}, line {lineno}: {exc}") from None
            return out
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


# -- output ------------------------------------------------------------------


def _d(amount: int) -> str:
    return f"{fmt_dong(amount)} đ"


def _pct(x) -> str:
    x = Decimal(x)
    text = f"{x.normalize():f}" if x == x.to_integral() else f"{x:f}"
    return text.replace(".", ",") + "%"


def _num(x):
    if isinstance(x, Decimal):
        return int(x) if x == x.to_integral() else float(x)
    return x


def _write(stream: TextIO, text: str) -> None:
    try:
        stream.write(text)
    except UnicodeEncodeError:
        folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
        stream.write(folded.encode("ascii", "ignore").decode("ascii"))


def _check_province(args, provinces) -> None:
    """--province must be one of ``provinces`` (code -> name) when the caller knows them."""
    if args.province is None or provinces is None or args.province in provinces:
        return
    raise InputError(
        "province",
        "unknown_province",
        "%(v)s is not the code of a province or city. The codes (also in "
        "`ansinh quote vsi --help`): %(codes)s.",
        v=args.province,
        codes=province_list(provinces),
    )


def province_list(provinces) -> str:
    """'01 Thành phố Hà Nội, 04 Tỉnh Cao Bằng, ...' (by code)."""
    return ", ".join(f"{code} {provinces[code]}" for code in sorted(provinces))


def _vsi(args, table, out) -> tuple[dict, list[str]]:
    _check_province(args, args.provinces)
    on = args.on or date.today()
    q = vsi_method_quote(
        table,
        args.income,
        args.group or ["other"],
        on,
        method=args.mode,
        months=args.months if args.months is not None or args.mode != "payback" else 1,
        province=args.province,
        support_months_used=args.support_used,
    )
    data = {
        "income": q.income,
        "on": q.on.isoformat(),
        "mode": q.mode,
        "months": q.months,
        "groups": [g.replace("_", "-") for g in q.groups],
        "province": q.province,
        "rate_percent": _num(q.rate * 100),
        "national_support_percent": q.national_percent,
        "local_support_percent": q.local_percent,
        "gross_monthly": q.gross_monthly,
        "support_monthly": q.support_monthly,
        "national_support_monthly": q.national_support_monthly,
        "local_support_monthly": q.local_support_monthly,
        "net_monthly": q.net_monthly,
        "supported_months": q.supported_months,
        "plain_total": q.plain_total,
        "adjustment": q.adjustment,
        "gross_total": q.gross_total,
        "support_total": q.support_total,
        "net_total": q.net_total,
        "deadline": str(q.deadline),
        "support_months_cap": q.support_months_cap,
        "support_months_used": q.support_months_used,
        "support_months_left": q.support_months_left,
        "parameters": list(q.parameters),
    }
    mode_label = {
        "1": "hằng tháng (monthly)",
        "advance": "đóng trước nhiều năm (advance, discounted)",
        "missing": "đóng cho những năm còn thiếu (missing years, with interest)",
        "payback": "đóng bù tháng chậm (payback, with interest)",
    }.get(q.mode, f"{q.mode} tháng một lần (every {q.mode} months)")
    lines = [
        f"BHXH tự nguyện / voluntary social insurance — ngày {q.on:%d/%m/%Y}",
        f"Phương thức (mode):                 {mode_label}",
        f"Thu nhập chọn đóng (income):        {_d(q.income)}",
        f"Nhóm hỗ trợ (groups):               {', '.join(data['groups'])}"
        + (f"; tỉnh {q.province}" if q.province else ""),
        f"Tỷ lệ hỗ trợ (support rate):        {q.national_percent}% NN"
        + (f" + {q.local_percent}% địa phương" if q.local_percent else ""),
        f"Mức đóng / tháng (gross):           {_d(q.gross_monthly)}",
        f"Nhà nước hỗ trợ / tháng (support):  {_d(q.support_monthly)}",
        f"Người tham gia đóng / tháng (net):  {_d(q.net_monthly)}",
    ]
    if q.adjustment:
        word = "chiết khấu (discount)" if q.adjustment < 0 else "lãi (interest)"
        lines += [
            f"{q.months} tháng chưa tính {word}: {_d(q.plain_total)}",
            f"{q.months} tháng đã tính {word}:  {_d(q.gross_total)} "
            f"({'+' if q.adjustment > 0 else '−'}{_d(abs(q.adjustment))})",
        ]
    lines += [
        f"Kỳ {q.months} tháng (period): đóng {_d(q.gross_total)}, hỗ trợ "
        f"{_d(q.support_total)} ({q.supported_months} tháng), phải nộp {_d(q.net_total)}",
        f"Hạn nộp (deadline): trong tháng {q.deadline.month:02d}/{q.deadline.year}",
        f"Tháng được hỗ trợ (supported months, cap {q.support_months_cap}): đã dùng "
        f"{q.support_months_used}, kỳ này {q.supported_months}, còn lại {q.support_months_left}",
    ]
    return data, lines


def _hi(args, table, out):
    if args.member:
        return _household(args, table)
    if args.members is None:
        raise UsageError("quote hi needs --members N, or --member DATE for each member")
    if args.until is not None or args.enrolled:
        raise UsageError("--until and --enrolled go with --member DATE")
    on = args.on or date.today()
    q = hi_quote(table, args.members, on, args.months or 12)
    data = {
        "members": q.members,
        "on": q.on.isoformat(),
        "months": q.months,
        "base_salary": q.base_salary,
        "per_member": [
            {"position": s.position, "percent": s.percent, "monthly": s.monthly, "amount": s.amount}
            for s in q.per_member
        ],
        "monthly_total": q.monthly_total,
        "total": q.total,
        "card_end": (shift_date(q.on, q.months) - timedelta(days=1)).isoformat(),
    }
    lines = [
        f"BHYT hộ gia đình / household health insurance — ngày {q.on:%d/%m/%Y}, "
        f"{q.months} tháng, lương cơ sở {_d(q.base_salary)}"
    ]
    for s in q.per_member:
        lines.append(
            f"Người thứ {s.position} ({s.percent}%): {_d(s.monthly)}/tháng, "
            f"{_d(s.amount)} / {q.months} tháng"
        )
    lines.append(f"Cả hộ (household): {_d(q.monthly_total)}/tháng, {_d(q.total)} cho cả kỳ")
    return data, lines


def _household(args, table):
    if args.members is not None or args.on is not None:
        raise UsageError("with --member DATE, give each member's date; not --members or --on")
    months = None if args.until else (args.months or 12)
    if args.until and args.months:
        raise UsageError("give either --months or --until, not both")
    q = household_quote(table, args.member, months, args.until, args.enrolled)
    data = {
        "card_end": q.card_end.isoformat(),
        "members": [
            {
                "rank": m.rank,
                "joined": m.joined.isoformat(),
                "percent": m.percent,
                "months": m.months,
                "monthly": m.monthly,
                "amount": m.amount,
            }
            for m in q.members
        ],
        "total": q.total,
        "parameters": list(q.parameters),
    }
    lines = [f"BHYT hộ gia đình / household health insurance — thẻ đến {q.card_end:%d/%m/%Y}"]
    for m in q.members:
        lines.append(
            f"Người thứ {m.rank} ({m.percent}%), từ {m.joined:%d/%m/%Y}: {m.months} tháng x "
            f"{_d(m.monthly)} = {_d(m.amount)}"
        )
    lines.append(f"Cả hộ (household): {_d(q.total)}")
    return data, lines


def _retirement(args, table, out):
    r = retirement(args.sex, args.born, table)
    data = {
        "sex": args.sex,
        "born": str(args.born),
        "age_years": r.age_years,
        "age_months": r.age_months,
        "reached": str(r.reached),
        "pension_start": str(r.pension_start),
    }
    lines = [
        f"Tuổi nghỉ hưu (retirement age): {r.age_years} tuổi {r.age_months} tháng",
        f"Đủ tuổi (reached):              {r.reached.month:02d}/{r.reached.year}",
        f"Hưởng lương hưu từ (pension):   {r.pension_start.month:02d}/{r.pension_start.year}",
    ]
    return data, lines


def _history(args, on: Month, income: int | None, name: str) -> list[ContributionMonth]:
    if args.history:
        if args.months is not None or income is not None:
            raise UsageError(f"use either --history or --months/--{name}, not both")
        return read_history_csv(args.history)
    if args.months is None or income is None:
        raise UsageError(f"{args.command} needs --months and --{name}, or --history FILE")
    return constant_history(on - args.months, args.months, income)


def _pension(args, table, out):
    on = args.on or Month.of(date.today())
    history = _history(args, on, args.income, "income")
    a = assess(table, args.sex, args.born, history, on)
    data = {
        "sex": a.sex,
        "born": str(args.born),
        "on": str(a.on),
        "counted_months": a.counted_months,
        "counted_years": a.counted_years,
        "leftover_months": a.leftover_months,
        "counted_years_for_rate": _num(a.counted_years_for_rate),
        "min_years": a.min_years,
        "months_short": a.months_short,
        "retirement_age_years": a.retirement.age_years,
        "retirement_age_months": a.retirement.age_months,
        "retirement_reached": str(a.retirement.reached),
        "pension_start": str(a.retirement.pension_start),
        "at_retirement_age": a.at_retirement_age,
        "eligible": a.eligible,
        "rate_percent": _num(a.rate_percent),
        "average_income": a.average_income,
        "monthly_pension": a.monthly_pension,
        "retirement_allowance": a.retirement_allowance,
        "one_time_withdrawal": a.one_time_withdrawal,
        "support_received": a.support_received,
    }
    yes_no = "có (yes)" if a.eligible else "chưa (no)"
    lines = [
        f"Đánh giá tháng {a.on.month:02d}/{a.on.year} (assessment)",
        f"Thời gian đóng (counted): {a.counted_years} năm {a.leftover_months} tháng "
        f"({a.counted_months} tháng)",
        f"Tuổi nghỉ hưu: {a.retirement.age_years} tuổi {a.retirement.age_months} tháng, "
        f"hưởng từ {a.retirement.pension_start.month:02d}/{a.retirement.pension_start.year}",
        f"Đủ điều kiện hưởng lương hưu (eligible): {yes_no}"
        + (f"; còn thiếu {a.months_short} tháng" if a.months_short else ""),
        f"Tỷ lệ hưởng (rate):                 {_pct(a.rate_percent)}",
        f"Bình quân thu nhập (average):       {_d(a.average_income)}",
        f"Lương hưu hằng tháng (pension):     {_d(a.monthly_pension)}",
    ]
    if a.retirement_allowance:
        lines.append(f"Trợ cấp một lần khi nghỉ hưu:       {_d(a.retirement_allowance)}")
    lines.append(f"BHXH một lần (one-time withdrawal): {_d(a.one_time_withdrawal)}")
    return data, lines


def _withdrawal(args, table, out):
    _check_province(args, args.provinces)
    asked = args.on or Month.of(date.today())
    history = sorted(_history(args, asked, args.salary, "salary"), key=lambda c: c.month)
    # The counselling page's rule (pension.withdrawal_month): this month counts once paid,
    # months paid ahead after it are refunded, not counted; continuing starts after them.
    start = continuation_start(history, asked)
    on = withdrawal_month(start, asked)
    w = one_time_withdrawal(table, history, on, deduct_support=not args.severe_illness)
    income = args.income if args.income is not None else income_bounds(table, start)[0]
    p = project_continuation(
        table,
        args.sex,
        args.born,
        history,
        income,
        start,
        args.group or ["other"],
        args.province,
        withdraw_on=on,
    )
    data = {
        "asked_in": str(asked),
        "refunded_months": p.refunded_months,
        "on": str(w.on),
        "counted_months": w.counted_months,
        "months_before_2014": w.months_before,
        "months_from_2014": w.months_from,
        "years_before_2014": _num(w.years_before),
        "years_from_2014": _num(w.years_from),
        "multiplier_before_2014": _num(w.multiplier_before),
        "multiplier_from_2014": _num(w.multiplier_from),
        "average_income": w.average_income,
        "under_one_year": w.under_one_year,
        "paid": w.paid,
        "under_one_year_cap": w.cap,
        "gross": w.gross,
        "support_received": w.support_received,
        "support_deducted": w.support_deducted,
        "amount": w.amount,
        "continue": {
            "income": p.income,
            "months_needed": p.months_needed,
            "pension_start": str(p.pension_start),
            "monthly_pension": p.monthly_pension,
            "rate_percent": _num(p.rate_percent),
            "monthly_net_cost": p.monthly_net_cost,
            "total_net_cost": p.total_net_cost,
        },
        "parameters": list(w.parameters),
    }
    lines = [
        f"BHXH một lần (one-time withdrawal) — tháng {asked.month:02d}/{asked.year}",
        f"Thời gian đóng (counted): {w.counted_months} tháng; trước 2014 {w.months_before}, "
        f"từ 2014 {w.months_from}",
        f"Bình quân thu nhập đã điều chỉnh (average): {_d(w.average_income)}",
    ]
    if p.refunded_months:
        lines.append(
            f"{p.refunded_months} tháng đóng trước sau tháng {asked.month:02d}/{asked.year} "
            "không tính, được hoàn trả (months paid ahead: refunded, not counted)"
        )
    if w.under_one_year:
        lines.append(f"Dưới 1 năm: số đã đóng {_d(w.paid)}, tối đa 2 tháng bình quân {_d(w.cap)}")
    else:
        lines.append(
            f"({_pct(w.multiplier_before)[:-1]} x {_pct(w.years_before)[:-1]} năm trước 2014 + "
            f"{_pct(w.multiplier_from)[:-1]} x {_pct(w.years_from)[:-1]} năm từ 2014) x bình "
            f"quân: {_d(w.gross)}"
        )
    lines += [
        f"Trừ hỗ trợ của Nhà nước đã nhận (support): {_d(w.support_deducted)}",
        f"Số tiền nhận một lần (lump sum):           {_d(w.amount)}",
        f"Nếu tiếp tục đóng {_d(p.income)}/tháng: thêm {p.months_needed} tháng, lương hưu "
        f"{_d(p.monthly_pension)}/tháng ({_pct(p.rate_percent)}) từ "
        f"{p.pension_start.month:02d}/{p.pension_start.year}; chi phí "
        f"{_d(p.total_net_cost)}",
    ]
    return data, lines


_FIELD_WORDS = {
    "cccd": "Số CCCD (national ID)",
    "si_code": "Mã số BHXH (social-insurance code)",
    "phone": "Số điện thoại (phone)",
}


def _identity_words(exc: IdentityError) -> str:
    return f"{_FIELD_WORDS.get(exc.field, exc.field)}: {exc}"


def _check(args, describe) -> tuple[dict, list[str]]:
    if args.kind != "cccd" and (args.born is not None or args.sex is not None):
        raise UsageError("--born and --sex go with check cccd only")
    try:
        found = check_identity(args.kind, args.value, args.born, args.sex)
    except IdentityError as exc:
        message = describe(exc)
        data = {
            "kind": args.kind,
            "value": args.value,
            "valid": False,
            "field": exc.field,
            "code": exc.code,
            "error": message,
        }
        raise CheckFailed(data, message) from None
    data = {"kind": args.kind, "value": args.value, "valid": True}
    if args.kind == "cccd":
        data.update(
            normalised=found.number,
            province_code=found.province_code,
            province=found.province,
            sex=found.sex,
            birth_years=[found.first_year, found.last_year],
            birth_year=found.birth_year,
        )
        sex = "nữ (F)" if found.sex == "F" else "nam (M)"
        lines = [
            f"Số CCCD hợp lệ (valid national ID): {found.number}",
            f"Nơi đăng ký (province):  {found.province_code} {found.province}",
            f"Giới tính (sex):         {sex}",
            f"Năm sinh (birth year):   {found.birth_year}",
        ]
    else:
        data["normalised"] = found
        label = _FIELD_WORDS[FIELDS[args.kind]]
        lines = [f"{label} hợp lệ (valid): {found}"]
    return data, lines


def unconfirmed_json(rows: list[Param]) -> list[dict]:
    """The unconfirmed rows a computation read, as the ``--json`` output lists them."""
    return [
        {
            "key": r.key,
            "value": _num(r.value) if r.value_type in ("int", "decimal") else r.value,
            "valid_from": r.valid_from.isoformat(),
            "valid_to": r.valid_to.isoformat() if r.valid_to else None,
            "province": r.province,
            "source": r.source,
            "note": r.note,
        }
        for r in rows
    ]


def unconfirmed_lines(rows: list[Param]) -> list[str]:
    lines = []
    for fam in families(rows):
        r = fam.rows[0]
        value = f" = {r.value_text} từ {r.valid_from:%d/%m/%Y}" if len(fam.rows) == 1 else ""
        lines.append(
            f"Chưa xác nhận (unconfirmed): {fam.label}{value}"
            + (f", tỉnh {r.province}" if r.province else "")
            + (f" — {fam.source}" if fam.source else "")
        )
    return lines


#: The option each rules' field is typed in (``InputError.field`` -> the command line's name).
OPTIONS = {
    "income": "--income",
    "months": "--months",
    "mode": "--mode",
    "group": "--group",
    "support_used": "--support-used",
    "members": "--members",
    "enrolled": "--enrolled",
    "card_end": "--until",
    "join_1": "--member",
    "province": "--province",
}


def _input_words(exc: ValueError, describe) -> str:
    """A bad input's message, naming the option (``--months: ...``); worded by ``describe``
    (the translated messages) when the ``ansinh`` command gives it, else the rules' English."""
    worded = isinstance(exc, (InputError, IncomeOutOfRange, PaybackNotAllowed))
    text = describe(exc) if describe is not None and worded else str(exc)
    if isinstance(exc, InputError):
        return f"{OPTIONS.get(exc.field, exc.field)}: {text}"
    if isinstance(exc, IncomeOutOfRange):
        return f"--income: {text}"
    return text


def main(
    argv: list[str] | None = None,
    table: ParameterTable | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    describe=None,
    provinces=None,
) -> int:
    """Run the CLI; returns the exit code (0 ok, 1 a checked number is wrong, 2 invalid input).

    ``describe(IdentityError) -> str`` words a failed ``check`` (the ``ansinh`` command passes
    the translated messages of ``ansinh.common``); by default Vietnamese field, English reason.
    It also words a quote's bad input (``InputError``, an income out of range, a refused
    payback) when given; without it those stay the rules' English. ``provinces`` (code ->
    name), when given, are the codes --province accepts (listed in its help and its error).
    """
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    argv = sys.argv[1:] if argv is None else list(argv)
    table = default_table() if table is None else table
    parser = build_parser(provinces)
    try:
        try:
            with contextlib.redirect_stdout(stdout):  # --help goes to our stdout
                args = parser.parse_args(argv)
        except SystemExit as exc:  # only --help exits here (errors raise UsageError)
            return int(exc.code or 0)
        with track_parameters() as used:
            if args.command == "quote":
                data, lines = (_vsi if args.kind == "vsi" else _hi)(args, table, stdout)
            elif args.command == "retirement":
                data, lines = _retirement(args, table, stdout)
            elif args.command == "withdrawal":
                data, lines = _withdrawal(args, table, stdout)
            elif args.command == "check":
                data, lines = _check(args, describe or _identity_words)
            else:
                data, lines = _pension(args, table, stdout)
        if args.command != "check":  # every computation from the table
            data["unconfirmed"] = unconfirmed_json(used.unconfirmed)
            lines = lines + unconfirmed_lines(used.unconfirmed)
    except UsageError as exc:
        _write(stderr, f"{exc}\n")
        return 2
    except CheckFailed as exc:
        if args.json:
            _write(stdout, json.dumps(exc.data, ensure_ascii=False, indent=2) + "\n")
        _write(stderr, f"{exc}\n")
        return 1
    except MissingParameter as exc:
        _write(stderr, f"error: {exc}\n")
        return 2
    except ValueError as exc:
        _write(stderr, f"error: {_input_words(exc, describe)}\n")
        return 2
    if args.json:
        _write(stdout, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        _write(stdout, "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
