"""The identity checks behind the receipt and reason imports and the API: a malformed
social-insurance code or CCCD is refused with the field named, a good one still found."""

import io
from datetime import date

import pytest
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ansinh.collection import imports
from ansinh.collection.choices import RowStatus
from ansinh.collection.models import ReceiptImport
from ansinh.enrolment.models import Receipt
from ansinh.enrolment.services import quote_for_person

pytestmark = pytest.mark.django_db
PAID = date(2026, 11, 3)


def _import(user, rows):
    header = "so_bien_lai,ma_so_bhxh,ngay_nop,so_thang,so_tien,ma_nhan_vien_thu,tu_thang"
    data = "\n".join([header] + [",".join(str(c) for c in r) for r in rows]) + "\n"
    batch = ReceiptImport.objects.create(
        uploaded_by=user, file_name="bienlai.csv", sha256="x", organisation=user.organisation
    )
    return imports.run_import(batch, user, io.BytesIO(data.encode()))


def test_import_names_a_malformed_code_and_still_finds_a_cccd(users, two):
    a, b = two
    amount = quote_for_person(a.person, a.income, PAID, 1).net_total
    paid = PAID.strftime("%d/%m/%Y")
    with translation.override("en"):
        batch = _import(
            users["postmgr"],
            [
                ["BL-1", "12345", paid, 1, amount, "", ""],
                ["BL-2", "003175000001", paid, 1, amount, "", ""],  # no province 003
                ["BL-3", "8799999999", paid, 1, amount, "", ""],  # well formed, nobody
            ],
        )
    rejected = {r.line: (r.field, r.message) for r in batch.rows.filter(status=RowStatus.REJECTED)}
    assert rejected[2][0] == "ma_so_bhxh"
    assert "Social-insurance code" in rejected[2][1] and "10 digits" in rejected[2][1]
    assert rejected[3][0] == "ma_so_bhxh" and "not the code of a province" in rejected[3][1]
    assert "No participant" in rejected[4][1]
    assert not Receipt.objects.exists()  # one bad row: nothing written

    batch = _import(users["postmgr"], [["BL-4", a.person.cccd, paid, 1, amount, "", ""]])
    assert batch.rows.filter(status=RowStatus.ACCEPTED).count() == 1
    assert Receipt.objects.get().person_id == a.person_id


def test_import_message_is_vietnamese_by_default(users, two):
    a, _b = two
    batch = _import(users["postmgr"], [["BL-1", "12345", "03/11/2026", 1, 1, "", ""]])
    row = batch.rows.get(status=RowStatus.REJECTED)
    assert row.message.startswith("Mã số BHXH:")


def _api(user):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_api_refuses_a_malformed_code_and_accepts_a_spaced_one(users, two):
    a, _b = two
    amount = quote_for_person(a.person, a.income, date(2026, 11, 2), 1).net_total
    body = {"number": "API-1", "paid_on": "2026-11-02", "months": 1, "amount": amount}
    client = _api(users["postmgr"])
    r = client.post("/api/v1/collection/receipts/", {**body, "si_code": "12345"}, format="json")
    assert r.status_code == 400  # in Vietnamese, the site's language
    assert r.json()["si_code"] == [
        "Mã số BHXH: hãy ghi mã số BHXH (10 chữ số) hoặc số CCCD (12 chữ số), không phải 12345."
    ]
    r = client.post(
        "/api/v1/collection/receipts/", {**body, "si_code": "003175000001"}, format="json"
    )
    assert r.status_code == 400 and "không phải mã tỉnh" in r.json()["si_code"][0]
    spaced = " ".join([a.person.cccd[:3], a.person.cccd[3:6], a.person.cccd[6:]])
    r = client.post("/api/v1/collection/receipts/", {**body, "si_code": spaced}, format="json")
    assert r.status_code == 201, r.json()
    assert Receipt.objects.get().person_id == a.person_id
