"""The effective-dated parameters table: every legal figure, with its source.

Every computation in :mod:`ansinh.rules` asks a :class:`ParameterTable` for a
figure *as of* a date.  A figure lives here and nowhere else.  Rows marked
``unconfirmed=True`` are values the project ships without a confirmed legal
text (see ``docs`` / ``rules.md``); an administrator can change them without
a code change, because the Django side stores these rows in a database table
(key, value as text, value_type, valid_from, valid_to, province, source,
unconfirmed, note) and rebuilds a table with :meth:`Param.from_text`.

Lookup rules
------------
* A row is *in force* on ``on`` when ``valid_from <= on`` and (``valid_to`` is
  None or ``on <= valid_to``); ``valid_to`` is inclusive.
* ``value(key, on, province="01")`` returns the provincial row for ``"01"`` if
  one is in force, else the national row (``province=None``).  Local top-ups
  therefore use their own keys (``vsi.local_support.<group>``) that have no
  national row, so they never fall back to a national figure.
* Two rows of the same key and province may not overlap (ValueError).

Which rows a computation read
-----------------------------
``with track_parameters() as used: ...`` records every row :meth:`ParameterTable.row` (and so
``value`` / ``value_or``) returns inside the block, whatever table and whichever computation
asked: ``used.rows`` in the order first read, ``used.unconfirmed`` those marked unconfirmed.
The record lives in a context variable (per thread, per asyncio task), so a page, a file or the
CLI that wraps its computations in one block can say which unconfirmed figures its numbers rest
on without any computation passing anything along. Blocks nest: an inner block's reads are
also the outer block's. Outside any block a lookup costs one context-variable read more.

Keys (value type in brackets)
-----------------------------
``base_salary``, ``reference_level`` [int dong]; ``poverty.rural``,
``poverty.urban`` [int]; ``vsi.rate`` [decimal]; ``vsi.income.floor_key`` [str];
``vsi.income.ceiling_multiplier`` [int]; ``vsi.support.<group>`` [int percent];
``vsi.local_support.<group>`` [int percent, provincial]; ``vsi.support.max_months``;
``vsi.methods`` [str "1,3,6,12"]; ``vsi.deadline_months.<n>``;
``vsi.advance.max_years``; ``vsi.missing_years.max_years``;
``vsi.fund_monthly_return`` [decimal]; ``vsi.missed_months_payback`` [bool];
``compulsory.pension_fund_rate``; ``pension.*``; ``pension.adjustment.<year>``;
``withdrawal.*``; ``benefit.*``; ``social_pension.*``; ``hi.*``; ``retirement.*``.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .months import Month

__all__ = [
    "Param",
    "ParameterTable",
    "ParameterFamily",
    "ParameterUse",
    "current_use",
    "families",
    "track_parameters",
    "untracked",
    "MissingParameter",
    "DEFAULT_PARAMETERS",
    "default_table",
    "VALUE_TYPES",
    "reading",
    "keys_read",
]

Value = int | Decimal | str | bool
VALUE_TYPES = ("int", "decimal", "bool", "str")


class MissingParameter(KeyError):
    """No row of the key is in force on the requested date (and province)."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else "missing parameter"


def _as_date(on: date | Month) -> date:
    if isinstance(on, Month):
        return on.first_day()
    if not isinstance(on, date):
        raise TypeError(f"expected a date or Month, got {on!r}")
    return on


@dataclass(frozen=True)
class Param:
    """One effective-dated figure.

    ``valid_to`` is the inclusive last day (None: open-ended).  ``province`` is
    a 2-digit province code for a local row, None for a national row.
    """

    key: str
    value: Value
    valid_from: date
    valid_to: date | None = None
    source: str = ""
    unconfirmed: bool = False
    province: str | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.value, bool | int | Decimal | str):
            raise TypeError(f"{self.key}: value must be int, Decimal, str or bool")
        if isinstance(self.value, float):  # pragma: no cover - excluded above
            raise TypeError("floats are not allowed; use Decimal")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"{self.key}: valid_to {self.valid_to} before {self.valid_from}")

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    # -- serialisation ------------------------------------------------
    @property
    def value_type(self) -> str:
        """One of ``"bool"``, ``"int"``, ``"decimal"``, ``"str"``."""
        if isinstance(self.value, bool):
            return "bool"
        if isinstance(self.value, int):
            return "int"
        if isinstance(self.value, Decimal):
            return "decimal"
        return "str"

    @property
    def value_text(self) -> str:
        """The value as text; :meth:`from_text` reverses it exactly."""
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        return str(self.value)

    @staticmethod
    def parse_value(value_text: str, value_type: str) -> Value:
        text = str(value_text).strip()
        if value_type == "int":
            return int(text.replace(",", "").replace("_", ""))
        if value_type == "decimal":
            try:
                return Decimal(text)
            except InvalidOperation:
                raise ValueError(f"not a decimal: {value_text!r}") from None
        if value_type == "bool":
            low = text.lower()
            if low in ("true", "1", "yes", "y", "t"):
                return True
            if low in ("false", "0", "no", "n", "f", ""):
                return False
            raise ValueError(f"not a boolean: {value_text!r}")
        if value_type == "str":
            return str(value_text)
        raise ValueError(f"value_type must be one of {VALUE_TYPES}, got {value_type!r}")

    @classmethod
    def from_text(
        cls,
        key: str,
        value_text: str,
        value_type: str,
        valid_from: date,
        valid_to: date | None = None,
        source: str = "",
        unconfirmed: bool = False,
        province: str | None = None,
        note: str = "",
    ) -> Param:
        """Build a row from its database form (value stored as text + value_type)."""
        return cls(
            key=key,
            value=cls.parse_value(value_text, value_type),
            valid_from=valid_from,
            valid_to=valid_to,
            source=source,
            unconfirmed=bool(unconfirmed),
            province=province or None,
            note=note,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain dict with the database columns (dates as ISO strings)."""
        return {
            "key": self.key,
            "value": self.value_text,
            "value_type": self.value_type,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "province": self.province,
            "source": self.source,
            "unconfirmed": self.unconfirmed,
            "note": self.note,
        }


class ParameterUse:
    """The parameter rows read inside a :func:`track_parameters` block."""

    __slots__ = ("_rows", "_outer")

    def __init__(self, outer: ParameterUse | None = None):
        self._rows: dict[tuple[str, str | None, date], Param] = {}  # (key, province, from)
        self._outer = outer

    def add(self, row: Param) -> None:
        use: ParameterUse | None = self
        while use is not None:
            use._rows.setdefault((row.key, row.province, row.valid_from), row)
            use = use._outer

    @property
    def rows(self) -> list[Param]:
        """Every row read, in the order first read."""
        return list(self._rows.values())

    def values(self):
        return self._rows.values()

    @property
    def unconfirmed(self) -> list[Param]:
        """The rows read that are marked unconfirmed, by key, province and date."""
        found = {(r.key, r.province or "", r.valid_from): r for r in self._rows.values()}
        return [found[k] for k in sorted(found) if found[k].unconfirmed]

    def __len__(self) -> int:
        return len(self._rows)

    def __bool__(self) -> bool:  # an empty record is still a record
        return True


@dataclass(frozen=True)
class ParameterFamily:
    """Unconfirmed rows of one family said once: ``pension.adjustment.2011-2026`` and source."""

    label: str
    rows: tuple[Param, ...]
    source: str


def families(rows: Iterable[Param]) -> list[ParameterFamily]:
    """Group rows whose keys differ only in a trailing number and share a source."""
    groups: dict[tuple[str, str, str], list[Param]] = {}
    for r in rows:
        stem, _, tail = r.key.rpartition(".")
        stem = stem if tail.isdigit() else r.key
        groups.setdefault((stem, r.province or "", r.source), []).append(r)
    out = []
    for (stem, _prov, source), members in groups.items():
        tails = sorted(int(m.key.rpartition(".")[2]) for m in members if m.key != stem)
        if len(tails) > 1:
            label = f"{stem}.{tails[0]}-{tails[-1]}"
        else:
            label = members[0].key
        out.append(ParameterFamily(label, tuple(members), source))
    return out


_USE: contextvars.ContextVar[ParameterUse | None] = contextvars.ContextVar(
    "ansinh_parameter_use", default=None
)


@contextmanager
def track_parameters() -> Iterator[ParameterUse]:
    """Record the parameter rows every lookup inside the block returns (see the module doc)."""
    use = ParameterUse(_USE.get())
    token = _USE.set(use)
    try:
        yield use
    finally:
        _USE.reset(token)


#: The name the computations use for the same block: ``with reading() as used:`` then
#: ``keys_read(used)`` gives a result's ``parameters``.
reading = track_parameters


@contextmanager
def untracked() -> Iterator[None]:
    """Lookups inside are not recorded (a form's default or choice list, not a figure)."""
    token = _USE.set(None)
    try:
        yield
    finally:
        _USE.reset(token)


def current_use() -> ParameterUse | None:
    """The innermost :func:`track_parameters` record in force here, if any."""
    return _USE.get()


#: At most this many remembered lookups per table (then it starts again).
_FOUND_MAX = 50_000


def keys_read(used: ParameterUse) -> tuple[str, ...]:
    """The parameter keys of a :func:`reading` record, sorted (a result's ``parameters``)."""
    return tuple(sorted({row.key for row in used.values()}))


class ParameterTable:
    """An immutable set of :class:`Param` rows with as-of lookups."""

    def __init__(self, rows: Iterable[Param]):
        rows = tuple(rows)
        by_key: dict[tuple[str, str | None], list[Param]] = {}
        for row in rows:
            if not isinstance(row, Param):
                raise TypeError(f"expected Param, got {row!r}")
            by_key.setdefault((row.key, row.province), []).append(row)
        for (key, prov), lst in by_key.items():
            lst.sort(key=lambda r: r.valid_from)
            for a, b in zip(lst, lst[1:], strict=False):
                if a.valid_to is None or a.valid_to >= b.valid_from:
                    where = f" (province {prov})" if prov else ""
                    raise ValueError(
                        f"parameter {key}{where}: rows from {a.valid_from} and "
                        f"{b.valid_from} overlap"
                    )
        self._rows = rows
        self._by_key = by_key
        self._found: dict = {}  # (key, date, province) -> row: the table never changes

    @property
    def rows(self) -> tuple[Param, ...]:
        return self._rows

    def keys(self) -> set[str]:
        return {k for k, _ in self._by_key}

    def provinces(self) -> frozenset[str]:
        """The provinces with rows of their own (elsewhere the national rows apply)."""
        return frozenset(prov for _k, prov in self._by_key if prov)

    def history(self, key: str, province: str | None = None) -> list[Param]:
        """Rows of ``key`` ordered by valid_from (national, or the given province's)."""
        return list(self._by_key.get((key, province), ()))

    def row(self, key: str, on: date | Month, province: str | None = None) -> Param:
        """The row in force on ``on`` (provincial first if ``province``), else MissingParameter."""
        d = _as_date(on)
        found = self._found.get((key, d, province))
        if found is None:
            found = self._find(key, d, province)
        if (use := _USE.get()) is not None:
            use.add(found)
        return found

    def _find(self, key: str, d: date, province: str | None) -> Param:
        candidates = [province, None] if province else [None]
        for prov in candidates:
            for r in self._by_key.get((key, prov), ()):
                if r.in_force(d):
                    if len(self._found) >= _FOUND_MAX:  # a long-lived table asked every date
                        self._found.clear()
                    self._found[key, d, province] = r
                    return r
        known = self._by_key.get((key, None)) or self._by_key.get((key, province))
        if not known and not any(k == key for k, _ in self._by_key):
            raise MissingParameter(f"unknown parameter {key!r}")
        where = f" (province {province} or national)" if province else ""
        raise MissingParameter(f"parameter {key!r}{where} has no value in force on {d.isoformat()}")

    def value(self, key: str, on: date | Month, province: str | None = None) -> Value:
        return self.row(key, on, province).value

    def value_or(self, key: str, on: date | Month, default: Any, province: str | None = None):
        try:
            return self.row(key, on, province).value
        except MissingParameter:
            return default

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return f"ParameterTable({len(self._rows)} rows)"


# ---------------------------------------------------------------------------
# Default rows
# ---------------------------------------------------------------------------

D = date
_rows: list[Param] = []


def _p(key, value, frm, to=None, source="", unconfirmed=False, province=None, note=""):
    _rows.append(Param(key, value, frm, to, source, unconfirmed, province, note))


def _series(key, items, **kw):
    """items: (value, valid_from, source[, unconfirmed[, note]]); each row ends the day
    before the next one starts."""
    for i, item in enumerate(items):
        value, frm, source, *rest = item
        unconf = rest[0] if rest else False
        note = rest[1] if len(rest) > 1 else kw.get("note", "")
        to = date.fromordinal(items[i + 1][1].toordinal() - 1) if i + 1 < len(items) else None
        _p(key, value, frm, to, source, unconf, kw.get("province"), note)


# Base salary (luong co so); Law 41/2024 art. 7: the reference level (muc tham chieu)
# equals the base salary until the Government sets it separately.  Rows before
# 2019-07-01 are not in rules.md; they are the well-known earlier decrees.
_BASE_SALARY = [
    (830_000, D(2011, 5, 1), "Decree 22/2011/ND-CP"),
    (1_050_000, D(2012, 5, 1), "Decree 31/2012/ND-CP"),
    (1_150_000, D(2013, 7, 1), "Decree 66/2013/ND-CP"),
    (1_210_000, D(2016, 5, 1), "Decree 47/2016/ND-CP"),
    (1_300_000, D(2017, 7, 1), "Decree 47/2017/ND-CP"),
    (1_390_000, D(2018, 7, 1), "Decree 72/2018/ND-CP"),
    (1_490_000, D(2019, 7, 1), "Decree 38/2019/ND-CP"),
    (1_800_000, D(2023, 7, 1), "Decree 24/2023/ND-CP"),
    (2_340_000, D(2024, 7, 1), "Decree 73/2024/ND-CP"),
    (2_530_000, D(2026, 7, 1), "Decree 161/2026/ND-CP (effective date UNCONFIRMED)", True),
]
_series("base_salary", _BASE_SALARY)
_series(
    "reference_level",
    _BASE_SALARY,
    note="Law 41/2024 art. 7: equals the base salary until set separately; "
    "before 2025-07-01 the law referred to the base salary itself",
)

_series(
    "poverty.rural",
    [
        (700_000, D(2016, 1, 1), "Decision 59/2015/QD-TTg"),
        (1_500_000, D(2022, 1, 1), "Decree 07/2021/ND-CP, kept to 2026-12-31 by Decree 351/2025"),
        (2_200_000, D(2027, 1, 1), "Decree 351/2025/ND-CP"),
    ],
)
_series(
    "poverty.urban",
    [
        (900_000, D(2016, 1, 1), "Decision 59/2015/QD-TTg"),
        (2_000_000, D(2022, 1, 1), "Decree 07/2021/ND-CP"),
        (2_800_000, D(2027, 1, 1), "Decree 351/2025/ND-CP"),
    ],
)

# Worked examples the figures are tested against (tests/rules/test_published_examples.py)
_EX_LAODONG_2025 = (
    "https://news.laodong.vn/cong-doan/muc-dong-bao-hiem-xa-hoi-tu-nguyen-moi-nhat-1568908.ldo"
)
_EX_TIMES24H = (
    "https://www.times24h.com/social-insurance-how-much-is-the-minimum-benefit-and-how-many-"
    "years-can-i-get-a-pension/"
)
_EX_VSS_2019 = (
    "https://vss.gov.vn/english/news/Pages/vietnam-social-security.aspx?CateID=198&ItemID=8994"
)
_EX_VSS_QA = "https://vss.gov.vn/english/question/Pages/default.aspx?ItemID=1641"
_EX_BAONGHEAN = "https://baonghean.vn/en/print/10097176.html"

# Voluntary social insurance
_series(
    "vsi.rate",
    [
        (Decimal("0.16"), D(2008, 1, 1), "Law 71/2006/QH11 art. 100 (16% in 2008, +2 pts/2y)"),
        (Decimal("0.18"), D(2010, 1, 1), "Law 71/2006/QH11 art. 100"),
        (Decimal("0.20"), D(2012, 1, 1), "Law 71/2006/QH11 art. 100"),
        (
            Decimal("0.22"),
            D(2014, 1, 1),
            "Law 71/2006/QH11 art. 100; Law 58/2014/QH13 art. 87; example: " + _EX_VSS_2019,
        ),
        (Decimal("0.22"), D(2025, 7, 1), "Law 41/2024/QH15 art. 36"),
    ],
)
_series(
    "vsi.income.floor_key",
    [
        ("poverty.rural", D(2016, 1, 1), "Law 58/2014/QH13 art. 87"),
        ("poverty.rural", D(2025, 7, 1), "Law 41/2024/QH15 art. 31; example: " + _EX_LAODONG_2025),
    ],
    note="the income floor is the parameter named here (the rural poverty line)",
)
_series(
    "vsi.income.ceiling_multiplier",
    [
        (
            20,
            D(2016, 1, 1),
            "Law 58/2014/QH13 art. 87 (20 x base salary); examples: "
            + _EX_TIMES24H
            + " ; "
            + _EX_BAONGHEAN,
        ),
        (
            20,
            D(2025, 7, 1),
            "Law 41/2024/QH15 art. 31 (20 x reference level); example: " + _EX_LAODONG_2025,
        ),
    ],
)

SUPPORT_RATES_2018 = {"poor": 30, "near_poor": 25, "ethnic_minority": 10, "island": 30, "other": 10}
SUPPORT_RATES_2025 = {"poor": 50, "near_poor": 40, "ethnic_minority": 30, "island": 50, "other": 20}
for _g in SUPPORT_RATES_2018:
    _p(
        f"vsi.support.{_g}",
        0,
        D(2008, 1, 1),
        D(2017, 12, 31),
        "Law 58/2014/QH13 art. 87 / Decree 134/2015/ND-CP: no state support before 2018",
    )
    _p(
        f"vsi.support.{_g}",
        SUPPORT_RATES_2018[_g],
        D(2018, 1, 1),
        D(2025, 6, 30),
        "Decree 134/2015/ND-CP art. 14" + ("" if _g == "island" else "; example: " + _EX_TIMES24H),
        unconfirmed=(_g == "island"),
        note=(
            "Decree 134/2015 has no island group (it would get 10%); rules.md puts island "
            "communes with the poor at 30%"
            if _g == "island"
            else ""
        ),
    )
    _p(
        f"vsi.support.{_g}",
        SUPPORT_RATES_2025[_g],
        D(2025, 7, 1),
        None,
        "Decree 159/2025/ND-CP art. 5; example: " + _EX_LAODONG_2025,
    )
_p(
    "vsi.support.max_months",
    120,
    D(2018, 1, 1),
    D(2025, 6, 30),
    "Decree 134/2015/ND-CP art. 14 (at most 10 years)",
)
_p(
    "vsi.support.max_months",
    120,
    D(2025, 7, 1),
    None,
    "Law 41/2024/QH15; Decree 159/2025 art. 5; example: " + _EX_LAODONG_2025,
)

# Hanoi 2025 local top-ups, same base (22% x rural poverty line), in percentage points.
HANOI_2025 = {"poor": 50, "near_poor": 60, "ethnic_minority": 10, "island": 10, "other": 10}
for _g, _v in HANOI_2025.items():
    _p(
        f"vsi.local_support.{_g}",
        _v,
        D(2025, 1, 1),
        D(2025, 12, 31),
        "Hanoi People's Council resolution on local VSI support, 2025 (number UNCONFIRMED)",
        unconfirmed=True,
        province="01",
        note="rules.md: Hanoi 2025 +50 points poor, +60 near-poor, +10 others; validity "
        "(calendar 2025) assumed",
    )

_p("vsi.methods", "1,3,6,12", D(2008, 1, 1), None, "Law 41/2024/QH15 art. 36; Decree 159/2025")
for _n, _d in ((1, 1), (3, 3), (6, 4), (12, 7)):
    _p(
        f"vsi.deadline_months.{_n}",
        _d,
        D(2018, 1, 1),
        None,
        "Law 41/2024/QH15 art. 36; Decision 595/QD-BHXH",
        note="payment on time within this many months from the first month of the period",
    )
_p(
    "vsi.advance.max_years",
    5,
    D(2018, 1, 1),
    None,
    "Law 41/2024/QH15 art. 36 (up to 5 years); Decree 134/2015 art. 9 before: " + _EX_VSS_QA,
)
_p(
    "vsi.missing_years.max_years",
    5,
    D(2018, 1, 1),
    None,
    "Law 41/2024/QH15 art. 36 (missing years, at most 5, at retirement age)",
    note="before 2025-07-01 Decree 134/2015 art. 9(1)(e) allowed up to 10 years (120 months) "
    "to reach 20 years (VSS Q&A, " + _EX_VSS_QA + "); this row's 5 does not hold for "
    "2018-2025: split it in /admin/ to quote a past date",
)
_p(
    "vsi.fund_monthly_return",
    Decimal("0.005"),
    D(2018, 1, 1),
    None,
    "Decree 159/2025/ND-CP arts. 6-7: fund's average monthly investment return of the "
    "previous year",
    unconfirmed=True,
    note="ASSUMED 0.5% per month; set the published figure each year. The one published "
    "amount found, 670 million for 120 missing months at 5,060,000 in 2016 ("
    + _EX_BAONGHEAN
    + "), fits this formula at about 0.16% a month, not 0.5%",
)
_p(
    "vsi.missed_months_payback",
    False,
    D(2025, 7, 1),
    None,
    "Law 41/2024/QH15 (whether missed months may be paid back is UNCONFIRMED)",
    unconfirmed=True,
    note="switch, off by default",
)
_p(
    "compulsory.pension_fund_rate",
    Decimal("0.22"),
    D(2014, 1, 1),
    None,
    "Law 58/2014/QH13 arts. 85-86; Law 41/2024 art. 33 (retirement & survivorship fund: "
    "8% employee + 14% employer)",
    note="used for 'what was paid' in a one-time withdrawal under one year",
)

# Pension
_p("pension.min_years", 20, D(2008, 1, 1), D(2025, 6, 30), "Law 58/2014/QH13 art. 73")
_p("pension.min_years", 15, D(2025, 7, 1), None, "Law 41/2024/QH15 art. 98")
_PENSION_SRC = (
    "Law 41/2024/QH15 arts. 98-104 (voluntary pension); same for women and for men "
    "with 20+ years under Law 58/2014 art. 74"
)
for _k, _v in (
    ("pension.rate.base_years", 15),
    ("pension.rate.base_percent.F", 45),
    ("pension.rate.base_percent.M", 40),
    ("pension.rate.step_percent.F", 0),
    ("pension.rate.step_percent.M", 1),
    ("pension.rate.full_years.F", 15),
    ("pension.rate.full_years.M", 20),
    ("pension.rate.extra_percent", 2),
    ("pension.rate.cap", 75),
    ("pension.allowance.years_above.F", 30),
    ("pension.allowance.years_above.M", 35),
    ("pension.allowance.multiplier", Decimal("0.5")),
):
    _p(_k, _v, D(2008, 1, 1), None, _PENSION_SRC)

# Salary/income adjustment coefficients by contribution year (voluntary table).
# rules.md gives 2008 2.29 ... 2024 1.03, 2025 1.00, 2026 1.00 (2026 table UNCONFIRMED);
# the years in between are ASSUMED from the shape of the circulars published for
# voluntary participants (Circular 20/2023/TT-BLDTBXH, Circular 01/2025/TT-BLDTBXH),
# monotone non-increasing.  Years before 2008 use the 2008 value; years after the last
# row use 1.00 (see pension.adjustment_coefficient).
ADJUSTMENT_2026 = {
    2008: "2.29",
    2009: "2.13",
    2010: "1.95",
    2011: "1.66",
    2012: "1.52",
    2013: "1.44",
    2014: "1.38",
    2015: "1.37",
    2016: "1.35",
    2017: "1.30",
    2018: "1.26",
    2019: "1.22",
    2020: "1.19",
    2021: "1.17",
    2022: "1.12",
    2023: "1.07",
    2024: "1.03",
    2025: "1.00",
    2026: "1.00",
}
for _y, _v in ADJUSTMENT_2026.items():
    _p(
        f"pension.adjustment.{_y}",
        Decimal(_v),
        D(2000, 1, 1),
        None,
        "MOLISA/MOHA circular on adjusting voluntary contribution incomes (2026 table)",
        unconfirmed=True,
        note=(
            "given in rules.md"
            if _y in (2008, 2024, 2025, 2026)
            else "ASSUMED: interpolated from earlier published circulars"
        )
        + "; one table applied to every assessment date until dated tables are added",
    )

# One-time withdrawal (art. 102)
_WSRC = "Law 41/2024/QH15 art. 102"
_p("withdrawal.multiplier.before_2014", Decimal("1.5"), D(2008, 1, 1), None, _WSRC)
_p(
    "withdrawal.multiplier.from_2014",
    Decimal("2"),
    D(2008, 1, 1),
    None,
    _WSRC + "; example: https://lawnet.vn/ngan-hang-phap-luat/en/tu-van-phap-luat/bao-hiem/"
    "how-much-is-the-one-time-social-insurance-benefit-after-working-at-a-company-for-17-years-"
    "1015894",
)
_p("withdrawal.split_year", 2014, D(2008, 1, 1), None, _WSRC)
_p("withdrawal.under_one_year_cap", Decimal("2"), D(2008, 1, 1), None, _WSRC)
_p(
    "withdrawal.leftover_rounding",
    True,
    D(2016, 1, 1),
    None,
    "Decree 115/2015/ND-CP art. 19(2) and Decree 134/2015/ND-CP (voluntary): leftover months "
    "1-6 count as half a year, 7-11 as a whole year; leftover months before 2014 move to the "
    "period from 2014; kept under Law 41/2024 (implementing decree's article UNCONFIRMED)",
    unconfirmed=True,
    note="false: partial years pro rata (months / 12)",
)

# Other voluntary benefits
_p("benefit.maternity.amount", 2_000_000, D(2025, 7, 1), None, "Law 41/2024/QH15 arts. 94-95")
_p("benefit.maternity.min_months", 6, D(2025, 7, 1), None, "Law 41/2024/QH15 art. 95")
_p("benefit.maternity.window_months", 12, D(2025, 7, 1), None, "Law 41/2024/QH15 art. 95")
_p("benefit.funeral.multiplier", 10, D(2008, 1, 1), None, "Law 41/2024/QH15 (funeral grant)")
_p("benefit.funeral.min_months", 60, D(2008, 1, 1), None, "Law 41/2024/QH15 (funeral grant)")
_p("social_pension.amount", 500_000, D(2025, 7, 1), None, "Decree 176/2025/ND-CP")
_p("social_pension.age", 75, D(2025, 7, 1), None, "Law 41/2024/QH15 art. 21; Decree 176/2025")
_p("social_pension.age_poor", 70, D(2025, 7, 1), None, "Law 41/2024/QH15 art. 21; Decree 176/2025")

# Household health insurance
for _frm, _to, _src, _unc in (
    (
        D(2018, 12, 1),
        D(2025, 6, 30),
        "Decree 146/2018/ND-CP art. 7; examples: http://tm247.info/bangtinhdongbhyt.html ; "
        "https://en.tlklawfirm.vn/tu-01-07-muc-dong-bao-hiem-y-te-ho-gia-dinh-thay-doi-ra-sao-"
        "khi-luong-co-so-tang",
        False,
    ),
    (
        D(2025, 7, 1),
        None,
        "Decree 188/2025/ND-CP art. 6; example (base 2,340,000, same under Decree 146): "
        "https://vnnow.net/en/health/voters-propose-abolishing-health-insurance-fees-based-on-"
        "base-salary-164050.html",
        False,
    ),
):
    _p("hi.rate", Decimal("0.045"), _frm, _to, _src)
    for _i, _pct in enumerate((100, 70, 60, 50, 40), start=1):
        _p(f"hi.ladder.{_i}", _pct, _frm, _to, _src, note="5 = fifth and later members")
_p("hi.periods", "3,6,12", D(2018, 12, 1), D(2025, 6, 30), "Decree 146/2018/ND-CP art. 7")
_p(
    "hi.periods",
    "3,6,12",
    D(2025, 7, 1),
    None,
    "Decree 146/2018 practice; UNCONFIRMED under Decree 188/2025",
    unconfirmed=True,
)
_p("hi.card.gap_months", 3, D(2018, 12, 1), None, "Law on HI art. 16 (amended by Law 51/2024)")
_p("hi.card.waiting_days", 30, D(2018, 12, 1), None, "Law on HI art. 16 (amended by Law 51/2024)")

# Retirement age (Labour Code 45/2019 art. 169; Decree 135/2020 art. 4 and appendix)
_RSRC = "Labour Code 45/2019/QH14 art. 169; Decree 135/2020/ND-CP art. 4"
for _k, _v in (
    ("retirement.start_year", 2021),
    ("retirement.before_age_months.M", 720),
    ("retirement.before_age_months.F", 660),
    ("retirement.start_age_months.M", 723),
    ("retirement.start_age_months.F", 664),
    ("retirement.step_months.M", 3),
    ("retirement.step_months.F", 4),
    ("retirement.max_age_months.M", 744),
    ("retirement.max_age_months.F", 720),
):
    _p(_k, _v, D(2021, 1, 1), None, _RSRC)

DEFAULT_PARAMETERS: list[Param] = list(_rows)


@functools.lru_cache(maxsize=1)
def _default_table() -> ParameterTable:
    return ParameterTable(DEFAULT_PARAMETERS)


def default_table() -> ParameterTable:
    """The table built from :data:`DEFAULT_PARAMETERS` (cached; tables are immutable)."""
    return _default_table()
