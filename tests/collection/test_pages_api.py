import io
from datetime import date

import pytest
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ansinh.collection.cycle import issue_cycle
from ansinh.collection.exports import safe
from ansinh.collection.models import CycleEntry, CycleRun, NonPaymentReason
from ansinh.enrolment.models import Receipt
from ansinh.enrolment.services import quote_for_person

from .conftest import CYCLE, enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(office, cohort):
    return issue_cycle(office.office, CYCLE).run


def login(client, users, name):
    client.force_login(users[name])
    return client


def test_office_pages_render(client, users, run, office):
    login(client, users, "manager")
    for url in [
        "/collection/",
        f"/collection/cycles/{run.pk}/",
        f"/collection/cycles/{run.pk}/unpaid/",
        f"/collection/organisations/{office.post.pk}/",
        "/collection/measures/",
        "/collection/visits/",
        "/collection/imports/new/",
        f"/collection/collectors/{office.collector.pk}/reassign/",
    ]:
        r = client.get(url)
        assert r.status_code == 200, url
    r = client.get(f"/collection/cycles/{run.pk}/")
    assert "Lê Văn Trễ" not in r.content.decode()  # counts only on this page
    assert "Đề nghị nhân viên thu" in r.content.decode()  # the chat message


def test_issue_button_is_idempotent(client, users, office, cohort):
    login(client, users, "manager")
    r = client.post("/collection/cycles/issue/", {"month": "2026-10"})
    assert r.status_code == 302
    client.post("/collection/cycles/issue/", {"month": "2026-10"})
    assert CycleRun.objects.count() == 1
    r = client.post("/collection/cycles/issue/", {"month": "2099-01"}, follow=True)
    assert CycleRun.objects.count() == 1


def test_collector_cannot_issue_or_manage(client, users, run, office):
    login(client, users, "collector")
    assert client.post("/collection/cycles/issue/", {"month": "2026-10"}).status_code == 403
    assert client.get("/collection/").status_code == 302  # to "my list"
    r = client.get("/collection/my/")
    text = r.content.decode()
    assert "Lê Văn Trễ" in text and "Nguyễn Văn Đến" in text and "Huỳnh Văn Viettel" not in text


def test_excel_download(client, users, run, office, cohort):
    p = cohort["late"].person
    p.full_name = '=HYPERLINK("http://x")'  # the frozen list keeps the old name...
    p.save()
    entry = CycleEntry.objects.get(run=run, full_name="Lê Văn Trễ")
    entry.address = "=1+1"  # ...so poison the snapshot itself to test neutralising
    entry.save()
    login(client, users, "postmgr")
    r = client.get(f"/collection/cycles/{run.pk}/unpaid.xlsx?organisation={office.post.pk}")
    assert r.status_code == 200
    assert "attachment" in r["Content-Disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "BẢO HIỂM XÃ HỘI VIỆT NAM" in values
    assert any("CHƯA ĐÓNG THÁNG 09/2026" in str(v) for v in values)
    assert any("Bưu điện Lai Vung" in str(v) for v in values)
    assert "'=1+1" in values and not any(str(v).startswith("=") for v in values)
    assert "Lê Văn Trễ" in values and "(Ký, ghi rõ họ tên)" in values
    assert any(str(v).startswith("Tổng cộng: 2 người") for v in values)
    assert safe("+84") == "'+84" and safe("@x") == "'@x" and safe("-1") == "'-1"


def test_reason_on_the_page(client, users, run):
    login(client, users, "collector")
    entry = CycleEntry.objects.get(run=run, full_name="Lê Văn Trễ")
    r = client.post(
        f"/collection/entries/{entry.pk}/reason/",
        {"code": "hardship", "note": "lúa mất mùa"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    assert NonPaymentReason.objects.get(entry=entry).code == "hardship"


def test_import_page_upload_and_template(client, users, office):
    e = enrol(office, "Người Nộp", paid_through=date(2026, 10, 1))
    amount = quote_for_person(e.person, e.income, date(2026, 11, 2), 1).net_total
    login(client, users, "postmgr")
    r = client.get("/collection/imports/template/receipts.xlsx")
    assert (
        r.status_code == 200
        and load_workbook(io.BytesIO(r.content)).active["A1"].value == "so_bien_lai"
    )
    data = (
        "so_bien_lai,ma_so_bhxh,ngay_nop,so_thang,so_tien\n"
        f"UP-1,{e.person.si_code},02/11/2026,1,{amount}\n"
    )
    upload = io.BytesIO(data.encode())
    upload.name = "bl.csv"
    r = client.post("/collection/imports/new/", {"file": upload, "kind": "receipts"})
    assert r.status_code == 302
    page = client.get(r["Location"]).content.decode()
    assert "UP-1" not in page or "accepted" in page
    assert Receipt.objects.filter(number="UP-1").exists()
    again = io.BytesIO(data.encode())
    again.name = "bl.csv"
    r = client.post("/collection/imports/new/", {"file": again, "kind": "receipts"})
    assert Receipt.objects.filter(number="UP-1").count() == 1
    assert client.get(r["Location"]).status_code == 200


# -- API -------------------------------------------------------------------------------------


def api(user):
    c = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    c.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return c


@pytest.fixture
def viettel_mgr(office):
    from ansinh.accounts.models import Role, User

    return User.objects.create(
        username="vtmgr", role=Role.ORGANISATION_MANAGER, organisation=office.viettel
    )


def test_api_lists_are_isolated(users, run, viettel_mgr):
    post = api(users["postmgr"])
    r = post.get("/api/v1/collection/cycles/")
    assert r.status_code == 200 and r.json()["results"][0]["id"] == run.pk
    r = post.get(f"/api/v1/collection/cycles/{run.pk}/entries/?kind=unpaid")
    names = {e["full_name"] for e in r.json()["results"]}
    assert names == {"Lê Văn Trễ", "Võ Văn Năm"}
    vt = api(viettel_mgr)
    r = vt.get(f"/api/v1/collection/cycles/{run.pk}/entries/")
    assert {e["full_name"] for e in r.json()["results"]} == {"Huỳnh Văn Viettel"}
    assert APIClient().get("/api/v1/collection/cycles/").status_code in (401, 403)


def test_api_receipt_and_reason(users, run, cohort, viettel_mgr):
    e = cohort["due"]
    amount = quote_for_person(e.person, e.income, date(2026, 11, 2), 1).net_total
    body = {
        "number": "API-1",
        "si_code": e.person.si_code,
        "paid_on": "2026-11-02",
        "months": 1,
        "amount": amount,
    }
    # Viettel's token cannot post a receipt for the post office's participant
    r = api(viettel_mgr).post("/api/v1/collection/receipts/", body, format="json")
    assert r.status_code == 400 and "si_code" in r.json()
    r = api(users["postmgr"]).post("/api/v1/collection/receipts/", body, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["paid_through"] == "2026-11"
    r = api(users["postmgr"]).post("/api/v1/collection/receipts/", body, format="json")
    assert r.status_code == 400 and "number" in r.json()
    r = api(users["postmgr"]).post(
        "/api/v1/collection/receipts/", {**body, "number": "API-2", "amount": 5}, format="json"
    )
    assert r.status_code == 400 and "amount" in r.json()
    late = cohort["late"].person
    reason = {"cycle": run.pk, "si_code": late.si_code, "code": "away", "note": "Bình Dương"}
    assert (
        api(viettel_mgr).post("/api/v1/collection/reasons/", reason, format="json").status_code
        == 400
    )
    r = api(users["postmgr"]).post("/api/v1/collection/reasons/", reason, format="json")
    assert r.status_code == 201
    assert NonPaymentReason.objects.get().source == "api"
    r = api(users["postmgr"]).post(
        "/api/v1/collection/reasons/", {**reason, "si_code": e.person.si_code}, format="json"
    )
    assert r.status_code == 400 and "si_code" in r.json()


def test_schema_and_docs_are_local(client, users):
    login(client, users, "manager")
    r = client.get("/api/schema/")
    assert r.status_code == 200 and b"/api/v1/collection/receipts/" in r.content
    r = client.get("/api/docs/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html


def test_office_registers_points_collectors_and_areas(client, users, office):
    from ansinh.collection.models import CollectionPoint, Collector, ServedArea
    from tests.factories import HOA_LONG

    login(client, users, "manager")
    r = client.post(
        "/collection/organisations/new/",
        {"code": "HND", "name": "Hội Nông dân", "kind": "other", "active": "on"},
    )
    assert r.status_code == 302
    org_url = r["Location"]
    r = client.post(
        org_url,
        {
            "what": "point",
            "point-name": "Điểm thu ấp Long Hưng",
            "point-commune": HOA_LONG,
            "point-hamlet": office.hamlet.pk,
        },
    )
    assert r.status_code == 302, r.content.decode()[:500]
    point = CollectionPoint.objects.get(name="Điểm thu ấp Long Hưng")
    r = client.post(
        org_url,
        {
            "what": "collector",
            "collector-code": "HND01",
            "collector-full_name": "Lê Văn Út",
            "collector-commune": HOA_LONG,
            "collector-point": point.pk,
            "collector-active": "on",
        },
    )
    assert r.status_code == 302
    c = Collector.objects.get(code="HND01")
    r = client.post(
        org_url,
        {
            "what": "area",
            "area-commune": HOA_LONG,
            "area-hamlet": office.hamlet.pk,
            "area-collector": c.pk,
        },
    )
    assert r.status_code == 302
    assert ServedArea.objects.get().collector == c
    # The post office's manager sees the page but cannot add.
    login(client, users, "postmgr")
    assert client.get(org_url).status_code == 404  # another organisation
    r = client.post(f"/collection/organisations/{office.post.pk}/", {"what": "point"})
    assert r.status_code == 403


def test_reassign_page(client, users, office, cohort):
    from ansinh.collection.models import Collector
    from ansinh.registry.models import Person

    new = Collector.objects.create(organisation=office.post, code="CN2", full_name="Người Mới")
    login(client, users, "manager")
    r = client.post(
        f"/collection/collectors/{office.collector.pk}/reassign/",
        {"to_collector": new.pk, "hamlet": office.hamlet.pk},
    )
    assert r.status_code == 302
    assert Person.objects.filter(collector=new).count() == 6
