"""Collection guards: who may report a reason, whose imports and collector codes a user
reaches, garbage parameters, and the cycle's suspensions in the audit log."""

import io
from datetime import date

import pytest

from ansinh.accounts.models import Role, User
from ansinh.collection.models import CycleEntry, NonPaymentReason, ReceiptImport
from ansinh.enrolment.models import Receipt
from ansinh.enrolment.services import quote_for_person
from ansinh.places.models import Office

from .test_pages_api import api, login, run  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_a_commune_leader_cannot_report_a_reason(client, users, run, cohort):  # noqa: F811
    entry = CycleEntry.objects.get(run=run, kind="unpaid", person=cohort["late"].person)
    login(client, users, "leader")
    client.post(f"/collection/entries/{entry.pk}/reason/", {"code": "away", "note": "x"})
    assert not NonPaymentReason.objects.exists()


def test_api_refuses_a_collector_code_of_another_organisation(users, run, cohort, office):  # noqa: F811
    e = cohort["due"]
    amount = quote_for_person(e.person, e.income, date(2026, 11, 2), 1).net_total
    body = {
        "number": "API-X",
        "si_code": e.person.si_code,
        "paid_on": "2026-11-02",
        "months": 1,
        "amount": amount,
        "collector_code": office.other_collector.code,  # Viettel's collector
    }
    for name in ("collector", "postmgr"):
        r = api(users[name]).post("/api/v1/collection/receipts/", body, format="json")
        assert r.status_code == 400 and "collector_code" in r.json()
    assert not Receipt.objects.filter(number="API-X").exists()


def test_a_provincial_admin_sees_only_their_province_imports(client, users, office):
    upload = io.BytesIO(b"so_bien_lai,ma_so_bhxh,ngay_nop,so_thang,so_tien\n")
    upload.name = "empty.csv"
    login(client, users, "collector")
    client.post("/collection/imports/new/", {"file": upload, "kind": "receipts"})
    batch = ReceiptImport.objects.get()
    assert batch.office_id == office.office.pk  # the organisation's office, not empty
    other = User.objects.create(username="hn", role=Role.PROVINCIAL_ADMIN, province_id="01")
    client.force_login(other)
    assert client.get(f"/collection/imports/{batch.pk}/").status_code == 404
    login(client, users, "admin")
    assert client.get(f"/collection/imports/{batch.pk}/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/collection/cycles/{run}/unpaid.xlsx?collector=abc",
        "/collection/cycles/{run}/unpaid.xlsx?organisation=abc",
        "/collection/cycles/{run}/unpaid/?organisation=abc",
        "/collection/imports/new/?kind=reasons&run=abc",
    ],
)
def test_garbage_parameters_never_500(client, users, run, url):  # noqa: F811
    login(client, users, "manager")
    assert client.get(url.format(run=run.pk)).status_code in (200, 400, 404)


def test_downloads_do_not_name_another_office_collector(client, users, run, office):  # noqa: F811
    elsewhere = Office.objects.create(code="ELSE", kind="base", province_id="01")
    from ansinh.collection.models import Collector, Organisation

    org = Organisation.objects.create(
        code="X1", name="Bưu điện Hà Nội", kind="post", office=elsewhere
    )
    stranger = Collector.objects.create(organisation=org, code="XC", full_name="Người Lạ")
    login(client, users, "manager")
    r = client.get(f"/collection/cycles/{run.pk}/unpaid.xlsx?collector={stranger.pk}")
    assert r.status_code == 404


def test_suspensions_by_the_cycle_are_in_the_audit_log(office, cohort):
    from ansinh.accounts.models import AuditEntry
    from ansinh.collection.cycle import issue_cycle

    from .conftest import CYCLE

    issue_cycle(office.office, CYCLE)
    late = cohort["late"]
    late.refresh_from_db()
    assert late.status == "suspended"
    entry = AuditEntry.objects.get(model="enrolment.vsienrolment", object_id=str(late.pk))
    assert entry.before == {"status": "active", "status_since": "2024-01-01"}
    assert entry.after["status"] == "suspended" and entry.user is None
