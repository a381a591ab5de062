"""Excel files for handing over: one list (due or unpaid) of one organisation or collector.

In Vietnamese (a document for offices), dd/mm/yyyy dates, money as 1.263.600 đ, with a
title, the office, the organisation, the period, and signature lines. Any text that starts
like a formula (= + - @, tab, CR) is neutralised with a leading apostrophe.
"""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from ansinh.common import qr
from ansinh.common.excel import safe_cell as safe
from ansinh.enrolment.models import PaymentMethod
from ansinh.rules.months import Month

from .choices import LIST_KIND_VI, REASON_VI, ListKind
from .cycle import issue_date, reasons_due

METHOD_VI = {
    "1": "Hằng tháng",
    "3": "3 tháng",
    "6": "6 tháng",
    "12": "12 tháng",
    PaymentMethod.ADVANCE: "Đóng trước",
    PaymentMethod.MISSING_YEARS: "Đóng bù",
}
MONEY = '#,##0" đ"'
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _columns(kind):
    cols = [
        ("STT", 6),
        ("Họ và tên", 26),
        ("Mã số BHXH", 13),
        ("Ngày sinh", 11),
        ("Số điện thoại", 13),
        ("Địa chỉ", 22),
        ("Ấp/Khu phố", 16),
        ("Xã/Phường", 14),
        ("Mức thu nhập", 14),
        ("Phương thức", 11),
        ("Đã đóng đến", 11),
        ("Từ tháng", 10),
        ("Hạn đóng", 10),
    ]
    if kind == ListKind.UNPAID:
        cols.append(("Số tháng chậm", 9))
    cols += [("Số tiền phải đóng", 15), ("Nhân viên thu", 20)]
    if kind == ListKind.UNPAID:
        cols += [("Lý do chưa đóng", 22), ("Ghi chú", 22)]
    else:
        cols.append(("Ghi chú", 22))
    return cols


def _row(i, e, kind):
    reason = getattr(e, "reason", None) if kind == ListKind.UNPAID else None
    row = [
        i,
        e.full_name,
        e.si_code,
        e.birth_date,
        e.phone,
        e.address,
        e.hamlet_name,
        e.commune_name,
        e.income,
        METHOD_VI.get(e.method, e.method),
        e.paid_through.strftime("%m/%Y") if e.paid_through else "",
        e.period_start.strftime("%m/%Y"),
        e.deadline.strftime("%m/%Y"),
    ]
    if kind == ListKind.UNPAID:
        row.append(e.months_overdue)
    row += [e.amount, e.collector.full_name if e.collector_id and e.collector else ""]
    if kind == ListKind.UNPAID:
        row += [REASON_VI.get(reason.code, "") if reason else "", reason.note if reason else ""]
    else:
        row.append("")
    return row


def _lookup_qr(ws, url: str, column: int) -> None:
    """The look-up page's QR code in the title block (top right), for participants to scan
    from a printed list: one code for the page (not one a row: the list stays quick to
    make at an organisation's size), with a caption; the page asks for their own code."""
    from openpyxl.drawing.image import Image

    image = Image(io.BytesIO(qr.png(url, scale=2)))
    image.width = image.height = 84
    ws.add_image(image, f"{get_column_letter(column)}1")
    ws.cell(row=7, column=column, value="Quét mã để tự tra cứu").font = Font(italic=True, size=8)


def list_workbook(
    run, kind: str, rows, organisation=None, collector=None, lookup_url: str = ""
) -> bytes:
    """A cycle's due or unpaid list as the organisation prints it: the title block, the
    people (with their total), the signatures."""
    cols = _columns(kind)
    width = len(cols)
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sach"
    header = _list_title(run, kind, organisation, collector)
    _write_title(ws, header, width)
    head_row = len(header) + 2
    if lookup_url:
        _lookup_qr(ws, lookup_url, width)
    _write_column_heads(ws, cols, head_row)
    r = _write_entries(ws, rows, kind, cols, head_row)
    _write_signatures(ws, r + 2, width)
    ws.freeze_panes = ws.cell(row=head_row + 1, column=3)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.print_title_rows = f"{head_row}:{head_row}"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _list_title(run, kind, organisation, collector) -> list[tuple[str, Font | None]]:
    """The lines above the table: the office, the list and its period, who collects."""
    month = Month.of(run.month)
    period = month + 1 if kind == ListKind.DUE else month - 1
    who = organisation.name if organisation else "Chưa phân công tổ chức thu"
    return [
        ("BẢO HIỂM XÃ HỘI VIỆT NAM", Font(bold=True)),
        (run.office.name_on(run.month).upper(), Font(bold=True)),
        ("", None),
        (
            f"{LIST_KIND_VI[kind].upper()} THÁNG {period.month:02d}/{period.year}",
            Font(bold=True, size=14),
        ),
        (
            f"Tổ chức dịch vụ thu: {who}"
            + (f" — Nhân viên thu: {collector.full_name} ({collector.code})" if collector else ""),
            None,
        ),
        (
            f"Kỳ lập danh sách: tháng {month.month:02d}/{month.year}, ngày lập "
            f"{issue_date(month):%d/%m/%Y}"
            + (
                f"; báo cáo lý do trước ngày {reasons_due(month):%d/%m/%Y}"
                if kind == ListKind.UNPAID
                else ""
            ),
            Font(italic=True),
        ),
    ]


def _write_title(ws, header, width: int) -> None:
    for r, (text, font) in enumerate(header, start=1):
        cell = ws.cell(row=r, column=1, value=safe(text))
        if font:
            cell.font = font
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        cell.alignment = Alignment(horizontal="center" if r >= 4 else "left")


def _write_column_heads(ws, cols, head_row: int) -> None:
    for c, (title, w) in enumerate(cols, start=1):
        cell = ws.cell(row=head_row, column=c, value=title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
        ws.column_dimensions[get_column_letter(c)].width = w


def _write_entries(ws, rows, kind, cols, head_row: int) -> int:
    """One row per person, then the total (people and amount); returns the total's row."""
    titles = [t for t, _w in cols]
    money_cols = {c for c, t in enumerate(titles, start=1) if t in MONEY_COLUMNS}
    r, total, n = head_row, 0, 0
    for n, e in enumerate(rows, start=1):
        r = head_row + n
        for c, value in enumerate(_row(n, e, kind), start=1):
            cell = ws.cell(row=r, column=c, value=safe(value))
            cell.border = BOX
            if c in money_cols:
                cell.number_format = MONEY
            elif isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
        total += e.amount or 0
    r += 1
    ws.cell(row=r, column=2, value=f"Tổng cộng: {n} người").font = Font(bold=True)
    cell = ws.cell(row=r, column=titles.index("Số tiền phải đóng") + 1, value=total)
    cell.number_format = MONEY
    cell.font = Font(bold=True)
    return r


#: The columns of the list written as money.
MONEY_COLUMNS = ("Mức thu nhập", "Số tiền phải đóng")


def _write_signatures(ws, r: int, width: int) -> None:
    """The date line and the three signatures (preparer, organisation, office director)."""
    today = date.today()
    ws.cell(
        row=r,
        column=width - 4,
        value=f"......, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}",
    ).font = Font(italic=True)
    r += 1
    signers = [
        (2, "NGƯỜI LẬP BIỂU"),
        (7, "ĐẠI DIỆN TỔ CHỨC DỊCH VỤ THU"),
        (width - 3, "GIÁM ĐỐC BHXH CƠ SỞ"),
    ]
    for col, title in signers:
        ws.cell(row=r, column=col, value=title).font = Font(bold=True)
        ws.cell(row=r + 1, column=col, value="(Ký, ghi rõ họ tên)").font = Font(italic=True)


def filename(run, kind, organisation=None, collector=None) -> str:
    who = collector.code if collector else (organisation.code if organisation else "chua-phan-cong")
    word = "den-han" if kind == ListKind.DUE else "chua-dong"
    return f"danh-sach-{word}-{run.month:%Y-%m}-{who}.xlsx"
