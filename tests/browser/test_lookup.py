"""The participant's look-up on a 390 px phone: opened from the receipt's QR address
(prefilled code), the birth date typed, their own status shown; a wrong birth date gets the
same answer as an unknown code."""

from datetime import date

import pytest

from ansinh.enrolment import services
from ansinh.lookup.models import LookupLog
from tests.factories import enrol

pytestmark = pytest.mark.browser


@pytest.fixture
def lookup_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "lookups": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "b"},
    }


def test_participant_looks_up_from_the_receipt(
    live_server, browser, new_page, login, shot, office, users, lookup_cache
):
    e = enrol(office, "Võ Thị Lan", paid_through=date(2026, 1, 1), birth_date=date(1985, 3, 2))
    receipt = services.record_vsi_receipt(
        users["collector"],
        e,
        services.ReceiptInput(number="BL-0001", paid_on=date.today(), months=1),
    )
    # The collector's receipt page carries the QR code.
    desk = new_page()
    login(desk, live_server, "collector")
    desk.goto(f"{live_server.url}/receipts/{receipt.pk}/")
    assert desk.locator("[data-testid=receipt-qr] svg").is_visible()
    shot(desk, "receipt")

    # The participant's phone opens the address the QR holds.
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="vi-VN"
    )
    phone = context.new_page()
    try:
        phone.goto(f"{live_server.url}/tra-cuu/?ma={e.person.si_code}")
        assert phone.input_value("input[name=code]") == e.person.si_code
        assert phone.input_value("input[name=born]") == ""
        phone.fill("input[name=born]", "02/03/1985")
        with phone.expect_navigation():
            phone.click("[data-testid=lookup-submit]")
        result = phone.locator("[data-testid=lookup-result]")
        assert result.is_visible()
        assert phone.inner_text("[data-testid=lookup-name]") == "Võ T. L."
        e.refresh_from_db()
        assert phone.inner_text("[data-testid=lookup-paid-through]") == e.paid_through.strftime(
            "%m/%Y"
        )
        assert "Trần Văn Thu" in phone.inner_text("[data-testid=lookup-pay-at]")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390  # nothing wider than the phone
        phone.screenshot(path="test-results/lookup-phone-390.png", full_page=True)
        phone.fill("input[name=born]", "03/03/1985")
        with phone.expect_navigation():
            phone.click("[data-testid=lookup-submit]")
        assert phone.locator("[data-testid=lookup-miss]").is_visible()
        assert not phone.locator("[data-testid=lookup-result]").count()
        phone.screenshot(path="test-results/lookup-phone-390-miss.png", full_page=True)
    finally:
        context.close()
    assert list(LookupLog.objects.order_by("id").values_list("outcome", flat=True)) == [
        "hit",
        "miss",
    ]
