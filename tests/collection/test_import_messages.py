"""Receipt-file messages that help: each names the row and the field and says what to do, in
Vietnamese first and in English when switched (issue 14 item 2)."""

import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from ansinh.collection import imports
from ansinh.collection.choices import ImportStatus
from ansinh.common.text import money
from ansinh.enrolment.models import Receipt
from tests.english import client  # noqa: F401 - fixture: pages in English

from .test_imports import PAID, csv_bytes, errors, net, row, run

pytestmark = pytest.mark.django_db

HEADER = "so_bien_lai,ma_so_bhxh,ngay_nop,so_thang,so_tien"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(imports.RECEIPT_COLUMNS)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _unclosed_quote(a) -> bytes:
    good = ",".join(str(c) for c in row("BL-1", a)[:5])
    # row 3 opens a quote in so_tien and never closes it: the rest of the file is one cell
    data = f'{HEADER}\n{good}\nBL-2,{a.person.si_code},03/11/2026,1,"264000\n'.encode()
    return data + ("x" * 200_000 + "\n").encode()


def test_a_cell_longer_than_the_csv_limit_names_its_row_and_column(users, two):
    a, _b = two
    batch = run(users["postmgr"], _unclosed_quote(a))
    assert batch.status == ImportStatus.FAILED
    assert "field larger than field limit" not in batch.message
    # the number as English writes it (not 131.072)
    assert batch.message.startswith("Row 3, column so_tien: a cell is longer than 131,072")
    assert "quote" in batch.message and "upload the file again" in batch.message
    assert not Receipt.objects.exists()


def test_the_csv_limit_is_written_as_vietnamese_writes_numbers(users, two):
    a, _b = two
    with translation.override("vi"):
        batch = run(users["postmgr"], _unclosed_quote(a))
    assert batch.message.startswith("Dòng 3, cột so_tien: có một ô dài hơn 131.072 ký tự")


def test_a_negative_amount_says_negative(users, two):
    a, _b = two
    data = csv_bytes([row("BL-1", a), row("BL-2", a, amount=-264000)])
    batch = run(users["postmgr"], data)
    field, message = errors(batch)[3]
    assert field == "so_tien"
    assert message.startswith("Amount -264000 is negative")
    assert "without a minus sign" in message


def test_a_negative_amount_in_excel_says_negative(users, two):
    a, _b = two
    batch = run(
        users["postmgr"],
        xlsx([["BL-X", a.person.si_code, PAID, 1, -net(a)]]),
        name="bienlai.xlsx",
    )
    assert errors(batch)[2][0] == "so_tien" and "is negative" in errors(batch)[2][1]


def test_an_excel_formula_in_the_amount_is_refused_by_name(users, two):
    a, _b = two
    # openpyxl writes the formula without a cached value: read for its value it is empty
    data = xlsx([["BL-F", a.person.si_code, PAID, 1, "=264000*1"]])
    batch = run(users["postmgr"], data, name="bienlai.xlsx")
    field, message = errors(batch)[2]
    assert field == "so_tien"
    assert message.startswith("=264000*1 is a formula: formulas are not accepted.")
    assert "paste it back as values" in message
    assert "empty" not in message
    assert not Receipt.objects.exists()


def test_a_formula_in_the_receipt_number_or_date_is_refused_by_name(users, two):
    a, _b = two
    data = xlsx(
        [
            ['="BL-"&A1', a.person.si_code, PAID, 1, net(a)],
            ["BL-D", a.person.si_code, "=TODAY()", 1, net(a)],
        ]
    )
    found = errors(run(users["postmgr"], data, name="bienlai.xlsx"))
    assert found[2][0] == "so_bien_lai" and "is a formula" in found[2][1]
    assert found[3][0] == "ngay_nop" and "is a formula" in found[3][1]


def test_an_empty_amount_says_empty(users, two):
    a, _b = two
    data = csv_bytes([[*row("BL-1", a)[:4], ""]])
    assert errors(run(users["postmgr"], data))[2] == (
        "so_tien",
        "The amount is empty: write the amount paid, in whole dong.",
    )


def test_an_empty_code_says_empty_and_what_to_write(users, two):
    """Seen on the demo office: a row without ma_so_bhxh said '..., not .' (nothing)."""
    a, _b = two
    data = csv_bytes([row("BL-1", a), ["BL-2", "", *row("BL-2", a)[2:]]])
    field, message = errors(run(users["postmgr"], data))[3]
    assert field == "ma_so_bhxh"
    assert message == (
        "Social-insurance code is empty: write the participant's social-insurance code "
        "(10 digits) or CCCD (12 digits)."
    )


@pytest.mark.parametrize("encoding", ["cp1258", "latin-1"])
def test_a_file_in_a_legacy_encoding_names_the_row_and_column(users, two, encoding):
    a, _b = two
    rows = [row(f"BL-{i}", a) for i in range(1, 400)]  # more than the decoder reads ahead
    rows.append(["BL-Đ" if encoding == "cp1258" else "BL-é", *row("x", a)[1:]])
    data = csv_bytes(rows, encoding=encoding)
    batch = run(users["postmgr"], data)
    assert batch.status == ImportStatus.FAILED
    assert batch.message.startswith("Row 401, column so_bien_lai: the file is not UTF-8 text")
    assert "CSV UTF-8 (Comma delimited)" in batch.message
    assert not Receipt.objects.exists()


def test_a_legacy_encoding_in_the_header_or_a_later_column(users, two):
    a, _b = two
    data = "so_bien_lai,ma_so_bhxh,ngay_nop,so_thang,so_tien,ghi_chú\n".encode("cp1258")
    batch = run(users["postmgr"], data)
    assert batch.message.startswith("The first row (the column names): the file is not UTF-8")
    cells = [*row("BL-1", a)[:4], "264.000 đ"]
    data = (HEADER + "\n" + ",".join(str(c) for c in cells) + "\n").encode("cp1258")
    batch = run(users["postmgr"], data)
    assert batch.message.startswith("Row 2, column so_tien:")


def test_the_messages_are_vietnamese_first(users, two):
    a, _b = two
    with translation.override("vi"):
        found = errors(run(users["postmgr"], csv_bytes([row("BL-1", a, amount=-5)])))
        assert "âm" in found[2][1]  # "Số tiền -5 là số âm ..."
        rows = [row("BL-é", a)]
        batch = run(users["postmgr"], csv_bytes(rows, encoding="latin-1"))
        assert batch.message.startswith("Dòng 2, cột so_bien_lai")


def test_a_file_that_could_not_be_read_does_not_say_every_row_was_accepted(client, users, two):  # noqa: F811
    """The report under a failed import (the file unreadable, no row read) says that no row
    was written, not 'Every row was accepted.' (seen on the upload page with a cp1258 file)."""
    a, _b = two
    data = csv_bytes([row("BL-Đợt", a)]).decode().encode("utf-16")  # not UTF-8
    batch = run(users["postmgr"], data)
    assert batch.status == ImportStatus.FAILED
    client.force_login(users["postmgr"])
    page = client.get(f"/collection/imports/{batch.pk}/").content.decode()
    assert "Every row was accepted." not in page
    assert "No row was written." in page
    done = run(users["postmgr"], csv_bytes([row("BL-9", a)]))
    assert done.status == ImportStatus.DONE
    page = client.get(f"/collection/imports/{done.pk}/").content.decode()
    assert "Every row was accepted." in page


def _mismatch(users, a, months):
    due = net(a, months)
    batch = run(users["postmgr"], csv_bytes([row("BL-1", a, months=months, amount=due - 18_000)]))
    field, message = errors(batch)[2]
    assert field == "so_tien"
    return due, message


def test_an_amount_not_due_is_in_the_offices_notation_and_says_what_to_do_in_vietnamese(users, two):
    a, _b = two
    with translation.override("vi"):
        due, message = _mismatch(users, a, 3)
    assert f"{due:,}" not in message  # not 1,518,000
    assert message == (
        f"Số tiền {money(due - 18_000)} không khớp với số tiền phải đóng {money(due)} cho 3 "
        f"tháng: hãy sửa số tiền thành {money(due)}, hoặc sửa số tháng cho đúng với số tiền "
        "đã thu."
    )


def test_an_amount_not_due_says_what_to_do_in_english(users, two):
    a, _b = two
    due, message = _mismatch(users, a, 3)
    assert message == (
        f"Amount {money(due - 18_000)} does not match the {money(due)} due for 3 months: "
        f"correct the amount to {money(due)}, or the months to the number this amount pays for."
    )
