"""Receipt and reason files (CSV or XLSX): streamed, validated in sets, written in one transaction.

Layout of a receipt file (the template is downloadable from the import page; docs/collection.md):

    so_bien_lai      receipt number (unique; the natural key: a file uploaded twice adds nothing)
    ma_so_bhxh       the participant's social-insurance code (10 digits) or CCCD (12 digits)
    ngay_nop         date paid: dd/mm/yyyy (or yyyy-mm-dd)
    so_thang         months paid (1 to 60)
    so_tien          amount paid by the participant, whole dong (must equal the quote)
    ma_nhan_vien_thu collector code (optional: the person's own collector)
    tu_thang         from month, mm/yyyy (optional; when given it must be the next unpaid month)
    phuong_thuc      payment mode (optional): 1, 3, 6, 12, advance, missing or payback; empty:
                     the enrolment's (enrolment.services.receipt_mode checks it)

CSV files are UTF-8 (with or without BOM), comma or semicolon separated.

Phase 1 (validate) reads the file in batches of 5,000 rows; each batch costs a handful of
IN queries (persons, enrolments, existing receipts, support groups, collectors), the amounts
come from the rules engine quoted once per distinct (income, groups, month, months), and the
verdicts are bulk-inserted as ImportRow (the report, and the staging table). Progress is
committed per batch, so a page can poll it.

Phase 2 (write), in one transaction: per range of staged lines, one UPDATE of paid_through
per enrolment (which locks it and checks it is still open and unpaid), INSERT ... SELECT the
receipts, INSERT ... SELECT their contribution months (split as
enrolment.ledger.split_total does; the SQL is enrolment.ledger's); then visits resolved and
one audit entry. On PostgreSQL, outside a caller's transaction, the phases overlap (decision
0015): a lookup thread reads batch k+1 while batch k is judged and a Writer thread writes
batch k-1, each in a connection of its own. A file with a rejected row writes nothing unless
the user chose to keep the valid rows; a crash leaves the database as it was.
"""

from __future__ import annotations

import csv
import hashlib
import io
import operator
import queue
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager, nullcontext
from datetime import date, datetime
from types import SimpleNamespace

from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ansinh.accounts.models import AuditEntry
from ansinh.accounts.scope import scope_for
from ansinh.common import lease
from ansinh.common.rule_errors import (
    amount_mismatch,
    identity_error,
    income_error,
    quote_error,
)
from ansinh.common.text import add_months
from ansinh.enrolment.ledger import WriteConflict, write_staged_vsi_receipts
from ansinh.enrolment.models import Receipt, VsiEnrolment, VsiStatus
from ansinh.enrolment.services import ModeError, next_unpaid_month, receipt_mode
from ansinh.parameters.table import current_table
from ansinh.places.models import Commune
from ansinh.registry.models import Person, SupportMembership
from ansinh.rules.errors import InputError
from ansinh.rules.identity import IdentityError, check_person_code
from ansinh.rules.months import Month
from ansinh.rules.vsi import LUMP_SUM_METHODS, IncomeOutOfRange, support_since, vsi_method_quote

from . import sql as _sql  # noqa: F401  (registers the anyof lookup)
from .choices import RUNNING, ImportStatus, ListKind, RowStatus, Source
from .models import Collector, CycleEntry, ImportRow, ReceiptImport

BATCH = 5_000
RECEIPT_COLUMNS = [
    "so_bien_lai",
    "ma_so_bhxh",
    "ngay_nop",
    "so_thang",
    "so_tien",
    "ma_nhan_vien_thu",
    "tu_thang",
    "phuong_thuc",
]
REQUIRED_RECEIPT = RECEIPT_COLUMNS[:5]
REASON_COLUMNS = ["ma_so_bhxh", "ma_ly_do", "ghi_chu"]
REQUIRED_REASON = REASON_COLUMNS[:2]
_DATE_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class LayoutError(Exception):
    """The file is not in the documented layout or encoding: nothing is read."""


def _stopped_by(exc: BaseException, writing: bool = False) -> str:
    """The report's message for an import stopped by `exc` (nothing written): what to do when
    another writer got there first, the error itself otherwise."""
    if isinstance(exc, WriteConflict):
        return _(
            "Nothing was written: some participants paid since the file was checked (another "
            "file or a receipt typed at the same time). Upload the file again: what is already "
            "recorded will be counted as such."
        )
    code = getattr(exc.__cause__, "sqlstate", None)
    if code in ("40P01", "40001", "55P03") or "database is locked" in str(exc):
        return _(
            "Nothing was written: another file or a receipt was being written for the same "
            "participants at the same moment. Upload the file again: what is already recorded "
            "will be counted as such."
        )
    if writing:
        return _("Stopped by an error while writing; nothing was written: %(e)s") % {"e": exc}
    return _("Stopped by an error: %(e)s") % {"e": exc}


def checkpoint(stage: str, rows_done: int) -> None:
    """Called after each batch and each write step (tests inject failures here)."""


# -- reading -----------------------------------------------------------------------------------


def file_digest(fileobj) -> str:
    h = hashlib.sha256()
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1 << 16), b""):
        h.update(chunk)
    fileobj.seek(0)
    return h.hexdigest()


def _norm_header(cells) -> list[str]:
    return [str(c or "").strip().lower().lstrip("\ufeff") for c in cells]


def _check_header(header: list[str], columns: list[str], required: list[str]) -> list[int]:
    missing = [c for c in required if c not in header]
    if missing:
        raise LayoutError(
            _("The first row must name the columns %(cols)s; missing: %(missing)s.")
            % {"cols": ", ".join(columns), "missing": ", ".join(missing)}
        )
    return [header.index(c) if c in header else -1 for c in columns]


def read_rows(fileobj, name: str, columns: list[str], required: list[str]) -> Iterator:
    """Yield (line number, {column: value}) streaming from a CSV or XLSX file."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        yield from _read_xlsx(fileobj, columns, required)
    elif lower.endswith((".csv", ".txt")):
        yield from _read_csv(fileobj, columns, required)
    else:
        raise LayoutError(_("Upload a .csv or .xlsx file."))


def _read_csv(fileobj, columns, required):
    fileobj.seek(0)
    head = fileobj.read(4)
    fileobj.seek(0)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise LayoutError(_("The file is UTF-16; save it as CSV UTF-8."))
    text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", errors="strict", newline="")
    line = physical = 1  # the last row read (as Excel numbers rows) and its last text line
    header, delimiter = [], ","
    try:
        first = text.readline()
        delimiter = ";" if first.count(";") > first.count(",") else ","
        header = _norm_header(next(csv.reader([first], delimiter=delimiter), []))
        index = _check_header(header, columns, required)
        # A full row (the usual case) is read with one C-level getter; a short one cell by cell.
        present = [(c, i) for c, i in zip(columns, index, strict=True) if i >= 0]
        names = [c for c, _i in present]
        cells_of = operator.itemgetter(*[i for _c, i in present])
        absent = {c: "" for c, i in zip(columns, index, strict=True) if i < 0}
        width = max(i for _c, i in present) + 1
        reader = csv.reader(text, delimiter=delimiter)
        for line, cells in enumerate(reader, start=2):
            physical = reader.line_num + 1
            if not "".join(cells).strip():
                continue
            if len(cells) >= width:
                row = dict(zip(names, map(str.strip, cells_of(cells)), strict=True))
                row.update(absent)
            else:
                row = {
                    c: (cells[i].strip() if 0 <= i < len(cells) else "")
                    for c, i in zip(columns, index, strict=True)
                }
            yield line, row
    except UnicodeDecodeError:
        # The decoder reads ahead: the row being read is not the bad byte's. Find it again.
        raise LayoutError(_not_utf8(fileobj, delimiter)) from None
    except csv.Error as exc:  # in the row after the last one read
        raise LayoutError(_csv_error(exc, fileobj, line + 1, physical + 1, header, delimiter))
    finally:
        text.detach()


def _column_name(header: list[str], i: int) -> str:
    return header[i] if 0 <= i < len(header) and header[i] else _("column %(n)s") % {"n": i + 1}


def _not_utf8(fileobj, delimiter: str) -> str:
    """Where the first byte that is not UTF-8 is: its row (as Excel numbers them) and column."""
    fileobj.seek(0)
    data = fileobj.read().removeprefix(b"\xef\xbb\xbf")
    try:
        data.decode("utf-8")
        bad = len(data)
    except UnicodeDecodeError as exc:
        bad = exc.start
    # The rows before the bad byte (quoted line breaks included) and the cells of its own.
    before = data[:bad].decode("utf-8", errors="replace")
    try:
        rows = list(csv.reader(io.StringIO(before, newline=""), delimiter=delimiter))
    except csv.Error:
        rows = [[]] * before.count("\n")
    if not rows or before.endswith(("\n", "\r")):
        rows.append([""])  # the bad byte starts a row
    header = _norm_header(rows[0]) if len(rows) > 1 else []
    if len(rows) == 1:
        where = _("The first row (the column names)")
    else:
        where = _("Row %(row)s, column %(col)s") % {
            "row": len(rows),
            "col": _column_name(header, len(rows[-1]) - 1),
        }
    return _(
        "%(where)s: the file is not UTF-8 text (it was saved as Windows-1258, ANSI or "
        'Latin-1). Nothing was read. In Excel choose Save As, file type "CSV UTF-8 (Comma '
        'delimited)", and upload that file again.'
    ) % {"where": where}


def _open_quote_column(raw: str, delimiter: str) -> int | None:
    """The cell of a CSV line whose quote (") is opened and not closed on that line."""
    column, quoted = 0, False
    for ch in raw:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            column += 1
    return column if quoted else None


def _csv_error(exc, fileobj, row: int, physical: int, header: list[str], delimiter: str) -> str:
    if "field larger than field limit" not in str(exc):
        return _(
            "Row %(row)s cannot be read as CSV (%(error)s). Nothing was read. Open the file in "
            'Excel, check row %(row)s, save it as "CSV UTF-8 (Comma delimited)" and upload '
            "it again."
        ) % {"row": row, "error": str(exc)}
    # Almost always a quote opened in a cell of this row and never closed: the rest of the
    # file became one cell. Name that cell.
    fileobj.seek(0)
    column = None
    for n, raw in enumerate(fileobj, start=1):
        if n == physical:
            column = _open_quote_column(raw.decode("utf-8-sig", errors="replace"), delimiter)
            break
    where = _("Row %(row)s") % {"row": row}
    if column is not None:
        where = _("Row %(row)s, column %(col)s") % {
            "row": row,
            "col": _column_name(header, column),
        }
    return _(
        "%(where)s: a cell is longer than %(limit)s characters, so the file cannot be read. "
        'Nothing was read. Usually a quote (") opens the cell and is never closed: remove the '
        "stray quote (or close it) and upload the file again."
    ) % {"where": where, "limit": number_format(csv.field_size_limit(), force_grouping=True)}


def _read_xlsx(fileobj, columns, required):
    from openpyxl import load_workbook

    try:
        # Formulas as written ("=..."), not their cached values: a formula is refused by name.
        wb = load_workbook(fileobj, read_only=True, data_only=False)
    except Exception:
        raise LayoutError(_("The file is not a readable Excel (.xlsx) workbook."))
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = _norm_header(next(rows, []))
        index = _check_header(header, columns, required)
        for line, cells in enumerate(rows, start=2):
            if not cells or all(c is None or str(c).strip() == "" for c in cells):
                continue
            yield (
                line,
                {
                    c: (cells[i] if 0 <= i < len(cells) else None)
                    for c, i in zip(columns, index, strict=True)
                },
            )
    finally:
        wb.close()


def _text(value) -> str:
    if type(value) is str:  # every CSV cell: the common case first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _int(value) -> int | None:
    if type(value) is str and value.isascii() and value.isdigit():  # a plain CSV number
        return int(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _text(value).replace(".", "").replace(",", "").replace(" ", "").removesuffix("đ")
    # isdigit() alone also passes "²" and other digits int() refuses
    return int(text) if text.isascii() and text.isdigit() else None


def _is_formula(value) -> bool:
    return type(value) is str and value.lstrip()[:1] == "="


def _is_negative(value) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value < 0
    text = _text(value).replace(" ", "")
    return text[:1] in ("-", "\u2212") and _int(text[1:]) is not None


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    m = _DATE_DMY.match(text)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return date.fromisoformat(text)
    except ValueError:
        return None


def _month(value) -> date | None:
    if isinstance(value, (date, datetime)):
        return _date(value).replace(day=1)
    text = _text(value)
    m = re.match(r"^(\d{1,2})/(\d{4})$", text) or re.match(r"^(\d{4})-(\d{1,2})$", text)
    if not m:
        return None
    a, b = m.groups()
    year, month = (int(b), int(a)) if len(b) == 4 else (int(a), int(b))
    return date(year, month, 1) if 1 <= month <= 12 else None


# -- receipts: phase 1 -------------------------------------------------------------------------


#: The staged verdict's columns (ImportRow's), in the order they are copied.
STAGE_FIELDS = [
    "batch_id",
    "line",
    "status",
    "field",
    "message",
    "number",
    "si_code",
    "person_id",
    "enrolment_id",
    "paid_on",
    "from_month",
    "months",
    "income",
    "gross",
    "support",
    "supported_months",
    "amount",
    "collector_id",
    "organisation_id",
    "reason_code",
    "entry_id",
]


class _Verdict:
    """One row's verdict: the columns of ImportRow, without a model instance per row."""

    __slots__ = tuple(STAGE_FIELDS)

    def __init__(self, batch_id, line, number, si_code):
        self.batch_id, self.line, self.number, self.si_code = batch_id, line, number, si_code
        self.field = self.message = self.reason_code = ""
        self.status = self.person_id = self.enrolment_id = self.paid_on = None
        self.from_month = self.months = self.income = self.gross = self.support = None
        self.supported_months = self.amount = self.collector_id = self.organisation_id = None
        self.entry_id = None


def _dicts(queryset, *names) -> Iterator[dict]:
    """A queryset's rows as dicts of `names` (as .values() gives them, at half the cost), in
    no particular order (a lookup's rows are keyed, not listed: no sort, as by the persons'
    names)."""
    for row in queryset.order_by().values_list(*names):
        yield dict(zip(names, row, strict=True))


class _Validator:
    def __init__(self, batch: ReceiptImport, user):
        self.batch = batch
        self.batch_id = batch.pk
        self.user = user
        self.scope = scope_for(user)
        self.table = current_table()
        self.cap = int(self.table.value_or("vsi.support.max_months", date.today(), 0))
        # No support was paid before this month, so the cap cannot bind for a payment whose
        # months end fewer than `cap` months after it.
        self.support_since = support_since(self.table) or Month.of(date.today())
        self.payback_cache: dict = {}
        self.seen: set[str] = set()
        self.state: dict[int, SimpleNamespace] = {}  # enrolment id -> paid_through, status
        self.quotes: dict = {}
        self.today = date.today()
        # Per distinct value, not per row: a file repeats a few dates and month counts.
        self.month_of: dict[date, Month] = {}
        self.dates: dict[str, date | None] = {}  # date cell -> date (lookups' own)
        self.firsts: dict = {}
        self.covers: dict = {}
        self.modes: dict = {}  # (method, status, first, paid_on, months, given) -> mode
        self.support_added: dict[int, int] = {}  # person id -> supported months accepted so far
        self.support_recorded: dict[int, int] = {}  # person id -> in the database before
        self.province_of = dict(Commune.objects.values_list("code", "province_id"))
        self.organisation_of = dict(Collector.objects.values_list("id", "organisation_id"))

    def _month_of(self, d: date) -> Month:
        m = self.month_of.get(d)
        if m is None:
            m = self.month_of[d] = Month.of(d)
        return m

    def _date_of(self, cell) -> date | None:
        """_date(cell), once per distinct text: a file repeats a few dates."""
        if type(cell) is not str:
            return _date(cell)
        if cell not in self.dates:
            self.dates[cell] = _date(cell)
        return self.dates[cell]

    def lookup(self, rows: list[tuple[int, dict]]) -> SimpleNamespace:
        """What the database knows about a batch: reads only, no state that judge() reads
        touched (the date cache is the lookups' own), so it can run in another thread (and
        connection) ahead of judge()."""
        for _l, r in rows:  # parse each cell once (a date once per distinct cell)
            r["so_bien_lai"] = _text(r["so_bien_lai"])
            r["ma_so_bhxh"] = _text(r["ma_so_bhxh"])
            r["_paid_on"] = self._date_of(r["ngay_nop"])
            r["_months"] = _int(r["so_thang"])
            r["_amount"] = _int(r["so_tien"])
            r["_collector"] = _text(r.get("ma_nhan_vien_thu"))
            r["_from"] = _text(r.get("tu_thang"))
            r["_mode"] = _text(r.get("phuong_thuc"))
        codes = {r["ma_so_bhxh"] for _l, r in rows}
        numbers = {r["so_bien_lai"] for _l, r in rows}
        persons, outside, shared = self._persons(codes)
        # sets, not lists: Django walks a list given to a lookup value by value
        person_ids = frozenset(p["id"] for p in persons.values()).union(
            p["id"] for candidates in shared.values() for p in candidates
        )
        enrolments = {
            e["person_id"]: e
            for e in _dicts(
                VsiEnrolment.objects.open().filter(person_id__anyof=person_ids),
                "id",
                "person_id",
                "income",
                "status",
                "paid_through",
                "start_month",
                "method",
                "lump_years",
            )
        }
        existing = {
            r["number"]: r
            for r in _dicts(
                Receipt.objects.filter(number__anyof=numbers),
                "number",
                "person_id",
                "amount",
                "paid_on",
                "months",
            )
        }
        for code, candidates in shared.items():
            # A code two records share (likely duplicates, which the registry warns of): the
            # one with an open enrolment, else the newest, as the public look-up chooses.
            persons[code] = max(candidates, key=lambda p: (p["id"] in enrolments, p["id"]))
        groups: dict[int, list] = {}
        for m in _dicts(
            SupportMembership.objects.filter(person_id__anyof=person_ids),
            "person_id",
            "group",
            "valid_from",
            "valid_to",
        ):
            groups.setdefault(m["person_id"], []).append(m)
        collectors = {
            c["code"]: c
            for c in Collector.objects.filter(
                code__in={r["_collector"] for _l, r in rows} - {""}
            ).values("id", "code", "organisation_id")
        }
        return SimpleNamespace(
            persons=persons,
            outside=outside,
            enrolments=enrolments,
            existing=existing,
            groups=groups,
            collectors=collectors,
        )

    def judge(self, rows: list[tuple[int, dict]], found: SimpleNamespace) -> list[_Verdict]:
        """Each row's verdict, in file order (a person's second row follows from the first)."""
        self.outside = found.outside
        # supported months toward the 120-month cap: recorded, and this file's earlier rows
        # (not yet written, or not yet visible)
        need = self._cap_can_bind(rows, found.persons, found.enrolments)
        self._read_support_recorded(need - self.support_recorded.keys())
        used = {pid: self.support_recorded[pid] + self.support_added.get(pid, 0) for pid in need}
        args = (found.persons, found.enrolments, found.existing, found.groups, found.collectors)
        return [self._row(line, r, *args, used) for line, r in rows]

    def _persons(self, codes):
        """The persons of `codes` (SI codes and CCCDs) in the user's area, by code; the codes
        of persons outside it; and the codes more than one person in it holds, with all of
        them (lookup() chooses among them once it knows their enrolments)."""
        si = [c for c in codes if len(c) == 10 and c.isdigit()]
        ids = [c for c in codes if len(c) == 12 and c.isdigit()]
        qs = Person.objects.restrict(self.user)
        qs = (
            qs.filter(si_code__anyof=frozenset(si))
            if not ids
            else qs.filter(Q(si_code__anyof=frozenset(si)) | Q(cccd__anyof=frozenset(ids)))
        )
        out: dict[str, dict] = {}
        shared: dict[str, list[dict]] = {}  # a code more than one person holds: all of them
        # the person's row alone; province and organisation from the maps read once
        province_of, organisation_of = self.province_of, self.organisation_of
        for p in _dicts(qs, "id", "si_code", "cccd", "commune_id", "collector_id"):
            p["province_id"] = province_of.get(p["commune_id"])
            p["organisation_id"] = organisation_of.get(p["collector_id"])
            for code in (p["si_code"], p["cccd"]):
                if code in out:
                    shared.setdefault(code, [out[code]]).append(p)
                elif code:
                    out[code] = p
        outside = set()
        missing = [c for c in si + ids if c not in out]
        if missing and not self.scope.unrestricted:
            found = Person.objects.filter(Q(si_code__in=missing) | Q(cccd__in=missing))
            for s, c in found.values_list("si_code", "cccd"):
                outside.update({s, c})
        return out, outside, shared

    def _cap_can_bind(self, rows, persons, enrolments) -> set[int]:
        """The persons of a batch for whom the 120-month cap on supported months can bind.

        A payment's months end at most at the latest of the month paid, the month after
        paid-through (as this file has moved it so far) and the start month, plus every month
        the person pays in this batch; no support was paid before support_since, so a person
        cannot have used more supported months than there are months from then to that end.
        """
        ahead: dict[int, int] = {}
        for _l, r in rows:
            p = persons.get(r["ma_so_bhxh"])
            if p and r["_months"]:
                ahead[p["id"]] = ahead.get(p["id"], 0) + r["_months"]
        # The usual batch: even its latest month and its longest payment cannot bind.
        state = self.state
        paid = [r["_paid_on"] for _l, r in rows if r["_paid_on"]]
        through = [
            st.paid_through if (st := state.get(e["id"])) else e["paid_through"]
            for e in enrolments.values()
        ]
        through = [d for d in through if d]
        candidates = [Month.of(max(paid))] if paid else []
        if through:
            candidates.append(Month.of(max(through)) + 1)
        if enrolments:
            candidates.append(Month.of(max(e["start_month"] for e in enrolments.values())))
        latest = max(candidates, default=self.support_since)
        if not ahead or (latest - self.support_since) + max(ahead.values()) <= self.cap:
            return set()
        need = set()
        for _l, r in rows:
            p = persons.get(r["ma_so_bhxh"])
            e = p and enrolments.get(p["id"])
            if not e or not r["_paid_on"] or p["id"] in need or p["id"] not in ahead:
                continue
            st = self.state.get(e["id"])
            paid_through = st.paid_through if st else e["paid_through"]
            latest = max(
                self._month_of(r["_paid_on"]),
                Month.of(paid_through) + 1 if paid_through else self.support_since,
                Month.of(e["start_month"]),
            )
            if (latest - self.support_since) + ahead[p["id"]] > self.cap:
                need.add(p["id"])
        return need

    def _read_support_recorded(self, person_ids: set[int]) -> None:
        """Supported months already recorded, once per person for the whole file (the file's
        own months are counted in support_added)."""
        if not person_ids:
            return
        from ansinh.enrolment.models import ContributionMonth

        recorded = dict(
            ContributionMonth.objects.filter(person_id__in=person_ids, support__gt=0)
            .values_list("person_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for pid in person_ids:
            self.support_recorded[pid] = recorded.get(pid, 0)

    def _row(self, line, r, persons, enrolments, existing, groups, collectors, used):
        """One row's verdict: the checks in the order a clerk reads the row (the first that
        fails rejects it), then the amount against the quote."""
        number, code = r["so_bien_lai"], r["ma_so_bhxh"]
        row = _Verdict(self.batch_id, line, number[:40], code[:20])
        try:
            self._check_number(number)
            person = persons.get(code)
            if self._already_recorded(row, r, person, existing.get(number)):
                return row
            enrolment = self._enrolment_of(row, code, person, enrolments)
            self._check_payment(r)
            collector_id, org_id = self._collector_and_organisation(r, person, collectors)
            st = self._state_of(enrolment)
            first = self._first_month(st, r)
            mode = self._mode_of(enrolment, st, first, r)
            quote = self._quote(r, person, enrolment, groups, used, mode)
        except _Rejected as exc:
            return self._reject(row, r, exc.field, exc.message)
        self._accept(row, r, person, enrolment, st, first, quote, used)
        row.collector_id, row.organisation_id = collector_id, org_id
        return row

    @staticmethod
    def _reject(row, r, field, message):
        if _is_formula(r.get(field)):  # whatever else is wrong, the formula first
            message = _(
                "%(v)s is a formula: formulas are not accepted. In Excel copy the column "
                "and paste it back as values (Paste Special, Values), then upload again."
            ) % {"v": _text(r[field])[:60]}
        row.status, row.field, row.message = RowStatus.REJECTED, field, message[:300]
        return row

    def _check_number(self, number: str) -> None:
        """The receipt number: present, short enough, once in the file."""
        if number[:1] == "=":
            raise _Rejected("so_bien_lai", "")
        if not number:
            raise _Rejected("so_bien_lai", _("A receipt number is required."))
        if len(number) > 40:
            raise _Rejected("so_bien_lai", _("A receipt number has at most 40 characters."))
        if number in self.seen:
            raise _Rejected(
                "so_bien_lai", _("Receipt number %(n)s appears twice in the file.") % {"n": number}
            )
        self.seen.add(number)

    @staticmethod
    def _already_recorded(row, r, person, old) -> bool:
        """A receipt number already in the database: the same payment again is a duplicate
        (True), another payment under the number is rejected."""
        if old is None:
            return False
        if (
            person
            and old["person_id"] == person["id"]
            and old["amount"] == r["_amount"]
            and (old["paid_on"] == r["_paid_on"] and old["months"] == r["_months"])
        ):
            row.status, row.message = RowStatus.DUPLICATE, _("Already recorded.")
            row.person_id = person["id"]
            return True
        raise _Rejected(
            "so_bien_lai",
            _("Receipt number %(n)s is already used for another payment.")
            % {"n": r["so_bien_lai"]},
        )

    def _enrolment_of(self, row, code, person, enrolments) -> dict:
        """The participant (in the user's scope) and their open VSI enrolment."""
        if person is None:
            if code in self.outside:
                raise _Rejected("ma_so_bhxh", _("%(code)s is outside your area.") % {"code": code})
            if bad := _malformed_code(code):
                raise _Rejected("ma_so_bhxh", bad)
            raise _Rejected(
                "ma_so_bhxh",
                _("No participant with social-insurance code or CCCD %(code)r.") % {"code": code},
            )
        row.person_id = person["id"]
        enrolment = enrolments.get(person["id"])
        if enrolment is None:
            raise _Rejected(
                "ma_so_bhxh",
                _("%(code)s has no open voluntary social insurance enrolment.") % {"code": code},
            )
        return enrolment

    def _check_payment(self, r) -> None:
        """The date paid, the months and the amount: readable and in range."""
        paid_on, months, amount = r["_paid_on"], r["_months"], r["_amount"]
        if paid_on is None:
            raise _Rejected(
                "ngay_nop",
                _("Date %(v)r is not a date (dd/mm/yyyy).") % {"v": _text(r["ngay_nop"])},
            )
        if paid_on > self.today:
            raise _Rejected(
                "ngay_nop",
                _("The payment date %(d)s is in the future.") % {"d": paid_on.strftime("%d/%m/%Y")},
            )
        if months is None or not 1 <= months <= 60:
            raise _Rejected("so_thang", _("Months must be a whole number from 1 to 60."))
        if amount is None or amount < 0:
            raise _Rejected("so_tien", _amount_error(r["so_tien"]))

    def _collector_and_organisation(self, r, person, collectors) -> tuple:
        """Who collected: the person's collector, or the collector the row names (of the
        uploader's organisation); an organisation's file credits that organisation."""
        collector_id, org_id = person["collector_id"], person["organisation_id"]
        ccode = r["_collector"]
        if ccode:
            c = collectors.get(ccode)
            if c is None:
                raise _Rejected(
                    "ma_nhan_vien_thu", _("Unknown collector code %(c)r.") % {"c": ccode}
                )
            if self.scope.organisation_id and c["organisation_id"] != self.scope.organisation_id:
                raise _Rejected(
                    "ma_nhan_vien_thu",
                    _("Collector %(c)s belongs to another organisation.") % {"c": ccode},
                )
            collector_id, org_id = c["id"], c["organisation_id"]
        if self.batch.organisation_id and not ccode:
            org_id = self.batch.organisation_id
        return collector_id, org_id

    def _state_of(self, enrolment) -> SimpleNamespace:
        """The enrolment as this file has moved it so far (paid-through, status)."""
        st = self.state.get(enrolment["id"])
        if st is None:
            st = SimpleNamespace(
                paid_through=enrolment["paid_through"],
                status=enrolment["status"],
                start_month=enrolment["start_month"],
            )
        return st

    def _first_month(self, st, r) -> date:
        """The first month the payment covers; a from-month the row gives must be it."""
        paid_on = r["_paid_on"]
        fkey = (st.paid_through, st.status, st.start_month, paid_on)
        first = self.firsts.get(fkey)
        if first is None:
            first = self.firsts[fkey] = next_unpaid_month(st, paid_on)
        from_text = r["_from"]
        if not from_text:
            return first
        given = _month(r.get("tu_thang"))
        if given is None:
            raise _Rejected(
                "tu_thang", _("From month %(v)r is not a month (mm/yyyy).") % {"v": from_text}
            )
        if st.paid_through and given <= st.paid_through:
            raise _Rejected(
                "tu_thang",
                _("%(m)s is already paid (paid through %(p)s).")
                % {"m": f"{given:%m/%Y}", "p": f"{st.paid_through:%m/%Y}"},
            )
        if given != first:
            raise _Rejected(
                "tu_thang",
                _("The next month to pay is %(m)s, not %(g)s.")
                % {"m": f"{first:%m/%Y}", "g": f"{given:%m/%Y}"},
            )
        return first

    def _mode_of(self, enrolment, st, first, r) -> str:
        """The payment's mode (the enrolment's method, a lump sum, missed months paid back)."""
        months = r["_months"]
        mkey = (enrolment["method"], st.status, first, r["_paid_on"], months, r["_mode"])
        mode = self.modes.get(mkey)
        if mode is None:
            try:
                mode = self.modes[mkey] = receipt_mode(*mkey)
            except ModeError as exc:
                raise _Rejected("phuong_thuc", str(exc)) from None
        if mode in LUMP_SUM_METHODS and months != 12 * enrolment["lump_years"]:
            raise _Rejected(
                "so_thang",
                _("A lump sum covers %(n)s months.") % {"n": 12 * enrolment["lump_years"]},
            )
        return mode

    def _quote(self, r, person, enrolment, groups, used, mode):
        """What the payment costs (once per distinct case); the amount paid must equal it."""
        paid_on, months, amount = r["_paid_on"], r["_months"], r["_amount"]
        groups_on = _groups_on(groups.get(person["id"]), paid_on)
        key = (  # the day paid, not its month: as exact, cheaper to hash; a file has few days
            enrolment["income"],
            groups_on,
            paid_on,
            months,
            person["province_id"],
            used.get(person["id"], 0),
            mode,
        )
        quote = self.quotes.get(key)
        if quote is None:
            try:
                quote = vsi_method_quote(
                    self.table,
                    enrolment["income"],
                    groups_on,
                    paid_on,
                    method=mode,
                    years=enrolment["lump_years"],
                    months=months,
                    province=person["province_id"],
                    support_months_used=used.get(person["id"], 0),
                )
            except IncomeOutOfRange as exc:
                raise _Rejected("so_tien", income_error(exc)) from None
            except InputError as exc:
                raise _Rejected("so_thang", quote_error(exc)) from None
            except ValueError as exc:
                raise _Rejected("so_tien", str(exc)) from None
            self.quotes[key] = quote
        if amount != quote.net_total:
            raise _Rejected(
                "so_tien",
                amount_mismatch(amount, quote.net_total, months),
            )
        return quote

    def _accept(self, row, r, person, enrolment, st, first, quote, used) -> None:
        """An accepted row: the enrolment moves on, the supported months are counted."""
        months = r["_months"]
        covered = self.covers.get((first, months))
        if covered is None:
            covered = self.covers[first, months] = add_months(first, months - 1)
        st.paid_through, st.status = covered, VsiStatus.ACTIVE
        self.state[enrolment["id"]] = st
        if quote.supported_months:
            pid = person["id"]
            self.support_added[pid] = self.support_added.get(pid, 0) + quote.supported_months
            if pid in used:
                used[pid] += quote.supported_months
        row.status = RowStatus.ACCEPTED
        row.enrolment_id = enrolment["id"]
        row.paid_on, row.from_month, row.months = r["_paid_on"], first, months
        row.income, row.gross, row.support = (
            enrolment["income"],
            quote.gross_total,
            quote.support_total,
        )
        row.supported_months, row.amount = quote.supported_months, quote.net_total


class _Rejected(Exception):
    """A row's first failed check: the column and the message (raised inside _Validator)."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message


def _amount_error(raw) -> str:
    """Why an amount cell is not an amount paid."""
    if _is_negative(raw):
        return _(
            "Amount %(v)s is negative: write the amount the participant paid, a "
            "whole number of dong without a minus sign."
        ) % {"v": _text(raw)}
    if not _text(raw):
        return _("The amount is empty: write the amount paid, in whole dong.")
    return _("Amount %(v)r is not a whole number of dong.") % {"v": _text(raw)}


def _groups_on(memberships, paid_on) -> tuple:
    """The support groups a person is in on the day paid ("other" when none)."""
    if not memberships:
        return ("other",)
    return tuple(
        sorted(
            g["group"]
            for g in memberships
            if g["valid_from"] <= paid_on and (g["valid_to"] is None or paid_on <= g["valid_to"])
        )
    ) or ("other",)


def _start(batch: ReceiptImport) -> None:
    """Checking begins: the status, who runs it and the first heartbeat (decision 0018)."""
    batch.status = ImportStatus.VALIDATING
    batch.owner, batch.heartbeat_at = lease.this_owner(), timezone.now()
    batch.save(update_fields=["status", "owner", "heartbeat_at"])


def import_receipts(batch: ReceiptImport, user, fileobj) -> ReceiptImport:
    """Run an import to the end: validate (phase 1) and write (phase 2), or reject."""
    _start(batch)
    validator = _Validator(batch, user)
    counts = {RowStatus.ACCEPTED: 0, RowStatus.DUPLICATE: 0, RowStatus.REJECTED: 0}
    writer = Writer.start_for(batch, user)
    try:
        with _report_commits_not_waited_for() if writer is not None else nullcontext():
            return _import_receipts(batch, user, fileobj, validator, counts, writer)
    finally:
        if writer is not None:
            writer.abandon()  # when it has not committed: an error or a rejected file


@contextmanager
def _report_commits_not_waited_for():
    """With a writer (PostgreSQL, no caller's transaction), this connection commits only the
    report: each batch's staged verdicts and the progress, 40 commits for a 100,000-row
    file. They do not wait for the disk (synchronous_commit off, this session only); the
    receipts, months and the import's final state are the writer's transaction, which does.
    A crash can lose the last fraction of a second of what this connection committed (the
    report, a REJECTED or FAILED outcome), never a written receipt nor a DONE import: the
    import is then failed by `jobs recover` with its generic message and the file re-run (it
    adds nothing twice)."""
    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cur:
                cur.execute("RESET synchronous_commit")
        except DatabaseError:  # the connection is gone: the next one starts with the default
            connection.close()


def _import_receipts(batch, user, fileobj, validator, counts, writer) -> ReceiptImport:
    done = 0
    try:
        items = read_rows(fileobj, batch.file_name, RECEIPT_COLUMNS, REQUIRED_RECEIPT)
        # With a writer (PostgreSQL, no caller's transaction), lookups run a batch ahead too.
        with closing(_validated(validator, _chunks(items), ahead=writer is not None)) as judged:
            for rows in judged:
                done = _record(validator, rows, counts, done, writer)
    except LayoutError as exc:
        if writer is not None:
            writer.abandon()
        return _finish(batch, ImportStatus.FAILED, counts, str(exc), delete_rows=True)
    except Exception as exc:  # the writer's transaction, if any, is rolled back: nothing written
        if writer is not None:
            writer.abandon()
        return _finish(
            batch,
            ImportStatus.FAILED,
            counts,
            _stopped_by(exc),
            delete_rows=True,
        )
    batch.total = done
    if counts[RowStatus.REJECTED] and not batch.keep_valid:  # the writer stopped at the row
        ImportRow.objects.filter(batch=batch, status=RowStatus.ACCEPTED).update(
            status=RowStatus.SKIPPED
        )
        return _finish(
            batch,
            ImportStatus.REJECTED,
            counts,
            _(
                "%(n)s row(s) rejected: nothing was written. Correct the file and upload it again, "
                "or upload it again choosing to keep the valid rows."
            )
            % {"n": counts[RowStatus.REJECTED]},
        )
    batch.status = ImportStatus.WRITING
    batch.save(update_fields=["status", "total"])
    message = _("%(a)s receipt(s) recorded, %(d)s already recorded, %(r)s rejected.") % {
        "a": counts[RowStatus.ACCEPTED],
        "d": counts[RowStatus.DUPLICATE],
        "r": counts[RowStatus.REJECTED],
    }
    final = _final_fields(batch, ImportStatus.DONE, counts, message)
    try:
        if writer is not None:
            writer.commit(final)
        else:
            write_accepted(batch, user, final)
    except Exception as exc:
        ImportRow.objects.filter(batch=batch, status=RowStatus.ACCEPTED).update(
            status=RowStatus.SKIPPED
        )
        return _finish(
            batch,
            ImportStatus.FAILED,
            counts,
            _stopped_by(exc, writing=True),
        )
    return _finish(batch, ImportStatus.DONE, counts, message)


def _chunks(items) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _validated(validator, chunks, ahead: bool) -> Iterator[list[_Verdict]]:
    """Each batch's verdicts. With `ahead`, the database lookups of the next batch run in a
    thread of their own (its own connection; waiting on the server frees the interpreter)
    while this batch is judged."""
    if not ahead:
        for rows in chunks:
            yield validator.judge(rows, validator.lookup(rows))
        return
    with ThreadPoolExecutor(1, thread_name_prefix="receipt-lookups") as pool:
        try:
            previous = None
            for rows in chunks:
                future = pool.submit(validator.lookup, rows)
                if previous is not None:
                    yield validator.judge(previous[0], previous[1].result())
                previous = (rows, future)
            if previous is not None:
                yield validator.judge(previous[0], previous[1].result())
        finally:
            pool.submit(_close_connection).result()  # the lookup thread's own


def _close_connection() -> None:
    """Close the calling thread's connection (`connection` resolves per thread when called)."""
    connection.close()


def _record(validator, rows, counts, done, writer=None):
    """Stage a batch's verdicts (the report, committed), count them, hand them to the writer."""
    _stage(rows)
    for r in rows:
        counts[r.status] += 1
    done += len(rows)
    ReceiptImport.objects.filter(pk=validator.batch.pk).update(
        done=done, total=max(done, validator.batch.total), heartbeat_at=timezone.now()
    )
    # Written while the next batch is validated. Once the file is to be rejected, the writes
    # so far are rolled back at once (their locks released), and the rest only validated.
    if writer is not None:
        if validator.batch.keep_valid or not counts[RowStatus.REJECTED]:
            writer.write(rows[0].line, rows[-1].line, _staged_counts(rows))
        else:
            writer.abandon()
    checkpoint("validate", done)
    return done


def _staged_counts(rows: list[_Verdict]) -> tuple[int, int]:
    """The accepted rows of a staged batch and their distinct enrolments (the writer checks
    that it moved that many; counted here, they need no query)."""
    accepted = [r.enrolment_id for r in rows if r.status == RowStatus.ACCEPTED]
    return len(accepted), len(set(accepted))


def _stage(rows: list[ImportRow]) -> None:
    """Write a batch of verdicts: COPY on PostgreSQL, bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        ImportRow.objects.bulk_create(
            [ImportRow(**{f: getattr(r, f) for f in STAGE_FIELDS}) for r in rows],
            batch_size=BATCH,
        )
        return
    cols = ", ".join(f'"{f}"' for f in STAGE_FIELDS)
    with connection.cursor() as cur:
        values = operator.attrgetter(*STAGE_FIELDS)
        with cur.cursor.copy(f"COPY collection_importrow ({cols}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(values(r))


def _final_fields(batch, status, counts, message) -> dict:
    done = max(batch.done, sum(counts.values()))
    return {
        "status": status,
        "accepted": counts[RowStatus.ACCEPTED] if status == ImportStatus.DONE else 0,
        "duplicates": counts[RowStatus.DUPLICATE],
        "rejected": counts[RowStatus.REJECTED],
        "message": message,
        "finished_at": timezone.now(),
        "done": done,
        "total": max(batch.total, done),
    }


def _finish(batch, status, counts, message, delete_rows=False):
    if delete_rows and status == ImportStatus.FAILED:
        ImportRow.objects.filter(batch=batch, status=RowStatus.ACCEPTED).update(
            status=RowStatus.SKIPPED
        )
    for name, value in _final_fields(batch, status, counts, message).items():
        setattr(batch, name, value)
    batch.save()
    return batch


def _mark_done(batch, done: dict | None) -> None:
    """In the write's own transaction: the import is done exactly when its rows are written,
    and only while it is still running (not declared stopped by a recovery, decision 0018)."""
    if done is None:
        return
    if not ReceiptImport.objects.filter(pk=batch.pk, status__in=RUNNING).update(**done):
        raise RuntimeError(_("This import was declared stopped while it ran; nothing was written."))


# -- receipts: phase 2 -------------------------------------------------------------------------


def _write_lines(cur, batch: ReceiptImport, user, now, lines: tuple[int, int], staged=None) -> int:
    """Receipts, their months and paid_through from the accepted staging rows of lines lo..hi
    (`staged`: how many rows and enrolments they are, if known), through the ledger's write
    path (enrolment.ledger)."""
    rows = ImportRow._meta.db_table

    def accepted_in(table: str) -> str:  # the accepted staging rows of the range, as `table`
        t = table
        return (
            f"{t}.batch_id = %s AND {t}.status = '{RowStatus.ACCEPTED}' "
            f"AND {t}.line BETWEEN %s AND %s"
        )

    return write_staged_vsi_receipts(
        cur,
        rows,
        accepted_in,
        [batch.pk, *lines],
        now=now,
        recorder=user.pk if user and user.pk else None,
        checkpoint=lambda stage, done: checkpoint(stage, done),  # tests replace checkpoint
        staged=staged,
    )


def _write_end(batch: ReceiptImport, user, written: int, done: dict | None = None) -> None:
    """After the last lines: the visits their payments resolve, one audit entry, and the
    import marked done (`done`, its final fields), all in the write's transaction."""
    from ansinh.collection.services import resolve_paid_visits

    resolve_paid_visits(
        ImportRow.objects.filter(batch=batch, status=RowStatus.ACCEPTED).values("enrolment_id")
    )
    AuditEntry.objects.create(
        user=user if user and user.pk else None,
        action=AuditEntry.Action.CREATE,
        model="collection.receiptimport",
        object_id=str(batch.pk),
        object_repr=f"{batch.file_name}: {written} receipts"[:200],
        after={"file": batch.file_name, "sha256": batch.sha256, "receipts": written},
    )
    _mark_done(batch, done)


@transaction.atomic
def write_accepted(batch: ReceiptImport, user, done: dict | None = None) -> int:
    """Phase 2 in one go, after the whole file is validated (SQLite, or in a caller's
    transaction): receipts, months, paid_through and visits from the staging rows, set-based."""
    with connection.cursor() as cur:
        written = _write_lines(cur, batch, user, timezone.now(), (0, 2**31 - 1))
    _write_end(batch, user, written, done)
    return written


class _Abandon(Exception):
    pass


class Writer(threading.Thread):
    """Phase 2 one batch behind phase 1: the write transaction, in a connection of its own.

    On PostgreSQL, outside a caller's transaction, each validated batch is written while the
    next one is read and checked (decision 0014). The foreign keys are checked row by row as
    they are written (SET CONSTRAINTS ALL IMMEDIATE), not all at COMMIT. Nothing is visible to
    anyone until commit(); abandon() rolls everything back.
    """

    COMMIT, ROLLBACK = "commit", "rollback"

    def __init__(self, batch: ReceiptImport, user):
        super().__init__(name=f"receipt-import-{batch.pk}", daemon=True)
        self.batch, self.user = batch, user
        self.todo: queue.SimpleQueue = queue.SimpleQueue()
        self.stop = threading.Event()  # abandon(): skip the batches still queued
        self.error: BaseException | None = None
        self.written = 0
        self.done: dict | None = None  # the import's final fields, written with its rows

    @classmethod
    def start_for(cls, batch: ReceiptImport, user) -> Writer | None:
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return None
        writer = cls(batch, user)
        writer.start()
        return writer

    def write(self, first_line: int, last_line: int, staged: tuple[int, int]) -> None:
        if self.error is not None:
            raise self.error
        self.todo.put(((first_line, last_line), staged))

    def commit(self, done: dict | None = None) -> int:
        self.done = done
        self.todo.put(self.COMMIT)
        self.join()
        if self.error is not None:
            raise self.error
        return self.written

    def abandon(self) -> None:
        """Roll back (what is written, nothing more), and wait until the locks are released."""
        if self.is_alive():
            self.stop.set()
            self.todo.put(self.ROLLBACK)
            self.join()

    def run(self) -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cur:
                    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    now = timezone.now()
                    while (todo := self.todo.get()) != self.COMMIT:
                        if todo == self.ROLLBACK or self.stop.is_set():
                            raise _Abandon
                        lines, staged = todo
                        self.written += _write_lines(cur, self.batch, self.user, now, lines, staged)
                _write_end(self.batch, self.user, self.written, self.done)
        except _Abandon:
            pass
        except BaseException as exc:  # handed to the importing thread
            self.error = exc
        finally:
            connection.close()


# -- reasons -----------------------------------------------------------------------------------


def _malformed_code(code: str) -> str | None:
    """Why a code no participant has is not a social-insurance code or CCCD (None if it is);
    asked only for the rows already refused, so the accepted rows' path does not change."""
    try:
        check_person_code(code)
    except IdentityError as exc:
        return identity_error(exc)
    return None


def import_reasons(batch: ReceiptImport, user, fileobj) -> ReceiptImport:
    """A reasons file for one cycle's unpaid list: every row checked, then all written."""
    from .services import check_reason, save_reason

    _start(batch)
    counts = {RowStatus.ACCEPTED: 0, RowStatus.DUPLICATE: 0, RowStatus.REJECTED: 0}
    rows = []
    try:
        items = list(read_rows(fileobj, batch.file_name, REASON_COLUMNS, REQUIRED_REASON))
    except LayoutError as exc:
        return _finish(batch, ImportStatus.FAILED, counts, str(exc))
    codes = {_text(r["ma_so_bhxh"]) for _l, r in items}
    found = {}
    for e in (
        CycleEntry.objects.filter(run=batch.run, kind=ListKind.UNPAID)
        .filter(Q(si_code__in=codes) | Q(person__cccd__in=codes))
        .select_related("person")
    ):
        found[e.si_code] = e
        found[e.person.cccd] = e
    seen = set()
    for line, r in items:
        code, reason = _text(r["ma_so_bhxh"]), _text(r["ma_ly_do"]).lower()
        row = ImportRow(batch=batch, line=line, si_code=code[:20], reason_code=reason[:12])
        entry = found.get(code)
        errors = (
            check_reason(user, entry, reason)
            if code not in seen
            else {"ma_so_bhxh": _("%(code)s appears twice in the file.") % {"code": code}}
        )
        seen.add(code)
        if errors:
            field, message = next(iter(errors.items()))
            field = {"entry": "ma_so_bhxh", "code": "ma_ly_do"}.get(field, field)
            if field == "ma_so_bhxh" and entry is None:
                message = _malformed_code(code) or _(
                    "%(code)s is not on the unpaid list of this cycle."
                ) % {"code": code}
            row.status, row.field, row.message = RowStatus.REJECTED, field, str(message)[:300]
        else:
            row.status, row.entry_id = RowStatus.ACCEPTED, entry.pk
            row.message = _text(r.get("ghi_chu"))[:300]
        counts[row.status] += 1
        rows.append(row)
    ImportRow.objects.bulk_create(rows)
    batch.done = batch.total = len(rows)
    if counts[RowStatus.REJECTED] and not batch.keep_valid:
        ImportRow.objects.filter(batch=batch, status=RowStatus.ACCEPTED).update(
            status=RowStatus.SKIPPED
        )
        return _finish(
            batch,
            ImportStatus.REJECTED,
            counts,
            _("%(n)s row(s) rejected: nothing was written.") % {"n": counts[RowStatus.REJECTED]},
        )
    with transaction.atomic():
        entries = CycleEntry.objects.in_bulk([r.entry_id for r in rows if r.entry_id])
        for r in rows:
            if r.status == RowStatus.ACCEPTED:
                save_reason(user, entries[r.entry_id], r.reason_code, r.message, Source.FILE)
                checkpoint("reasons", r.line)
        message = _("%(a)s reason(s) recorded.") % {"a": counts[RowStatus.ACCEPTED]}
        _mark_done(batch, _final_fields(batch, ImportStatus.DONE, counts, message))
    return _finish(batch, ImportStatus.DONE, counts, message)


def run_import(batch: ReceiptImport, user, fileobj=None) -> ReceiptImport:
    if batch.finished:  # declared stopped before a worker took it (or run already)
        return batch
    if fileobj is None:
        fileobj = batch.file.open("rb")
    # PostgreSQL: the lock says "running" for as long as this connection lives (decision 0018);
    # taken before the status says so.
    lease.hold(batch.pk)
    try:
        if batch.kind == ReceiptImport.Kind.REASONS:
            return import_reasons(batch, user, fileobj)
        return import_receipts(batch, user, fileobj)
    finally:
        fileobj.close()
        lease.release(batch.pk)


def template_csv(kind: str = "receipts") -> str:
    if kind == "reasons":
        return ",".join(REASON_COLUMNS) + "\n8712345678,away,Làm ăn xa ở Bình Dương\n"
    return ",".join(RECEIPT_COLUMNS) + "\nBL-2026-000123,8712345678,03/11/2026,1,264000,,,1\n"


def template_xlsx(kind: str = "receipts") -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Bien lai" if kind == "receipts" else "Ly do"
    if kind == "reasons":
        ws.append(REASON_COLUMNS)
        ws.append(["8712345678", "away", "Làm ăn xa ở Bình Dương"])
        notes = wb.create_sheet("Ma ly do")
        notes.append(["ma_ly_do", "ý nghĩa"])
        from .choices import REASON_VI

        for code, label in REASON_VI.items():
            notes.append([str(code), label])
    else:
        ws.append(RECEIPT_COLUMNS)
        ws.append(["BL-2026-000123", "8712345678", "03/11/2026", 1, 264000, "", "", "1"])
        notes = wb.create_sheet("Huong dan")
        for line in __doc__.split("\n\n")[1].splitlines():
            notes.append([line.strip()])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
