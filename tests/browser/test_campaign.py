"""Issue 4 walked through in the browser: targets -> split -> ranking -> campaign -> group
(four refused) -> launch day -> visits on a phone (one enrolment, one offline) -> end-of-day
report (Word, PDF) -> dashboard and leaderboard."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from docx import Document
from playwright.sync_api import expect

from ansinh.campaigns.models import Visit
from ansinh.enrolment.models import VsiEnrolment
from tests.factories import HOA_LONG, LAI_VUNG, make_person

pytestmark = pytest.mark.browser
TODAY = date.today()


def test_campaign_walkthrough(live_server, new_page, login, shot, office, users):
    person = make_person(office, "Võ Thị Lan", birth_date=date(1985, 3, 2))
    url = live_server.url

    # The province sets the office's targets.
    admin = new_page()
    login(admin, live_server, "admin")
    admin.goto(f"{url}/targets/?office={office.office.pk}")
    admin.click("main details summary")
    admin.select_option("[data-testid=target-form] select[name=metric]", "vsi")
    admin.fill("[data-testid=target-form] input[name=value]", "10")
    with admin.expect_navigation():
        admin.click("[data-testid=target-form] button[type=submit]")
    assert office.office.targets.get().value == 10

    # The office splits them to communes: parts above the whole are refused.
    page = new_page()
    login(page, live_server, "manager")
    page.goto(f"{url}/targets/")
    page.click("[data-testid=split-link]")
    page.fill(f"input[name='commune-u_{HOA_LONG}']", "6")
    page.fill(f"input[name='commune-u_{LAI_VUNG}']", "5")
    page.click("[data-testid=split-commune] button[type=submit]")
    assert page.locator("[data-testid=split-error]").is_visible()
    assert not office.office.targets.get().shares.exists()
    page.fill(f"input[name='commune-u_{LAI_VUNG}']", "4")
    with page.expect_navigation():
        page.click("[data-testid=split-commune] button[type=submit]")
    assert office.office.targets.get().shares.count() == 2

    # Rank communes, plan a campaign in the weakest.
    page.goto(f"{url}/campaigns/ranking/")
    assert page.locator("[data-testid=commune-ranking] tbody tr").count() == 2
    page.click("[data-testid=campaign-from-ranking]")
    page.fill("input[name=name]", "Tháng vận động BHXH")
    page.fill("input[name=start]", (TODAY - timedelta(days=1)).isoformat())
    page.fill("input[name=end]", (TODAY + timedelta(days=30)).isoformat())
    with page.expect_navigation():
        page.click("[data-testid=campaign-form] button[type=submit]")
    assert "/campaigns/" in page.url

    # A group of four is refused; five with a leader is created.
    page.click("[data-testid=new-group]")
    page.fill("input[name=name]", "Tổ 1 Hòa Long")
    page.select_option("select[name=commune]", HOA_LONG)
    roles = ["si_staff", "post", "viettel", "commune", "collaborator"]
    names = ["Tăng Phước Long", "Lê Bưu Điện", "Phạm Viettel", "Ngô Cán Bộ", "Lê Công Hiển"]
    for i in range(4):
        page.fill(f"input[name=m{i}_name]", names[i])
        page.select_option(f"select[name=m{i}_role]", roles[i])
    page.check("input[name=leader][value='0']")
    page.click("[data-testid=group-form] button[type=submit]")
    assert "4" in page.locator("[data-testid=group-error]").inner_text()
    page.fill("input[name=m4_name]", names[4])
    page.select_option("select[name=m4_role]", roles[4])
    page.check("input[name=leader][value='0']")
    with page.expect_navigation():
        page.click("[data-testid=group-form] button[type=submit]")
    assert page.locator("[data-testid=group]").count() == 1

    # A launch day in a hamlet, with targets.
    page.click("[data-testid=group] details summary")
    form = page.locator("[data-testid=day-form]")
    form.locator("input[type=date]").fill(TODAY.isoformat())
    form.locator("select").select_option(str(office.hamlet.pk))
    form.locator("input[name$=place]").fill("Văn phòng ấp Long Hưng A")
    form.locator("input[name$=target_vsi]").fill("2")
    form.locator("input[name$=target_hi]").fill("1")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    day_url = page.url

    # The visit log on a phone: one enrolment with the live quote, one while offline.
    phone = new_page(phone=True)
    login(phone, live_server, "official")
    phone.goto(day_url + "visits/")
    assert phone.viewport_size["width"] == 375
    phone.select_option("select[name=member]", label=names[4])
    phone.fill("#find", "Võ Thị")
    phone.click("[data-testid=person-choice]")
    phone.check("input[name=outcome][value=enrolled]")
    phone.check("#enrol_vsi")
    phone.fill("#income", "2000000")
    phone.wait_for_selector("[data-testid=net-monthly]")
    shot(phone, "visit-enrol")
    phone.click("[data-testid=save-visit]")
    phone.wait_for_selector("#results li.created")
    assert VsiEnrolment.objects.filter(person=person).count() == 1

    phone.context.set_offline(True)
    phone.fill("#met_name", "Hộ ông Tư")
    phone.check("input[name=outcome][value=not_home]")
    phone.click("[data-testid=save-visit]")
    # a locator, not wait_for_function: its string predicate is eval'd, which the CSP forbids
    expect(phone.locator("#pending")).to_have_text("1")
    shot(phone, "visit-offline")
    assert not Visit.objects.filter(met_name="Hộ ông Tư").exists()
    phone.context.set_offline(False)
    expect(phone.locator("#pending")).to_have_text("0")
    assert Visit.objects.filter(met_name="Hộ ông Tư").count() == 1
    phone.evaluate("window.ansinhVisitQueue.flush()")
    assert Visit.objects.count() == 2

    # The end-of-day report: Word and PDF, opened and read.
    page.goto(day_url)
    assert page.locator("[data-testid=day-new-vsi]").inner_text().startswith("1/2")
    assert "1/2" in page.locator("[data-testid=chat-text]").input_value()
    with page.expect_download() as dl:
        page.click("[data-testid=report-docx]")
    doc = Document(BytesIO(open(dl.value.path(), "rb").read()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO KẾT QUẢ NGÀY RA QUÂN" in text and "1/2" in text
    with page.expect_download() as dl:
        page.click("[data-testid=report-pdf]")
    pdf = open(dl.value.path(), "rb").read()
    assert pdf.startswith(b"%PDF")
    try:
        from pypdf import PdfReader
    except ImportError:
        pass
    else:
        assert "RA QUÂN" in "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)

    # The dashboard and the leaderboard show the day's work.
    page.goto(f"{url}/dashboard/")
    assert page.locator("[data-testid=campaign-new]").inner_text().startswith("1 /")
    shot(page, "dashboard")
    page.goto(f"{url}/leaderboard/")
    board = page.locator("[data-testid=leaderboard]")
    assert names[4] in board.locator("tbody tr").first.inner_text()
    assert board.locator("[data-testid=top5]").count() == 1
