"""The visit log offline for a day (issue 12 item 3, decision 0021), in the browser: the
service worker keeps the visit log and the day's list; without signal (Playwright's offline
mode) the page reloads from the phone's copy with a banner saying when it was saved, three
visits (one an enrolment of a person found in the kept list) wait on the phone across a
reload, and with the signal back each arrives once; the same queue sent again adds nothing.
Logging out drops the copies: the next user of the phone never sees the last one's pages."""

import json
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from ansinh.campaigns import services
from ansinh.campaigns.models import Visit
from ansinh.common.offline import user_key
from ansinh.enrolment.models import VsiEnrolment
from ansinh.places.models import Commune
from tests.factories import HOA_LONG, make_person

pytestmark = pytest.mark.browser
TODAY = date.today()


def _day(office, users):
    campaign = services.create_campaign(
        users["manager"],
        office.office,
        "Tháng vận động",
        TODAY - timedelta(days=1),
        TODAY + timedelta(days=30),
        Commune.objects.filter(pk=HOA_LONG),
    )
    members = [
        services.MemberInput(
            full_name=name, role="collaborator", phone=f"09000000{i:02d}", is_leader=i == 0
        )
        for i, name in enumerate(["Lê Công Hiển", "Ngô Cán Bộ", "Phạm An", "Trần Bình", "Võ Cúc"])
    ]
    group = services.create_group(
        users["manager"], campaign, campaign.communes.get(), "Tổ 1 Hòa Long", members
    )
    return services.add_launch_day(
        users["manager"], group, TODAY, "Văn phòng ấp", 2, 1, office.hamlet
    )


def _page_copies(page):
    return [k for k in page.evaluate("caches.keys()") if k.startswith("ansinh-pages-")]


def _open_and_keep(page, url):
    page.goto(url)
    # offline.js sets it when the worker answers that the page (and its lists) are kept
    expect(page.locator("body[data-offline-saved]")).to_have_count(1)


def test_a_day_of_visits_without_signal(live_server, new_page, login, shot, office, users):
    day = _day(office, users)
    person = make_person(office, "Võ Thị Lan", birth_date=date(1985, 3, 2))
    phone = new_page(phone=True)
    login(phone, live_server, "official")
    url = f"{live_server.url}/days/{day.pk}/visits/"
    _open_and_keep(phone, url)
    assert _page_copies(phone) == [f"ansinh-pages-{user_key(users['official'])}"]
    banner = phone.locator("[data-testid=offline-banner]")
    expect(banner).to_be_hidden()  # a page from the server says nothing

    # No signal: the reload is the phone's copy, saying when it was saved.
    phone.context.set_offline(True)
    phone.reload()
    expect(banner).to_be_visible()
    saved_at = phone.locator("body").get_attribute("data-saved-at")
    expect(banner).to_contain_text(saved_at)
    expect(banner).to_contain_text("Không có mạng")
    shot(phone, "offline-banner")

    # Three visits: two households met, one enrolment of a person found in the kept list.
    phone.select_option("select[name=member]", label="Võ Cúc")
    phone.fill("#met_name", "Hộ ông Tư")
    phone.check("input[name=outcome][value=not_home]")
    phone.click("[data-testid=save-visit]")
    phone.fill("#met_name", "Hộ bà Năm")
    phone.check("input[name=outcome][value=refused]")
    phone.select_option("select[name=refusal_reason]", "no_income")
    phone.click("[data-testid=save-visit]")
    phone.fill("#find", "vo thi")  # no diacritics typed: the kept list is searched folded
    phone.click("[data-testid=person-choice]")
    phone.check("input[name=outcome][value=enrolled]")
    phone.check("#enrol_vsi")
    phone.fill("#income", "2000000")
    expect(phone.locator("#live-quote")).to_contain_text("Cần có mạng")
    phone.click("[data-testid=save-visit]")
    expect(phone.locator("#pending")).to_have_text("3")
    assert Visit.objects.count() == 0

    # Still no signal: another reload, the queue is still on the phone.
    phone.reload()
    expect(banner).to_be_visible()
    expect(phone.locator("#pending")).to_have_text("3")
    expect(phone.locator("select[name=member]")).to_have_value(
        str(day.group.members.get(mobiliser__full_name="Võ Cúc").pk)
    )
    key = f"ansinh.visits.queue.{user_key(users['official'])}"
    queue = phone.evaluate(f"localStorage.getItem('{key}')")

    # The signal is back: the queue goes, each visit arrives once, with the phone's UUID.
    phone.context.set_offline(False)
    expect(phone.locator("#pending")).to_have_text("0")
    expect(banner).to_contain_text("Có mạng trở lại")
    uuids = [item["uuid"] for item in json.loads(queue)]
    assert len(uuids) == 3
    assert sorted(str(u) for u in Visit.objects.values_list("uuid", flat=True)) == sorted(uuids)
    assert VsiEnrolment.objects.filter(person=person).count() == 1
    enrolled = Visit.objects.get(person=person)
    assert enrolled.new_vsi and enrolled.member.mobiliser.full_name == "Võ Cúc"

    # The same queue sent a second time (an answer lost on the way): merged, nothing added.
    # The sync above may itself have merged one (Chromium can drop an answer when the network
    # comes back, and the visit is sent again), so the re-send is counted from here.
    merged = phone.locator("#results li.merged")
    merged_before = merged.count()
    phone.evaluate(f"localStorage.setItem('{key}', {queue!r})")
    phone.evaluate("window.ansinhVisitQueue.flush()")
    expect(phone.locator("#pending")).to_have_text("0")
    expect(merged).to_have_count(merged_before + 3)
    assert Visit.objects.count() == 3
    assert VsiEnrolment.objects.filter(person=person).count() == 1


def test_logging_out_drops_the_copies(live_server, new_page, login, office, users):
    day = _day(office, users)
    phone = new_page(phone=True)
    login(phone, live_server, "official")
    url = f"{live_server.url}/days/{day.pk}/visits/"
    _open_and_keep(phone, url)
    assert len(_page_copies(phone)) == 1

    with phone.expect_navigation():
        phone.click("header form[action='/logout/'] button")
    assert "/login/" in phone.url
    expect(phone.locator("input[name=password]")).to_be_visible()
    assert _page_copies(phone) == []

    # Without signal, the last user's page is gone: the phone says it has no copy.
    phone.context.set_offline(True)
    phone.goto(url)
    expect(phone.locator("h2")).to_have_text("Không có mạng")
    expect(phone.locator("[data-testid=saved-pages] li")).to_have_count(0)
    assert "Võ Cúc" not in phone.content()
    phone.context.set_offline(False)

    # The next user keeps their own copies, under their own key only.
    login(phone, live_server, "manager")
    _open_and_keep(phone, url)
    assert _page_copies(phone) == [f"ansinh-pages-{user_key(users['manager'])}"]


def test_a_kept_page_with_an_old_token_still_sends(live_server, new_page, login, office, users):
    """A new login on the phone rotates the CSRF secret: a page kept from before (its token
    old) has the sync refused once, fetches a fresh token and sends."""
    day = _day(office, users)
    phone = new_page(phone=True)
    login(phone, live_server, "official")
    _open_and_keep(phone, f"{live_server.url}/days/{day.pk}/visits/")
    other = phone.context.new_page()
    login(other, live_server, "official")  # the same phone, a new session
    other.close()
    phone.fill("#met_name", "Hộ ông Tư")
    phone.check("input[name=outcome][value=not_home]")
    phone.click("[data-testid=save-visit]")
    expect(phone.locator("#results li.created")).to_have_count(1)
    expect(phone.locator("#pending")).to_have_text("0")
    assert Visit.objects.filter(met_name="Hộ ông Tư").count() == 1


def test_a_visit_refused_on_arrival_stays_on_the_phone(
    live_server, new_page, login, shot, office, users
):
    """Logged offline, refused hours later when it arrives (the person enrolled at the office
    meanwhile): the visit stays on the phone with the reason until the member has seen it."""
    day = _day(office, users)
    person = make_person(office, "Võ Thị Lan", birth_date=date(1985, 3, 2))
    phone = new_page(phone=True)
    login(phone, live_server, "official")
    _open_and_keep(phone, f"{live_server.url}/days/{day.pk}/visits/")
    phone.context.set_offline(True)
    phone.reload()
    phone.fill("#find", "Lan")
    phone.click("[data-testid=person-choice]")
    phone.check("input[name=outcome][value=enrolled]")
    phone.check("#enrol_vsi")
    phone.click("[data-testid=save-visit]")
    expect(phone.locator("#pending")).to_have_text("1")
    VsiEnrolment.objects.create(  # meanwhile, at the office
        person=person,
        start_month=TODAY.replace(day=1),
        income=2_000_000,
        method="1",
        status="active",
        status_since=TODAY.replace(day=1),
    )
    phone.context.set_offline(False)
    expect(phone.locator("#pending")).to_have_text("0")
    refused = phone.locator("[data-testid=refused] li")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("Võ Thị Lan")
    assert not Visit.objects.exists()
    shot(phone, "refused")
    phone.reload()
    expect(refused).to_have_count(1)
    phone.click("[data-testid=dismiss-refused]")
    expect(refused).to_have_count(0)
    expect(phone.locator("[data-testid=refused-box]")).to_be_hidden()
