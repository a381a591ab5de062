"""The pages of issue 11 items 1, 2, 3 and 5 at desktop and phone width: nothing wider than
the screen, a screenshot each (test-results/)."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from ansinh.enrolment import services
from ansinh.registry.models import CompulsoryPeriod
from tests.factories import enrol, make_person, supported_history

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_quote_pages_fit_the_screen(new_page, live_server, office, users, login, shot, phone):
    official = users["official"]
    e = enrol(office, "Lê Thị Gần", paid_through=date(2025, 6, 1))
    supported_history(e, 118)
    CompulsoryPeriod.objects.create(
        person=e.person, start=date(2011, 9, 1), end=date(2017, 3, 1), salary=3_000_000
    )
    head = make_person(office, "Đặng Văn Một", household_order=1)
    make_person(office, "Đặng Thị Hai", household=head.household, household_order=2)
    services.enrol_hi(official, head.household, [head], 12, date.today())
    services.record_hi_receipt(
        official,
        head.household,
        services.ReceiptInput(number="HS-1", paid_on=date.today() - timedelta(days=40), months=12),
    )
    vsi = "/counsel/?tab=vsi&on=2025-08-01&income="
    pages = [
        ("vsi-advance", vsi + "2000000&group=other&mode=advance&months=24"),
        ("vsi-person", vsi + f"1500000&group=poor&mode=6&person={e.person.pk}"),
        ("vsi-payback", vsi + "2000000&group=other&mode=payback&months=3"),
        ("hi-join", "/counsel/?tab=join&enrolled=0&months=12&join_1=2025-08-01&join_2=2025-10-01"),
        ("person-sheet", f"/persons/{e.person.pk}/counsel/?income=2200000"),
        ("hi-enrol", f"/households/{head.household_id}/hi/"),
        ("vsi-receipt", f"/vsi/{e.pk}/receipt/"),
    ]
    page = new_page(phone=phone)
    login(page, live_server, "official")
    width = page.viewport_size["width"]
    too_wide = []
    for name, path in pages:
        page.goto(live_server.url + path)
        expect(page.locator("main h2").first).to_be_visible()
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            too_wide.append(f"{name}: {scroll}px")
        shot(page, name)
    assert not too_wide, f"wider than {width}px: {too_wide}"
