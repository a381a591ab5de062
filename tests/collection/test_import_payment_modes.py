"""The receipt import's payment-mode column (phuong_thuc) and the receipt path's modes: each
priced by the one quote function (rules.vsi.vsi_method_quote), checked by receipt_mode."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ansinh.collection.choices import ImportStatus, RowStatus
from ansinh.enrolment.models import Receipt
from ansinh.enrolment.services import ReceiptInput, quote_for_person, record_vsi_receipt
from ansinh.parameters.models import Parameter
from tests.english import english  # noqa: F401 - fixture

from .conftest import enrol
from .test_imports import PAID, csv_bytes, errors, run, snapshot

pytestmark = pytest.mark.django_db
HEADER = "so_bien_lai,ma_so_bhxh,ngay_nop,so_thang,so_tien,ma_nhan_vien_thu,tu_thang,phuong_thuc"


def line(number, e, months, amount, mode=""):
    return [number, e.person.si_code, PAID.strftime("%d/%m/%Y"), months, amount, "", "", mode]


def quote(e, months, mode="", years=0):
    return quote_for_person(e.person, e.income, PAID, months, mode, years)


def payback(on: bool):
    row = Parameter.objects.get(key="vsi.missed_months_payback")
    row.value = "true" if on else "false"
    row.save()


def test_modes_accepted_and_checked_naming_the_column(users, two):
    a, b = two  # a monthly, b every 3 months
    data = csv_bytes(
        [
            line("M-1", a, 1, quote(a, 1).net_total, "1"),
            line("M-2", b, 3, quote(b, 3, "3").net_total, "3"),
            line("M-3", b, 2, quote(b, 2).net_total, "3"),
            line("M-4", a, 1, quote(a, 1).net_total, "weekly"),
            line("M-5", a, 12, quote(a, 12).net_total, "advance"),
            line("M-6", a, 1, quote(a, 1).net_total, "payback"),
        ],
        header=HEADER,
    )
    batch = run(users["postmgr"], data)
    assert batch.status == ImportStatus.REJECTED
    found = errors(batch)
    assert set(found) == {4, 5, 6, 7}
    assert found[4][0] == "phuong_thuc" and "multiple of 3" in found[4][1]
    assert found[5][0] == "phuong_thuc" and "weekly" in found[5][1]
    assert found[6][0] == "phuong_thuc" and "lump sum" in found[6][1]
    assert found[7][0] == "phuong_thuc" and "vsi.missed_months_payback is off" in found[7][1]
    assert not Receipt.objects.filter(number__startswith="M-").exists()  # nothing half-written


def test_a_lump_sum_enrolment_is_priced_with_its_discount(users, office):
    e = enrol(office, "Lê Thị Trước", paid_through=date(2026, 10, 1), method="advance")
    e.lump_years = 2
    e.save()
    ahead = quote(e, 24, "advance", 2)
    plain = quote(e, 24)
    assert ahead.net_total < plain.net_total  # the discount
    batch = run(users["postmgr"], csv_bytes([line("L-1", e, 24, ahead.net_total)], header=HEADER))
    assert batch.status == ImportStatus.DONE, errors(batch)
    assert Receipt.objects.get(number="L-1").gross == ahead.gross_total
    bad = run(
        users["postmgr"],
        csv_bytes([line("L-2", e, 12, ahead.net_total, "advance")], header=HEADER),
    )
    assert errors(bad)[2][0] == "so_thang"


def test_missed_months_paid_back_with_interest_where_the_table_allows_it(users, office):
    e = enrol(office, "Trần Văn Bù", paid_through=date(2026, 8, 1), status="suspended")
    before = snapshot()
    # switch off (the default): re-registers; there is nothing to pay back
    batch = run(users["postmgr"], csv_bytes([line("P-1", e, 2, 1, "payback")], header=HEADER))
    assert "cannot be paid back" in errors(batch)[2][1]
    assert snapshot() == before
    payback(True)
    due = quote(e, 2, "payback")  # September and October 2026, with interest
    assert due.gross_total > due.plain_total
    too_many = run(users["postmgr"], csv_bytes([line("P-2", e, 3, due.net_total)], header=HEADER))
    assert "at most the 2 missed months" in errors(too_many)[2][1]
    batch = run(users["postmgr"], csv_bytes([line("P-3", e, 2, due.net_total)], header=HEADER))
    assert batch.status == ImportStatus.DONE, errors(batch)
    r = Receipt.objects.get(number="P-3")
    assert (r.from_month, r.months, r.gross) == (date(2026, 9, 1), 2, due.gross_total)
    assert batch.rows.get().status == RowStatus.ACCEPTED


def test_receipt_form_path_takes_the_same_modes(users, office):
    e = enrol(office, "Phạm Văn Mẫu", paid_through=date(2026, 10, 1), method="6")
    with pytest.raises(ValidationError) as err:
        record_vsi_receipt(
            users["collector"], e, ReceiptInput(number="F-1", paid_on=PAID, months=4, mode="6")
        )
    assert "mode" in err.value.message_dict
    r = record_vsi_receipt(
        users["collector"], e, ReceiptInput(number="F-2", paid_on=PAID, months=6)
    )
    assert r.gross == quote(e, 6, "6").gross_total == 6 * 440_000


def test_api_takes_the_mode_and_names_it_when_it_does_not_fit(users, two):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    a, b = two
    c = APIClient()
    token, _ = Token.objects.get_or_create(user=users["postmgr"])
    c.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = {"si_code": b.person.si_code, "paid_on": PAID.isoformat(), "months": 2}
    r = c.post("/api/v1/collection/receipts/", {**body, "number": "A-1", "mode": "3",
               "amount": quote(b, 2).net_total}, format="json")  # fmt: skip
    assert r.status_code == 400 and "mode" in r.json()
    r = c.post("/api/v1/collection/receipts/", {**body, "number": "A-2", "mode": "weekly",
               "amount": 1}, format="json")  # fmt: skip
    assert r.status_code == 400 and "mode" in r.json()
    r = c.post("/api/v1/collection/receipts/", {**body, "months": 3, "number": "A-3",
               "mode": "3", "amount": quote(b, 3, "3").net_total}, format="json")  # fmt: skip
    assert r.status_code == 201, r.json()
