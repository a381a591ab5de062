"""A post office uploads its day's receipt file: a bad row rejects the file and names the row
and field, nothing is written; the same file with "keep the valid rows" records the others;
uploaded a third time it adds nothing. Through the page, as a user does it (on PostgreSQL the
import's lookup and writer threads run behind the request)."""

from datetime import date

import pytest
from playwright.sync_api import expect

from ansinh.collection.models import ReceiptImport
from ansinh.enrolment.models import Receipt
from ansinh.enrolment.services import quote_for_person
from ansinh.rules.months import Month
from tests.factories import enrol

pytestmark = pytest.mark.django_db(transaction=True)


def test_upload_reject_keep_valid_and_again(
    live_server, new_page, login, users, office, shot, tmp_path
):
    today = date.today()
    last = (Month.of(today) - 1).first_day()
    a = enrol(office, "Nguyễn Văn Nộp", paid_through=last)
    b = enrol(office, "Trần Thị Đóng", paid_through=last)
    due = quote_for_person(a.person, a.income, today, 1).net_total
    paid = today.strftime("%d/%m/%Y")
    path = tmp_path / "bienlai-buu-dien.csv"
    path.write_text(
        "so_bien_lai,ma_so_bhxh,ngay_nop,so_thang,so_tien\n"
        f"BD-1,{a.person.si_code},{paid},1,{due}\n"
        f"BD-2,{b.person.si_code},{paid},1,{due}\n"
        f"BD-3,8799999999,{paid},1,{due}\n",
        encoding="utf-8",
    )
    base = live_server.url
    post = new_page()
    login(post, live_server, "postmgr")

    def upload(keep_valid=False):
        post.goto(f"{base}/collection/imports/new/")
        post.set_input_files("input[type=file]", str(path))
        if keep_valid:
            post.check("input[name=keep_valid]")
        with post.expect_navigation():
            post.locator("main form button[type=submit]").click()
        expect(post.locator("#report")).to_be_visible()

    upload()
    expect(post.locator("#progress .badge.bad")).to_contain_text("1")
    bad = post.locator("#report tr", has_text="BD-3")
    expect(bad).to_contain_text("ma_so_bhxh")
    expect(bad.locator("td").first).to_have_text("4")
    assert not Receipt.objects.exists()
    shot(post, "rejected")

    upload(keep_valid=True)
    expect(post.locator("#progress .badge.ok")).to_contain_text("2")
    assert set(Receipt.objects.values_list("number", flat=True)) == {"BD-1", "BD-2"}
    a.refresh_from_db()
    assert a.paid_through == Month.of(today).first_day()
    shot(post, "kept")

    upload(keep_valid=True)
    expect(post.locator(".badge.warn")).to_be_visible()  # the same file was imported before
    again = ReceiptImport.objects.latest("pk")
    assert (again.status, again.accepted, again.duplicates) == ("done", 0, 2)
    assert Receipt.objects.count() == 2
