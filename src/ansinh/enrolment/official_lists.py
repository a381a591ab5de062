"""The official lists a collection organisation hands to the office (Decision 490/QĐ-BHXH 2023).

D05-TS, voluntary social insurance participants, and D03-TS, household health insurance
participants, for the receipts of a period, scoped to the user (``restrict``) and optionally
to one collection organisation.

Layout (both lists): a 4-row title block (unit and form code, the decision, the title, the
period), then the table header (captions, sub-captions of grouped columns, the column codes A,
B, C, 1, 2, ...), then group "I. Tăng" (receipts of the period: new, returning and continuing
participants, said in the notes column) with its subtotal, group "II. Giảm" (enrolments
stopped in the period, with the reason) with its subtotal, the grand total and the signature
lines. Every cell goes through ``safe_cell``; amounts are whole dong.

D05-TS columns: A No.; B full name; C social-insurance code; 1 CCCD; 2 address; 3 receipt
date; 4 receipt number; 5 monthly income; 6-7 payment method: months, from month/year; 8 amount
due by law; 9 paid by the participant; 10-11 state support %, amount; 12-13 local-budget extra
support %, amount; 14-15 other support %, amount; 16 collector code; 17 notes. The support
percentages are the rules' rates for the person's groups and province on the first month
paid; the amounts are the receipt's (the state and local shares split in the rates' ratio).

D03-TS columns: A No.; B full name; C social-insurance code; 1 CCCD; 2 date of birth; 3 sex;
4 address; 5 household code; 6 member's position in the household; 7 months; 8 card from;
9 amount due; 10-11 state budget support %, amount; 12 paid; 13 collector code; 14 notes. One
row per member, the household's receipt shared by the ladder of Decree 188/2025 art. 6.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from ansinh.common.excel import safe_cell
from ansinh.common.unconfirmed import unconfirmed_lines
from ansinh.parameters.table import current_table
from ansinh.registry.models import Sex
from ansinh.registry.queries import groups_on
from ansinh.rules.hi import hi_quote
from ansinh.rules.vsi import vsi_quote

from .models import HiEnrolment, HiStatus, Receipt, Scheme, StopReason, VsiEnrolment, VsiStatus

DECISION = "Ban hành kèm theo Quyết định số 490/QĐ-BHXH ngày 28/3/2023 của BHXH Việt Nam"
_THIN = Side(style="thin", color="999999")
_BOX = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)


@dataclass
class Group:
    code: str  # "I" or "II"
    title: str  # "Tăng" or "Giảm"
    rows: list[list] = field(default_factory=list)


@dataclass(frozen=True)
class Layout:
    form: str  # "D05-TS"
    title: str
    captions: list[tuple[str, int]]  # (caption, columns spanned)
    sub_captions: list[str]  # under each column ("" = the caption spans both header rows)
    codes: list[str]
    money: tuple[int, ...]  # 0-based columns summed in the subtotals


D05 = Layout(
    form="D05-TS",
    title="DANH SÁCH NGƯỜI THAM GIA BẢO HIỂM XÃ HỘI TỰ NGUYỆN",
    captions=[
        ("STT", 1),
        ("Họ và tên", 1),
        ("Mã số BHXH", 1),
        ("Số CCCD/ĐDCN/Hộ chiếu", 1),
        ("Địa chỉ", 1),
        ("Ngày biên lai", 1),
        ("Số biên lai", 1),
        ("Mức thu nhập tháng đóng BHXH", 1),
        ("Phương thức đóng", 2),
        ("Số tiền phải đóng theo quy định", 1),
        ("Số tiền người tham gia đóng", 1),
        ("NSNN hỗ trợ", 2),
        ("NSĐP hỗ trợ thêm", 2),
        ("Hỗ trợ khác", 2),
        ("Mã nhân viên thu", 1),
        ("Ghi chú", 1),
    ],
    sub_captions=[
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "Số tháng",
        "Từ tháng năm",
        "",
        "",
        "Tỷ lệ (%)",
        "Số tiền",
        "Tỷ lệ (%)",
        "Số tiền",
        "Tỷ lệ (%)",
        "Số tiền",
        "",
        "",
    ],  # fmt: skip
    codes=["A", "B", "C"] + [str(i) for i in range(1, 18)],
    money=(10, 11, 13, 15, 17),  # columns 8, 9, 11, 13, 15
)

D03 = Layout(
    form="D03-TS",
    title="DANH SÁCH NGƯỜI THAM GIA BẢO HIỂM Y TẾ HỘ GIA ĐÌNH",
    captions=[
        ("STT", 1),
        ("Họ và tên", 1),
        ("Mã số BHXH", 1),
        ("Số CCCD/ĐDCN/Hộ chiếu", 1),
        ("Ngày sinh", 1),
        ("Giới tính", 1),
        ("Địa chỉ", 1),
        ("Mã hộ gia đình", 1),
        ("Người thứ", 1),
        ("Số tháng đóng", 1),
        ("Thẻ có giá trị từ", 1),
        ("Số tiền phải đóng", 1),
        ("NSNN hỗ trợ", 2),
        ("Số tiền đóng", 1),
        ("Mã nhân viên thu", 1),
        ("Ghi chú", 1),
    ],
    sub_captions=[
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "Tỷ lệ (%)",
        "Số tiền",
        "",
        "",
        "",
    ],  # fmt: skip
    codes=["A", "B", "C"] + [str(i) for i in range(1, 15)],
    money=(11, 13, 14),  # columns 9, 11, 12
)


def _address(person) -> str:
    parts = [person.address, person.hamlet.name if person.hamlet else "", person.commune.name]
    return ", ".join(p for p in parts if p)


def _dmy(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def _month(d: date | None) -> str:
    return d.strftime("%m/%Y") if d else ""


def _period_receipts(user, scheme, start, end, organisation_id=None):
    qs = Receipt.objects.restrict(user).filter(scheme=scheme, paid_on__range=(start, end))
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    return qs.select_related("person__commune", "person__hamlet", "collector", "household")


def _stopped(user, start, end, organisation_id=None):
    qs = VsiEnrolment.objects.restrict(user).filter(
        status=VsiStatus.STOPPED, status_since__range=(start, end)
    )
    if organisation_id:
        qs = qs.filter(person__collector__organisation_id=organisation_id)
    return qs.select_related("person__commune", "person__hamlet", "person__collector")


def _support_split(receipt) -> tuple:
    """(state %, state amount, local %, local amount) of a VSI receipt."""
    person = receipt.person
    try:
        q = vsi_quote(
            current_table(),
            receipt.income,
            groups_on(person, receipt.from_month),
            receipt.from_month,
            1,
            person.commune.province_id,
        )
    except (ValueError, KeyError):
        return ("", receipt.support, "", 0)
    nat, loc = q.national_percent, q.local_percent
    if not receipt.support or nat + loc == 0:
        return (nat, 0, loc or "", 0) if receipt.support == 0 else ("", receipt.support, "", 0)
    state = receipt.support * nat // (nat + loc)
    return (nat, state, loc or "", receipt.support - state)


def _d05_person(p) -> list:
    """The person's columns of D05-TS: name, social-insurance code, CCCD, address."""
    return [p.full_name, p.si_code, p.cccd, _address(p)]


def _d03_person(p) -> list:
    """The person's columns of D03-TS: name, codes, birth date, sex, address."""
    sex = "Nữ" if p.sex == Sex.FEMALE else "Nam"
    return [p.full_name, p.si_code, p.cccd, _dmy(p.birth_date), sex, _address(p)]


def d05_groups(user, start: date, end: date, organisation_id=None) -> list[Group]:
    receipts = _period_receipts(user, Scheme.VSI, start, end, organisation_id).annotate(
        earlier=Exists(
            VsiEnrolment.objects.filter(
                person=OuterRef("person"), start_month__lt=OuterRef("vsi_enrolment__start_month")
            )
        )
    )
    increase = Group("I", "Tăng")
    for r in receipts.select_related("vsi_enrolment").order_by("paid_on", "number"):
        e = r.vsi_enrolment
        if e is not None and e.start_month == r.from_month:
            note = "Tham gia lại" if r.earlier else "Tham gia mới"
        else:
            note = "Đóng tiếp"
        state_pct, state, local_pct, local = _support_split(r)
        other = max(0, r.gross - r.amount - r.support)
        p = r.person
        increase.rows.append(
            [
                *_d05_person(p),
                _dmy(r.paid_on),
                r.number,
                r.income,
                r.months,
                _month(r.from_month),
                r.gross,
                r.amount,
                state_pct,
                state,
                local_pct,
                local,
                "",
                other,
                r.collector.code if r.collector else "",
                note,
            ]  # fmt: skip
        )
    decrease = Group("II", "Giảm")
    for e in _stopped(user, start, end, organisation_id).order_by("status_since", "pk"):
        p = e.person
        reason = StopReason(e.stop_reason).label if e.stop_reason else ""
        note = f"Dừng tham gia: {reason}" if reason else "Dừng tham gia"
        decrease.rows.append(
            [
                *_d05_person(p),
                "",
                "",
                e.income,
                0,
                _month(e.status_since),
                0,
                0,
                "",
                0,
                "",
                0,
                "",
                0,
                p.collector.code if p.collector else "",
                note,
            ]  # fmt: skip
        )
    return [increase, decrease]


def d03_groups(user, start: date, end: date, organisation_id=None) -> list[Group]:
    increase = Group("I", "Tăng")
    table = current_table()
    for r in _period_receipts(user, Scheme.HI, start, end, organisation_id).order_by(
        "paid_on", "number"
    ):
        members = list(
            HiEnrolment.objects.filter(household=r.household)
            .select_related("person__commune", "person__hamlet")
            .order_by("member_order", "pk")[: r.members]
        )
        try:
            shares = hi_quote(table, r.members, r.paid_on, r.months).per_member
        except ValueError:
            shares = []
        if len(shares) != len(members) or sum(s.amount for s in shares) != r.gross:
            shares = None  # the ladder does not give the receipt: its total on the payer's row
        collector = r.collector.code if r.collector else ""
        household = r.household.code if r.household else ""
        for i, m in enumerate(members or []):
            p = m.person
            due = shares[i].amount if shares else (r.gross if i == 0 else 0)
            paid = shares[i].amount if shares else (r.amount if i == 0 else 0)
            support = max(0, due - paid)
            pct = round(100 * support / due) if due and support else ""
            increase.rows.append(
                [
                    *_d03_person(p),
                    household,
                    i + 1,
                    r.months,
                    _dmy(m.card_from),
                    due,
                    pct,
                    support,
                    paid,
                    collector,
                    f"Biên lai {r.number} ngày {_dmy(r.paid_on)}",
                ]  # fmt: skip
            )
    stopped = Group("II", "Giảm")
    qs = HiEnrolment.objects.restrict(user).filter(
        status=HiStatus.STOPPED, updated_at__date__range=(start, end)
    )
    if organisation_id:
        qs = qs.filter(person__collector__organisation_id=organisation_id)
    for m in qs.select_related(
        "person__commune", "person__hamlet", "household", "person__collector"
    ):
        p = m.person
        stopped.rows.append(
            [
                *_d03_person(p),
                m.household.code if m.household else "",
                m.member_order,
                0,
                "",
                0,
                "",
                0,
                0,
                p.collector.code if p.collector else "",
                "Dừng tham gia",
            ]  # fmt: skip
        )
    return [increase, stopped]


def workbook(layout: Layout, groups: list[Group], unit: str, unit_code: str, start, end):
    """The list as the office receives it (see the module docstring for the layout)."""
    wb = Workbook()
    ws = wb.active
    ws.title = layout.form
    width = len(layout.codes)
    _write_title(ws, layout, unit, unit_code, start, end)
    head = 6  # captions (6), sub-captions (7), codes (8)
    _write_captions(ws, layout, head)
    last = _write_groups(ws, layout, groups, head + 3)
    _write_footer(ws, width, last + 2)
    widths = {1: 6, 2: 26, 3: 13, 4: 15, 5: 30}
    for c in range(1, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = widths.get(c, 12)
    ws.freeze_panes = ws.cell(head + 3, 3)
    return wb


def _put(ws, r: int, c: int, value):
    return ws.cell(r, c, safe_cell(value))


def _bold_row(ws, r: int, width: int) -> None:
    for c in range(1, width + 1):
        ws.cell(r, c).font = Font(bold=True)


def _write_title(ws, layout: Layout, unit, unit_code, start, end) -> None:
    """The unit and the form's number, the title and the period."""
    width = len(layout.codes)
    _put(ws, 1, 1, f"Tên đơn vị: {unit}")
    _put(ws, 1, width - 3, f"Mẫu {layout.form}")
    _put(ws, 2, 1, f"Mã đơn vị: {unit_code}")
    _put(ws, 2, width - 3, f"({DECISION})")
    _put(ws, 3, 1, layout.title)
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=width)
    _put(ws, 4, 1, f"Từ ngày {_dmy(start)} đến ngày {_dmy(end)}")
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=width)
    for r, size in ((3, 14), (4, 11)):
        ws.cell(r, 1).font = Font(bold=True, size=size)
        ws.cell(r, 1).alignment = Alignment(horizontal="center")
    ws.cell(1, width - 3).font = Font(bold=True)


def _write_captions(ws, layout: Layout, head: int) -> None:
    """The column captions (merged over their span), sub-captions and column codes."""
    width = len(layout.codes)
    col = 1
    for caption, span in layout.captions:
        _put(ws, head, col, caption)
        if span > 1:
            ws.merge_cells(
                start_row=head, start_column=col, end_row=head, end_column=col + span - 1
            )
        elif not layout.sub_captions[col - 1]:
            ws.merge_cells(start_row=head, start_column=col, end_row=head + 1, end_column=col)
        col += span
    for i, sub in enumerate(layout.sub_captions, start=1):
        if sub:
            _put(ws, head + 1, i, sub)
    for i, code in enumerate(layout.codes, start=1):
        _put(ws, head + 2, i, code)
    for r in range(head, head + 3):
        for c in range(1, width + 1):
            cell = ws.cell(r, c)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            cell.border = _BOX


def _write_groups(ws, layout: Layout, groups: list[Group], first: int) -> int:
    """Each group (increase, decrease) with its rows and its sums, then the grand total;
    returns the total's row."""
    width = len(layout.codes)
    row = first
    totals = dict.fromkeys(layout.money, 0)
    count = 0
    for g in groups:
        _put(ws, row, 1, g.code)
        _put(ws, row, 2, g.title)
        ws.cell(row, 1).font = ws.cell(row, 2).font = Font(bold=True)
        row += 1
        sums = dict.fromkeys(layout.money, 0)
        for n, values in enumerate(g.rows, start=1):
            _put(ws, row, 1, n)
            for c, v in enumerate(values, start=2):
                _put(ws, row, c, v)
            for c in layout.money:
                sums[c] += values[c - 1] or 0
            row += 1
        _put(ws, row, 2, f"Cộng {g.code}: {len(g.rows)} người")
        for c, v in sums.items():
            _put(ws, row, c + 1, v)
            totals[c] += v
        _bold_row(ws, row, width)
        row += 1
        count += len(g.rows)
    _put(ws, row, 2, f"Tổng cộng: {count} người")
    for c, v in totals.items():
        _put(ws, row, c + 1, v)
    _bold_row(ws, row, width)
    for r in range(first, row + 1):
        for c in range(1, width + 1):
            ws.cell(r, c).border = _BOX
        for c in layout.money:
            ws.cell(r, c + 1).number_format = "#,##0"
    return row


def _write_footer(ws, width: int, row: int) -> None:
    """What computing the support rates read, the date and the two signatures."""
    for line in unconfirmed_lines():
        _put(ws, row, 1, line)
        row += 1
    today = date.today()
    _put(ws, row + 1, width - 3, f"Ngày {today:%d} tháng {today:%m} năm {today:%Y}")
    _put(ws, row + 2, 2, "Người lập biểu")
    _put(ws, row + 2, width - 3, "Thủ trưởng đơn vị")
    _put(ws, row + 3, 2, "(Ký, ghi rõ họ tên)")
    _put(ws, row + 3, width - 3, "(Ký, ghi rõ họ tên, đóng dấu)")


def month_bounds(month_start: date) -> tuple[date, date]:
    first = month_start.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt - timedelta(days=1)


def official_list(user, kind: str, start: date, end: date, organisation=None):
    """The D05-TS ("d05") or D03-TS ("d03") workbook and its file name (in Vietnamese, as
    the form is)."""
    with translation.override("vi"):
        return _official_list(user, kind, start, end, organisation)


def _official_list(user, kind, start, end, organisation):
    if kind == "d05":
        layout, groups = D05, d05_groups(user, start, end, organisation and organisation.pk)
    else:
        layout, groups = D03, d03_groups(user, start, end, organisation and organisation.pk)
    if organisation is not None:
        unit, code = organisation.name, organisation.code
    else:
        office = getattr(user, "office", None)
        unit = office.name_on(end) if office else _("All offices in your area")
        code = office.code if office else ""
    wb = workbook(layout, groups, unit, code, start, end)
    suffix = f"-{organisation.code}" if organisation is not None else ""
    return wb, f"{layout.form}-{start:%Y%m%d}-{end:%Y%m%d}{suffix}.xlsx"
