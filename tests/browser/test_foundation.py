"""Issue 2, walked as a new official would: find a person, read their file, register and
enrol someone, watch the live quote, record a receipt, and counsel someone leaving a job."""

import io
import re
from datetime import date, timedelta
from fractions import Fraction

import pytest
from playwright.sync_api import expect

from ansinh.common.text import add_months, money, month_label
from tests.factories import LAI_VUNG, make_person

TODAY = date.today()


def _round(value: Fraction) -> int:
    return int(value + Fraction(1, 2))  # half up, whole dong


def expected_vsi(income: int, support_percent: int, months: int, on: date) -> dict[str, str]:
    """The law's arithmetic written out: 22% of income; support = pct x 22% x rural poverty
    line (2026: 1.500.000 đ). E.g. 3.000.000 đ, near-poor (40%): 660.000 - 132.000 = 528.000."""
    from ansinh.parameters.table import current_table

    poverty = int(current_table().value("poverty.rural", on))
    gross = Fraction(22, 100) * income
    support = Fraction(support_percent, 100) * Fraction(22, 100) * poverty
    gross_m, support_m = _round(gross), _round(support)
    gross_t, support_t = _round(gross * months), _round(support * months)
    return {
        "net-monthly": money(gross_m - support_m),
        "gross-total": money(gross_t),
        "support-total": money(support_t),
        "net-total": money(gross_t - support_t),
    }


def _hong_with_history(office, official):
    """Nguyễn Thị Hồng: 5 years compulsory long ago, then 6 months voluntary this year."""
    from ansinh.enrolment import services as enrolment
    from ansinh.registry import services as registry
    from ansinh.registry.models import CompulsoryPeriod

    hong = make_person(office, "Nguyễn Thị Hồng", collector=office.collector)
    registry.add_compulsory_period(
        official,
        hong,
        CompulsoryPeriod(start=date(2008, 1, 1), end=date(2012, 12, 1), salary=4_000_000),
    )
    start = add_months(TODAY.replace(day=1), -10)
    vsi = enrolment.enrol_vsi(official, hong, 3_000_000, "6", start)
    enrolment.record_vsi_receipt(
        official,
        vsi,
        enrolment.ReceiptInput(number="BL-0001", paid_on=start + timedelta(days=4), months=6),
    )
    return hong, add_months(start, 5)


def test_official_finds_registers_enrols_and_records_a_receipt(
    page, live_server, office, users, login, shot
):
    official = users["official"]
    hong, hong_paid_through = _hong_with_history(office, official)
    make_person(office, "Nguyễn Văn Hùng")  # shares two words, must not match
    make_person(office, "Nguyễn Thị Hồng", commune="00070", hamlet=None)  # Hanoi: out of scope

    login(page, live_server, "official")
    expect(page.locator("h2")).to_contain_text("Official")
    shot(page, "home")

    # Search without diacritics; results come in live (HTMX) as the official types.
    open_menu_with(page, "/persons/")
    page.click("header.site a[href='/persons/']")
    page.locator("input[name=q]").press_sequentially("nguyen thi hong", delay=20)
    results = page.locator("[data-testid=results] tbody tr")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Nguyễn Thị Hồng")
    expect(results.first).to_contain_text("Hòa Long")
    assert re.search(r"q=nguyen(\+|%20)thi(\+|%20)hong", page.url)  # in the address bar
    shot(page, "search")

    # The person's file: identity, the month-by-month timeline, the paid-through month.
    results.first.locator("a").click()
    expect(page.locator("[data-testid=person-name]")).to_have_text("Nguyễn Thị Hồng")
    expect(page.locator("[data-testid=cccd]")).to_have_text(hong.cccd)  # officials see it
    expect(page.locator("[data-testid=paid-through]")).to_have_text(month_label(hong_paid_through))
    timeline = page.locator("[data-testid=timeline]")
    expect(timeline.locator(".m.c")).to_have_count(60)  # 2008-2012 compulsory
    expect(timeline.locator(".m.v, .m.s")).to_have_count(6)
    expect(timeline.locator(".y", has_text="2010")).to_contain_text("12")
    expect(page.locator("[data-testid=receipts]")).to_contain_text("BL-0001")
    expect(page.locator("[data-testid=projected-pension]")).to_contain_text("đ")
    shot(page, "person-file")

    # Register a new person with a new household, near-poor this year.
    open_menu_with(page, "/persons/new/")
    page.click("header.site a[href='/persons/new/']")
    page.fill("#id_full_name", "Phạm Thị Lan")
    page.fill("#id_birth_date", "1986-04-12")
    page.select_option("#id_sex", "F")
    page.fill("#id_cccd", "087186004321")
    page.fill("#id_phone", "0912345678")
    page.select_option("#id_commune", LAI_VUNG)
    page.select_option("#id_hamlet", label="Ấp Hòa Lợi")
    page.fill("#id_address", "12 đường số 3")
    page.select_option("#id_support_group", "near_poor")
    page.select_option("#id_household_choice", "new")
    shot(page, "person-form")
    page.click("main form button[type=submit]")
    expect(page.locator("[data-testid=person-name]")).to_have_text("Phạm Thị Lan")
    expect(page.locator(".messages .success")).to_contain_text("Phạm Thị Lan")
    lan_url = page.url
    lan_id = int(re.search(r"/persons/(\d+)/", lan_url).group(1))

    # Enrol in VSI; the quote follows the typing (HTMX), for a known income and group.
    page.click(f"main a[href='/persons/{lan_id}/vsi/']")
    assert page.url.endswith(f"/persons/{lan_id}/vsi/")
    page.select_option("#id_method", "3")
    income = page.locator("#id_income")
    income.fill("")
    income.press_sequentially("3000000", delay=20)
    for testid, text in expected_vsi(3_000_000, 40, 3, TODAY).items():
        expect(page.locator(f"[data-testid={testid}]")).to_have_text(text)
    expect(page.locator("#live-quote")).to_contain_text("40%")
    shot(page, "vsi-quote")

    from ansinh.parameters.table import current_table

    floor = int(current_table().value("poverty.rural", TODAY))
    minimum = f"{floor // 1_000_000}[.,]{floor // 1000 % 1000:03d}[.,]000"
    income.fill("500000")
    error = page.locator("[data-testid=quote-error]")
    expect(error).to_be_visible()
    expect(error).to_contain_text(re.compile(r"500[.,]000"))  # what was typed
    expect(error).to_contain_text(re.compile(minimum))  # and the floor
    expect(page.locator("[data-testid=net-total]")).to_have_count(0)
    shot(page, "vsi-quote-out-of-range")

    income.fill("3000000")
    expect(page.locator("[data-testid=net-total]")).to_have_text(
        expected_vsi(3_000_000, 40, 3, TODAY)["net-total"]
    )
    page.click("main form button[type=submit]")
    expect(page.locator("[data-testid=person-name]")).to_have_text("Phạm Thị Lan")
    expect(page.locator(".messages .success")).to_have_count(1)
    expect(page.locator("[data-testid=paid-through]")).to_have_text("—")
    expect(page.locator("[data-testid=timeline]")).to_have_count(0)

    # Record a receipt for 3 months from the enrolment's "record a receipt" link.
    page.click("[data-testid=paid-through] ~ td a[href*='/receipt/']")
    expect(page.locator("#id_months")).to_have_value("3")
    expect(page.locator("[data-testid=net-total]")).to_have_text(
        expected_vsi(3_000_000, 40, 3, TODAY)["net-total"]
    )
    page.fill("#id_number", "BL-2026-0042")
    shot(page, "receipt-form")
    page.click("main form button[type=submit]")

    first, last = TODAY.replace(day=1), add_months(TODAY.replace(day=1), 2)
    expect(page.locator(".messages")).to_contain_text("BL-2026-0042")
    expect(page.locator("[data-testid=paid-through]")).to_have_text(month_label(last))
    timeline = page.locator("[data-testid=timeline]")
    expect(timeline.locator(".m.s")).to_have_count(3)  # supported months
    for i in range(3):
        m = add_months(first, i)
        expect(timeline.locator(f'.m[title="{m.month}/{m.year}"]')).to_have_class("m s")
    expect(page.locator("[data-testid=receipts]")).to_contain_text("BL-2026-0042")
    shot(page, "person-file-after-receipt")

    # The same receipt, from the database's side.
    from ansinh.enrolment.models import ContributionMonth, VsiEnrolment

    vsi = VsiEnrolment.objects.get(person_id=lan_id)
    assert vsi.paid_through == last
    assert ContributionMonth.objects.filter(enrolment=vsi).count() == 3


def test_counselling_someone_leaving_a_job(page, live_server, users, login, shot):
    from ansinh.counselling.outlook import LeavingJobCase, compare_leaving_job
    from ansinh.rules.months import Month

    left_in = Month.of(add_months(TODAY.replace(day=1), -2))
    case = LeavingJobCase(
        sex="F",
        born=Month(1978, 5),
        compulsory_months=6 * 12 + 5,
        compulsory_salary=6_000_000,
        left_in=left_in,
        income=2_000_000,
    )
    projection = compare_leaving_job(case)

    login(page, live_server, "official")
    page.goto(f"{live_server.url}/counsel/?tab=job")
    page.select_option("#id_sex", "F")
    page.fill("#id_born", "1978-05")
    page.fill("#id_compulsory_years", "6")
    page.fill("#id_compulsory_months", "5")
    page.fill("#id_compulsory_salary", "6000000")
    page.fill("#id_left_in", str(left_in))
    page.fill("#id_income", "2000000")
    page.select_option("#id_group", "other")
    page.click("main form button[type=submit]")

    comparison = page.locator("#job-comparison")
    expect(comparison).to_be_visible()
    expect(page.locator("[data-testid=lump-sum]")).to_contain_text(money(projection.lump_sum_now))
    expect(page.locator("[data-testid=months-needed]")).to_contain_text(
        str(projection.months_needed)
    )
    expect(page.locator("[data-testid=pension]")).to_contain_text(money(projection.monthly_pension))
    expect(page.locator("[data-testid=pension-start]")).to_have_text(
        f"{projection.pension_start.month:02d}/{projection.pension_start.year}"
    )
    # 6 years 5 months compulsory: she needs 15 years in all for a pension.
    assert projection.months_needed >= 15 * 12 - 77
    assert projection.lump_sum_now > 0 and projection.monthly_pension > 0
    shot(page, "counsel-job")

    link = page.locator("[data-testid=pdf-link]")
    href = link.get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.ok, response.status
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    try:
        from pypdf import PdfReader
    except ImportError:
        assert len(body) > 5_000
    else:
        text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
        assert money(projection.monthly_pension) in text


PHONE_PAGES = [
    ("search", "/persons/?q=nguyen+thi+hong"),
    ("person-file", "/persons/{hong}/"),
    ("vsi-enrol", "/persons/{new}/vsi/"),
    ("receipt", "/vsi/{vsi}/receipt/"),
    ("register", "/persons/new/"),
    ("counsel-vsi", "/counsel/?tab=vsi&income=1500000&group=other&months=3&on={today}"),
    (
        "counsel-job",
        "/counsel/?tab=job&sex=F&born=1978-05&compulsory_years=6&compulsory_months=5"
        "&compulsory_salary=6000000&left_in={left}&income=2000000&group=other",
    ),
    ("person-counsel", "/persons/{hong}/counsel/"),
]


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_key_pages_fit_the_screen(new_page, live_server, office, users, login, shot, phone):
    """Each key page, at 1280 and 375 wide: nothing wider than the screen, a screenshot each."""
    official = users["official"]
    hong, _ = _hong_with_history(office, official)
    new = make_person(office, "Võ Văn Tám", birth_date=date(1990, 2, 3), sex="M")
    page = new_page(phone=phone)
    login(page, live_server, "official")
    ids = {
        "hong": hong.pk,
        "new": new.pk,
        "vsi": hong.vsi_enrolments.get().pk,
        "today": TODAY.isoformat(),
        "left": str(add_months(TODAY.replace(day=1), -2))[:7],
    }
    width = 375 if phone else 1280
    too_wide = []
    for name, path in PHONE_PAGES:
        page.goto(live_server.url + path.format(**ids))
        expect(page.locator("main h2").first).to_be_visible()
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            too_wide.append(f"{name}: {scroll_width}px")
        shot(page, name)
    assert not too_wide, f"wider than {width}px: {too_wide}"


def open_menu_with(page, href):
    """Open the header's drop-down menu that holds the link to `href`."""
    page.locator("header.site details.dropdown", has=page.locator(f"a[href='{href}']")).locator(
        "summary"
    ).click()
