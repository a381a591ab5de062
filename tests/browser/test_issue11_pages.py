"""Issue 11 pages in the browser: the unconfirmed-figures notice on a quote and on the person
page, the official lists page, the person form's identity message; desktop and phone."""

from datetime import date

from playwright.sync_api import expect

from tests.factories import enrol


def test_unconfirmed_notice_and_official_lists(
    page, new_page, live_server, users, office, login, shot
):
    login(page, live_server, "official")
    page.goto(
        live_server.url + "/counsel/?income=1500000&group=other&mode=1&months=1&on=2026-08-01"
    )
    notice = page.locator("[data-testid=unconfirmed]")
    expect(notice).to_contain_text("reference_level")
    expect(notice).to_contain_text("Decree 161/2026")
    shot(page, "counsel-unconfirmed")

    e = enrol(office, "Phạm Thị Hưu", paid_through=date(2026, 1, 1), start=date(2016, 1, 1))
    page.goto(live_server.url + f"/persons/{e.person_id}/")
    expect(page.locator("[data-testid=unconfirmed]")).to_contain_text("pension.adjustment")
    shot(page, "person-unconfirmed")

    page.goto(live_server.url + "/collection/official-lists/")
    expect(page.locator("[data-testid=official-list-form]")).to_be_visible()
    shot(page, "official-lists")

    phone = new_page(phone=True)
    phone.set_viewport_size({"width": 390, "height": 844})
    login(phone, live_server, "official")
    phone.goto(
        live_server.url + "/counsel/?income=1500000&group=other&mode=1&months=1&on=2026-08-01"
    )
    expect(phone.locator("[data-testid=unconfirmed]")).to_be_visible()
    box = phone.locator("[data-testid=unconfirmed]").bounding_box()
    assert box and box["x"] + box["width"] <= 390 + 1  # fits the phone's width
    shot(phone, "counsel-unconfirmed-phone")
    phone.goto(live_server.url + f"/persons/{e.person_id}/")
    shot(phone, "person-unconfirmed-phone")
    phone.goto(live_server.url + "/collection/official-lists/")
    shot(phone, "official-lists-phone")


def test_person_form_names_the_cccd_field(page, live_server, users, office, login, shot):
    login(page, live_server, "official")
    page.goto(live_server.url + "/persons/new/")
    page.fill("#id_full_name", "Phạm Văn Nam")
    page.fill("#id_birth_date", "1986-04-12")
    page.select_option("#id_sex", "M")
    page.fill("#id_cccd", "087186004321")  # the 4th digit 1 is a woman's
    page.fill("#id_phone", "+84 912 345 678")
    page.fill("#id_old_address", "Ấp Hòa Lợi, Xã Hòa Long, Huyện Lai Vung, Tỉnh Đồng Tháp")
    page.click("form button[type=submit]")
    expect(page.locator("body")).to_contain_text("Số CCCD: chữ số thứ 4 (1) dành cho nữ")
    shot(page, "person-form-cccd")


def test_admin_lists_the_unconfirmed_parameters(page, live_server, users, login, shot):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    login(page, live_server, "root")
    page.goto(live_server.url + "/admin/parameters/parameter/?unconfirmed__exact=1")
    expect(page.locator("#result_list")).to_contain_text("reference_level")
    shot(page, "admin-unconfirmed")
    page.locator("#result_list a", has_text="reference_level").first.click()
    expect(page.locator("#id_correct_from")).to_be_visible()
    shot(page, "admin-correct")
