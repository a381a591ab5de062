"""Issue 3 walked through: the office issues the lists, downloads the Excel file, the post
office reports a reason, the office assigns a visit, the collector records the payments on
the phone, the visit resolves itself and the on-time rate goes up."""

import re
from datetime import date

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from ansinh.collection.models import CycleRun, FollowUpVisit
from ansinh.rules.months import Month
from tests.factories import enrol

pytestmark = pytest.mark.django_db(transaction=True)


def test_cycle_walk(live_server, new_page, login, users, office, shot):
    # Last month's lists; their deadline is this month, so paying today is on time.
    this_month = Month.of(date.today())
    cycle = this_month - 1
    late = enrol(office, "Lê Văn Trễ", paid_through=(this_month - 3).first_day())
    due = enrol(office, "Nguyễn Văn Đến", paid_through=cycle.first_day())
    deadline_label = f"{this_month.first_day():%m/%Y}"
    base = live_server.url

    # The office manager issues last month's lists with the button.
    manager = new_page()
    login(manager, live_server, "manager")
    manager.goto(f"{base}/collection/")
    manager.fill("input[name=month]", str(cycle))
    manager.click("#issue-lists")
    expect(manager.locator("article.cycle-org").first).to_contain_text("Bưu điện Lai Vung")
    run = CycleRun.objects.get()
    assert (run.due_count, run.unpaid_count) == (1, 1)
    shot(manager, "lists")

    # The unpaid list of the post office as an Excel file for handing over.
    with manager.expect_download() as download:
        manager.locator(f"a[href*='unpaid.xlsx?organisation={office.post.pk}']").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as f:
        ws = load_workbook(f).active
    values = [str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "Lê Văn Trễ" in values and "Bưu điện Lai Vung" in " ".join(values)
    assert "(Ký, ghi rõ họ tên)" in values

    # On-time rate of this month's deadline before anyone pays: 0 of 1.
    manager.goto(f"{base}/collection/measures/")
    row = manager.locator("#measures tr", has_text=deadline_label)
    expect(row.locator("td.rate")).to_have_text(re.compile(r"^0[.,]0%$"))

    # The post office reports why Lê Văn Trễ did not pay.
    post = new_page()
    login(post, live_server, "postmgr")
    post.goto(f"{base}/collection/cycles/{run.pk}/unpaid/")
    entry = post.locator("article.entry", has_text="Lê Văn Trễ")
    entry.locator("select[name=code]").select_option("away")
    entry.locator("input[name=note]").fill("Đi làm ở Bình Dương")
    entry.locator("form.reason button").click()
    expect(entry.locator(".badge.ok")).to_be_visible()

    # The office sees the reason and assigns an official to visit.
    manager.goto(f"{base}/collection/cycles/{run.pk}/")
    expect(manager.locator("#completeness")).to_contain_text("100%")
    manager.goto(f"{base}/collection/cycles/{run.pk}/unpaid/")
    entry = manager.locator("article.entry", has_text="Lê Văn Trễ")
    entry.locator("select[name=official]").select_option(str(users["official"].pk))
    entry.locator("form.assign button").click()
    expect(manager.locator("article.entry", has_text="Lê Văn Trễ")).to_contain_text("Official")
    visit = FollowUpVisit.objects.get()
    assert visit.status == "open"

    # The collector, on the phone, records both payments from "my list".
    phone = new_page(phone=True)
    login(phone, live_server, "collector")
    phone.goto(f"{base}/collection/my/")
    expect(phone.locator("article.entry", has_text="Lê Văn Trễ")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 380
    shot(phone, "my-list")
    for n, enrolment in enumerate([late, due], start=1):
        phone.goto(f"{base}/collection/my/")
        phone.locator(f"a[href='/vsi/{enrolment.pk}/receipt/']").first.click()
        phone.fill("input[name=number]", f"BL-WALK-{n}")
        phone.fill("input[name=months]", "1")
        with phone.expect_navigation():
            phone.locator("main form button[type=submit]").click()

    # The visit resolved itself; the official sees it in "my visits".
    visit.refresh_from_db()
    assert visit.status == "resolved"
    official = new_page(phone=True)
    login(official, live_server, "official")
    official.goto(f"{base}/collection/visits/")
    expect(official.locator(f"#visit-{visit.pk} .badge.ok")).to_be_visible()

    # The on-time rate of this month's deadline went up.
    manager.goto(f"{base}/collection/measures/")
    row = manager.locator("#measures tr", has_text=deadline_label)
    expect(row.locator("td.rate")).to_have_text(re.compile(r"^100[.,]0%$"))
    shot(manager, "measures")
