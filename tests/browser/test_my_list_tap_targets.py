"""The collector's phone list at 390 px: each person's "Lý do chưa đóng" and "Mã QR ..."
summaries are tap targets at least 44 px high that do not touch (they were ~16 px apart)."""

from datetime import date

import pytest
from playwright.sync_api import expect

from ansinh.collection.cycle import issue_cycle
from ansinh.rules.months import Month
from tests.factories import enrol

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_reason_and_qr_summaries_are_comfortable_to_tap(
    live_server, new_page, login, users, office, shot
):
    this_month = Month.of(date.today())
    enrol(office, "Lê Văn Trễ", paid_through=(this_month - 3).first_day())
    issue_cycle(office.office, this_month - 1)
    phone = new_page(phone=True)
    phone.set_viewport_size({"width": 390, "height": 900})
    login(phone, live_server, "collector")
    phone.goto(f"{live_server.url}/collection/my/")
    entry = phone.locator("article.entry", has_text="Lê Văn Trễ")
    why, qr = entry.locator("details.why > summary"), entry.locator("details.qr > summary")
    expect(why).to_be_visible()
    expect(qr).to_be_visible()
    shot(phone, "my-list-390")
    a, b = why.bounding_box(), qr.bounding_box()
    assert a["height"] >= 44 and b["height"] >= 44, (a, b)
    assert b["y"] >= a["y"] + a["height"], (a, b)  # one below the other, not overlapping
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
