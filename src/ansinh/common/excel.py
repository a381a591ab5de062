"""Excel files offices can hand over: a title block, a header row, data, signature lines.

Under the rows, the legal parameters marked unconfirmed that computing them read are listed
(``ansinh.common.unconfirmed``). Every cell goes through `safe_cell`, so a value starting with
= + - @ is stored as text and never runs as a formula in the recipient's spreadsheet
(formula injection).
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from .unconfirmed import unconfirmed_lines

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_THIN = Side(style="thin", color="999999")


def safe_cell(value):
    """Neutralise formula-like text; keep numbers and dates as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def build_workbook(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    subtitle_lines: Sequence[str] = (),
    signatures: Sequence[str] = (),
    money_columns: Sequence[int] = (),
    sheet_name: str = "Danh sách",
) -> Workbook:
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = sheet_name[:31]
    width = len(headers)
    ws.append([safe_cell(title)])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 1))
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    for line in subtitle_lines:
        ws.append([safe_cell(line)])
    ws.append([])
    header_row = ws.max_row + 1
    ws.append([safe_cell(h) for h in headers])
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    for col in money_columns:
        letter = get_column_letter(col + 1)
        for cell in ws[letter][header_row:]:
            cell.number_format = "#,##0"
    for i, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(str(header)) + 6))
    notes = unconfirmed_lines()  # after the rows: what computing them read
    if notes:
        ws.append([])
        for line in notes:
            ws.append([safe_cell(line)])
    if signatures:
        ws.append([])
        ws.append([f"Ngày {date.today():%d} tháng {date.today():%m} năm {date.today():%Y}"])
        ws.append(list(signatures))
        ws.append(["(Ký, ghi rõ họ tên)"] * len(signatures))
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    return wb


def workbook_response(wb: Workbook, filename: str) -> HttpResponse:
    buffer = BytesIO()
    wb.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def as_excel_date(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value
