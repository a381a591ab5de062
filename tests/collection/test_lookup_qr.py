"""The QR codes that open the participant's look-up: on the receipt page (prefilled with the
participant's social-insurance code, never the birth date), on the collector's phone list
(one per person) and in the title block of the Excel lists."""

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from ansinh.collection.cycle import issue_cycle
from ansinh.common import qr
from ansinh.enrolment import services
from tests.collection.conftest import CYCLE

pytestmark = pytest.mark.django_db


def test_lookup_url_has_the_code_and_never_the_birth_date(settings):
    assert qr.lookup_url("http://h", "8712345678") == "http://h/tra-cuu/?ma=8712345678"
    assert qr.lookup_url("http://h/") == "http://h/tra-cuu/"
    settings.PUBLIC_URL = "https://ansinh.example.vn"
    assert qr.lookup_url("http://internal:8000", "1") == "https://ansinh.example.vn/tra-cuu/?ma=1"
    assert qr.svg("x").startswith("<svg") and qr.png("x").startswith(b"\x89PNG")


def test_receipt_page_shows_the_qr(client, users, office, cohort):
    enrolment = cohort["due"]
    receipt = services.record_vsi_receipt(
        users["collector"],
        enrolment,
        services.ReceiptInput(number="BL-QR-1", paid_on=date.today(), months=1),
    )
    client.force_login(users["collector"])
    r = client.get(f"/receipts/{receipt.pk}/")
    page = r.content.decode()
    assert r.status_code == 200 and "BL-QR-1" in page
    assert 'data-testid="receipt-qr"' in page and "<svg" in page
    assert f"/persons/{enrolment.person_id}/" in page
    # the receipt is listed, with its link, on the person's file
    client.force_login(users["official"])
    assert (
        f"/receipts/{receipt.pk}/"
        in client.get(f"/persons/{enrolment.person_id}/").content.decode()
    )
    # another organisation's manager cannot open it
    from ansinh.accounts.models import Role, User

    other = User.objects.create(
        username="vt", role=Role.ORGANISATION_MANAGER, organisation=office.viettel
    )
    client.force_login(other)
    assert client.get(f"/receipts/{receipt.pk}/").status_code == 404


def test_phone_list_and_excel_list_carry_the_qr(client, users, office, cohort):
    run = issue_cycle(office.office, CYCLE).run
    client.force_login(users["collector"])
    page = client.get("/collection/my/").content.decode()
    codes = re.findall(r'src="/tra-cuu/qr/(\d+)\.svg"', page)
    assert cohort["late"].person.si_code in codes and cohort["due"].person.si_code in codes
    r = client.get(f"/collection/cycles/{run.pk}/due.xlsx?collector={office.collector.pk}")
    ws = load_workbook(io.BytesIO(r.content)).active
    assert len(ws._images) == 1  # one code for the page, in the title block
    assert "Quét mã để tự tra cứu" in [c for row in ws.iter_rows(values_only=True) for c in row]
