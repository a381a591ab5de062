"""The official lists D05-TS and D03-TS (Decision 490/QĐ-BHXH 2023) as Excel files: the
header cells, the groups "I. Tăng" and "II. Giảm" with their subtotals and the grand total
checked against the rows; scoped by role; formula-like values neutralised."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ansinh.enrolment import services
from ansinh.enrolment.models import Receipt, VsiEnrolment
from ansinh.registry.services import add_support_group
from tests.factories import LAI_VUNG, make_person

pytestmark = pytest.mark.django_db
OCT = {"start": "2026-10-01", "end": "2026-10-31"}


@pytest.fixture
def october(office, users):
    official = users["official"]
    # New participant, poor household: 50% state support (Decree 159/2025 art. 5).
    new = make_person(office, name="Nguyễn Thị Mới", collector=office.collector)
    add_support_group(official, new, "poor", 2026)
    e_new = services.enrol_vsi(official, new, 1_500_000, "1", date(2026, 10, 1))
    services.record_vsi_receipt(
        official, e_new, services.ReceiptInput(number="BL-1", paid_on=date(2026, 10, 5), months=1)
    )
    # Continuing payer (paid through 09/2026), 3 months, whose name looks like a formula.
    cont = make_person(office, name="=HYPERLINK(1)", collector=office.collector)
    e_cont = VsiEnrolment.objects.create(
        person=cont, start_month=date(2026, 1, 1), income=2_000_000, method="3",
        paid_through=date(2026, 9, 1), status="active", status_since=date(2026, 1, 1),
    )  # fmt: skip
    services.record_vsi_receipt(
        official, e_cont, services.ReceiptInput(number="BL-2", paid_on=date(2026, 10, 9), months=3)
    )
    # Stopped in October: moved to compulsory insurance.
    gone = make_person(office, name="Trần Văn Đi", collector=office.collector)
    VsiEnrolment.objects.create(
        person=gone, start_month=date(2024, 1, 1), income=1_800_000, method="1",
        paid_through=date(2026, 9, 1), status="stopped", stop_reason="compulsory",
        status_since=date(2026, 10, 15),
    )  # fmt: skip
    # Viettel's participant: outside the post office's list.
    other = make_person(
        office, name="Lê Thị Viettel", collector=office.other_collector, commune=LAI_VUNG
    )
    e_other = services.enrol_vsi(official, other, 1_500_000, "1", date(2026, 10, 1))
    services.record_vsi_receipt(
        official, e_other, services.ReceiptInput(number="BL-3", paid_on=date(2026, 10, 7), months=1)
    )
    # A household of two in health insurance, paid in October.
    head = make_person(office, name="Phạm Văn Chủ", collector=office.collector, sex="M")
    second = make_person(
        office, name="Phạm Thị Vợ", collector=office.collector, household=head.household
    )
    services.enrol_hi(official, head.household, [head, second], 12, date(2026, 10, 1))
    services.record_hi_receipt(
        official,
        head.household,
        services.ReceiptInput(number="HI-1", paid_on=date(2026, 10, 20), months=12),
    )
    return {"new": new, "cont": cont, "gone": gone, "other": other, "head": head}


def _download(client, user, **params):
    client.force_login(user)
    r = client.get(reverse("collection_official_list"), {**OCT, "download": "1", **params})
    assert r.status_code == 200, r.content[:500]
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(r.content)).active


def _table(ws, first_data_row=9):
    """{group code: (rows, subtotal row)} and the grand total row, read from the sheet."""
    groups, current, total = {}, None, None
    for row in ws.iter_rows(min_row=first_data_row, values_only=True):
        a, b = row[0], row[1]
        if a in ("I", "II"):
            current = groups.setdefault(a, {"title": b, "rows": [], "subtotal": None})
        elif isinstance(b, str) and b.startswith("Cộng "):
            current["subtotal"] = row
        elif isinstance(b, str) and b.startswith("Tổng cộng"):
            total = row
            break
        elif current is not None and isinstance(a, int):
            current["rows"].append(row)
    return groups, total


def test_d05_header_groups_subtotals_and_total(client, users, october, office):
    ws = _download(client, users["official"], kind="d05", organisation=office.post.pk)
    assert ws.title == "D05-TS"
    assert ws["A1"].value == f"Tên đơn vị: {office.post.name}"
    assert ws.cell(1, 17).value == "Mẫu D05-TS"
    assert "490/QĐ-BHXH" in ws.cell(2, 17).value
    assert ws["A3"].value == "DANH SÁCH NGƯỜI THAM GIA BẢO HIỂM XÃ HỘI TỰ NGUYỆN"
    assert ws["A4"].value == "Từ ngày 01/10/2026 đến ngày 31/10/2026"
    captions = [ws.cell(6, c).value for c in range(1, 21)]
    assert captions[:3] == ["STT", "Họ và tên", "Mã số BHXH"]
    assert captions[8] == "Phương thức đóng" and captions[12] == "NSNN hỗ trợ"
    assert captions[14] == "NSĐP hỗ trợ thêm" and captions[16] == "Hỗ trợ khác"
    assert [ws.cell(7, c).value for c in (9, 10, 13, 14)] == [
        "Số tháng", "Từ tháng năm", "Tỷ lệ (%)", "Số tiền",
    ]  # fmt: skip
    assert [ws.cell(8, c).value for c in range(1, 21)] == ["A", "B", "C"] + [
        str(i) for i in range(1, 18)
    ]
    groups, total = _table(ws)
    assert groups["I"]["title"] == "Tăng" and groups["II"]["title"] == "Giảm"
    increase = {r[3]: r for r in groups["I"]["rows"]}  # by CCCD
    assert set(increase) == {october["new"].cccd, october["cont"].cccd}  # not Viettel's
    new = increase[october["new"].cccd]
    receipt = Receipt.objects.get(number="BL-1")
    assert new[1] == "Nguyễn Thị Mới" and new[5] == "05/10/2026" and new[6] == "BL-1"
    assert (new[7], new[8], new[9]) == (1_500_000, 1, "10/2026")
    assert (new[10], new[11], new[12], new[13]) == (330_000, 165_000, 50, 165_000)
    assert new[10] == receipt.gross and new[11] == receipt.amount
    assert new[18] == office.collector.code and new[19] == "Tham gia mới"
    cont = increase[october["cont"].cccd]
    assert cont[1] == "'=HYPERLINK(1)"  # neutralised, never a formula
    assert (cont[8], cont[9], cont[19]) == (3, "10/2026", "Đóng tiếp")
    [gone] = groups["II"]["rows"]
    assert gone[1] == "Trần Văn Đi" and gone[9] == "10/2026"
    assert gone[19] == "Dừng tham gia: Chuyển sang BHXH bắt buộc"  # Vietnamese, as the form
    for code, g in groups.items():
        sub = g["subtotal"]
        assert sub[1] == f"Cộng {code}: {len(g['rows'])} người"
        for col in (10, 11, 13, 15, 17):  # columns 8, 9, 11, 13, 15
            assert sub[col] == sum(r[col] or 0 for r in g["rows"])
    assert total[1] == "Tổng cộng: 3 người"
    for col in (10, 11, 13, 15, 17):
        assert total[col] == sum(g["subtotal"][col] for g in groups.values())
    assert total[10] == sum(Receipt.objects.get(number=n).gross for n in ("BL-1", "BL-2"))
    assert total[11] == sum(Receipt.objects.get(number=n).amount for n in ("BL-1", "BL-2"))


def test_d05_is_scoped_by_role(client, users, october):
    ws = _download(client, users["postmgr"], kind="d05")
    groups, _total = _table(ws)
    names = {r[1] for r in groups["I"]["rows"]}
    assert "Lê Thị Viettel" not in names and "Nguyễn Thị Mới" in names
    ws = _download(client, users["official"], kind="d05")  # the office: every organisation
    names = {r[1] for r in _table(ws)[0]["I"]["rows"]}
    assert "Lê Thị Viettel" in names
    # Another organisation's id: not in the post office manager's choices.
    client.force_login(users["postmgr"])
    viettel = october["other"].collector.organisation
    r = client.get(
        reverse("collection_official_list"),
        {**OCT, "kind": "d05", "organisation": viettel.pk, "download": "1"},
    )
    assert r.status_code == 400 and "organisation" in r.context["form"].errors


def test_d03_lists_each_member_with_the_ladder(client, users, october):
    ws = _download(client, users["official"], kind="d03")
    assert ws.title == "D03-TS"
    assert ws.cell(1, 14).value == "Mẫu D03-TS"
    assert ws["A3"].value == "DANH SÁCH NGƯỜI THAM GIA BẢO HIỂM Y TẾ HỘ GIA ĐÌNH"
    assert [ws.cell(8, c).value for c in range(1, 18)] == ["A", "B", "C"] + [
        str(i) for i in range(1, 15)
    ]
    groups, total = _table(ws)
    rows = groups["I"]["rows"]
    assert [r[1] for r in rows] == ["Phạm Văn Chủ", "Phạm Thị Vợ"]
    assert [r[8] for r in rows] == [1, 2]  # position in the household
    receipt = Receipt.objects.get(number="HI-1")
    # Base salary 2,530,000 from 07/2026: 4.5% = 113,850 a month for the first member,
    # 70% of it (79,695) for the second, for 12 months (Decree 188/2025 art. 6).
    assert [r[11] for r in rows] == [1_366_200, 956_340]
    assert sum(r[11] for r in rows) == receipt.gross
    assert rows[0][5] == "Nam" and rows[1][5] == "Nữ"
    sub = groups["I"]["subtotal"]
    assert sub[11] == receipt.gross and sub[14] == receipt.amount
    assert total[1] == "Tổng cộng: 2 người" and total[11] == receipt.gross


def test_the_cycle_page_links_the_lists_of_its_month(client, users, october, office):
    from ansinh.collection.cycle import issue_cycle
    from ansinh.rules.months import Month

    run = issue_cycle(office.office, Month(2026, 10)).run
    client.force_login(users["official"])
    html = client.get(reverse("collection_cycle", args=[run.pk])).content.decode()
    assert 'data-testid="d05"' in html and "start=2026-10-01&amp;end=2026-10-31" in html
    page = client.get(reverse("collection_official_list"))
    assert page.status_code == 200 and b"D05-TS" in page.content
    bad = client.get(
        reverse("collection_official_list"), {"start": "2026-10-31", "end": "2026-10-01"}
    )
    assert bad.status_code == 400 and "end" in bad.context["form"].errors


@pytest.mark.parametrize(
    ("language", "start", "said"),
    [
        (
            "vi",
            "2026-13-01",
            "Biên lai từ ngày: 2026-13-01 không phải là ngày: tháng phải từ 1 đến 12.",
        ),
        (
            "vi",
            "hôm qua",
            "Biên lai từ ngày: hôm qua không phải là ngày: hãy chọn trên lịch hoặc ghi theo "
            "dạng dd/mm/yyyy.",
        ),
        (
            "en",
            "31/02/2026",
            "Receipts from: 31/02/2026 is not a date: month 02/2026 has 28 days.",
        ),
        (
            "en",
            "yesterday",
            "Receipts from: yesterday is not a date: choose one in the calendar or write it as "
            "dd/mm/yyyy.",
        ),
    ],
)
def test_a_bad_date_names_its_field_and_the_format(client, users, language, start, said):
    """Not Django's 'Nhập một ngày hợp lệ.': the field and what to write, as the report pages
    say it (common.params)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(users["official"])
    r = client.get(reverse("collection_official_list"), {"start": start, "end": "2026-10-31"})
    assert r.status_code == 400
    assert r.context["form"].errors["start"] == [said]
    assert said in r.content.decode().replace("&#x27;", "'")


def test_the_end_of_the_period_is_named_too(client, users):
    client.force_login(users["official"])
    r = client.get(reverse("collection_official_list"), {"start": "2026-10-01", "end": ""})
    assert r.status_code == 400
    assert r.context["form"].errors["end"] == [
        "Biên lai đến ngày: chưa có ngày: hãy chọn trên lịch hoặc ghi theo dạng dd/mm/yyyy."
    ]
    r = client.get(reverse("collection_official_list"), {"start": "2026-10-01", "end": "0/0/0"})
    said = r.context["form"].errors["end"][0]
    assert said.startswith("Biên lai đến ngày: 0/0/0: năm phải từ 1900")
